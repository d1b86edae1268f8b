"""Obligation finder: who must do what, by when, under which provision.

`extract_obligations(chunks)` turns the chunks of one legal document (doc_type "treaty" or
"cop-decision") into `Obligation` rows; the index stores them per generation in
``obligations.jsonl`` (see `ingest.index._write_obligations`). Everything here is transparent
rules over the text - regular expressions and keyword tables, no model - so every label can be
traced back to the wording that produced it.

How a document is read
----------------------
1. Chunks are put back in document order and cut into provision lines ("3. …", "a) …", "(i) …").
   Each line gets the finest ref (chunk ref + its own label): "Article 7(3)(b)". An unlabelled
   line that follows lettered items is the paragraph's closing text and gets the paragraph ref.
   Lines repeated across chunk windows (a repeated chapeau, overlap) are read once.
2. Lines are cut into sentences, sentences into clauses at each modal verb ("shall", "may",
   "should", "must", "are encouraged to", "undertakes to"). A later modal opens a new clause when a
   new actor is its subject ("… requirements that the Conference of the Parties shall adopt") or
   when it continues the predicate ("… shall take measures … and may prepare a plan"); a modal in
   a subordinate clause without an actor ("…, which shall include", "whether … should") does not.
   Consecutive clauses with the same actor and modality are one obligation.
3. Chapeaux: a line ending "… shall:" (or "… is:", "… are encouraged to:", "… not be limited
   to:") hands its actor and modality to each lettered item below it; each item becomes one
   obligation with the item's ref. Items under any other chapeau ("adopt guidance on:",
   "except:", "shall not apply to:") are parts of the chapeau's single obligation.
4. Labels:
   - actor: the subject before the modal (Conference of the Parties -> cop, Secretariat,
     Committee, Party/Parties -> party, States, REIOs, the Depositary, the GEF … -> other); a passive
     agent ("may be revoked by that Party") when the subject is not an actor; otherwise the actor
     of the previous obligation (a follow-on sentence in the same paragraph binds the Party only
     insofar as the paragraph applies to it: party -> party_conditional).
     party_conditional: the subject is a qualified Party ("Each Party that has …", "A Party with
     relevant sources", "a Party choosing this alternative", "An exporting Party", "The Party"),
     the sentence opens with a condition ("If …", "In circumstances where …", "For Parties to
     …"), or a binding clause carries an "if" condition.
   - modality: "may" with an actor -> permissive; "should", "are encouraged to", "shall
     endeavour/seek to/consider", items opening "Endeavour"/"Consider", and qualifiers set off by
     commas (", as appropriate,", ", where appropriate,", ", to the extent practicable,",
     ", where feasible,") or "taking into account its national circumstances" -> soft; everything
     else -> binding. A qualifier that only limits a second verb ("and, where feasible, reduce")
     or an embedded participle phrase ("incorporating, where appropriate, …") does not soften.
   - deadline: "no later than three years after" -> "3 years", "by 2020" -> "2020", "at its first
     meeting" -> "first meeting", "every three years" -> "3 years", "no later than the date … enters
     into force" -> "entry into force"; "after the phase-out date" resolves to the year in the
     referenced Annex table when that table has a single year.
   - polarity: "shall not", "may not", a negated subject ("No Party may", "no State … may") ->
     prohibition; "shall only", "may only", a verb limited by "only after / only if …" -> restriction;
     other "may" -> permission; everything else -> duty. The action keeps the restricting word
     ("not have an exemption …", "only allow primary mercury mining …"); an actor-less "may only be
     extended" reads "only allow an exemption to be extended …", with the actor from context.
   - topic: the article/annex title ("Article 7 — Artisanal and small-scale gold mining" -> ASGM),
     overridden for reporting clauses, information duties, capacity-building and the Committee.
5. Not obligations: scope and status statements ("This Article shall not apply to", "shall be
   available", "shall cease", "shall expire", "shall consist of"), statements about the instrument
   itself ("This Convention shall be opened for signature"), definitions ("For the purposes of …",
   unless the sentence forbids something: "…, X shall not be regarded as confidential"),
   list items of a non-"shall:" chapeau, and a "may" without an actor ("Such cooperation may include").
6. COP decisions without article structure: operative paragraphs "Requests the Secretariat to …"
   (binding), "Invites/Encourages/Urges Parties to …" (soft), "Decides that each Party shall …".
Annex table rows with a phase-out year (Annex A Part I, Annex B Part I) become one binding Party
obligation each, with the year as deadline - from Markdown table rows, or from the table read as
running text ("Batteries … 2020 Switches … 2020") when the annex came from a PDF.

The page of a row is the first page of its chunk. A failure while reading one document is logged
and leaves that document without rows; it never fails the index commit.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .models import Chunk
from .refs import NUMBER_WORDS, ROMAN, Ref
from .structure import LABEL_RE, PARAGRAPH_RE

log = logging.getLogger(__name__)

LEGAL_DOC_TYPES = ("treaty", "cop-decision")
ACTORS = ("party", "party_conditional", "cop", "secretariat", "committee", "other")
MODALITIES = ("binding", "soft", "permissive")
# Which way an obligation points: do it, never do it, do it only within limits, or free to do it.
POLARITIES = ("duty", "prohibition", "restriction", "permission")
TOPICS = ("supply and trade", "products", "processes", "ASGM", "emissions", "releases", "storage", "waste",
          "contaminated sites", "finance", "capacity", "health", "information", "research", "reporting",
          "compliance", "other")
OBLIGATIONS_FILE = "obligations.jsonl"


@dataclass
class Obligation:
    """One obligation: an actor, a modality and an action under one provision."""

    doc_id: str
    doc_title: str
    ref: str  # finest canonical ref, e.g. "Article 7(3)(b)"; "" for unstructured text
    page: int | None
    sentence: str  # the source sentence (for a chapeau item: "chapeau … item")
    actor: str  # one of ACTORS
    modality: str  # one of MODALITIES
    action: str  # short verb phrase: "submit its national action plan to the Secretariat …"
    topic: str  # one of TOPICS
    deadline: str | None = None  # normalised: "2020", "3 years", "first meeting", "entry into force"
    dates: list[str] = field(default_factory=list)  # every year/period in the sentence (+ phase-out years)
    conditions: list[str] = field(default_factory=list)  # "unless …", "except …", "if …", "where …"
    exemptions: bool = False  # the provision admits exemptions, exclusions or exceptions
    polarity: str = "duty"  # one of POLARITIES; the action keeps its "not" / "only"
    doc_type: str = "treaty"
    chunk_id: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Obligation:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in d.items() if k in known}
        data.setdefault("doc_title", data.get("doc_id", ""))
        data.setdefault("page", None)
        for key in ("sentence", "action", "ref"):
            data.setdefault(key, "")
        data.setdefault("actor", "other")
        data.setdefault("modality", "binding")
        data.setdefault("topic", "other")
        data.setdefault("polarity", polarity_of(data["modality"], data["action"]))
        data["dates"] = list(data.get("dates") or [])
        data["conditions"] = list(data.get("conditions") or [])
        return cls(**data)


# ---------------------------------------------------------------------------------------------
# Loading the table of the serving generation
# ---------------------------------------------------------------------------------------------
def read_obligations_file(path: Path) -> list[Obligation]:
    path = Path(path)
    if not path.is_file():
        return []
    return [Obligation.from_json(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_obligations(source) -> list[Obligation]:
    """Obligations of the serving generation.

    `source` may be a Snapshot (its generation is used), a generation folder (holding
    obligations.jsonl), an index folder (holding CURRENT) or a Settings object. A missing table
    (an index built before obligations existed, or no index) gives []. Only the index pointer is
    read: no model, no Chroma client.
    """
    from .settings import Settings

    if hasattr(source, "store") and hasattr(source, "pointer"):  # a Snapshot
        return read_obligations_file(source.store.generation_dir(source.pointer.generation) / OBLIGATIONS_FILE)
    if isinstance(source, Settings):
        settings = source
    else:
        folder = Path(source)
        if (folder / OBLIGATIONS_FILE).is_file() or (folder / "chunks.jsonl").is_file():
            return read_obligations_file(folder / OBLIGATIONS_FILE)
        settings = Settings.load(index_dir=folder)
    from .index import IndexStore

    store = IndexStore(settings)
    pointer = store.pointer()
    if pointer is None:
        return []
    return read_obligations_file(store.generation_dir(pointer.generation) / OBLIGATIONS_FILE)


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------
_NUM_WORDS = sorted(NUMBER_WORDS, key=len, reverse=True)
_NUM = r"(\d{1,3}|" + "|".join(_NUM_WORDS) + r")"

# Modal verbs and equivalent phrases that open an obligation clause.
_MODAL_RE = re.compile(
    r"\b(?P<m>shall|must|should|may|undertakes? to|(?:is|are) (?:encouraged|invited|urged|requested|called upon) to)\b"
)
# Actor mentions. The Conference of the Parties is matched before "Parties" so that it wins.
_ACTOR_RE = re.compile(
    r"(?P<cop>\b(?:(?i:the)\s+)?Conference(?:\s+of\s+the\s+Parties)?\b|\bCOP\b)"
    r"|(?P<secretariat>\b(?:(?i:the)\s+)?(?:Secretariat|Executive\s+Secretary)\b)"
    r"|(?P<committee>\b(?:(?i:the)\s+)?(?:Implementation\s+and\s+Compliance\s+)?Committee\b)"
    r"|(?P<party>\b(?:(?i:each|every|a|an|any|the|that|such|no|all|other)\s+)?"
    r"(?:(?i:exporting|importing|notifying|requesting|developed\s+country|developing\s+country)\s+)?"
    r"(?<!non-)(?<!non‑)(?:Part(?:y|ies)\b|(?i:(?:claimant|respondent)\s+party|part(?:y|ies)(?=\s+to\s+the\s+dispute)))\b)"
    r"|(?P<other>\b(?:(?i:each|every|a|an|any|the|no)\s+)?(?:States?\b(?:\s+or\s+regional\s+economic\s+integration\s+"
    r"organizations?)?|(?i:regional\s+economic\s+integration\s+organizations?)|Depositary|President|"
    r"(?i:arbitral\s+tribunal)|(?i:conciliation\s+commission)|Global\s+Environment\s+Facility(?:\s+Trust\s+Fund)?|"
    r"Mechanism|Programme|Governing\s+Council|member\s+States|Executive\s+Director|Secretary-General(?:\s+of\s+the\s+United\s+Nations)?|"
    r"(?i:(?:arbitral\s+)?tribunal|(?:conciliation\s+)?commission|organizations?))\b)"
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:to|by|of|from|with|for|under|through|on|between|among|upon|against|in|at|into|within|than|and|or|"
    r"including|particularly|especially|except|whether)\s*$", re.IGNORECASE)
_PARTY_QUALIFIER = re.compile(
    r"^(?:(?:the|that|such)\s+Party\b)"
    r"|^(?:\w+\s+)?(?:exporting|importing|notifying|requesting|developed country|developing country)\s+Part"
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
    r"where feasible|where possible|as far as possible|within (?:its|their) (?:respective )?capabilities)\s*(?:[,:;.]|$)",
    re.IGNORECASE)
_SOFT_ANYWHERE = re.compile(
    r"taking into account (?:its|their)(?: respective)? (?:national|domestic)? ?circumstances|"
    r"in accordance with (?:its|their) (?:respective )?capabilities",
    re.IGNORECASE)
# Words after which a qualifier belongs to an embedded phrase, not to the main verb.
_EMBEDDING_WORDS = {"and", "or", "incorporating", "including", "using", "involving", "taking", "applying",
                    "considering", "reducing", "controlling"}
# Non-actor subjects with these verbs state scope or status, not a duty.
_SCOPE_VERBS = re.compile(
    r"^(?:not\s+)?(?:only\s+)?(?:apply|expire|cease|lapse|remain|enter\s+into\s+force|take\s+effect|continue|"
    r"terminate|prevail|affect|prejudice|be\s+without\s+prejudice)\b", re.IGNORECASE)
_STATUS_VERBS = re.compile(r"^(?:consist|comprise|have\s+one\s+vote|form\s+an\s+integral|constitute|be\s+deemed)\b",
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

_TITLE_TOPICS: tuple[tuple[str, str], ...] = (
    (r"artisanal|small-scale gold", "ASGM"),
    (r"supply sources|\btrade\b|mercury supply", "supply and trade"),
    (r"mercury-added products|\bproducts\b", "products"),
    (r"manufacturing processes|\bprocess(?:es)?\b", "processes"),
    (r"\bemissions?\b", "emissions"),
    (r"\breleases?\b", "releases"),
    (r"\bstorage\b", "storage"),
    (r"\bwastes?\b", "waste"),
    (r"contaminated sites?", "contaminated sites"),
    (r"financ|funding", "finance"),
    (r"capacity|technical assistance|technology transfer", "capacity"),
    (r"compliance", "compliance"),
    (r"\bhealth\b", "health"),
    (r"information|awareness|education", "information"),
    (r"research|monitoring", "research"),
    (r"reporting", "reporting"),
)
# For text without titled headings (COP decisions): keywords in the sentence itself.
_KEYWORD_TOPICS: tuple[tuple[str, str], ...] = (
    (r"artisanal|small-scale gold|gold mining", "ASGM"),
    (r"\breport(?:s|ing)?\b", "reporting"),
    (r"compliance|Implementation and Compliance Committee", "compliance"),
    (r"chlor-alkali|vinyl chloride|acetaldehyde|polyurethane|methylate|ethylate|manufacturing process", "processes"),
    (r"mercury-added product|dental amalgam|\blamps?\b|batter(?:y|ies)|cosmetic|thermometer|pesticide", "products"),
    (r"\bexports?\b|\bimports?\b|primary mercury mining|mercury supply|\bstocks?\b", "supply and trade"),
    (r"\bemissions?\b|\bair\b", "emissions"),
    (r"\breleases?\b", "releases"),
    (r"interim storage|\bstorage\b", "storage"),
    (r"\bwastes?\b|disposal", "waste"),
    (r"contaminated sites?", "contaminated sites"),
    (r"financial|funding|Global Environment Facility|\bfund\b", "finance"),
    (r"capacity|technical assistance|technology transfer", "capacity"),
    (r"\bhealth\b", "health"),
    (r"research|monitoring", "research"),
    (r"information|awareness", "information"),
)


# ---------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------
def extract_obligations(chunks: Iterable[Chunk]) -> list[Obligation]:
    """Obligations in the chunks of treaty-type documents; other document types give []."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.doc_type in LEGAL_DOC_TYPES:
            by_doc.setdefault(c.doc_id, []).append(c)
    out: list[Obligation] = []
    for doc_id in by_doc:
        try:
            out += _DocumentReader(sorted(by_doc[doc_id], key=lambda c: c.ordinal)).read()
        except Exception:  # noqa: BLE001 - a reading bug must never fail the index commit
            log.exception("obligation extraction failed for %s; its obligations are left out", doc_id)
    return out


