"""The answer plan: pure decisions about what an answer leads with and what it quotes.

- `usable_lead`: a guide sentence may lead only if it says something about the subject: not
  meta-text about the guide ("This part explains ..."), not a sentence that leans on one before
  it ("... falls under Article 11 instead", "this article").
- `bank_leads`: the question-bank entry's own answer leads when the match is strong and the
  entry answers the kind of question asked.
- `whole_excerpt`: what of a provision to quote: whole, or its chapeau joined to the item(s) the
  lead rests on, never cut mid-sentence.
- `missing_provision`: "Article 99", "Annex F" or "Article 7(9)" do not exist: say so.
"""

from __future__ import annotations

import dataclasses
import re

from ingest.index import keyword_tokens
from ingest.refs import NUMBER_WORDS, Ref
from ingest.structure import BRACKET_RE

from .question import (QuestionAnalysis, asking_sentence, asks_two_things, core_question, other_trade_direction,
                       question_kind, without_label)

# a passage of a document the user ingested at least this close to the question answers it: it leads
# the answer, and the bank and the scope check stand aside
OWN_DOCUMENT_SIMILARITY = 0.55

_META = re.compile(
    r"^(?:this|the) (?:part|section|guide|chapter|page|document|note|summary)\b|\bthis guide\b|"
    r"\bis not the binding text\b|\bcheck the official (?:wording|text)\b|^(?:see|read) (?:also|the)\b|"
    r"\b(?:explains?|covers?) the (?:preamble|articles?|annex(?:es)?)\b|^in short\b|^main points\b|"
    r"\bthis (?:file|note|summary) (?:summarises|records|covers|is)\b|^it records\b|^please note\b|"
    r"^(?:all )?dates(?:, limits and thresholds)? (?:here )?are those of\b|"
    r"\b(?:(?:are|is) set out|(?:as |are |is )listed|follow|appear) below\.?$",  # points at a quote it cannot see
    re.IGNORECASE)
_DANGLING = re.compile(
    r"^(?:instead|however|also|so|thus|therefore|but|and|or|then|this|these|that|those|it|its|they|such|here|"
    r"there|both|either|neither|the (?:plan|article|paragraph|list|annex|provision|same|latter|former|"
    r"strategy|rule|body|committee)\b(?! of)|anything (?:that|which)|how well|for (?:example|instance)|similarly|"
    r"likewise|in addition|in that case|otherwise)\b"
    r"|\binstead\.?$", re.IGNORECASE)
# a condition with no main clause ("If the expansion is a substantial modification begun …."): it
# replies to a question that is not this one
_CLAUSE_ALONE = re.compile(r"^(?:if|unless|although|whether)\b[^,:;]*$", re.IGNORECASE)
# a time counted from "that date" ("within five years of that date"), dangling unless the sentence
# gave a date before it ("… after a phase-out date, … ten years after that date")
_THAT_DATE = re.compile(r"\b(?:of|from|after|before) (?:that|this|the same) (date|day|year)\b", re.IGNORECASE)
# a sentence that can stand alone says something: it has a finite verb of the kinds the texts use
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|must|may|might|shall|should|can|cannot|could|will|would|does|do|"
    r"did|needs?|means|appl(?:y|ies)|covers?|requires?|allows?|bans?|sets?|lists?|gives?|takes?|makes?|keeps?|"
    r"asks?|says?|phases?|ends?|runs?|lets?|stays?|goes|comes?|counts?|includes?|excludes?|becomes?|decides?|"
    r"adopts?|enters?|entered|added|removed|moved|listed|set|agreed|aims?|binds?|expires?|lasts?|continues?)\b",
    re.IGNORECASE)
# a date, a period or a deadline ("2020", "five years", "no later than", "the ninetieth day", "every")
TEMPORAL_FACT = re.compile(r"\b(20[0-4]\d|\d+\s+(?:years?|months?|days?)|(?:one|two|three|four|five|six|ten|"
                           r"fifteen)\s+(?:years?|months?|days?)|no later than|within)\b", re.I)
