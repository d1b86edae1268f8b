"""Grid search of the retrieval settings on the evaluation cases (`minamata eval --tune`).

Two measurements, so that ingest/settings.py defaults come from numbers rather than guesses:

1. Grid: rrf_k x dense/bm25 weight ratio x retrieve_k, every case answered by the full pipeline
   (the ratio r sets dense_weight = r, bm25_weight = 1; RRF only depends on the ratio). Ranked by
   OBJECTIVE = MRR + recall@5 + fact recall + refusal accuracy (each in [0, 1]); ties go to the
   setting closest to the current defaults.
2. Refusal threshold sweep: the pipeline refuses when the question names no indexed provision
   and the best dense cosine similarity (less a penalty for question words the texts never use,
   `Retrieval.evidence`, where the retriever computes it) is under `refusal_threshold`. That
   evidence and the
   explicit-provision flag are measured once per case (they do not depend on the grid's
   parameters), with the refusals that happen at any threshold (e.g. no passage at all), then
   refusal accuracy is computed for each threshold exactly as the pipeline decides. The recommended threshold
   is the middle of the widest run of thresholds whose accuracy is within one case of the best
   (the largest margin, rather than a one-threshold peak).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Sequence

from .cases import Case
from .metrics import aggregate
from .runner import PipelineSystem, run_cases

RRF_KS = (10, 30, 60)
WEIGHT_RATIOS = (0.5, 1.0, 2.0)
RETRIEVE_KS = (6, 8, 10)
THRESHOLDS = tuple(round(0.15 + 0.025 * i, 3) for i in range(15))  # 0.15 .. 0.50
OBJECTIVE = "mrr + recall@5 + fact_recall + refusal_accuracy"
_OBJECTIVE_TERMS = ("mrr", "recall@5", "fact_recall", "refusal_accuracy")


def objective(metrics: dict) -> float:
    return round(sum(metrics.get(m) or 0.0 for m in _OBJECTIVE_TERMS), 4)


def caching_store(settings):
    """An IndexStore whose embedder remembers query vectors, shared by every grid point."""
    from ingest.embeddings import MiniLMEmbedder
    from ingest.index import IndexStore

    class _CachingEmbedder(MiniLMEmbedder):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._cache: dict[str, list[float]] = {}

        def embed_query(self, text: str) -> list[float]:
            if text not in self._cache:
                self._cache[text] = super().embed_query(text)
            return self._cache[text]

    return IndexStore(settings, embedder=_CachingEmbedder(settings.model_path, settings.embed_batch_size,
                                                         settings.embed_threads))


def run_grid(cases: Sequence[Case], settings, store=None, audience: str = "plain", progress: bool | None = None,
             rrf_ks=RRF_KS, ratios=WEIGHT_RATIOS, retrieve_ks=RETRIEVE_KS) -> list[dict]:
    from tqdm import tqdm

    store = store or caching_store(settings)
    if progress is None:
        progress = sys.stderr.isatty()
    grid = list(itertools.product(rrf_ks, ratios, retrieve_ks))
    rows = []
    for rrf_k, ratio, k in tqdm(grid, desc="tuning grid", unit="setting", disable=not progress, file=sys.stderr):
        variant = settings.replace(rrf_k=rrf_k, dense_weight=float(ratio), bm25_weight=1.0, retrieve_k=k,
                                   retrieval_mode="hybrid")
        system = PipelineSystem(variant, store, name="tune", use_generator=False)
        records = run_cases(system, cases, audience, progress=False, replay_history=False)
        metrics = aggregate(records)
        rows.append({"rrf_k": rrf_k, "weight_ratio": float(ratio), "retrieve_k": k, "metrics": metrics,
                     "objective": objective(metrics)})
    current = (settings.rrf_k, settings.dense_weight / settings.bm25_weight if settings.bm25_weight else 1.0,
               settings.retrieve_k)

    def distance(row: dict) -> float:
        return (abs(row["rrf_k"] - current[0]) / 60 + abs(row["weight_ratio"] - current[1])
                + abs(row["retrieve_k"] - current[2]) / 10)

    rows.sort(key=lambda r: (-r["objective"], distance(r), r["rrf_k"], r["weight_ratio"], r["retrieve_k"]))
    return rows


def refusal_evidence(cases: Sequence[Case], settings, store=None, audience: str = "plain") -> list[dict]:
    """Per case: the best dense similarity and whether the question named an indexed provision,
    measured by the pipeline's own condense + retrieve steps (no refusal applied)."""
    from assistant.chain import Assistant, Turn

    assistant = Assistant(settings.replace(refusal_threshold=0.0, retrieval_mode="hybrid"), store,
                          use_generator=False)
    out = []
    for c in cases:
        turn = assistant.prepare.invoke(Turn(question=c.question, history=tuple(c.history), audience=audience,
                                             filters=None, started=time.perf_counter()))
        r = turn.retrieval
        # refused even with threshold 0: an empty or too long question, no passage, or an answer
        # whose every sentence failed verification; none of these depends on the threshold
        always = turn.refusal is not None or r is None or not r.passages or \
            assistant.ask(c.question, list(c.history), audience).refused
        out.append({"id": c.id, "answerable": c.answerable, "always_refused": bool(always),
                    "explicit": bool(r and r.explicit_found),
                    "best_dense": round(float(r.best_dense), 4) if r else 0.0,
                    "evidence": round(float(_evidence(r)), 4) if r else 0.0})
    return out


