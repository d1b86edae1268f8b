"""The bundled corpus: the guide passes its quality checks (and the checker really catches
problems), the manifest matches the files, and `minamata corpus fetch` downloads, pins and
verifies official texts from a mirror (a local HTTP server here)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from evals.guide_quality import OfficialText, check_files, default_files, format_report, number_values, words
from ingest.index import IndexStore
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.manifest import MANIFEST_NAME, Manifest
from ingest.models import DOC_TYPES
from ingest.refs import Ref
from tests.conftest import CORPUS, REPO_ROOT, SHARED, make_settings, run_cli

MANIFEST = CORPUS / MANIFEST_NAME


# ---- (a) the guide against the official text ------------------------------------------------------
def test_guide_passes_quality_checks(reference_md):
    files = default_files() + [CORPUS / "cop1-key-messages.md"]
    assert len(files) >= 6 and all(f.is_file() for f in files)
    report = check_files(files, SHARED)
    print()
    print("\n".join(format_report(report).splitlines()[:2]))
    print(f"statements with references: {report.referenced_sentences}, references checked: {report.refs_checked}, "
          f"numbers checked: {report.numbers_checked}")
    assert report.copied == [], report.copied[:10]
    assert report.unresolved == [], report.unresolved[:10]
    assert report.unsupported == [], report.unsupported[:10]
    assert report.unreferenced == [], report.unreferenced[:10]
    # and the checks had something to check
    assert report.files == len(files)
    assert report.referenced_sentences > 500 and report.refs_checked >= report.referenced_sentences
    assert report.numbers_checked > 50
    assert report.avg_sentence_words < 25


def _probe_guide(path: Path, body: list[str]) -> Path:
    path.write_text("# Probe guide\n\nAn introduction needs no references.\n\n## Probe section\n\n"
                    + "\n\n".join(body) + "\n", encoding="utf-8")
    return path


def _copy_source(official: OfficialText) -> tuple[list[str], Ref]:
    """14 consecutive words of one provision of the official text, taken at test time."""
    for block, ref in zip(official.blocks, official.refs):
        if ref is not None and ref.kind == 1 and ref.paragraph and len(words(block.text)) >= 20:
            return words(block.text)[2:16], ref
    pytest.fail("no paragraph of 20 words in the official text")


def _unsupported_numbers(official: OfficialText, ref: Ref) -> tuple[int, str, int]:
    support = number_values(official.text_of(ref))
    digit = next(n for n in range(17, 1000) if float(n) not in support)
    word, value = next((w, v) for w, v in (("nineteen", 19), ("seventy", 70), ("eighty", 80), ("ninety", 90))
                       if float(v) not in support)
    return digit, word, value


def _supported_number(official: OfficialText) -> tuple[Ref, int]:
    for n in range(1, 36):
        ref = Ref.of_article(n)
        values = [v for v in number_values(official.text_of(ref)) if v.is_integer() and v >= 2]
        if values:
            return ref, int(max(values))
    pytest.fail("no article of the official text contains a number")


def test_checker_catches_copies_bad_references_and_numbers(reference_md, tmp_path):
    official = OfficialText(reference_md)
    run, copied_ref = _copy_source(official)
    digit, word, word_value = _unsupported_numbers(official, Ref.of_article(1))
    bad = _probe_guide(tmp_path / "bad.md", [
        f"Put simply, {' '.join(run)} [{copied_ref}].",
        "Lanterns must be lit in every harbour [Article 36].",
        "This cites a provision in a form nobody uses [Art 7].",
        f"The objective has to be met within {digit} months [Article 1].",
        f"The objective applies to {word} harbours [Article 1].",
        "This sentence states a rule but cites nothing at all.",
        "The objective of the Convention is stated here [Article 1].",
    ])
    report = check_files([bad], SHARED)
    print()
    print(format_report(report))
    assert not report.ok
    assert len(report.copied) == 1 and " ".join(run[:12]) in report.copied[0]
    assert len(report.unresolved) == 2
    assert any("Article 36 does not exist" in u for u in report.unresolved)
    assert any("Art 7" in u for u in report.unresolved)
    assert len(report.unsupported) == 2, report.unsupported
    assert any(f"{digit} not in Article 1" in u for u in report.unsupported)
    assert any(f"{word_value} not in Article 1" in u for u in report.unsupported)
    # a sentence whose only bracket is not a reference has no reference either
    assert len(report.unreferenced) == 2 and any("cites nothing" in u for u in report.unreferenced)
    assert any("[Art 7]" in u for u in report.unreferenced)


def test_checker_passes_a_clean_probe(reference_md, tmp_path):
    official = OfficialText(reference_md)
    ref, number = _supported_number(official)
    clean = _probe_guide(tmp_path / "clean.md", [
        "The objective of the Convention is stated here [Article 1].",
        f"The figure {number} appears in this provision [{ref}].",
        "Definitions and supply rules both matter for lamps [Article 2; Article 3].",
    ])
    report = check_files([clean], SHARED)
    assert report.ok, format_report(report)
    assert report.referenced_sentences == 3 and report.numbers_checked == 1 and report.refs_checked == 4


def test_corpus_check_command(reference_md, tmp_path):
    proc = run_cli("corpus", "check", "--shared", str(SHARED))
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert proc.stdout.rstrip().endswith("OK")
    bad = _probe_guide(tmp_path / "bad.md", ["Lanterns must be lit in every harbour [Article 36]."])
    proc = run_cli("corpus", "check", str(bad), "--shared", str(SHARED))
    assert proc.returncode == 1 and "PROBLEMS FOUND" in proc.stdout and "Article 36" in proc.stdout


# ---- (b) the manifest ---------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_matches_the_bundled_files():
    manifest = Manifest.load(MANIFEST)
    assert manifest.documents, "no [[document]] entries"
    ids = [e.id for e in manifest.documents + manifest.official]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for e in manifest.documents:
        path = MANIFEST.parent / e.path
        assert e.path and path.is_file(), f"{e.id}: {e.path} does not exist"
        assert path.resolve().is_relative_to(CORPUS.resolve()), f"{e.id}: {e.path} is outside corpus/"
        assert e.sha256 == _sha256(path), f"{e.id}: sha256 out of date (python -m ingest.manifest --write)"
        assert e.doc_type in DOC_TYPES, f"{e.id}: doc_type {e.doc_type!r}"
        assert e.title and re.fullmatch(r"[a-z0-9][a-z0-9-]*", e.id), e.id
    for e in manifest.official:
        assert e.doc_type in DOC_TYPES and e.title and e.url.startswith("https://"), e
        assert not (CORPUS / (e.filename or Path(e.url).name)).exists(), f"{e.id}: official text bundled in corpus/"
    listed = {(MANIFEST.parent / e.path).resolve() for e in manifest.documents}
    on_disk = {p.resolve() for p in CORPUS.rglob("*")
               if p.is_file() and p.suffix.lower() in {".md", ".txt", ".pdf"} | SUPPORTED_SUFFIXES
               and p.name.lower() != "readme.md"  # not ingested (ingest.pipeline.collect_files)
               and not any(part.startswith(".") for part in p.relative_to(CORPUS).parts)}
    missing = sorted(str(p.relative_to(CORPUS.resolve())) for p in on_disk - listed)
    assert not missing, f"files in corpus/ without a [[document]] entry: {missing}"


def test_manifest_check_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "ingest.manifest"], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and it notices a changed file
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    guide = copy / Manifest.load(MANIFEST).documents[0].path
    guide.write_text(guide.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ingest.manifest", "--manifest", str(copy / MANIFEST_NAME)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert proc.returncode == 1 and Manifest.load(MANIFEST).documents[0].id in proc.stdout


# ---- (c) corpus fetch from a local mirror --------------------------------------------------------------
class _Mirror:
    def __init__(self, root: Path):
        self.root = root
        self.requests: list[str] = []
        handler = functools.partial(_QuietHandler, self, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def __init__(self, mirror: _Mirror, *args, **kwargs):
        self.mirror = mirror
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        self.mirror.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, reference_md):
    root = tmp_path / "mirror"
    root.mkdir()
    for f in reference_md.parent.iterdir():
        if f.is_file():
            shutil.copy(f, root / f.name)
    m = _Mirror(root)
    m.thread.start()
    try:
        yield m
    finally:
        m.server.shutdown()
        m.server.server_close()
        m.thread.join(timeout=10)


MANIFEST_TEMPLATE = """# Official documents for this test, served by a local mirror.
# The sha256 is empty until the first fetch records it (trust on first use).

