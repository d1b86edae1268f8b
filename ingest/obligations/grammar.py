"""The grammar of obligation sentences: modal verbs, actor mentions, subjects and passive agents,
soft qualifiers, deadlines, dates, conditions and polarity ("shall not", "may only", "No Party may").

Pure functions and patterns over text; nothing here knows about chunks or provision refs.
"""

from __future__ import annotations

import re

from ..refs import NUMBER_WORDS

_NUM_WORDS = sorted(NUMBER_WORDS, key=len, reverse=True)
_NUM = r"(\d{1,3}|" + "|".join(_NUM_WORDS) + r")"

# Modal verbs and equivalent phrases that open an obligation clause.
_MODAL_RE = re.compile(
    r"\b(?P<m>shall|must|should|may|undertakes? to|(?:is|are) (?:encouraged|invited|urged|requested|called upon) to|"
    r"(?:is|are) under an obligation to)\b"
)
# Actor mentions. The Conference of the Parties is matched before "Parties" so that it wins.
_ACTOR_RE = re.compile(
    r"(?P<cop>\b(?:(?i:the)\s+)?Conference(?:\s+of\s+the\s+Parties)?\b|\bCOP\b)"
    r"|(?P<secretariat>\b(?:(?i:the)\s+)?(?:Secretariat|Executive\s+Secretary)\b)"
    r"|(?P<committee>\b(?:(?i:the)\s+)?(?:Implementation\s+and\s+Compliance\s+)?Committee\b)"
    r"|(?P<party>\b(?:(?i:the\s+other|each|every|a|an|any|the|that|such|no|all|other|two\s+or\s+more)\s+)?"
    r"(?:(?i:exporting|importing|notifying|requesting|withdrawing|developed[\s-]+country|developing[\s-]+country)\s+)?"
    r"(?<!non-)(?<!non‑)(?<!third )(?:Part(?:y|ies)\b|(?i:(?:claimant|respondent)\s+party)|part(?:y|ies)\b)"
    r"(?:\s+to\s+(?:the|a)\s+dispute)?\b)"
    r"|(?P<other>\b(?:(?i:each|every|a|an|any|the|no)\s+)?(?:(?i:two|three|both)\s+)?(?:States?\b(?:\s+or\s+regional\s+economic\s+integration\s+"
    r"organizations?)?|(?i:regional\s+economic\s+integration\s+organizations?)|Depositary|President|"
    r"(?i:arbitral\s+tribunal)|(?i:conciliation\s+commission)|Global\s+Environment\s+Facility(?:\s+Trust\s+Fund)?|"
    r"Mechanism|Programme|Governing\s+Council|member\s+States|United\s+Nations(?!\s+(?:Environment|Headquarters|Industrial|Development))|(?i:competent\s+(?:national\s+)?authorit(?:y|ies))|Executive\s+Director|Secretary-General(?:\s+of\s+the\s+United\s+Nations)?|"
    r"(?i:arbitrators?|members?\s+of\s+the\s+(?:(?:arbitral\s+)?tribunal|(?:conciliation\s+)?commission))|"
    r"(?i:(?:arbitral\s+)?tribunal|(?:conciliation\s+)?commission|organizations?))\b)"
)
# A party named by its role in a dispute ("the parties to the dispute", "the claimant party", "the other
# party"): lower-case "party" is a party to a dispute, not a Party to the Convention. It binds only the
# Parties in that dispute -> party_conditional.
_DISPUTE_PARTY = re.compile(r"\bpart(?:y|ies)\b|(?i:claimant|respondent)\s+party\b|\bto\s+(?:the|a)\s+dispute\b")
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:to|by|of|from|with|for|under|through|on|between|among|upon|against|in|at|into|within|than|and|or|"
    r"including|particularly|especially|except|whether)\s*$", re.IGNORECASE)
_PARTY_QUALIFIER = re.compile(
    r"^(?:(?:the|that|such)\s+Party\b)"
    r"|^(?:\w+\s+)?(?:exporting|importing|notifying|requesting|withdrawing|developed[\s-]+country|developing[\s-]+country)\s+Part"
    r"|\bPart(?:y|ies)\b[^,;]*?\b(?:that|which|who|whose|with|having|choosing|submitting|concerned|subject)\b"
    r"|\bParties\s+to\s+the\s+\w+(?:\s+\w+)?\s+Convention\b",
    re.IGNORECASE,
)
_CONDITION_OPENING = re.compile(
    r"^(?:if|in circumstances where|where (?:a|the|any) part(?:y|ies)|in the case of|for parties|in case)\b",
    re.IGNORECASE)