# ---------------------------------------------------------------------------------------------
# Provision lines
# ---------------------------------------------------------------------------------------------
@dataclass
class _Line:
    ref: Ref | None
    ref_str: str
    level: str  # para | sub | item | tail | text | lead
    text: str  # without its label
    chunk: Chunk


@dataclass
class _Chapeau:
    ref_str: str
    sentence: str
    expandable: bool
    actor: str | None = None
    modality: str = "binding"
    deadline: str | None = None


@dataclass
class _Clause:
    actor: str | None
    modality: str
    start: int
    end: int
    modal_start: int
    modal_end: int
    subject: str = ""
    explicit: bool = False
    negated: bool = False  # the subject carries the negation: "No Party may", "no State … may"


def _parse_ref(text: str) -> Ref | None:
    return Ref.try_parse(text)


def _with_labels(base: Ref, para: int, sub: str, item: str) -> Ref:
    return Ref(kind=base.kind, article=base.article, annex=base.annex, part=base.part,
               paragraph=para, subparagraph=sub, item=item)


def _is_item(label: str, sub: str, item: str) -> bool:
    """Whether "(i)" is a roman item or the letter i, from what came before (as ingest.structure)."""
    if label in ROMAN:
        if sub and not item and (label == sub or (sub in ROMAN and
                                                  ROMAN.index(label) == ROMAN.index(sub) + 1 and
                                                  not (len(label) == len(sub) == 1 and ord(label) == ord(sub) + 1))):
            return False  # "(i) … (ii) …" directly under a Part or paragraph: a roman list at one level
        if sub:
            expected = ROMAN[ROMAN.index(item) + 1] if item in ROMAN[:-1] else "i"
            is_next_letter = len(label) == 1 and ord(label) == ord(sub) + 1
            if label == expected and not is_next_letter:
                return True
            if label == expected and is_next_letter:
                return bool(item)
            if len(label) > 1:
                return True
        elif len(label) > 1:
            return True
    return False


