"""The figure or time a question asks for, said in the reply, not left to the quote.

"How many members sit on the tribunal, and how long does it have to decide?" asks for two figures;
"What concentration must a mixture reach to count as mercury?" for one. When no sentence of the
reply gives a figure (or a time) on the subject of the part that asks for it, the sentence of the
official text that does is added, whole: an item with the chapeau that governs it ("Each Party
shall endeavour to identify … stocks … exceeding 50 metric tons, as well as … 10 metric tons per
year …"). Pure functions, plus one step that edits a Draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.refs import Ref

from .draft import Draft
from .fact_leads import resolve_this
from .plan import refs_overlap
from .question import core_question, question_kind, question_parts
from .terms import same_fact, topic_terms
from .types import Chunk, Sentence
from .verify import MIN_SUPPORT, support

# a part that only a figure replies to, and one that only a time replies to
_ASKS_FIGURE = re.compile(r"\bhow (?:many|much|large|big|high)\b|\bwhat (?:\w+\s+){0,2}(?:number|percentage|share|"
                          r"amount|threshold|limit|concentration|majority|proportion|quorum|target|minimum|maximum|"
                          r"size)\b|\bwhich majority\b", re.IGNORECASE)
_DATE = re.compile(r"\b(?:20[0-4]\d|\d+\s+(?:years?|months?|days?)|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                   r"twelve|fifteen|twenty|thirty|sixty|ninety)\s+(?:\w+\s+)?(?:years?|months?|days?)|no later than)\b",
                   re.IGNORECASE)
_ASKS_TIME = re.compile(r"\bhow (?:long|soon|early|quickly|often|far ahead|far in advance)\b|\b(?:by|until|since|from) when\b|^\s*(?:and\s+)?"
                        r"when\b|\bwhat (?:\w+\s+){0,2}(?:deadline|date|time limit|period)\b|\b(?:what|which) year\b|"
                        r"\bwithin what\b|\bat what point\b|\bfrom what point\b", re.IGNORECASE)
# (an ordinal that counts instruments is a figure too: "the fiftieth instrument of ratification")
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|fifty|half|"
                     r"twentieth|thirtieth|fortieth|fiftieth|hundredth|"
                     r"two-thirds|three-fourths|majority|per cent|as many|as much)\b", re.IGNORECASE)
_TIME = re.compile(r"\b(?:\w+th|first|second|third) (?:day|meeting)\b|\bas soon as\b|\bevery (?:\w+ )?(?:years?|months?)\b|\bat least \w+ "
                   r"(?:months?|years?|days?)\b|\bupon expiry\b", re.IGNORECASE)
# a cross-reference's numbers are no figure ("paragraph 3 of Article 11", "Annex E")
_CROSS_REF = re.compile(r"\b(?:Articles?|paragraphs?|subparagraphs?|Annex(?:es)?|Parts?|decisions?|MC-)\s*"
                        r"[\dA-Z][\w/.-]*(?:\s*\(\s*\w+\s*\))*(?:(?:,|\s+and|\s+or)\s+\d+(?:\s*\(\s*\w+\s*\))*)*",
                        re.IGNORECASE)
# a chapeau whose items are options, none of them a duty on its own
_OPTIONS = re.compile(r"\bone or more of\b|\bany of the following\b|\beither\b|\bat least one of\b|\bone of the following\b",
                      re.IGNORECASE)
_ITEM = re.compile(r"^\(?([a-z]{1,2}|[ivx]{1,5}|\d{1,2})[.)]\s+")
_QUOTED = re.compile(r"['‘“\"]([^'’”\"?]{3,40})['’”\"]")


def asks_for(part: str) -> str | None:
    """"time", "figure" or None: what only a time or a figure replies to in one part of a question."""
    # ("Under the treaty, when does …": the clause before it asks nothing)
    part = re.sub(r"^[^,?]{0,80},\s*(?=when\b)", "", core_question(part), flags=re.IGNORECASE)
    if _ASKS_TIME.search(part):
        return "time"
    if _ASKS_FIGURE.search(part):
        return "figure"
    return None


def gives(need: str, text: str) -> bool:
    """Whether `text` states a figure (or a time, or a period: a date or a number of years, months or
    days), cross-references aside."""
    bare = _CROSS_REF.sub("", text)
    if need == "period":
        return bool(_DATE.search(bare))
    if need == "time":  # (a bare "within" is no time: "within one of the categories")
        return bool(_DATE.search(bare) or _TIME.search(bare))
    return bool(_FIGURE.search(bare))


_COUNTED = re.compile(r"\bhow many\s+(?:\w+\s+)?(?P<noun>[a-z]{3,}s)\b", re.IGNORECASE)
_NUMBER_WORD = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty)"


def asked_figure(part: str, official: str) -> str | None:
    """"15": the figure the official sentence gives for the thing a "how many …" part counts ("How many
    members sit on the committee?" -> "15 members"), None when it names none; a reply that gives another
    figure ("five regions") has not said it."""
    m = _COUNTED.search(part)
    if m is None:
        return None
    stem = m["noun"].lower()[:-1]
    said = re.search(rf"\b({_NUMBER_WORD})\s+(?:\w+\s+)?{re.escape(stem)}", official, re.IGNORECASE)
    return said.group(1) if said else None


@dataclass(frozen=True)
class Statement:
    """A whole sentence of the official text, ready to stand in the reply."""
    text: str
    chunk: Chunk
    ref: str


_INLINE_ITEM = re.compile(r"^(?P<head>[^:]{3,200}:)\s+\(?(?:[a-z]{1,2}|[ivx]{1,5})[.)]\s+(?P<item>.+)$")
_HAS_VERB = re.compile(r"\b(?:shall|may|must|should|will|is|are|include|for the purposes)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)”\"][.])\s+(?=[A-Z“])")


def _join(head: str, item: str) -> str:
    """A chapeau and one of its items as one sentence: "For the purposes of this Article, references
    to …", "Each Party shall endeavour to identify …"; a chapeau that is a heading keeps its colon
    ("Vinyl chloride monomer production: Reduce the use …")."""
    head = re.sub(r"^\d{1,2}\.\s+", "", head.rstrip(": "))
    if not _HAS_VERB.search(head):
        return f"{head}: {item[:1].upper()}{item[1:]}"
    glue = ", " if re.fullmatch(r"for the purposes of (?:this|the) (?:article|convention|paragraph)", head, re.I) else " "
    return f"{head}{glue}{item[:1].lower()}{item[1:]}"


def statements(chunk: Chunk) -> list[Statement]:
    """The chunk's sentences, each whole: an item joined to the chapeau that governs it ("For the
    purposes of Article 3, references to “mercury” include …"), "this Article" named."""
    lines = [line.strip() for line in chunk.text.split("\n") if line.strip()]
    if not lines:
        return []
    chapeau = lines[0] if lines[0].rstrip().endswith(":") and len(lines) > 1 else None
    if chapeau and (inline := _INLINE_ITEM.match(chapeau)):  # "2. For the purposes of this Article: c) … of:"
        chapeau = _join(inline["head"], inline["item"])
    head = chapeau or (m[1] if (m := re.match(r"^([^:]{3,600}):\s+\(?(?:[a-z]{1,2}|[ivx]{1,5})[.)]\s", lines[0])) else "")
    if _OPTIONS.search(head):
        # "… shall implement one or more of the following measures …: (a) …": no item is a duty of its own,
        # so the chapeau is the statement ("… one or more of the measures listed there …, within ten years")
        text = re.sub(r"\b(?:of )?the following(?: measures)?", "of the measures listed there",
                      re.sub(r"^\d{1,2}\.\s+", "", head.rstrip(": "))).replace("of of", "of")
        text = resolve_this(text.rstrip(".") + ".", chunk.ref or "")
        return [Statement(_plain(text, chunk.ref or ""), chunk, chunk.ref or "")]
    out = []
    for line in lines[1:] if chapeau else lines:
        inline = _INLINE_ITEM.match(line)
        m = None if inline else _ITEM.match(line)
        if chapeau and m:
            first, *rest = _SENTENCE_END.split(line[m.end():])
            pieces = [_join(chapeau, first), *rest]
        elif inline:
            first, *rest = _SENTENCE_END.split(inline["item"])
            pieces = [_join(inline["head"], first), *rest]
        else:
            pieces = _SENTENCE_END.split(re.sub(r"^\d{1,2}\.\s+", "", line[m.end():] if m else line))
        for body in pieces:
            body = re.sub(r"(?:;|,)?\s*(?:and|or)?\s*$", "", body.rstrip(" ;,")).rstrip(" ;,:")
            if len(body) < 25 or body.endswith(":"):
                continue
            text = resolve_this(body.rstrip(".") + ".", chunk.ref or "")
            plain = _plain(text, chunk.ref or "")
            # the naming words must not leave the sentence short of support in its own passage (a short
            # sentence of Annex E would carry more words of its ref than of its claim)
            if support(plain, [chunk.text]) < MIN_SUPPORT:
                plain = _plain(text, "")
            out.append(Statement(plain, chunk, chunk.ref or ""))
    return out


_PLAIN_OPENERS = frozenset("The This These Each Any A An Such No All Where In If At For When Within Once".split())


def _plain(text: str, ref: str) -> str:
    """The treaty's sentence in the reply's voice, naming its provision ("Under Article 26(2), the text
    … must be communicated …"): "must" for "shall", "the Convention" for "this Convention". The quote
    below keeps its own words, so the reply never repeats it word for word."""
    text = re.sub(r"^For the purposes of (Article \d+), ", r"Under \1, ", text)
    if not text.startswith("Under ") and ":" not in text and re.match(r"^(?:Article|Annex) ", ref):
        first = text.split(" ", 1)[0]
        text = f"Under {ref}, {first.lower() if first in _PLAIN_OPENERS else first} {text.split(' ', 1)[1]}" \
            if " " in text else text
    text = re.sub(r"\bshall\b", "must", text)
    text = re.sub(r"\bthis Convention\b", "the Convention", text)
    return re.sub(r"\bthe Party concerned\b", "that Party", text)


def word_prefix(token: str) -> str:
    """A token's prefix, so that forms of one word meet: "withdrawal" / "withdraw", "proposal" / "proposed"."""
    return (re.sub(r"(?:ing|ed|es|s)$", "", token) if len(token) > 4 else token).rstrip("e")[:5]


# words of how a question is put, not of what it is about ("If a Party later wanted out, …": "later" is no
# match for a provision's "on such later date")
_ASKING_FILLER = frozenset("later want wanted wants wanting ever still actually really".split())


def _terms(text: str) -> set[str]:
    """Word prefixes of the topic words."""
    return {word_prefix(t) for t in topic_terms(text) if t not in _ASKING_FILLER}


# a question on what a later meeting or amendment set
_ASKS_AMENDED = re.compile(r"\bCOP-?\s?[2-9]\b|\bMC-\d/\d|\bamend(?:ed|ment|ments)\b", re.IGNORECASE)


def best_statement(part: str, question: str, need: str, ranked: list[tuple[int, Statement]],
                   rests_on: list[str] = (), others: set[str] = frozenset()) -> Statement | None:
    """The statement (each with the rank of its chunk in the pool, best first) that gives what `part`
    asks for and shares most with it; the part's own words count twice, the rest of the question's once,
    and the words only the question's other parts use (`others`) count against it ("from when could it
    withdraw" is not answered by the sentence on when a withdrawal "takes effect", the other part)."""
    own, rest = _terms(part), _terms(question)
    others = others - own
    # a term the question puts in quotes ("when does a boiler count as a 'new source'?") is best
    # answered by the sentence that defines it
    quoted = [t.lower() for t in _QUOTED.findall(part)]
    best, best_score = None, 0.0
    # "how long do we have …?" wants a period, not "at its first meeting" (another body's time)
    wanted = "period" if need == "time" and re.search(r"\bhow long\b", part, re.IGNORECASE) else need
    later = bool(_ASKS_AMENDED.search(question))
    for rank, st in ranked:
        if not gives(wanted, st.text):
            continue
        if later and re.match(r"^Annex [AB]\b", st.ref or ""):
            continue  # "Under the COP-5 amendment, after what year …?": no 2013 row's date replies
        words = _terms(st.text)
        # the provisions the reply already rests on are where its figure most likely is
        on_it = any(refs_overlap(st.ref, r) for r in rests_on)
        score = 2 * len(own & words) + len(rest & words) - len(others & words) - 0.1 * rank + (3 if on_it else 0)
        if any(re.search(rf"[“\"]{re.escape(t)}[”\"] means\b", st.text, re.IGNORECASE) for t in quoted):
            score += 6
        if (len(own & words) >= 1 or on_it) and score >= 2.5 and score > best_score:
            best, best_score = st, score
    return best


def figure_leads(draft: Draft, question: str, pool: list[Chunk], retrieved_ids: set[str]) -> list[str]:
    """Each part of the question that only a figure or a time answers, and that no sentence of the
    reply answers on its subject, gets the official sentence that does: first when the first part
    is left open, else after the leads. Returns the provisions of the sentences added."""
    added: list[str] = []
    parts = _clauses_joined(question_parts(question))
    terms = [_terms(part) for part in parts]
    yes_no = question_kind(question) == "yes-no"  # its verdict leads: a figure follows the first lead
    ranked: list[tuple[int, Statement]] | None = None  # the pool's statements, read once, when a part needs them
    for i, part in enumerate(parts):
        need = asks_for(part) if question_kind(part) != "yes-no" else None
        if need is None:
            continue
        if ranked is None:
            ranked = [(rank, st) for rank, chunk in enumerate(pool) for st in statements(chunk)]
        prose = [x for x in draft.sentences if x.kind in ("lead", "checklist")]
        # (one part only: of several, the part left open is most often answered by another paragraph)
        rests_on = draft.refs_of(prose) if len(parts) == 1 else []
        others = set().union(*(t for j, t in enumerate(terms) if j != i))
        st = best_statement(part, question, need, ranked, rests_on, others)
        # answered already: a sentence of the reply gives a figure and says what the official sentence
        # says, or, in a question of one part (or when no official sentence gives one), is on its subject
        # (of several parts, a figure may be on the subject of one part and answer another)
        figure = asked_figure(part, st.text) if st is not None and need == "figure" else None
        # a time asked for is replied to by the official sentence's own period or year, not by another
        # duty's "as soon as practicable" (the COP's guidance beside the Party's five-year inventory)
        periods = _periods(st.text) if st is not None and need == "time" and len(parts) > 1 else []
        replying = [x for x in prose if gives(need, x.text) and (
            figure is None or re.search(rf"\b{re.escape(figure)}\b", x.text, re.IGNORECASE)) and (
            not periods or any(p in x.text.lower() for p in periods)) and (
            (st is not None and same_fact(st.text, x.text, 0.5))
            or ((st is None or len(parts) == 1) and _replies_to(i, terms, _terms(x.text), first=x is prose[0])))]
        if replying:
            if i == 0 and len(parts) == 1 and not gives(need, prose[0].text) and replying[0].kind == "lead":
                draft.lead_with(replying[0], keep=2)  # the sentence that gives it replies first
            continue
        if st is None:
            continue
        if st.chunk.id not in retrieved_ids:
            draft.fetch(st.chunk, "cited-by-guide")
        sentence = Sentence(text=st.text, citations=[draft.cite(st.chunk, st.ref or None)], kind="lead")
        added.append(st.ref)
        leads = [x for x in draft.sentences if x.kind == "lead"]
        if i == 0 and not (yes_no and leads):
            draft.lead_with(sentence, keep=2)
        else:
            at = draft.sentences.index(leads[0 if i == 0 else -1]) + 1 if leads else 0
            draft.sentences.insert(at, sentence)
    return added


_CLAUSE = re.compile(r"^\s*(?:when|once|if|while)\s+(?!(?:does|did|do|is|are|was|were|will|would|must|can|could|should|"
                     r"shall|has|have|may)\b)", re.IGNORECASE)


def _periods(text: str) -> list[str]:
    """"five years", "2025": the dated periods a sentence gives ("no later than" alone dates nothing)."""
    return [m[0].lower() for m in _DATE.finditer(_CROSS_REF.sub("", text)) if m[0].lower() != "no later than"]


def _clauses_joined(parts: list[str]) -> list[str]:
    """"When the COP votes on a matter within EU competence, how many votes …": the first part is a
    clause of the second, not a question of its own."""
    out: list[str] = []
    for part in parts:
        if out and _CLAUSE.match(out[-1]) and "," not in out[-1]:
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def _replies_to(i: int, terms: list[set[str]], words: set[str], first: bool) -> bool:
    """A sentence replies to part i when it shares more words with it than with any other part (the
    opening sentence of a one-part question does by its place)."""
    if len(terms) == 1:
        return first or bool(terms[0] & words)
    shared = [len(t & words) for t in terms]
    return shared[i] > 0 and shared[i] == max(shared) and shared.count(shared[i]) == 1


def figure_pool(refs: list[str], passages, binding_lookup) -> list[Chunk]:
    """Where the figure may be read: the official text of the provisions the reply rests on (their
    whole articles), then the treaty passages retrieved near the top."""
    out: dict[str, Chunk] = {}
    for p in passages[:3]:
        if p.chunk.doc_type in ("treaty", "cop-decision"):
            out.setdefault(p.chunk.id, p.chunk)
    for ref in refs:
        r = Ref.try_parse(ref)
        if r is None or r.is_decision:
            continue
        for c in binding_lookup(str(r.top())):
            out.setdefault(c.id, c)
    return list(out.values())
