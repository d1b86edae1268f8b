"""What is in the index: documents, chunk counts and the provisions they cover."""

from __future__ import annotations

import json

from .index import IndexStore
from .refs import Ref
from .settings import Settings


def top_level_refs(refs: list[str]) -> list[str]:
    """Sorted (document order) articles, annexes and preamble that the given refs fall in."""
    tops = {ref.top() for r in refs if (ref := Ref.try_parse(r)) is not None}
    return [str(t) for t in sorted(tops)]


def list_documents(settings: Settings) -> list[dict]:
    """Read from the serving generation's files only: no model, no Chroma."""
    store = IndexStore(settings)
    pointer = store.pointer()
    if pointer is None:
        return []
    refs_by_doc: dict[str, list[str]] = {}
    with open(store.generation_dir(pointer.generation) / "chunks.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                c = json.loads(line)
                if c["ref"]:
                    refs_by_doc.setdefault(c["doc_id"], []).append(c["ref"])
    out = []
    for d in sorted(store.documents().values(), key=lambda d: d.id):
        out.append({"id": d.id, "title": d.title, "path": d.path, "doc_type": d.doc_type,
                    "chunks": len(d.chunk_ids), "sha256": d.sha256, "pages": d.page_count,
                    "refs": top_level_refs(refs_by_doc.get(d.id, []))})
    return out
