"""Load test of the chat UI's API: N concurrent conversations of M questions each, through
gradio_client, against a `minamata ui` server this script starts on a free loopback port (or a
running one given with --url). Every answer is rated through /feedback at the same time, and the
feedback rows in SQLite are counted afterwards: none may be lost.

Bounded: at most N * M questions and N * M ratings, and nothing new is sent after --timeout
seconds (each request also waits at most until then).

    python bench/load.py                                  # 20 conversations x 3 questions
    python bench/load.py --conversations 50 --questions-per-conversation 2 --timeout 300
    python bench/load.py --url http://127.0.0.1:7860/ --feedback-db data/feedback.sqlite3

Prints a table (requests, errors, p50/p95 latency, throughput) and writes bench/results/load.json.
Exit 1 when a request failed or a feedback row was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

RESULTS = REPO_ROOT / "bench" / "results" / "load.json"
FALLBACK_QUESTIONS = [
    "Can a hospital still buy mercury thermometers?",
    "What must a country with artisanal gold mining do?",
    "What does Article 8 require for new coal-fired power plants?",
    "By what year must chlor-alkali production using mercury be phased out?",
    "What should we do with old fluorescent tubes collected at our recycling centre?",
    "Who won the last football World Cup?",
]


class Deadline:
    """Set once every client has connected, so that connecting is not measured."""

    def __init__(self) -> None:
        self.at = float("inf")
        self.go = threading.Event()

    def remaining(self) -> float:
        return self.at - time.monotonic()


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(q / 100 * len(ordered) + 0.4999)))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def eval_questions() -> list[str]:
    """Questions of the eval cases (single-turn ones), in a fixed order."""
    out = []
    for path in sorted((REPO_ROOT / "evals" / "cases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if not case.get("history") and len(case["question"]) < 300:
                    out.append(case["question"])
    return out or FALLBACK_QUESTIONS


def feedback_count(db: Path | None) -> int | None:
    if db is None or not Path(db).is_file():
        return 0 if db is not None else None
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
        except sqlite3.OperationalError:  # no table yet
            return 0


def conversation(url: str, index: int, questions: list[str], deadline: Deadline, ask: Stats, rate: Stats,
                 submitted: list[int], start: threading.Barrier) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - counted, the run goes on
        ask.fail(f"connect: {type(exc).__name__}: {exc}")
        start.wait()
        return
    start.wait()
    deadline.go.wait()
    history: list[str] = []
    for q_no, question in enumerate(questions):
        answer = _call(client, ask, deadline, question, json.dumps(history),
                       "plain" if (index + q_no) % 2 == 0 else "detailed", "", api_name="/ask",
                       valid=lambda a: isinstance(a, dict) and "answer" in a and "citations" in a)
        if answer is None:
            continue
        history.append(question)
        out = _call(client, rate, deadline, question, json.dumps(answer), 1 if (index + q_no) % 3 else -1,
                    f"load test conversation {index} question {q_no}", "plain", "[]", api_name="/feedback",
                    valid=lambda o: isinstance(o, dict) and o.get("ok") and isinstance(o.get("id"), int))
        if out is not None:
            with rate.lock:
                submitted.append(out["id"])


def _call(client, stats: Stats, deadline: Deadline, *args, api_name: str, valid):
    """One request, bounded by the run's deadline; its latency or its error goes into `stats`."""
    remaining = deadline.remaining()
    if remaining <= 0:
        stats.fail("not sent: --timeout reached")
        return None
    t0 = time.perf_counter()
    job = client.submit(*args, api_name=api_name)
    try:
        out = job.result(timeout=remaining)
    except FutureTimeout:
        job.cancel()
        stats.fail("timeout")
        return None
    except Exception as exc:  # noqa: BLE001 - counted, the run goes on
        stats.fail(f"{type(exc).__name__}: {str(exc)[:200]}")
        return None
    if not valid(out):
        stats.fail(f"bad reply from {api_name}: {str(out)[:120]}")
        return None
    stats.ok(time.perf_counter() - t0)
    return out


