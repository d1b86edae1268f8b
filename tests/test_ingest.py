"""Ingestion into the real index: structure from a realistic PDF, idempotence, replacement,
removal, bad input, and a kill -9 in the middle of a write."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.index import IndexStore
from ingest.pipeline import ingest_paths, remove_document
from ingest.refs import Ref
from tests.conftest import REPO_ROOT, make_settings

SMALL_TREATY = """# Test Agreement on Widgets

## Article 1 — Objective

The aim is to keep widgets out of rivers.

## Article 2 — Obligations

1. Each Party shall register every widget factory within two years.

2. Each Party shall:

a) Publish a list of registered factories;

b) Report the list to the Secretariat every year.
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _search(settings, embedder, question: str) -> list[str]:
    snap = IndexStore(settings, embedder=embedder).snapshot()
    dense = [snap.by_id[cid].ref for cid, _ in snap.dense_search(embedder.embed_query(question), 5)]
    return dense


# ---- a realistic PDF of the Convention --------------------------------------------------------
@pytest.fixture(scope="module")
def convention_pdf(tmp_path_factory, reference_md):
    from tests.pdfmaker import UNICODE_FONT, markdown_to_pdf

    if not UNICODE_FONT.is_file():
        pytest.skip(f"{UNICODE_FONT} missing (Debian package fonts-dejavu-core; .ci/run installs it)")
    out = tmp_path_factory.mktemp("pdf") / "minamata-convention.pdf"
    pages = markdown_to_pdf(reference_md, out)
    return out, pages


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory, convention_pdf, embedder):
    settings = make_settings(tmp_path_factory.mktemp("pdfidx") / "index")
    results = ingest_paths([convention_pdf[0]], settings, store=IndexStore(settings, embedder=embedder))
    assert [r.status for r in results] == ["added"], results
    return settings


def test_pdf_structure_found(pdf_index, convention_pdf):
    _, layout_pages = convention_pdf
    snap = IndexStore(pdf_index).snapshot()
    refs = {c.ref for c in snap.chunks}
    tops = {Ref.parse(r).top() for r in refs if r}
    assert {Ref.of_article(n) for n in range(1, 36)} <= tops
    assert {Ref.of_annex(x) for x in "ABCDE"} <= tops
    assert "Article 7(3)" in refs and "Annex A Part I" in refs and "Article 2(f)" in refs
    (chunk,) = [c for c in snap.chunks if c.ref == "Article 7(3)"]
    assert chunk.page_start == layout_pages["Article 7(3)"]
    assert chunk.heading.startswith("Article 7 — Artisanal and small-scale gold mining")
    assert "national action plan" in chunk.text
    # the running header and the page numbers are gone, hyphenated words are whole again
    all_text = "\n".join(c.text for c in snap.chunks)
    assert "UNEP — Minamata Convention" not in all_text
    assert "manufac- ture" not in all_text and "small-scale gold mining" in all_text
    checked = ("Article 4(1)", "Article 8(2)", "Article 11(3)", "Article 21(1)", "Article 31(1)", "Annex A Part I")
    assert set(checked) <= set(layout_pages), sorted(layout_pages)[:20]  # the layout recorded every one
    for ref in checked:  # a list of definitions (Article 8(2)) is chunked per definition: look inside
        pages = [(c.page_start, c.page_end) for c in snap.chunks if c.ref and Ref.parse(ref).contains(Ref.parse(c.ref))]
        assert any(a <= layout_pages[ref] <= b for a, b in pages), (ref, pages, layout_pages[ref])


def test_pdf_dense_and_keyword_retrieval(pdf_index, embedder):
    snap = IndexStore(pdf_index, embedder=embedder).snapshot()
    scores = snap.keyword_scores("sphygmomanometers thermometers barometers")
    assert snap.chunks[int(scores.argmax())].ref.startswith("Annex A Part I")
    dense = _search(pdf_index, embedder, "national action plan for artisanal gold mining")
    assert any(r.startswith(("Article 7", "Annex C")) for r in dense[:3]), dense


# ---- idempotence, replacement, removal -------------------------------------------------------
def test_reingest_unchanged_is_a_no_op(settings, tmp_path, embedder):
    doc = _write(tmp_path / "widgets.md", SMALL_TREATY)
    store = IndexStore(settings, embedder=embedder)
    first = ingest_paths([doc], settings, store=store)
    generation = store.pointer().generation
    second = ingest_paths([doc], settings, store=store)
    assert [r.status for r in first] == ["added"] and [r.status for r in second] == ["unchanged"]
    assert store.pointer().generation == generation  # nothing rewritten
    assert second[0].chunks == first[0].chunks > 0


