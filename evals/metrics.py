"""Evaluation metrics: pure, deterministic functions over per-case records.

Matching
--------
A retrieved or cited passage *matches* an expected provision at the level the provision is
written: ``Ref.parse(expected).contains(Ref.parse(passage_ref))``. So "Article 7" matches
"Article 7(3)(a)", "Article 7(3)" needs paragraph 3, and "Annex A" matches "Annex A Part I". A
passage whose ref is not canonical never matches a ref. A passage also matches when the case
lists its document type in ``expected_doc_types`` (COP texts carry no provision refs).

The *targets* of a case are its expected refs plus its expected doc types; recall-style
metrics count the share of targets matched.

Metrics
-------
Retrieval, over answerable cases (rank = position in the system's retrieved list, 1-based):
- hit@1, hit@5: a matching passage at rank 1 / in the top 5;
- mrr: mean of 1/rank of the first matching passage (0 when none in the list);
- recall@5: share of the case's targets matched by the top 5, averaged over cases.
Answers:
- citation_precision: share of the answer's citations that match a target, averaged over the
  answerable cases that were answered with at least one citation;
- citation_recall: share of targets matched by a citation, averaged over answerable cases (a
  refused answerable case scores 0);
- fact_recall: share of the case's facts found in the answer text, averaged over answerable
  cases with facts (a refused one scores 0); see `fact_present` for the normalisation;
- refusal_accuracy: over all cases, refused exactly when not answerable (an error is wrong);
- latency_p50_ms, latency_p95_ms: percentiles (linear interpolation) of the case latencies.
- amended_date_and_decision: over answerable cases tagged `amendment` with a date or decision
  fact (a year, a dated day, "MC-4/3", "COP-6"), the share whose answer holds all of those facts:
  the answer states the amended date and names the decision or meeting.
Every metric is also computed per tag (`by_tag`). A metric with no eligible case is None.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ingest.refs import NUMBER_WORDS, Ref, RefError

METRICS = ("hit@1", "hit@5", "mrr", "recall@5", "citation_precision", "citation_recall", "fact_recall",
           "lead_fact_recall", "verdict_rate", "quote_precision", "amended_date_and_decision",
           "truncated", "repeated", "meta_lead",
           "refusal_accuracy", "latency_p50_ms", "latency_p95_ms")
# Shares of answers with a defect: lower is better, like latency.
DEFECT_METRICS = ("truncated", "repeated", "meta_lead")
# True when a larger value is better (used to mark regressions).
HIGHER_IS_BETTER = {m: not m.startswith("latency") and m not in DEFECT_METRICS for m in METRICS}


@dataclass
class Hit:
    """One retrieved or cited passage, as the metrics see it."""

    ref: str
    doc_id: str = ""
    doc_type: str = ""
    score: float | None = None

    def to_json(self) -> dict:
        d = {"ref": self.ref, "doc_id": self.doc_id, "doc_type": self.doc_type}
        if self.score is not None:
            d["score"] = round(float(self.score), 6)
        return d

    @classmethod
    def from_json(cls, d: dict) -> Hit:
        return cls(ref=d.get("ref", ""), doc_id=d.get("doc_id", ""), doc_type=d.get("doc_type", ""),
                   score=d.get("score"))


@dataclass
class CaseRecord:
    """What one system did on one case, with the case's expectations (JSON: `to_json`)."""

    id: str
    question: str
    answerable: bool
    tags: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    expected_refs: list[str] = field(default_factory=list)
    expected_doc_types: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    refused: bool = False
    refusal_reason: str | None = None
    retrieved: list[Hit] = field(default_factory=list)  # rank order, top 10
    cited: list[Hit] = field(default_factory=list)
    answer: str = ""
    latency_ms: float = 0.0
    error: str | None = None
    # derived by `score_record`
    hit_rank: int | None = None
    facts_found: list[str] = field(default_factory=list)
    facts_missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        d = asdict(self)
        d["retrieved"] = [h.to_json() for h in self.retrieved]
        d["cited"] = [h.to_json() for h in self.cited]
        d["latency_ms"] = round(float(self.latency_ms), 2)
        d["passed"] = passed(self)
        d["failures"] = failure_reasons(self)
        return d

    @classmethod
    def from_json(cls, d: dict) -> CaseRecord:
        known = {f for f in cls.__dataclass_fields__}
        data = {k: v for k, v in d.items() if k in known}
        data["retrieved"] = [Hit.from_json(h) for h in d.get("retrieved", [])]
        data["cited"] = [Hit.from_json(h) for h in d.get("cited", [])]
        return cls(**data)


