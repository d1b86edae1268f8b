"""How an answer reads: pure checks on answer text, used by the answer-level metrics.

- the lead: the first two sentences (where a reader looks for the reply), a bare "Yes." or "No."
  counted with the sentence it opens;
- a verdict: a yes/no answer opens with yes, no, not, only, partly or it depends;
- truncation: an ellipsis anywhere; repeats: the same sentence twice;
- quotes: the provisions quoted ("Article 4(1) of the Convention says: “…”");
- meta-text: a lead about the guide instead of the subject ("This part explains …").
"""

from __future__ import annotations

import re

from assistant.plan import is_meta_text
from assistant.verdicts import opens_with_verdict as _verdict

_SENTENCE = re.compile(r"(?<=[.!?])(?:\s*\[\d+\])*\s+(?=[A-Z“\"(])")
_QUOTE_LABEL = re.compile(r"^(?P<ref>.+?) of .{3,120}? says: “", re.MULTILINE)


def _strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text)


def sentences(text: str) -> list[str]:
    out = []
    for block in text.split("\n"):
        block = block.strip().lstrip("-* ").strip()
        if block:
            out += [s.strip() for s in _SENTENCE.split(_strip_markers(block)) if s.strip()]
    return out


def lead_text(answer: str) -> str:
    """The first two sentences; a bare verdict ("No.") opens the first, it is not one of the two."""
    said = sentences(answer)
    bare = bool(said) and len(said[0].split()) <= 3 and _verdict(said[0])
    return " ".join(said[:3] if bare else said[:2])


def opens_with_verdict(answer: str) -> bool:
    first = sentences(answer)[:1]
    return bool(first) and _verdict(first[0])


def is_truncated(answer: str) -> bool:
    return "…" in answer or "..." in answer


def has_repeats(answer: str) -> bool:
    seen = set()
    for s in sentences(answer):
        key = re.sub(r"\W+", " ", s.lower()).strip()
        if len(key) > 20 and key in seen:
            return True
        seen.add(key)
    return False


def quoted_refs(answer: str) -> list[str]:
    return [m["ref"].strip() for m in _QUOTE_LABEL.finditer(answer)]


def starts_with_meta(answer: str) -> bool:
    first = sentences(answer)[:1]
    return bool(first) and is_meta_text(first[0])
