"""Typed values that flow through ingestion: documents -> blocks -> chunks."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

DOC_TYPES = ("treaty", "cop-decision", "guidance", "conference-text", "other")


@dataclass(frozen=True)
class Line:
    """One logical line of a document (a re-joined paragraph for PDFs) and the page it starts on."""

    text: str
    page: int | None = None


@dataclass
class SourceDocument:
    doc_id: str
    title: str
    doc_type: str
    path: str
    sha256: str
    lines: list[Line]
    language: str = "en"
    page_count: int | None = None


@dataclass
class Block:
    """The text of one provision (or one section of a non-legal text), before chunking."""

    ref: str  # canonical ref or "" when the text has no legal structure
    heading: str  # human context, e.g. "Article 7 — Artisanal and small-scale gold mining, para 3"
    heading_path: tuple[str, ...]
    text: str
    pages: list[int] = field(default_factory=list)
    cited_refs: tuple[str, ...] = ()
    row: bool = False  # one row of an annex table: always a chunk of its own


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    doc_title: str
    doc_type: str
    ref: str
    heading: str
    heading_path: tuple[str, ...]
    text: str  # the passage itself, without the heading prefix
    page_start: int | None
    page_end: int | None
    ordinal: int
    cited_refs: tuple[str, ...] = ()
    # question-bank entries only: the phrasings that key this passage, and the entry's fields
    questions: tuple[str, ...] = ()
    facets: tuple[tuple[str, str], ...] = ()

    def facet(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.facets if k == name), default)

    @property
    def indexed_text(self) -> str:
        """What is embedded and keyword-indexed: heading context first, so a bare
        subparagraph still says which article it belongs to."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    def metadata(self) -> dict:
        """Flat scalar metadata, as Chroma requires."""
        return {
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "doc_type": self.doc_type,
            "ref": self.ref,
            "heading": self.heading,
            "heading_path": " > ".join(self.heading_path),
            "page_start": self.page_start if self.page_start is not None else -1,
            "page_end": self.page_end if self.page_end is not None else -1,
            "ordinal": self.ordinal,
            "cited_refs": "; ".join(self.cited_refs),
        }

    def to_json(self) -> dict:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        d["cited_refs"] = list(self.cited_refs)
        d["questions"] = list(self.questions)
        d["facets"] = [list(kv) for kv in self.facets]
        return d

    @classmethod
    def from_json(cls, d: dict) -> Chunk:
        return cls(**{**d, "heading_path": tuple(d["heading_path"]), "cited_refs": tuple(d.get("cited_refs", ())),
                      "questions": tuple(d.get("questions", ())),
                      "facets": tuple(tuple(kv) for kv in d.get("facets", ()))})


def content_id(*parts: str) -> str:
    """Content-hash ID: the same text in the same document always gets the same ID."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]


@dataclass
class IngestResult:
    id: str
    title: str
    path: str
    doc_type: str
    status: str  # added | updated | unchanged | failed
    chunks: int = 0
    error: str | None = None

    def to_json(self) -> dict:
        return asdict(self)