_ROW_LEAD_IN = re.compile(r"^(?P<lead>The following [^:;\n]{3,110}:)\s+(?=\S)")


def _chunk_lines(chunk: Chunk, lead_ins: set[str] = frozenset(), carry: _Line | None = None) -> list[_Line]:
    """Provision lines of one chunk. `carry` is the last line of the previous piece of the same
    provision (a long provision split into windows): unlabelled text at the top continues it."""
    base = _parse_ref(chunk.ref)
    para, sub, item = (base.paragraph, base.subparagraph, base.item) if base else (0, "", "")
    lines: list[_Line] = []
    prev_level: str | None = None
    first = chunk.text.lstrip().split("\n", 1)[0]
    if carry is not None and carry.ref is not None and base is not None and base.contains(carry.ref) \
            and not PARAGRAPH_RE.match(first) and not LABEL_RE.match(first):
        para, sub, item = carry.ref.paragraph, carry.ref.subparagraph, carry.ref.item
        prev_level = "cont"
    for raw in chunk.text.split("\n"):
        t = raw.strip()
        if not t:
            continue
        if prev_level is None:
            for lead in lead_ins:  # a lead-in the chunker wrote in front of this provision
                if t.startswith(lead + " ") and base is not None:
                    t = t[len(lead):].strip()
                    if LABEL_RE.match(t) and (base.subparagraph or base.item):
                        parent = base.parent() or base
                        lines.append(_Line(parent, str(parent), "lead", lead, chunk))
                    break
        t = re.sub(r"\s*:?-{3,}:?(?:\s*[—–|]\s*:?-{3,}:?)*\s*", " ", t).strip()  # table rules in PDF text
        if not t:
            continue
        if base is None:  # no legal structure (e.g. a COP decision read as sections): drop list labels
            t = re.sub(r"^(?:\d{1,2}\.|\(?[a-z]{1,4}\))\s+", "", t)
            lines.append(_Line(None, chunk.ref, "text", t, chunk))
            prev_level = "text"
            continue
        if m := PARAGRAPH_RE.match(t):
            para, sub, item = int(m[1]), "", ""
            level, text = "para", m[2]
        elif m := LABEL_RE.match(t):
            label = m[2]
            if _is_item(label, sub, item):
                item = label
                level = "item"
            else:
                sub, item = label, ""
                level = "sub"
            text = m[3]
        else:
            text = t
            if prev_level in ("sub", "item") and t[:1].isupper():
                sub, item = "", ""  # closing text of a paragraph, after its lettered items
                level = "tail"
            else:
                level = "text" if prev_level is None else "cont"
        ref = _with_labels(base, para, sub, item)
        lines.append(_Line(ref, str(ref), level, text, chunk))
        prev_level = level
    return lines


def _is_row(chunk: Chunk) -> bool:
    """One row of an annex table: its heading ends with the row label, its text is "Header: cell"."""
    ref = _parse_ref(chunk.ref)
    if ref is None or ref.kind != 2 or ref.paragraph or ref.subparagraph or not chunk.heading_path:
        return False
    last = chunk.heading_path[-1]
    if re.match(r"^(?:Annex|Part|Article|para|\()", last) or len(chunk.heading_path) < 2:
        return False
    return ":" in chunk.text and "\n" not in chunk.text.strip()


# ---------------------------------------------------------------------------------------------
# Sentences
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


def _actor_of(m: re.Match) -> str:
    kind = m.lastgroup or "other"
    return kind if kind in ACTORS else "other"


def _mentions(text: str) -> list[re.Match]:
    return [m for m in _ACTOR_RE.finditer(text) if not _PREPOSITION_BEFORE.search(text[:m.start()])]


_SUBORDINATOR = re.compile(r"^(?:if|when|where|once|after|before|unless|as soon as)\b", re.IGNORECASE)


