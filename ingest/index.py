"""The index: a Chroma collection (dense) + a BM25 index (keyword) + the chunk table, as one
versioned generation.

Layout under the index folder::

    CURRENT                  {"generation": 7, "collection": "minamata-g7"}: the serving generation
    generations/g7/          chunks.jsonl, documents.json, bm25/
    chroma/                  the embedded Chroma store (absent in server mode)
    .lock                    held by the one writer

A write builds generation N+1 beside N (a new collection, embeddings of unchanged chunks copied
rather than recomputed) and only then replaces CURRENT in one atomic rename. A failure or a kill
at any point before that leaves generation N serving, untouched.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .bank import key_text
from .models import Chunk
from .settings import Settings

log = logging.getLogger(__name__)

_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was "
    "were will with what which who whom does do did can could should would shall may must our we us you "
    "your i me my they them he she his her how when where why there these those than then so if not no "
    "any all each other such".split()
)


def keyword_tokens(text: str) -> list[str]:
    """Lower-cased word tokens without stop words, with a light plural fold ("lamps" -> "lamp")."""
    out = []
    for tok in re.findall(r"[a-z0-9]+", text.lower()):
        if tok in _STOPWORDS:
            continue
        if len(tok) > 4 and tok.endswith("ies"):
            tok = tok[:-3] + "y"
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
            tok = tok[:-1]
        out.append(tok)
    return out


def _bm25s():
    """bm25s, imported late; it sets its own logger to DEBUG on import, which would print its
    progress chatter on every CLI run."""
    import bm25s

    logging.getLogger("bm25s").setLevel(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
    return bm25s


class IndexMissing(RuntimeError):
    """No index has been built at this location yet."""


@dataclass
class DocRecord:
    id: str
    title: str
    path: str
    doc_type: str
    sha256: str
    chunk_ids: list[str] = field(default_factory=list)
    language: str = "en"
    page_count: int | None = None
    ingested_at: float = 0.0
    ingest_version: int = 0  # chunking/extraction rules it was ingested with (pipeline.INGEST_VERSION)


@dataclass(frozen=True)
class Pointer:
    generation: int
    collection: str


def make_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    path = Path(settings.index_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class Snapshot:
    """A read-only view of one generation. Cheap to query; reload when `is_stale()`."""

    def __init__(self, store: IndexStore, pointer: Pointer):
        self.store = store
        self.pointer = pointer
        gen_dir = store.generation_dir(pointer.generation)
        self.chunks: list[Chunk] = [Chunk.from_json(json.loads(line))
                                    for line in (gen_dir / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
                                    if line.strip()]
        self.by_id = {c.id: c for c in self.chunks}
        self.position = {c.id: i for i, c in enumerate(self.chunks)}
        self.documents: dict[str, DocRecord] = {
            d["id"]: DocRecord(**d) for d in json.loads((gen_dir / "documents.json").read_text(encoding="utf-8"))
        }
        self._bm25 = None
        self._bm25_vocab: set[str] = set()
        if self.chunks:
            bm25s = _bm25s()
            self._bm25 = bm25s.BM25.load(str(gen_dir / "bm25"), show_progress=False)
            self._bm25_vocab = set(self._bm25.vocab_dict)
        self._collection = None
        self._lock = threading.Lock()
        self._loaded_mtime = store.pointer_mtime()
        self.bank_keys, self.bank_vectors = read_bank_keys(gen_dir)

    def bank_search(self, query_embedding: list[float]) -> list[tuple[str, float, str]]:
        """Question-bank entries by their closest phrasing: (chunk id, cosine similarity, phrasing),
        best first, one per entry."""
        if not self.bank_keys:
            return []
        sims = self.bank_vectors @ np.asarray(query_embedding, dtype=np.float32)
        best: dict[str, tuple[float, str]] = {}
        for (cid, question), sim in zip(self.bank_keys, sims.tolist()):
            if cid in self.by_id and sim > best.get(cid, (-2.0, ""))[0]:
                best[cid] = (sim, question)
        return sorted(((cid, sim, q) for cid, (sim, q) in best.items()), key=lambda t: -t[1])

    @property
    def collection(self):
        with self._lock:  # UI requests arrive on several threads at once
            if self._collection is None:
                self._collection = self.store.client.get_collection(self.pointer.collection,
                                                                    embedding_function=self.store.embedder)
        return self._collection

    def is_stale(self) -> bool:
        return self.store.pointer_mtime() != self._loaded_mtime

    def keyword_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, in `self.chunks` order."""
        tokens = [t for t in keyword_tokens(query) if t in self._bm25_vocab]
        if self._bm25 is None or not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def dense_search(self, query_embedding: list[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        if not self.chunks:
            return []
        res = self.collection.query(query_embeddings=[query_embedding], n_results=min(k, len(self.chunks)),
                                    where=where or None, include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]


class IndexStore:
    def __init__(self, settings: Settings, embedder=None):
        self.settings = settings
        self.root = Path(settings.index_dir)
        self._embedder = embedder
        self._client = None
        self._lock = threading.RLock()

    @property
    def embedder(self):
        """The MiniLM embedder, loaded on first use: listing or skipping unchanged documents
        never imports Chroma or the model."""
        with self._lock:
            if self._embedder is None:
                from .embeddings import MiniLMEmbedder

                s = self.settings
                self._embedder = MiniLMEmbedder(s.model_path, s.embed_batch_size, s.embed_threads)
        return self._embedder

    @property
    def index_id(self) -> str:
        """A random id kept in the index folder; collection names carry it, so several indexes can
        share one Chroma server without touching each other's collections."""
        path = self.root / "INDEX_ID"
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            import uuid

            self.root.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, uuid.uuid4().hex[:12])
            return path.read_text(encoding="utf-8").strip()

    def collection_name(self, generation: int) -> str:
        return f"{self.collection_prefix}{generation}"

    @property
    def collection_prefix(self) -> str:
        return f"{self.settings.collection_prefix}-{self.index_id}-g"

    # ---- locations ------------------------------------------------------------------------
    @property
    def pointer_path(self) -> Path:
        return self.root / "CURRENT"

    def generation_dir(self, generation: int) -> Path:
        return self.root / "generations" / f"g{generation}"

    @property
    def client(self):
        with self._lock:  # chromadb's client start-up is not safe to race
            if self._client is None:
                self._client = make_client(self.settings)
        return self._client

    def pointer(self) -> Pointer | None:
        try:
            data = json.loads(self.pointer_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return Pointer(int(data["generation"]), str(data["collection"]))

    def pointer_mtime(self) -> float | None:
        try:
            return self.pointer_path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def exists(self) -> bool:
        return self.pointer() is not None

    # ---- reading --------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        pointer = self.pointer()
        if pointer is None:
            raise IndexMissing(f"no index at {self.root}; run `minamata ingest corpus/` first")
        return Snapshot(self, pointer)

    def documents(self) -> dict[str, DocRecord]:
        """Document records of the serving generation, without touching Chroma or the model."""
        pointer = self.pointer()
        if pointer is None:
            return {}
        path = self.generation_dir(pointer.generation) / "documents.json"
        return {d["id"]: DocRecord(**d) for d in json.loads(path.read_text(encoding="utf-8"))}

    # ---- writing --------------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[Transaction]:
        """The single writer. Changes become visible only when the block exits without error."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            txn = Transaction(self)
            yield txn
            if txn.dirty:
                txn.commit()


class Transaction:
    def __init__(self, store: IndexStore):
        self.store = store
        self.base = store.pointer()
        self.documents: dict[str, DocRecord] = store.documents() if self.base else {}
        self._chunks: dict[str, Chunk] | None = None
        self.new_chunks: dict[str, Chunk] = {}
        self.dirty = False
        self.progress: Callable[[int, int], None] | None = None

    @property
    def chunks(self) -> dict[str, Chunk]:
        if self._chunks is None:
            self._chunks = {}
            if self.base:
                path = self.store.generation_dir(self.base.generation) / "chunks.jsonl"
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        c = Chunk.from_json(json.loads(line))
                        self._chunks[c.id] = c
        return self._chunks

    def remove_document(self, doc_id: str) -> bool:
        record = self.documents.pop(doc_id, None)
        if record is None:
            return False
        for cid in record.chunk_ids:
            self.chunks.pop(cid, None)
            self.new_chunks.pop(cid, None)
        self.dirty = True
        return True

    def put_document(self, record: DocRecord, chunks: list[Chunk]) -> None:
        """Add or replace a document: its old chunks go, so nothing stale survives."""
        self.remove_document(record.id)
        record.chunk_ids = [c.id for c in chunks]
        record.ingested_at = time.time()
        self.documents[record.id] = record
        for c in chunks:
            self.chunks[c.id] = c
            self.new_chunks[c.id] = c
        self.dirty = True

    def commit(self) -> Pointer:
        store = self.store
        generation = (self.base.generation + 1) if self.base else 1
        pointer = Pointer(generation, store.collection_name(generation))
        ordered = sorted(self.chunks.values(), key=lambda c: (c.doc_id, c.ordinal))
        client = store.client
        _drop_collection(client, pointer.collection)  # an orphan left by a killed run
        collection = client.create_collection(pointer.collection, embedding_function=store.embedder,
                                              metadata={"hnsw:space": "cosine"})
        reused = [c for c in ordered if c.id not in self.new_chunks]
        if reused and self.base:
            _copy_embeddings(client.get_collection(self.base.collection, embedding_function=store.embedder),
                             collection, [c.id for c in reused])
        fresh = [c for c in ordered if c.id in self.new_chunks]
        batch = max(8, store.settings.embed_batch_size)
        for start in range(0, len(fresh), batch):
            part = fresh[start:start + batch]
            vectors = store.embedder.encode([c.indexed_text for c in part])
            collection.add(ids=[c.id for c in part], embeddings=vectors,
                           documents=[c.indexed_text for c in part], metadatas=[c.metadata() for c in part])
            if self.progress:
                self.progress(min(start + batch, len(fresh)), len(fresh))

        final_dir = store.generation_dir(generation)
        staging = final_dir.with_name(final_dir.name + ".staging")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(final_dir, ignore_errors=True)
        (staging / "bm25").mkdir(parents=True)
        with open(staging / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in ordered:
                fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        _write_obligations(staging / "obligations.jsonl", ordered, self._base_obligations(), self.new_chunks)
        _write_bank_keys(staging, ordered, self._base_bank_keys(), store.embedder)
        (staging / "documents.json").write_text(
            json.dumps([asdict(d) for d in self.documents.values()], ensure_ascii=False, indent=1), encoding="utf-8")
        if ordered:
            bm25 = _bm25s().BM25()
            bm25.index([keyword_tokens(c.indexed_text) or ["_empty_"] for c in ordered], show_progress=False)
            bm25.save(str(staging / "bm25"), show_progress=False)
        os.replace(staging, final_dir)
        _atomic_write(store.pointer_path, json.dumps(asdict(pointer)))
        self._cleanup(pointer)
        self.base, self.dirty = pointer, False
        return pointer

    def _base_bank_keys(self) -> dict[tuple[str, str], np.ndarray]:
        if not self.base:
            return {}
        return dict(zip(*read_bank_keys(self.store.generation_dir(self.base.generation))))

    def _base_obligations(self) -> list[dict]:
        if not self.base:
            return []
        path = self.store.generation_dir(self.base.generation) / "obligations.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def _cleanup(self, serving: Pointer) -> None:
        """Keep the serving and the previous generation (a reader may still hold it)."""
        keep = {serving.generation, serving.generation - 1}
        gen_root = self.store.root / "generations"
        for d in gen_root.iterdir():
            m = re.fullmatch(r"g(\d+)(\.staging)?", d.name)
            if m and int(m[1]) not in keep:
                shutil.rmtree(d, ignore_errors=True)
        prefix = self.store.collection_prefix  # only this index's own collections
        try:
            names = [getattr(c, "name", c) for c in self.store.client.list_collections()]
        except Exception as exc:  # noqa: BLE001 - cleanup must never fail a committed write
            log.warning("could not list collections for cleanup: %s", exc)
            return
        for name in names:
            if name.startswith(prefix) and name[len(prefix):].isdigit() and int(name[len(prefix):]) not in keep:
                _drop_collection(self.store.client, name)


def _write_obligations(path: Path, ordered: list[Chunk], base: list[dict], new_chunks: dict[str, Chunk]) -> None:
    """The obligation table is rebuilt per document: kept for documents whose chunks are unchanged,
    extracted again for documents that were added or replaced."""
    from .obligations import extract_obligations

    changed_docs = {c.doc_id for c in new_chunks.values()}
    live_docs = {c.doc_id for c in ordered}
    rows = [o for o in base if o.get("doc_id") in live_docs and o.get("doc_id") not in changed_docs]
    for doc_id in sorted(changed_docs & live_docs):
        rows += [o.to_json() for o in extract_obligations([c for c in ordered if c.doc_id == doc_id])]
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


BANK_KEYS = "bank_keys.jsonl"
BANK_VECTORS = "bank_keys.npy"


def read_bank_keys(gen_dir: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """(chunk id, phrasing) pairs and their embeddings, in the same order; empty when none."""
    keys_path, vectors_path = gen_dir / BANK_KEYS, gen_dir / BANK_VECTORS
    if not keys_path.is_file() or not vectors_path.is_file():
        return [], np.zeros((0, 0), dtype=np.float32)
    keys = [tuple(json.loads(line)) for line in keys_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return keys, np.load(vectors_path)


def _write_bank_keys(gen_dir: Path, ordered: list[Chunk], base: dict[tuple[str, str], np.ndarray], embedder) -> None:
    """Every question-bank phrasing embedded as a key to its entry's chunk. Keys of unchanged
    entries are copied from the previous generation, like the passages' embeddings."""
    keys = [(c.id, q) for c in ordered for q in c.questions]
    if not keys:
        return
    missing = [k for k in keys if k not in base]
    fresh = dict(zip(missing, np.asarray(embedder.encode([key_text(q) for _, q in missing]), dtype=np.float32))) \
        if missing else {}
    vectors = np.stack([base[k] if k in base else fresh[k] for k in keys]).astype(np.float32)
    with open(gen_dir / BANK_KEYS, "w", encoding="utf-8") as fh:
        for key in keys:
            fh.write(json.dumps(list(key), ensure_ascii=False) + "\n")
    np.save(gen_dir / BANK_VECTORS, vectors)


def _drop_collection(client, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:  # noqa: BLE001 - absent is fine
        pass


def _copy_embeddings(source, target, ids: list[str], batch: int = 500) -> None:
    for start in range(0, len(ids), batch):
        part = ids[start:start + batch]
        got = source.get(ids=part, include=["embeddings", "documents", "metadatas"])
        target.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                   metadatas=got["metadatas"])


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
