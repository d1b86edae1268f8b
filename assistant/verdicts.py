"""Verdicts: the yes, no or qualified reply a yes/no question gets, derived from the lead that answers
it, reframed to the way the question asks ("banned?" is "allowed?" turned round), kept or dropped.
Pure functions over text."""

from __future__ import annotations

import re

from ingest.refs import NUMBER_WORDS

from .question import asking_sentence, asks_two_things, core_question
from .terms import stems, topic_terms

_VERDICT = re.compile(r"^(?:yes|no|not|only|partly|it depends)\b", re.IGNORECASE)

def opens_with_verdict(text: str) -> bool:
    return bool(_VERDICT.match(text.strip()))


_BAN_Q = re.compile(r"^\s*(?:and\s+)?(?:is|are|was|were|will|would|has|have)\b.{0,120}\b(?:banned|prohibited|"
                    r"phased[- ]out|outlawed|illegal|forbidden|caught by|covered by|included in|subject to|"
                    r"on the list|listed)\b", re.IGNORECASE)
_OBLIGATION_Q = re.compile(r"^\s*(?:and\s+)?(?:do|does|did|will|would|must|is|are|shall)\b.{0,100}\b(?:have to|has to|"
                           r"need to|needs to|required to|obliged to|obligated to|must|bound to|require|requires|"
                           r"oblige|obliges|force|forces)\b|^\s*(?:and\s+)?(?:must|shall)\b", re.IGNORECASE)
_DOES_BAN_Q = re.compile(r"^\s*(?:and\s+)?(?:does|do|did|will)\b.{0,80}\b(?:ban|bans|prohibit|prohibits|outlaw|"
                         r"phase out|forbid|forbids|(?:stop|prevent|bar)s? [^?]{1,40}? from)\b", re.IGNORECASE)
# "Does it stop a hospital from continuing to use the devices it owns?" + "… may still be used": no
_KEEP_USING_Q = re.compile(r"\b(?:use|using|keep|keeping|continu\w*|install\w*|sell\w*)\b", re.IGNORECASE)
_STILL_ALLOWED = re.compile(r"\bmay (?:still|stay|remain|continue)\b|\bnot (?:themselves )?affected\b|\bcan (?:still|keep)\b",
                            re.IGNORECASE)
_ALLOWED_Q = re.compile(r"^\s*(?:and\s+)?(?:is|are)\b.{0,100}\b(?:allowed|permitted|legal|still possible)\b",
                        re.IGNORECASE)
_CHANGED_Q = re.compile(r"^\s*(?:and\s+)?(?:did|has|have|was|were)\b.{0,80}\b(?:COP|Conference of the Parties|"
                        r"decision|amendment|Parties|meeting)\b.{0,80}\b(?:add|added|list|listed|ban|banned|remove|"
                        r"removed|drop|dropped|set|agree|agreed|adopt|adopted|change|changed|move|moved)\b",
                        re.IGNORECASE)
_CHANGED = re.compile(r"\b(?:added|listed|removed|dropped|set|agreed|adopted|moved|gave|given|made)\b", re.IGNORECASE)
_NO_BAN = re.compile(r"\b(?:no (?:direct |outright )?ban|not (?:ban|banned|prohibit)|phase[- ]down|no phase-out date|"
                     r"sets no)\b", re.IGNORECASE)
_PERMISSION_Q = re.compile(r"^\s*(?:and\s+)?(?:can|could|may)\b.{0,80}\b(?:build|open|start|make|made|manufactur\w*|"
                           r"produc\w*|import\w*|export\w*|set up|begin|licen[cs]e\w*|sold|supplied)\b", re.IGNORECASE)
_SAYS_Q = re.compile(r"^\s*(?:and\s+)?(?:(?:does|do)\s+(?:the\s+)?(?:treaty|convention|minamata convention|texts?)\s+"
                     r"(?:say|mention|cover|address|deal with|have (?:any )?rules|contain)\b|(?:(?:do|does)\s+any|are there|is there)"
                     r"\s+(?:any\s+)?(?:\w+\s+){0,2}(?:rules|provisions|requirements|obligations)\s+(?:that\s+)?"
                     r"(?:cover|on|for|about|apply))", re.IGNORECASE)