def _find_subject(pre: str) -> re.Match | None:
    """The actor a clause is about, in the text before its modal.

    A subject opens a comma-delimited segment ("No later than …, the Conference of the Parties",
    "If a Party …, the Party", "The Parties, in their actions …,") or follows a leading
    subordinate clause without comma ("If it so determines the Party"). The last such mention
    wins; a mention inside a segment ("… which has informed the Secretariat") is an object.
    """
    best = None
    for m in _mentions(pre):
        seg_start = pre.rfind(",", 0, m.start()) + 1
        lead = pre[seg_start:m.start()].strip()
        if not lead or _SUBORDINATOR.match(lead) or re.fullmatch(
                r"(?:also\s+|further\s+)?(?:decides|agrees|resolves|requests|urges|recommends)\s+that", lead, re.I):
            best = m
    return best


def _agent(text: str) -> re.Match | None:
    """A passive agent: "… be revoked by that Party", "to be taken by a Party", "be elected at the
    COP's first meeting" (written "at the first meeting of" the Conference)."""
    for m in re.finditer(r"\bby\s+|\bat (?:the|its) \w+ (?:meeting|session) of\s+", text):
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
    if _SOFT_ANYWHERE.search(text):
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
    if m := re.search(r"\b(?:at|by) its (second|third|fourth) meeting\b", text, re.I):
        found.append((m.start(), f"{m[1].lower()} meeting"))
    for m in re.finditer(
            rf"\b(?:no later than|not later than|within|no more than|not more than|up to|every|before|by)\s+"
            rf"(?:a period of\s+)?{_NUM}\s+(year|month|day)s?\b", text, re.I):
        found.append((m.start(), _period(m[1], m[2])))
    for m in re.finditer(rf"\b{_NUM}\s+(year|month|day)s?\s+(?:after|of|from|following)\b", text, re.I):
        found.append((m.start(), _period(m[1], m[2])))
    if m := re.search(r"\bby (?:the (?:year|end of) )?((?:19|20)\d{2})\b", text):
        found.append((m.start(), m[1]))
    if m := re.search(r"\bas soon as (?:it|they|the \w+) (?:has|have) been (?:developed|adopted|prepared)\b", text, re.I):
        found.append((m.start(), "once developed"))
    if m := re.search(r"\b(?:no|not) later than the date (?:up)?on which\b[^.;]*\benters? into force|"
                      r"\bby (?:the )?(?:date of )?(?:its )?entry into force\b", text, re.I):
        found.append((m.start(), "entry into force"))
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
                  r"no later than|taking)\b[^,]{0,120},\s*", r"\1 ", text)
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


def polarity_of(modality: str, after_modal: str, negated_subject: bool = False) -> str:
    """Polarity from the words right after the modal ("shall not", "may only") and from a negated
    subject ("No Party may …"): prohibition, restriction, permission or duty."""
    m = _RESTRICTING_HEAD.match(after_modal.lstrip())
    if negated_subject or (m and m["word"].lower() == "not"):
        return "prohibition"
    if m or _LATE_ONLY.match(after_modal.lstrip()):
        return "restriction"
    return "permission" if modality == "permissive" else "duty"


def keep_restriction(action: str, polarity: str) -> str:
    """The action with the restricting word the modal carried: "not have an exemption …" for
    "No Party may have …", "only allow …" for "shall only allow …"."""
    word = {"prohibition": "not", "restriction": "only"}.get(polarity)
    if word is None or re.search(rf"\b{word}\b", action, re.I):
        return action
    return f"{word} {action}"


