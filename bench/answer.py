"""Answer benchmark: cold start to first answer, warm latency p50/p95 per question, peak RSS.

    python bench/answer.py [--index DIR] [--corpus PATH...] [--repeat N] [--audience plain|detailed]

Without --index it ingests corpus/ plus ../shared/reference (when present) into a temporary index.
Targets on the 2-core reference machine: warm p50 < 100 ms, p95 < 300 ms, RSS < 1.2 GB.
Prints a table and writes bench/results/answer.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Can our hospital still buy mercury thermometers?",
    "What must a country with artisanal gold mining do?",
    "What does Article 8 require for new coal-fired power plants?",
    "What is a mercury-added product?",
    "How should we store mercury waste?",
    "When must chlor-alkali plants stop using mercury?",
    "What does Annex A Part II say about dental amalgam?",
    "Do we have to clean up contaminated sites?",
    "Who won the football world cup in 2022?",
    "What did the ministers at COP1 say about partnerships?",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_start(index: Path) -> float:
    """A fresh process: import, load model and index, answer one question."""
    code = ("import time; t=time.perf_counter(); from ingest.settings import Settings; "
            "from assistant.chain import Assistant; "
            f"a=Assistant(Settings.load(index_dir={str(index)!r}), use_generator=False); "
            "a.ask('Can our hospital still buy mercury thermometers?'); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--corpus", type=Path, nargs="*")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per question")
    parser.add_argument("--audience", choices=("plain", "detailed"), default="plain")
    args = parser.parse_args()

    from ingest.settings import Settings

    tmp = None
    index = args.index
    if index is None:
        from ingest.pipeline import ingest_paths

        tmp = tempfile.TemporaryDirectory(prefix="bench-answer-")
        index = Path(tmp.name) / "index"
        corpus = args.corpus or [ROOT / "corpus", *([p] if (p := ROOT.parent / "shared" / "reference" /
                                                           "minamata-convention.md").exists() else [])]
        print(f"ingesting {', '.join(map(str, corpus))} into a temporary index ...", file=sys.stderr)
        ingest_paths(corpus, Settings.load(index_dir=index))

    cold = cold_start(index)
    from assistant.chain import Assistant
    from evals.metrics import percentile

    assistant = Assistant(Settings.load(index_dir=index), use_generator=False)
    assistant.warm_up()
    rows = []
    all_ms: list[float] = []
    for q in QUESTIONS:
        assistant.ask(q, audience=args.audience)  # warm this question's path once
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            answer = assistant.ask(q, audience=args.audience)
            times.append((time.perf_counter() - start) * 1000)
        # repeated questions hit the query-embedding cache: measure the uncached cost too
        assistant.retriever._embed_cached.cache_clear()
        start = time.perf_counter()
        assistant.ask(q, audience=args.audience)
        uncached = (time.perf_counter() - start) * 1000
        times.append(uncached)
        all_ms += times
        rows.append((q[:52], f"{statistics.median(times):.1f}", f"{max(times):.1f}", f"{uncached:.1f}",
                     "refused" if answer.refused else str(len(answer.citations))))
    p50, p95, rss = percentile(all_ms, 50), percentile(all_ms, 95), peak_rss_mb()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'question'.ljust(width)}  median ms  max ms  uncached ms  citations")
    for r in rows:
        print(f"{r[0].ljust(width)}  {r[1]:>9}  {r[2]:>6}  {r[3]:>11}  {r[4]}")
    print("\nmetric                      value      target")
    print(f"warm latency p50 (ms)       {p50:8.1f}   < 100")
    print(f"warm latency p95 (ms)       {p95:8.1f}   < 300")
    print(f"cold start to 1st answer (s){cold:8.2f}")
    print(f"peak RSS (MB)               {rss:8.0f}   < 1229")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "answer.json").write_text(json.dumps({"p50_ms": p50, "p95_ms": p95, "cold_start_s": cold,
                                                  "peak_rss_mb": rss, "questions": len(QUESTIONS),
                                                  "repeat": args.repeat}, indent=1))
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
