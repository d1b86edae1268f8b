"""Blocks -> chunks. A chunk is one provision unit (a numbered paragraph with its subparagraphs,
one definition, one annex table row, one guide subsection), split with overlap only when long.
"""

from __future__ import annotations

import dataclasses
import re

from .bank import bank_chunks, is_bank
from .models import Block, Chunk, SourceDocument, content_id
from .refs import Ref, common_ancestor
from .structure import parse_legal, parse_sections


def blocks_for(doc: SourceDocument) -> list[Block]:
    if doc.doc_type in ("treaty", "cop-decision"):
        blocks = parse_legal(doc.lines)
        if any(b.ref for b in blocks):
            return blocks
    return parse_sections(doc.lines)


_DEFINITIONS_CHAPEAU = re.compile(r"^(\d{1,2}\.\s+)?For the purposes of (this|the present) (Article|Convention|Annex)",
                                  re.IGNORECASE)


def _unit_key(block: Block, legal: bool, definition_lists: set[str]) -> tuple:
    """Blocks with the same key belong to one provision unit."""
    if not legal:
        # guide sections: consecutive paragraphs that cite the same provision stay together
        return ("section", block.heading_path, block.ref)
    if not block.ref:
        return ("unstructured", block.heading_path)
    ref = Ref.parse(block.ref)
    if ref.kind == 0:
        return ("preamble",)
    top = str(Ref(kind=ref.kind, article=ref.article, annex=ref.annex, part=ref.part))
    # Articles (also Annex E articles) group by paragraph, else by subparagraph (Article 2's definitions);
    # a list of definitions ("For the purposes of this Article: a) ... means") is split per definition.
    if ref.paragraph and ref.subparagraph and _paragraph_ref(ref) in definition_lists:
        return (top, ref.paragraph, ref.subparagraph)
    return (top, ref.paragraph or ref.subparagraph)


def _paragraph_ref(ref: Ref) -> str:
    return str(Ref(kind=ref.kind, article=ref.article, annex=ref.annex, part=ref.part, paragraph=ref.paragraph))


def _ref_of(blocks: list[Block]) -> str:
    refs = [r for b in blocks if (r := Ref.try_parse(b.ref)) is not None]
    common = common_ancestor(refs) if refs else None
    if common is not None:
        return str(common)
    return blocks[0].ref


def _unit_heading(blocks: list[Block], ref: str) -> tuple[str, tuple[str, ...]]:
    first = blocks[0]
    path = first.heading_path
    if ref and ref != first.ref and path and path[-1].startswith("para"):
        # a unit spanning subparagraphs is headed by its paragraph: "para 3"
        r = Ref.parse(ref)
        path = path[:-1] + ((f"para {r.paragraph}",) if r.paragraph else ())
    sep = " › " if " › " in first.heading else ", "
    return sep.join(path), path


def _split_long(text: str, max_chars: int, overlap: int) -> list[str]:
    """Split at sentence boundaries into windows of at most max_chars, overlapping by ~overlap."""
    sentences = re.split(r"(?<=[.;:])\s+(?=[A-Z(\"“])", text)
    windows: list[str] = []
    current: list[str] = []
    for s in sentences:
        while len(s) > max_chars:  # one giant sentence: hard wrap at a space
            cut = s.rfind(" ", 0, max_chars) if " " in s[:max_chars] else max_chars
            cut = cut if cut > 0 else max_chars
            sentences_head, s = s[:cut], s[cut:].lstrip()
            if current:
                windows.append(" ".join(current))
                current = []
            windows.append(sentences_head)
        if current and len(" ".join(current)) + len(s) + 1 > max_chars:
            windows.append(" ".join(current))
            tail: list[str] = []
            for prev in reversed(current):  # carry the last sentences over as overlap
                if sum(len(t) for t in tail) + len(prev) > overlap:
                    break
                tail.insert(0, prev)
            current = tail
        current.append(s)
    if current:
        windows.append(" ".join(current))
    return windows