_TIME_GIVEN = re.compile(r"\b(?:\w+th|first|second|third) (?:day|meeting)\b|\bas soon as\b|\bevery\b", re.I)


def gives_time(text: str) -> bool:
    return bool(TEMPORAL_FACT.search(text) or _TIME_GIVEN.search(text))


_VERDICT = re.compile(r"^(?:yes|no|not|only|partly|it depends)\b", re.IGNORECASE)
# entry kind -> the question kinds its first sentence replies to. A yes/no question needs an entry that
# says yes or no (or lists the duty asked about), not a fragment such as "By 2034:" or "Because ...".
_COMPATIBLE = {
    "yes-no": {"yes-no", "must-do", "other"},
    "when": {"when", "how-long", "other", "which"},
    "how-long": {"how-long", "when", "other", "how-many"},
    "how-many": {"how-many", "which", "other"},
    "who": {"who", "other", "how", "what-is"},
    "what-is": {"what-is", "which", "other", "provision", "why"},
    "must-do": {"must-do", "how", "other", "which", "yes-no"},
    "which": {"which", "what-is", "other", "how-many"},
    "why": {"why", "what-is", "other", "provision"},
    "how": {"how", "must-do", "other", "who"},
    "provision": {"provision", "what-is", "other", "must-do", "why"},
}


def is_meta_text(sentence: str) -> bool:
    return bool(_META.search(sentence.strip()))


def usable_lead(sentence: str) -> bool:
    """A sentence that can open an answer on its own."""
    s = sentence.strip()
    return len(s) >= 25 and not s.endswith(":") and not is_meta_text(s) and not _DANGLING.search(s) \
        and "…" not in s and bool(_FINITE.search(s)) and not re.match(r"^(?:Now|2013):", s) \
        and not _CLAUSE_ALONE.match(s) \
        and not ((m := _THAT_DATE.search(s)) and not re.search(rf"\b{m[1]}s?\b|\b20\d\d\b|entry into force",
                                                               s[:m.start()], re.IGNORECASE))


