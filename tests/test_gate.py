"""The quality gate over the bundled corpus alone (no ../shared needed): floors per tag for the
retrieval and answer-level metrics, defects that must stay at zero, and one ablation per advertised
feature: switched off, a figure it owns must drop.

Measured with corpus/ ingested alone, extractive answers, default settings (evals/cases/*.jsonl):
    smoke (30)       hit@1 0.64  hit@5 0.88  MRR 0.73  lead facts 0.48  refusal 1.00
    plain (26)       MRR 0.73  fact recall 0.65  verdict 0.83 (fact recall 0.73 two sessions ago, 0.67 before a
                     sub-provision ranked just below its article came to lead: plain-009 lost its storage sentence)
    typo (6)         MRR 0.83 (0.56 without spelling correction)
    followup (10)    hit@5 0.89 (1.00 before the bank weight went from 2 to 1 with the bank's new phrasings,
                     which raised the tuning cases' hit@1 from 0.74 to 0.77), fact recall 0.78
                     (0.67 and 0.56 without condensing)
    external (266)   hit@1 0.69  hit@5 0.91  MRR 0.78  fact recall 0.65  lead facts 0.63 (0.54 without the bank)
    near_topic (55)  refused 0.60 (0.05 without the scope check)
    truncated, repeated and meta-text leads: 0 everywhere.
Floors sit about one case (or 0.05) below, so a real regression fails and noise does not.
"""

from __future__ import annotations

import pytest

from evals.cases import CASES_DIR, load_cases
from evals.metrics import aggregate, by_tag

FLOORS = {
    "smoke": {"hit@1": 0.58, "hit@5": 0.82, "mrr": 0.68, "lead_fact_recall": 0.42, "refusal_accuracy": 0.93},
    "plain": {"mrr": 0.70, "fact_recall": 0.62, "verdict_rate": 0.75},
    "typo": {"mrr": 0.75},
    "followup": {"hit@5": 0.85, "fact_recall": 0.70},
    "external": {"hit@1": 0.64, "hit@5": 0.87, "mrr": 0.74, "fact_recall": 0.61, "lead_fact_recall": 0.59},
    "near_topic": {"refusal_accuracy": 0.55},
}
DEFECTS = ("truncated", "repeated", "meta_lead")


def _run(settings, store, cases):
    from evals.runner import PipelineSystem, run_cases

    return run_cases(PipelineSystem(settings, store, use_generator=False), cases, progress=False)


@pytest.fixture(scope="module")
def store(corpus_index, embedder):
    from ingest.index import IndexStore

    return IndexStore(corpus_index, embedder=embedder)


@pytest.fixture(scope="module")
def gate_records(corpus_index, store):
    cases = load_cases([CASES_DIR], tags=list(FLOORS))
    return _run(corpus_index, store, cases)


def test_every_tag_meets_its_floor(gate_records):
    tags = by_tag(gate_records)
    low = {f"{tag}.{metric}": (tags[tag][metric], floor) for tag, floors in FLOORS.items()
           for metric, floor in floors.items() if tags[tag][metric] is None or tags[tag][metric] < floor}
    assert not low, f"below the floor (value, floor): {low}"


def test_no_answer_is_cut_repeats_itself_or_leads_with_meta_text(gate_records):
    m = aggregate(gate_records)
    assert all(m[d] == 0.0 for d in DEFECTS), {d: m[d] for d in DEFECTS}
    assert all(r.error is None for r in gate_records)


def _metric(settings, store, tag: str, metric: str, history: bool | None = None) -> float:
    cases = [c for c in load_cases([CASES_DIR], tags=[tag]) if history is None or bool(c.history) == history]
    return aggregate(_run(settings, store, cases))[metric]


@pytest.mark.parametrize("feature, switch, tag, metric", [
    ("spelling correction", {"spelling_correction": False}, "typo", "mrr"),
    ("follow-up condensing", {"condense_followups": False}, "followup", "fact_recall"),
    ("follow-up condensing", {"condense_followups": False}, "followup", "hit@5"),
    ("question bank", {"bank_weight": 0.0}, "external", "lead_fact_recall"),
    ("scope check", {"scope_check": False}, "near_topic", "refusal_accuracy"),
])
def test_ablation_each_feature_owns_a_figure(corpus_index, store, feature, switch, tag, metric):
    on = _metric(corpus_index, store, tag, metric)
    off = _metric(corpus_index.replace(**switch), store, tag, metric)
    print(f"{feature}: {tag} {metric} {on:.3f} with it, {off:.3f} without")
    assert off < on, f"switching {feature} off did not lower {tag} {metric} ({on:.3f} -> {off:.3f})"


def test_ablation_definitions_bring_the_defined_term(corpus_index):
    """Definitions own what the answer shows beside it: with them off, the defined term's own
    definition no longer comes with answers that use it."""
    from assistant.chain import Assistant

    questions = ["Does our clinic count as handling mercury-added products?",
                 "Is a gold panner in our district doing artisanal and small-scale gold mining?",
                 "Which best available techniques apply to our coal boiler?"]

    def with_definition(settings) -> int:
        a = Assistant(settings, use_generator=False)
        return sum(any(p.reason == "definition" for p in a.ask(q).retrieved) for q in questions)

    on, off = with_definition(corpus_index), with_definition(corpus_index.replace(definitions=False))
    assert off == 0 and on >= 2, (on, off)
