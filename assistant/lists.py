"""The items of a provision that lists things, for a reply that names them all.

"What topics can the contaminated-sites guidance cover?" is answered by the six items of Article
12(3); "Which practices must the plan include actions to eliminate?" by the four sub-items of Annex
C(1)(b); "How many source categories does Annex D list?" by its five rows. When the lead names only
one of them (the guide's sentence on engaging the public), the reader meets the rest only in the
quote. `listing` finds such a list among the passages in focus; `list_sentence` states it, items in
the treaty's own words (so the verifier finds each in the cited passage), never cut.
Pure functions: no index, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Chunk

from .plan import split_lines
from .terms import topic_terms

# "What topics …", "Which practices …", "How many source categories …", "Are kilns among the categories …?"
_ITEM_NOUNS = (r"(?:topics|practices|categories|measures|elements|items|sources|actions|methods|matters|kinds|types|"
               r"bases|basis|grounds|areas|issues|things|devices|processes|products|information|reports|data|factors|"
               r"criteria|steps|duties|functions|tasks|conditions|requirements|strategies)")
_ASKS_FOR_ITEMS = re.compile(rf"\b(?:what|which|how many(?!\s+(?:years?|months?|days?|weeks?|times?)\b))\s+"
                             rf"(?:[\w'-]+\s+){{0,3}}?{_ITEM_NOUNS}\b"
                             rf"|\b(?:among|one of)\s+the\s+(?:[\w-]+\s+){{0,3}}?{_ITEM_NOUNS}\b"
                             rf"|\b(?:list|name|what are) (?:the|all)\b", re.IGNORECASE)
_LETTER = re.compile(r"^([a-z])\)\s+")
_ROMAN = re.compile(r"^\(([ivx]{1,5})\)\s+")
_ROW = re.compile(r"^([A-Z][\w ,-]{3,60}):\s+(.+?)[;.]?(?:\(note \d+\))?\s*$")
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MAX_ITEM = 160  # a longer item would need cutting in a one-sentence list: the quote shows it instead
MAX_ITEMS = 9


@dataclass(frozen=True)
class Listing:
    chunks: tuple[Chunk, ...]  # the passage(s) the items come from (an annex's rows are one chunk each)
    ref: str
    header: str  # the chapeau or item that introduces the list ("b) Actions to eliminate:")
    items: tuple[str, ...]
    shared: int = 0  # how many of the question's words its header shares


def asks_for_items(question: str) -> bool:
    """A question whose reply is a list of things ("how many years" is a duration, not a list)."""
    return bool(_ASKS_FOR_ITEMS.search(question))


def _clean(item: str) -> str:
    item = re.sub(r"\(note \d+\)", "", item)
    item = re.sub(r"(?:;\s*(?:and|or)?|,\s*(?:and|or)|\.|:)\s*$", "", item.strip()).strip()
    return item


def _groups(lines: list[str]) -> list[tuple[str, str, list[str]]]:
    """(label, header, items) for each list in a provision's lines: its lettered items under the
    chapeau (label ""), and the roman sub-items under an item that ends with a colon (its letter)."""
    out = []
    if lines and lines[0].rstrip().endswith(":"):
        letters = [_LETTER.sub("", x) for x in lines[1:] if _LETTER.match(x)]
        if letters and all(_LETTER.match(x) or _ROMAN.match(x) for x in lines[1:]):
            out.append(("", lines[0], letters))  # (scored on the chapeau)
    for i, line in enumerate(lines):
        if _LETTER.match(line) and line.rstrip().endswith(":"):
            subs = []
            for x in lines[i + 1:]:
                if not _ROMAN.match(x):
                    break
                subs.append(_ROMAN.sub("", x))
            if subs:
                out.append((_LETTER.match(line)[1], line, subs))  # (scored on the item's own words)
    return out


def _merged_lines(chunks: list[Chunk]) -> list[str]:
    """A provision split over several chunks, read as one: the chapeau once, then every item."""
    lines: list[str] = []
    for c in sorted(chunks, key=lambda c: c.ordinal):
        for n, line in enumerate(split_lines(c.text)):
            if n == 0 and lines and line == lines[0]:
                continue
            lines.append(line)
    return lines


def listing(siblings: list[Chunk], ref: str, asked: set[str]) -> Listing | None:
    """The list of the provision `ref` (all its chunks in `siblings`) the question's words point to:
    of several (a chapeau's items, an item's sub-items), the one whose header shares most of them;
    an annex table's rows when each chunk is one "Category: item" row. None when the provision lists
    nothing, a header shares no word with the question, or an item is too long to name whole."""
    siblings = [c for c in siblings if not c.text.lstrip().startswith("(note")]  # a table's footnote is no row
    if not siblings:
        return None
    rows = [_ROW.match(" ".join(split_lines(c.text))) for c in siblings]
    table = len(siblings) >= 2 and all(rows) and len({m[1] for m in rows}) == 1
    if table:  # (a table of two rows is a list too: Annex B Part I's two processes and their dates)
        # ("Chlor-alkali production; Phase-out date: 2025" reads as one item: "… (phase-out date 2025)")
        groups = [("", rows[0][1], [re.sub(r";\s*(Phase-out date):\s*(\S+?)\.?$", lambda d: f" ({d[1].lower()} {d[2]})",
                                           m[2]) for m in rows])]
    else:
        groups = _groups(_merged_lines(siblings))
    # a sub-list must share two words with its item ("actions to eliminate"): one ("information") is
    # as likely to point at the item's neighbours; a list with an item too long to name whole is left
    # to the quote
    scored = []
    for label, header, items in groups:
        items = [_clean(x) for x in items]
        shared = len(asked & topic_terms(header))
        if (2 if table else 3) <= len(items) <= MAX_ITEMS and all(0 < len(x) <= MAX_ITEM for x in items) \
                and shared >= (2 if label else 1):
            scored.append((shared, label, header, items))
    if not scored:
        return None
    shared, label, header, items = max(scored, key=lambda s: (s[0], bool(s[1])))  # a tie: the narrower list
    ref = f"{ref}({label})" if label else ref  # the sub-list of item (b): "Annex C(1)(b)"
    return Listing(tuple(siblings), ref, header, tuple(items), shared)


def covered(listing: Listing, text: str) -> float:
    """The share of the list's items the text already names (most of an item's words in it)."""
    have = topic_terms(text)
    hits = 0
    for item in listing.items:
        words = topic_terms(item)
        hits += bool(words) and 2 * len(words & have) > len(words)
    return hits / len(listing.items)


def list_sentence(listing: Listing) -> str:
    """"Article 12(3) lists six: site identification and characterization; engaging the public; …;
    and validation of outcomes." The items in the treaty's words, first letters lowered."""
    items = [x if re.match(r"^[A-Z]{2}", x) else x[:1].lower() + x[1:] for x in listing.items]
    count = _NUMBERS[len(items)] if len(items) < len(_NUMBERS) else str(len(items))
    if len(items) == 2:
        return f"{listing.ref} lists {count}: {items[0]} and {items[1]}."
    return f"{listing.ref} lists {count}: {'; '.join(items[:-1])}; and {items[-1]}."
