"""Checks on the question bank (corpus/bank/) and the amendments note (corpus/amendments/)
against ../shared: part of `minamata corpus check` and of the tests.

Question bank:
- every ref resolves: a provision of the official text, or a decision the amendment facts name;
- every number and date in an answer sentence occurs in a provision it cites (or, when it cites a
  decision, in the amendment facts file);
- no 12-word run shared with ../shared (answers and phrasings);
- every phrasing is a question, and no phrasing appears under two entries;
- each entry's facts occur in its answer;
- a yes/no entry's verdict agrees with the modality of what it cites: a "Can we ...?" answered
  "Yes." from a provision that says "shall not allow" is an error.
Amendments note: every date and number occurs in the amendment facts file, no copied run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.bank import BankEntry, parse_bank
from ingest.models import Line
from ingest.refs import Ref, RefError, parse_ref_list
from ingest.settings import REPO_ROOT
from ingest.structure import BRACKET_RE

from .guide_quality import OfficialText, copied_runs, number_values, sentence_numbers, shared_sources

BANK_DIR = REPO_ROOT / "corpus" / "bank"
AMENDMENTS = REPO_ROOT / "corpus" / "amendments" / "annex-amendments.md"
FACTS_FILE = "annex-amendments-facts.md"
_PERMISSION_QUESTION = re.compile(r"^\s*(?:can|may|is it (?:allowed|legal|ok|okay)|are (?:we|they) allowed)\b", re.I)
_PROHIBITING = re.compile(r"\bshall not allow\b|\bNo Party (?:shall|may)\b|\bshall not permit\b", re.I)


@dataclass
class BankReport:
    entries: int = 0
    phrasings: int = 0
    answerable: int = 0
    refs_checked: int = 0
    numbers_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load_bank(paths: list[Path] | None = None) -> list[BankEntry]:
    entries: list[BankEntry] = []
    for path in paths or sorted(BANK_DIR.glob("*.md")):
        entries += parse_bank([Line(t) for t in path.read_text(encoding="utf-8").splitlines()])
    return entries


def check_bank(shared: Path, paths: list[Path] | None = None) -> BankReport:
    official = OfficialText(shared / "reference" / "minamata-convention.md")
    facts_text = (shared / "reference" / FACTS_FILE).read_text(encoding="utf-8")
    decision_numbers = number_values(facts_text)
    known_decisions = {Ref.of_decision(int(a), int(b)) for a, b in re.findall(r"MC-(\d)/(\d{1,2})", facts_text)}
    known_decisions |= {Ref.of_decision(int(n)) for n in re.findall(r"COP-(\d)", facts_text)}
    sources = shared_sources(shared)
    report = BankReport()
    owner: dict[str, str] = {}
    for e in load_bank(paths):
        report.entries += 1
        report.phrasings += len(e.questions)
        report.answerable += e.answerable
        where = f"entry {e.id}"
        if len(e.questions) < 3:
            report.problems.append(f"{where}: fewer than 3 phrasings")
        for q in e.questions:
            key = re.sub(r"\W+", " ", q.lower()).strip()
            if not q.rstrip().endswith("?"):
                report.problems.append(f"{where}: not a question: {q}")
            if key in owner and owner[key] != e.id:
                report.problems.append(f"{where}: phrasing also under {owner[key]}: {q}")
            owner[key] = e.id
        for run in copied_runs("\n".join([*e.questions, *e.sentences]), sources):
            report.problems.append(f"{where}: copied 12-word run: {run}")
        if e.answerable:
            for fact in e.facts:
                if fact.lower() not in e.answer.lower():
                    report.problems.append(f"{where}: fact {fact!r} is not in its answer")
        for ref in (Ref.parse(r) for r in (*e.refs, *e.related)):
            report.refs_checked += 1
            if not (official.exists(ref) if not ref.is_decision else ref in known_decisions):
                report.problems.append(f"{where}: {ref} does not exist")
        for sentence in e.sentences:
            cited: list[Ref] = []
            for m in BRACKET_RE.finditer(sentence):
                try:
                    cited += parse_ref_list(m[1])
                except RefError as exc:
                    report.problems.append(f"{where}: {exc}")
            support = set(decision_numbers) if any(r.is_decision for r in cited) else set()
            for ref in cited:
                report.refs_checked += 1
                if not ref.is_decision:
                    if not official.exists(ref):
                        report.problems.append(f"{where}: {ref} does not exist")
                    support |= number_values(official.text_of(ref))
            for value in sentence_numbers(sentence):
                report.numbers_checked += 1
                if cited and value not in support:
                    report.problems.append(f"{where}: {value:g} is not in {'; '.join(map(str, cited))}")
        if e.kind == "yes-no" and e.sentences and e.sentences[0].lower().startswith("yes") \
                and any(_PERMISSION_QUESTION.match(q) for q in e.questions):
            texts = " ".join(official.text_of(Ref.parse(r)) for r in e.refs if not Ref.parse(r).is_decision)
            if _PROHIBITING.search(texts) and not re.search(r"\b(?:only|unless|except|if)\b", e.sentences[0], re.I):
                report.problems.append(f"{where}: answers 'Yes.' to a permission question while its provision "
                                       f"prohibits; say the condition")
    return report


def check_amendments(shared: Path, path: Path = AMENDMENTS) -> BankReport:
    """Every number in the amendments note occurs in the facts file (or the 2013 annex text it
    cites); nothing is copied."""
    facts_text = (shared / "reference" / FACTS_FILE).read_text(encoding="utf-8")
    official = OfficialText(shared / "reference" / "minamata-convention.md")
    support = number_values(facts_text)
    text = path.read_text(encoding="utf-8")
    report = BankReport(entries=1)
    for run in copied_runs(text, shared_sources(shared)):
        report.problems.append(f"{path.name}: copied 12-word run: {run}")
    for line in text.splitlines():
        cited = [r for m in BRACKET_RE.finditer(line) for r in _try_refs(m[1])]
        allowed = support | {v for r in cited if not r.is_decision for v in number_values(official.text_of(r))}
        for value in sentence_numbers(BRACKET_RE.sub("", line)):
            report.numbers_checked += 1
            if value not in allowed:
                report.problems.append(f"{path.name}: {value:g} is not in the amendment facts: {line[:100]}")
    return report


def _try_refs(text: str) -> list[Ref]:
    try:
        return parse_ref_list(text)
    except RefError:
        return []


def format_bank_report(name: str, r: BankReport) -> str:
    lines = [f"{name}: {r.entries} entries ({r.answerable} answerable), {r.phrasings} phrasings, "
             f"{r.refs_checked} references, {r.numbers_checked} numbers checked",
             f"problems: {len(r.problems)}"]
    lines += [f"  - {p}" for p in r.problems[:200]]
    return "\n".join(lines)