def run(url: str, conversations: int, per_conversation: int, timeout: float, feedback_db: Path | None,
        seed: int = 7) -> dict:
    pool = eval_questions()
    rng = random.Random(seed)
    plans = [[rng.choice(pool) for _ in range(per_conversation)] for _ in range(conversations)]
    ask, rate, submitted = Stats(), Stats(), []
    before = feedback_count(feedback_db)
    start = threading.Barrier(conversations + 1)
    deadline = Deadline()
    threads = [threading.Thread(target=conversation, daemon=True,
                                args=(url, i, plans[i], deadline, ask, rate, submitted, start))
               for i in range(conversations)]
    for t in threads:
        t.start()
    start.wait(timeout=max(60.0, timeout))
    t0 = time.perf_counter()
    deadline.at = time.monotonic() + timeout
    deadline.go.set()
    for t in threads:
        t.join(max(0.0, deadline.remaining()) + 30)
    wall = time.perf_counter() - t0
    stuck = sum(t.is_alive() for t in threads)
    after = feedback_count(feedback_db)
    stored = None if before is None or after is None else after - before
    return {
        "url": url, "conversations": conversations, "questions_per_conversation": per_conversation,
        "timeout_s": timeout, "wall_s": round(wall, 3), "stuck_conversations": stuck,
        "ask": _summary(ask, wall), "feedback": _summary(rate, wall),
        "feedback_rows": {"submitted": len(submitted), "stored": stored,
                          "lost": None if stored is None else len(submitted) - stored,
                          "distinct_ids": len(set(submitted)), "db": str(feedback_db) if feedback_db else None},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def _summary(stats: Stats, wall: float) -> dict:
    lat = [x * 1000 for x in stats.latencies]
    return {"requests": stats.requests, "ok": len(stats.latencies), "errors": len(stats.errors),
            "p50_ms": _r(percentile(lat, 50)), "p95_ms": _r(percentile(lat, 95)),
            "max_ms": _r(max(lat) if lat else None),
            "throughput_rps": round(len(stats.latencies) / wall, 2) if wall > 0 else None,
            "error_samples": sorted(set(stats.errors))[:5]}


def _r(x):
    return None if x is None else round(x, 1)


def print_table(result: dict) -> None:
    header = ("endpoint", "requests", "errors", "p50 ms", "p95 ms", "max ms", "throughput req/s")
    rows = []
    for name in ("ask", "feedback"):
        s = result[name]
        rows.append((f"/{name}", str(s["requests"]), str(s["errors"]), _f(s["p50_ms"]), _f(s["p95_ms"]),
                     _f(s["max_ms"]), _f(s["throughput_rps"])))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    fb = result["feedback_rows"]
    lost = "not checked (pass --feedback-db)" if fb["lost"] is None else str(fb["lost"])
    print(f"\n{result['conversations']} conversations x {result['questions_per_conversation']} questions in "
          f"{result['wall_s']:.1f} s; feedback rows submitted {fb['submitted']}, stored {fb['stored']}, lost {lost}")
    for name in ("ask", "feedback"):
        for e in result[name]["error_samples"]:
            print(f"  {name} error: {e}")


def _f(x) -> str:
    return "-" if x is None else (f"{x:.2f}" if isinstance(x, float) and x < 100 else f"{x:.0f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--conversations", type=int, default=20, metavar="N", help="concurrent conversations (default 20)")
    p.add_argument("--questions-per-conversation", type=int, default=3, metavar="M",
                   help="questions asked one after another in each conversation (default 3)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="send nothing new after S seconds; requests wait at most until then (default 300)")
    p.add_argument("--url", default=None, help="a running UI server (default: start one on a free loopback port)")
    p.add_argument("--feedback-db", type=Path, default=None,
                   help="with --url: the server's feedback SQLite file, to check that no rating was lost")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index for the server this script starts (default: data/index or $MINAMATA_INDEX_DIR)")
    p.add_argument("--startup-timeout", type=float, default=180.0, metavar="S")
    p.add_argument("--json", type=Path, default=RESULTS,
                   help=f"results file (default {RESULTS.relative_to(REPO_ROOT)})")
    args = p.parse_args(argv)
    if not (1 <= args.conversations <= 500 and 1 <= args.questions_per_conversation <= 50 and 0 < args.timeout <= 3600):
        p.error("bounds: 1..500 conversations, 1..50 questions each, 0 < timeout <= 3600 s")

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    server = None
    url, db = args.url, args.feedback_db
    if url is None:
        from ingest.index import IndexStore
        from ingest.settings import Settings
        from webapp.server import UIServer

        settings = Settings.load(index_dir=args.index)
        if not IndexStore(settings).exists():
            print(f"error: no index at {settings.index_dir}; run `minamata ingest corpus/` first", file=sys.stderr)
            return 2
        data_dir = Path(tempfile.mkdtemp(prefix="minamata-load-"))  # the real feedback database stays untouched
        server = UIServer(settings.index_dir, data_dir)
        print(f"starting a UI server on {server.url} (index {settings.index_dir}) ...", flush=True)
        t0 = time.perf_counter()
        server.start(timeout=args.startup_timeout)
        print(f"server ready in {time.perf_counter() - t0:.1f} s", flush=True)
        url, db = server.url, server.feedback_db
    try:
        result = run(url, args.conversations, args.questions_per_conversation, args.timeout, db)
    finally:
        if server is not None:
            server.stop()
    result["server"] = "started by bench/load.py" if server is not None else "given with --url"
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    failed = result["ask"]["errors"] or result["feedback"]["errors"] or result["stuck_conversations"] \
        or (result["feedback_rows"]["lost"] not in (0, None))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