def same_fact(a: str, b: str, overlap: float = 0.6) -> bool:
    """Two sentences that say the same thing: most content words shared."""
    x, y = set(keyword_tokens(a)), set(keyword_tokens(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= overlap


def restates(sentence: str, passage: str) -> bool:
    """A sentence that is the passage nearly word for word: at least 85 in 100 of its words (its
    "Under Article 27(4)" aside) are the passage's, and it carries at least four in five of the
    passage's words (a paraphrase that says what the passage means for the asker keeps its own
    words, and stays)."""
    x, y = set(keyword_tokens(sentence)), set(keyword_tokens(passage))
    return len(x) >= 10 and len(x & y) >= 0.85 * len(x) and len(x & y) >= 0.8 * len(y)


def opens_with_verdict(text: str) -> bool:
    return bool(_VERDICT.match(text.strip()))


_BAN_Q = re.compile(r"^\s*(?:and\s+)?(?:is|are|was|were|will|would|has|have)\b.{0,120}\b(?:banned|prohibited|"
                    r"phased[- ]out|outlawed|illegal|forbidden|caught by|covered by|included in|subject to|"
                    r"on the list|listed)\b", re.IGNORECASE)
_OBLIGATION_Q = re.compile(r"^\s*(?:and\s+)?(?:do|does|did|will|would|must|is|are|shall)\b.{0,100}\b(?:have to|has to|"
                           r"need to|needs to|required to|obliged to|obligated to|must|bound to|require|requires|"
                           r"oblige|obliges|force|forces)\b|^\s*(?:and\s+)?(?:must|shall)\b", re.IGNORECASE)
_DOES_BAN_Q = re.compile(r"^\s*(?:and\s+)?(?:does|do|did|will)\b.{0,80}\b(?:ban|bans|prohibit|prohibits|outlaw|"
                         r"phase out|forbid|forbids)\b", re.IGNORECASE)
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
        if _EXCLUDES.search(lead) or _NO_BAN.search(lead):
            return "No."
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
                                r"production|import|export|trade|sale))\b", re.IGNORECASE)


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


# words every question about this treaty shares: they say nothing about which entry fits
_COMMON = frozenset("minamata convention mercury treaty country countries government governments party parties "
                    "article annex say says tell about still allowed allow need must can does what which "
                    "under use used using new".split())
# words of how a question asks ("how long must we wait"), not of what it is about
# (and the pieces contractions leave, "isn't" -> "isn", and the verbs that wrap what is asked:
# "what is a government expected to do if a firm wants to …")
_FILLER = frozenset("only now actually just really long wait soon isn aren doesn don didn won wasn weren hasn "
                    "haven expected supposed want wants wanted".split())


def topic_terms(text: str) -> set[str]:
    """The words that say what a text is about, without those every text about the treaty shares."""
    return {t for t in keyword_tokens(text) if len(t) >= 3 and not t.isdigit() and t not in _COMMON
            and t not in _GENERIC}


# words of any provision or question that do not tell one topic from another
_GENERIC = frozenset("shall each take measures measure provision provisions date after before following "
                     "product products listed list set specified accordance include including other such "
                     "within years year time period paragraph subparagraph annex part also manufacture import "
                     "export imported exported made making phase out content added allowed ban banned phased "
                     "stop stopped".split())


# a name of several capitalised words ("Specific International Programme", "Global Environment Facility")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of the\s+|of\s+|for\s+|on\s+|and\s+)?[A-Z][a-z]+)+")
# names every entry about the treaty may carry: they tell no entry from another
_EVERY_ENTRY = frozenset({"minamata convention", "convention on mercury", "minamata convention on mercury",
                          "conference of the parties"})


def names_asked(question: str) -> list[str]:
    """The names of several words in the sentence that asks (a sentence's first word is not a name's
    start unless the next one is capitalised too), lower-cased: "who is the Programme accountable to?"
    after "Are Parties obliged to pay into the Specific International Programme …" asks of that body."""
    found = []
    asking = asking_sentence(question) or question
    for m in _NAME.finditer(asking):
        name = m.group(0)
        words = name.split()
        if m.start() == 0 or asking[max(0, m.start() - 2):m.start()].strip() in {".", "?", "!"}:
            if len(words) < 3:
                continue  # "Are Parties …": a capital that only opens the sentence
            name = " ".join(words[1:])
        if name.lower() not in _EVERY_ENTRY:
            found.append(name.lower())
    return found


OFF_RANKED_FIRST = 0.05
# "What does the Convention mean by 'best available techniques' …?" asks for a definition: the entry that
# gives it is preferred, by `MEANING_BONUS`, to one on who adopted guidance about the term
_ASKS_MEANING = re.compile(r"\bmean(?:s|t)? by\b|\bmeaning of\b|\bhow (?:does|do|is|are) [^?]{0,40}\bdefin\w*|"
                           r"\bwhat (?:is|are) meant\b|\bdefinition of\b", re.IGNORECASE)
MEANING_BONUS = 0.1
_NOT_TERMS = {"convention", "treaty", "the convention", "the treaty", "it", "thi", "that"}
_DEFINED = re.compile(r"^(?:an? |the )?[\"“']?(.{3,60}?)[\"”']? (?:is|are|means?|caps)\b", re.IGNORECASE)


def _defines_what_is_asked(answer: str, question: str) -> bool:
    """The entry's first line defines a term the question names ("Best available techniques are …" for
    "what does the Convention mean by 'best available techniques'?", not "An emission limit value caps …"
    for a question on release limit values)."""
    m = _DEFINED.match(BRACKET_RE.sub("", first_line(answer)).strip())
    term = m.group(1).lower().rstrip("s") if m is not None else ""
    return bool(term) and term not in _NOT_TERMS and term in question.lower()
_WHY_NOT = re.compile(r"\bwhy\s+(?:can't|cannot|can not|couldn't|could not|may not|mustn't|must not|isn't|is not|aren't|"
                      r"are not|wouldn't|shouldn't|won't|doesn't|does not|don't|do not)\b", re.IGNORECASE)


def choose_bank_lead(question: str, analysis: QuestionAnalysis, matches: list, threshold: float,
                     followup: bool = False, lexical_weight: float = 0.0, ranked_first: str | None = None):
    """The question-bank entry whose own answer should lead, or None. Among the closest answerable
    entries, score = phrasing similarity + `lexical_weight` x the share of the question's word weight
    its phrasings use (BankMatch.lexical) + 0.15 x the share of the question's own words the entry
    (phrasings and answer) uses (MiniLM alone matches on "Minamata Convention on Mercury"); an entry
    must share at least half of those words, agree with the provisions the question names, and
    answer its kind. `ranked_first`: the provision of the official passage retrieval ranks first; an
    entry on none of its article must be `OFF_RANKED_FIRST` closer (Article 22's evaluation entry does not
    lead "In which animals does the treaty mention monitoring mercury?", which Article 19 answers)."""
    first = Ref.try_parse(ranked_first) if ranked_first else None
    if analysis.kind == "why" and _WHY_NOT.search(core_question(question)):
        # "Why couldn't a company build a new mercury-cell plant?" is replied to by the entry on whether it
        # may, without its yes or no (the answer plan drops it for a why-question)
        analysis = dataclasses.replace(analysis, kind="yes-no")
    own = topic_terms(question) - _FILLER
    # the words without a label set before the question ("For my law class: who serves as the
    # Depositary?"): an entry that shares most of those answers it
    asked = topic_terms(without_label(question)) - _FILLER
    # and the sentence that asks, without a scenario set before it ("Campaigners want amalgam banned.
    # Who may propose adding a product to Annex A?"): the scenario's words are not what is asked
    core = topic_terms(core_question(question)) - _FILLER
    named = [r.top() for n in analysis.refs if (r := Ref.try_parse(n)) is not None]
    names = names_asked(question)
    asking = asking_sentence(question)
    meaning_asked = analysis.kind == "what-is" and bool(_ASKS_MEANING.search(asking or question))
    best = None
    # (the lamp entry's "10 years after the lamp's phase-out date" does not reply on thermometers: an
    # entry on other products makes room for the next one)
    for m in [m for m in matches if m.answerable and not other_product(asking, m.chunk)][:5]:
        if followup and m.kind != analysis.kind:
            continue  # "and by when?" is not answered by repeating the first answer
        words = stems(topic_terms(" ".join([*m.chunk.questions, m.chunk.text])))
        overlap = max(len(stems(own) & words) / len(own) if own else 1.0,
                      len(stems(asked) & words) / len(asked) if asked else 0.0,
                      len(stems(core) & words) / len(core) if core else 0.0)
        refs = [r for x in m.refs if (r := Ref.try_parse(x)) is not None and not r.is_decision]
        if named and not any(n.overlaps(r) for n in named for r in refs):
            continue
        if analysis.only_other_case(refs):
            continue  # the entry on existing plants' options does not reply about a brand-new one
        if other_trade_direction(asking, m.chunk.questions):
            continue  # the export-consent entry does not answer how an import is allowed (its phrasings
            # say which way the mercury goes; its answer names the "importing country" either way)
        # an entry on the very provision the question names may share fewer of its words ("For a class
        # assignment: what does Article 1 say the treaty is meant to achieve?")
        on_named = bool(refs) and all(any(n == r.top() and not n.is_decision for n in named) for r in refs)
        if overlap < (0.25 if on_named else 0.5):
            continue
        # an entry written for another kind of question leads only when no fitting one is about as close
        # ("by when must it send its plan?" is the deadline entry, not the "who decides" one)
        # an entry that names the body or fund the question names is about it, not about its neighbour
        # (the Specific International Programme, not the GEF Trust Fund)
        text = " ".join([*m.chunk.questions, m.chunk.text]).lower()
        name_share = sum(n in text for n in names) / len(names) if names else 0.0
        kind = answered_kind(m, analysis)
        score = m.similarity + lexical_weight * m.lexical + 0.15 * overlap + (0.03 if kind == analysis.kind else 0.0) \
            - (0.0 if _entry_replies(kind, analysis) else 0.05) + 0.06 * name_share \
            - (OFF_RANKED_FIRST if first is not None and refs and not any(first.top().overlaps(r) for r in refs) else 0.0) \
            + (MEANING_BONUS if meaning_asked and m.kind == "what-is" and _defines_what_is_asked(m.chunk.text, question)
               else 0.0)
        opening = BRACKET_RE.sub("", drop_verdict(first_line(m.chunk.text))).strip()
        if analysis.kind != "yes-no" and _CLAUSE_ALONE.match(opening):
            continue  # "Yes, if the expansion is …" replies to a yes/no question only
        # an entry written for another kind of question leads only on a nearly identical phrasing: the
        # word share says what a question is about, not how it asks ("who decides?" vs "by when?")
        kind_blind = score - lexical_weight * m.lexical - 0.06 * name_share
        if bank_leads(kind, score, analysis, threshold, kind_blind=kind_blind) and (best is None or score > best[0]):
            best = (score, m)
    return best[1] if best else None


# the product families people name, each with the words they name it by
_PRODUCT_FAMILIES = {
    "lamps": ("lamp", "bulb", "tube", "cfl", "ccfl", "eefl", "lighting"),
    "thermometers and gauges": ("thermometer", "barometer", "manometer", "sphygmomanometer", "hygrometer",
                                "pyrometer", "blood pressure", "measuring device"),
    "batteries": ("battery", "batteries", "button cell"),
    "switches": ("switch", "relay"),
    "cosmetics": ("cosmetic", "cream", "soap", "skin lighten", "skin whiten", "skin-lighten", "skin-whiten", "mascara"),
    "pesticides": ("pesticide", "biocide", "antiseptic"),
    "dental": ("amalgam", "filling", "dental", "dentist"),
    "vaccines": ("vaccine", "thimerosal", "thiomersal"),
}


def product_families(text: str) -> set[str]:
    low = text.lower()
    return {family for family, words in _PRODUCT_FAMILIES.items() if any(re.search(r"\b" + re.escape(w), low) for w in words)}


def other_product(asking: str, entry) -> bool:
    """The question names products and the entry's answer names products, none of them the question's
    (an entry on lamp exemptions does not reply about thermometers; one whose answer names no product
    may, whatever products its phrasings give as examples: workers at a lamp recycler)."""
    asked = product_families(asking)
    if not asked:
        return False
    named = product_families(entry.text)
    return bool(named) and not named & asked


def answered_kind(match, analysis: QuestionAnalysis) -> str:
    """The kind of question an entry replies to here: its own, or the question's when the entry's
    closest phrasing asks it that way and the entry gives what that kind wants (the yes/no entry on
    the optional release plan, phrased "within how long must it submit it?", whose second line gives
    the four years: the answer plan puts the line with the time first)."""
    if _entry_replies(match.kind, analysis) or analysis.kind not in ("when", "how-long") \
            or question_kind(match.phrasing) != analysis.kind:
        return match.kind
    return analysis.kind if any(gives_time(line) for line in split_lines(match.chunk.text)) else match.kind


def part_leads(lead, matches: list, parts: list[str], part_similarities: list[dict[str, float]],
               floor: float = 0.5, margin: float = 0.05, clear: float = 0.08, alone: float = 0.7) -> list:
    """For a question that asks several things ("How many members sit on a tribunal, and how quickly
    must it decide?"), the entries that answer the parts the leading entry leaves open: for each part
    whose words the lead's answer mostly lacks, the answerable entry among `matches` closest to it,
    when it is another entry than those before, at least `floor` close, closer than the leading
    entry by `margin` and than the next entry by `clear`. At most two.

    Without a leading entry (a question of several parts seldom comes close to one phrasing as a
    whole), a part whose entry is at least `alone` close and clear of the next by 2 x `clear` gives
    it: the result then starts with that entry, which the caller makes the lead."""
    by_id = {m.chunk.id: m for m in matches if m.answerable}

    def ranked(sims: dict[str, float], part: str, also: set[str] = frozenset()) -> list[tuple[float, str]]:
        return sorted(((sim, cid) for cid, sim in sims.items() if cid in also or (
            cid in by_id and not other_trade_direction(part, by_id[cid].chunk.questions))), reverse=True)

    lead_from_parts = lead is None
    if lead is None:
        for part, sims in zip(parts, part_similarities):
            top = ranked(sims, part)
            if top and top[0][0] >= alone and top[0][0] >= (top[1][0] if len(top) > 1 else -1) + 2 * clear:
                lead = by_id[top[0][1]]
                break
        if lead is None:
            return []
    out, used = ([lead] if lead_from_parts else []), {lead.chunk.id}
    said = stems(topic_terms(lead.chunk.text))
    for part, sims in zip(parts, part_similarities):
        asked = stems(topic_terms(part) - _FILLER)
        if not asked or len(asked & said) / len(asked) >= 0.5:
            continue  # the lead's own answer speaks to this part ("and how is its President chosen?")
        top = ranked(sims, part, used)
        if not top:
            continue
        best_sim, best = top[0]
        runner_up = top[1][0] if len(top) > 1 else -1.0
        if best in used or best_sim < floor or best_sim < sims.get(lead.chunk.id, -1.0) + margin \
                or best_sim < runner_up + clear:
            continue  # the lead (or an earlier part's entry) answers it, or nothing answers it clearly
        out.append(by_id[best])
        used.add(best)
        said |= stems(topic_terms(by_id[best].chunk.text))
    return out[:3] if lead_from_parts else out[:2]


def refs_overlap(a: str, b: str) -> bool:
    """Two provisions written as text, one holding the other ("Article 7(3)" and "Article 7(3)(b)")."""
    ra, rb = Ref.try_parse(a), Ref.try_parse(b)
    return ra is not None and rb is not None and ra.overlaps(rb)


# words people use for the same thing the bank's phrasings name otherwise ("a firm's new plant")
_SAME_THING = {"factory": "plant", "factori": "plant", "facility": "plant", "faciliti": "plant",
               "firm": "company", "firms": "company", "compani": "company", "business": "company", "busines": "company"}


def stems(terms: set[str]) -> set[str]:
    """Crude stems, so that "depositing" meets "deposits" and "deposited" (and "factory" meets "plant")."""
    out = set()
    for t in terms:
        stem = re.sub(r"(?:ing|ed|es|s)$", "", t) if len(t) > 5 else t
        out.add(_SAME_THING.get(stem, stem))
    return out


_VERY_CLOSE = 0.94


def bank_leads(entry_kind: str, similarity: float, analysis: QuestionAnalysis, threshold: float,
               kind_blind: float | None = None) -> bool:
    """Lead with the entry when its phrasing is close and it answers this kind of question;
    a very close match leads whatever the kind (the phrasings were written for that question).
    `kind_blind` is the score without the word share, when there is one: only MiniLM's closeness of
    phrasing says the question is asked the same way (0.94, the old threshold's 0.82 + 0.12)."""
    if (kind_blind >= _VERY_CLOSE) if kind_blind is not None else similarity >= threshold + 0.12:
        return True
    if similarity < threshold:
        return False
    return _entry_replies(entry_kind, analysis)


def _entry_replies(entry_kind: str, analysis: QuestionAnalysis) -> bool:
    """The entry replies to this question's kind; a definition also replies to "does X count as Y?"."""
    return _answers_kind(entry_kind, analysis.kind) or (entry_kind == "what-is" and analysis.classifies)


def _answers_kind(entry_kind: str, question_kind: str) -> bool:
    """An entry written for one kind of question replies to this kind too ("when" entries to "how long")."""
    return question_kind in _COMPATIBLE.get(entry_kind, {question_kind}) or entry_kind == question_kind


_LABEL_LINE = re.compile(r"^\(?([a-z]{1,2}|[ivx]{1,5}|\d{1,2})[.)]\s+")


def first_line(text: str) -> str:
    lines = split_lines(text)
    return lines[0] if lines else ""


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a passage, stripped: a bank answer's sentences, a provision's items."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _recitals(text: str) -> list[str]:
    return [line.rstrip(",") for line in split_lines(text) if not line.startswith("The Parties to this Convention")]


def best_recital(text: str, asked: set[str]) -> tuple[int, str]:
    """The preamble passage's recital sharing most of the `asked` words, with how many it shares."""
    scored = [(len(asked & topic_terms(r)), r) for r in _recitals(text)]
    return max(scored, key=lambda x: x[0]) if scored else (0, "")


def recital_excerpt(text: str, asked: set[str]) -> str:
    """The preamble's recital that shares most of the question's words, whole ("Recalling decision
    25/5 of 20 February 2009 …"), never the preamble's first lines regardless of what was asked."""
    shared, recital = best_recital(text, asked)
    if not shared:
        return whole_excerpt(text, "Preamble")
    return recital  # (an ellipsis after the opening words would read as a cut quote)


def whole_excerpt(text: str, chunk_ref: str, wanted: str | None = None, limit: int = 900) -> str:
    """The passage to quote, whole sentences only. A passage short enough is quoted whole; when the
    lead rests on one lettered item of a longer paragraph, its chapeau is joined to that item
    ("... except: (b) To a non-Party ..."), not to whatever item follows the chapeau."""
    lines = split_lines(text)
    joined = " ".join(lines)
    if len(joined) <= limit or len(lines) == 1:
        return joined
    want, have = Ref.try_parse(wanted), Ref.try_parse(chunk_ref)
    if want is not None and have is not None and have.contains(want) and want != have:
        label = want.item or want.subparagraph
        at = next((i for i, line in enumerate(lines[1:], 1) if (m := _LABEL_LINE.match(line)) and m[1] == label), None)
        if at is not None:
            # the item with its own sub-items ("b) Actions to eliminate: (i) …; (ii) …"), up to the next item
            item = [lines[at]]
            for line in lines[at + 1:]:
                if not lines[at].rstrip().endswith(":") or not re.match(r"^\(?[ivx]{1,5}[.)]\s", line):
                    break
                item.append(line)
            return f"{lines[0]} {' '.join(item)}"
    # otherwise the chapeau (or first sentence) and the items that fit, whole
    out = [lines[0]]
    for line in lines[1:]:
        if len(" ".join(out)) + len(line) + 1 > limit:
            break
        out.append(line)
    return " ".join(out)


def missing_provision(analysis: QuestionAnalysis, known: set[Ref]) -> tuple[str, str] | None:
    """(the provision asked for, a plain statement) when the question names a provision that the
    Convention does not have; None when every named provision exists."""
    articles = sorted({r.article for r in known if r.kind == 1 and r.article})
    annexes = sorted({r.annex for r in known if r.kind == 2 and r.annex})
    for name in analysis.named:
        ref = Ref.try_parse(name)
        if name.startswith("Article"):
            number = int(re.match(r"Article (\d+)", name)[1])
            if articles and number not in articles:
                return name, (f"The Convention has {max(articles)} articles; there is no {name}.")
            if ref is not None and ref.paragraph:
                paragraphs = sorted({r.paragraph for r in known if r.kind == 1 and r.article == number and r.paragraph})
                if paragraphs and ref.paragraph not in paragraphs:
                    count = max(paragraphs)
                    return name, (f"Article {number} has {count} paragraph{'s' if count != 1 else ''}; "
                                  f"there is no {name}.")
        elif name.startswith("Annex") and annexes and name[-1] not in annexes:
            return name, f"The annexes run from Annex {annexes[0]} to Annex {annexes[-1]}; there is no {name}."
    return None
