"""The question bank: questions people ask, in their words, each with a direct own-words answer.

A bank file is Markdown whose title starts with "# Question bank" (format: docs/question-bank.md).
Each `##` entry becomes one chunk: its answer sentences are the passage (cited like the guide),
and its phrasings are stored on the chunk as retrieval keys (`Chunk.questions`) that the index
embeds beside the passage. Parsing happens only here; the checks live in evals/bank_check.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .models import Chunk, Line, SourceDocument, content_id
from .refs import Ref, RefError, common_ancestor, parse_ref_list
from .structure import cited_refs

BANK_TITLE = re.compile(r"^#\s+Question bank\b", re.IGNORECASE)
KINDS = ("yes-no", "when", "how-long", "how-many", "who", "what-is", "must-do", "which", "why", "how", "provision")
REASONS = ("parties-status", "national-law", "later-decision", "health-advice", "market-data", "science",
           "household", "other")
_META = re.compile(r"^-\s+(kind|refs|related|facts|answerable|reason|look):\s*(.*)$")
_QUESTION = re.compile(r"^-\s+Q:\s*(.+)$")


class BankError(ValueError):
    """A bank entry that cannot be used; the message names the entry and the problem."""


@dataclass(frozen=True)
class BankEntry:
    id: str
    questions: tuple[str, ...]
    sentences: tuple[str, ...]  # the answer, one sentence each, with their bracketed refs
    refs: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    kind: str = ""
    answerable: bool = True
    reason: str = ""  # why the texts do not answer (answerable False)
    look: str = ""  # where to look instead (answerable False)
    line: int = 0

    @property
    def answer(self) -> str:
        return " ".join(self.sentences)

    def facets(self) -> tuple[tuple[str, str], ...]:
        """What a chunk keeps of the entry besides its text and questions."""
        out = [("bank_id", self.id), ("kind", self.kind), ("answerable", "yes" if self.answerable else "no")]
        out += [(name, value) for name, value in (("reason", self.reason), ("look", self.look),
                                                  ("refs", "; ".join(self.refs)),
                                                  ("related", "; ".join(self.related)),
                                                  ("facts", "; ".join(self.facts))) if value]
        return tuple(out)

    def to_json(self) -> dict:
        return {"id": self.id, "questions": list(self.questions), "answer": self.answer, "refs": list(self.refs),
                "answerable": self.answerable, "kind": self.kind or None, "reason": self.reason or None,
                "look": self.look or None, "facts": list(self.facts), "related": list(self.related)}


_TREATY_NAME = re.compile(
    r"\b(?:the\s+)?(?:Minamata(?:\s+(?:Convention|treaty))?(?:\s+on\s+Mercury)?"
    r"|UN\s+mercury\s+(?:treaty|convention)|global\s+mercury\s+(?:treaty|convention)|mercury\s+(?:treaty|convention))\b",
    re.IGNORECASE)


def key_text(question: str) -> str:
    """What is embedded to match a question to a phrasing: without the treaty's name, which every
    question may carry and which would otherwise dominate MiniLM's similarity ("Who is the
    depositary of the Minamata Convention on Mercury?" is about the depositary)."""
    text = _TREATY_NAME.sub(" the Convention ", question)
    return re.sub(r"\s+", " ", text).strip(" ,") or question


def is_bank(lines: list[Line]) -> bool:
    return any(BANK_TITLE.match(line.text.strip()) for line in lines[:5])


def _ref_list(text: str, entry_id: str, name: str) -> tuple[str, ...]:
    try:
        return tuple(str(r) for r in parse_ref_list(text))
    except RefError as exc:
        raise BankError(f"entry {entry_id!r}: field {name!r}: {exc}") from None


def parse_bank(lines: list[Line]) -> list[BankEntry]:
    """Entries in file order. Raises BankError naming the entry for anything malformed."""
    entries: list[BankEntry] = []
    current: dict | None = None

    def close() -> None:
        if current is not None:
            entries.append(_entry(current))

    for number, line in enumerate(lines, start=1):
        text = line.text.strip()
        if text.startswith("## "):
            close()
            current = {"id": text[3:].strip(), "meta": {}, "questions": [], "sentences": [], "line": number}
            continue
        if current is None or not text or text.startswith("#"):
            continue
        if m := _META.match(text):
            current["meta"][m[1]] = m[2].strip()
        elif m := _QUESTION.match(text):
            current["questions"].append(m[1].strip())
        else:
            current["sentences"].append(text)
    close()
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise BankError(f"entry {e.id!r} appears twice")
        seen.add(e.id)
    return entries


