"""Ingest files or folders into the index: load -> chunk -> (embed, index) in one transaction.

Unchanged documents (same sha256) are skipped without loading; changed ones are replaced; files
that fail are reported one line each and never disturb what is already indexed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

from .bank import BankError
from .chunking import chunk_document
from .index import DocRecord, IndexStore
from .loaders import SUPPORTED_SUFFIXES, LoadError, file_sha256, load_document, slugify
from .manifest import MANIFEST_NAME, ManifestEntry, find_manifest_entry
from .models import IngestResult
from .settings import Settings

log = logging.getLogger(__name__)

# Bump when parsing, chunking or obligation extraction changes what a file turns into: documents
# ingested under another version are re-ingested even when the file itself is unchanged.
INGEST_VERSION = 5  # 2: obligations carry polarity and keep "not" / "only"; 3: question-bank keys;
# 4: bank keys embedded without the treaty's name; 5: obligation rules for procedures, passives, chapeaux


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found under named folders (sorted, no hidden)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and f.name != MANIFEST_NAME \
                        and not any(part.startswith(".") for part in rel.parts) and f.name.lower() != "readme.md":
                    if not f.resolve().is_relative_to(root):
                        # a link out of the folder (to /etc/passwd, say) is not part of what was asked for
                        log.warning("skipped %s: it is a link to %s, outside %s", f, f.resolve(), p)
                        continue
                    files.append(f)
        else:
            files.append(p)
    return list(dict.fromkeys(files))


def ingest_paths(paths: Iterable[Path], settings: Settings, *, store: IndexStore | None = None,
                 doc_type: str | None = None, show_progress: bool = False,
                 entries: dict[Path, ManifestEntry] | None = None) -> list[IngestResult]:
    """`entries` gives manifest metadata for files that live away from their manifest (fetched
    official documents); other files find theirs in the nearest manifest.toml."""
    store = store or IndexStore(settings)
    files = collect_files(paths)
    results: list[IngestResult] = []
    bar = _progress(files, show_progress)
    with store.writer() as txn:
        seen_ids: dict[str, Path] = {}
        for path in bar:
            if show_progress:
                bar.set_postfix_str(path.name[:40])
            entry = (entries or {}).get(path.resolve())
            results.append(_ingest_one(path, settings, txn, doc_type, seen_ids, entry))
        if txn.dirty and show_progress:
            txn.progress = _embedding_progress()
    if txn.progress is not None and hasattr(txn.progress, "close"):
        txn.progress.close()
    return results


def _ingest_one(path: Path, settings: Settings, txn, doc_type: str | None, seen_ids: dict[str, Path],
                entry: ManifestEntry | None = None) -> IngestResult:
    entry = entry or (find_manifest_entry(path) if path.is_file() else None)
    doc_id = entry.id if entry else slugify(path.stem)
    if doc_id in seen_ids and seen_ids[doc_id] != path:
        doc_id = f"{doc_id}-{slugify(str(path.parent.name))}"
    seen_ids[doc_id] = path
    title = entry.title if entry else path.name
    try:
        if not path.exists():
            raise LoadError("no such file")
        if path.is_file() and path.stat().st_size <= settings.max_file_mb * 1024 * 1024:
            existing = txn.documents.get(doc_id)
            if existing is not None and existing.sha256 == file_sha256(path) and not doc_type \
                    and existing.ingest_version == INGEST_VERSION:
                return IngestResult(id=doc_id, title=existing.title, path=str(path), doc_type=existing.doc_type,
                                    status="unchanged", chunks=len(existing.chunk_ids))
        doc = load_document(path, settings.max_file_mb, doc_type=doc_type, entry=entry)
        doc.doc_id = doc_id
        chunks = chunk_document(doc, settings.chunk_max_chars, settings.chunk_overlap_chars)
        if not chunks:
            raise LoadError("no text passages found")
        status = "updated" if doc_id in txn.documents else "added"
        txn.put_document(DocRecord(id=doc_id, title=doc.title, path=str(path.resolve()), doc_type=doc.doc_type,
                                   sha256=doc.sha256, language=doc.language, page_count=doc.page_count,
                                   ingest_version=INGEST_VERSION), chunks)
        log.info("%s: %s (%d chunks)", path, status, len(chunks))
        return IngestResult(id=doc_id, title=doc.title, path=str(path), doc_type=doc.doc_type, status=status,
                            chunks=len(chunks))
    except (LoadError, BankError) as exc:
        log.error("%s: %s", path, exc)
        return IngestResult(id=doc_id, title=title, path=str(path), doc_type=doc_type or "other", status="failed",
                            error=str(exc))


def remove_document(doc_id: str, settings: Settings, store: IndexStore | None = None) -> bool:
    store = store or IndexStore(settings)
    with store.writer() as txn:
        return txn.remove_document(doc_id)


def _progress(files: list[Path], enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="reading", unit="doc", leave=False)


def _embedding_progress():
    from tqdm import tqdm

    bar = tqdm(desc="embedding", unit="chunk", leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    update.close = bar.close  # type: ignore[attr-defined]
    return update


def timed_ingest(paths: Iterable[Path], settings: Settings, **kwargs) -> tuple[list[IngestResult], float]:
    start = time.perf_counter()
    results = ingest_paths(paths, settings, **kwargs)
    return results, time.perf_counter() - start
