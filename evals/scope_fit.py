"""Fit the answerability classifier: logistic regression on MiniLM question embeddings.

    python -m evals.scope_fit [--out assistant/data/scope_classifier.json]

Data: evals/scope/train.jsonl (near-topic questions the texts cannot answer and answerable ones,
split `fit` / `calibrate`), evals/scope/train2.jsonl (a second such set, worded from public pages,
split `tune2`: fitted on like `fit`) plus the question bank's phrasings (answerable entries as in-scope,
`answerable: no` entries as out-of-scope), all in the fit split. The weights are fitted on the
fit split; the decision threshold is chosen on the calibrate split as the lowest that refuses at
most 2% of its answerable questions. Nothing it is reported on (evals/scope/holdout.jsonl, the
third-party cases) is read here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ingest.settings import REPO_ROOT

TRAIN = REPO_ROOT / "evals" / "scope" / "train.jsonl"
TRAIN2 = REPO_ROOT / "evals" / "scope" / "train2.jsonl"
OUT = REPO_ROOT / "assistant" / "data" / "scope_classifier.json"
MAX_FALSE_REFUSALS = 0.02


def load_rows(path: Path = TRAIN) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def training_data() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    from evals.bank_check import load_bank

    rows = load_rows() + (load_rows(TRAIN2) if TRAIN2.exists() else [])
    fit_q = [r["question"] for r in rows if r["split"] in ("fit", "tune2")]
    fit_y = [0 if r["answerable"] else 1 for r in rows if r["split"] in ("fit", "tune2")]
    for e in load_bank():
        fit_q += list(e.questions)
        fit_y += [0 if e.answerable else 1] * len(e.questions)
    cal = [r for r in rows if r["split"] == "calibrate"]
    return fit_q, np.array(fit_y, dtype=np.float32), [r["question"] for r in cal], \
        np.array([0 if r["answerable"] else 1 for r in cal], dtype=np.float32)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Plain gradient descent with class weights (the classes are unbalanced); deterministic."""
    w = np.zeros(x.shape[1], dtype=np.float64)
    b = 0.0
    pos = y.mean()
    weights = np.where(y == 1, 0.5 / max(pos, 1e-6), 0.5 / max(1 - pos, 1e-6))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = weights * (p - y)
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def choose_threshold(scores: np.ndarray, y: np.ndarray, max_false: float = MAX_FALSE_REFUSALS) -> float:
    """The lowest threshold that refuses at most `max_false` of the answerable questions."""
    answerable = np.sort(scores[y == 0])
    if not len(answerable):
        return 0.5
    allowed = int(np.floor(max_false * len(answerable)))
    return float(answerable[len(answerable) - 1 - allowed]) + 1e-6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.scope_fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from ingest.embeddings import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    fit_q, fit_y, cal_q, cal_y = training_data()
    x = np.asarray(embedder.encode(fit_q), dtype=np.float64)
    w, b = fit_logistic(x, fit_y)
    cal_scores = 1.0 / (1.0 + np.exp(-(np.asarray(embedder.encode(cal_q), dtype=np.float64) @ w + b)))
    threshold = choose_threshold(cal_scores, cal_y)
    refused = cal_scores >= threshold
    summary = {"fit_questions": len(fit_q), "calibrate_questions": len(cal_q),
               "calibrate_out_of_scope_refused": round(float(refused[cal_y == 1].mean()), 4),
               "calibrate_answerable_refused": round(float(refused[cal_y == 0].mean()), 4)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"model": "all-MiniLM-L6-v2", "threshold": round(threshold, 6),
                                    "bias": round(float(b), 6), "weights": [round(float(v), 6) for v in w],
                                    "calibration": summary}, indent=None) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
