"""The citation verifier, shared by the extractive composer and the optional generator.

A sentence passes when every [n] it carries names a citation whose passage was actually
retrieved, when it carries at least one marker if it states an obligation, and when the
cited passages contain enough of its content words to support it.
"""

from __future__ import annotations

import re

from ingest.index import keyword_tokens

from .types import Citation, Sentence

MARKER = re.compile(r"\[(\d{1,3})\]")
_OBLIGATION = re.compile(r"\b(shall|must|required?|obliged|has to|have to|may not|prohibit\w*|ban\w*|"
                         r"phase[- ]out|deadline|no later than)\b", re.IGNORECASE)
MIN_SUPPORT = 0.6  # share of a sentence's content words that must occur in its cited passages


def states_obligation(text: str) -> bool:
    return bool(_OBLIGATION.search(text))


def parse_generated(text: str) -> list[Sentence]:
    """Split generated text into sentences and lift their [n] markers out."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(\-*])|\n+", text.strip())
    out = []
    verdict = ""
    for piece in pieces:
        piece = piece.strip().lstrip("-* ").strip()
        if not piece:
            continue
        if re.fullmatch(r"(?:yes|no)[.!]", piece, re.IGNORECASE):
            verdict = piece + " "  # "No." is the opening of the next sentence, not a claim of its own
            continue
        piece, verdict = verdict + piece, ""
        numbers = [int(n) for n in MARKER.findall(piece)]
        clean = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", piece)).strip()
        if clean:
            out.append(Sentence(text=clean, citations=list(dict.fromkeys(numbers)), kind="generated"))
    return out


def support(sentence: str, passages: list[str]) -> float:
    words = set(keyword_tokens(sentence))
    if not words:
        return 1.0
    available: set[str] = set()
    for p in passages:
        available |= set(keyword_tokens(p))
    return len(words & available) / len(words)


def _claim(s: Sentence) -> str:
    """What a sentence asserts: for a quotation, the quoted words, not the attribution around them."""
    if s.kind == "quote":
        m = re.search(r"“(.+)”", s.text, re.DOTALL)
        if m:
            return m.group(1)
    return s.text


def verify(sentences: list[Sentence], citations: list[Citation], retrieved_chunk_ids: set[str]) -> list[str]:
    """Mark each sentence verified or not; return the reasons for the failures."""
    by_n = {c.n: c for c in citations}
    problems = []
    for s in sentences:
        reason = None
        unknown = [n for n in s.citations if n not in by_n]
        if unknown:
            reason = f"cites [{unknown[0]}], which is not a retrieved passage"
        elif any(by_n[n].chunk_id not in retrieved_chunk_ids for n in s.citations):
            reason = "cites a passage that was not retrieved"
        elif not s.citations and s.kind not in ("note", "refusal") and states_obligation(s.text):
            reason = "states an obligation without a citation"
        elif s.kind != "note" and s.citations and support(_claim(s), [by_n[n].text for n in s.citations]) < MIN_SUPPORT:
            reason = "is not supported by the passages it cites"
        s.verified = reason is None
        if reason:
            problems.append(f"“{s.text[:120]}” {reason}")
    return problems
