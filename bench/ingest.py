"""Ingestion benchmark: the full Convention and the bundled corpus/ into fresh indexes.

    python bench/ingest.py [--index DIR] [--runs N] [--shared DIR]

For each input it reports the chunk count; the cold ingest time in this process (including the
model load), the model load alone and the time without it; chunks per second; the time of an
unchanged re-ingest (in-process, and as a `minamata ingest` subprocess, which is what a user
waits for); and the peak resident memory. Targets: the full Convention in < 30 s, an unchanged
re-ingest in < 2 s. Results also go to bench/results/ingest.json (git-ignored).

The official text is read from ../shared/reference (or --shared / $MINAMATA_SHARED_DIR); it is
not part of the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this folder is sys.path[0], and this file would shadow the `ingest` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from ingest.embeddings import MiniLMEmbedder  # noqa: E402
from ingest.index import IndexStore  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.settings import Settings  # noqa: E402

TARGET_FULL_S = 30.0
TARGET_UNCHANGED_S = 2.0
RESULTS = HERE / "results" / "ingest.json"


class TimedEmbedder(MiniLMEmbedder):
    """The project's embedder, noting how long the first model load took."""

    load_s: float = 0.0

    @property
    def model(self):
        if self._model is None:
            start = time.perf_counter()
            model = MiniLMEmbedder.model.fget(self)
            self.load_s = time.perf_counter() - start
            return model
        return self._model


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux reports KiB


def settings_for(index_dir: Path) -> Settings:
    return Settings.load(index_dir=index_dir, data_dir=index_dir.parent / "data")


def cli_ingest(paths: list[Path], index_dir: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", *map(str, paths), "--index",
                           str(index_dir), "--json"], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"error: minamata ingest exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    statuses = {d["status"] for d in json.loads(proc.stdout)["documents"]}
    if statuses != {"unchanged"}:
        raise SystemExit(f"error: re-ingest through the CLI was not a no-op: {statuses}")
    return elapsed


