"""The evaluation suite: metrics on hand-made records (level-aware ref matching, doc-type hits,
fact equivalents, refusals, percentiles), case-file validation, tuning helpers, the HTML report,
a smoke run of the real pipeline and baselines on the full index, and `minamata eval` end to end."""

from __future__ import annotations

import json
import re

import pytest

from evals.cases import CASES_DIR, CaseFileError, load_case_file, load_cases
from evals.metrics import (METRICS, CaseRecord, Hit, aggregate, by_tag, citation_precision, citation_recall,
                           compare, fact_present, failure_reasons, hit_rank, percentile, recall_at, ref_matches,
                           score_record)
from evals.report import render_report
from evals.tune import best_threshold, sweep_thresholds
from tests.conftest import run_cli

# ---- smoke thresholds ------------------------------------------------------------------------------
# Measured on the 30 "smoke" cases with the full_index fixture (corpus/ + official text + COP1 seed),
# extractive answers, default settings (rrf_k=10, dense:bm25 2:1, retrieve_k=10, refusal_threshold=0.33):
#   pipeline  hit@1 0.640  hit@5 0.880  MRR 0.735  recall@5 0.860  citation precision 0.570
#             citation recall 0.860  fact recall 0.640  refusal accuracy 1.000
#   dense_only MRR 0.575, bm25_only MRR 0.611, vanilla_langchain MRR 0.449
# Thresholds sit a little below (about 0.05 for rates over 25 answerable cases, i.e. one case or so),
# so an ordinary regression fails while measurement noise from other modules' small changes does not.
SMOKE_MEASURED = {"hit@1": 0.640, "hit@5": 0.880, "mrr": 0.735, "recall@5": 0.860, "citation_precision": 0.570,
                  "citation_recall": 0.860, "fact_recall": 0.640, "refusal_accuracy": 1.000}
SMOKE_THRESHOLDS = {"hit@1": 0.58, "hit@5": 0.82, "mrr": 0.68, "recall@5": 0.80, "citation_precision": 0.52,
                    "citation_recall": 0.80, "fact_recall": 0.58, "refusal_accuracy": 0.93}


def rec(**kw) -> CaseRecord:
    kw.setdefault("id", "c")
    kw.setdefault("question", "q?")
    kw.setdefault("answerable", True)
    return score_record(CaseRecord(**kw))


def hits(*refs: str, doc_type: str = "treaty") -> list[Hit]:
    return [Hit(r, "doc", doc_type) for r in refs]


# ---- matching --------------------------------------------------------------------------------------
@pytest.mark.parametrize("expected,ref,ok", [
    ("Article 7", "Article 7(3)(a)", True),
    ("Article 7", "Article 7", True),
    ("Article 7(3)", "Article 7(3)(a)", True),
    ("Article 7(3)", "Article 7(4)", False),
    ("Article 7(3)", "Article 7", False),  # coarser than expected: not enough
    ("Article 7", "Article 17", False),  # a string prefix would say yes
    ("Article 1", "Article 10(2)", False),
    ("Annex A", "Annex A Part I", True),
    ("Annex A Part I", "Annex A Part II", False),
    ("Annex C(1)", "Annex C(1)(b)", True),
    ("Annex C(1)", "Annex C(10)", False),
    ("Article 2(f)", "Article 2(f)", True),
    ("Article 2(f)", "Article 2(e)", False),
    ("Article 7", "", False),
    ("Article 7", "Art. 7", False),  # not canonical: never matches
])
def test_ref_matching_is_level_aware(expected, ref, ok):
    assert ref_matches(expected, ref) is ok


def test_hit_rank_by_ref_and_by_doc_type():
    retrieved = hits("Article 17", "Article 7(3)(a)", "Annex A Part I")
    assert hit_rank(retrieved, ["Article 7"], []) == 2
    assert hit_rank(retrieved, ["Annex A"], []) == 3
    assert hit_rank(retrieved, ["Article 8"], []) is None
    cop = [Hit("Preamble", "conv", "treaty"), Hit("", "cop1-key-messages", "conference-text")]
    assert hit_rank(cop, [], ["conference-text"]) == 2
    assert hit_rank(cop, [], ["cop-decision"]) is None


