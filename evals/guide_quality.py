"""Checks on the bundled guide against the official text: own words, resolvable references,
supported numbers, readability.

    python -m evals.guide_quality [FILE...] [--shared DIR]      (also: minamata corpus check)

The official text and the COP1 seed are read from ../shared at check time; they are never copied.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ingest.models import Line
from ingest.refs import NUMBER_WORDS, Ref, RefError, parse_ref_list
from ingest.settings import REPO_ROOT
from ingest.structure import BRACKET_RE, parse_legal, parse_sections

DEFAULT_SHARED = REPO_ROOT.parent / "shared"
COPY_RUN = 12

# "one" is left out: in prose it is mostly a pronoun ("one of the measures"), not a quantity
_UNITS = {"zero": 0, **{w: n for w, n in NUMBER_WORDS.items() if 2 <= n < 20}}
_TENS = {w: n for w, n in NUMBER_WORDS.items() if n >= 20}
_ORDINALS = {"third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
             "eleventh": 11, "twelfth": 12, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
             "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD_NUMBER = re.compile(r"\b(" + "|".join(sorted([*_UNITS, *_TENS, *_ORDINALS, *_SCALE], key=len, reverse=True))
                          + r")(?:-(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"|" + "|".join(_ORDINALS)
                          + r"))?\b", re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\w.])(\d{1,3}(?:[ ,]\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?\b")
# Numbers that are part of a reference ("Article 4", "paragraphs 1 and 2", "Part II") are not facts.
_REFERENCE_MENTION = re.compile(
    r"\b(?:Articles?|[Pp]aragraphs?|[Ss]ubparagraphs?|Annex(?:es)?|Parts?|Art\.)\s+"
    r"[\dA-Z][\w()]*(?:\s*(?:,|and|or|to|–|-)\s*[\dA-Z][\w()]*)*"
    r"|\b(?:decision|resolution)\s+\d+/\d+|\bCOP-?\d+\b|\bMC-\d+/\d+")


_PROVISION_HEADING = re.compile(r"^#{1,6}\s*(Article \d+|Annex [A-E])\b")


def number_values(text: str) -> set[float]:
    """Every number written in `text`, as digits ("15", "1 500", "90th") or words ("fifteen", "ninetieth")."""
    values: set[float] = set()
    for m in _DIGITS.finditer(text):
        raw = m.group(1)
        values.add(float(re.sub(r"[ ,]", "", raw)))
        for part in re.split(r"[ ,]", raw):  # "1 500" also counts as 1 and 500
            values.add(float(part))
    for m in _WORD_NUMBER.finditer(text):
        head, tail = m.group(1).lower(), (m.group(2) or "").lower()
        value = _UNITS.get(head) or _TENS.get(head) or _ORDINALS.get(head) or _SCALE.get(head) or 0
        if tail:
            value += _UNITS.get(tail) or _ORDINALS.get(tail) or 0
        values.add(float(value))
    return values


def sentence_numbers(sentence: str) -> set[float]:
    body = BRACKET_RE.sub(" ", sentence)
    body = _REFERENCE_MENTION.sub(" ", body)
    return number_values(body)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("’", "'"))


def copied_runs(text: str, sources: list[str], n: int = COPY_RUN) -> list[str]:
    """Runs of n consecutive words of `text` that also appear in any source (case/punctuation folded)."""
    source_grams: set[tuple[str, ...]] = set()
    for s in sources:
        w = words(s)
        source_grams.update(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    w = words(text)
    hits, i = [], 0
    while i <= len(w) - n:
        if tuple(w[i:i + n]) in source_grams:
            j = i + n
            while j < len(w) and tuple(w[j - n + 1:j + 1]) in source_grams:
                j += 1
            hits.append(" ".join(w[i:j]))
            i = j
        else:
            i += 1
    return hits


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", text.strip())
    return [p.strip() for p in parts if p.strip()]


class OfficialText:
    """The official Convention text as provisions; text of a ref includes everything inside it."""

    def __init__(self, path: Path):
        self.blocks = parse_legal([Line(t) for t in path.read_text(encoding="utf-8").splitlines()])
        self.refs = [Ref.parse(b.ref) if b.ref else None for b in self.blocks]
        self.known = {r for r in self.refs if r is not None}
        for r in list(self.known):
            self.known.update(r.ancestors())

    def exists(self, ref: Ref) -> bool:
        return ref in self.known

    def text_of(self, ref: Ref) -> str:
        return "\n".join(b.text + " " + b.heading for b, r in zip(self.blocks, self.refs)
                         if r is not None and ref.contains(r))


@dataclass
class Report:
    files: int = 0
    sentences: int = 0
    referenced_sentences: int = 0
    numbers_checked: int = 0
    refs_checked: int = 0
    words: int = 0
    short_sentences: int = 0
    copied: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.copied or self.unresolved or self.unsupported or self.unreferenced)

    @property
    def avg_sentence_words(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def share_short(self) -> float:
        return self.short_sentences / self.sentences if self.sentences else 0.0


def shared_sources(shared: Path) -> list[str]:
    """The texts of ../shared whose wording must not be copied: the reference texts and the seed."""
    return [p.read_text(encoding="utf-8", errors="replace")
            for folder in ("reference", "seed") for p in sorted((shared / folder).glob("*"))
            if p.is_file() and p.name != "SOURCES.md"]


def check_files(files: list[Path], shared: Path, *, facts: bool = True) -> Report:
    official = OfficialText(shared / "reference" / "minamata-convention.md")
    sources = shared_sources(shared)
    report = Report()
    for path in files:
        text = path.read_text(encoding="utf-8")
        report.files += 1
        # Official provision titles in headings are names, which carry over; prose may not.
        prose = "\n".join(t for t in text.splitlines() if not _PROVISION_HEADING.match(t))
        report.copied += [f"{path.name}: {run}" for run in copied_runs(prose, sources)]
        has_refs = bool(BRACKET_RE.search(text))
        title = next((t[2:].strip() for t in text.splitlines() if t.startswith("# ")), "")
        for block in parse_sections([Line(t) for t in text.splitlines()]):
            # the file's introduction (under its "# " title only) needs no references
            under_section = bool(block.heading_path) and block.heading_path[0] != title
            for sentence in split_sentences(block.text):
                n_words = len(words(BRACKET_RE.sub("", sentence)))
                report.sentences += 1
                report.words += n_words
                report.short_sentences += n_words < 25
                if not (facts and has_refs and under_section):
                    continue
                cited: list[Ref] = []
                for m in BRACKET_RE.finditer(sentence):
                    try:
                        cited += parse_ref_list(m[1])
                    except RefError as exc:
                        report.unresolved.append(f"{path.name}: {exc} in: {sentence[:90]}")
                if not cited:
                    report.unreferenced.append(f"{path.name}: {sentence[:110]}")
                    continue
                report.referenced_sentences += 1
                for ref in cited:
                    report.refs_checked += 1
                    if not official.exists(ref):
                        report.unresolved.append(f"{path.name}: {ref} does not exist, in: {sentence[:90]}")
                support: set[float] = set()
                for ref in cited:
                    support |= number_values(official.text_of(ref))
                for value in sorted(sentence_numbers(sentence)):
                    report.numbers_checked += 1
                    if value not in support:
                        shown = int(value) if value.is_integer() else value
                        report.unsupported.append(
                            f"{path.name}: {shown} not in {'; '.join(map(str, cited))}: {sentence[:110]}")
    return report


def default_files() -> list[Path]:
    return sorted((REPO_ROOT / "corpus" / "guide").glob("*.md"))


def format_report(r: Report) -> str:
    lines = [f"checked {r.files} file(s): {r.sentences} sentences ({r.referenced_sentences} with references), "
             f"{r.refs_checked} references, {r.numbers_checked} numbers",
             f"readability: {r.avg_sentence_words:.1f} words per sentence on average; "
             f"{100 * r.share_short:.0f}% of sentences under 25 words"]
    for title, items in (("copied 12-word runs", r.copied), ("unresolvable references", r.unresolved),
                         ("numbers not found in the cited provisions", r.unsupported),
                         ("sentences without a reference", r.unreferenced)):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  - {x}" for x in items[:200]]
    lines.append("OK" if r.ok else "PROBLEMS FOUND")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minamata corpus check", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    if not (args.shared / "reference" / "minamata-convention.md").is_file():
        print(f"error: the official text is not at {args.shared}/reference; pass --shared DIR", file=sys.stderr)
        return 2
    report = check_files(args.files or default_files(), args.shared)
    print(format_report(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
