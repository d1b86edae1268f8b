"""Lay out a Markdown legal text as a realistic PDF for ingestion tests: running header, page
numbers in the footer, justified-width line wraps, and words hyphenated at line ends.

Returns where each provision was laid out, so tests can check the page a chunk reports.
"""

from __future__ import annotations

import re
from pathlib import Path


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
HEADER = "UNEP — Minamata Convention on Mercury — text and annexes"
UNICODE_FONT = FONT_DIR / "DejaVuSans.ttf"  # Debian fonts-dejavu-core, installed by .ci/run


def _plain(line: str) -> str:
    line = re.sub(r"^#+\s*", "", line)
    line = re.sub(r"<br\s*/?>", "; ", line)
    line = re.sub(r"</?sup>", "", line)
    return line.strip()


def markdown_to_pdf(md_path: Path, out: Path, *, hyphenate_every: int = 3) -> dict[str, int]:
    """Write `out`; return {canonical ref of each block: page where its first line was placed}."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            self.set_font("body", size=8)
            self.cell(0, 6, text=self.fix(HEADER), align="C")
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("body", size=8)
            self.cell(0, 6, text=str(self.page_no()), align="C")

        def fix(self, s: str) -> str:
            return s

    pdf = Doc(format="A4")
    pdf.set_title("Minamata Convention on Mercury")
    pdf.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    pdf.set_font("body", size=10)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    bottom = pdf.h - 20
    line_h = 5
    counter = {"n": 0}

    def emit(text: str) -> None:
        if pdf.get_y() + line_h > bottom:
            pdf.add_page()
        pdf.cell(width, line_h, text=pdf.fix(text), new_x="LMARGIN", new_y="NEXT")

    def wrap(text: str) -> list[str]:
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if pdf.get_string_width(pdf.fix(trial)) <= width:
                current = trial
                continue
            counter["n"] += 1
            if len(word) >= 9 and word.isalpha() and counter["n"] % hyphenate_every == 0:
                # hyphenate: put as much of the word as fits, then "-"
                for cut in range(len(word) - 3, 3, -1):
                    head = f"{current} {word[:cut]}-".strip()
                    if pdf.get_string_width(pdf.fix(head)) <= width:
                        lines.append(head)
                        current = word[cut:]
                        break
                else:
                    lines.append(current)
                    current = word
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    layout: list[tuple[str, str, int]] = []  # (article/annex, plain text of a source line, page)
    top = ""
    for raw in md_path.read_text(encoding="utf-8").splitlines():
        text = _plain(raw)
        if not text or text.startswith("|") and set(text) <= set("|- "):
            continue
        if text.startswith("|"):
            text = " — ".join(c.strip() for c in text.strip("|").split("|") if c.strip())
        heading = re.match(r"^(Article \d+|Annex [A-E])\s+—\s+(.*)$", text)
        if heading:  # the official layout: "Article 7" on its own line, the title below
            pdf.ln(2)
            if pdf.get_y() + 3 * line_h > bottom:
                pdf.add_page()
            top = heading[1]
            layout.append((top, heading[1], pdf.page_no()))
            emit(heading[1])
            emit(heading[2])
            continue
        layout.append((top, text, pdf.page_no() if pdf.get_y() + line_h <= bottom else pdf.page_no() + 1))
        for piece in wrap(text):
            emit(piece)
        pdf.ln(1.5)
    pdf.output(str(out))

    # Which page each provision starts on, from the layout's own record of what it placed where
    # (never from the parser under test): "Article 7" headings, "3." paragraph openings, "Part I" headings.
    pages: dict[str, int] = {}
    for where, text, page in layout:
        if not where:
            continue
        ref = where
        if m := re.match(r"^(\d{1,2})\.\s", text):
            ref = f"{where}({int(m[1])})" if where.startswith("Article") else where
        elif (m := re.match(r"^Part (I{1,3}|IV|V)\b", text)) and where.startswith("Annex"):
            ref = f"{where} Part {m[1]}"
        pages.setdefault(ref, page)
    return pages