def _evidence(retrieval) -> float:
    """What the pipeline compares with the threshold: `Retrieval.evidence` (the best dense
    similarity lowered for question words the texts never use) where it exists, else best_dense."""
    return getattr(retrieval, "evidence", retrieval.best_dense)


def sweep_thresholds(evidence: Sequence[dict], thresholds: Sequence[float] = THRESHOLDS) -> list[dict]:
    rows = []
    for t in thresholds:
        false_refusals = false_answers = correct = 0
        for e in evidence:
            refused = e["always_refused"] or (not e["explicit"] and e.get("evidence", e["best_dense"]) < t)
            if refused == (not e["answerable"]):
                correct += 1
            elif refused:
                false_refusals += 1
            else:
                false_answers += 1
        n = len(evidence)
        rows.append({"threshold": t, "refusal_accuracy": round(correct / n, 4) if n else None,
                     "false_refusals": false_refusals, "false_answers": false_answers})
    return rows


def best_threshold(rows: Sequence[dict], tolerance: float = 0.0) -> float | None:
    """The middle of the longest run of consecutive thresholds whose accuracy is within
    `tolerance` of the best (tune() uses one case: a single-threshold peak one case above a wide
    plateau is noise, the plateau's middle is the robust choice)."""
    if not rows:
        return None
    best = max(r["refusal_accuracy"] for r in rows) - tolerance - 1e-4  # accuracies are rounded to 4 places
    runs: list[list[float]] = []
    previous_best = False
    for r in rows:
        is_best = r["refusal_accuracy"] >= best
        if is_best and previous_best:
            runs[-1].append(r["threshold"])
        elif is_best:
            runs.append([r["threshold"]])
        previous_best = is_best
    run = max(runs, key=len)
    return round(run[(len(run) - 1) // 2] if len(run) % 2 else (run[len(run) // 2 - 1] + run[len(run) // 2]) / 2, 4)


def tune(cases: Sequence[Case], settings, audience: str = "plain", progress: bool | None = None, **grid) -> dict:
    store = caching_store(settings)
    rows = run_grid(cases, settings, store, audience, progress, **grid)
    evidence = refusal_evidence(cases, settings, store, audience)
    sweep = sweep_thresholds(evidence)
    threshold = best_threshold(sweep, tolerance=1 / len(evidence) if evidence else 0.0)
    current_ratio = settings.dense_weight / settings.bm25_weight if settings.bm25_weight else 1.0
    current = next((r for r in rows if r["rrf_k"] == settings.rrf_k and r["retrieve_k"] == settings.retrieve_k
                    and abs(r["weight_ratio"] - current_ratio) < 1e-9), None)
    best = rows[0] if rows else None
    recommendation = None
    if best is not None:
        recommendation = {"rrf_k": best["rrf_k"], "dense_weight": best["weight_ratio"], "bm25_weight": 1.0,
                          "retrieve_k": best["retrieve_k"], "refusal_threshold": threshold}
    return {"cases": len(cases), "objective": OBJECTIVE, "grid": rows, "best": best, "current": current,
            "current_settings": {"rrf_k": settings.rrf_k, "dense_weight": settings.dense_weight,
                                 "bm25_weight": settings.bm25_weight, "retrieve_k": settings.retrieve_k,
                                 "refusal_threshold": settings.refusal_threshold},
            "thresholds": sweep, "best_threshold": threshold, "refusal_evidence": evidence,
            "recommendation": recommendation}


def format_tune(result: dict, limit: int | None = None) -> str:
    cols = ("mrr", "hit@1", "hit@5", "recall@5", "fact_recall", "citation_recall", "refusal_accuracy", "latency_p50_ms")
    head = f"{'rrf_k':>5} {'ratio':>5} {'k':>3}  " + " ".join(f"{c:>9}" for c in
                                                             ("mrr", "hit@1", "hit@5", "rec@5", "facts", "cit_rec",
                                                              "refusal", "p50_ms*")) + f" {'objective':>9}"
    lines = [f"grid search over {result['cases']} cases; objective = {result['objective']} "
             f"(ratio = dense_weight / bm25_weight, bm25_weight = 1)", "", head, "-" * len(head)]
    cur = result.get("current_settings", {})
    for row in result["grid"][:limit]:
        m = row["metrics"]
        mark = "  <- current" if (row["rrf_k"] == cur.get("rrf_k") and row["retrieve_k"] == cur.get("retrieve_k")
                                  and cur.get("bm25_weight") and abs(row["weight_ratio"] - cur["dense_weight"]
                                                                     / cur["bm25_weight"]) < 1e-9) else ""
        lines.append(f"{row['rrf_k']:>5} {row['weight_ratio']:>5g} {row['retrieve_k']:>3}  "
                     + " ".join(f"{_f(m.get(c)):>9}" for c in cols) + f" {row['objective']:>9.4f}{mark}")
    lines += ["* latency with query embeddings cached across grid points; see a normal eval run for latency"]
    lines += ["", "refusal threshold sweep (best dense similarity per case, less the unknown-word penalty; a "
                  "question naming an indexed provision is never refused):", "",
              f"{'threshold':>9} {'accuracy':>9} {'false refusals':>15} {'false answers':>14}"]
    for r in result["thresholds"]:
        mark = "  <- current" if abs(r["threshold"] - cur.get("refusal_threshold", -1)) < 1e-9 else ""
        lines.append(f"{r['threshold']:>9.3f} {_f(r['refusal_accuracy']):>9} {r['false_refusals']:>15} "
                     f"{r['false_answers']:>14}{mark}")
    rec = result.get("recommendation")
    if rec:
        best = result["best"]
        lines += ["", f"best setting by {result['objective']}: rrf_k={rec['rrf_k']}, dense_weight={rec['dense_weight']:g}, "
                      f"bm25_weight={rec['bm25_weight']:g}, retrieve_k={rec['retrieve_k']} "
                      f"(objective {best['objective']:.4f}"
                  + (f" vs {result['current']['objective']:.4f} for the current defaults)" if result.get("current") else ")"),
                  f"refusal_threshold={rec['refusal_threshold']} (middle of the widest range of thresholds within one "
                  f"case of the best refusal accuracy)"]
    return "\n".join(lines)


def _f(v) -> str:
    if v is None:
        return "-"
    return f"{v:.1f}" if isinstance(v, float) and v > 1.5 else f"{v:.3f}"
