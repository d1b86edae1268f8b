"""`minamata eval`: run the evaluation cases through the pipeline (and baselines), print a table,
write JSON and an HTML report, compare with an earlier run, or tune the retrieval settings.

Imports stay light here: the command line imports this module to build `--help`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DESCRIPTION = (
    "Evaluate the assistant on question/answer cases (evals/cases/*.jsonl): retrieval hit@1, hit@5, MRR and "
    "recall@5, citation precision and recall, fact recall, refusal accuracy and latency, overall and per tag. "
    "With --baselines also a vanilla LangChain RAG, dense-only and BM25-only retrieval. With --tune, a grid "
    "search of rrf_k, dense/BM25 weights, retrieve_k and the refusal threshold instead."
)
EPILOG = (
    "examples:\n"
    "  minamata eval --cases evals/cases/*.jsonl --index data/index\n"
    "  minamata eval --cases evals/cases/*.jsonl --corpus corpus/ ../shared/reference/ ../shared/seed/ \\\n"
    "      --baselines --json data/eval/latest.json --report data/eval/report\n"
    "  minamata eval --cases evals/cases/*.jsonl --compare data/eval/latest.json --json data/eval/new.json\n"
    "  minamata eval --cases evals/cases/*.jsonl --tags smoke --tune"
)


def register(sub) -> None:
    p = sub.add_parser("eval", help="evaluate retrieval, citations, facts, refusals and latency on test cases",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="+", type=Path, required=True, metavar="FILE",
                   help="case files (JSON lines) or folders of *.jsonl files")
    p.add_argument("--corpus", nargs="+", type=Path, default=None, metavar="PATH",
                   help="ingest these files/folders into a temporary index and evaluate on it "
                        "(default: use --index or the default index)")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index folder to evaluate (default: data/index, or $MINAMATA_INDEX_DIR)")
    p.add_argument("--baselines", action="store_true",
                   help="also run the baselines: vanilla_langchain, dense_only, bm25_only")
    p.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="write the results as JSON to this file")
    p.add_argument("--report", type=Path, default=None, metavar="DIR",
                   help="write a self-contained HTML report to DIR/index.html")
    p.add_argument("--compare", type=Path, default=None, metavar="OLD.json",
                   help="an earlier --json output: mark regressions/improvements and cases that changed")
    p.add_argument("--tags", nargs="+", default=None, metavar="TAG",
                   help="only cases carrying at least one of these tags (e.g. smoke)")
    p.add_argument("--audience", choices=("plain", "detailed"), default="plain",
                   help="answer style used for every case (default: plain)")
    p.add_argument("--tune", action="store_true",
                   help="grid-search rrf_k, dense/bm25 weight ratio, retrieve_k and the refusal threshold; print the "
                        "table and the best setting (with --json, write it)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_eval)


# ---- the run -----------------------------------------------------------------------------------
def _settings_summary(settings) -> dict:
    return {k: getattr(settings, k) for k in ("retrieval_mode", "retrieve_k", "rrf_k", "dense_weight", "bm25_weight",
                                              "refusal_threshold")}


def _ingest_corpus(paths: list[Path], settings, store, progress: bool) -> None:
    from ingest.pipeline import ingest_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"--corpus path(s) not found: {', '.join(missing)}")
    results = ingest_paths(paths, settings, store=store, show_progress=progress)
    for r in results:
        if r.status == "failed":
            print(f"warning: {r.path}: {r.error} (not in the evaluated index)", file=sys.stderr)
    if not any(r.status != "failed" for r in results):
        raise RuntimeError("no document of --corpus could be ingested")


def score_obligations(settings) -> tuple[dict | None, str | None]:
    """(result, None) or (None, why not)."""
    try:
        from evals.obligations_eval import evaluate_obligations
        from ingest.obligations import load_obligations
    except ImportError as exc:
        return None, f"obligation scoring unavailable ({exc}); needs evals/obligations_eval.py and " \
                     f"ingest.obligations.load_obligations"
    rows = load_obligations(settings)
    if not rows:
        return None, "the index has no obligation table (ingest the Convention text to score obligations)"
    return evaluate_obligations(rows), None


def evaluate(cases, settings, *, baselines: bool = False, audience: str = "plain", progress: bool = False,
             store=None) -> dict:
    """Run the cases through the pipeline (and the baselines); the JSON-ready result."""
    from datetime import datetime, timezone

    from ingest.index import IndexStore

    from .baselines import FACTORIES
    from .metrics import aggregate, by_tag, refusals_by_reason
    from .runner import PipelineSystem, run_cases

    store = store or IndexStore(settings)
    pipeline = PipelineSystem(settings, store, name="pipeline")
    records = run_cases(pipeline, cases, audience, progress)
    result: dict = {"cases": len(cases), "metrics": aggregate(records), "by_tag": by_tag(records),
                    "refusals_by_reason": refusals_by_reason(records), "baselines": {},
                    "per_case": [r.to_json() for r in records]}
    if baselines:
        for name, factory in FACTORIES.items():
            system = factory(settings, store)
            try:
                recs = run_cases(system, cases, audience, progress)
            finally:
                if hasattr(system, "close"):
                    system.close()
            result["baselines"][name] = {"metrics": aggregate(recs), "by_tag": by_tag(recs),
                                         "per_case": [r.to_json() for r in recs]}
    obligations, why = score_obligations(settings)
    if obligations is not None:
        result["obligations"] = obligations
    else:
        result["obligations_message"] = why
    result["meta"] = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "index": str(settings.index_dir), "audience": audience,
                      "generator": pipeline.assistant.generator.name if pipeline.assistant.generator else "extractive",
                      "settings": _settings_summary(settings)}
    return result


# ---- printing ----------------------------------------------------------------------------------
def format_results(result: dict, old: dict | None = None) -> str:
    from .metrics import METRICS, compare
    from .report import changed_cases

    systems = [("pipeline", result["metrics"])] + [(n, b["metrics"]) for n, b in result.get("baselines", {}).items()]
    short = {"citation_precision": "cit_prec", "citation_recall": "cit_rec", "fact_recall": "facts",
             "refusal_accuracy": "refusal", "latency_p50_ms": "p50_ms", "latency_p95_ms": "p95_ms",
             "lead_fact_recall": "lead_fct", "verdict_rate": "verdict", "quote_precision": "quote_pr",
             "amended_date_and_decision": "amd_date", "truncated": "trunc", "repeated": "repeat", "meta_lead": "meta"}
    cols = [short.get(m, m) for m in METRICS]
    width = max(18, *(len(n) for n, _ in systems))
    lines = [f"{result['cases']} cases", "", f"{'system':<{width}} " + " ".join(f"{c:>8}" for c in cols)]
    lines.append("-" * len(lines[-1]))
    for name, m in systems:
        lines.append(f"{name:<{width}} " + " ".join(f"{_cell(m.get(k), k):>8}" for k in METRICS))
    if old is not None:
        verdict = compare(old.get("metrics", {}), result["metrics"])
        lines.append(f"{'(before)':<{width}} " + " ".join(f"{_cell(old.get('metrics', {}).get(k), k):>8}"
                                                          for k in METRICS))
        lines.append(f"{'(change)':<{width}} " + " ".join(
            f"{ {'improved': '+', 'regressed': 'WORSE', 'same': '=', 'n/a': '?'}[verdict[k]]:>8}" for k in METRICS))
    tag_cols = ("hit@1", "hit@5", "mrr", "fact_recall", "lead_fact_recall", "verdict_rate", "quote_precision",
                "amended_date_and_decision", "refusal_accuracy")
    lines += ["", "pipeline by tag:", f"{'tag':<14} {'cases':>5} " + " ".join(f"{short.get(c, c):>8}" for c in tag_cols)]
    for tag, m in result["by_tag"].items():
        lines.append(f"{tag:<14} {m['cases']:>5} " + " ".join(f"{_cell(m.get(c), c):>8}" for c in tag_cols))
    reasons = result.get("refusals_by_reason") or {}
    if reasons:
        lines += ["", "pipeline refusals by reason (right = should refuse, wrong = answerable):"]
        lines += [f"  {reason:<18} right {row['right']:>4}   wrong {row['wrong']:>4}" for reason, row in reasons.items()]
    failed = [c for c in result["per_case"] if not c["passed"]]
    lines += ["", f"failed cases (pipeline): {len(failed)} of {len(result['per_case'])}"]
    for c in failed:
        lines.append(f"  {c['id']:<16} {'; '.join(c['failures'])[:150]}")
    if old is not None:
        worse, better = changed_cases(old, result)
        lines += ["", f"pass -> fail since the compared run: {', '.join(worse) or 'none'}",
                  f"fail -> pass since the compared run: {', '.join(better) or 'none'}"]
    if result.get("obligations"):
        from evals.obligations_eval import format_obligation_report

        lines += ["", format_obligation_report(result["obligations"])]
    elif result.get("obligations_message"):
        lines += ["", f"obligations: {result['obligations_message']}"]
    return "\n".join(lines)


def _cell(v, metric: str) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}" if metric.startswith("latency") else f"{v:.3f}"


# ---- entry point -------------------------------------------------------------------------------
def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from ingest.settings import Settings

    from .cases import load_cases

    cases = load_cases(args.cases, args.tags)
    if not cases:
        print(f"error: no cases in {', '.join(map(str, args.cases))}"
              + (f" with tags {', '.join(args.tags)}" if args.tags else ""), file=sys.stderr)
        return 2
    old = None
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        if "metrics" not in old or "per_case" not in old:
            print(f"error: {args.compare} is not an output of `minamata eval --json`", file=sys.stderr)
            return 2
        old["_path"] = str(args.compare)
    progress = not args.no_progress and sys.stderr.isatty()
    tmp = tempfile.TemporaryDirectory(prefix="minamata-eval-") if args.corpus else None
    try:
        if tmp is not None:
            from ingest.index import IndexStore

            settings = Settings.load(index_dir=Path(tmp.name) / "index", data_dir=Path(tmp.name) / "data")
            store = IndexStore(settings)
            _ingest_corpus(args.corpus, settings, store, progress)
        else:
            settings = Settings.load(index_dir=args.index)
            store = None
        if args.tune:
            return _tune(args, cases, settings, progress)
        result = evaluate(cases, settings, baselines=args.baselines, audience=args.audience, progress=progress,
                          store=store)
        result["meta"]["case_files"] = [str(p) for p in args.cases]
        result["meta"]["tags"] = list(args.tags or [])
        if args.corpus:
            result["meta"]["index"] = "temporary index of " + " ".join(str(p) for p in args.corpus)
        print(format_results(result, old))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"\nJSON: {args.json}")
        if args.report:
            from .report import write_report

            path = write_report(result, args.report, old)
            print(f"report: {path}")
        return 0
    finally:
        if tmp is not None:
            tmp.cleanup()


def _tune(args, cases, settings, progress: bool) -> int:
    from .tune import format_tune, tune

    tuning = [c for c in cases if "tune" in c.tags and "external" not in c.tags]
    if not tuning:
        print("error: no case is tagged `tune`; --tune never fits settings on the reporting cases "
              "(third-party wording, tag `external`)", file=sys.stderr)
        return 2
    if len(tuning) < len(cases):
        print(f"tuning on the {len(tuning)} case(s) tagged `tune`; {len(cases) - len(tuning)} other case(s) left out",
              file=sys.stderr)
    cases = tuning

    result = tune(cases, settings, audience=args.audience, progress=progress)
    print(format_tune(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"tune": result}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nJSON: {args.json}")
    return 0