def _windows(blocks: list[Block], max_chars: int, overlap: int) -> list[list[Block]]:
    """Pack whole blocks into windows; a chapeau is repeated at the head of later windows."""
    groups: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    chapeau = blocks[0] if len(blocks) > 1 and len(blocks[0].text) < max_chars // 2 else None
    for b in blocks:
        if current and size + len(b.text) > max_chars:
            groups.append(current)
            current = [chapeau] if chapeau is not None else []
            size = sum(len(x.text) for x in current)
        current.append(b)
        size += len(b.text) + 1
    if current:
        groups.append(current)
    return groups


def _fold_lead_ins(units: list[list[Block]]) -> list[list[Block]]:
    """A short lead-in such as "The following products are excluded from this Annex:" is not a
    passage of its own; it is written in front of each lettered item it introduces instead."""
    out: list[list[Block]] = []
    lead_in: Block | None = None
    for unit in units:
        first = unit[0]
        if len(unit) == 1 and first.text.rstrip().endswith(":") and len(first.text) < 120 and not first.row:
            lead_in = first
            continue
        if lead_in is not None and not first.row and first.ref and lead_in.ref and first.ref != lead_in.ref \
                and Ref.parse(first.ref).parent() == Ref.parse(lead_in.ref):
            unit = [dataclasses.replace(first, text=f"{lead_in.text} {first.text}")] + unit[1:]
        else:
            lead_in = None
        out.append(unit)
    return out


_DECISION_NUMBER = re.compile(r"\bMC-(\d{1,2})/(\d{1,2})\b")


def decision_ref(doc: SourceDocument) -> Ref | None:
    """The decision a COP decision document records ("Decision MC-4/3"), from its title or opening."""
    head = " ".join([doc.title, *(line.text for line in doc.lines[:15])])
    m = _DECISION_NUMBER.search(head)
    return Ref.of_decision(int(m[1]), int(m[2])) if m else None


def chunk_document(doc: SourceDocument, max_chars: int, overlap: int) -> list[Chunk]:
    if is_bank(doc.lines):  # a question bank: one chunk per entry, its phrasings as keys
        return bank_chunks(doc)
    chunks = _chunk_text(doc, max_chars, overlap)
    decision = decision_ref(doc) if doc.doc_type == "cop-decision" else None
    if decision is not None:  # a decision is a provision too: cited, filtered and ranked like one
        chunks = [dataclasses.replace(c, ref=c.ref or str(decision),
                                      cited_refs=tuple(dict.fromkeys([*c.cited_refs, str(decision)])))
                  for c in chunks]
    return chunks


def _chunk_text(doc: SourceDocument, max_chars: int, overlap: int) -> list[Chunk]:
    blocks = blocks_for(doc)
    legal = any(b.ref and not b.cited_refs for b in blocks) and doc.doc_type in ("treaty", "cop-decision")
    definition_lists = {b.ref for b in blocks if b.ref and _DEFINITIONS_CHAPEAU.match(b.text)} if legal else set()
    units: list[list[Block]] = []
    for b in blocks:
        if units and not b.row and not units[-1][0].row \
                and _unit_key(units[-1][0], legal, definition_lists) == _unit_key(b, legal, definition_lists):
            units[-1].append(b)
        else:
            units.append([b])
    units = _fold_lead_ins(units) if legal else units
    window_chars = max_chars if legal or doc.doc_type == "guidance" else max_chars // 2
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for unit in units:
        for window in _windows(unit, window_chars, overlap):
            ref = _ref_of(window)
            heading, path = _unit_heading(window, ref)
            text = "\n".join(b.text for b in window)
            pages = sorted({p for b in window for p in b.pages})
            cited = tuple(dict.fromkeys(r for b in window for r in b.cited_refs))
            pieces = _split_long(text, max_chars, overlap) if len(text) > max_chars else [text]
            for piece in pieces:
                key = content_id(doc.doc_id, heading, piece)
                if key in seen:  # duplicate policy: identical text under the same heading is kept once
                    continue
                seen.add(key)
                chunks.append(Chunk(id=key, doc_id=doc.doc_id, doc_title=doc.title, doc_type=doc.doc_type,
                                    ref=ref, heading=heading, heading_path=path, text=piece,
                                    page_start=pages[0] if pages else None, page_end=pages[-1] if pages else None,
                                    ordinal=len(chunks), cited_refs=cited))
    return chunks
