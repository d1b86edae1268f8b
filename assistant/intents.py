"""What a question asks for, recognised by transparent patterns. Used by retrieval and composition."""

from __future__ import annotations

import re

# the COP1 high-level messages and other conference texts
CONFERENCE_QUESTION = re.compile(r"\b(ministers?|COP\s?-?1|first meeting|high-level|key (take-home )?messages|"
                                 r"conference text|conference of the parties agreed|messages?)\b", re.I)
# "by when?", "what is the deadline?": the sentence holding the date answers it
TEMPORAL_QUESTION = re.compile(r"\b(when|by when|deadline|date|year|how long|until|phase[- ]?out|how soon)\b", re.I)
# "what must we do about X?", "what does Article 7 require?": answered with a checklist
OBLIGATION_QUESTION = re.compile(
    r"\b(what|which)\b.{0,60}\b(must|shall|have to|has to|need to|needs to|required?|obliged|obligations?|duty|duties)\b"
    r"|\bwhat do(es)?\b.{0,60}\brequire\b|\bchecklist\b|\bwhat (do|should|must) (we|i)\b", re.IGNORECASE)


def is_conference_question(question: str) -> bool:
    return bool(CONFERENCE_QUESTION.search(question))


def is_temporal_question(question: str) -> bool:
    return bool(TEMPORAL_QUESTION.search(question))


def is_obligation_question(question: str) -> bool:
    return bool(OBLIGATION_QUESTION.search(question))