# ---------------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------------
class _DocumentReader:
    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        self.doc = chunks[0]
        self.phase_out_years: dict[tuple[str, int], list[str]] = {}
        self.out: list[Obligation] = []
        self.seen: set[tuple] = set()
        self.prev_actor: str | None = None
        self.prev_top: str = ""
        self.prev_para: str = ""
        self.prev_deadline: str | None = None
        self.row_chapeaux: dict[str, _Chapeau] = {}
        self.lead_ins: set[str] = set()

    # ---- driver --------------------------------------------------------------------------
    def read(self) -> list[Obligation]:
        rows = {c.id for c in self.chunks if _is_row(c)}
        self.lead_ins = self._find_lead_ins()
        for c in self.chunks:
            if c.id in rows:
                self._collect_phase_out(c)
        consumed = self._text_tables()
        lines: list[_Line] = []
        seen_lines: set[tuple[str, str, str]] = set()
        last_by_heading: dict[str, _Line] = {}
        anchor = ""
        first_lines: set[tuple[str, str]] = set()
        for c in self.chunks:
            if c.id in rows:
                lines.append(_Line(_parse_ref(c.ref), c.ref, "row", c.text, c))
                continue
            if c.id in consumed:
                continue
            chunk_lines = _chunk_lines(c, self.lead_ins, carry=last_by_heading.get(c.heading))
            if chunk_lines:
                last_by_heading[c.heading] = chunk_lines[-1]
            if chunk_lines:
                head_key = (chunk_lines[0].ref_str, chunk_lines[0].text)
                if head_key in first_lines:  # the unit's first block repeated at the head of a later window
                    chunk_lines = chunk_lines[1:]
                first_lines.add(head_key)
            for line in chunk_lines:
                # a chapeau repeated at the head of a later window, or sentences repeated as overlap, are
                # read once; an item is keyed by its chapeau too (the same item text may recur elsewhere)
                if line.level in ("sub", "item", "cont"):
                    key = (line.ref_str, line.text, anchor)
                else:
                    key = (line.ref_str, line.text, "")
                    anchor = line.text
                if key in seen_lines:
                    continue
                seen_lines.add(key)
                lines.append(line)
        chapeaux: dict[str, _Chapeau] = {}
        for line in lines:
            if line.level == "row":
                self._row(line)
                continue
            self._line(line, chapeaux)
        return self.out

    def _find_lead_ins(self) -> set[str]:
        """Lead-ins ("The following products are excluded from this Annex:") that chunking wrote in
        front of several provisions: a "…:" prefix shared by the first lines of chunks with different refs."""
        refs_by_prefix: dict[str, set[str]] = {}
        for c in self.chunks:
            first = c.text.split("\n", 1)[0].strip()
            m = re.match(r"^([^:\n]{5,119}:)\s+\S", first)
            if m:
                refs_by_prefix.setdefault(m[1], set()).add(c.ref)
        return {p for p, refs in refs_by_prefix.items() if len(refs) >= 2}

    # ---- phase-out tables laid out as text (PDF) ------------------------------------------------
    def _text_tables(self) -> set[str]:
        """Annex phase-out tables that reached us as running text ("Batteries, except … 2020
        Switches and relays … 2020", as a PDF table reads): one obligation per product/process and its
        year. Only used for annex parts without Markdown table rows. Returns the chunk ids read."""
        groups: dict[tuple[str, int], list[Chunk]] = {}
        for c in self.chunks:
            ref = _parse_ref(c.ref)
            if ref is None or ref.kind != 2 or ref.paragraph or ref.subparagraph or ref.item or _is_row(c):
                continue
            groups.setdefault((ref.annex, ref.part), []).append(c)
        consumed: set[str] = set()
        for key, chunks in groups.items():
            if key in self.phase_out_years:
                continue
            text, owners = "", []
            for c in chunks:
                piece = c.text.strip()
                overlap = next((k for k in range(min(len(text), len(piece), 400), 20, -1)
                                if text.endswith(piece[:k])), 0)
                owners.append((len(text) + (1 if text else 0), c))
                text = f"{text} {piece[overlap:]}".strip() if text else piece
            header = re.search(r"phase-out date\)?", text, re.I)
            if header is None:
                continue
            head_text, rest = text[:header.end()], text[header.end():]
            rest = re.sub(r"^[\s:|—–-]+", "", re.sub(r":?-{3,}:?", " ", rest))
            parts = re.split(r"\s*[—–|]?\s*\b((?:19|20)\d{2})\b\.?(?=\s|$)\s*", rest)
            pairs = [(parts[i].strip(" —–|;"), parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
            pairs = [(item, year) for item, year in pairs if len(item) > 3]
            if len(pairs) < 1:
                continue
            consumed.update(c.id for c in chunks)
            column = re.split(r"\s+[—–|]\s+", re.sub(r"^.*:\s+(?=[A-Z])", "", head_text, count=1))[0].strip()
            self.phase_out_years[key] = sorted({y for _, y in pairs})
            pos = header.end()
            for item, year in pairs:
                pos = text.find(item[:30], pos) if text.find(item[:30], pos) >= 0 else pos
                chunk = max((o for o in owners if o[0] <= pos), key=lambda o: o[0], default=owners[0])[1]
                item_clean = re.sub(r":;\s*", ": ", item).replace(";;", ";")
                if re.search(r"manufacture, import or export", head_text, re.I):
                    action = f"not allow the manufacture, import or export of {_lower_first(item_clean)}"
                elif re.search(r"process", column + " " + head_text, re.I):
                    action = f"not allow the use of mercury or mercury compounds in {_lower_first(item_clean)}"
                else:
                    action = f"phase out {_lower_first(item_clean)}"
                line = _Line(_parse_ref(chunk.ref), chunk.ref, "row", item, chunk)
                self._emit(line, sentence=f"{item_clean} (phase-out date: {year})", actor="party",
                           modality="binding", action=_short(action, 200), deadline=year,
                           dates=[year] + [d for d in find_dates(item_clean) if d != year],
                           conditions=find_conditions(item_clean),
                           exemptions=bool(re.search(r"\bexcept\b", item_clean)))
        return consumed

    # ---- annex rows ----------------------------------------------------------------------
    def _row_text(self, chunk: Chunk) -> str:
        text = chunk.text.strip()
        for lead in sorted(self.lead_ins, key=len, reverse=True):
            if text.startswith(lead + " "):
                return text[len(lead):].strip()
        if (m := _ROW_LEAD_IN.match(text)) and re.match(r"[^:;]{2,150}:\s", text[m.end():]):
            return text[m.end():]
        return text

    @staticmethod
    def _cells(text: str) -> list[tuple[str, str]]:
        cells = re.split(r";\s+(?=[^;:]{2,150}:\s)", text)
        out = []
        for cell in cells:
            head, sep, value = cell.partition(": ")
            out.append((head.strip(), value.strip()) if sep else ("", cell.strip()))
        return out

    def _phase_out_cell(self, text: str) -> tuple[str, str, str, str] | None:
        cells = self._cells(text)
        if len(cells) < 2:
            return None
        head, value = cells[-1]
        year = re.fullmatch(r"((?:19|20)\d{2})\.?", value)
        if not year or not re.search(r"phase-out|date", head, re.I):
            return None
        return cells[0][0], cells[0][1], head, year[1]

    def _collect_phase_out(self, chunk: Chunk) -> None:
        ref = _parse_ref(chunk.ref)
        got = self._phase_out_cell(self._row_text(chunk))
        if ref is not None and got:
            years = self.phase_out_years.setdefault((ref.annex, ref.part), [])
            if got[3] not in years:
                years.append(got[3])

    def _row(self, line: _Line) -> None:
        chunk = line.chunk
        text = self._row_text(chunk)
        label = chunk.heading_path[-1].rstrip("…").strip()
        got = self._phase_out_cell(text)
        if got:
            column, item, head, year = got
            item_clean = re.sub(r":;\s*", ": ", item).replace(";;", ";")
            if re.search(r"manufacture, import or export", head, re.I):
                action = f"not allow the manufacture, import or export of {_lower_first(item_clean)}"
            elif re.search(r"process", column, re.I):
                action = f"not allow the use of mercury or mercury compounds in {_lower_first(item_clean)}"
            else:
                action = f"phase out {_lower_first(item_clean)}"
            sentence = f"{column}: {item_clean}; {head}: {year}"
            self._emit(line, sentence=sentence, actor="party", modality="binding", action=_short(action, 200),
                       deadline=year, dates=[year] + [d for d in find_dates(item_clean) if d != year],
                       conditions=find_conditions(item_clean), exemptions=bool(re.search(r"\bexcept\b", item_clean)))
            return
        cells = self._cells(text)
        if not cells:
            return
        head, value = cells[0]
        if head and head.rstrip("…").startswith(label[:40]) and len(cells) == 1:
            # continuation row: "Dental amalgam: (i) Setting national objectives …"
            body = value
        else:
            body = cells[-1][1] if len(cells) > 1 else value
            label = cells[0][1] if len(cells) > 1 else label
        m = LABEL_RE.match(body)
        chapeau = self.row_chapeaux.get(chunk.heading)
        if m and chapeau is not None:
            if chapeau.expandable:
                self._expanded_item(line, m[3], chapeau, context=label)
            else:
                for sentence in split_sentences(m[3])[1:]:
                    self._sentence(line, sentence, first_in_para=False)
            return
        sentences = split_sentences(body)
        if not sentences:
            return
        if sentences[-1].endswith(":"):
            self.row_chapeaux[chunk.heading] = self._chapeau(line, sentences[-1])
        for i, sentence in enumerate(sentences):
            if sentence.endswith(":") and self.row_chapeaux.get(chunk.heading, _Chapeau("", "", False)).expandable \
                    and i == len(sentences) - 1:
                continue
            self._sentence(line, sentence, first_in_para=i == 0, context=label)

    # ---- provision lines -----------------------------------------------------------------
    def _line(self, line: _Line, chapeaux: dict[str, _Chapeau]) -> None:
        top = str(line.ref.top()) if line.ref else line.ref_str
        if top != self.prev_top:
            self.prev_actor, self.prev_top, self.prev_deadline = None, top, None
        para_key = self._para_key(line)
        first_in_para = para_key != self.prev_para
        self.prev_para = para_key
        sentences = split_sentences(line.text)
        if not sentences:
            return
        parent = self._parent_chapeau(line, chapeaux)
        start = 0
        if parent is not None and line.level in ("sub", "item"):
            if parent.expandable:
                self._expanded_item(line, sentences[0], parent)
            start = 1  # a list item of a non-"shall:" chapeau is part of that chapeau's obligation
        if line.level == "lead":
            chapeaux[line.ref_str] = _Chapeau(line.ref_str, sentences[-1], False)
            return
        last = sentences[-1]
        if last.endswith(":"):
            chapeaux[line.ref_str] = self._chapeau(line, last)
        for i in range(start, len(sentences)):
            sentence = sentences[i]
            if i == len(sentences) - 1 and sentence.endswith(":") and chapeaux[line.ref_str].expandable:
                continue  # its items carry it
            self._sentence(line, sentence, first_in_para=first_in_para and i == 0)
            first_in_para = False

    @staticmethod
    def _para_key(line: _Line) -> str:
        if line.ref is None:
            return line.ref_str
        r = line.ref
        return str(Ref(kind=r.kind, article=r.article, annex=r.annex, part=r.part, paragraph=r.paragraph,
                       subparagraph=r.subparagraph if not r.paragraph else ""))

    @staticmethod
    def _parent_chapeau(line: _Line, chapeaux: dict[str, _Chapeau]) -> _Chapeau | None:
        if line.ref is None or line.level not in ("sub", "item"):
            return None
        for anc in line.ref.ancestors()[1:]:
            if str(anc) in chapeaux:
                return chapeaux[str(anc)]
        return None

    def _chapeau(self, line: _Line, sentence: str) -> _Chapeau:
        expandable = bool(re.search(
            r"\b(?:shall|should|must|may|(?:is|are) encouraged to|undertakes? to|not be limited to)\s*:$|"
            r"\b(?:is|are)\s*:$", sentence))
        modal = None
        for modal in _MODAL_RE.finditer(sentence):
            pass
        if not expandable and modal is not None and re.match(
                r"(?:and\s+)?(?:taking|having|in|with|by|at|after|before|as|through|within|on|upon)\b[^:]*:$",
                _head_after_modal(sentence[modal.end():]).lstrip(", "), re.I):
            expandable = True  # "shall, by its second meeting …, and taking into account …:" - the verbs are in the items
        functions = re.match(r"^The (?:functions|tasks|duties) of (?:the )?(?P<who>.{3,80}?) shall (?:be|include)\s*:$",
                             sentence)
        if functions and (who := _ACTOR_RE.search("The " + functions["who"])):
            # "The functions of the Secretariat shall be: (a) To make arrangements …": each item a duty of it
            return _Chapeau(line.ref_str, sentence, True, actor=_actor_of(who), modality="binding")
        ch = _Chapeau(line.ref_str, sentence, expandable)
        if expandable:
            clauses = self._clauses(sentence, first_in_para=True)
            if clauses:
                c = clauses[-1]
                ch.actor, ch.modality = c.actor, c.modality
                ch.deadline = normalise_deadline(sentence)
            else:
                ch.expandable = False
        return ch

    # ---- clauses -------------------------------------------------------------------------
    def _clauses(self, sentence: str, first_in_para: bool, implicit: _Clause | None = None) -> list[_Clause]:
        """Obligation clauses of one sentence. `implicit` is the clause a chapeau opened (its
        predicate is this sentence's start)."""
        if _DEFINITION_OPENING.match(sentence):
            # a definition - unless it forbids something: "For the purposes of this Convention, information
            # on health … shall not be regarded as confidential"
            if not re.search(r"\b(?:shall|may|must) not (?!include|apply|cover|comprise|mean|be construed)", sentence) \
                    or "," not in sentence:
                return []
        clauses: list[_Clause] = [implicit] if implicit is not None else []
        prev_end = 0
        rejected = False  # the sentence's first modal was not an obligation ("shall be facilitative")
        for m in _MODAL_RE.finditer(sentence):
            pre = sentence[prev_end:m.start()]
            prev_end = m.end()
            compound = re.search(r"(?:^|(?<=[\s,]))(?:and|or)(?:,)?\s*(?:also\s+)?$", pre)
            if not clauses:
                if re.search(r"\b(?:which|that|who|whom)\s*$", pre) and _MODAL_RE.search(sentence, m.end()):
                    continue  # "A Party that has an interest … which may be affected … may intervene"
                if rejected and ";" in pre:
                    # "The Committee shall consist of …; its members shall be elected at …": a new clause
                    pre = pre[pre.rfind(";") + 1:]
                elif rejected:
                    # "… shall be facilitative … and shall pay …", "… shall take effect … as may be specified":
                    # after a statement, only an actor named right before a modal opens an obligation
                    near = [a for a in _mentions(pre) if len(pre[a.end():].split()) <= 1 and "," not in pre[a.end():]]
                    if not near:
                        continue
                head_pre = pre if rejected else sentence[:m.start()]
                subject = _find_subject(head_pre)
                offset = m.start() - len(head_pre)
                clause = self._open_clause(sentence, m, head_pre, subject, start=offset, first_in_para=first_in_para)
                if clause is not None:
                    clauses.append(clause)
                elif subject is not None and ";" not in sentence[m.end():]:
                    return []
                rejected = clause is None
                continue
            near = [a for a in _mentions(pre) if len(pre[a.end():].split()) <= 1 and "," not in pre[a.end():]]
            if near:
                subject = near[-1]
                start = m.start() - len(pre) + subject.start()
                clause = self._open_clause(sentence, m, sentence[:m.start()], subject, start=start,
                                           first_in_para=first_in_para, subject_offset=start)
                if clause is not None:
                    clauses[-1].end = start
                    clauses.append(clause)
                continue
            if compound or not pre.strip():
                prev = clauses[-1]
                start = m.start() - len(pre) + (compound.start() if compound else 0)
                clause = self._compound_clause(sentence, m, prev, start)
                if clause is None:
                    continue
                if clause.actor == prev.actor and clause.modality != prev.modality \
                        and "permissive" not in (clause.modality, prev.modality) \
                        and re.match(r"\s*\w+(?:\s+\w+)?,", sentence[m.end():]):
                    # "shall include in any plan, and shall implement, X": both verbs share X and its qualifiers
                    prev.modality = "soft"
                    continue
                prev.end = start
                clauses.append(clause)
                continue
            # a modal in a subordinate clause ("…, which shall include", "whether … should"): part of the previous
        for i, c in enumerate(clauses):
            if i + 1 < len(clauses):
                c.end = min(c.end, clauses[i + 1].start)
            else:
                c.end = len(sentence)
        return [c for c in clauses if c.actor is not None]

    def _modality(self, modal: str, after: str, clause_text: str, negated_subject: bool) -> str:
        modal = modal.lower()
        if modal == "may":  # "No Party may …", "may not …" forbid; "may only …" permits within limits
            return "binding" if negated_subject or re.match(r"\s*not\b", after) else "permissive"
        if modal == "should" or "encouraged" in modal or "invited" in modal:
            return "soft"
        if _SOFT_LEAD_VERB.match(_head_after_modal(after)):
            return "soft"
        if _soft_in(clause_text):
            return "soft"
        return "binding"

    def _open_clause(self, sentence: str, m: re.Match, pre: str, subject: re.Match | None, start: int,
                     first_in_para: bool, subject_offset: int | None = None) -> _Clause | None:
        after = sentence[m.end():]
        head = _head_after_modal(after)
        modal = m["m"]
        if _DISCRETION.search(sentence[m.start():]) or _DISCRETION.search(sentence):
            return _Clause("party", "permissive", start, len(sentence), m.start(), m.end(), "the Party", True)
        if subject is not None:
            if re.match(r"be\b", head, re.I) and modal != "may" and not re.match(r"be\s+responsible", head, re.I):
                return None  # "Each Party … shall be identified", "… shall be bound": status, not a duty
            if _STATUS_VERBS.match(head):
                return None  # "The Committee shall consist of", "Each Party … shall have one vote"
            actor = _actor_of(subject)
            subject_text = pre[subject.start():] if subject_offset is None else sentence[subject_offset:m.start()]
            negated = bool(re.match(r"no\b", subject.group(0), re.I))
            modality = self._modality(modal, after, self._clause_scope(sentence, m), negated)
            if actor == "party" and self._conditional(subject_text, sentence, after, modality):
                actor = "party_conditional"
            return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), subject_text.strip(), True,
                           negated=negated)
        # no actor as subject: a passive or a thing-subject ("Any plan shall be submitted …")
        if _SCOPE_VERBS.match(head) or _STATUS_VERBS.match(head):
            return None
        if (be := re.match(r"be\b\s*([^\s,;:.]*)", head, re.I)) and not _is_participle(be[1]):
            return None  # "shall be available", "The objective shall be for …", "shall be:"
        if _INSTRUMENT_SUBJECT.match(_strip_adverbial(pre)):
            return None  # "This Convention shall be opened for signature", "Amendments … shall be adopted"
        agent = _agent(_verb_group(after)) or _agent(pre)
        subject_text = _strip_adverbial(pre)
        modality = self._modality(modal, after, self._clause_scope(sentence, m), False)
        if agent is not None:
            actor = _actor_of(agent)
            if actor == "party" and re.match(r"(?:that|the|such)\s+Party\b", agent.group(0), re.I):
                actor = "party_conditional"
            return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), subject_text, True)
        if modality == "permissive" and not _RESTRICTING_HEAD.match(after.lstrip()):
            return None  # "Such cooperation may include:" - a "may" needs an actor; "may only" limits someone
        actor = self.prev_actor or "party"
        if _DEFINITION_OPENING.match(sentence):
            actor = "party"  # "For the purposes of this Convention, X shall not be regarded as …": binds every Party
        if actor == "party" and (not first_in_para or _CONDITION_OPENING.match(sentence)):
            actor = "party_conditional"  # a follow-on duty of those the paragraph applies to
        return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), subject_text, False)

    def _compound_clause(self, sentence: str, m: re.Match, prev: _Clause, start: int) -> _Clause | None:
        after = sentence[m.end():]
        head = _head_after_modal(after)
        modal = m["m"]
        actor = prev.actor
        agent = _agent(_verb_group(after))
        if agent is not None:
            actor = _actor_of(agent)
        elif not prev.explicit and re.match(r"be\s+(\S+)", head, re.I) and modal == "may":
            return None
        modality = self._modality(modal, after, self._clause_scope(sentence, m), False)
        if actor == "party" and prev.actor == "party_conditional" and agent is None:
            actor = "party_conditional"
        return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), prev.subject, prev.explicit)

    @staticmethod
    def _clause_scope(sentence: str, m: re.Match) -> str:
        """Text a modality qualifier must sit in: from the modal to the next modal or the end."""
        nxt = _MODAL_RE.search(sentence, m.end())
        return sentence[m.start():nxt.start() if nxt else len(sentence)]

    @staticmethod
    def _conditional(subject_text: str, sentence: str, after: str, modality: str) -> bool:
        if _PARTY_QUALIFIER.search(subject_text.strip()):
            return True
        if _CONDITION_OPENING.match(sentence.strip()):
            return True
        if modality != "permissive" and re.search(r"\bif\b", after.split(";")[0]):
            return True
        return False

    # ---- obligations ---------------------------------------------------------------------
    def _expanded_item(self, line: _Line, sentence: str, chapeau: _Chapeau, context: str = "") -> None:
        """An item of a "… shall:" chapeau: the item is the predicate, the chapeau gives actor and modality."""
        sentence = re.sub(r"^To (?=[a-z])", "", sentence)  # "(a) To make arrangements …" under "functions … shall be:"
        actor = chapeau.actor or "party"
        modality = chapeau.modality
        deliberates = actor in ("cop", "committee") and re.match(r"consider\b", sentence, re.I)
        if modality != "permissive" and not deliberates \
                and (_SOFT_LEAD_VERB.match(sentence) or _soft_in(sentence.split(";")[0])):
            modality = "soft"  # (a body that "shall: (a) Consider …" must consider: that is its task)
        if actor == "party" and _CONDITION_OPENING.match(sentence):
            actor = "party_conditional"
        implicit = _Clause(actor, modality, 0, len(sentence), 0, 0, chapeau.sentence, True)
        clauses = self._clauses(sentence, first_in_para=False, implicit=implicit)
        full = f"{chapeau.sentence} {sentence}".strip()
        for c in self._merge(clauses):
            if c is implicit or c.start == 0:
                action = re.sub(r"[;,]\s*(?:and|or)$", "", sentence[:c.end].strip()).rstrip(";,.:").strip()
                deadline = normalise_deadline(sentence[:c.end]) or chapeau.deadline
                if context:
                    action = f"{_short(_tidy_action(action), 110)} ({context})"
                self._record(line, full, c, _lower_first(action), deadline, sentence[:c.end])
            else:
                self._clause_record(line, sentence, c, sentence_for_row=full)
        self.prev_actor = (clauses[-1].actor if clauses else actor)

    def _sentence(self, line: _Line, sentence: str, first_in_para: bool, context: str = "") -> None:
        clauses = self._clauses(sentence, first_in_para)
        if not clauses and self.doc.doc_type == "cop-decision":
            clauses = self._decision_clauses(sentence)
        for c in self._merge(clauses):
            self._clause_record(line, sentence, c, context=context)
        if clauses:
            self.prev_actor = clauses[-1].actor

    def _decision_clauses(self, sentence: str) -> list[_Clause]:
        """Operative paragraphs of COP decisions: "Requests the Secretariat to …", "Invites Parties to …"."""
        m = _DECISION_VERB.match(sentence)
        if not m:
            return []
        verb = m["verb"].lower()
        if verb in ("welcomes", "notes", "takes note", "recalls", "recognizes", "acknowledges"):
            return []
        if verb in ("decides", "adopts"):
            return [_Clause("cop", "binding", 0, len(sentence), 0, 0, "The Conference of the Parties", True)]
        addressee = _ACTOR_RE.match(m["rest"].lstrip())
        if addressee is None:
            return []
        actor = _actor_of(addressee)
        modality = "binding" if verb in ("requests", "instructs") else "soft"
        offset = m.start("rest") + (len(m["rest"]) - len(m["rest"].lstrip())) + addressee.end()
        return [_Clause(actor, modality, 0, len(sentence), offset, offset, addressee.group(0), True)]

    @staticmethod
    def _merge(clauses: list[_Clause]) -> list[_Clause]:
        out: list[_Clause] = []
        for c in clauses:
            if out and out[-1].actor == c.actor and out[-1].modality == c.modality:
                out[-1].end = max(out[-1].end, c.end)
                continue
            out.append(c)
        return out

    def _clause_record(self, line: _Line, sentence: str, c: _Clause, context: str = "",
                       sentence_for_row: str | None = None) -> None:
        span = sentence[c.start:c.end]
        deadline = normalise_deadline(span)
        if deadline is None and re.match(r"^(?:During|Within) (?:this|that|such) period\b", sentence):
            deadline = self.prev_deadline
        verb_phrase = sentence[c.modal_end:c.end].strip()
        if c.modal_end == c.modal_start and c.modal_start:  # decision: "Requests the Secretariat to …"
            verb_phrase = re.sub(r"^\s*to\s+", "", sentence[c.modal_end:c.end])
        polarity = polarity_of(c.modality, sentence[c.modal_end:c.end], c.negated)
        verb_phrase = keep_restriction(_head_after_modal(verb_phrase), polarity)
        subject = c.subject or ""
        passive = re.match(r"(not|only)\s+be\s+(\S+)\s*(.*)$", verb_phrase, re.I | re.S)
        by_agent = re.match(r"be\s+(\S+)", verb_phrase, re.I)
        if c.explicit and by_agent and _is_participle(by_agent[1]) and c.modality != "permissive" \
                and subject and not _ACTOR_RE.match(subject):
            action = f"ensure that {_lower_first(subject)} {verb_phrase}"  # "its members shall be elected at …"
        elif c.explicit:
            action = verb_phrase
        elif passive and subject and _is_participle(passive[2]):
            # "An exemption may only be extended once …" -> "only allow an exemption to be extended once …"
            action = f"{passive[1].lower()} allow {_lower_first(subject)} to be {passive[2]} {passive[3]}".strip()
        else:
            action = f"ensure that {_lower_first(subject)} {verb_phrase}" if subject else verb_phrase
        if discretion := re.match(r"be (?:a matter )?for (?:the|each|a) Party to (.*)", action, re.I):
            action = discretion[1]
        if context:
            action = f"{_short(_tidy_action(action), 110)} ({context})"
        self._record(line, sentence_for_row or sentence, c, action, deadline, span, polarity)

    def _record(self, line: _Line, sentence: str, c: _Clause, action: str, deadline: str | None, span: str,
                polarity: str | None = None) -> None:
        dates = find_dates(sentence)
        phase = re.search(r"phase-out date", span, re.I)
        if phase:
            years = self._phase_out_years_for(span, line)
            for y in years:
                if y not in dates:
                    dates.append(y)
            if deadline is None and len(years) == 1 and re.search(r"after the phase-out date", span, re.I):
                deadline = years[0]
        topic = self._topic(line, span, c, action)
        key = (line.ref_str, c.actor, c.modality, _short(action, 80), sentence[:80])
        if key in self.seen:
            return
        self.seen.add(key)
        self.prev_deadline = deadline
        self._emit(line, sentence=sentence, actor=c.actor or "other", modality=c.modality,
                   action=_short(_tidy_action(action), 600),
                   deadline=deadline, dates=dates, conditions=find_conditions(span),
                   exemptions=bool(re.search(r"\bexempt(?:ion|ions|ed)?\b|\bexclusions?\b|\bexcept\b", span, re.I)),
                   topic=topic, polarity=polarity)

    def _phase_out_years_for(self, text: str, line: _Line) -> list[str]:
        m = re.search(r"Part (I{1,3}|IV|V) of Annex ([A-E])|Annex ([A-E])(?:,? Part (I{1,3}|IV|V))?", text)
        if m is None:
            m2 = re.search(r"in that Annex|in this Annex", text)
            if m2 is None or line.ref is None or line.ref.kind != 2:
                return []
            annex, part = line.ref.annex, line.ref.part
        else:
            annex = m[2] or m[3]
            numeral = m[1] or m[4]
            part = ("I", "II", "III", "IV", "V").index(numeral) + 1 if numeral else 1
        return sorted(self.phase_out_years.get((annex, part), []))

    def _emit(self, line: _Line, *, sentence: str, actor: str, modality: str, action: str, deadline: str | None,
              dates: list[str], conditions: list[str], exemptions: bool, topic: str | None = None,
              polarity: str | None = None) -> None:
        chunk = line.chunk
        if topic is None:
            topic = self._title_topic(chunk) or "other"
        if polarity is None:  # a chapeau item or an annex row: the action opens with its own "not" / "only"
            polarity = polarity_of(modality, action)
        action = keep_restriction(action, polarity)
        self.out.append(Obligation(
            doc_id=chunk.doc_id, doc_title=chunk.doc_title, ref=line.ref_str, page=chunk.page_start,
            sentence=re.sub(r"\s+", " ", sentence).strip(), actor=actor, modality=modality, action=action,
            topic=topic, deadline=deadline, dates=dates, conditions=conditions, exemptions=exemptions,
            polarity=polarity, doc_type=chunk.doc_type, chunk_id=chunk.id))

    # ---- topics --------------------------------------------------------------------------
    @staticmethod
    def _title_topic(chunk: Chunk) -> str | None:
        title = chunk.heading_path[0] if chunk.heading_path else chunk.heading
        title = re.split(r"\s+[—–-]\s+", title, maxsplit=1)[-1] if re.search(r"\s[—–-]\s", title) else ""
        for pattern, topic in _TITLE_TOPICS:
            if re.search(pattern, title, re.I):
                return topic
        return None

    def _topic(self, line: _Line, span: str, c: _Clause, action: str) -> str:
        if c.actor == "committee":
            return "compliance"
        if re.search(r"\breports?\b[^.;]{0,60}\bArticle 21\b|\binclude in its report|\bin its reporting\b|^report\b|"
                     r"\breport(?:ing)? to the Conference of the Parties\b|\binclude such reviews in its reports",
                     action + " " + span, re.I):
            return "reporting"
        head = _head_after_modal(action)
        if c.actor == "secretariat" and re.search(r"publicly available|public register|collect and maintain information|"
                                                  r"make [^.;]{0,40} available", span, re.I):
            return "information"
        if re.match(r"(?:provide|submit|exchange|share|make available|transmit)\s+(?:to the Secretariat,?\s+)?"
                    r"(?:as appropriate,?\s+)?(?:\w+\s+){0,2}information\b", head, re.I) \
                or re.match(r"(?:\w+\s+){0,3}information\s+(?:may|shall)\b", span, re.I) \
                or re.search(r"\bexchange information\b", head[:40], re.I):
            return "information"
        if re.search(r"capacity-building|\bcapacity\b", span, re.I) and re.search(r"cooperat", span, re.I):
            return "capacity"
        titled = self._title_topic(line.chunk)
        if titled:
            return titled
        return "other" if self._has_title(line.chunk) else self._keyword_topic(span)

    @staticmethod
    def _has_title(chunk: Chunk) -> bool:
        title = chunk.heading_path[0] if chunk.heading_path else chunk.heading
        return bool(re.search(r"\s[—–-]\s", title or ""))

    @staticmethod
    def _keyword_topic(text: str) -> str:
        for pattern, topic in _KEYWORD_TOPICS:
            if re.search(pattern, text, re.I):
                return topic
        return "other"
