"""The `minamata` command line as a user runs it: help for every subcommand, the JSON shapes,
what `corpus list` shows for the official text and for the bundled guide, the environment
override of the index folder, and clear failures."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import build_parser
from ingest.loaders import file_sha256
from ingest.manifest import Manifest
from ingest.models import DOC_TYPES
from ingest.refs import Ref
from tests.conftest import CORPUS, REPO_ROOT, run_cli

ARTICLES = [f"Article {n}" for n in range(1, 36)]
ANNEXES = [f"Annex {x}" for x in "ABCDE"]
STATUSES = {"added", "updated", "unchanged", "failed"}
HEAVY_MODULES = ("torch", "chromadb", "sentence_transformers", "bm25s", "gradio", "transformers")


# ---- help ----------------------------------------------------------------------------------------
def _subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(path, parser, one-line help in the parent's list) for every registered subcommand, recursively."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield prefix + (name,), sub, helps.get(name)
                yield from _subcommands(sub, prefix + (name,))


SUBCOMMANDS = list(_subcommands(build_parser()))
SUBCOMMAND_PATHS = [path for path, _, _ in SUBCOMMANDS]


def test_the_expected_subcommands_are_registered():
    assert {("ingest",), ("corpus",), ("corpus", "list"), ("corpus", "remove"), ("corpus", "fetch"),
            ("corpus", "check")} <= set(SUBCOMMAND_PATHS)


def test_top_level_help():
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("usage: minamata")
    assert "Minamata Convention" in out and "MINAMATA_" in out
    for path, _, summary in SUBCOMMANDS:
        if len(path) == 1:
            assert path[0] in out and summary and summary in " ".join(out.split()), path


def test_console_script_help():
    script = Path(sys.executable).parent / "minamata"
    if not script.is_file():
        pytest.skip(f"no console script at {script} (the package is not installed with pip install -e .)")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: minamata") and "ingest" in proc.stdout and "corpus" in proc.stdout


@pytest.mark.parametrize("path", SUBCOMMAND_PATHS, ids=" ".join)
def test_subcommand_help(path):
    parser = dict((p, s) for p, s, _ in SUBCOMMANDS)[path]
    summary = dict((p, h) for p, _, h in SUBCOMMANDS)[path]
    proc = run_cli(*path, "--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    flat = " ".join(out.split())
    assert out.startswith(f"usage: minamata {' '.join(path)}"), out[:200]
    # meaningful: a one-line summary in the parent's list, and a description or that summary here
    assert summary and len(summary.split()) >= 3, f"`minamata {' '.join(path)}` has no help line"
    if parser.description:
        assert " ".join(parser.description.split())[:60] in flat
    parent = run_cli(*path[:-1], "--help")
    assert summary in " ".join(parent.stdout.split()), f"{path[-1]!r} not described in its parent's help"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        shown = action.option_strings[0] if action.option_strings else (action.metavar or action.dest)
        assert str(shown) in out, (path, shown)


def test_help_needs_no_heavy_imports():
    """--help must be instant: no model, no Chroma, no UI toolkit imported to print it."""
    script = (
        "import contextlib, io, json, sys\n"
        "from assistant.cli import build_parser\n"
        f"paths = {SUBCOMMAND_PATHS!r}\n"
        "for path in [()] + [tuple(p) for p in paths]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            build_parser().parse_args([*path, '--help'])\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == []


# ---- the bundled corpus, ingested through the CLI ------------------------------------------------
@pytest.fixture(scope="module")
def guide_index(tmp_path_factory):
    """`minamata ingest corpus/ --json` into a fresh index, as a new user's first command."""
    index = tmp_path_factory.mktemp("guide-cli") / "index"
    proc = run_cli("ingest", "corpus/", "--json", "--index", str(index), timeout=900)
    assert proc.returncode == 0, proc.stderr
    return index, json.loads(proc.stdout)


def _assert_ingest_payload_shape(payload: dict) -> None:
    assert set(payload) == {"documents", "elapsed_s"}
    assert isinstance(payload["elapsed_s"], float) and payload["elapsed_s"] >= 0
    assert isinstance(payload["documents"], list) and payload["documents"]
    for d in payload["documents"]:
        assert set(d) == {"id", "title", "path", "doc_type", "status", "chunks", "error"}, d
        assert isinstance(d["id"], str) and d["id"] and isinstance(d["title"], str) and isinstance(d["path"], str)
        assert d["doc_type"] in DOC_TYPES and d["status"] in STATUSES
        assert isinstance(d["chunks"], int) and not isinstance(d["chunks"], bool)
        if d["status"] == "failed":
            assert isinstance(d["error"], str) and d["error"] and d["chunks"] == 0
        else:
            assert d["error"] is None and d["chunks"] > 0