def test_changed_document_is_replaced_without_stale_chunks(settings, tmp_path, embedder):
    doc = _write(tmp_path / "widgets.md", SMALL_TREATY)
    store = IndexStore(settings, embedder=embedder)
    ingest_paths([doc], settings, store=store)
    _write(doc, SMALL_TREATY.replace("within two years", "within five years").replace(
        "b) Report the list to the Secretariat every year.", "b) Report the list to the Secretariat every month."))
    (result,) = ingest_paths([doc], settings, store=store)
    assert result.status == "updated"
    snap = store.snapshot()
    texts = " ".join(c.text for c in snap.chunks)
    assert "five years" in texts and "two years" not in texts and "every year" not in texts
    in_chroma = snap.collection.get(include=["documents"])
    assert set(in_chroma["ids"]) == set(snap.by_id)  # dense store holds exactly the live chunks
    assert not any("two years" in d for d in in_chroma["documents"])
    assert snap.keyword_scores("two").max() == 0 and snap.keyword_scores("five month").max() > 0


def test_corpus_remove_drops_dense_and_keyword(settings, tmp_path, embedder):
    store = IndexStore(settings, embedder=embedder)
    ingest_paths([_write(tmp_path / "widgets.md", SMALL_TREATY),
                  _write(tmp_path / "other.md", "# Notes\n\nMercury thermometers break easily.\n")],
                 settings, store=store)
    assert remove_document("widgets", settings, store=store)
    snap = store.snapshot()
    assert set(snap.documents) == {"other"}
    assert all(c.doc_id == "other" for c in snap.chunks)
    assert snap.collection.count() == len(snap.chunks)
    assert snap.keyword_scores("widget factory register").max() == 0
    assert not remove_document("widgets", settings, store=store)


# ---- bad input: one clear error each, nothing lost ---------------------------------------------
def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    from fpdf import FPDF
    from PIL import Image
    from pypdf import PdfWriter

    folder.mkdir()
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf body\n%%EOF")
    empty = folder / "empty.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(str(empty))
    encrypted = folder / "encrypted.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text="Secret mercury inventory")
    plain = folder / "plain.pdf"
    pdf.output(str(plain))
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    writer.write(str(encrypted))
    plain.unlink()
    scan_png = folder / "scan.png"
    Image.new("RGB", (400, 300), "white").save(scan_png)
    scanned = folder / "scanned.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(scan_png), x=10, y=10, w=150)
    pdf.output(str(scanned))
    scan_png.unlink()
    latin1 = folder / "latin1.txt"
    latin1.write_bytes("Quecksilber: Maßnahmen für Thermometer".encode("cp1252"))
    big = folder / "big.txt"
    big.write_text("mercury " * 300_000)
    blank = folder / "blank.md"
    blank.write_text("   \n\n")
    return {"corrupt": (corrupt, "corrupt"), "empty": (empty, "empty pdf"), "encrypted": (encrypted, "encrypted"),
            "scanned": (scanned, "scanned"), "latin1": (latin1, "not utf-8"), "big": (big, "too large"),
            "blank": (blank, "empty document")}


def test_bad_inputs_fail_clearly_and_lose_nothing(tmp_path, embedder):
    settings = make_settings(tmp_path / "index", max_file_mb=1.0)
    store = IndexStore(settings, embedder=embedder)
    good = _write(tmp_path / "widgets.md", SMALL_TREATY)
    ingest_paths([good], settings, store=store)
    before = store.snapshot()
    bad = _bad_files(tmp_path / "bad")
    fresh = _write(tmp_path / "fresh.md", "# Fresh\n\nDental amalgam separators in clinics.\n")
    results = {Path(r.path).stem: r for r in ingest_paths([*(p for p, _ in bad.values()), fresh], settings, store=store)}
    for name, (_, reason) in bad.items():
        r = results[name]
        assert r.status == "failed", (name, r)
        assert reason in r.error.lower(), (name, r.error)
        assert "\n" not in r.error
    assert results["fresh"].status == "added"  # the good file in the same run still goes in
    after = store.snapshot()
    assert set(before.by_id) < set(after.by_id)
    assert set(after.documents) == {"widgets", "fresh"}


def test_cli_reports_failures_with_exit_1(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Quecksilber für Thermometer".encode("cp1252"))
    good = _write(tmp_path / "good.md", "# Good\n\nLamps contain mercury.\n")
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(latin1), str(good),
                           "--index", str(tmp_path / "index"), "--json"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)
    assert set(payload) == {"documents", "elapsed_s"}
    by_id = {d["id"]: d for d in payload["documents"]}
    assert by_id["latin1"]["status"] == "failed" and "UTF-8" in by_id["latin1"]["error"]
    assert by_id["good"]["status"] == "added" and by_id["good"]["chunks"] >= 1
    assert set(by_id["good"]) == {"id", "title", "path", "doc_type", "status", "chunks", "error"}
    assert f"{latin1}: not UTF-8" in proc.stderr


# ---- a kill -9 mid-ingest leaves the previous index serving ----------------------------------
def _collection_names(index_dir: Path) -> set[str]:
    db = index_dir / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return {row[0] for row in con.execute("select name from collections")}
    except sqlite3.Error:
        return set()


