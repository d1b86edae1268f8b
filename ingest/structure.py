"""Parse document lines into provision blocks along their legal structure.

Three readers, one output type (Block):
- legal texts (treaties, COP decisions): Preamble, Article N + title, numbered paragraphs,
  lettered subparagraphs, roman items, Annex X, Part I/II, articles inside annexes, table rows;
- the bundled guide: Markdown sections whose sentences end in "[Article 4(1); Annex A Part I]";
- anything else: headings, paragraphs and bullets.
Works the same on Markdown and on text re-joined from PDF pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Block, Line
from .refs import ROMAN, Ref, RefError, common_ancestor, parse_ref_list, part_number

ARTICLE_RE = re.compile(r"^Article\s+(\d{1,2})(?:\s*[—–:-]\s*(.+))?$", re.IGNORECASE)
ANNEX_RE = re.compile(r"^Annex\s+([A-E])(?:\s*[—–:-]\s*(.+))?$", re.IGNORECASE)
PART_RE = re.compile(r"^Part\s+(IV|V|I{1,3}|[1-5])\b\s*[—–:.-]?\s*(.*)$", re.IGNORECASE)  # "Part II" or "Part 2"
PARAGRAPH_RE = re.compile(r"^(\d{1,2})\.\s+(.*)$")
LABEL_RE = re.compile(r"^(\()?([a-z]|[ivx]{1,5})\)\s+(.*)$")
PREAMBLE_RE = re.compile(r"^(Preamble|The Parties to this Convention,?)$", re.IGNORECASE)
BRACKET_RE = re.compile(r"\[([^\[\]]{3,200})\]")
MD_HEADING_RE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
_TITLE_MAX = 140


def is_structural(text: str) -> bool:
    """True for lines that open a new provision; used by the PDF line re-joiner too."""
    t = text.strip()
    return bool(ARTICLE_RE.match(t) or ANNEX_RE.match(t) or PART_RE.match(t) or PARAGRAPH_RE.match(t)
                or LABEL_RE.match(t) or PREAMBLE_RE.match(t) or t.startswith("|"))


def _clean_inline(text: str) -> str:
    text = re.sub(r"\s*<br\s*/?>\s*", " ", text)
    text = re.sub(r"<sup>\s*(\d+)\)?\s*</sup>", r"(note \1)", text)
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text) if "<sup" in text or "<br" in text else text
    text = text.replace("**", "").replace("__", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _md_heading(text: str) -> tuple[int, str]:
    m = MD_HEADING_RE.match(text)
    return (len(m[1]), m[2]) if m else (0, text)


# ---------------------------------------------------------------------------------------------
# Legal texts
# ---------------------------------------------------------------------------------------------
@dataclass
class _Cursor:
    kind: int = -1  # -1 before any structure, else Ref.kind
    article: int = 0
    article_title: str = ""
    annex: str = ""
    annex_title: str = ""
    part: int = 0
    part_title: str = ""
    annex_article: int = 0
    paragraph: int = 0
    sub: str = ""
    item: str = ""
    extra_heading: str = ""  # e.g. "National action plans" under Annex C
    table_header: list[str] = field(default_factory=list)
    row_label: str = ""

    def ref(self) -> Ref | None:
        if self.kind == 0:
            return Ref.preamble()
        if self.kind == 1:
            return Ref.of_article(self.article, self.paragraph, self.sub, self.item)
        if self.kind == 2:
            return Ref.of_annex(self.annex, self.part, self.annex_article, self.paragraph, self.sub, self.item)
        return None

    def heading_path(self) -> tuple[str, ...]:
        path: list[str] = []
        if self.kind == 0:
            path.append("Preamble")
        elif self.kind == 1:
            path.append(f"Article {self.article}" + (f" — {self.article_title}" if self.article_title else ""))
        elif self.kind == 2:
            path.append(f"Annex {self.annex}" + (f" — {self.annex_title}" if self.annex_title else ""))
            if self.part:
                path.append(f"Part {('I', 'II', 'III', 'IV', 'V')[self.part - 1]}"
                            + (f" — {self.part_title}" if self.part_title else ""))
            if self.extra_heading:
                path.append(self.extra_heading)
            if self.annex_article:
                path.append(f"Article {self.annex_article}")
        labels = ""
        if self.paragraph:
            labels += f"para {self.paragraph}"
        if self.sub:
            labels += f"({self.sub})"
        if self.item:
            labels += f"({self.item})"
        if labels:
            path.append(labels.strip())
        return tuple(path)

    def reset_below_top(self) -> None:
        self.part = 0
        self.part_title = ""
        self.annex_article = 0
        self.extra_heading = ""
        self.reset_paragraphs()

    def reset_paragraphs(self) -> None:
        self.paragraph, self.sub, self.item = 0, "", ""
        self.table_header = []
        self.row_label = ""


def _label_kind(label: str, cur: _Cursor) -> str:
    """Decide whether "(i)" is the item i or the letter i, and so on, from what came before."""
    if label in ROMAN:
        if cur.sub:
            expected_next_item = ROMAN[ROMAN.index(cur.item) + 1] if cur.item in ROMAN[:-1] else "i"
            is_next_letter = len(label) == 1 and ord(label) == ord(cur.sub) + 1
            if label == expected_next_item and not is_next_letter:
                return "item"
            if label == expected_next_item and is_next_letter:
                # "i" after "h" with no item open: the letter; "i" after "(b)" text: an item
                return "sub" if not cur.item else "item"
            if len(label) > 1:
                return "item"
        elif len(label) > 1:
            return "item"
    return "sub"


def parse_legal(lines: list[Line]) -> list[Block]:
    cur = _Cursor()
    blocks: list[Block] = []
    open_block: Block | None = None
    i = 0

    def start(text: str, page: int | None, *, row: bool = False) -> None:
        nonlocal open_block
        ref = cur.ref()
        path = cur.heading_path()
        if row and cur.row_label:
            path = path + (_shorten(cur.row_label),)
        open_block = Block(ref=str(ref) if ref else "", heading=", ".join(path), heading_path=path,
                           text=text, pages=[page] if page is not None else [], row=row)
        blocks.append(open_block)

    def peek_title(j: int) -> tuple[str, int]:
        """Title on the line after a bare "Article 7" heading (PDF layout)."""
        if j < len(lines):
            level, nxt = _md_heading(lines[j].text.strip())
            nxt = _clean_inline(nxt)
            if nxt and not is_structural(nxt) and len(nxt) <= _TITLE_MAX and not nxt.endswith((".", ",", ";", ":")):
                return nxt, j + 1
        return "", j

    while i < len(lines):
        line = lines[i]
        level, raw = _md_heading(line.text.strip())
        text = _clean_inline(raw)
        i += 1
        if not text:
            continue
        if m := PREAMBLE_RE.match(text):
            cur = _Cursor(kind=0)
            open_block = None
            if not m[1].lower().startswith("preamble"):
                start(text, line.page)
            continue
        if m := ARTICLE_RE.match(text):
            title = (m[2] or "").strip()
            if not title:
                title, i = peek_title(i)
            if cur.kind == 2:  # articles inside Annex E
                cur.annex_article = int(m[1])
                cur.reset_paragraphs()
            else:
                cur = _Cursor(kind=1, article=int(m[1]), article_title=title)
            open_block = None
            continue
        if m := ANNEX_RE.match(text):
            title = (m[2] or "").strip()
            if not title:
                title, i = peek_title(i)
            cur = _Cursor(kind=2, annex=m[1].upper(), annex_title=title)
            open_block = None
            continue
        if cur.kind == 2 and (m := PART_RE.match(text)):
            cur.reset_below_top()
            cur.part = part_number(m[1])
            cur.part_title = m[2].strip(" :—–-")
            open_block = None
            continue
        if cur.kind == 2 and level >= 3:  # an unnumbered sub-heading inside an annex
            cur.extra_heading = text
            open_block = None
            continue
        if cur.kind == -1 and (level or (len(text) <= _TITLE_MAX and not blocks)):  # the document title
            continue
        if text.startswith("|"):
            cells = [_clean_inline(c) for c in text.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
                continue
            if not cur.table_header:
                cur.table_header = cells
                continue
            if cells[0]:
                cur.row_label = cells[0]
            pairs = [f"{h}: {c}" if h else c for h, c in zip(cur.table_header, cells) if c]
            start("; ".join(pairs) if cells[0] else f"{cur.row_label}: {'; '.join(c for c in cells if c)}",
                  line.page, row=True)
            open_block = None
            continue
        if cur.kind in (1, 2) and (m := PARAGRAPH_RE.match(text)):
            cur.reset_paragraphs()
            cur.paragraph = int(m[1])
            start(text, line.page)
            continue
        if cur.kind in (1, 2) and (m := LABEL_RE.match(text)):
            label = m[2]
            if _label_kind(label, cur) == "item":
                cur.item = label
            else:
                cur.sub, cur.item = label, ""
            start(text, line.page)
            continue
        if cur.table_header and cur.kind == 2:  # footnote or prose after a table
            cur.table_header, cur.row_label = [], ""
            open_block = None
        if open_block is not None and cur.kind != 0:
            open_block.text += "\n" + text
            if line.page is not None and line.page not in open_block.pages:
                open_block.pages.append(line.page)
        else:
            start(text, line.page)
    return blocks


# ---------------------------------------------------------------------------------------------
# The bundled guide (and any Markdown that cites provisions in brackets)
# ---------------------------------------------------------------------------------------------
def cited_refs(text: str) -> list[Ref]:
    """Canonical references cited in square brackets; non-reference brackets are ignored."""
    refs: list[Ref] = []
    for m in BRACKET_RE.finditer(text):
        try:
            for r in parse_ref_list(m[1]):
                if r not in refs:
                    refs.append(r)
        except RefError:
            continue
    return refs


def heading_ref(heading: str) -> Ref | None:
    """"Article 7 — Title" -> Article 7; "Annex A — Title" -> Annex A; "Preamble — ..." -> Preamble."""
    head = re.split(r"\s+[—–-]\s+", heading, maxsplit=1)[0].strip()
    try:
        return Ref.parse(head)
    except RefError:
        return None


def parse_sections(lines: list[Line]) -> list[Block]:
    """Headings, paragraphs and bullets. A block is one paragraph or one bullet; its ref is the
    common ancestor of what it cites, else the provision its section heading names."""
    blocks: list[Block] = []
    headings: dict[int, str] = {}
    para: list[str] = []
    page: int | None = None

    def flush() -> None:
        nonlocal para
        if not para:
            return
        text = " ".join(para).strip()
        para = []
        if not text:
            return
        path = tuple(headings[k] for k in sorted(headings) if k >= 2 or len(headings) == 1)
        refs = cited_refs(text)
        section_ref = next((r for h in path if (r := heading_ref(h)) is not None), None)
        ref = common_ancestor(refs) if refs else None
        if ref is None:
            ref = section_ref if section_ref is not None else (refs[0] if refs else None)
        blocks.append(Block(ref=str(ref) if ref else "", heading=" › ".join(path), heading_path=path,
                            text=text, pages=[page] if page is not None else [],
                            cited_refs=tuple(str(r) for r in refs)))

    for line in lines:
        raw = line.text.rstrip()
        level, title = _md_heading(raw.strip())
        if level:
            flush()
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = _clean_inline(title)
            continue
        stripped = raw.strip()
        if not stripped:
            flush()
            continue
        if re.match(r"^([-*•]|\d+\.)\s+", stripped):  # a bullet or numbered item is its own block
            flush()
            stripped = re.sub(r"^[-*•]\s+", "", stripped)
        if not para:
            page = line.page
        para.append(_clean_inline(stripped.lstrip("> ")))
    flush()
    return blocks