def test_ingest_json_shape(guide_index):
    index, payload = guide_index
    _assert_ingest_payload_shape(payload)
    manifest = Manifest.load(CORPUS / "manifest.toml")
    by_id = {d["id"]: d for d in payload["documents"]}
    assert set(by_id) == {e.id for e in manifest.documents}  # ids, titles and types come from the manifest
    for e in manifest.documents:
        assert by_id[e.id]["status"] == "added"
        assert (by_id[e.id]["title"], by_id[e.id]["doc_type"]) == (e.title, e.doc_type)
        assert Path(REPO_ROOT, by_id[e.id]["path"]).resolve() == (CORPUS / e.path).resolve()
    # the same command again: every document unchanged, same shape
    proc = run_cli("ingest", "corpus/", "--json", "--index", str(index), timeout=600)
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    _assert_ingest_payload_shape(again)
    assert {d["id"]: (d["status"], d["chunks"]) for d in again["documents"]} == \
        {d["id"]: ("unchanged", d["chunks"]) for d in payload["documents"]}


def test_corpus_list_guide_covers_every_provision(guide_index):
    index, _ = guide_index
    proc = run_cli("corpus", "list", "--index", str(index), "--json")
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)["documents"]
    guide = [d for d in docs if d["doc_type"] == "guidance"]
    expected = {e.id for e in Manifest.load(CORPUS / "manifest.toml").documents if e.doc_type == "guidance"}
    assert {d["id"] for d in guide} == expected and {"guide-part1", "guide-part4"} <= expected
    covered: set[str] = set()
    for d in guide:
        assert d["refs"], f"{d['id']} lists no provisions"
        assert d["refs"] == [str(r) for r in sorted(Ref.parse(x) for x in d["refs"])], "refs not in document order"
        covered.update(d["refs"])
    missing = [r for r in ARTICLES + ANNEXES if r not in covered]
    assert not missing, f"the guide covers no passage of: {missing}"


def test_corpus_list_of_the_official_text(full_index, reference_md):
    proc = run_cli("corpus", "list", "--index", str(full_index.index_dir), "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert set(payload) == {"documents"}
    docs = {d["id"]: d for d in payload["documents"]}
    for d in docs.values():
        assert set(d) == {"id", "title", "path", "doc_type", "chunks", "sha256", "pages", "refs"}
    treaty = docs["minamata-convention"]
    assert treaty["doc_type"] == "treaty" and treaty["sha256"] == file_sha256(reference_md)
    assert treaty["chunks"] > 100
    assert [r for r in treaty["refs"] if r != "Preamble"] == ARTICLES + ANNEXES
    assert "Preamble" in treaty["refs"]
    assert {"guide-part1", "guide-part4", "cop1-key-messages"} <= set(docs)
    # the table view says the same in words
    table = run_cli("corpus", "list", "--index", str(full_index.index_dir))
    assert table.returncode == 0 and "minamata-convention" in table.stdout and "Annex E" in table.stdout


def test_index_dir_from_environment(guide_index, tmp_path):
    index, _ = guide_index
    proc = run_cli("corpus", "list", "--json", env={"MINAMATA_INDEX_DIR": str(index)})
    assert proc.returncode == 0, proc.stderr
    assert "guide-part1" in {d["id"] for d in json.loads(proc.stdout)["documents"]}
    # another folder in the variable: that one is read (empty), not the default
    empty = tmp_path / "empty-index"
    proc = run_cli("corpus", "list", "--json", env={"MINAMATA_INDEX_DIR": str(empty)})
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"documents": []}
    # the flag beats the variable
    proc = run_cli("corpus", "list", "--json", "--index", str(index), env={"MINAMATA_INDEX_DIR": str(empty)})
    assert "guide-part1" in {d["id"] for d in json.loads(proc.stdout)["documents"]}


# ---- removal and failures ------------------------------------------------------------------------
def test_corpus_remove_unknown_id(guide_index):
    index, _ = guide_index
    before = (index / "CURRENT").read_text()
    proc = run_cli("corpus", "remove", "no-such-document", "--index", str(index))
    assert proc.returncode == 1
    assert "no document 'no-such-document'" in proc.stderr and proc.stderr.startswith("error:")
    assert "Traceback" not in proc.stderr
    assert (index / "CURRENT").read_text() == before  # nothing was rewritten


def test_corpus_remove_known_id(guide_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(guide_index[0], index)
    proc = run_cli("corpus", "remove", "guide-glossary", "--index", str(index))
    assert proc.returncode == 0, proc.stderr
    assert "removed guide-glossary" in proc.stdout
    listed = json.loads(run_cli("corpus", "list", "--json", "--index", str(index)).stdout)["documents"]
    assert "guide-glossary" not in {d["id"] for d in listed} and "guide-part1" in {d["id"] for d in listed}
    again = run_cli("corpus", "remove", "guide-glossary", "--index", str(index))
    assert again.returncode == 1


def test_ingest_missing_path_fails(tmp_path):
    missing = tmp_path / "no-such-file.md"
    index = tmp_path / "index"
    proc = run_cli("ingest", str(missing), "--index", str(index), "--json")
    assert proc.returncode == 1
    payload = json.loads(proc.stdout)
    _assert_ingest_payload_shape(payload)
    (doc,) = payload["documents"]
    assert doc["status"] == "failed" and "no such file" in doc["error"]
    assert f"error: {missing}: no such file" in proc.stderr
    assert not (index / "CURRENT").exists()
    table = run_cli("ingest", str(missing), "--index", str(index))
    assert table.returncode == 1 and "failed" in table.stdout
