"""Score the scope check on a scope set (evals/scope/*.jsonl): near-topic questions the texts cannot
answer refused, with the expected reason, and answerable ones refused (false refusals), by reason.

    python -m evals.scope_eval --index DIR evals/scope/holdout3.jsonl [--misses]

Each line: {"question", "answerable", "reason" (null when answerable), "split", "origin"}. Only the
totals are printed unless --misses is given: a held-out set's misses are not to be read.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def score_scope(rows: list[dict], ask) -> dict:
    """`ask(question)` -> Answer. Returns totals, per-reason counts and the misses."""
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, refused, right reason
    false, misses = [], []
    for r in rows:
        answer = ask(r["question"])
        if r["answerable"]:
            if answer.refused:
                false.append((r["question"], answer.refusal_reason))
            continue
        counts = by_reason[r["reason"]]
        counts[0] += 1
        if answer.refused:
            counts[1] += 1
            counts[2] += answer.refusal_reason == r["reason"]
            if answer.refusal_reason != r["reason"]:
                misses.append((r["reason"], f"refused as {answer.refusal_reason}", r["question"]))
        else:
            misses.append((r["reason"], "answered", r["question"]))
    n = sum(c[0] for c in by_reason.values())
    answerable = sum(1 for r in rows if r["answerable"])
    return {"out_of_scope": n, "refused": sum(c[1] for c in by_reason.values()),
            "right_reason": sum(c[2] for c in by_reason.values()), "answerable": answerable,
            "false_refusals": len(false), "by_reason": {k: v for k, v in sorted(by_reason.items())},
            "misses": misses, "false": false}


def format_scope(result: dict, misses: bool = False) -> str:
    n, a = result["out_of_scope"] or 1, result["answerable"] or 1
    lines = [f"near-topic out of scope: {result['refused']}/{result['out_of_scope']} refused "
             f"({result['refused'] / n:.0%}), {result['right_reason']} with the expected reason "
             f"({result['right_reason'] / n:.0%}); answerable refused: {result['false_refusals']}/"
             f"{result['answerable']} ({result['false_refusals'] / a:.1%})"]
    lines += [f"  {reason:16} {refused}/{total} refused, {right} right reason"
              for reason, (total, refused, right) in result["by_reason"].items()]
    if misses:
        lines += [f"MISS {reason}: {what} | {q}" for reason, what, q in sorted(result["misses"])]
        lines += [f"FALSE {reason} | {q}" for q, reason in result["false"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.scope_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="scope sets (JSON lines)")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: data/index)")
    parser.add_argument("--misses", action="store_true", help="list the misses (tuning sets only)")
    parser.add_argument("--json", type=Path, default=None, help="also write the result as JSON here")
    args = parser.parse_args(argv)
    from assistant.chain import Assistant
    from ingest.settings import Settings

    assistant = Assistant(Settings.load(index_dir=args.index), use_generator=False)
    rows = [json.loads(line) for f in args.files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = score_scope(rows, assistant.ask)
    print(format_scope(result, args.misses))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
