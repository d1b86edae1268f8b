"""Follow-up condensing: make a question standalone using the conversation's earlier questions.

"And what about Annex B?" or "By when?" after "What does Article 5 require?" keeps the topic
(Article 5) so retrieval searches the right provisions. Rule-based, deterministic and
testable alone; no model involved.
"""

from __future__ import annotations

import re

from .question import asked_mentions
from .types import Condensed

_FOLLOWUP_OPENERS = re.compile(
    r"^\s*(and|also|but|so|then|or|what about|how about|and what|what if|by when|until when|since when|"
    r"when|which ones?|why|how long|how much|how many|is that|is it|is this|are they|are those|are these|"
    r"does it|does that|does this|do they|can they|can it|can we|must they|must we|who|where|"
    r"in that case|same for|what else|more on|tell me more|explain( that| it)?|any exceptions?)\b",
    re.IGNORECASE,
)
_PRONOUNS = re.compile(r"\b(it|its|this|that|they|them|these|those|ones|there|such|same|the article|the annex|"
                       r"the deadline|the list)\b", re.IGNORECASE)
_CONTENT = re.compile(r"[A-Za-z]{4,}")
_MAX_TOPIC_CHARS = 300


def is_followup(question: str) -> bool:
    content_words = _CONTENT.findall(question)
    if _FOLLOWUP_OPENERS.match(question):
        return True
    return len(content_words) <= 6 and bool(_PRONOUNS.search(question))


def condense(question: str, history: list[str] | tuple[str, ...] = ()) -> Condensed:
    """Fold the history left to right, so a chain of follow-ups keeps the latest topic."""
    topic: Condensed | None = None
    for earlier in history:
        if earlier and earlier.strip():
            topic = _step(earlier.strip(), topic)
    return _step(question.strip(), topic)


# "How far ahead must a proposed amendment to Annex A be sent?": the annex is what is amended; what is
# asked is the procedure for amending annexes (Article 27, with Article 26 for proposals and votes)
_AMENDING_ANNEX = re.compile(r"\b(?:amend\w*|proposal)\b.{0,40}\bannex(?:es)?\b|\bannex(?:es)?\b.{0,30}\bamend\w*",
                             re.IGNORECASE)
_PROCEDURE = re.compile(r"\b(?:how far ahead|in advance|ahead of|majority|vote|voting|consensus|enter(?:s|ed)? into force|"
                        r"binds?|binding|propos\w*|notif\w*|non-acceptance|accept\w*|procedure|months?|last resort)\b",
                        re.IGNORECASE)


# Article 27(3)(a) borrows Article 26's first three paragraphs, on proposing and adopting; how an annex
# amendment comes to bind (or not) is Article 27's own
_PROPOSING = re.compile(r"\b(?:how far ahead|in advance|ahead of|majority|vote|voting|consensus|propos\w*|procedure|"
                        r"months?|last resort|adopt\w*)\b", re.IGNORECASE)


def _asked_refs(question: str) -> tuple[str, ...]:
    refs = [str(r) for r in asked_mentions(question)]
    if _AMENDING_ANNEX.search(question) and _PROCEDURE.search(question) \
            and not re.search(r"\b(?:COP|MC)-?\s?\d|\b(?:Bali|added|adds|listed|products?|entries)\b", question, re.I):
        refs = [r for r in refs if not r.startswith("Annex")] + ["Article 27"] + (
            ["Article 26"] if _PROPOSING.search(question) else [])
    return tuple(dict.fromkeys(refs))


def _step(question: str, topic: Condensed | None) -> Condensed:
    own = _asked_refs(question)
    if topic is None or not is_followup(question):
        return Condensed(question=question, standalone=question, refs=own)
    topic_text = topic.standalone[:_MAX_TOPIC_CHARS]
    standalone = f"{question} (context: {topic_text})"
    # Refs the user names now win; otherwise the topic's provisions are carried over.
    refs = own if own else topic.refs
    return Condensed(question=question, standalone=standalone, refs=refs, carried=True)