# ---- matching --------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _parse(ref: str) -> Ref | None:
    if not ref:
        return None
    try:
        return Ref.parse(ref)
    except RefError:
        return None


def ref_matches(expected: str, ref: str) -> bool:
    """True when `ref` is the expected provision or lies inside it."""
    e, r = _parse(expected), _parse(ref)
    return e is not None and r is not None and e.contains(r)


def hit_matches(hit: Hit, expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> bool:
    return hit.doc_type in expected_doc_types or any(ref_matches(e, hit.ref) for e in expected_refs)


def targets(expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> list[tuple[str, str]]:
    return [("ref", r) for r in expected_refs] + [("doc_type", t) for t in expected_doc_types]


def targets_matched(hits: Iterable[Hit], expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> set:
    hits = list(hits)
    out = set()
    for kind, value in targets(expected_refs, expected_doc_types):
        if kind == "ref" and any(ref_matches(value, h.ref) for h in hits):
            out.add((kind, value))
        elif kind == "doc_type" and any(h.doc_type == value for h in hits):
            out.add((kind, value))
    return out


def hit_rank(retrieved: Sequence[Hit], expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> int | None:
    """1-based rank of the first matching passage, None when there is none."""
    for i, h in enumerate(retrieved, start=1):
        if hit_matches(h, expected_refs, expected_doc_types):
            return i
    return None


def recall_at(retrieved: Sequence[Hit], expected_refs: Sequence[str], expected_doc_types: Sequence[str],
              k: int = 5) -> float | None:
    n = len(targets(expected_refs, expected_doc_types))
    if not n:
        return None
    return len(targets_matched(retrieved[:k], expected_refs, expected_doc_types)) / n


def citation_precision(cited: Sequence[Hit], expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> float | None:
    if not cited:
        return None
    return sum(hit_matches(h, expected_refs, expected_doc_types) for h in cited) / len(cited)


def citation_recall(cited: Sequence[Hit], expected_refs: Sequence[str], expected_doc_types: Sequence[str]) -> float | None:
    n = len(targets(expected_refs, expected_doc_types))
    if not n:
        return None
    return len(targets_matched(cited, expected_refs, expected_doc_types)) / n


# ---- facts -----------------------------------------------------------------------------------
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {w: n for w, n in NUMBER_WORDS.items() if n < 10}
_NUMBER_WORD_RE = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[\s-](" + "|".join(_UNITS) + r"))?|("
    + "|".join(sorted((w for w, n in NUMBER_WORDS.items() if n < 20), key=len, reverse=True)) + r"))\b")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"), " ")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}


def _number_word(m: re.Match) -> str:
    if m[3]:
        return str(NUMBER_WORDS[m[3]])
    return str(_TENS[m[1]] + (_UNITS[m[2]] if m[2] else 0))


@lru_cache(maxsize=8192)
def normalise_text(text: str) -> str:
    """Case-folded text with numbers and spacing made comparable: "Fifteen years" -> "15 years",
    "1ppm" -> "1 ppm", "95 %" / "95 percent" -> "95 per cent", "life-cycle" -> "life cycle",
    "1,000" -> "1000"; Markdown emphasis and citation markers dropped."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    t = re.sub(r"\[\d+\]", " ", t)  # citation markers [1]
    t = t.replace("**", "").replace("__", "")
    t = t.translate(_DASHES)
    t = _NUMBER_WORD_RE.sub(_number_word, t)
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"\s*%", " per cent", t)
    t = re.sub(r"\bper\s*cent\b|\bpercent\b", "per cent", t)
    t = re.sub(r"(?<=\d)(?=[a-z])", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def fact_present(fact: str, text: str) -> bool:
    """The fact appears in the text after `normalise_text` on both; it must start at a word
    boundary and, when it ends in a digit, end at one ("15" does not match "150")."""
    f = normalise_text(fact)
    if not f:
        return False
    tail = r"(?![0-9])" if f[-1].isdigit() else ""
    return re.search(r"(?<![a-z0-9])" + re.escape(f) + tail, normalise_text(text)) is not None


def split_facts(facts: Sequence[str], text: str) -> tuple[list[str], list[str]]:
    found = [f for f in facts if fact_present(f, text)]
    return found, [f for f in facts if f not in found]


# ---- one record ------------------------------------------------------------------------------
def score_record(r: CaseRecord) -> CaseRecord:
    """Fill the derived fields (hit rank, facts found/missing) of a record; returns it."""
    r.hit_rank = hit_rank(r.retrieved, r.expected_refs, r.expected_doc_types) if r.answerable else None
    text = "" if r.refused else r.answer
    r.facts_found, r.facts_missing = split_facts(r.facts, text)
    return r


def refusal_correct(r: CaseRecord) -> bool:
    return r.error is None and r.refused == (not r.answerable)


def failure_reasons(r: CaseRecord) -> list[str]:
    """Why a case counts as failed (empty: passed). Answerable cases must be answered, have an
    expected provision in the top 5, cite at least one, and contain every fact."""
    if r.error:
        return [f"error: {r.error}"]
    reasons = []
    if r.answerable and r.refused:
        reasons.append("refused an answerable question")
    if not r.answerable and not r.refused:
        reasons.append("answered a question it should refuse")
    if r.answerable:
        rank = hit_rank(r.retrieved, r.expected_refs, r.expected_doc_types)
        if rank is None or rank > 5:
            reasons.append("no expected provision in the top 5" + (f" (first at rank {rank})" if rank else ""))
        if not r.refused:
            if not targets_matched(r.cited, r.expected_refs, r.expected_doc_types):
                reasons.append("cites none of the expected provisions")
            _, missing = split_facts(r.facts, r.answer)
            if missing:
                reasons.append("missing facts: " + "; ".join(missing))
    return reasons


def passed(r: CaseRecord) -> bool:
    return not failure_reasons(r)


# ---- aggregates ------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    xs = sorted(float(v) for v in values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: Iterable[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def _round(v: float | None, digits: int = 4) -> float | None:
    return None if v is None else round(v, digits)


def aggregate(records: Sequence[CaseRecord]) -> dict:
    """Every metric of METRICS over these records (None where no case is eligible)."""
    answerable = [r for r in records if r.answerable]
    ranks = [hit_rank(r.retrieved, r.expected_refs, r.expected_doc_types) for r in answerable]
    answered = [r for r in answerable if not r.refused and r.error is None]
    out = {
        "hit@1": _mean([1.0 if k == 1 else 0.0 for k in ranks]),
        "hit@5": _mean([1.0 if k is not None and k <= 5 else 0.0 for k in ranks]),
        "mrr": _mean([1.0 / k if k else 0.0 for k in ranks]),
        "recall@5": _mean([recall_at(r.retrieved, r.expected_refs, r.expected_doc_types, 5) for r in answerable]),
        "citation_precision": _mean([citation_precision(r.cited, r.expected_refs, r.expected_doc_types)
                                     for r in answered]),
        "citation_recall": _mean([citation_recall([] if r.refused else r.cited, r.expected_refs,
                                                  r.expected_doc_types) for r in answerable]),
        "fact_recall": _mean([len(split_facts(r.facts, "" if r.refused else r.answer)[0]) / len(r.facts)
                              for r in answerable if r.facts]),
        **answer_metrics(answerable),
        "refusal_accuracy": _mean([1.0 if refusal_correct(r) else 0.0 for r in records]),
        "latency_p50_ms": percentile([r.latency_ms for r in records if r.error is None], 50),
        "latency_p95_ms": percentile([r.latency_ms for r in records if r.error is None], 95),
    }
    return {k: _round(v, 2 if k.startswith("latency") else 4) for k, v in out.items()}


_DATE_OR_DECISION = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\bMC-\d+/\d+\b|\bCOP-?\s?\d+\b", re.IGNORECASE)


def dated_decision_facts(facts: Sequence[str]) -> list[str]:
    """The facts of a case that are a year, a dated day or a decision / meeting name."""
    return [f for f in facts if _DATE_OR_DECISION.search(f)]


def answer_metrics(answerable: Sequence[CaseRecord]) -> dict:
    """Answer-level metrics over answerable cases, as a reader meets the answer (evals.answers)."""
    from .answers import is_truncated, has_repeats, lead_text, opens_with_verdict, quoted_refs, starts_with_meta
    from assistant.question import question_kind

    answered = [r for r in answerable if not r.refused and r.error is None]
    yes_no = [r for r in answerable if question_kind(r.question) == "yes-no"]
    quoting = [(r, q) for r in answered if (q := quoted_refs(r.answer))]
    return {
        "lead_fact_recall": _mean([len(split_facts(r.facts, "" if r.refused else lead_text(r.answer))[0]) / len(r.facts)
                                   for r in answerable if r.facts]),
        "verdict_rate": _mean([1.0 if not r.refused and opens_with_verdict(r.answer) else 0.0 for r in yes_no]),
        "quote_precision": _mean([sum(any(ref_matches(e, q) for e in r.expected_refs) for q in qs) / len(qs)
                                  for r, qs in quoting if r.expected_refs]),
        "amended_date_and_decision": _mean([
            0.0 if r.refused or split_facts(dd, r.answer)[1] else 1.0
            for r in answerable if "amendment" in r.tags and (dd := dated_decision_facts(r.facts))]),
        "truncated": _mean([1.0 if is_truncated(r.answer) else 0.0 for r in answered]),
        "repeated": _mean([1.0 if has_repeats(r.answer) else 0.0 for r in answered]),
        "meta_lead": _mean([1.0 if starts_with_meta(r.answer) else 0.0 for r in answered]),
    }


def refusals_by_reason(records: Sequence[CaseRecord]) -> dict[str, dict[str, int]]:
    """{reason: {"right": refused cases that should be, "wrong": answerable cases refused}}."""
    out: dict[str, dict[str, int]] = {}
    for r in records:
        if r.refused:
            row = out.setdefault(r.refusal_reason or "unknown", {"right": 0, "wrong": 0})
            row["wrong" if r.answerable else "right"] += 1
    return dict(sorted(out.items()))


def by_tag(records: Sequence[CaseRecord]) -> dict[str, dict]:
    """{tag: aggregate(...) + {"cases": n}} for every tag, tags sorted."""
    tags = sorted({t for r in records for t in r.tags})
    out = {}
    for t in tags:
        subset = [r for r in records if t in r.tags]
        out[t] = {"cases": len(subset), **aggregate(subset)}
    return out


def compare(old: dict, new: dict, tolerance: float = 0.005, latency_tolerance: float = 0.10) -> dict[str, str]:
    """Per metric: "improved", "regressed" or "same". Scores move by more than `tolerance`
    (absolute); latencies by more than `latency_tolerance` (relative)."""
    out = {}
    for m in METRICS:
        a, b = old.get(m), new.get(m)
        if a is None or b is None:
            out[m] = "same" if a == b else "n/a"
            continue
        delta = b - a
        if not HIGHER_IS_BETTER[m]:
            limit = abs(a) * latency_tolerance
            out[m] = "regressed" if delta > limit else "improved" if delta < -limit else "same"
        else:
            out[m] = "improved" if delta > tolerance else "regressed" if delta < -tolerance else "same"
    return out