_SOFT_LEAD_VERB = re.compile(r"^(?:endeavou?r|seek|strive|try|consider|make every effort|use (?:its|their) best efforts)\b",
                             re.IGNORECASE)
_SOFT_QUALIFIER = re.compile(
    r"(?P<before>[\w’'-]+)?\s*,\s*(?:as appropriate|where appropriate|to the extent practicable|to the extent possible|"
    r"where feasible|where possible|as far as possible|within (?:its|their) (?:respective )?capabilities|"
    r"where (?:that|this|it) is (?:technically |economically )?(?:feasible|possible|practicable))\s*(?:[,:;.]|$)",
    re.IGNORECASE)
# an item that opens with its qualifier: "(c) Where appropriate, work with …"
_SOFT_OPENING = re.compile(r"^\s*(?:where|as) appropriate,|^\s*to the extent (?:possible|practicable),", re.I)
_SOFT_ANYWHERE = re.compile(
    r"taking into account (?:its|their)(?: respective)? (?:national|domestic)? ?circumstances|"
    r"in accordance with (?:its|their) (?:respective )?capabilities",
    re.IGNORECASE)
# Words after which a qualifier belongs to an embedded phrase, not to the main verb.
_EMBEDDING_WORDS = {"and", "or", "incorporating", "including", "using", "involving", "taking", "applying",
                    "considering", "reducing", "controlling"}
# Non-actor subjects with these verbs state scope or status, not a duty.
_SCOPE_VERBS = re.compile(
    r"^(?:not\s+|in\s+no\s+way\s+)?(?:only\s+)?(?:apply|expire|cease|lapse|remain|enter\s+into\s+force|take\s+effect|continue|"
    r"terminate|prevail|affect|prejudice|be\s+without\s+prejudice)\b", re.IGNORECASE)
# ("shall be regarded as new" classifies; "shall not be regarded as confidential" forbids, so only the positive)
_STATUS_VERBS = re.compile(r"^(?:(?:not\s+)?(?:consist|comprise|have\s+one\s+vote|form\s+an\s+integral|constitute|be\s+deemed)\b|"
                           r"be\s+(?:regarded|considered)\s+(?:as|to\s+be)\s)",
                           re.IGNORECASE)
# Non-actor subjects naming the instrument itself: procedural statements, not duties.
_INSTRUMENT_SUBJECT = re.compile(
    r"^(?:(?:the|this|any|such|an?|each)\s+)?(?:(?:proposed|additional)\s+)?(?:Convention|Article|Annex|annexes|"
    r"amendments?|paragraph|provisions?|definitions?|instruments?|text)\b", re.IGNORECASE)
# A definition's opening; such a sentence is an obligation only when it forbids something.
_DEFINITION_OPENING = re.compile(r"^(?:For the purposes? of\b|In this (?:Article|Convention|Annex),)")
_PARTICIPLES_IRREGULAR = {"made", "set", "kept", "held", "sent", "put", "paid", "done", "taken", "given", "shown",
                          "drawn", "borne", "known", "found", "brought", "sought", "built", "undertaken", "withdrawn",
                          "met", "laid", "read", "run", "spent", "sold", "told", "understood", "written", "chosen"}
