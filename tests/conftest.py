"""Shared fixtures. Everything is real: the bundled MiniLM model, embedded Chroma on disk, BM25.

Texts from ../shared are read at test time; tests that need them skip with the reason when the
folder is absent - except when CI is set, where a missing ../shared fails them. Every run prints its
skip count; under CI any skip other than the optional real-model tests (marker llm) fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.settings import REPO_ROOT, Settings

SHARED = Path(os.environ.get("MINAMATA_SHARED_DIR", REPO_ROOT.parent / "shared"))
REFERENCE_MD = SHARED / "reference" / "minamata-convention.md"
SEED_DIR = SHARED / "seed"
CORPUS = REPO_ROOT / "corpus"
MINAMATA = [sys.executable, "-m", "assistant.cli"]


def _strict() -> bool:
    return bool(os.environ.get("CI"))


def need_shared() -> None:
    if not REFERENCE_MD.is_file():
        reason = f"reference texts not found at {SHARED} (../shared is absent on this machine)"
        if _strict():
            pytest.fail(reason + "; CI needs it: clone with shared/ beside the repository or set MINAMATA_SHARED_DIR")
        pytest.skip(reason)


_SKIPS: list = []


def pytest_runtest_logreport(report):
    if report.skipped and "llm" not in report.keywords:
        _SKIPS.append(report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    total = len(terminalreporter.stats.get("skipped", []))
    terminalreporter.write_line(f"skipped: {total} test(s), {len(_SKIPS)} outside the optional real-model (llm) tests"
                                + (" - not allowed under CI" if _SKIPS and _strict() else ""))


def pytest_sessionfinish(session, exitstatus):
    if _SKIPS and _strict() and exitstatus == 0:
        session.exitstatus = 1  # under CI a skipped product test is a failure, not a pass


@pytest.fixture(scope="session")
def reference_md() -> Path:
    need_shared()
    return REFERENCE_MD


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    need_shared()
    files = sorted(SEED_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed text in {SEED_DIR}")
    return files


@pytest.fixture(scope="session")
def embedder():
    from ingest.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


def make_settings(index_dir: Path, **overrides) -> Settings:
    return Settings.load(index_dir=index_dir, data_dir=index_dir.parent / "data", **overrides)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "index")


@pytest.fixture(scope="session")
def full_index(tmp_path_factory, reference_md, seed_files, embedder):
    """The bundled corpus + the official text + the COP1 seed, ingested once per session.
    Read-only for tests: copy it (`copy_index`) before changing anything."""
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("full")
    settings = make_settings(root / "index")
    store = IndexStore(settings, embedder=embedder)
    results = ingest_paths([CORPUS, reference_md, *seed_files], settings, store=store)
    assert all(r.status != "failed" for r in results), results
    return settings


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, embedder):
    """The bundled corpus alone, ingested once per session: what a fresh clone without ../shared has."""
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths

    settings = make_settings(tmp_path_factory.mktemp("corpus") / "index")
    results = ingest_paths([CORPUS], settings, store=IndexStore(settings, embedder=embedder))
    assert results and all(r.status != "failed" for r in results), results
    return settings


@pytest.fixture
def copy_index(tmp_path):
    def _copy(settings: Settings) -> Settings:
        target = tmp_path / "index-copy"
        shutil.copytree(settings.index_dir, target)
        return make_settings(target)

    return _copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, env: dict | None = None, timeout: float = 600, check: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run([*MINAMATA, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"minamata {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc
