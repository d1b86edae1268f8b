"""Typed values of the answering stage: passages in, a cited Answer out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.models import Chunk

AUDIENCES = ("plain", "detailed")


@dataclass(frozen=True)
class Filters:
    doc_ids: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    ref: str | None = None  # keep passages inside this provision, e.g. "Article 7"

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.doc_types or self.ref)


@dataclass(frozen=True)
class Condensed:
    """A question made standalone using the conversation so far."""

    question: str  # what the user typed
    standalone: str  # what retrieval searches for
    refs: tuple[str, ...] = ()  # provisions named in the question, or carried over from the topic
    carried: bool = False  # True when refs/terms came from earlier turns
    titled: tuple[str, ...] = ()  # articles named by subject ("the releases article"): favoured, not put first


@dataclass
class Passage:
    chunk: Chunk
    score: float  # fused retrieval score (higher is better)
    dense: float | None = None  # cosine similarity to the question
    keyword: float | None = None  # BM25 score
    reason: str = "hybrid"  # hybrid | explicit-ref | definition | cross-ref | cited-by-guide | obligation

    @property
    def ref(self) -> str:
        return self.chunk.ref


@dataclass(frozen=True)
class Citation:
    n: int
    ref: str
    doc_id: str
    doc_title: str
    doc_type: str
    page: int | None
    text: str
    chunk_id: str

    def to_json(self) -> dict:
        return {"n": self.n, "ref": self.ref, "doc_id": self.doc_id, "doc_title": self.doc_title,
                "page": self.page, "text": self.text}


@dataclass
class Sentence:
    text: str  # without markers
    citations: list[int]  # citation numbers
    verified: bool = True
    kind: str = "lead"  # lead | quote | checklist | note | refusal | generated


@dataclass
class Answer:
    question: str
    condensed: Condensed
    refused: bool
    sentences: list[Sentence]
    citations: list[Citation]
    retrieved: list[Passage]
    related: list[Citation] = field(default_factory=list)  # cross-references and definitions
    audience: str = "plain"
    generator: str = "extractive"
    latency_ms: float = 0.0
    unsupported: list[str] = field(default_factory=list)  # generated sentences that failed verification
    notes: list[str] = field(default_factory=list)
    refusal_reason: str | None = None  # why the texts do not answer (prompts.REFUSAL_REASONS); None when answered

    @property
    def text(self) -> str:
        """The answer as Markdown, every cited sentence followed by its [n] markers."""
        from .compose import render_markdown

        return render_markdown(self)

    def to_json(self) -> dict:
        """The exact shape of `minamata ask --json`."""
        return {
            "answer": self.text,
            "refused": self.refused,
            "refusal_reason": self.refusal_reason,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": [{"ref": p.ref, "doc_id": p.chunk.doc_id, "score": round(float(p.score), 6)}
                          for p in self.retrieved],
            "latency_ms": round(self.latency_ms, 2),
        }
