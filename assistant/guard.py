"""Input guard: instructions smuggled into a question never steer retrieval or the answer."""

from __future__ import annotations

import re

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|context|above)\b"
    r"|\byou are now\b|\bsystem prompt\b|\bact as\b|\bpretend\b|\bjailbreak\b|\bdeveloper mode\b"
    r"|\b(say|state|answer|reply|respond|write|tell me|output|print)\b.{0,30}\b(that|with|only|exactly)\b.{0,80}"
    r"\b(ban|bans|banned|allowed|legal|illegal|tomorrow|nothing|yes|no|poem|joke)\b",
    re.IGNORECASE | re.DOTALL,
)
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def sanitize(question: str) -> tuple[str, bool]:
    """Drop the sentences of a question that try to instruct the assistant.

    Returns the remaining question (possibly empty) and whether anything was dropped.
    """
    kept, dropped = [], False
    for sentence in _SPLIT.split(question.strip()):
        if not sentence.strip():
            continue
        if _INJECTION.search(sentence):
            dropped = True
            continue
        kept.append(sentence.strip())
    return " ".join(kept), dropped


def is_instruction(sentence: str) -> bool:
    """A sentence that gives the assistant orders ("ignore all previous instructions ..."): data in a
    document, never something an answer repeats as its own."""
    return bool(_INJECTION.search(sentence))