def _entry(raw: dict) -> BankEntry:
    meta, eid = raw["meta"], raw["id"]
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", eid):
        raise BankError(f"entry {eid!r}: the id must be lower case words joined by '-'")
    if not raw["questions"]:
        raise BankError(f"entry {eid!r}: no '- Q:' phrasing")
    if not raw["sentences"]:
        raise BankError(f"entry {eid!r}: no answer")
    answerable = meta.get("answerable", "yes").lower() not in ("no", "false")
    kind = meta.get("kind", "")
    if answerable and kind not in KINDS:
        raise BankError(f"entry {eid!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    reason = meta.get("reason", "")
    if not answerable and reason not in REASONS:
        raise BankError(f"entry {eid!r}: reason must be one of {', '.join(REASONS)}, got {reason!r}")
    refs = _ref_list(meta.get("refs", ""), eid, "refs")
    if answerable and not refs:
        raise BankError(f"entry {eid!r}: an answerable entry needs refs")
    return BankEntry(id=eid, questions=tuple(raw["questions"]), sentences=tuple(raw["sentences"]), refs=refs,
                     related=_ref_list(meta.get("related", ""), eid, "related"),
                     facts=tuple(f.strip() for f in meta.get("facts", "").split(";") if f.strip()),
                     kind=kind, answerable=answerable, reason=reason, look=meta.get("look", ""),
                     line=raw["line"])


def bank_chunks(doc: SourceDocument) -> list[Chunk]:
    """One chunk per entry. The ref is what the answer rests on (the common provision of its
    refs, else the first); the heading carries the first phrasing, so that the passage's own
    embedding already looks like a question."""
    chunks: list[Chunk] = []
    for e in parse_bank(doc.lines):
        text = "\n".join(e.sentences)
        refs = [Ref.parse(r) for r in e.refs]
        common = common_ancestor(refs) if refs else None
        ref = str(common) if common is not None else (str(refs[0]) if refs else "")
        cited = tuple(dict.fromkeys([*e.refs, *(str(r) for r in cited_refs(text))]))
        heading = f"{e.questions[0]}"
        chunks.append(Chunk(id=content_id(doc.doc_id, e.id, text, *e.questions), doc_id=doc.doc_id,
                            doc_title=doc.title, doc_type=doc.doc_type, ref=ref, heading=heading,
                            heading_path=(heading,), text=text, page_start=None, page_end=None,
                            ordinal=len(chunks), cited_refs=cited, questions=e.questions, facets=e.facets()))
    return chunks


# words every question about the treaty may carry: they tell no entry from another
_LEXICAL_NOISE = frozenset("the a an of to in for and or is are be does do did what which who when how under "
                           "convention treaty minamata mercury party parties can must shall may our we it its "
                           "this that with by on at as from any still long soon before after wait time have has "
                           "country countries government governments say says said".split())


# the word weight (sum of inverse entry frequencies) of about three telling words: below it a question
# says too little for its share of words to pick an entry
_TELLING_WEIGHT = 10.0
_PREFIX = 6  # letters kept of each word: a crude stem


class BankLexicon:
    """The words of each entry's phrasings, for a lexical match beside MiniLM's: the share of a
    question's word weight (inverse entry frequency) that an entry's phrasings use. MiniLM alone
    rates "How long does a Party have to require best available techniques at new sources?" at 0.56
    against its own phrasing with "of mercury emissions" added; the words say it is the same question."""

    def __init__(self, keys: list[tuple[str, str]], tokenize) -> None:
        self._tokenize = tokenize
        self.words: dict[str, frozenset[str]] = {}
        for cid, phrasing in keys:
            self.words[cid] = self.words.get(cid, frozenset()) | self.terms(phrasing)
        df: dict[str, int] = {}
        for words in self.words.values():
            for w in words:
                df[w] = df.get(w, 0) + 1
        self._n = max(1, len(self.words))
        self.idf = {w: math.log(self._n / d) for w, d in df.items()}

    def terms(self, text: str) -> frozenset[str]:
        """Content words cut to six letters, so "withdrawal" meets "withdraw" and "ratified" "ratification"."""
        return frozenset(w[:_PREFIX] for w in self._tokenize(text) if w not in _LEXICAL_NOISE)

    def coverage(self, question: str) -> dict[str, float]:
        """Entry id -> share (0-1) of the question's word weight found in the entry's phrasings, scaled
        down when the question has little weight to share ("How long must a Party wait before it can
        withdraw?" has one telling word, which five entries use)."""
        asked = self.terms(question)
        weight = {w: self.idf.get(w, math.log(self._n)) for w in asked}
        total = sum(weight.values())
        if not total:
            return {}
        confidence = min(1.0, total / _TELLING_WEIGHT)
        return {cid: confidence * sum(weight[w] for w in asked & words) / total for cid, words in self.words.items()}


@dataclass
class BankMatch:
    """A bank entry matched to a question: the entry's chunk (which carries the entry's fields),
    how close the best phrasing is (MiniLM cosine) and the share of the question's words its
    phrasings use (`BankLexicon`)."""

    chunk: Chunk
    similarity: float
    phrasing: str
    lexical: float = 0.0

    @property
    def answerable(self) -> bool:
        return self.chunk.facet("answerable", "yes") == "yes"

    @property
    def kind(self) -> str:
        return self.chunk.facet("kind")

    @property
    def refs(self) -> list[str]:
        return [r for r in self.chunk.facet("refs").split("; ") if r]

    @property
    def reason(self) -> str:
        return self.chunk.facet("reason", "other")

    @property
    def look(self) -> str:
        return self.chunk.facet("look")
