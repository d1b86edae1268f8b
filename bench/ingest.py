"""Ingestion benchmark: the full Convention and the bundled corpus/ into fresh indexes.

    python bench/ingest.py [--index DIR] [--runs N] [--shared DIR] [--json FILE]

Each input is measured in a fresh worker process, so that "cold" is what a user pays once: the
imports, the model load and the ingest itself. Reported per input: chunks; cold seconds; the
model load alone; seconds without the model load (median over --runs fresh indexes); chunks per
second; an unchanged re-ingest in-process and as a `minamata ingest` subprocess (what a user
waits for); and the peak RSS of the worker and of the CLI process (ru_maxrss, per process).
Targets: the full Convention in < 30 s, an unchanged re-ingest in < 2 s.
Results also go to bench/results/ingest.json (git-ignored).

The official text is read from ../shared/reference (or --shared / $MINAMATA_SHARED_DIR); it is not
part of the repository. Timings on a shared 2-core machine vary with its load, which is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

TARGET_FULL_S = 30.0
TARGET_UNCHANGED_S = 2.0
RESULTS = HERE / "results" / "ingest.json"
INPUTS = ("convention", "corpus")


# ---- measuring in a child process ---------------------------------------------------------------
def run_measured(cmd: list[str], timeout: float = 1800) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, wall seconds, peak RSS MB of that process alone)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), elapsed, usage.ru_maxrss / 1024.0  # Linux: KiB


def cli_unchanged(paths: list[Path], index_dir: Path) -> tuple[float, float]:
    rc, out, err, elapsed, rss = run_measured([sys.executable, "-m", "assistant.cli", "ingest", *map(str, paths),
                                               "--index", str(index_dir), "--json"])
    if rc != 0:
        raise SystemExit(f"error: minamata ingest exited {rc}:\n{err[-2000:]}")
    statuses = {d["status"] for d in json.loads(out)["documents"]}
    if statuses != {"unchanged"}:
        raise SystemExit(f"error: the re-ingest through the CLI was not a no-op: {statuses}")
    return elapsed, rss


# ---- the worker: one input, in a fresh process -------------------------------------------------------
def worker(paths: list[Path], work: Path, runs: int) -> dict:
    import resource

    start = time.perf_counter()
    from ingest.embeddings import MiniLMEmbedder
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings

    import_s = time.perf_counter() - start

    class TimedEmbedder(MiniLMEmbedder):
        """The project's embedder, noting how long the first model load took."""

        load_s = 0.0

        @property
        def model(self):
            if self._model is None:
                t0 = time.perf_counter()
                model = MiniLMEmbedder.model.fget(self)
                self.load_s = time.perf_counter() - t0
                return model
            return self._model

    def settings_for(index_dir: Path) -> Settings:
        return Settings.load(index_dir=index_dir, data_dir=index_dir.parent / "data")

    embedder = TimedEmbedder()
    times, chunks, files = [], 0, 0
    for run in range(runs):
        settings = settings_for(work / f"run{run + 1}" / "index")
        t0 = time.perf_counter()
        results = ingest_paths(paths, settings, store=IndexStore(settings, embedder=embedder))
        times.append(time.perf_counter() - t0)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise SystemExit(f"error: {failed[0].path}: {failed[0].error}")
        chunks, files = sum(r.chunks for r in results), len(results)
    without_model = [times[0] - embedder.load_s] + times[1:]

    unchanged = []
    for _ in range(max(3, runs)):
        settings = settings_for(work / "run1" / "index")
        t0 = time.perf_counter()
        results = ingest_paths(paths, settings, store=IndexStore(settings, embedder=MiniLMEmbedder()))
        unchanged.append(time.perf_counter() - t0)
        if {r.status for r in results} != {"unchanged"}:
            raise SystemExit(f"error: the in-process re-ingest was not a no-op: {results}")
    import torch

    return {
        "files": files,
        "chunks": chunks,
        "import_s": round(import_s, 3),
        "model_load_s": round(embedder.load_s, 3),
        "cold_s": round(import_s + times[0], 3),
        "ingest_s_all_runs": [round(t, 3) for t in times],
        "without_model_load_s": round(statistics.median(without_model), 3),
        "chunks_per_s": round(chunks / statistics.median(without_model), 1),
        "unchanged_inprocess_s": round(statistics.median(unchanged), 4),
        "ru_maxrss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "torch_threads": torch.get_num_threads(),
    }


