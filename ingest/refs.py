"""Canonical provision references: the legal structure as a value type.

Every stage speaks in these values: the splitter assigns them to chunks, the retriever resolves
them from questions, citations print them, evals compare them. Parse and format happen only here.

Canonical spellings::

    Preamble
    Article 7 | Article 7(3) | Article 7(3)(a) | Article 7(3)(a)(i) | Article 2(b)(ii)
    Annex A | Annex A Part I | Annex C(1)(b)(ii) | Annex E Part I Article 3(2)
    Decision MC-4/3 | COP-6            (a decision of a later meeting; a meeting whose decision
                                        number is not known is cited by the meeting itself)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv")
_PART_NUMERALS = ("I", "II", "III", "IV", "V")

# "article eight", "paragraph three": small written-out numbers users type.
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}


class RefError(ValueError):
    """A string that is not a canonical provision reference."""


@dataclass(frozen=True, order=True)
class Ref:
    """One provision of a legal text. Unused levels are None/empty.

    Field order makes sorting follow the document: preamble, articles by number, then annexes.
    """

    kind: int  # 0 preamble, 1 article, 2 annex, 3 decision (an int so that refs sort in document order)
    article: int = 0  # Article N, or Article N inside an annex part (Annex E)
    annex: str = ""
    part: int = 0  # Annex part number (1 = Part I)
    paragraph: int = 0
    subparagraph: str = ""
    item: str = ""
    meeting: int = 0  # decisions: the Conference of the Parties meeting (4 in "Decision MC-4/3")
    decision: int = 0  # decisions: the number within the meeting (3 in "Decision MC-4/3"); 0 = the meeting

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def preamble(cls) -> Ref:
        return cls(kind=0)

    @classmethod
    def of_article(cls, number: int, paragraph: int = 0, subparagraph: str = "", item: str = "") -> Ref:
        return cls(kind=1, article=number, paragraph=paragraph, subparagraph=subparagraph, item=item)

    @classmethod
    def of_annex(cls, letter: str, part: int = 0, article: int = 0, paragraph: int = 0,
                 subparagraph: str = "", item: str = "") -> Ref:
        return cls(kind=2, annex=letter.upper(), part=part, article=article, paragraph=paragraph,
                   subparagraph=subparagraph, item=item)

    @classmethod
    def of_decision(cls, meeting: int, number: int = 0) -> Ref:
        """"Decision MC-4/3" is of_decision(4, 3); "COP-6" (its decision number unknown) of_decision(6)."""
        return cls(kind=3, meeting=meeting, decision=number)

    @property
    def is_decision(self) -> bool:
        return self.kind == 3

    @classmethod
    def parse(cls, text: str) -> Ref:
        """Parse a canonical reference; raises RefError for anything else."""
        m = _CANONICAL.fullmatch(text.strip())
        if not m:
            raise RefError(f"not a canonical reference: {text!r}")
        if m["preamble"]:
            return cls.preamble()
        if m["meeting"]:
            return cls.of_decision(int(m["meeting"]), int(m["decision"]))
        if m["cop"]:
            return cls.of_decision(int(m["cop"]))
        if m["article"]:
            return cls.of_article(int(m["article"]), *_split_groups(m["groups"] or ""))
        part = part_number(m["part"]) if m["part"] else 0
        return cls.of_annex(m["annex"], part, int(m["annex_article"] or 0), *_split_groups(m["groups2"] or ""))

    @classmethod
    def try_parse(cls, text: str | None) -> Ref | None:
        """Parse, or None for an empty or non-canonical string."""
        if not text:
            return None
        try:
            return cls.parse(text)
        except RefError:
            return None

    # ---- views --------------------------------------------------------------------------
    def __str__(self) -> str:
        tail = "".join(f"({x})" for x in (self.paragraph or "", self.subparagraph, self.item) if x)
        if self.kind == 0:
            return "Preamble"
        if self.kind == 3:
            return f"Decision MC-{self.meeting}/{self.decision}" if self.decision else f"COP-{self.meeting}"
        if self.kind == 1:
            return f"Article {self.article}{tail}"
        s = f"Annex {self.annex}"
        if self.part:
            s += f" Part {_PART_NUMERALS[self.part - 1]}"
        if self.article:
            s += f" Article {self.article}"
        return s + tail

    def __repr__(self) -> str:
        return f"Ref({str(self)!r})"

    @property
    def depth(self) -> int:
        return sum(1 for x in (self.part, self.article if self.kind == 2 else 0, self.paragraph,
                               self.subparagraph, self.item) if x)

    def parent(self) -> Ref | None:
        """The enclosing provision, or None at the top (an article, an annex, the preamble, a meeting)."""
        if self.kind == 3:
            return Ref.of_decision(self.meeting) if self.decision else None
        if self.item:
            return _replace(self, item="")
        if self.subparagraph:
            return _replace(self, subparagraph="")
        if self.paragraph:
            return _replace(self, paragraph=0)
        if self.kind == 2 and self.article:
            return _replace(self, article=0)
        if self.kind == 2 and self.part:
            return _replace(self, part=0)
        return None

    def paragraph_ref(self) -> Ref:
        """The numbered paragraph this provision sits in ("Article 16(1)(a)" -> "Article 16(1)"); itself
        when it has no sub-paragraph."""
        return _replace(self, subparagraph="", item="") if self.subparagraph or self.item else self

    def top(self) -> Ref:
        """The article, annex or preamble this provision belongs to."""
        if self.kind == 1:
            return Ref.of_article(self.article)
        if self.kind == 2:
            return Ref.of_annex(self.annex)
        if self.kind == 3:
            return Ref.of_decision(self.meeting)
        return self

    def ancestors(self) -> list[Ref]:
        """Self first, then each enclosing provision up to the top."""
        out: list[Ref] = [self]
        while (p := out[-1].parent()) is not None:
            out.append(p)
        return out

    def contains(self, other: Ref) -> bool:
        """True when `other` is this provision or lies inside it ("Article 7" contains "Article 7(3)(a)")."""
        return self in other.ancestors()

    def overlaps(self, other: Ref) -> bool:
        """One holds the other: "Article 7(3)" and "Article 7(3)(b)", or "Article 7(3)" and "Article 7"."""
        return self.contains(other) or other.contains(self)


def _replace(ref: Ref, **changes) -> Ref:
    fields = {k: getattr(ref, k) for k in ("kind", "article", "annex", "part", "paragraph", "subparagraph", "item",
                                           "meeting", "decision")}
    fields.update(changes)
    return Ref(**fields)


def _split_groups(groups: str) -> tuple[int, str, str]:
    """Assign "(3)(a)(i)" style groups to paragraph, subparagraph and item by their shape.

    A digit group is a paragraph; the first letter group is a subparagraph (so "Article 2(i)" is
    definition i), and a roman group after a subparagraph is an item.
    """
    para, sub, item = 0, "", ""
    for g in re.findall(r"\(([0-9a-z]+)\)", groups):
        if g.isdigit():
            if para or sub or item:
                raise RefError(f"paragraph after subparagraph in {groups!r}")
            para = int(g)
        elif not sub:
            sub = g
        elif not item and g in ROMAN:
            item = g
        else:
            raise RefError(f"too many levels in {groups!r}")
    return para, sub, item


_CANONICAL = re.compile(
    r"(?P<preamble>Preamble)"
    r"|Decision MC-(?P<meeting>\d{1,2})/(?P<decision>\d{1,2})"
    r"|COP-(?P<cop>\d{1,2})"
    r"|Article (?P<article>\d{1,2})(?P<groups>(?:\([0-9a-z]{1,5}\))*)"
    r"|Annex (?P<annex>[A-E])(?: Part (?P<part>I{1,3}|IV|V|[1-5]))?(?: Article (?P<annex_article>\d{1,2}))?"
    r"(?P<groups2>(?:\([0-9a-z]{1,5}\))*)"
)


def parse_ref_list(text: str) -> list[Ref]:
    """Parse the inside of a bracket like "Article 4(1); Annex A Part I"."""
    return [Ref.parse(part) for part in text.split(";") if part.strip()]


def common_ancestor(refs: list[Ref]) -> Ref | None:
    """The most specific provision containing all of `refs` (None when they span documents parts)."""
    if not refs:
        return None
    candidates = refs[0].ancestors()
    for c in candidates:
        if all(c.contains(r) for r in refs[1:]):
            return c
    return None


def part_number(numeral: str) -> int:
    """1 for "I" or "1": treaties number their annex parts either way."""
    return int(numeral) if numeral.isdigit() else _PART_NUMERALS.index(numeral.upper()) + 1


# ---- references written by people, inside questions ----------------------------------------
_UNIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_NUM = (r"(\d{1,2}|(?:twenty|thirty)(?:[- ](?:" + _UNIT_WORDS + r"))?|"
        + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")")
# common misspellings are accepted: people type fast ("artical 4", "artcle 7")
_ARTICLE_WORD = r"(?:articles?|artical|articel|artcle|aritcle|atricle|art\.?|arts\.?)"
_MENTION = re.compile(
    r"\b(?:paragraph|para\.?|par\.?)\s+(?P<pfirst>\d{1,2})\s+of\s+" + _ARTICLE_WORD + r"\s*" + _NUM
    + r"|\b(?:paragraph|para\.?)\s+(?P<apara>\d{1,2})\s+of\s+annex\s+(?P<pannex>[a-e])\b"
    + r"|\b" + _ARTICLE_WORD + r"\s*" + _NUM + r"(?P<groups>(?:\s?\([0-9a-z]{1,4}\))*)"
    r"(?:,?\s+(?:paragraph|para\.?)\s+(?P<pafter>\d{1,2})(?!\s+of\b))?"
    r"(?P<more>(?:\s*(?:,|and|or|&)\s*\d{1,2}\b(?!\s*(?:mg|per|%|years?|days?|months?|ppm|watts?)))*)"
    r"|\bannex\s+(?P<annex>[a-e])\b(?:,?\s+part\s+(?P<part>ii|i|1|2)\b)?"
    r"|\b(?:decision\s+)?MC-?(?P<dmeeting>\d{1,2})/(?P<dnumber>\d{1,2})\b"
    r"|\bCOP[- ]?(?P<cop>\d{1,2})\b",
    re.IGNORECASE,
)


def _to_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    parts = re.split(r"[- ]", token.lower())
    return sum(NUMBER_WORDS[p] for p in parts)


def find_mentions(text: str) -> list[Ref]:
    """References a person wrote in free text: "Art. 8(2)", "article eight", "paragraph 3 of
    Article 7", "Annex A Part II". Unknown shapes are ignored, never guessed."""
    found: list[Ref] = []
    for m in _MENTION.finditer(text):
        try:
            if m["dmeeting"]:
                ref = Ref.of_decision(int(m["dmeeting"]), int(m["dnumber"]))
            elif m["cop"]:
                ref = Ref.of_decision(int(m["cop"]))
            elif m["pannex"]:
                ref = Ref.of_annex(m["pannex"], paragraph=int(m["apara"]))
            elif m["annex"]:
                part = 0
                if m["part"]:
                    part = {"i": 1, "1": 1, "ii": 2, "2": 2}[m["part"].lower()]
                ref = Ref.of_annex(m["annex"], part)
            elif m["pfirst"]:
                ref = Ref.of_article(_to_int(m.group(2)), int(m["pfirst"]))
            else:
                number = _to_int(m.group(5))
                para, sub, item = _split_groups((m["groups"] or "").replace(" ", "").lower())
                if m["pafter"] and not para:
                    para = int(m["pafter"])
                ref = Ref.of_article(number, para, sub, item)
        except (RefError, KeyError, ValueError):
            continue
        refs = [ref]
        if m["more"]:  # "Articles 4, 5 and 6"
            refs += [Ref.of_article(int(n)) for n in re.findall(r"\d{1,2}", m["more"])]
        for ref in refs:
            if ref.kind == 1 and not 1 <= ref.article <= 35:
                continue
            if ref not in found:
                found.append(ref)
    return found
