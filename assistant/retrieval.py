"""Hybrid retrieval: dense (Chroma + MiniLM) and keyword (BM25) fused by weighted reciprocal rank
fusion, with provisions named in the question always first, definitions of terms used in the
question, and cross-references of retrieved provisions.

`Retriever` returns typed Passages; `HybridRetriever` wraps it as a LangChain BaseRetriever.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from ingest.bank import BankLexicon, BankMatch, key_text
from ingest.index import IndexStore, Snapshot, keyword_tokens
from ingest.models import Chunk
from ingest.refs import Ref, find_mentions
from ingest.settings import Settings

from .intents import is_conference_question
from .question import asking_sentence, asking_sentences, core_question, other_trade_direction, qualifying_annexes
from .scope import IndexFacts, meeting_numbers
from .scope_patterns import country_pattern
from .types import Condensed, Filters, Passage

# "Foo" means / “Foo” means: a definition in a legal text
_DEFINES = re.compile(r"[“\"]([^”\"]{3,70})[”\"]\s+(?:techniques\s+)?means\b")
_GLOSSARY_HEADING = re.compile(r"^Glossary\s+[—–-]\s+(.+)$")
# Terms too common to signal that the question is about their definition.
_COMMON_TERMS = frozenset({"mercury", "party", "parties"})
# Everyday question words that say nothing about whether the texts cover the topic.
_GENERIC_WORDS = frozenset(
    "what which does mean means require requires say says tell about explain happen happens still need needs "
    "must may can our country countries party parties convention article articles annex part paragraph rule "
    "rules allowed allow use used using under new old".split())
_CONFERENCE_WEIGHT = 0.7
_CARRIED_TOPIC_BOOST = 1.5
_DOC_TYPE_ORDER = {"treaty": 0, "guidance": 1, "cop-decision": 2, "conference-text": 3, "other": 4}


# a title that stops on a small word, or is a whole sentence, was a document's first line
# (lower case only: "... and Annex A" is a title)
_FRAGMENT_END = re.compile(r"\b(?:on|of|the|and|to|for|in|a|an|with|by|has|have|is|are)\W*$|[a-z]\.$")
# said plainly, by kind ("a conference text"): "an untitled conference text" read as noise to the judges
UNTITLED = {"conference-text": "a conference text", "cop-decision": "a decision text",
             "treaty": "a treaty text", "guidance": "a guidance text", "other": "a further document"}


def _display_title(document) -> str:
    """A title fit to list to a reader: a text file's first line can be the start of a sentence
    ("This session of the Conference has agreed on"), which is named by its kind instead ("a conference text")."""
    title = (document.title or "").strip()
    if not title or _FRAGMENT_END.search(title):
        return UNTITLED.get(document.doc_type, "a further document")
    return title


@dataclass
class SnapshotAux:
    """Lookups derived once per index generation."""

    refs: list[Ref | None]
    definitions: dict[str, list[int]]  # term (lower case) -> chunk positions
    idf: dict[str, float]
    term_patterns: list[tuple[str, re.Pattern]] = field(default_factory=list)
    vocab_by_initial: dict[str, list[str]] = field(default_factory=dict)
    obligations: list = field(default_factory=list)  # ingest.obligations.Obligation rows
    known_refs: set = field(default_factory=set)  # every provision a passage is of, or cites
    facts: IndexFacts = field(default_factory=IndexFacts)  # what the index holds, for the scope check
    amended: list = field(default_factory=list)  # (AmendedEntry, Chunk): Annex A/B entries later meetings changed
    decision_facts: list = field(default_factory=list)  # (DecisionFact, Chunk): what each annex decision says of itself
    phrases: dict = field(default_factory=dict)  # (token, token) -> chunk positions holding that word pair
    bank_lexicon: BankLexicon = field(default_factory=lambda: BankLexicon([], keyword_tokens))
    article_titles: dict = field(default_factory=dict)  # "Article 8" -> "Emissions", from the binding texts

    @classmethod
    def build(cls, snap: Snapshot) -> SnapshotAux:
        refs = [Ref.try_parse(c.ref) for c in snap.chunks]
        definitions: dict[str, list[int]] = {}
        df: Counter[str] = Counter()
        phrases: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(snap.chunks):
            if _out_of_scope_entry(c):  # what the texts do NOT hold is not vocabulary they use
                continue
            tokens = keyword_tokens(c.text)
            df.update(set(tokens))
            for pair in set(zip(tokens, tokens[1:])):
                phrases.setdefault(pair, []).append(i)
            terms = [m.group(1) for m in _DEFINES.finditer(c.text)] if c.doc_type in ("treaty", "cop-decision") else []
            if c.doc_type == "guidance" and c.heading_path and (m := _GLOSSARY_HEADING.match(c.heading_path[0])):
                terms.append(m.group(1))
            for t in terms:
                definitions.setdefault(t.strip().lower(), []).append(i)
        n = max(1, len(snap.chunks))
        idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        patterns = [(t, re.compile(r"\b" + re.escape(t) + r"s?\b", re.IGNORECASE))
                    for t in sorted(definitions, key=len, reverse=True) if t not in _COMMON_TERMS]
        by_initial: dict[str, list[str]] = {}
        for t in idf:
            by_initial.setdefault(t[:1], []).append(t)
        from ingest.obligations import load_obligations

        known = {r for r in refs if r is not None}
        known |= {r for c in snap.chunks if not _out_of_scope_entry(c) for x in c.cited_refs
                  if (r := Ref.try_parse(x)) is not None}
        meetings = {r.meeting for r in known if r.is_decision}
        for d in snap.documents.values():  # conference texts name their meeting in the title
            meetings |= set(meeting_numbers(d.title))
        from ingest.manifest import bundled_ids

        own = frozenset(d.id for d in snap.documents.values() if d.id not in bundled_ids()
                        and d.doc_type not in ("treaty", "conference-text"))
        from .amendments import amended_entries, decision_facts

        by_id = {c.id: c for c in snap.chunks}
        amended = [(e, by_id[e.chunk_id]) for e in amended_entries(snap.chunks) if e.chunk_id in by_id]
        facts = IndexFacts(documents=tuple(_display_title(d) for d in snap.documents.values()), meetings=frozenset(meetings),
                           own_documents=own, amended=tuple(e for e, _ in amended),
                           decisions=frozenset(str(r) for r in known if r.is_decision and r.decision),
                           vocabulary=frozenset(idf))
        return cls(refs=refs, definitions=definitions, idf=idf, term_patterns=patterns, vocab_by_initial=by_initial,
                   obligations=load_obligations(snap), known_refs=known, facts=facts, amended=amended,
                   decision_facts=[(f, by_id[f.chunk_id]) for f in decision_facts(snap.chunks) if f.chunk_id in by_id],
                   phrases=phrases, bank_lexicon=BankLexicon(list(snap.bank_keys), keyword_tokens),
                   article_titles=_article_titles(snap.chunks))

    def content_terms(self, question: str) -> list[str]:
        return [t for t in keyword_tokens(question) if len(t) >= 3 and not t.isdigit() and t not in _GENERIC_WORDS]

    def closest_word(self, token: str) -> str | None:
        import difflib

        near = [w for w in self.vocab_by_initial.get(token[:1], ()) if abs(len(w) - len(token)) <= 2]
        found = difflib.get_close_matches(token, near, n=1, cutoff=0.8)
        return found[0] if found else None

    def correct_spelling(self, text: str) -> str:
        """Replace words the texts never use by their closest indexed word ("mercry" -> "mercury"),
        so that keyword and dense search see what the person meant."""
        def fix(m: re.Match) -> str:
            word = m.group(0)
            low = word.lower()
            if len(low) < 4 or low in self.idf or low in _GENERIC_WORDS or not low.isalpha():
                return word
            stem = keyword_tokens(low)
            if not stem or stem[0] in self.idf:
                return word
            return self.closest_word(stem[0]) or word

        return re.sub(r"[A-Za-z]+", fix, text)

    def unknown_terms(self, terms: list[str]) -> list[str]:
        """Content words of the question that no indexed text uses, allowing for typos
        ("mercry" is known as "mercury"). "Stockholm", "lasagne" or "cadmium" are unknown: a sign
        that the question is about something the texts do not cover."""
        return [t for t in terms if t not in self.idf and self.closest_word(t) is None]


_TITLED_ARTICLE = re.compile(r"^(Article \d+) — (.+)$")


def _article_titles(chunks) -> dict[str, str]:
    """Each article's title as its heading gives it ("Article 9 — Releases"), the first treaty's
    where several hold one of that number."""
    titles: dict[str, str] = {}
    for c in chunks:
        if c.doc_type == "treaty" and c.heading_path and (m := _TITLED_ARTICLE.match(c.heading_path[0])):
            titles.setdefault(m[1], m[2])
    return titles


def _boosted(ranked: list[tuple[int, float]], chosen: set[int]) -> list[tuple[int, float]]:
    """The ranking with the chosen passages raised as a carried topic is, re-sorted."""
    return sorted(((i, sc * (_CARRIED_TOPIC_BOOST if i in chosen else 1.0)) for i, sc in ranked), key=lambda kv: -kv[1])


def _within(refs: tuple[str, ...], aux: SnapshotAux, positions: Iterable[int]) -> set[int]:
    """Those of the positions whose passage lies inside one of these provisions."""
    wanted = [w for t in refs if (w := Ref.try_parse(t)) is not None]
    return {i for i in positions if (r := aux.refs[i]) is not None and any(w.contains(r) for w in wanted)}


def _out_of_scope_entry(chunk: Chunk) -> bool:
    """A question-bank entry for a question the texts do not answer: never a passage to quote."""
    return chunk.facet("answerable") == "no"


@dataclass
class Retrieval:
    passages: list[Passage]
    definitions: list[Passage]
    best_dense: float  # cosine similarity of the best dense hit
    explicit_found: bool  # the question named provisions that exist in the index
    unknown_terms: list[str] = field(default_factory=list)
    evidence: float = 0.0  # best_dense, lowered by the share of question words the texts never use
    bank: list[BankMatch] = field(default_factory=list)  # question-bank entries by closest phrasing


# how much closer the asking part alone must come to a bank phrasing than the whole question
_CORE_HANDICAP = 0.05
# clauses any question about a Party's duties may end with; they pull MiniLM towards the entry-into-force entries
_TREATY_BOILERPLATE = re.compile(
    r",?\s*\b(?:once|after|when|from when)\s+(?:the|this)\s+(?:Convention|treaty)\s+(?:enters|entered|has entered|"
    r"comes|came)\s+into\s+force(?:\s+for\s+(?:it|them|the Party|that Party|a Party|the country|its country|us))?\b",
    re.IGNORECASE)


class Retriever:
    """Reloads transparently when a new index generation is committed."""

    def __init__(self, settings: Settings, store: IndexStore | None = None):
        self.settings = settings
        self.store = store or IndexStore(settings)
        self._snap: Snapshot | None = None
        self._aux: SnapshotAux | None = None
        self._lock = threading.Lock()
        self._embed_cached = lru_cache(maxsize=2048)(self._embed)

    # ---- state -----------------------------------------------------------------------------
    def current(self) -> tuple[Snapshot, SnapshotAux]:
        with self._lock:
            if self._snap is None or self._snap.is_stale():
                snap = self.store.snapshot()
                self._snap, self._aux = snap, SnapshotAux.build(snap)
            return self._snap, self._aux

    def _embed(self, text: str) -> tuple[float, ...]:
        return tuple(self.store.embedder.embed_query(text))

    def embed(self, text: str) -> list[float]:
        return list(self._embed_cached(text))

    def similarities(self, text: str, candidates: list[str]) -> list[float]:
        """Cosine similarity of `text` to each candidate sentence (the embedding model, one batch)."""
        if not candidates:
            return []
        query = np.asarray(self.embed(text), dtype=np.float32)
        docs = np.asarray(self.store.embedder.embed_documents(candidates), dtype=np.float32)
        norms = np.linalg.norm(docs, axis=1) * (np.linalg.norm(query) or 1.0)
        return [float(x) for x in docs @ query / np.where(norms == 0, 1.0, norms)]

    # ---- the three retrieval modes, also used as baselines ----------------------------------
    def dense_ranking(self, query: str, n: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        snap, aux = self.current()
        where = _chroma_where(filters)
        over = n * 3 if filters and filters.ref else n
        hits = snap.dense_search(self.embed(query), over, where)
        out = [(snap.position[cid], sim) for cid, sim in hits if cid in snap.position]
        return [(i, s) for i, s in out if _allowed(snap.chunks[i], aux.refs[i], filters)
                and not _out_of_scope_entry(snap.chunks[i])][:n]

    def keyword_ranking(self, query: str, n: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        snap, aux = self.current()
        scores = snap.keyword_scores(query)
        order = scores.argsort()[::-1]
        out = []
        for i in order[: n * 4]:
            if scores[i] <= 0:
                break
            if _allowed(snap.chunks[i], aux.refs[i], filters) and not _out_of_scope_entry(snap.chunks[i]):
                out.append((int(i), float(scores[i])))
            if len(out) >= n:
                break
        return out

    def phrase_ranking(self, query: str, n: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        """Passages holding the question's rarer word pairs ("occupational exposure", "biotic media",
        "comparable monitoring data"), scored by how rare each pair is: BM25 sees the words apart, so
        the sub-paragraph that uses the phrase can lose to a neighbour that repeats one word."""
        snap, aux = self.current()
        tokens = keyword_tokens(query)
        total = max(1, len(snap.chunks))
        scores: dict[int, float] = {}
        for pair in dict.fromkeys(zip(tokens, tokens[1:])):
            holders = aux.phrases.get(pair, [])
            if not holders or len(holders) > self.settings.phrase_max_passages:
                continue  # absent, or so common it tells no passage from another
            weight = math.log(total / len(holders))
            for i in holders:
                scores[i] = scores.get(i, 0.0) + weight
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return [(i, sc) for i, sc in ranked if _allowed(snap.chunks[i], aux.refs[i], filters)
                and not _out_of_scope_entry(snap.chunks[i])][:n]

    def bank_matches(self, query: str, filters: Filters | None = None, n: int = 10) -> list[BankMatch]:
        """Question-bank entries whose phrasings are closest to the question, best first; out-of-scope
        entries included. Closeness is MiniLM's query-to-question similarity plus `bank_lexical_weight`
        x the share of the question's words the entry's phrasings use (ingest.bank.BankLexicon)."""
        snap, aux = self.current()
        weight = self.settings.bank_lexical_weight
        words = aux.bank_lexicon.coverage(query) if weight else {}
        by_similarity = [t for t in self._bank_search(snap, query)
                         if _allowed(snap.chunks[snap.position[t[0]]], aux.refs[snap.position[t[0]]], filters)]
        by_both = sorted(by_similarity, key=lambda t: -(t[1] + weight * words.get(t[0], 0.0)))
        # the n best by both, then any of the n closest phrasings left out (the scope check weighs those)
        chosen = list({t[0]: t for t in [*by_both[:n], *by_similarity[:n]]}.values())
        return [BankMatch(snap.chunks[snap.position[cid]], sim, phrasing, words.get(cid, 0.0))
                for cid, sim, phrasing in chosen]

    def part_similarities(self, part: str, among: list[BankMatch]) -> dict[str, float]:
        """How close one part of a question ("how quickly must it render its decision") comes to the
        phrasings of each entry `among` (those the whole question matched: the whole question keeps
        the topic, the part picks the entry), by chunk id."""
        snap, _ = self.current()
        wanted = {m.chunk.id for m in among}
        return {cid: sim for cid, sim, _ in snap.bank_search(self.embed(key_text(part))) if cid in wanted}

    def _bank_search(self, snap: Snapshot, query: str) -> list[tuple[str, float, str]]:
        """Match the question as asked and, when something is set before it ("For my law class:
        who is …?", "Our utility plans a coal unit. By when …?"), the asking part alone: bank
        phrasings are bare questions, and a preamble pulls the whole question's embedding away from
        them. Each entry keeps its better similarity."""
        found = snap.bank_search(self.embed(key_text(query)))
        core = core_question(query)
        # the asking part alone, and that part without a clause every treaty question could carry
        # ("… at new sources once the Convention enters into force for it?" is about new sources)
        # and with a named country put as any country: phrasings say "a country" ("From which day did the
        # Convention bind Colombia?" is the bank's "from which day is a State bound?")
        variants = [v for v in dict.fromkeys([core, _TREATY_BOILERPLATE.sub("", core).strip(),
                                              country_pattern().sub("a country", core)])
                    if v and v != query.strip() and len(v.split()) >= 4]
        if variants:
            best = {cid: (sim, phrasing) for cid, sim, phrasing in found}
            for variant in variants:
                for cid, sim, phrasing in snap.bank_search(self.embed(key_text(variant))):
                    sim -= _CORE_HANDICAP  # the whole question stays the better witness on a near tie
                    if sim > best.get(cid, (-2.0, ""))[0]:
                        best[cid] = (sim, phrasing)
            found = sorted(((cid, sim, q) for cid, (sim, q) in best.items()), key=lambda t: -t[1])
        return found

    def fuse(self, dense: list[tuple[int, float]], keyword: list[tuple[int, float]],
             *more: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion; `more` are further (dense, keyword, dense, ...) rankings."""
        s = self.settings
        fused: dict[int, float] = {}
        for n, ranking in enumerate([dense, keyword, *more]):
            _add_by_rank(fused, [i for i, _ in ranking], s.dense_weight if n % 2 == 0 else s.bm25_weight, s.rrf_k)
        return sorted(fused.items(), key=lambda kv: -kv[1])

    # ---- the full retrieval -----------------------------------------------------------------
    def retrieve(self, condensed: Condensed, k: int | None = None, filters: Filters | None = None,
                 mode: str = "hybrid") -> Retrieval:
        snap, aux = self.current()
        k = k or self.settings.retrieve_k
        if not snap.chunks:
            return Retrieval([], [], 0.0, False)
        terms = aux.content_terms(condensed.question)
        unknown = aux.unknown_terms(terms)
        query = self._spelled(condensed.standalone, aux)
        pool = max(30, 4 * k)
        dense = self.dense_ranking(query, pool, filters) if mode in ("hybrid", "dense") else []
        keyword = self.keyword_ranking(query, pool, filters) if mode in ("hybrid", "bm25") else []
        bank = self.bank_matches(query, filters) if mode == "hybrid" and self.settings.bank_weight > 0 else []
        dense_sim = dict(dense)
        kw_score = dict(keyword)
        # annexes the question names only to locate its subject: favoured below instead of put first
        located = {r for r in qualifying_annexes(condensed.question) if r in condensed.refs} \
            if not condensed.carried else set()
        if mode == "dense":
            ranked = [(i, s) for i, s in dense]
        elif mode == "bm25":
            ranked = [(i, s) for i, s in keyword]
        else:
            own = ""
            if condensed.carried and mode == "hybrid" and self._says_something(condensed.question, aux):
                # a follow-up is searched twice: with its context, and as asked, so that what is
                # new in it ("chlor-alkali", "imports from non-Parties") is not drowned by the topic
                own = condensed.question
            elif (asking := self._asking_part(condensed.question)) and len(set(aux.content_terms(asking))) >= 3:
                # a question set after sentences of context ("A UNIDO project in Ghana measured … . Are
                # releases like these handled under Article 9?") is searched as asked too: the context
                # names firms, places and products the question is not about (unless the question says
                # too little alone: "What is the government expected to do about it?")
                own = asking
            own = self._spelled(own, aux) if own else ""
            extra = [self.dense_ranking(own, pool, filters), self.keyword_ranking(own, pool, filters)] if own else []
            ranked = self.fuse(dense, keyword, *extra)
            if self.settings.phrase_weight > 0:
                ranked = self._with_ranking(ranked, self.phrase_ranking(query, pool, filters), self.settings.phrase_weight)
            ranked = self._with_bank(ranked, bank, snap, aux, filters, asking_sentence(condensed.question))
            if not is_conference_question(condensed.standalone):
                # conference texts are general political messages that resemble many questions;
                # unless the question asks about them, binding text and the guide come first
                ranked = sorted(((i, sc * (_CONFERENCE_WEIGHT if snap.chunks[i].doc_type == "conference-text" else 1.0))
                                 for i, sc in ranked), key=lambda kv: -kv[1])
            # articles named by subject, and an annex named only to locate what is asked ("the processes
            # in Annex B"), are favoured, not put first
            if favoured := (*condensed.titled, *sorted(located)):
                ranked = _boosted(ranked, _within(favoured, aux, (i for i, _ in ranked)))
        best_dense = max((s for _, s in dense), default=0.0)
        if mode == "bm25":  # no dense evidence: compute it for the top hits only, for refusal
            best_dense = self._best_similarity(query, [i for i, _ in ranked[:5]], snap)
        fused_score = dict(ranked)

        passages: list[Passage] = []
        seen: set[int] = set()
        explicit = self._explicit(tuple(r for r in condensed.refs if r not in located), aux, snap, filters) \
            if mode == "hybrid" else []
        # Named provisions first, the most relevant of their paragraphs leading.
        wanted = [w for r in condensed.refs if (w := Ref.try_parse(r)) is not None]
        explicit.sort(key=lambda i: (not any(w.contains(aux.refs[i]) for w in wanted),  # inside before around
                                     -fused_score.get(i, 0.0), _DOC_TYPE_ORDER.get(snap.chunks[i].doc_type, 9), i))
        if condensed.carried and explicit and self._says_something(condensed.question, aux):
            # Provisions carried over from earlier turns frame a follow-up but must not crowd out
            # what the new question asks for ("by what year must chlor-alkali stop?" after Article 5):
            # they are favoured within the ranking instead of put in front of it.
            ranked = _boosted(ranked, set(explicit))
            fused_score = dict(ranked)
            explicit = []
        for i in explicit[:k]:
            seen.add(i)
            passages.append(Passage(snap.chunks[i], fused_score.get(i, 0.0) + 1.0, dense_sim.get(i), kw_score.get(i),
                                    "explicit-ref"))
        for i, score in ranked:
            if len(passages) >= k:
                break
            if i in seen:
                continue
            seen.add(i)
            passages.append(Passage(snap.chunks[i], score, dense_sim.get(i), kw_score.get(i), mode))
        if not explicit and self.settings.specific_first_ratio:
            passages = _specific_first(passages, self.settings.specific_first_ratio)
        definitions = [Passage(snap.chunks[i], 0.0, None, None, "definition")
                       for i in self._definitions(condensed.question, aux, snap, filters) if i not in seen] \
            if self.settings.definitions else []
        share_unknown = len(unknown) / max(1, len(terms))
        evidence = best_dense - self.settings.unknown_term_penalty * share_unknown
        explicit_found = bool(explicit)  # carried-over provisions do not shield a follow-up from refusal
        return Retrieval(passages, definitions, best_dense, explicit_found, unknown, evidence, bank)

    def _with_ranking(self, ranked: list[tuple[int, float]], more: list[tuple[int, float]],
                      weight: float) -> list[tuple[int, float]]:
        """One more ranking fused into the hybrid one by reciprocal rank, with its own weight."""
        fused = dict(ranked)
        _add_by_rank(fused, [i for i, _ in more], weight, self.settings.rrf_k)
        return sorted(fused.items(), key=lambda kv: -kv[1])

    def _with_bank(self, ranked: list[tuple[int, float]], bank: list[BankMatch], snap: Snapshot,
                   aux: SnapshotAux, filters: Filters | None, asking: str = "") -> list[tuple[int, float]]:
        """Fuse the bank's ranking into the hybrid one. A close match brings the official passages
        of the provisions its answer rests on along, right behind it: bank hits raise provisions,
        they do not replace retrieval, so a user's own documents still rank on their own."""
        s = self.settings
        fused = dict(ranked)
        # only entries phrased near the question take part: a far match must not outrank a passage
        # of the user's own documents that answers the question closely
        # (nor one on the other direction of trade: the export-consent entry does not raise Article 3(6)
        # for "Can we import mercury from a non-Party?")
        answerable = [m for m in bank if m.answerable and m.similarity >= s.bank_bring_similarity - 0.1
                      and not other_trade_direction(asking, m.chunk.questions)]
        _add_by_rank(fused, [snap.position[m.chunk.id] for m in answerable[:10]], s.bank_weight, s.rrf_k)
        for m in answerable[:2]:
            if m.similarity < s.bank_bring_similarity:
                continue
            anchor = fused[snap.position[m.chunk.id]]
            for n, ref in enumerate(m.refs):
                for c in self.chunks_for_ref(ref, ("treaty", "cop-decision"))[:2]:
                    i = snap.position[c.id]
                    if _allowed(c, aux.refs[i], filters):
                        fused[i] = max(fused.get(i, 0.0), anchor * (0.99 - 0.01 * n))
        return _official_decisions_first(sorted(fused.items(), key=lambda kv: -kv[1]), snap, aux)

    def _spelled(self, text: str, aux: SnapshotAux) -> str:
        return aux.correct_spelling(text) if self.settings.spelling_correction else text

    @staticmethod
    def _asking_part(question: str) -> str:
        """The asking sentences of a question that has context before them; "" when it has none."""
        asking = " ".join(asking_sentences(question))
        return asking if asking and asking != question.strip() else ""

    @staticmethod
    def _says_something(question: str, aux: SnapshotAux) -> bool:
        """A follow-up with its own subject ("what about imports from non-Parties?"), unlike "by when?"."""
        return len(aux.content_terms(question)) >= 2

    def _best_similarity(self, query: str, positions: list[int], snap: Snapshot) -> float:
        if not positions:
            return 0.0
        q = self.embed(query)
        texts = [snap.chunks[i].indexed_text for i in positions]
        vectors = self.store.embedder.encode(texts)
        return max(sum(a * b for a, b in zip(q, v)) for v in vectors)

    def _explicit(self, refs: tuple[str, ...], aux: SnapshotAux, snap: Snapshot, filters: Filters | None) -> list[int]:
        wanted = [w for r in refs if (w := Ref.try_parse(r)) is not None]
        # inside the named provision, or a larger unit that holds it (a paragraph for its subparagraph)
        return [i for i, ref in enumerate(aux.refs) if ref is not None and any(w.overlaps(ref) for w in wanted)
                and _allowed(snap.chunks[i], ref, filters)]

    def _definitions(self, question: str, aux: SnapshotAux, snap: Snapshot, filters: Filters | None) -> list[int]:
        out: list[int] = []
        for term, pattern in aux.term_patterns:
            if pattern.search(question):
                for i in aux.definitions[term]:
                    if i not in out and _allowed(snap.chunks[i], aux.refs[i], filters):
                        out.append(i)
        return out[:4]

    def chunks_for_ref(self, ref: str, doc_types: tuple[str, ...] = ("treaty", "cop-decision")) -> list[Chunk]:
        """Chunks of the given provision (or of the smallest unit that holds it), document order."""
        snap, aux = self.current()
        wanted = Ref.try_parse(ref)
        if wanted is None:
            return []
        exact = [c for c, r in zip(snap.chunks, aux.refs) if r is not None and c.doc_type in doc_types
                 and wanted.contains(r)]
        if exact:
            return exact
        return [c for c, r in zip(snap.chunks, aux.refs) if r is not None and c.doc_type in doc_types
                and r.contains(wanted)]

    def related_refs(self, chunk: Chunk) -> list[str]:
        """Cross-references inside a provision ("in accordance with Article 11")."""
        own = Ref.parse(chunk.ref).top() if chunk.ref else None
        out = []
        for r in find_mentions(chunk.text):
            if own is not None and own.contains(r):
                continue
            if str(r) not in out:
                out.append(str(r))
        return out

    def obligations_for(self, question: str, k: int, filters: Filters | None = None) -> list[tuple[object, Chunk]]:
        """Obligations relevant to a "what must we do about X" question, each with the chunk
        holding its sentence (so it can be cited as a retrieved passage)."""
        from .obligations import checklist

        snap, aux = self.current()
        rows = [o for o in aux.obligations if o.modality in ("binding", "soft")]
        out = []
        for row in checklist(question, rows, k=k * 2):
            if (chunk := self._citable_chunk(row, filters)) is None:
                continue
            out.append((row, chunk))
            if len(out) >= k:
                break
        return out

    def obligations_on(self, refs: list[str], filters: Filters | None = None) -> list[tuple[object, Chunk]]:
        """The binding and soft obligation rows of the given provisions (or inside them), each with
        the chunk holding its sentence: "Who keeps the register?" is answered by a duty of the
        provision retrieved, whatever words the duty shares with the question."""
        _, aux = self.current()
        wanted = [r for x in refs if (r := Ref.try_parse(x)) is not None and not r.is_decision]
        out = []
        for row in aux.obligations:
            ref = Ref.try_parse(row.ref)
            if row.modality not in ("binding", "soft") or ref is None or not any(w.contains(ref) for w in wanted):
                continue
            if (chunk := self._citable_chunk(row, filters)) is not None:
                out.append((row, chunk))
        return out

    def _citable_chunk(self, row, filters: Filters | None) -> Chunk | None:
        """The chunk holding an obligation row's sentence, when the filters allow it."""
        snap, aux = self.current()
        chunk = _holding_chunk(row, snap.by_id.get(row.chunk_id), self.chunks_for_ref(row.ref))
        return chunk if chunk is not None and _allowed(chunk, aux.refs[snap.position[chunk.id]], filters) else None

    def idf(self) -> dict[str, float]:
        return self.current()[1].idf


def _specific_first(passages: list[Passage], ratio: float) -> list[Passage]:
    """"Article 6" first and "Article 6(1)" second, nearly as close: the sub-provision leads, the
    article follows (a guide's section on a whole article answers less exactly than the paragraph)."""
    if len(passages) < 2 or (top := Ref.try_parse(passages[0].chunk.ref or "")) is None or top.is_decision:
        return passages
    for j, p in enumerate(passages[1:3], start=1):
        inner = Ref.try_parse(p.chunk.ref or "")
        if inner is not None and str(inner) != str(top) and top.contains(inner) \
                and p.score >= ratio * passages[0].score:
            return [p, *passages[:j], *passages[j + 1:]]
    return passages


def _add_by_rank(fused: dict[int, float], positions: list[int], weight: float, rrf_k: int) -> None:
    """Weighted reciprocal rank fusion, one ranking at a time: each passage gains weight / (k + rank)."""
    for rank, i in enumerate(positions):
        fused[i] = fused.get(i, 0.0) + weight / (rrf_k + rank + 1)


def _official_decisions_first(ranked: list[tuple[int, float]], snap: Snapshot,
                              aux: SnapshotAux) -> list[tuple[int, float]]:
    """An ingested official decision outranks the bundled summary of the same decision: each
    guidance passage on a decision is preceded by the best official passage of that decision."""
    official = [(i, sc) for i, sc in ranked if snap.chunks[i].doc_type == "cop-decision" and aux.refs[i] is not None]
    if not official:
        return ranked
    scores = dict(ranked)
    for i, sc in ranked:
        ref = aux.refs[i]
        if snap.chunks[i].doc_type != "guidance" or ref is None or not ref.is_decision:
            continue
        for j, osc in official:
            if aux.refs[j].overlaps(ref) and scores[j] <= sc:
                scores[j] = sc * 1.001
                break
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _holding_chunk(row, recorded: Chunk | None, candidates: list[Chunk]) -> Chunk | None:
    """The chunk whose text holds the obligation's action (a table row is a chunk of its own)."""
    probe = re.sub(r"\s+", " ", row.action.rstrip(" .;,…"))[:40].lower()
    for c in ([recorded] if recorded else []) + candidates:
        if probe and probe in re.sub(r"\s+", " ", c.text).lower():
            return c
    return recorded or next(iter(candidates), None)


def _allowed(chunk: Chunk, ref: Ref | None, filters: Filters | None) -> bool:
    if not filters:
        return True
    if filters.doc_ids and chunk.doc_id not in filters.doc_ids:
        return False
    if filters.doc_types and chunk.doc_type not in filters.doc_types:
        return False
    if filters.ref:
        wanted = Ref.try_parse(filters.ref)
        if wanted is None or ref is None or not wanted.overlaps(ref):
            return False
    return True


def _chroma_where(filters: Filters | None) -> dict | None:
    if not filters:
        return None
    clauses = []
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": list(filters.doc_types)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class HybridRetriever(BaseRetriever):
    """The same retrieval as a LangChain retriever: Documents with the chunk metadata, best first."""

    retriever: Retriever
    k: int = 8
    filters: Filters | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        refs = tuple(str(r) for r in find_mentions(query))
        result = self.retriever.retrieve(Condensed(query, query, refs), self.k, self.filters)
        return [passage_to_document(p) for p in result.passages]


def passage_to_document(p: Passage) -> Document:
    meta = {**p.chunk.metadata(), "chunk_id": p.chunk.id, "score": p.score, "reason": p.reason}
    return Document(page_content=p.chunk.indexed_text, metadata=meta, id=p.chunk.id)