_EXEMPT_Q = re.compile(r"^\s*(?:and\s+)?(?:is|are)\b.{0,100}\b(?:exempt|excluded|excepted|spared|left out)\b",
                       re.IGNORECASE)
_USE_Q = re.compile(r"^\s*(?:and\s+)?(?:can|could|may)\b.{0,60}\b(?:use|using|sell|selling|buy|keep|stock|"
                    r"still use)\b", re.IGNORECASE)
_TRADE_ONLY = re.compile(r"\b(?:made|manufactur\w*),? import\w*,? (?:or|and) export\w*", re.IGNORECASE)
_STATES_A_BAN = re.compile(r"(?<!not )(?<!never )\b(?:bans|banned|prohibits|prohibited|may not be made|shall not (?:be )?allow\w*)\b",
                           re.IGNORECASE)
_PROHIBITS = re.compile(r"\b(?:may not|must not|shall not|can(?:not|'t) be|no longer|not (?:be )?allowed|banned|"
                        r"prohibited)\b.{0,80}\b(?:made|manufactur\w*|import\w*|export\w*|built|open\w*|used|"
                        r"allow\w*|production|supplied|sold|licen[cs]ed)", re.IGNORECASE)
_EXCLUDES = re.compile(r"\b(?:excluded|do(?:es)? not apply|not covered|fall outside|outside (?:the|its) scope|"
                       r"are exempt|is exempt|not subject to)\b", re.IGNORECASE)
_BINDS = re.compile(r"\b(?:must|has to|have to|is required to|are required to|shall)\b(?! not)", re.IGNORECASE)
_SOFT = re.compile(r"\b(?:endeavour|should|encouraged|may|as appropriate|where feasible|try to)\b", re.IGNORECASE)
_NO_DUTY = re.compile(r"\b(?:does not require|need not|not required|is not obliged|no duty|not obliged)\b", re.IGNORECASE)


