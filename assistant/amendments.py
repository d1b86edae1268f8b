"""Amended Annex A/B entries, read from the index: the amendments note lists each changed entry as
"**Name:** 2013: … Now: … [refs]" (corpus/amendments/annex-amendments.md). The obligation finder
shows the amended state beside the 2013 deadline, with the decision that set it.

An entry is linked to an obligation row of the Annex it changes by the words of its name
("Batteries", "Cosmetics", "CFL.i, 30 W or less ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.models import Chunk
from ingest.refs import Ref
from ingest.structure import cited_refs

_ENTRY = re.compile(r"^(?:[-*]\s*)?\**(?P<name>[^:*\n]{3,80}?):\**\s+2013:\s*(?P<before>.+?)\s+Now:\s*(?P<now>.+)$")
_ALIASES = {"cfl": {"compact", "fluorescent"}, "cfls": {"compact", "fluorescent"}, "lfl": {"linear", "fluorescent"},
            "ccfl": {"cold", "cathode"}, "eefl": {"external", "electrode"}, "tire": {"tyre", "tire"}}
_IGNORED = frozenset("and or of the with less more than w mg up to for in a an by all above i ni linear lamp display".split())


@dataclass(frozen=True)
class AmendedEntry:
    name: str
    before: str  # the 2013 entry, in the note's words
    now: str  # the state after the amendments, in the note's words
    refs: tuple[str, ...]  # the annex part and the decision(s) it rests on
    doc_id: str
    doc_title: str
    chunk_id: str

    @property
    def decisions(self) -> list[str]:
        return [r for r in self.refs if (x := Ref.try_parse(r)) is not None and x.is_decision]

    @property
    def annex(self) -> Ref | None:
        return next((x for r in self.refs if (x := Ref.try_parse(r)) is not None and x.kind == 2), None)

    def summary(self) -> str:
        """"after 2025 (Decision MC-5/4; in force ...)": the new state, without its bracketed refs."""
        text = re.sub(r"\s*\[[^\]]+\]", "", self.now).strip()
        return text[:1].lower() + text[1:]

    def to_json(self) -> dict:
        return {"entry": self.name, "before": re.sub(r"\s*\[[^\]]+\]", "", self.before).strip(),
                "now": self.summary(), "decisions": self.decisions, "source": self.doc_title, "doc_id": self.doc_id}


def amended_entries(chunks: Iterable[Chunk]) -> list[AmendedEntry]:
    out = []
    for c in chunks:
        if c.doc_type not in ("guidance", "cop-decision") or "2013:" not in c.text:
            continue
        for line in c.text.split("\n"):
            m = _ENTRY.match(line.strip())
            if m is None:
                continue
            refs = tuple(dict.fromkeys(str(r) for r in cited_refs(line)))
            if any(e.name == m["name"].strip() and e.doc_id == c.doc_id for e in out):
                continue  # the same line in an overlapping window of a long section
            out.append(AmendedEntry(m["name"].strip(), m["before"].strip(), m["now"].strip(), refs, c.doc_id,
                                    c.doc_title, c.id))
    return out


def _words(text: str) -> set[str]:
    words = set()
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _IGNORED:
            continue
        words |= _ALIASES.get(w, {w.rstrip("s")})
    return words


def amendments_for(ref: str, action: str, entries: list[AmendedEntry]) -> list[AmendedEntry]:
    """The amended entries an Annex A/B obligation row is about: same annex, and every word of the
    entry's name (aliases expanded) in the row's action."""
    row_ref = Ref.try_parse(ref)
    if row_ref is None or row_ref.kind != 2 or row_ref.annex not in ("A", "B"):
        return []
    words = _words(action)
    out = []
    for e in entries:
        annex = e.annex
        if annex is None or annex.annex != row_ref.annex:
            continue
        name = _words(e.name)
        if not name:
            continue
        if name <= words:
            out.append(e)
    return out