def bench_one(name: str, paths: list[Path], work: Path, runs: int, embedder: TimedEmbedder) -> dict:
    cold = embedder._model is None
    chunks, times = 0, []
    for run in range(runs):
        index_dir = work / f"{name}-run{run + 1}" / "index"
        settings = settings_for(index_dir)
        start = time.perf_counter()
        results = ingest_paths(paths, settings, store=IndexStore(settings, embedder=embedder))
        times.append(time.perf_counter() - start)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise SystemExit(f"error: {name}: {failed[0].path}: {failed[0].error}")
        chunks = sum(r.chunks for r in results)
    first_s = times[0]
    load_s = embedder.load_s if cold else 0.0
    # without the model load: the first run minus the load, and the warm runs as they are
    no_model = [first_s - load_s] + times[1:]
    no_model_s = statistics.median(no_model)

    index_dir = work / f"{name}-run1" / "index"
    unchanged_in = []
    for _ in range(max(runs, 3)):
        settings = settings_for(index_dir)
        start = time.perf_counter()
        results = ingest_paths(paths, settings, store=IndexStore(settings, embedder=MiniLMEmbedder()))
        unchanged_in.append(time.perf_counter() - start)
        assert {r.status for r in results} == {"unchanged"}, results
    unchanged_cli = [cli_ingest(paths, index_dir) for _ in range(max(runs, 2))]
    return {
        "input": name,
        "files": len(results),
        "chunks": chunks,
        "runs": runs,
        "cold_s": round(first_s, 3) if cold else None,
        "model_load_s": round(load_s, 3) if cold else None,
        "ingest_s_without_model_load": round(no_model_s, 3),
        "ingest_s_all_runs": [round(t, 3) for t in times],
        "chunks_per_s": round(chunks / no_model_s, 1) if no_model_s else None,
        "unchanged_inprocess_s": round(statistics.median(unchanged_in), 4),
        "unchanged_cli_s": round(statistics.median(unchanged_cli), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}{unit}" if value < 10 else f"{value:.1f}{unit}"
    return f"{value}{unit}"


def print_table(rows: list[dict], children_rss: float) -> None:
    conv, corpus = rows
    full_s = conv["cold_s"] if conv["cold_s"] is not None else conv["ingest_s_without_model_load"]
    lines = [
        ("chunks", _fmt(conv["chunks"]), _fmt(corpus["chunks"]), ""),
        ("total s, cold (incl. model load)", _fmt(conv["cold_s"]), _fmt(corpus["cold_s"]),
         f"< {TARGET_FULL_S:g} s: {'met' if full_s < TARGET_FULL_S else 'MISSED'}"),
        ("  model load s", _fmt(conv["model_load_s"]), _fmt(corpus["model_load_s"]), ""),
        ("s without model load (median)", _fmt(conv["ingest_s_without_model_load"]),
         _fmt(corpus["ingest_s_without_model_load"]), ""),
        ("chunks per s", _fmt(conv["chunks_per_s"]), _fmt(corpus["chunks_per_s"]), ""),
        ("unchanged re-ingest s, in-process", _fmt(conv["unchanged_inprocess_s"]),
         _fmt(corpus["unchanged_inprocess_s"]),
         f"< {TARGET_UNCHANGED_S:g} s: "
         f"{'met' if max(conv['unchanged_inprocess_s'], corpus['unchanged_inprocess_s']) < TARGET_UNCHANGED_S else 'MISSED'}"),
        ("unchanged re-ingest s, CLI process", _fmt(conv["unchanged_cli_s"]), _fmt(corpus["unchanged_cli_s"]),
         f"< {TARGET_UNCHANGED_S:g} s: "
         f"{'met' if max(conv['unchanged_cli_s'], corpus['unchanged_cli_s']) < TARGET_UNCHANGED_S else 'MISSED'}"),
        ("peak RSS MB (this process, so far)", _fmt(conv["peak_rss_mb"]), _fmt(corpus["peak_rss_mb"]), ""),
    ]
    header = ("measure", "Convention", "corpus/", "target")
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in lines:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"peak RSS of the CLI subprocesses: {children_rss:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/ingest.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None, metavar="DIR",
                        help="work folder for the fresh indexes (default: a temporary folder; "
                             "the indexes made in it are removed afterwards)")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="ingest each input N times into fresh indexes (median reported; default 1)")
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("MINAMATA_SHARED_DIR", ROOT.parent / "shared")),
                        help="folder with reference/ (default: ../shared)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default: {RESULTS})")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    reference = args.shared / "reference" / "minamata-convention.md"
    if not reference.is_file():
        print(f"error: the official text is not at {reference}; this benchmark needs ../shared/reference "
              f"(or pass --shared DIR)", file=sys.stderr)
        return 2
    corpus = ROOT / "corpus"

    if args.index is not None:
        args.index.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir=args.index))
    else:
        work = Path(tempfile.mkdtemp(prefix="minamata-bench-ingest-"))
    embedder = TimedEmbedder()
    try:
        print(f"ingesting {reference} and {corpus}/ into fresh indexes under {work} ({args.runs} run(s) each)",
              file=sys.stderr)
        conv = bench_one("convention", [reference], work, args.runs, embedder)
        # corpus/ is measured in a fresh embedder too, so that its cold figure includes a model load
        corp = bench_one("corpus", [corpus], work, args.runs, TimedEmbedder())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    children_rss = peak_rss_mb(resource.RUSAGE_CHILDREN)
    print_table([conv, corp], children_rss)

    import torch

    payload = {
        "benchmark": "ingest",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "torch_threads": torch.get_num_threads()},
        "settings": {k: getattr(Settings(), k) for k in ("embed_batch_size", "embed_threads", "chunk_max_chars",
                                                          "chunk_overlap_chars")},
        "targets": {"full_convention_s": TARGET_FULL_S, "unchanged_reingest_s": TARGET_UNCHANGED_S},
        "results": [conv, corp],
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_cli_children_mb": round(children_rss, 1),
        "met": {
            "full_convention": (conv["cold_s"] or conv["ingest_s_without_model_load"]) < TARGET_FULL_S,
            "unchanged_reingest": max(conv["unchanged_cli_s"], conv["unchanged_inprocess_s"]) < TARGET_UNCHANGED_S,
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