def test_retrieval_metrics_on_hand_made_records():
    records = [
        rec(id="a", expected_refs=["Article 7"], retrieved=hits("Article 7(3)", "Article 8")),  # rank 1
        rec(id="b", expected_refs=["Article 4(1)", "Annex A Part I"],
            retrieved=hits("Article 5", "Annex A Part I", "Article 6", "Article 9", "Article 10", "Article 4(1)")),  # rank 2
        rec(id="c", expected_refs=["Article 3(6)"], retrieved=hits("Article 3", "Article 3(5)")),  # no hit
        rec(id="d", expected_doc_types=["conference-text"],
            retrieved=[Hit("Article 1", "conv", "treaty")] * 3 + [Hit("", "cop1", "conference-text")]),  # rank 4
        rec(id="oos", answerable=False, refused=True, retrieved=hits("Article 7")),  # not in retrieval metrics
    ]
    m = aggregate(records)
    assert m["hit@1"] == 0.25
    assert m["hit@5"] == 0.75
    assert m["mrr"] == round((1 + 1 / 2 + 0 + 1 / 4) / 4, 4)
    # recall@5: a 1/1, b 1/2 (Article 4(1) is only at rank 6), c 0, d 1
    assert m["recall@5"] == round((1 + 0.5 + 0 + 1) / 4, 4)
    assert recall_at(records[1].retrieved, records[1].expected_refs, [], k=6) == 1.0


def test_citation_precision_and_recall():
    expected = ["Article 4(1)", "Annex A Part I"]
    cited = hits("Article 4(1)", "Article 4(2)", "Annex A")  # "Annex A" is coarser than Annex A Part I
    assert citation_precision(cited, expected, []) == pytest.approx(1 / 3)
    assert citation_recall(cited, expected, []) == 0.5
    cop_cited = [Hit("", "cop1", "conference-text"), Hit("Preamble", "conv", "treaty")]
    assert citation_precision(cop_cited, [], ["conference-text"]) == 0.5
    assert citation_recall(cop_cited, [], ["conference-text"]) == 1.0
    assert citation_precision([], expected, []) is None
    records = [rec(expected_refs=expected, cited=cited, answer="x"),
               rec(id="r", expected_refs=["Article 8"], refused=True)]  # refused: recall 0, no precision
    m = aggregate(records)
    assert m["citation_precision"] == round(1 / 3, 4)
    assert m["citation_recall"] == 0.25


@pytest.mark.parametrize("fact,text,ok", [
    ("fifteen years", "may continue for up to 15 years", True),
    ("15 years", "for a period of fifteen years", True),
    ("1ppm", "above 1 ppm by weight", True),
    ("1 ppm", "more than 1ppm", True),
    ("twenty-five", "within 25 days", True),
    ("95 per cent", "at least 95% mercury", True),
    ("Basel Convention", "consistent with the BASEL convention", True),
    ("life-cycle", "its whole life cycle", True),
    ("written consent", "with prior **written consent** [2]", True),
    ("15", "within 150 days", False),
    ("2020", "after 2025", False),
    ("five years", "fifty years", False),
    ("register", "a registry", False),
])
def test_fact_presence_with_equivalents(fact, text, ok):
    assert fact_present(fact, text) is ok


