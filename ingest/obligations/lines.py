"""Provision lines: the chunks of one document cut back into labelled lines ("3. …", "a) …",
"(i) …"), each with its finest ref, plus the small records the reader keeps per line and chapeau."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Chunk
from ..refs import ROMAN, Ref
from ..structure import LABEL_RE, PARAGRAPH_RE


@dataclass
class _Line:
    ref: Ref | None
    ref_str: str
    level: str  # para | sub | item | tail | text | lead
    text: str  # without its label
    chunk: Chunk


@dataclass
class _Chapeau:
    ref_str: str
    sentence: str
    expandable: bool
    actor: str | None = None
    modality: str = "binding"
    deadline: str | None = None
    rows: list = field(default_factory=list)  # the obligations a non-"shall:" chapeau gave (its items may time them)
    # an item that is itself a chapeau ("(b) Assess, at each site identified:"): its words before the colon,
    # which a sub-item that names only an object ("(i) Whether drinking water is at risk") completes
    head: str = ""


def _parse_ref(text: str) -> Ref | None:
    return Ref.try_parse(text)


def _with_labels(base: Ref, para: int, sub: str, item: str) -> Ref:
    return Ref(kind=base.kind, article=base.article, annex=base.annex, part=base.part,
               paragraph=para, subparagraph=sub, item=item)


def _is_item(label: str, sub: str, item: str) -> bool:
    """Whether "(i)" is a roman item or the letter i, from what came before (as ingest.structure)."""
    if label in ROMAN:
        if sub and not item and (label == sub or (sub in ROMAN and
                                                  ROMAN.index(label) == ROMAN.index(sub) + 1 and
                                                  not (len(label) == len(sub) == 1 and ord(label) == ord(sub) + 1))):
            return False  # "(i) … (ii) …" directly under a Part or paragraph: a roman list at one level
        if sub:
            expected = ROMAN[ROMAN.index(item) + 1] if item in ROMAN[:-1] else "i"
            is_next_letter = len(label) == 1 and ord(label) == ord(sub) + 1
            if label == expected and not is_next_letter:
                return True
            if label == expected and is_next_letter:
                return bool(item)
            if len(label) > 1:
                return True
        elif len(label) > 1:
            return True
    return False


_ROW_LEAD_IN = re.compile(r"^(?P<lead>The following [^:;\n]{3,110}:)\s+(?=\S)")


def _chunk_lines(chunk: Chunk, lead_ins: set[str] = frozenset(), carry: _Line | None = None) -> list[_Line]:
    """Provision lines of one chunk. `carry` is the last line of the previous piece of the same
    provision (a long provision split into windows): unlabelled text at the top continues it."""
    base = _parse_ref(chunk.ref)
    para, sub, item = (base.paragraph, base.subparagraph, base.item) if base else (0, "", "")
    lines: list[_Line] = []
    prev_level: str | None = None
    first = chunk.text.lstrip().split("\n", 1)[0]
    if carry is not None and carry.ref is not None and base is not None and base.contains(carry.ref) \
            and not PARAGRAPH_RE.match(first) and not LABEL_RE.match(first):
        para, sub, item = carry.ref.paragraph, carry.ref.subparagraph, carry.ref.item
        prev_level = "cont"
    for raw in chunk.text.split("\n"):
        t = raw.strip()
        if not t:
            continue
        own = _inline_chapeau(t, base) if prev_level is None else []
        if own and not (base.subparagraph or base.item):
            # "… shall apply the following measures: (i) Requiring …" on one line of a Part: the chapeau, then
            # its first item
            lines.append(_Line(base, str(base), "text", own[0], chunk))
            prev_level, t = "text", t[len(own[0]):].strip()
        if prev_level is None:
            for lead in [*lead_ins, *own]:  # a lead-in the chunker wrote in front of this provision
                if t.startswith(lead + " ") and base is not None:
                    t = t[len(lead):].strip()
                    if LABEL_RE.match(t) and (base.subparagraph or base.item):
                        parent = base.parent() or base
                        lines.append(_Line(parent, str(parent), "lead", lead, chunk))
                    break
        t = re.sub(r"\s*:?-{3,}:?(?:\s*[—–|]\s*:?-{3,}:?)*\s*", " ", t).strip()  # table rules in PDF text
        if not t:
            continue
        if base is None:  # no legal structure (e.g. a COP decision read as sections): drop list labels
            t = re.sub(r"^(?:\d{1,2}\.|\(?[a-z]{1,4}\))\s+", "", t)
            lines.append(_Line(None, chunk.ref, "text", t, chunk))
            prev_level = "text"
            continue
        if m := PARAGRAPH_RE.match(t):
            para, sub, item = int(m[1]), "", ""
            level, text = "para", m[2]
        elif m := LABEL_RE.match(t):
            label = m[2]
            if _is_item(label, sub, item):
                item = label
                level = "item"
            else:
                sub, item = label, ""
                level = "sub"
            text = m[3]
        else:
            text = t
            if prev_level in ("sub", "item") and t[:1].isupper():
                sub, item = "", ""  # closing text of a paragraph, after its lettered items
                level = "tail"
            else:
                level = "text" if prev_level is None else "cont"
        ref = _with_labels(base, para, sub, item)
        lines.append(_Line(ref, str(ref), level, text, chunk))
        prev_level = level
    return lines


def _inline_chapeau(first_line: str, base: Ref | None) -> list[str]:
    """"… each Party shall apply the following measures: (i) Requiring …": a chapeau the chunker left on
    the line of the provision's first item (a roman list straight under an annex Part), as a lead-in."""
    if base is None:
        return []
    label = base.item or base.subparagraph or "(a|i)"  # a Part's own first line opens its list at (a) or (i)
    m = re.match(r"^([^\n]{5,400}?:)\s+\(?([a-z]{1,4})\)\s", first_line)
    return [m[1]] if m and re.fullmatch(label, m[2]) else []


def _is_row(chunk: Chunk) -> bool:
    """One row of an annex table: its heading ends with the row label, its text is "Header: cell"."""
    ref = _parse_ref(chunk.ref)
    if ref is None or ref.kind != 2 or ref.paragraph or ref.subparagraph or not chunk.heading_path:
        return False
    last = chunk.heading_path[-1]
    if re.match(r"^(?:Annex|Part|Article|para|\()", last) or len(chunk.heading_path) < 2:
        return False
    return ":" in chunk.text and "\n" not in chunk.text.strip()