_DISCRETION = re.compile(r"\bshall be (?:a matter )?for (?:the|each|a) Party to (?:decide|determine)", re.IGNORECASE)
_DECISION_VERB = re.compile(
    r"^(?:(?:also|further|again)\s+)?(?P<verb>requests|instructs|decides|invites|encourages|urges|calls upon|"
    r"welcomes|notes|takes note|recalls|recognizes|acknowledges|adopts)\b\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
_ABBREVIATIONS = ("e.g.", "i.e.", "No.", "no.", "para.", "Art.", "art.", "Arts.", "etc.", "cf.", "viz.", "Mr.",
                  "Ms.", "Dr.", "p.", "pp.", "vol.", "Vol.", "Rev.", "approx.")


# ---------------------------------------------------------------------------------------------
# Sentences, subjects, qualifiers
# ---------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[A-Z“\"(])")


def split_sentences(text: str) -> list[str]:
    parts: list[str] = []
    last = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[last:m.start()].rstrip()
        if piece.endswith(_ABBREVIATIONS):
            continue
        parts.append(text[last:m.end()].strip())
        last = m.end()
    tail = text[last:].strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


def _mentions(text: str) -> list[re.Match]:
    return [m for m in _ACTOR_RE.finditer(text) if not _PREPOSITION_BEFORE.search(text[:m.start()])]


_SUBORDINATOR = re.compile(r"^(?:if|when|where|once|after|before|unless|as soon as)\b", re.IGNORECASE)


def _find_subject(pre: str) -> re.Match | None:
    """The actor a clause is about, in the text before its modal.

    A subject opens a comma-delimited segment ("No later than …, the Conference of the Parties",
    "If a Party …, the Party", "The Parties, in their actions …,") or follows a leading
    subordinate clause without comma ("If it so determines the Party"). The last such mention
    wins; a mention inside a segment ("… which has informed the Secretariat") is an object.
    A mention inside a leading subordinate clause ("Unless the tribunal determines otherwise, the
    costs …", "If the parties to a dispute have not …, the dispute …") is not the subject when the
    main clause after the comma names its own subject; a pronoun there ("…, it shall") refers back.
    """
    best = None
    for m in _mentions(pre):
        seg_start = pre.rfind(",", 0, m.start()) + 1
        lead = pre[seg_start:m.start()].strip()
        if not lead or re.fullmatch(
                r"(?:also\s+|further\s+)?(?:decides|agrees|resolves|requests|urges|recommends)\s+that", lead, re.I):
            best = m
        elif _SUBORDINATOR.match(lead):
            main = pre[m.end():].rsplit(",", 1)[1].strip() if "," in pre[m.end():] else ""
            if not main or re.match(r"(?:it|they|he|she)\b", main, re.I):
                best = m
            elif best is not None and best.start() < m.start():
                best = None  # the main clause after the subordinate one has a subject of its own
    return best


def _agent(text: str) -> re.Match | None:
    """A passive agent: "… be revoked by that Party", "to be taken by a Party", "be elected at the
    COP's first meeting" (written "at the first meeting of" the Conference)."""
    for m in re.finditer(r"\bby\s+|\bat (?:the|its|a) (?:\w+ )?(?:meeting|session) of\s+", text):
        a = _ACTOR_RE.match(text, m.end())
        if a:
            return a
    return None


_ADVERBIAL_OPENING = re.compile(
    r"^(?:during|after|before|in|for|if|when|where|thereafter|no later than|within|upon|on|at|notwithstanding|"
    r"unless|once|subject to|without prejudice|pursuant to|in addition|further|moreover)\b", re.IGNORECASE)


def _strip_adverbial(pre: str) -> str:
    """The subject noun phrase of a clause: drop opening adverbials ("During this period, …")."""
    pre = pre.strip()
    while "," in pre and _ADVERBIAL_OPENING.match(pre):
        pre = pre.split(",", 1)[1].strip()
    return pre


def _verb_group(text: str) -> str:
    """The verb phrase right after a modal, up to the first clause boundary (for passive agents)."""
    return re.split(r",|;|\bprovided\b|\bunless\b|\bexcept\b|\bwhich\b|\bwho\b", text, maxsplit=1)[0]


def _head_after_modal(text: str) -> str:
    """The verb phrase after the modal, without adverbials set off by commas and leading adverbs."""
    t = text.lstrip()
    while True:
        prev = t
        t = re.sub(r"^,[^,]{0,200},\s*", "", t)  # ", at its first meeting,"
        t = re.sub(r"^(?:also|only|further|thereafter|then|therefore|hereby|at all times)\s+", "", t, flags=re.I)
        t = re.sub(r"^(?:at its first meeting|as soon as practicable)\s+", "", t, flags=re.I)
        if t == prev:
            return t


def _is_participle(word: str) -> bool:
    w = word.lower().strip(",;:.")
    return w in _PARTICIPLES_IRREGULAR or (len(w) > 3 and w.endswith("ed"))


def _soft_in(text: str) -> bool:
    if _SOFT_ANYWHERE.search(text) or _SOFT_OPENING.match(text):
        return True
    for m in _SOFT_QUALIFIER.finditer(text):
        before = (m["before"] or "").lower()
        if before in _EMBEDDING_WORDS:
            continue
        if re.search(r"\w\s+and\s+(?!,)[a-z]+\s+\w", text[:m.start()]) and \
                re.match(r"^\s*(?:shall|should|must|may)\s+[a-z]+\s", text):
            continue  # "shall examine … and make recommendations, as appropriate, …": limits the second verb
        return True
    return False


def normalise_deadline(text: str) -> str | None:
    """The first deadline in `text`, normalised ("3 years", "2020", "first meeting", …)."""
    found: list[tuple[int, str]] = []
    if m := re.search(r"\b(?:at|by|before) (?:its|the) first (?:meeting|session)\b", text, re.I):
        found.append((m.start(), "first meeting"))
    if m := re.search(r"\b(?:at|by|(?:no|not) later than) (?:its|the) (second|third|fourth) meeting\b", text, re.I):
        found.append((m.start(), f"{m[1].lower()} meeting"))
    for m in re.finditer(
            rf"\b(?:no later than|not later than|within|no more than|not more than|up to|every|before|by)\s+"
            rf"(?:a period of\s+)?{_NUM}\s+(year|month|day)s?\b", text, re.I):
        # a cycle is not a time limit: "review every three years" must not read "within 3 years"
        every = m[0].lower().startswith("every")
        found.append((m.start(), ("every " if every else "") + _period(m[1], m[2])))
    for m in re.finditer(rf"\bwithin (?:a|the) (?:further |period of )?{_NUM}-(year|month|day) period\b", text, re.I):
        found.append((m.start(), _period(m[1], m[2])))  # "within a further two-month period"
    for m in re.finditer(rf"\b{_NUM}\s+(year|month|day)s?\s+(?:after|of|from|following|before|ahead of|prior to|"
                         rf"have (?:passed|elapsed))\b", text, re.I):
        found.append((m.start(), _period(m[1], m[2])))
    if m := re.search(r"\bby (?:the (?:year|end of) )?((?:19|20)\d{2})\b|\bafter (?:\d{1,2} [A-Z][a-z]+ )?((?:19|20)\d{2})\b|"
                      r"\b(?:no|not) later than (?:\d{1,2} [A-Z][a-z]+ |the end of )?((?:19|20)\d{2})\b", text):
        found.append((m.start(), m[1] or m[2] or m[3]))
    if m := re.search(r"\bas soon as (?:it|they|the \w+) (?:has|have) been (?:developed|adopted|prepared)\b", text, re.I):
        found.append((m.start(), "once developed"))
    if m := re.search(r"\b(?:no|not) later than the date (?:up)?on which\b[^.;]*\benters? into force|"
                      r"\b(?:by|upon|on) (?:the )?(?:date of )?(?:its )?entry into force\b(?! of an? amendment)", text, re.I):
        found.append((m.start(), "entry into force"))
    if not found and (m := re.search(r"\bas soon as (?:practicable|possible)\b|\bwithout undue delay\b", text, re.I)):
        # only when no firmer limit is given ("as soon as practicable but no later than five years" -> 5 years)
        found.append((m.start(), "without undue delay" if m[0].lower().startswith("without") else "as soon as practicable"))
    if not found:
        return None
    return min(found)[1]


def _period(number: str, unit: str) -> str:
    n = int(number) if number.isdigit() else NUMBER_WORDS[number.lower()]
    unit = unit.lower()
    return f"{n} {unit}" + ("s" if n != 1 else "")


def find_dates(text: str) -> list[str]:
    """Years and periods mentioned in `text`, in order, without duplicates."""
    out: list[str] = []
    for m in re.finditer(rf"\b((?:19|20)\d{{2}})\b|\b{_NUM}\s+(year|month|day)s?\b", text, re.I):
        value = m[1] if m[1] else _period(m[2], m[3])
        if value not in out:
            out.append(value)
    return out


_CONDITION_RE = re.compile(
    r"\b(unless|except(?: where| for| with respect to| that)?|provided that|if|where|whichever is (?:later|earlier)|"
    r"in circumstances where|notwithstanding)\b([^;:]*?)(?=[,;:]\s|\.\s|\.$|;$|:$|$)",
    re.IGNORECASE)


def find_conditions(text: str) -> list[str]:
    out: list[str] = []
    for m in _CONDITION_RE.finditer(text):
        word = m[1].lower()
        if word == "where" and re.match(r"\s*(?:feasible|appropriate|possible|applicable|practicable)\b", m[2], re.I):
            continue
        if not m[2].strip() and " " not in word:
            continue  # a bare "except" before a list: the items are the exceptions
        phrase = (m[1] + m[2]).strip(" ,")
        if len(phrase) > 110:
            phrase = phrase[:110].rsplit(" ", 1)[0] + "…"
        if phrase and phrase not in out:
            out.append(phrase)
    return out


def _tidy_action(text: str) -> str:
    """"not allow, by taking appropriate measures, the manufacture …" -> "not allow the manufacture …"."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^((?:not\s+)?[A-Za-z-]+(?:\s+and\s+[A-Za-z-]+)?),\s*(?:by|through|as|where|within|in|at|on|upon|"
                  r"no later than|taking)\b[^,]{0,120},\s*"
                  # ("shall assess, no later than at its second meeting, and thereafter at intervals, the …")
                  r"(?:and\s+(?:thereafter|periodically|then)\b[^,]{0,60},\s*)?", r"\1 ", text)
    if text.endswith(":"):  # the action continues in the lettered items
        text = text.rstrip(":").rstrip() + " …"
    return text


def _short(text: str, limit: int = 140) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:.")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


_RESTRICTING_HEAD = re.compile(
    r"^(?:,[^,]{0,200},\s*|for [^,]{3,80},\s*)?(?:(?:also|further|thereafter)\s+)?(?P<word>not|only)\b", re.I)
# "allow such transport only after …", "use it only for …": an "only" that limits the verb before it
_LATE_ONLY = re.compile(r"^[a-z]+\b[^,;.:]{0,40}?\bonly\s+(?:after|if|for|to|where|when|in|with|once|upon|as)\b", re.I)


# "may accept, for existing ships, an inventory limited to … only where a full survey is not feasible":
# an "only if / only where" condition limits the whole permission or duty, however far from its verb
# (a time limit too: "permit … to be stored … only for up to twelve months")
_ONLY_CONDITION = re.compile(r"\bonly\s+(?:if|where|when|after|once|upon|until|in cases where|"
                             r"for\s+(?:up\s+to|a\s+(?:maximum|period)|no\s+(?:more|longer)\s+than|at\s+most))\b", re.I)
# (what a Party may declare or notify is the content of its act, not a limit on it: "may declare that …
# an amendment shall enter into force only upon …" stays a permission)
# (verbs in lower case: "to a State that is not a Party only where …" reports nothing)
_REPORTED = re.compile(r"\b(?:declare|state|notify|specify|indicate|decide|agree|request)\w*\s+that\b")
# "take measures to ensure that spent batteries are recycled only at permitted facilities": what the
# Party must secure is itself a restriction
_ENSURED_ONLY = re.compile(r"\bensure\w*\s+that\b[^;.]{0,200}?(?<!\bnot )\bonly\s+(?:at|to|for|in|by|with|from|"
                           r"where|if|when|after|once|upon)\b", re.I)


# "may withdraw …, but not before three years have passed", "may allow …, but only for up to two years",
# "may allow its continued use, but not after 2035":
# a permission held back to a time or a period
_HELD_BACK = re.compile(r"\bbut not (?:before|until|earlier than|after|beyond|later than)\b|\bbut only (?:for|if|where|when|after|until)\b",
                        re.I)
# "shall prohibit the import of …": the duty is a ban, and the row must read as one
_PROHIBIT_VERB = re.compile(r"^(?:,[^,]{0,200},\s*)?(?:prohibit|ban|forbid)\b", re.I)


def polarity_of(modality: str, after_modal: str, negated_subject: bool = False) -> str:
    """Polarity from the words right after the modal ("shall not", "may only") and from a negated
    subject ("No Party may …"): prohibition, restriction, permission or duty."""
    m = _RESTRICTING_HEAD.match(after_modal.lstrip())
    if negated_subject or (m and m["word"].lower() == "not"):
        return "prohibition"
    own = _REPORTED.split(after_modal.lstrip(), maxsplit=1)[0]  # the act, without what it reports
    if m or _LATE_ONLY.match(own) or _HELD_BACK.search(after_modal) or _ONLY_CONDITION.search(own) \
            or _ENSURED_ONLY.search(own):
        return "restriction"
    if modality != "permissive" and _PROHIBIT_VERB.match(after_modal.lstrip()):
        return "prohibition"
    return "permission" if modality == "permissive" else "duty"


def keep_restriction(action: str, polarity: str) -> str:
    """The action with the restricting word the modal carried: "not have an exemption …" for
    "No Party may have …", "only allow …" for "shall only allow …"."""
    word = {"prohibition": "not", "restriction": "only"}.get(polarity)
    if word is None or re.search(rf"\b{word}\b", action, re.I) or _HELD_BACK.search(action) \
            or (polarity == "prohibition" and (_PROHIBIT_VERB.match(action) or action.startswith("ensure that no "))):
        return action
    return f"{word} {action}"
