"""The answer being written: its sentences, the citations they use, and the passages it cites
that retrieval did not rank. Shared by the composer and the leads drawn from structured facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.models import Chunk

from .terms import restates, same_fact
from .types import Citation, Passage, Sentence


@dataclass
class Draft:
    """Sentences being written and the citations they use; citations are keyed by (chunk, ref)."""

    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    extra_passages: list[Passage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def cite(self, chunk: Chunk, ref: str | None = None, text: str | None = None) -> int:
        ref = ref or chunk.ref
        for c in self.citations:
            if c.chunk_id == chunk.id and c.ref == ref:
                return c.n
        n = len(self.citations) + 1
        self.citations.append(Citation(n=n, ref=ref, doc_id=chunk.doc_id, doc_title=chunk.doc_title,
                                       doc_type=chunk.doc_type, page=chunk.page_start,
                                       text=text or chunk.text, chunk_id=chunk.id))
        return n

    def fetch(self, chunk: Chunk, reason: str) -> None:
        """A passage the answer cites though retrieval did not rank it (the bank entry, the source of
        an obligation or an amendment, a provision a guide sentence cites): it joins the retrieved
        passages, once."""
        if all(p.chunk.id != chunk.id for p in self.extra_passages):
            self.extra_passages.append(Passage(chunk, 0.0, None, None, reason))

    def say(self, text: str, citations: list[int], kind: str, distinct: bool = False) -> None:
        """Add a sentence; one that repeats an earlier lead's fact in other words is dropped, unless
        the writer says it is `distinct` (the lines of one bank entry were written to differ)."""
        if any(s.text == text or (kind == s.kind == "lead" and not distinct and same_fact(s.text, text))
               # a checklist item that a lead already states nearly word for word ("said three times")
               or (kind == "checklist" and s.kind == "lead" and same_fact(s.text, text, 0.8))
               for s in self.sentences):
            return  # a repeated fact is noise, even in other words
        if kind == "quote":
            # a sentence after the opening that only restates the quoted provision, word for word in
            # the composer's voice ("Under Article 27(4), the proposal … must be subject to …"), says
            # it twice: the quote stays, the restatement goes
            body = text.split("“", 1)[-1]
            opening = self.sentences[0] if self.sentences else None
            self.sentences = [s for s in self.sentences
                              if s is opening or s.kind in ("quote", "checklist") or not restates(s.text, body)]
        self.sentences.append(Sentence(text=text, citations=citations, kind=kind))

    def refs_of(self, sentences: list[Sentence]) -> list[str]:
        """The provisions the given sentences cite, in order (empty refs left out)."""
        return [ref for x in sentences for n in x.citations if (ref := self.citations[n - 1].ref)]

    def opening_refs(self) -> list[str]:
        """The provisions the first lead rests on: what the reply opens with."""
        opening = next((x for x in self.sentences if x.kind == "lead"), None)
        return self.refs_of([opening]) if opening else []

    def lead_with(self, sentence: Sentence, keep: int) -> None:
        """Make `sentence` the opening, keeping at most `keep` of the earlier leads after it."""
        leads = [x for x in self.sentences if x.kind == "lead" and x is not sentence]
        self.sentences = [sentence] + leads[:keep] + [x for x in self.sentences if x.kind != "lead"]