# ---- report -------------------------------------------------------------------------------------
def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        digits = 1 if value >= 10 else 2 if value >= 0.1 else 4
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def _verdict(value: float, target: float) -> str:
    return f"< {target:g} s: {'met' if value < target else 'MISSED'}"


def print_table(res: dict[str, dict]) -> None:
    conv, corp = res["convention"], res["corpus"]

    def row(label: str, key: str, target: str = "") -> tuple[str, str, str, str]:
        return label, _fmt(conv[key]), _fmt(corp[key]), target

    rows = [
        row("files", "files"),
        row("chunks", "chunks"),
        row("total s, cold (imports + model load)", "cold_s", "Convention " + _verdict(conv["cold_s"], TARGET_FULL_S)),
        row("  of which imports s", "import_s"),
        row("  of which model load s", "model_load_s"),
        row("s without model load (median)", "without_model_load_s"),
        row("chunks per s (without model load)", "chunks_per_s"),
        row("unchanged re-ingest s, in-process", "unchanged_inprocess_s",
            _verdict(max(conv["unchanged_inprocess_s"], corp["unchanged_inprocess_s"]), TARGET_UNCHANGED_S)),
        row("unchanged re-ingest s, CLI process", "unchanged_cli_s",
            _verdict(max(conv["unchanged_cli_s"], corp["unchanged_cli_s"]), TARGET_UNCHANGED_S)),
        row("peak RSS MB, ingest process", "peak_rss_mb"),
        row("peak RSS MB, CLI re-ingest process", "cli_peak_rss_mb"),
    ]
    header = ("measure", "Convention", "corpus/", "target")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/ingest.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None, metavar="DIR",
                        help="folder in which the fresh indexes are made (default: a temporary folder); "
                             "they are removed afterwards")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="ingest each input N times into fresh indexes; medians are reported (default 1)")
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("MINAMATA_SHARED_DIR", ROOT.parent / "shared")),
                        help="folder with reference/ (default: ../shared)")
    parser.add_argument("--json", type=Path, default=RESULTS, metavar="FILE", help=f"results file (default: {RESULTS})")
    parser.add_argument("--worker", choices=INPUTS, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    reference = args.shared / "reference" / "minamata-convention.md"
    if not reference.is_file():
        print(f"error: the official text is not at {reference}; this benchmark needs ../shared/reference "
              f"(or pass --shared DIR)", file=sys.stderr)
        return 2
    inputs = {"convention": [reference], "corpus": [ROOT / "corpus"]}

    if args.worker:
        print(json.dumps(worker(inputs[args.worker], args.work, args.runs)))
        return 0

    if args.index is not None:
        args.index.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="minamata-bench-ingest-", dir=args.index))
    load_before = os.getloadavg()
    results: dict[str, dict] = {}
    try:
        for name in INPUTS:
            print(f"ingesting {name} ({', '.join(map(str, inputs[name]))}) into fresh indexes under {work}",
                  file=sys.stderr)
            rc, out, err, _, rss = run_measured([sys.executable, str(Path(__file__).resolve()), "--worker", name,
                                                 "--work", str(work / name), "--runs", str(args.runs),
                                                 "--shared", str(args.shared)])
            if rc != 0:
                print(f"error: the {name} worker exited {rc}:\n{err[-3000:]}", file=sys.stderr)
                return 1
            res = json.loads(out.strip().splitlines()[-1])
            res["peak_rss_mb"] = round(rss, 1)
            cli = [cli_unchanged(inputs[name], work / name / "run1" / "index") for _ in range(max(2, args.runs))]
            res["unchanged_cli_s"] = round(statistics.median(t for t, _ in cli), 3)
            res["cli_peak_rss_mb"] = round(max(r for _, r in cli), 1)
            results[name] = res
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    print_table(results)
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs")
    payload = {
        "benchmark": "ingest",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "runs": args.runs,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "loadavg_before": load_before, "loadavg_after": load_after},
        "targets": {"full_convention_s": TARGET_FULL_S, "unchanged_reingest_s": TARGET_UNCHANGED_S},
        "results": results,
        "met": {
            "full_convention": results["convention"]["cold_s"] < TARGET_FULL_S,
            "unchanged_reingest": max(r[k] for r in results.values()
                                      for k in ("unchanged_cli_s", "unchanged_inprocess_s")) < TARGET_UNCHANGED_S,
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
