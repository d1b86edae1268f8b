"""Server mode: the dense store is a real `chroma run` server on a loopback port, reached over HTTP.

The chunk table, BM25 and the CURRENT pointer still live under the index folder; only the
collections move to the server. Each test gets its own server (and its own data folder), stopped
in the fixture finalizer whatever happens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.index import IndexStore
from ingest.pipeline import ingest_paths, remove_document
from tests.conftest import free_port, make_settings, run_cli

pytestmark = pytest.mark.server

CHROMA = Path(sys.executable).parent / "chroma"
HEARTBEAT_WAIT_S = 60.0

# A made-up treaty in the shape of the Convention (Markdown headings, numbered paragraphs).
LANTERN_TREATY = """# Agreement on Harbour Lanterns

## Article 1 — Objective

The aim is to keep harbour lanterns lit through winter storms.

## Article 2 — Lantern keepers

1. Each Party shall appoint a lantern keeper for every harbour with more than ten boats.

2. Each Party shall:

a) Train the keepers in storm signalling;

b) Inspect the lantern oil stores twice a year.

## Article 3 — Reports

Each Party shall report the number of lit lanterns to the harbour office every spring.

## Article 4 — Spare lanterns

Each Party shall keep one spare lantern in every harbour office.

## Article 5 — Entry into force

This Agreement enters into force when three harbours have signed it.
"""

NOTES = "# Notes\n\nDental amalgam separators catch mercury in clinic wastewater.\n"


class ChromaServer:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path):
        self.proc, self.port, self.log = proc, port, log
        self.url = f"http://127.0.0.1:{port}"

    def client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        return chromadb.HttpClient(host="127.0.0.1", port=self.port, settings=ChromaSettings(anonymized_telemetry=False))

    def collection_names(self) -> set[str]:
        return {getattr(c, "name", c) for c in self.client().list_collections()}

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as resp:
            return resp.status == 200 and "heartbeat" in resp.read().decode()
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.is_file():
        pytest.fail(f"{CHROMA} not found: the chromadb package installs it next to the interpreter")
    port = free_port()
    log = tmp_path / "chroma-server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "chroma-server-data"),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    server = ChromaServer(proc, port, log)
    try:
        deadline = time.monotonic() + HEARTBEAT_WAIT_S
        while not _heartbeat(port):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode} before answering:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no heartbeat from chroma on port {port} within {HEARTBEAT_WAIT_S:.0f} s:\n"
                            f"{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_search_reingest_remove_on_server(chroma_server, tmp_path, embedder):
    settings = make_settings(tmp_path / "index", chroma_url=chroma_server.url)
    treaty = _write(tmp_path / "lanterns.md", LANTERN_TREATY)
    notes = _write(tmp_path / "notes.md", NOTES)
    store = IndexStore(settings, embedder=embedder)

    results = ingest_paths([treaty, notes], settings, store=store)
    assert [(r.id, r.status) for r in results] == [("lanterns", "added"), ("notes", "added")], results
    assert results[0].doc_type == "treaty"
    pointer = store.pointer()
    assert pointer.collection == IndexStore(settings).collection_name(pointer.generation)
    # the vectors live on the server, not in an embedded store under the index folder
    assert pointer.collection in chroma_server.collection_names()
    assert not (settings.index_dir / "chroma").exists()

    snap = IndexStore(settings, embedder=embedder).snapshot()
    on_server = chroma_server.client().get_collection(pointer.collection, embedding_function=embedder)
    assert on_server.count() == len(snap.chunks) > 3
    assert set(on_server.get()["ids"]) == set(snap.by_id)
    hits = snap.dense_search(embedder.embed_query("who must train keepers in storm signalling?"), 3)
    assert hits and all(cid in snap.by_id for cid, _ in hits)
    best = snap.by_id[hits[0][0]]
    assert best.doc_id == "lanterns" and best.ref.startswith("Article 2"), [snap.by_id[c].ref for c, _ in hits]
    assert "storm signalling" in best.text
    # the doc_id filter is applied by the server too
    filtered = snap.dense_search(embedder.embed_query("mercury in wastewater"), 5, where={"doc_id": "lanterns"})
    assert filtered and {snap.by_id[cid].doc_id for cid, _ in filtered} == {"lanterns"}

    # re-ingest: nothing changes, neither the pointer nor the server
    names_before = chroma_server.collection_names()
    again = ingest_paths([treaty, notes], settings, store=store)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert store.pointer() == pointer
    assert chroma_server.collection_names() == names_before

    # remove: the next generation on the server holds only the other document's chunks
    lantern_ids = set(snap.documents["lanterns"].chunk_ids)
    assert remove_document("lanterns", settings, store=store)
    removed = IndexStore(settings, embedder=embedder).snapshot()
    assert removed.pointer.generation == pointer.generation + 1
    assert set(removed.documents) == {"notes"}
    served = chroma_server.client().get_collection(removed.pointer.collection, embedding_function=embedder)
    served_ids = set(served.get()["ids"])
    assert served_ids == set(removed.by_id) and served_ids.isdisjoint(lantern_ids)
    hits = removed.dense_search(embedder.embed_query("who must train keepers in storm signalling?"), 3)
    assert {removed.by_id[cid].doc_id for cid, _ in hits} == {"notes"}


def test_cli_against_server(chroma_server, tmp_path):
    index = tmp_path / "cli-index"
    treaty = _write(tmp_path / "lanterns.md", LANTERN_TREATY)
    common = ("--index", str(index), "--chroma-url", chroma_server.url)

    proc = run_cli("ingest", str(treaty), *common, "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    (doc,) = json.loads(proc.stdout)["documents"]
    assert (doc["id"], doc["status"], doc["doc_type"]) == ("lanterns", "added", "treaty") and doc["chunks"] > 3
    pointer = json.loads((index / "CURRENT").read_text())
    assert pointer["collection"] in chroma_server.collection_names()
    assert chroma_server.client().get_collection(pointer["collection"]).count() == doc["chunks"]
    assert not (index / "chroma").exists()

    proc = run_cli("ingest", str(treaty), *common, "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert [d["status"] for d in json.loads(proc.stdout)["documents"]] == ["unchanged"]
    assert json.loads((index / "CURRENT").read_text()) == pointer

    proc = run_cli("corpus", "remove", "lanterns", *common, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "removed lanterns" in proc.stdout
    after = json.loads((index / "CURRENT").read_text())
    assert after["generation"] == pointer["generation"] + 1
    assert after["collection"] in chroma_server.collection_names()
    assert chroma_server.client().get_collection(after["collection"]).count() == 0
    proc = run_cli("corpus", "list", "--index", str(index), "--json")
    assert json.loads(proc.stdout) == {"documents": []}


def test_two_indexes_can_share_one_server(chroma_server, tmp_path, embedder):
    a = make_settings(tmp_path / "a" / "index", chroma_url=chroma_server.url)
    b = make_settings(tmp_path / "b" / "index", chroma_url=chroma_server.url)
    ingest_paths([_write(tmp_path / "lanterns.md", LANTERN_TREATY)], a, store=IndexStore(a, embedder=embedder))
    ingest_paths([_write(tmp_path / "notes.md", NOTES)], b, store=IndexStore(b, embedder=embedder))
    snap = IndexStore(a, embedder=embedder).snapshot()
    hits = snap.dense_search(embedder.embed_query("storm signalling training"), 3)
    assert hits and all(cid in snap.by_id for cid, _ in hits), "index A now answers with index B's chunks"
