"""Run evaluation cases through a system and collect per-case records.

A *system* is anything with ``name``, ``ask(question, history, audience) -> Outcome`` and
``warm_up()``: the project's pipeline (`PipelineSystem`, any retrieval mode) or a baseline
(evals.baselines). A case's history questions are asked first, in order, in the same
conversation (each with the questions before it as history); their answers are not scored. Then
the case question is asked with the whole history and timed.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .cases import Case
from .metrics import CaseRecord, Hit, score_record

log = logging.getLogger(__name__)
TOP_RETRIEVED = 10


@dataclass
class Outcome:
    """A system's answer in the terms the metrics use."""

    refused: bool
    text: str
    retrieved: list[Hit] = field(default_factory=list)  # rank order
    cited: list[Hit] = field(default_factory=list)
    latency_ms: float | None = None  # None: the runner's wall clock is used
    refusal_reason: str | None = None


class System(Protocol):
    name: str

    def ask(self, question: str, history: Sequence[str], audience: str) -> Outcome: ...

    def warm_up(self) -> None: ...


def outcome_from_answer(answer) -> Outcome:
    """assistant.types.Answer -> Outcome."""
    retrieved = [Hit(p.chunk.ref, p.chunk.doc_id, p.chunk.doc_type, float(p.score)) for p in answer.retrieved]
    cited = [Hit(c.ref, c.doc_id, c.doc_type) for c in answer.citations]
    return Outcome(refused=answer.refused, text=answer.text, retrieved=retrieved, cited=cited,
                   refusal_reason=getattr(answer, "refusal_reason", None))


class PipelineSystem:
    """The project's answering chain (assistant.chain.Assistant) with the given settings; the
    retrieval mode comes from settings.retrieval_mode ("hybrid", "dense" or "bm25")."""

    def __init__(self, settings, store=None, name: str | None = None, use_generator: bool = True):
        from assistant.chain import Assistant

        self.settings = settings
        self.assistant = Assistant(settings, store, use_generator=use_generator)
        self.name = name or ("pipeline" if settings.retrieval_mode == "hybrid" else f"{settings.retrieval_mode}_only")

    def warm_up(self) -> None:
        self.assistant.warm_up()

    def ask(self, question: str, history: Sequence[str], audience: str) -> Outcome:
        return outcome_from_answer(self.assistant.ask(question, list(history), audience))


def new_record(case: Case) -> CaseRecord:
    return CaseRecord(id=case.id, question=case.question, answerable=case.answerable, tags=list(case.tags),
                      history=list(case.history), expected_refs=list(case.expected_refs),
                      expected_doc_types=list(case.expected_doc_types), facts=list(case.facts))


def run_case(system: System, case: Case, audience: str = "plain", replay_history: bool = True) -> CaseRecord:
    """One case. With `replay_history` False the history is only passed along, not asked first
    (same result for a stateless system, faster: used by tuning)."""
    record = new_record(case)
    try:
        for i, earlier in enumerate(case.history if replay_history else ()):
            system.ask(earlier, case.history[:i], audience)
        start = time.perf_counter()
        out = system.ask(case.question, case.history, audience)
        wall = (time.perf_counter() - start) * 1000
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the run; it is scored as failed
        log.exception("%s: case %s failed", system.name, case.id)
        record.error = f"{type(exc).__name__}: {exc}"
        return score_record(record)
    record.refused = out.refused
    record.refusal_reason = out.refusal_reason
    record.answer = out.text
    record.retrieved = out.retrieved[:TOP_RETRIEVED]
    record.cited = out.cited
    record.latency_ms = out.latency_ms if out.latency_ms is not None else wall
    return score_record(record)


def run_cases(system: System, cases: Sequence[Case], audience: str = "plain", progress: bool | None = None,
              replay_history: bool = True) -> list[CaseRecord]:
    """Every case through the system, in order, with a tqdm bar on stderr (default: when it is a
    terminal)."""
    from tqdm import tqdm

    if progress is None:
        progress = sys.stderr.isatty()
    system.warm_up()
    records = []
    for case in tqdm(cases, desc=f"{system.name:<18}", unit="case", disable=not progress, leave=True, file=sys.stderr):
        records.append(run_case(system, case, audience, replay_history))
    return records
