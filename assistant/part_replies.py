"""A reply for each part of a question of several parts that the prose leaves open.

"Can the losing Party appeal the final decision, and may a tribunal member who disagrees say so?"
asks two things; the lead (the final decision binds, without appeal) replies to the first, and the
second is answered by another provision of the same annex (a member may attach a dissenting opinion).
`figures.figure_leads` already says a time or a figure a part asks for; this step does the same for
the other parts, by meaning: the official sentence closest to the part (MiniLM's query-to-sentence
similarity, given by the caller) is added after the leads when it is clearly closer to the part than
any sentence the reply already has and shares a topic word with it.

Pure apart from `similarity(text, candidates) -> list[float]`, which the chain backs with the
embedding model.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.models import Chunk

from .draft import Draft, Sentence
from .figures import Statement, _clauses_joined, asks_for, statements
from .terms import same_fact, stems, topic_terms
from .question import question_kind, question_parts

Similarity = Callable[[str, list[str]], list[float]]

# a statement replies to a part when it is at least `FLOOR` close to it and `MARGIN` closer than the
# reply's closest sentence. On the 2,028 tuning cases: fact recall 0.8514 -> 0.8547 at 0.08 (9 cases
# gain a fact, none loses one), 0.8544 at 0.12 (8 gain)
FLOOR = 0.45
MARGIN = 0.08
MAX_CANDIDATES = 40
MAX_FURTHER = 12


def part_replies(draft: Draft, question: str, pool: list[Chunk], retrieved_ids: set[str],
                 similarity: Similarity, further: list[Chunk] = ()) -> list[str]:
    """Add the official sentence that replies to each part the prose leaves open; return their refs.
    `further`: other treaty passages retrieved (the surplus mercury of a chlor-alkali plant's
    decommissioning, Article 3(5)(b), beside Annex B's phase-out date), read after the pool's."""
    parts = _clauses_joined(question_parts(question))
    if len(parts) < 2:
        return []
    held = {c.id for c in pool}
    own = [st for chunk in pool for st in statements(chunk)][:MAX_CANDIDATES]
    beyond = [st for chunk in further if chunk.id not in held for st in statements(chunk)][:MAX_FURTHER]
    added: list[str] = []
    for part in parts:
        if asks_for(part) is not None and question_kind(part) != "yes-no":
            continue  # a time or a figure: figures.figure_leads says it
        # the provisions in focus first; the other passages only when none of theirs replies
        for candidates in (own, beyond):
            ref = _reply_to_part(draft, part, candidates, retrieved_ids, similarity)
            if ref is not None:
                added.append(ref)
                break
    return added


def _reply_to_part(draft: Draft, part: str, candidates: list[Statement], retrieved_ids: set[str],
                   similarity: Similarity) -> str | None:
    """Add the statement among `candidates` that replies to `part`, if one clearly does; its ref."""
    asked = stems(topic_terms(part))
    prose = [x for x in draft.sentences if x.kind in ("lead", "checklist")]
    fresh = [st for st in candidates if not any(same_fact(st.text, x.text, 0.5) for x in prose)
             and stems(topic_terms(st.text)) & asked]
    if not fresh or not prose:
        return None
    sims = similarity(part, [x.text for x in prose] + [st.text for st in fresh])
    said, offered = max(sims[:len(prose)]), sims[len(prose):]
    best = max(range(len(fresh)), key=lambda k: offered[k])
    if offered[best] < FLOOR or offered[best] < said + MARGIN:
        return None  # a sentence of the reply already speaks to this part, or nothing answers it clearly
    st = fresh[best]
    _add_after_leads(draft, st, retrieved_ids)
    return st.ref


def _add_after_leads(draft: Draft, st: Statement, retrieved_ids: set[str]) -> None:
    if st.chunk.id not in retrieved_ids:
        draft.fetch(st.chunk, "cited-by-guide")
    sentence = Sentence(text=st.text, citations=[draft.cite(st.chunk, st.ref or None)], kind="lead")
    leads = [x for x in draft.sentences if x.kind == "lead"]
    at = draft.sentences.index(leads[-1]) + 1 if leads else 0
    draft.sentences.insert(at, sentence)