def test_fact_recall_and_refusal_accuracy():
    records = [
        rec(id="a", expected_refs=["Article 3(4)"], facts=["fifteen years", "primary mercury mining"],
            answer="Primary mercury mining may go on for 15 years."),
        rec(id="b", expected_refs=["Article 8"], facts=["Annex D"], refused=True, answer="Annex D"),  # refused: 0
        rec(id="c", answerable=False, refused=False, answer="The World Cup ..."),  # should refuse
        rec(id="d", answerable=False, refused=True),
        rec(id="e", expected_refs=["Article 5"], error="RuntimeError: boom"),  # an error is always wrong
    ]
    m = aggregate(records)
    assert records[0].facts_found == ["fifteen years", "primary mercury mining"]
    assert records[1].facts_missing == ["Annex D"]
    assert m["fact_recall"] == 0.5
    assert m["refusal_accuracy"] == round(2 / 5, 4)  # a (answered) and d (refused)
    assert failure_reasons(records[2]) == ["answered a question it should refuse"]
    assert "refused an answerable question" in failure_reasons(records[1])


def test_latency_percentiles_and_tags():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile([], 50) is None
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    records = [rec(id=str(i), expected_refs=["Article 7"], retrieved=hits("Article 7" if i % 2 else "Article 8"),
                   latency_ms=float(i * 10), tags=["even"] if i % 2 == 0 else ["odd", "x"]) for i in range(1, 11)]
    m = aggregate(records)
    assert m["latency_p50_ms"] == 55.0 and m["latency_p95_ms"] == 95.5
    tags = by_tag(records)
    assert list(tags) == ["even", "odd", "x"]
    assert tags["odd"]["cases"] == 5 and tags["odd"]["hit@1"] == 1.0 and tags["even"]["hit@1"] == 0.0
    assert set(METRICS) <= set(tags["even"])
    assert aggregate(records) == aggregate(list(records))  # deterministic


def test_tag_without_answerable_cases_has_no_retrieval_scores():
    tags = by_tag([rec(answerable=False, refused=True, tags=["out_of_scope"])])
    assert tags["out_of_scope"]["mrr"] is None and tags["out_of_scope"]["refusal_accuracy"] == 1.0


def test_compare_marks_regressions_and_improvements():
    old = {"mrr": 0.70, "hit@1": 0.60, "fact_recall": 0.5, "latency_p50_ms": 50.0, "latency_p95_ms": 100.0}
    new = {"mrr": 0.65, "hit@1": 0.62, "fact_recall": 0.502, "latency_p50_ms": 80.0, "latency_p95_ms": 95.0}
    v = compare(old, new)
    assert v["mrr"] == "regressed" and v["hit@1"] == "improved" and v["fact_recall"] == "same"
    assert v["latency_p50_ms"] == "regressed" and v["latency_p95_ms"] == "same"


def test_record_json_round_trip():
    r = rec(expected_refs=["Article 7"], retrieved=[Hit("Article 7(1)", "d", "treaty", 0.5)],
            cited=hits("Article 7(1)"), answer="x", facts=["y"], tags=["t"])
    d = json.loads(json.dumps(r.to_json()))
    assert d["hit_rank"] == 1 and d["passed"] is False and d["failures"] == ["missing facts: y"]
    back = CaseRecord.from_json(d)
    assert aggregate([back]) == aggregate([r])


# ---- case files --------------------------------------------------------------------------------------
def _case(**over) -> str:
    base = {"id": "x-1", "question": "What does Article 8 require?", "answerable": True,
            "expected_refs": ["Article 8"], "expected_doc_types": [], "facts": [], "tags": ["brand-new-tag"],
            "history": []}
    base.update(over)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


