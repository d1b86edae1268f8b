"""Baselines the pipeline is compared with.

- `vanilla_langchain`: what a plain LangChain RAG tutorial builds. The same files' text split by
  RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), embedded with the same
  MiniLM model into a Chroma collection in a temporary folder, top-k cosine similarity on the
  question alone (no follow-up condensing, no keyword search, no structure). Its "answer" is the
  text of the top 3 chunks, cited by the provision each maps to; it refuses only when the best
  similarity is under the pipeline's refusal threshold.
  To score it with the same ref-level metrics, every vanilla chunk is mapped to the provision
  whose text overlaps it most: the document is parsed as the pipeline does (ingest.chunking:
  parse_legal for legal texts, sections for the guide) and the provision (ref) sharing the most
  word trigrams with the chunk wins; its doc_type is the document's.
- `dense_only`, `bm25_only`: the project's pipeline with settings.retrieval_mode = "dense" / "bm25"
  (same composer, same refusal rule).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .metrics import Hit
from .runner import Outcome, PipelineSystem

log = logging.getLogger(__name__)

BASELINES = ("vanilla_langchain", "dense_only", "bm25_only")
VANILLA_CHUNK_SIZE = 1000
VANILLA_CHUNK_OVERLAP = 200
VANILLA_ANSWER_CHUNKS = 3
REFUSAL_TEXT = "The Convention texts in this assistant do not answer this question."


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@dataclass
class VanillaChunk:
    id: str
    text: str
    doc_id: str
    doc_type: str
    ref: str  # the provision it overlaps most ("" when none has a ref)


def map_to_provisions(pieces: Sequence[str], provisions: Sequence[tuple[str, str]]) -> list[str]:
    """For each piece of text, the ref among `provisions` ((ref, text) pairs, document order) whose
    text shares the most word trigrams with it; ties go to the earlier provision; "" when
    nothing overlaps."""
    by_ref: dict[str, set] = defaultdict(set)
    order: list[str] = []
    for ref, text in provisions:
        if ref not in by_ref:
            order.append(ref)
        by_ref[ref] |= _shingles(text)
    out = []
    for piece in pieces:
        sh = _shingles(piece)
        best, best_n = "", 0
        for ref in order:
            n = len(sh & by_ref[ref])
            if n > best_n:
                best, best_n = ref, n
        out.append(best)
    return out


def document_sources(settings) -> list[tuple[Path, str, str, str]]:
    """(path, doc_id, doc_type, title) of the documents in the index, as recorded at ingestion."""
    from ingest.index import IndexStore
    from ingest.settings import REPO_ROOT

    out = []
    for rec in IndexStore(settings).documents().values():
        path = Path(rec.path)
        if not path.is_absolute() and not path.exists() and (REPO_ROOT / path).exists():
            path = REPO_ROOT / path
        if not path.exists():
            log.warning("vanilla baseline: %s (%s) is no longer on disk; skipped", rec.path, rec.id)
            continue
        out.append((path, rec.id, rec.doc_type, rec.title))
    return sorted(out, key=lambda x: x[1])


class VanillaLangChain:
    name = "vanilla_langchain"

    def __init__(self, settings, embedder=None, k: int = 10, sources: list | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.chunking import chunk_document
        from ingest.embeddings import MiniLMEmbedder
        from ingest.loaders import load_document

        self.settings = settings
        self.k = k
        self.threshold = settings.refusal_threshold
        self.embedder = embedder or MiniLMEmbedder(settings.model_path, settings.embed_batch_size,
                                                   settings.embed_threads)
        self._dir = tempfile.mkdtemp(prefix="minamata-vanilla-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)  # also without close()
        self._client = chromadb.PersistentClient(path=self._dir, settings=ChromaSettings(anonymized_telemetry=False))
        # Chroma's default embedding function would download a model: always hand it ours.
        self.collection = self._client.create_collection("vanilla", embedding_function=self.embedder,
                                                         metadata={"hnsw:space": "cosine"})
        splitter = RecursiveCharacterTextSplitter(chunk_size=VANILLA_CHUNK_SIZE, chunk_overlap=VANILLA_CHUNK_OVERLAP)
        self.chunks: list[VanillaChunk] = []
        for path, doc_id, doc_type, _title in (sources if sources is not None else document_sources(settings)):
            doc = load_document(path, settings.max_file_mb, doc_type=doc_type)
            doc.doc_id = doc_id
            text = "\n".join(line.text for line in doc.lines)
            pieces = splitter.split_text(text)
            provisions = [(c.ref, c.text) for c in chunk_document(doc, settings.chunk_max_chars,
                                                                  settings.chunk_overlap_chars)]
            refs = map_to_provisions(pieces, provisions)
            for i, (piece, ref) in enumerate(zip(pieces, refs)):
                self.chunks.append(VanillaChunk(f"{doc_id}-{i}", piece, doc_id, doc_type, ref))
        batch = 256
        for start in range(0, len(self.chunks), batch):
            part = self.chunks[start:start + batch]
            self.collection.add(ids=[c.id for c in part], documents=[c.text for c in part],
                                metadatas=[{"doc_id": c.doc_id, "doc_type": c.doc_type, "ref": c.ref} for c in part])
        self._by_id = {c.id: c for c in self.chunks}

    def warm_up(self) -> None:
        self.embedder.embed_query("mercury")

    def search(self, question: str, k: int | None = None) -> list[tuple[VanillaChunk, float]]:
        if not self.chunks:
            return []
        # query_embeddings, not query_texts: Chroma would call embed_query(input=...), which
        # clashes with the LangChain signature MiniLMEmbedder also implements.
        res = self.collection.query(query_embeddings=[self.embedder.embed_query(question)], n_results=min(k or self.k, len(self.chunks)),
                                    include=["distances"])
        return [(self._by_id[cid], 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def ask(self, question: str, history: Sequence[str] = (), audience: str = "plain") -> Outcome:
        hits = self.search(question)
        retrieved = [Hit(c.ref, c.doc_id, c.doc_type, sim) for c, sim in hits]
        best = hits[0][1] if hits else 0.0
        if best < self.threshold:
            return Outcome(True, REFUSAL_TEXT, retrieved, [])
        top = hits[:VANILLA_ANSWER_CHUNKS]
        text = "\n\n".join(f"{c.text} [{n}]" for n, (c, _) in enumerate(top, start=1))
        cited = [Hit(c.ref, c.doc_id, c.doc_type) for c, _ in top]
        return Outcome(False, text, retrieved, cited)

    def close(self) -> None:
        self._client = None
        self.collection = None
        self._cleanup()


def vanilla_langchain(settings, store=None, **kwargs) -> VanillaLangChain:
    return VanillaLangChain(settings, embedder=store.embedder if store is not None else None, **kwargs)


def dense_only(settings, store=None) -> PipelineSystem:
    return PipelineSystem(settings.replace(retrieval_mode="dense"), store, name="dense_only")


def bm25_only(settings, store=None) -> PipelineSystem:
    return PipelineSystem(settings.replace(retrieval_mode="bm25"), store, name="bm25_only")


FACTORIES = {"vanilla_langchain": vanilla_langchain, "dense_only": dense_only, "bm25_only": bm25_only}