[[official]]
# the Convention as Markdown
id = "convention-md"
title = "Minamata Convention on Mercury (local mirror)"
doc_type = "treaty"
url = "{url}"
sha256 = ""  # filled in by corpus fetch
"""


def _fetch(manifest: Path, dest: Path, *extra: str):
    return run_cli("corpus", "fetch", "--manifest", str(manifest), "--dest", str(dest), "--timeout", "30", *extra,
                   timeout=600)


def _layout(tmp_path: Path, mirror: _Mirror, name: str = "minamata-convention.md") -> tuple[Path, Path, str]:
    """corpus/manifest.toml and data/official/, as in the repository."""
    manifest = tmp_path / "corpus" / MANIFEST_NAME
    manifest.parent.mkdir()
    text = MANIFEST_TEMPLATE.format(url=mirror.url(name))
    manifest.write_text(text, encoding="utf-8")
    return manifest, tmp_path / "data" / "official", text


def test_fetch_records_verifies_and_refuses_a_changed_file(tmp_path, mirror):
    manifest, dest, original = _layout(tmp_path, mirror)
    served = mirror.root / "minamata-convention.md"
    digest = _sha256(served)

    proc = _fetch(manifest, dest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "downloaded" in proc.stdout
    got = dest / "minamata-convention.md"
    assert got.read_bytes() == served.read_bytes()
    assert mirror.requests == ["/minamata-convention.md"]
    # trust on first use: the hash is pinned, and the rest of the file (comments too) is untouched
    text = manifest.read_text(encoding="utf-8")
    assert text.replace(f'sha256 = "{digest}"', 'sha256 = ""') == original, text
    assert tomllib.loads(text)["official"][0]["sha256"] == digest

    proc = _fetch(manifest, dest)
    assert proc.returncode == 0 and "present" in proc.stdout, proc.stdout
    assert len(mirror.requests) == 1  # a file that matches its pin is not downloaded again

    got.unlink()
    proc = _fetch(manifest, dest)
    assert proc.returncode == 0 and "verified" in proc.stdout, proc.stdout
    assert got.read_bytes() == served.read_bytes()
    kept = got.read_bytes()

    # the mirror now serves something else
    served.write_text(served.read_text(encoding="utf-8") + "\nAn article nobody adopted.\n", encoding="utf-8")
    fresh_dest = tmp_path / "elsewhere"
    proc = _fetch(manifest, fresh_dest)
    assert proc.returncode == 1, proc.stdout
    assert "mismatch" in proc.stdout and "checksum mismatch" in proc.stdout
    assert not any(fresh_dest.iterdir()), list(fresh_dest.iterdir())  # nothing unverified is written
    assert mirror.requests[-1] == "/minamata-convention.md"
    assert got.read_bytes() == kept  # the earlier download is unchanged
    assert tomllib.loads(manifest.read_text(encoding="utf-8"))["official"][0]["sha256"] == digest
    # and the existing verified copy is still accepted, without trusting the mirror
    requests = len(mirror.requests)
    proc = _fetch(manifest, dest)
    assert proc.returncode == 0 and "present" in proc.stdout and len(mirror.requests) == requests
    assert got.read_bytes() == kept


def test_fetch_unreachable_mirror_fails(tmp_path, mirror):
    manifest, dest, _ = _layout(tmp_path, mirror)
    (mirror.root / "minamata-convention.md").unlink()  # the mirror answers 404
    proc = _fetch(manifest, dest)
    assert proc.returncode == 1 and "failed" in proc.stdout
    assert not (dest / "minamata-convention.md").exists()
    assert tomllib.loads(manifest.read_text(encoding="utf-8"))["official"][0]["sha256"] == ""


def test_fetch_and_ingest(tmp_path, mirror):
    manifest, dest, _ = _layout(tmp_path, mirror)
    index = tmp_path / "index"
    proc = _fetch(manifest, dest, "--ingest", "--index", str(index))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    docs = IndexStore(make_settings(index)).documents()
    (doc,) = docs.values()
    assert Path(doc.path).resolve() == (dest / "minamata-convention.md").resolve()
    assert doc.doc_type == "treaty" and len(doc.chunk_ids) > 100
    listed = json.loads(run_cli("corpus", "list", "--json", "--index", str(index)).stdout)["documents"]
    assert "Article 35" in listed[0]["refs"] and "Annex E" in listed[0]["refs"]


def test_fetch_and_ingest_uses_the_manifest_metadata(tmp_path, mirror):
    (mirror.root / "lanterns.md").write_text(
        "# Agreement on Harbour Lanterns\n\n" + "".join(
            f"## Article {n} — Rule {n}\n\nEach Party shall keep lantern {n} lit.\n\n" for n in range(1, 6)),
        encoding="utf-8")
    manifest, dest, _ = _layout(tmp_path, mirror, "lanterns.md")
    index = tmp_path / "index"
    proc = _fetch(manifest, dest, "--ingest", "--index", str(index))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    docs = IndexStore(make_settings(index)).documents()
    assert set(docs) == {"convention-md"}
    assert docs["convention-md"].title == "Minamata Convention on Mercury (local mirror)"


def test_no_file_in_the_repository_copies_the_shared_texts(reference_md, seed_files):
    """Beyond the guide: no tracked text file (code, cases, gold labels, docs) shares a run of 12
    words with ../shared. Official provision titles in headings are names and may carry over."""
    from evals.guide_quality import copied_runs

    sources = [reference_md.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8", errors="replace")
                                                            for p in seed_files]
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=REPO_ROOT).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    heading = re.compile(r"^#{1,6}\s*(Article \d+|Annex [A-E])\b")
    copied = {}
    for name in tracked:
        path = REPO_ROOT / name
        if path.suffix not in (".md", ".py", ".jsonl", ".toml", ".txt", ".html", ".css", ".js") or not path.is_file():
            continue
        text = "\n".join(line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                         if not heading.match(line))
        if runs := copied_runs(text, sources):
            copied[name] = runs[:3]
    assert not copied, copied