@pytest.mark.parametrize("bad_line,field,words", [
    ("{not json", None, "invalid JSON"),
    (_case(question=...), "question", "missing"),
    (_case(question=""), "question", "non-empty"),
    (_case(answerable="yes"), "answerable", "true or false"),
    (_case(expected_refs=["Art. 8"]), "expected_refs", "canonical"),
    (_case(expected_refs="Article 8"), "expected_refs", "list"),
    (_case(expected_doc_types=["treaties"]), "expected_doc_types", "not one of"),
    (_case(tags=[3]), "tags", "string"),
    (_case(history=None, facts=[""]), "facts", "non-empty"),
    (_case(colour="red"), "colour", "unknown field"),
    (_case(answerable=False), "expected_refs", "unanswerable"),
    (_case(expected_refs=[]), "expected_refs", "answerable case needs"),
    ("[1, 2]", None, "JSON object"),
])
def test_malformed_case_file_names_file_line_and_field(tmp_path, bad_line, field, words):
    path = tmp_path / "cases.jsonl"
    path.write_text(_case(id="ok-1") + "\n\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.line == 3 and err.field == field
    message = str(err)
    assert f"{path}:3:" in message and words in message
    if field:
        assert repr(field) in message


def test_duplicate_ids_and_tag_filter(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(_case(id="one", tags=["smoke", "brand-new"]) + "\n" + _case(id="two", tags=[]) + "\n")
    b.write_text(_case(id="one") + "\n")
    assert [c.id for c in load_cases([a], tags=["smoke"])] == ["one"]
    assert load_cases([a])[0].tags == ("smoke", "brand-new")  # unknown tags are fine
    with pytest.raises(CaseFileError, match=r"b\.jsonl:1: field 'id': duplicate id 'one'"):
        load_cases([a, b])


def test_the_shipped_case_files_are_valid():
    cases = load_cases([CASES_DIR])
    assert len(cases) >= 140
    smoke = [c for c in cases if "smoke" in c.tags]
    assert 25 <= len(smoke) <= 40
    assert any(not c.answerable for c in smoke) and any(c.history for c in smoke)


# ---- tuning helpers and the report -------------------------------------------------------------------
def test_threshold_sweep_and_choice():
    evidence = [
        {"answerable": True, "always_refused": False, "explicit": False, "best_dense": 0.45, "evidence": 0.45},
        {"answerable": True, "always_refused": False, "explicit": True, "best_dense": 0.10, "evidence": 0.10},
        {"answerable": False, "always_refused": False, "explicit": False, "best_dense": 0.60, "evidence": 0.25},
        {"answerable": False, "always_refused": True, "explicit": False, "best_dense": 0.05, "evidence": 0.05},
    ]
    rows = sweep_thresholds(evidence, [0.2, 0.3, 0.4, 0.5])
    assert [r["refusal_accuracy"] for r in rows] == [0.75, 1.0, 1.0, 0.75]
    assert rows[0]["false_answers"] == 1 and rows[3]["false_refusals"] == 1
    assert best_threshold(rows) == 0.35
    assert best_threshold([{"threshold": t, "refusal_accuracy": a} for t, a in
                           [(0.1, 0.5), (0.2, 0.9), (0.3, 0.8), (0.4, 0.9), (0.5, 0.9), (0.6, 0.9)]]) == 0.5
    # a one-threshold peak one case above a wide plateau: the plateau's middle is chosen with a tolerance
    peak = [{"threshold": t, "refusal_accuracy": a} for t, a in
            [(0.1, 0.9), (0.2, 0.9), (0.3, 0.9), (0.4, 0.91), (0.5, 0.9), (0.6, 0.7)]]
    assert best_threshold(peak) == 0.4
    assert best_threshold(peak, tolerance=0.01) == 0.3


def test_vanilla_chunks_map_to_the_most_overlapping_provision():
    from evals.baselines import map_to_provisions

    provisions = [("Article 7(1)", "This article applies to artisanal and small-scale gold mining and processing"),
                  ("Article 7(2)", "Each Party shall take steps to reduce the use of mercury in such mining"),
                  ("Article 7(3)", "Each Party shall develop and implement a national action plan")]
    pieces = ["take steps to reduce the use of mercury in such mining. Each Party shall develop",
              "completely unrelated words about football"]
    assert map_to_provisions(pieces, provisions) == ["Article 7(2)", ""]


def _result(per_case: list[dict], mrr: float) -> dict:
    metrics = {m: 0.5 for m in METRICS}
    metrics["mrr"] = mrr
    return {"cases": len(per_case), "metrics": metrics, "by_tag": {"smoke": {"cases": 1, **metrics}},
            "baselines": {"dense_only": {"metrics": metrics, "by_tag": {}, "per_case": per_case}},
            "per_case": per_case, "meta": {"generated_at": "now", "index": "<idx>"}}


def test_report_is_self_contained_and_marks_changes():
    good = rec(id="case-<1>", expected_refs=["Article 7"], retrieved=hits("Article 7(1)"), cited=hits("Article 7"),
               answer="ok", latency_ms=12.0).to_json()
    bad = dict(good, passed=False, failures=["no expected provision in the top 5"])
    page = render_report(_result([bad], 0.60), old=_result([good], 0.70))
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # no external assets
    assert "<script" not in page and "<link" not in page
    assert "case-&lt;1&gt;" in page and "case-<1>" not in page  # escaped
    assert "Regressed: mrr" in page
    assert "changed from pass to fail (1)" in page


# ---- the real pipeline on the smoke cases ------------------------------------------------------------
@pytest.fixture(scope="module")
def smoke_runs(full_index, embedder):
    from evals.baselines import bm25_only, dense_only, vanilla_langchain
    from evals.runner import PipelineSystem, run_cases
    from ingest.index import IndexStore

    cases = load_cases([CASES_DIR], tags=["smoke"])
    store = IndexStore(full_index, embedder=embedder)
    runs = {}
    for system in (PipelineSystem(full_index, store, use_generator=False), dense_only(full_index, store),
                   bm25_only(full_index, store), vanilla_langchain(full_index, store)):
        try:
            runs[system.name] = run_cases(system, cases, progress=False)
        finally:
            getattr(system, "close", lambda: None)()
    return cases, runs


def test_smoke_pipeline_meets_thresholds(smoke_runs):
    _, runs = smoke_runs
    m = aggregate(runs["pipeline"])
    low = {k: (m[k], limit) for k, limit in SMOKE_THRESHOLDS.items() if m[k] is None or m[k] < limit}
    assert not low, f"below threshold (value, threshold): {low}; all: {m}"
    print(f"smoke latency p50 {m['latency_p50_ms']:.0f} ms, p95 {m['latency_p95_ms']:.0f} ms (targets live in bench/)")
    assert all(r.error is None for r in runs["pipeline"])


def test_smoke_hybrid_beats_single_retrievers_and_vanilla_on_mrr(smoke_runs):
    _, runs = smoke_runs
    mrr = {name: aggregate(records)["mrr"] for name, records in runs.items()}
    assert mrr["pipeline"] > mrr["dense_only"], mrr
    assert mrr["pipeline"] > mrr["bm25_only"], mrr
    assert mrr["pipeline"] > mrr["vanilla_langchain"], mrr


def test_smoke_threshold_sweep_reproduces_the_pipeline_refusals(smoke_runs, full_index, embedder):
    """The tuning sweep models the refusal rule; at the current threshold it must agree with the
    pipeline case by case (if the rule changes in assistant/, evals/tune.py must follow)."""
    from evals.tune import refusal_evidence
    from ingest.index import IndexStore

    cases, runs = smoke_runs
    evidence = refusal_evidence(cases, full_index, IndexStore(full_index, embedder=embedder))
    t = full_index.refusal_threshold
    simulated = {e["id"]: e["always_refused"] or (not e["explicit"] and e["evidence"] < t) for e in evidence}
    actual = {r.id: r.refused for r in runs["pipeline"]}
    assert simulated == actual


# ---- the command line ------------------------------------------------------------------------------
def test_cli_eval_writes_json_and_a_self_contained_report(full_index, tmp_path):
    smoke = load_cases([CASES_DIR], tags=["smoke"])
    picked = [c for c in smoke if not c.answerable][:1] + [c for c in smoke if c.history][:1] + \
             [c for c in smoke if c.answerable and not c.history][:3]
    cases_file = tmp_path / "subset.jsonl"
    cases_file.write_text("".join(json.dumps(c.to_json()) + "\n" for c in picked), encoding="utf-8")
    out, report = tmp_path / "out.json", tmp_path / "report"
    proc = run_cli("eval", "--cases", str(cases_file), "--index", str(full_index.index_dir), "--json", str(out),
                   "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    assert "pipeline" in proc.stdout and "mrr" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"cases", "metrics", "by_tag", "baselines", "per_case"} <= set(data)
    assert data["cases"] == len(picked) == len(data["per_case"])
    assert set(data["metrics"]) == set(METRICS)
    assert all(isinstance(data["metrics"][m], float) for m in METRICS
               if m not in ("verdict_rate", "quote_precision", "amended_date_and_decision"))
    assert "smoke" in data["by_tag"] and set(METRICS) <= set(data["by_tag"]["smoke"])
    assert data["baselines"] == {}
    for c in data["per_case"]:
        assert {"id", "tags", "question", "answerable", "refused", "retrieved", "cited", "facts_found",
                "facts_missing", "hit_rank", "latency_ms"} <= set(c)
        assert len(c["retrieved"]) <= 10 and all({"ref", "doc_id", "doc_type"} <= set(h) for h in c["retrieved"])
    if "obligations" in data:
        assert {"actor", "modality", "deadline"} <= set(data["obligations"])
    else:
        assert data["obligations_message"]
    page = (report / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) and "<link" not in page
    assert "Failed cases" in page

    # comparing with itself: nothing regressed, no case changed
    again = run_cli("eval", "--cases", str(cases_file), "--index", str(full_index.index_dir), "--compare", str(out))
    assert again.returncode == 0, again.stderr
    assert "pass -> fail since the compared run: none" in again.stdout


def test_cli_eval_bad_case_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q", "answerable": "maybe"}\n', encoding="utf-8")
    proc = run_cli("eval", "--cases", str(bad), "--index", str(tmp_path / "none"))
    assert proc.returncode != 0
    assert f"{bad}:1:" in proc.stderr and "answerable" in proc.stderr


# ---- ablation: an advertised feature must own a figure that drops without it -----------------------
def test_ablation_the_unknown_term_penalty_owns_near_topic_refusals(full_index, embedder):
    """With the unknown-term penalty switched off (0), fewer of the out-of-scope cases are refused:
    the penalty is what refuses questions that share the texts' topic words but not their content."""
    from evals.runner import PipelineSystem, run_cases
    from ingest.index import IndexStore

    cases = [c for c in load_cases([CASES_DIR], tags=["tune"]) if not c.answerable and not c.history]
    assert len(cases) >= 10
    store = IndexStore(full_index, embedder=embedder)
    refused = {}
    for penalty in (full_index.unknown_term_penalty, 0.0):
        # the scope check is off in both runs: it would refuse most of these on its own
        settings = full_index.replace(unknown_term_penalty=penalty, scope_check=False)
        system = PipelineSystem(settings, store, use_generator=False)
        try:
            refused[penalty] = sum(r.refused for r in run_cases(system, cases, progress=False))
        finally:
            getattr(system, "close", lambda: None)()
    assert full_index.unknown_term_penalty > 0
    print(f"out-of-scope cases refused: {refused} of {len(cases)} (penalty: refused)")
    assert refused[0.0] < refused[full_index.unknown_term_penalty], refused


def test_amendment_answers_count_only_when_they_hold_the_date_and_the_decision():
    both = rec(id="a", tags=("amendment",), facts=("2025", "MC-4/3", "vacuum pumps"),
               answer="Vacuum pumps: after 2025 (Decision MC-4/3).")
    date_only = rec(id="b", tags=("amendment",), facts=("2025", "MC-4/3"), answer="After 2025.")
    no_dates = rec(id="c", tags=("amendment",), facts=("vacuum pumps",), answer="Vacuum pumps.")
    untagged = rec(id="d", facts=("2020",), answer="No.")
    assert aggregate([both, date_only, no_dates, untagged])["amended_date_and_decision"] == 0.5
    assert aggregate([no_dates, untagged])["amended_date_and_decision"] is None