def test_kill_during_ingest_keeps_old_index(tmp_path, reference_md, embedder):
    settings = make_settings(tmp_path / "index")
    store = IndexStore(settings, embedder=embedder)
    ingest_paths([_write(tmp_path / "widgets.md", SMALL_TREATY)], settings, store=store)
    old_pointer = store.pointer()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(reference_md), "--quiet",
                             "--index", str(settings.index_dir)], cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = store.collection_name(old_pointer.generation + 1)
    deadline = time.monotonic() + 300
    while staging not in _collection_names(settings.index_dir):
        assert proc.poll() is None, "ingest finished before it could be interrupted"
        assert time.monotonic() < deadline, "the new generation never started"
        time.sleep(0.2)
    time.sleep(1.0)  # well inside the embedding of ~280 chunks
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert store.pointer() == old_pointer
    reopened = IndexStore(settings, embedder=embedder).snapshot()
    assert set(reopened.documents) == {"widgets"}
    assert _search(settings, embedder, "register widget factories")[0].startswith("Article 2")
    assert reopened.keyword_scores("widget factory").max() > 0
    # and the next ingest recovers: the orphaned staging collection is replaced
    (result,) = ingest_paths([reference_md], settings, store=IndexStore(settings, embedder=embedder))
    assert result.status == "added"
    assert {"widgets", "minamata-convention"} == set(IndexStore(settings).documents())


def test_new_ingest_rules_reingest_unchanged_files(settings, tmp_path, embedder, monkeypatch):
    import ingest.pipeline as pipeline

    doc = _write(tmp_path / "widgets.md", SMALL_TREATY)
    store = IndexStore(settings, embedder=embedder)
    ingest_paths([doc], settings, store=store)
    monkeypatch.setattr(pipeline, "INGEST_VERSION", pipeline.INGEST_VERSION + 1)
    (result,) = ingest_paths([doc], settings, store=store)
    assert result.status == "updated"  # same file, new chunking rules: its chunks are rebuilt
    (again,) = ingest_paths([doc], settings, store=store)
    assert again.status == "unchanged"


def test_links_out_of_an_ingested_folder_are_skipped_with_a_warning(tmp_path, caplog):
    from ingest.pipeline import collect_files

    folder = tmp_path / "corpus"
    folder.mkdir()
    inside = _write(folder / "guide.md", "# Guide\n\nLamps contain mercury.\n")
    (tmp_path / "outside").mkdir()
    secret = _write(tmp_path / "outside" / "secret.txt", "root:x:0:0:root:/root:/bin/bash\n")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "alias.md").symlink_to(inside)  # a link that stays inside the folder is fine
    with caplog.at_level("WARNING", logger="ingest.pipeline"):
        files = collect_files([folder])
    assert sorted(f.name for f in files) == ["alias.md", "guide.md"]
    assert any("passwd.txt" in r.getMessage() and "outside" in r.getMessage() for r in caplog.records)


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    from ingest.loaders import read_text_lines

    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        bom = "\ufeff".encode(encoding)
        path.write_bytes(bom + "Mercury thermometers\nArticle 4 — Products\n".encode(encoding))
        assert [line.text for line in read_text_lines(path)] == ["Mercury thermometers", "Article 4 — Products"]


class _CountingEmbedder:
    """The real MiniLM embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner = inner
        self.texts: list[str] = []

    def encode(self, texts, **kw):
        self.texts += list(texts)
        return self.inner.encode(texts, **kw)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __call__(self, input):  # noqa: A002 - Chroma's protocol
        return self.inner(input)

    def name(self):
        return self.inner.name()


def test_unchanged_chunks_keep_their_embeddings_and_only_new_ones_are_computed(settings, tmp_path, embedder):
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text("# First\n\n## Part one\n\nCouncils keep a register of drums for spent lamps.\n", encoding="utf-8")
    second.write_text("# Second\n\n## Part two\n\nDentists keep amalgam separators in working order.\n",
                      encoding="utf-8")
    counting = _CountingEmbedder(embedder)
    store = IndexStore(settings, embedder=counting)
    ingest_paths([first], settings, store=store)
    before = {c.id: c for c in store.snapshot().chunks}
    counting.texts.clear()
    ingest_paths([second], settings, store=store)
    snap = store.snapshot()
    assert all("Councils keep a register" not in t for t in counting.texts), counting.texts  # copied, not recomputed
    assert any("Dentists keep amalgam separators" in t for t in counting.texts)
    got = snap.collection.get(ids=list(before), include=["embeddings"])
    fresh = embedder.encode([before[i].indexed_text for i in got["ids"]])
    for stored, recomputed in zip(got["embeddings"], fresh):
        assert max(abs(a - b) for a, b in zip(stored, recomputed)) < 1e-5


def test_duplicate_policy_same_heading_once_other_documents_kept(settings, tmp_path, embedder):
    text = "Spent lamps go to the licensed contractor within ten days."
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_text(f"# One\n\n## Lamps\n\n{text}\n\n## Lamps\n\n{text}\n", encoding="utf-8")
    two.write_text(f"# Two\n\n## Lamps\n\n{text}\n", encoding="utf-8")
    ingest_paths([one, two], settings, store=IndexStore(settings, embedder=embedder))
    chunks = [c for c in IndexStore(settings, embedder=embedder).snapshot().chunks if text in c.text]
    assert sorted(c.doc_id for c in chunks) == ["one", "two"], [(c.doc_id, c.heading) for c in chunks]
