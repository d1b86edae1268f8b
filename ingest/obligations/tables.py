"""Annex tables: phase-out rows (Markdown table rows, or a PDF table read as running text) and
rows whose cells hold provisions. `TableReader` is a mixin of the document reader."""

from __future__ import annotations

import re

from ..models import Chunk
from ..structure import LABEL_RE
from .grammar import _lower_first, _short, find_conditions, find_dates, split_sentences
from .lines import _ROW_LEAD_IN, _Chapeau, _is_row, _Line, _parse_ref


class TableReader:
    chunks: list[Chunk]
    phase_out_years: dict[tuple[str, int], list[str]]
    row_chapeaux: dict[str, _Chapeau]
    lead_ins: set[str]

    # ---- phase-out tables laid out as text (PDF) ------------------------------------------------
    def _text_tables(self) -> set[str]:
        """Annex phase-out tables that reached us as running text ("Batteries, except … 2020
        Switches and relays … 2020", as a PDF table reads): one obligation per product/process and its
        year. Only used for annex parts without Markdown table rows. Returns the chunk ids read."""
        groups: dict[tuple[str, int], list[Chunk]] = {}
        for c in self.chunks:
            ref = _parse_ref(c.ref)
            if ref is None or ref.kind != 2 or ref.paragraph or ref.subparagraph or ref.item or _is_row(c):
                continue
            groups.setdefault((ref.annex, ref.part), []).append(c)
        consumed: set[str] = set()
        for key, chunks in groups.items():
            if key in self.phase_out_years:
                continue
            text, owners = "", []
            for c in chunks:
                piece = c.text.strip()
                overlap = next((k for k in range(min(len(text), len(piece), 400), 20, -1)
                                if text.endswith(piece[:k])), 0)
                owners.append((len(text) + (1 if text else 0), c))
                text = f"{text} {piece[overlap:]}".strip() if text else piece
            header = re.search(r"phase-out date\)?", text, re.I)
            if header is None:
                continue
            head_text, rest = text[:header.end()], text[header.end():]
            rest = re.sub(r"^[\s:|—–-]+", "", re.sub(r":?-{3,}:?", " ", rest))
            parts = re.split(r"\s*[—–|]?\s*\b((?:19|20)\d{2})\b\.?(?=\s|$)\s*", rest)
            pairs = [(parts[i].strip(" —–|;"), parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
            pairs = [(item, year) for item, year in pairs if len(item) > 3]
            if len(pairs) < 1:
                continue
            consumed.update(c.id for c in chunks)
            column = re.split(r"\s+[—–|]\s+", re.sub(r"^.*:\s+(?=[A-Z])", "", head_text, count=1))[0].strip()
            self.phase_out_years[key] = sorted({y for _, y in pairs})
            pos = header.end()
            for item, year in pairs:
                pos = text.find(item[:30], pos) if text.find(item[:30], pos) >= 0 else pos
                chunk = max((o for o in owners if o[0] <= pos), key=lambda o: o[0], default=owners[0])[1]
                item_clean = re.sub(r":;\s*", ": ", item).replace(";;", ";")
                if re.search(r"manufacture, import or export", head_text, re.I):
                    action = f"not allow the manufacture, import or export of {_lower_first(item_clean)}"
                elif re.search(r"process", column + " " + head_text, re.I):
                    action = f"not allow the use of mercury or mercury compounds in {_lower_first(item_clean)}"
                else:
                    action = f"phase out {_lower_first(item_clean)}"
                line = _Line(_parse_ref(chunk.ref), chunk.ref, "row", item, chunk)
                self._emit(line, sentence=f"{item_clean} (phase-out date: {year})", actor="party",
                           modality="binding", action=_short(action, 200), deadline=year,
                           dates=[year] + [d for d in find_dates(item_clean) if d != year],
                           conditions=find_conditions(item_clean),
                           exemptions=bool(re.search(r"\bexcept\b", item_clean)))
        return consumed

    # ---- annex rows ----------------------------------------------------------------------
    def _row_text(self, chunk: Chunk) -> str:
        text = chunk.text.strip()
        for lead in sorted(self.lead_ins, key=len, reverse=True):
            if text.startswith(lead + " "):
                return text[len(lead):].strip()
        if (m := _ROW_LEAD_IN.match(text)) and re.match(r"[^:;]{2,150}:\s", text[m.end():]):
            return text[m.end():]
        return text

    @staticmethod
    def _cells(text: str) -> list[tuple[str, str]]:
        cells = re.split(r";\s+(?=[^;:]{2,150}:\s)", text)
        out = []
        for cell in cells:
            head, sep, value = cell.partition(": ")
            out.append((head.strip(), value.strip()) if sep else ("", cell.strip()))
        return out

    def _phase_out_cell(self, text: str) -> tuple[str, str, str, str] | None:
        cells = self._cells(text)
        if len(cells) < 2:
            return None
        head, value = cells[-1]
        year = re.fullmatch(r"((?:19|20)\d{2})\.?", value)
        if not year or not re.search(r"phase-out|date", head, re.I):
            return None
        return cells[0][0], cells[0][1], head, year[1]

    def _collect_phase_out(self, chunk: Chunk) -> None:
        ref = _parse_ref(chunk.ref)
        got = self._phase_out_cell(self._row_text(chunk))
        if ref is not None and got:
            years = self.phase_out_years.setdefault((ref.annex, ref.part), [])
            if got[3] not in years:
                years.append(got[3])

    def _row(self, line: _Line) -> None:
        chunk = line.chunk
        text = self._row_text(chunk)
        label = chunk.heading_path[-1].rstrip("…").strip()
        got = self._phase_out_cell(text)
        if got:
            column, item, head, year = got
            item_clean = re.sub(r":;\s*", ": ", item).replace(";;", ";")
            if re.search(r"manufacture, import or export", head, re.I):
                action = f"not allow the manufacture, import or export of {_lower_first(item_clean)}"
            elif re.search(r"process", column, re.I):
                action = f"not allow the use of mercury or mercury compounds in {_lower_first(item_clean)}"
            else:
                action = f"phase out {_lower_first(item_clean)}"
            sentence = f"{column}: {item_clean}; {head}: {year}"
            self._emit(line, sentence=sentence, actor="party", modality="binding", action=_short(action, 200),
                       deadline=year, dates=[year] + [d for d in find_dates(item_clean) if d != year],
                       conditions=find_conditions(item_clean), exemptions=bool(re.search(r"\bexcept\b", item_clean)))
            return
        cells = self._cells(text)
        if not cells:
            return
        head, value = cells[0]
        if head and head.rstrip("…").startswith(label[:40]) and len(cells) == 1:
            # continuation row: "Dental amalgam: (i) Setting national objectives …"
            body = value
        else:
            body = cells[-1][1] if len(cells) > 1 else value
            label = cells[0][1] if len(cells) > 1 else label
        m = LABEL_RE.match(body)
        chapeau = self.row_chapeaux.get(chunk.heading)
        if m and chapeau is not None:
            if chapeau.expandable:
                self._expanded_item(line, m[3], chapeau, context=label)
            else:
                for sentence in split_sentences(m[3])[1:]:
                    self._sentence(line, sentence, first_in_para=False)
            return
        sentences = split_sentences(body)
        if not sentences:
            return
        if sentences[-1].endswith(":"):
            self.row_chapeaux[chunk.heading] = self._chapeau(line, sentences[-1])
        for i, sentence in enumerate(sentences):
            if sentence.endswith(":") and self.row_chapeaux.get(chunk.heading, _Chapeau("", "", False)).expandable \
                    and i == len(sentences) - 1:
                continue
            self._sentence(line, sentence, first_in_para=i == 0, context=label)

    def _phase_out_years_for(self, text: str, line: _Line) -> list[str]:
        m = re.search(r"Part (I{1,3}|IV|V) of Annex ([A-E])|Annex ([A-E])(?:,? Part (I{1,3}|IV|V))?", text)
        if m is None:
            m2 = re.search(r"in that Annex|in this Annex", text)
            if m2 is None or line.ref is None or line.ref.kind != 2:
                return []
            annex, part = line.ref.annex, line.ref.part
        else:
            annex = m[2] or m[3]
            numeral = m[1] or m[4]
            part = ("I", "II", "III", "IV", "V").index(numeral) + 1 if numeral else 1
        return sorted(self.phase_out_years.get((annex, part), []))