_NUMBER_WORDS = NUMBER_WORDS | {"zero": 0, "hundred": 100}
# a figure a question claims: "a 30% cut by 2030", "for 15 years"
_CLAIMED_FIGURE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|per ?cent\b|percent\b)|\b(?:19|20)\d\d\b|\b\d+\b(?= \w*\s?(?:years?|months?|days?|"
                             r"tonnes?|tons?|ppm|mg|milligrams?)\b)", re.IGNORECASE)


def derive_verdict(question: str, lead: str) -> str | None:
    """derive_verdict's reading, where a yes never confirms a figure the question claims and the lead
    does not give ("Does the treaty fix a 30% cut by 2030 …?" + "Your plan must include reduction
    targets" is no yes)."""
    verdict = _derive_verdict(question, lead)
    if verdict is not None and not verdict.startswith(("No", "Not")):
        claimed = {re.sub(r"\s+|per ?cent|percent", "", m[0].lower()).rstrip("%")
                   for m in _CLAIMED_FIGURE.finditer(core_question(question))}
        given = set(re.findall(r"\d+(?:[.,]\d+)?", lead)) | {
            str(_NUMBER_WORDS[w.lower()]) for w in re.findall(r"[A-Za-z]+", lead) if w.lower() in _NUMBER_WORDS}
        if claimed and not claimed & given:
            return None
    return verdict


def _derive_verdict(question: str, lead: str) -> str | None:
    """A yes or no for a yes/no question, read from what the lead sentence says, only where the
    question and the sentence line up without doubt; None otherwise (better no verdict than a
    wrong one). "Are skin-whitening creams banned?" + "... may not be made, imported or exported
    after 2020" -> "Yes."; "Could someone build a new chlor-alkali plant?" + "A Party may not allow
    mercury use ... at a facility that did not exist ..." -> "No."."""
    if opens_with_verdict(lead):
        return None
    question = core_question(question)
    if asks_two_things(question):
        return None  # "Is amalgam going to be banned, and when?": a bare yes or no would mislead
    if _EXEMPT_Q.search(question):
        return "Yes." if re.search(r"\b(?:excepted|excluded|exempt|not covered|left out|spared)\b", lead, re.I) else None
    if _CHANGED_Q.search(question) and _CHANGED.search(lead) and not re.search(r"\bnot\b|\bno\b", lead, re.I):
        return "Yes."
    if _DOES_BAN_Q.search(question):
        if _EXCLUDES.search(lead) or _NO_BAN.search(lead) \
                or (_KEEP_USING_Q.search(question) and _STILL_ALLOWED.search(lead)):
            return "No."
        if _KEEP_USING_Q.search(question) and _TRADE_ONLY.search(lead):
            return "Not as such:"  # making and trading are banned, not using what one holds
        return "Yes." if _PROHIBITS.search(lead) else None
    if _ALLOWED_Q.search(question) and _PROHIBITS.search(lead) and not _EXCLUDES.search(lead):
        return "No."
    if _BAN_Q.search(question):
        if _NO_BAN.search(lead) and _STATES_A_BAN.search(lead) and not _EXCLUDES.search(lead):
            return None  # "Article 4 bans listed products … and phases amalgam down": which part replies is open
        if _EXCLUDES.search(lead) or _NO_BAN.search(lead):
            return "No."
        if _PROHIBITS.search(lead):
            return "Yes."
        return None
    if _OBLIGATION_Q.search(question):
        if _NO_DUTY.search(lead) or _EXCLUDES.search(lead):
            return "No."
        asked = re.search(r"\b(?:need|needs|have|has|required|obliged|bound) to (\w+)|\bmust (?:we |they |it )?(\w+)",
                          question, re.IGNORECASE)
        if asked and lead.split()[0].lower() == (asked[1] or asked[2] or "").lower() and not _SOFT.search(lead):
            return "Yes."  # "Do we need to keep a record …?" + "Keep records of …": the duty, as an instruction
        if _BINDS.search(lead) and not _SOFT.search(lead):
            return "Yes."
        if _SOFT.search(lead) and not _BINDS.search(lead):
            return "Not as a strict duty:"
        return None
    if _PERMISSION_Q.search(question) and _PROHIBITS.search(lead) and not _EXCLUDES.search(lead):
        return "No."
    if _USE_Q.search(question) and _PROHIBITS.search(lead) and _TRADE_ONLY.search(lead):
        return "Not as such:"  # the Convention bans making and trading the product, not using or selling it
    if _SAYS_Q.search(question):
        return "Yes."
    return _polar_verdict(question, lead)


# A yes/no question in plain positive form: "Does Article 3 apply to …?", "Can the Committee …?",
# "Is that cycle written into the Convention?", "Are governments required to …?"
# (a question that asks about an absence or an escape, "leave plants without any measures", "skip the
# plan", is negated too, and one that compares, "a fixed year like chlor-alkali", asks more than polarity)
_POLAR_Q = re.compile(r"^\s*(?:and\s+)?(?:do|does|did|can|could|may|is|are|was|were|will|would|must|should|has|have)\b"
                      r"(?!.{0,160}\b(?:not|n't|or (?:does|do|is|are|can|only|just)|either|without|skip|ignore|avoid|"
                      r"opt out|escape|evade|fail to|refuse to|like|the same as|as with|compared)\b)", re.IGNORECASE)
# the lead denies what is asked; phrases where "no" or "not" carries no denial are taken out first
_NOT_DENIAL = re.compile(r"\b(?:no|not) (?:later|less|more|earlier) than\b|\bnot only\b|\bwhether or not\b|"
                         r"\bno matter\b|\bnot yet in force\b|"
                         # a "not" inside a relative clause denies that clause, not what is asked ("every Party
                         # that has not notified non-acceptance")
                         r"\b(?:Part(?:y|ies)|States?) (?:that|which|who) (?:has|have|had|did|does|do|is|are) not\b|"
                         r"\b(?:where|if|when|unless)\b[^,.;]{0,40}\b(?:was|were|is|are|has|have|had|does|do|did) not\b",
                         re.IGNORECASE)
# "Would an aluminium smelter fall under …?" against "'non-ferrous metals' means lead, zinc, …": a closed
# list that does not name what is asked says no yes
_MEMBERSHIP_Q = re.compile(r"\b(?:fall(?:s)? (?:under|within|into)|count(?:s)? as|included in|covered\b|part of|"
                           r"belong(?:s)? to)\b", re.IGNORECASE)
_CLOSED_LIST = re.compile(r"\bmean(?:s|ing)?\b|\brefers? to\b|\bnamely\b|\bonly\b", re.IGNORECASE)


# "Is the German translation one of its authentic texts?" against "… in Arabic, Chinese, English, French,
# Russian and Spanish": a list of three or more that does not name what is asked
_ONE_OF_Q = re.compile(r"\bone of (?:its|the|their|those|these)\b", re.IGNORECASE)
_LIST_OF_THREE = re.compile(r"\b[\w-]+, [\w-]+(?:, [\w-]+)*,? (?:and|or) [\w-]+\b")


_GENERIC_TERMS = frozenset("fall falls count counts included covered part belong belongs category categories would "
                           "could".split())
_MEMBERSHIP_SUBJECT = re.compile(r"^\s*(?:and\s+)?(?:is|are|was|were|would|will|does|do|could|can|might|should)\s+(.+?)\s+"
                                 r"(?:be\s+)?(?:fall|falls|count|counts|included|covered|part of|belong|belongs)\b",
                                 re.IGNORECASE)


def leaves_out_what_is_asked(question: str, lead: str, vocabulary: str = "") -> bool:
    """Whether a closed list in the lead ("'non-ferrous metals' means lead, zinc, copper and industrial
    gold") is asked about something it does not name ("Would a nickel smelter be covered?"), so that a
    yes read from the list would be wrong. `vocabulary`: words known to belong to the lead's topic (a
    bank entry's phrasings) that are not the thing asked about."""
    one_of = _ONE_OF_Q.search(question) and _LIST_OF_THREE.search(lead)
    if not (_MEMBERSHIP_Q.search(question) and _CLOSED_LIST.search(lead)) and not one_of:
        return False
    core = core_question(question)
    # what is asked about is the subject ("Would [a nickel smelter] be covered by …?"), not the list named
    subject = _MEMBERSHIP_SUBJECT.match(core)
    asked = topic_terms(subject[1] if subject else core) - _GENERIC_TERMS
    if one_of:  # ("Is the Spanish text one of its authentic texts?": "text" is the lead's "texts")
        return bool(stems(asked - {"one"}) - stems(topic_terms(lead)) - stems(topic_terms(vocabulary)))
    return bool(asked - topic_terms(lead) - topic_terms(vocabulary))
_DENIAL = re.compile(r"\b(?:not|no|never|none|neither|nor|cannot|can't|outside|exclude[sd]?|exempt(?:ed)?|"
                     r"instead of|left out|leaves? out)\b|n't\b", re.IGNORECASE)
# a change that takes the thing away denies it as well as a "not" does ("MC-5/4 removed the 1 ppm limit")
_REMOVAL = re.compile(r"\b(?:removed|dropped|deleted|abolished|lifted|revoked|withdrawn|superseded|replaced|"
                      r"scrapped|no longer)\b", re.IGNORECASE)
# a clause that carves something out of what the lead says: "excluding any change from by-product recovery"
_EXCEPTION = re.compile(r"\b(?:excluding|leaving out|leaves out|except(?: for)?|other than|apart from|but not)\b",
                        re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:only|unless|provided that|on condition)\b", re.IGNORECASE)


def _polar_verdict(question: str, lead: str) -> str | None:
    """Yes or no for a plain positive yes/no question, from the polarity of a lead that is about
    the same thing (it shares at least two topic words with the question): one denial -> "No.",
    none -> "Yes.", a restriction ("only", "unless") -> "Only on conditions:". Anything less plain
    (a negated or either-or question, two denials, a question framed as a ban, a soft "may" or
    "encouraged" against a "must" asked) gives None."""
    if not _POLAR_Q.match(question) or _PROHIBITION_FRAME.search(question) or _REMOVAL.search(question):
        return None  # (a question about a removal: its yes is the lead's "removed")
    if len(topic_terms(question) & topic_terms(lead)) < 2:
        return None  # the lead may be about a neighbouring provision: no verdict from it
    asked = topic_terms(core_question(question)) - _GENERIC_TERMS
    for m in _EXCEPTION.finditer(lead):
        if len(asked & topic_terms(re.split(r"[.;:]", lead[m.end():], maxsplit=1)[0])) >= 2:
            return "No."  # what is asked about is what the lead leaves out ("excluding … by-product recovery")
    if leaves_out_what_is_asked(question, lead):
        return None  # the list may leave out what is asked about
    text = _NOT_DENIAL.sub(" ", lead)
    denials = len(_DENIAL.findall(text)) + len(_REMOVAL.findall(text))
    if _OBLIGATION_Q.search(question) and _SOFT.search(text) and not _BINDS.search(text):
        return "Not as a strict duty:"
    if denials > 1:
        return None
    if re.search(r"\bonly\b", question, re.IGNORECASE):
        text = re.sub(r"\bonly\b", " ", text, flags=re.IGNORECASE)  # the "only" asked about is no condition on it
    if _CONDITION.search(text):
        return None if denials else "Only on conditions:"
    return "No." if denials else "Yes."


_PERMISSION_FRAME = re.compile(r"^\s*(?:and\s+)?(?:can|could|may)\b|\b(?:allowed|permitted|legal|exempt\w*|excepted|"
                               r"still possible|let|lets|permit)\b|\bstill\b", re.IGNORECASE)
# asking whether a product is on the ban list is asking the prohibition's way round ("Does the
# product list cover topical antiseptics?" -> "Yes.", like "Are they banned?")
_PROHIBITION_FRAME = re.compile(r"\b(?:banned|prohibited|phased[- ]out|outlawed|illegal|forbidden|ban|bans|prohibits?|"
                                r"(?:must|have to|has to|need to) (?:stop|end|phase out|give up)|"
                                r"(?:product )?list (?:cover|covers|include|includes)|covered by|caught by|on the list|"
                                r"listed in|phase-?out list|"
                                # "Have melt pressure transducers been put on the list?", "Does the Convention
                                # stop the manufacture of …?"
                                r"(?:put|placed|added) (?:on|to) (?:the |its |an? )?(?:[\w'’-]+ ){0,3}(?:list|annex)|"
                                r"(?:stop|stops|forbid|forbids|outlaw|outlaws|halt|halts) (?:the )?(?:manufacture|making|"
                                r"production|import|export|trade|sale)|"
                                # "Does it stop a hospital from continuing to use …?", "does the treaty forbid that?"
                                r"(?:stop|stops|prevent|prevents|bar|bars) [^?]{1,40}? from|forbids?)\b", re.IGNORECASE)


def _frame(question: str) -> str | None:
    permission, prohibition = bool(_PERMISSION_FRAME.search(question)), bool(_PROHIBITION_FRAME.search(question))
    return "permission" if permission and not prohibition else "prohibition" if prohibition and not permission else None


def _written_frame(phrasing: str, text: str) -> str | None:
    """The way of asking an entry's yes or no replies to, read from the answer itself where it can
    be: "No. A Party may not allow …" answers "can we?", "Yes. … may not be made …" answers "is it
    banned?". An entry's phrasings are asked both ways, so the phrasing that matched is only the
    fallback."""
    m = re.match(r"^(Yes|No)\b[^.:]{0,40}[.,:;]\s*(.*)", text, re.DOTALL)
    if m and _PROHIBITS.search(m[2]) and not _EXCLUDES.search(m[2]):
        return "prohibition" if m[1] == "Yes" else "permission"
    return _frame(phrasing)


def reframe_verdict(question: str, phrasing: str, text: str) -> str:
    """A bank entry's yes or no answers the phrasing it was written for: "Are mercury thermometers
    banned?" -> "Yes.". Asked the other way round ("Can our hospital still buy them?") it must turn
    into "No."; where it cannot be turned plainly it is dropped (no verdict beats a wrong one)."""
    asked, written = _frame(asking_sentence(question)), _written_frame(phrasing, text)
    if asked is None or written is None or asked == written:
        return text
    m = re.match(r"^(Yes|No)([.,:;])\s*", text)
    if m is None:
        return text
    if m[2] == ".":
        return ("No. " if m[1] == "Yes" else "Yes. ") + text[m.end():]
    after = re.match(r"^Yes, after (20\d\d):\s*", text)
    if after:
        return f"No, not after {after[1]}: " + text[after.end():]
    not_after = re.match(r"^No, not after (20\d\d):\s*", text)
    if not_after:  # "Can we still import them?" -> "Have they been put on the list?"
        return f"Yes, after {not_after[1]}: " + text[not_after.end():]
    rest = re.sub(r"^(?:Yes|No)(?:, [^:.]{1,40})?[:,;]\s*", "", text)
    return rest[:1].upper() + rest[1:]


# an either-or question on whether something binds ("Is that a binding duty or only something Parties
# are encouraged to do?"): neither a yes nor a no replies to it
_BINDING_ASKED = re.compile(r"\b(?:binding|mandatory|compulsory|obligat\w*|oblige[sd]?|required|duty|legally)\b",
                            re.IGNORECASE)
_SOFT_ASKED = re.compile(r"\b(?:encourag\w*|voluntary|optional|recommend\w*|should|urged|invited|soft|up to)\b",
                         re.IGNORECASE)


# "…, or only something they are encouraged to do?", "Is it X, or is it Y?" (not "…, and which decision …?",
# whose first part a yes or no still answers)
_EITHER_OR = re.compile(r"\bor (?:is|are|does|do|did|can|could|must|will|was|were|has|had|rather|instead|only|just|merely|"
                        r"simply|something|is it|a|an)\b", re.IGNORECASE)


def join_verdict(verdict: str, text: str) -> str:
    """"Not as a strict duty:" + "Parties are encouraged …": a verdict ending in a colon runs on into the
    sentence (a Party, an Article or another name keeps its capital)."""
    if not verdict.endswith(":"):
        return f"{verdict} {text}"
    first = text.split(" ", 1)[0]
    keep = re.match(r"^(?:Part(?:y|ies)|Article|Annex|COP|Conference|Secretariat|[A-Z]{2,})", first)
    return f"{verdict} {text if keep else text[:1].lower() + text[1:]}"


def bank_verdict(question: str, text: str) -> str:
    """A question-bank reply's yes or no, checked against the question asked: the entry was written for
    its own phrasings. A "Yes." over a reply that only encourages ("Parties are encouraged to …")
    answers "Is there cooperation?", not "Does the treaty oblige …?"; to an either-or question about
    whether it binds, the reply says which."""
    body = drop_verdict(text)
    if body == text or not re.match(r"^(?:Yes|No)\b", text):
        return text
    asking = asking_sentence(question)
    if _EITHER_OR.search(asking) and _BINDING_ASKED.search(asking) and _SOFT_ASKED.search(asking):
        # (any other either-or question keeps the yes or no, which replies to its first alternative:
        # "Must we take the lamps down, or does it only stop new ones?" -> "No, not new supply: …")
        if _BINDS.search(body):
            return join_verdict("A binding duty:", body)
        return join_verdict("Not a binding duty:", body) if _SOFT.search(body) else body
    if text.startswith("Yes") and derive_verdict(question, body) == "Not as a strict duty:":
        return join_verdict("Not as a strict duty:", body)
    return text


def drop_verdict(text: str) -> str:
    """"No. Once a Party ..." -> "Once a Party ...": a bare yes or no only replies to a yes/no question."""
    m = re.match(r"^(?:yes|no), [^:.]{1,40}:\s+", text.strip(), re.IGNORECASE) \
        or re.match(r"^(?:yes|no)[.,:;]\s+(?=[A-Z])", text.strip(), re.IGNORECASE) \
        or re.match(r"^(?:not as such|not quite|partly|it depends)[.:]\s+", text.strip(), re.IGNORECASE)
    # ("No, not new supply: high …" and "Not as such: a plan is optional" lose their verdict whole)
    if m is None:
        # "Only if it is at least 95 per cent mercury: Article 3 counts it" -> "Article 3 counts it only if
        # it is at least 95 per cent mercury": the condition is the reply, only its form was yes/no
        c = re.match(r"^only (if|when|where|after|before|until) ([^:]{5,160}):\s+(.+?)\s*((?:\[[^\]]*\])?)\.?$",
                     text.strip(), re.IGNORECASE | re.DOTALL)
        if c is not None and not re.search(r"[.;]", c[3]):
            return f"{c[3][:1].upper()}{c[3][1:]} only {c[1].lower()} {c[2]}{' ' + c[4] if c[4] else ''}."
        return text
    rest = text.strip()[m.end():]
    return rest[:1].upper() + rest[1:]
