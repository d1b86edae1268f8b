"""The extractive composer: a short plain-language lead drawn from the bundled guide, then the
binding provision quoted from the official text when it is ingested. Every sentence carries
[n] markers that map to passages that were actually retrieved. No model, deterministic.
"""

from __future__ import annotations

import re

from ingest.index import keyword_tokens
from ingest.models import Chunk
from ingest.refs import Ref
from ingest.structure import BRACKET_RE, cited_refs

from ingest.bank import BankMatch

from . import prompts
from .amendments import AmendedEntry, DecisionFact, entries_about
from .draft import Draft
from .figures import figure_leads, figure_pool
from .fact_leads import (LEANS_BACK, amended_lead, deadline_lead, decision_lead, obligation_text,
                         items_lead, on_point_lead, recital_lead, resolve_this, time_first)
from .guard import is_instruction
from .intents import is_conference_question, is_temporal_question
from .lists import asks_for_items
from .obligations import shares_question_words, with_deadline
from .part_replies import Similarity, part_replies
from .plan import (OWN_DOCUMENT_SIMILARITY, TEMPORAL_FACT, is_meta_text, product_families, recital_excerpt,
                   refs_overlap, split_lines, usable_lead, whole_excerpt)
from .question import QuestionAnalysis, asking_sentence, asks_about_two, other_trade_direction
from .quote_reply import say_quoted_reply
from .terms import topic_terms
from .types import Answer, Passage
from .verdicts import (bank_verdict, derive_verdict, drop_verdict, leaves_out_what_is_asked, opens_with_verdict,
                       reframe_verdict)

_SENTENCE_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z“\"(])")
_LABEL = re.compile(r"^(\(?[0-9a-z]{1,5}\)|\d{1,2}\.)\s+")
_YEAR = re.compile(r"\b20[1-4]\d\b")
_ANNEX_AB = re.compile(r"^(Annex [AB]|Article [45])\b")
_ANNEX_ROW = re.compile(r"^Annex [AB]\b")
# using a product, which no Annex A entry forbids ("buy" stays a no: new supply has ended)
_USING = re.compile(r"\b(?:use|using|keep|keeping)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^(?:yes|no)\b", re.IGNORECASE)  # a reply to a yes/no question
# question kinds an obligation row may lead when the lead misses what is asked
POINT_KINDS = ("which", "who", "how", "other")
PART_PASSAGES = 6  # the retrieved treaty passages a part of a question may be replied to from, beyond the pool
_NAMES_PREAMBLE = re.compile(r"\bpreamble\b", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; list items ("a) ...;") count as sentences. Never splits inside a
    bracketed reference such as "[Annex A Part I; Article 11(3)]"."""
    out = []
    for line in text.split("\n"):
        protected = BRACKET_RE.sub(lambda m: m.group(0).replace("; ", ";\x00"), line.strip())
        pieces = [s.strip().replace(";\x00", "; ") for s in _SENTENCE_SPLIT.split(protected) if s.strip()]
        for piece in pieces:
            # a conditional verdict that ends in a colon opens the sentence after it ("Only if … by weight:
            # Article 3 counts …"): cut off, the condition would be lost (a bare "No, not waste:" is left
            # to the verdict step)
            if out and out[-1].endswith(":") and _VERDICT_OPENING.match(out[-1]) and len(pieces) > 1:
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
    return out


_VERDICT_OPENING = re.compile(r"^only (?:if|when|where|after|before|until)\b", re.IGNORECASE)


_PRONOUN_START = re.compile(r"^(They|It|This|These|Those|That|He|She)\b")
# "The plan must also …", "The depot must …": after the first sentence of its passage, a common noun with
# "The" points back at what that sentence named (the treaty's bodies and documents are named, not pointed at)
_POINTS_BACK_THE = re.compile(r"^The (?!(?:Convention|Conference|Secretariat|COP|Parties|Preamble|treaty|Minamata|Depositary|"
                              r"Annex|Article|GEF)\b)[a-z][\w-]* (?:must|may|can|is|are|has|have|covers?|applies|works|"
                              r"does|shall|should|will|also|then|only|needs?)\b")


def _score(sentence: str, query: set[str], idf: dict[str, float], temporal: bool = False) -> float:
    tokens = set(keyword_tokens(sentence))
    score = sum(idf.get(t, 1.0) for t in tokens & query)
    if temporal and TEMPORAL_FACT.search(sentence):
        score += 4.0  # "by when?" is answered by the sentence that holds the date
    return score


def clean_guide_sentence(sentence: str) -> tuple[str, list[str]]:
    """Strip the guide's bracketed references; return the text and the refs it cited."""
    refs = [str(r) for r in cited_refs(sentence)]
    text = BRACKET_RE.sub("", sentence)
    text = re.sub(r"\s+([.,;:])", r"\1", text).strip()
    text = re.sub(r"^\*\*(.+?)\*\*:?\s*", r"\1: ", text)
    return _name_decisions(text, refs), refs


def _name_decisions(text: str, refs: list[str]) -> str:
    """"COP-4 added …" citing Decision MC-4/3 reads "COP-4 (Decision MC-4/3) added …": the reader
    sees which decision set it, not only which meeting."""
    for ref in refs:
        r = Ref.try_parse(ref)
        if r is None or not r.is_decision or not r.decision or f"MC-{r.meeting}/" in text:
            continue
        text = re.sub(rf"\b(COP[- ]?{r.meeting})\b(?!\.\d)", rf"\1 ({r})", text, count=1)
    return text


def compose(question: str, passages: list[Passage], audience: str, idf: dict[str, float],
            binding_lookup, explicit_refs: tuple[str, ...] = (), obligations: list | None = None,
            analysis: QuestionAnalysis | None = None, bank_lead: BankMatch | None = None,
            part_leads: list[BankMatch] = (), amended: list[tuple[AmendedEntry, Chunk]] = (),
            decision_facts: list[tuple[DecisionFact, Chunk]] = (),
            year: int = 2026, all_amended: tuple[AmendedEntry, ...] = (), meetings: tuple[int, ...] = (),
            lead_rows: list | None = None, similarity: Similarity | None = None) -> Draft:
    """Write the answer from passages (best first).

    binding_lookup(ref) -> list[Chunk] of the official text for that provision (may be empty);
    obligations: (Obligation, Chunk) pairs for a checklist, best first;
    bank_lead: a question-bank entry close enough to the question to lead the answer with its own
    direct reply (the answer plan, assistant/plan.py, decided it);
    part_leads: entries that answer the other parts of a question that asks several things; the
    first line of each follows the lead's;
    amended: the amended Annex A/B entries the question names, each with the passage of the
    amendments note that holds it; the state that applies now leads, beside the 2013 one;
    decision_facts: lines of a named meeting's annex decision that answer what is asked (its
    adoption, communication, entry into force), each with its passage;
    all_amended: every entry the amendments note in the index changed (empty: no note indexed).
    meetings: the meetings of the Conference of the Parties the question names (by number or place).
    lead_rows: (Obligation, Chunk) pairs, best first: with a deadline for a when / how-long
        question, any for the kinds in POINT_KINDS (one may lead when it says what is asked)
    question whose lead gives no time.
    similarity(text, candidates) -> similarities: meaning closeness (the embedding model), used to
        reply to each part of a question of several parts (assistant/part_replies.py); None: not done.
    """
    detailed = audience == "detailed"
    query = set(keyword_tokens(question))
    # the words of a scenario set before the question count half: "Japan's cabinet told the Diet why it
    # wanted to join. What is the treaty's stated objective?" asks for the objective, not the why
    scenario = query - set(keyword_tokens(asking_sentence(question)))
    asked_words = query - scenario
    temporal = is_temporal_question(question)
    # "What does Article 4 say?" names a provision and little else: lead with the guide's summary
    generic = bool(explicit_refs) and len(query - {"article", "annex", "part", "say", "mean", "require",
                                                    "about", "explain", "cover", "paragraph"}) <= 2
    # "What is a mercury-added product?": the sentence that says what it is should lead
    asked = re.match(r"^\s*what(?: is| are|'s| does)\s+(?:a |an |the )?[\"'“]?(.+?)[\"'”]?(?:\s+mean)?\s*\?*\s*$",
                     question, re.IGNORECASE)
    defines = re.compile(r"^(?:a |an |the )?" + re.escape(asked.group(1)) + r"s?\b.{0,40}\b(is|are|means?)\b",
                         re.IGNORECASE) if asked and len(asked.group(1)) < 60 else None
    draft = Draft()
    lead_limit = 3 if detailed else 2
    quote_limit = 3 if detailed else 1

    conference_question = is_conference_question(question)
    # a question about the conference's messages is answered from the conference text, not the guide
    # (a bank entry phrased for the other direction of trade does not reply: exporting is not importing)
    asking = asking_sentence(question)
    guides = [] if conference_question else [p for p in passages[:8] if p.chunk.doc_type == "guidance"
                                              and not other_trade_direction(asking, p.chunk.questions)]
    # The ranking decides the topic: the provisions named in the question, else the top passage's.
    focus = list(explicit_refs) or [p.chunk.ref for p in passages[:1] if p.chunk.ref]
    conference = [p for p in passages[:6 if conference_question else 3] if p.chunk.doc_type == "conference-text"]
    treaty = [p for p in passages if p.chunk.doc_type in ("treaty", "cop-decision")]

    # 0. a document the user ingested (doc_type other) answers far more closely than the guide: it leads
    own = [p for p in passages[:8] if p.chunk.doc_type == "other" and (p.dense or 0.0) >= OWN_DOCUMENT_SIMILARITY]
    best_guide = max((p.dense or 0.0 for p in guides), default=0.0)
    if own and bank_lead is None and (own[0].dense or 0.0) >= best_guide + 0.1:
        best = sorted((x for x in split_sentences(own[0].chunk.text) if not is_instruction(x)),
                      key=lambda x: -_score(x, query, idf, temporal))[:2]
        for sentence in best:
            draft.say(BRACKET_RE.sub("", sentence).strip(), [draft.cite(own[0].chunk)], "lead")
        guides = []

    # 1. the plain-language lead, from the guide
    lead_refs: list[str] = []
    if bank_lead is not None:
        # the entry's own reply leads: its first sentence is the verdict, date, number or actor asked for
        chunk = bank_lead.chunk
        if all(p.chunk.id != chunk.id for p in passages):
            draft.fetch(chunk, "question-bank")
        lines = (4 if detailed else 3) - (1 if part_leads else 0)  # room for the other parts' replies
        for i, raw in enumerate(split_lines(chunk.text)[:lines]):
            text, refs = clean_guide_sentence(raw)
            if i == 0 and analysis is not None and analysis.kind != "yes-no":
                text = drop_verdict(text)  # "No." replies to "Can we ...?", not to "What must be done ...?"
            elif i == 0:
                text = reframe_verdict(question, bank_lead.phrasing, text)  # "banned? Yes" is "still allowed? No"
                text = bank_verdict(question, text)  # "Yes. Parties are encouraged …" to "Does it oblige …?"
                # a verdict written for another way of asking that the body plainly contradicts goes
                # ("Are religious products covered?" + "Yes. … are excluded from Annex A")
                body = drop_verdict(text)
                if re.match(r"^Yes\b", text) and body != text and derive_verdict(question, body) == "No.":
                    text = f"No. {body}"
                # "Would a nickel smelter be covered?" + "Yes. … non-ferrous metals, meaning lead, zinc, copper
                # and industrial gold": the yes was written for a metal the list names
                elif re.match(r"^Yes\b", text) and body != text \
                        and leaves_out_what_is_asked(question, body, " ".join(chunk.questions)):
                    text = body
                # "Can farmers still use them?" + "No. … may not be made, imported or exported": the ban is on
                # making and trading, not on using
                elif re.match(r"^No\b", text) and body != text and _USING.search(question) \
                        and derive_verdict(question, body) == "Not as such:":
                    text = f"Not as such: {body[:1].lower()}{body[1:]}"
            ns = [draft.cite(chunk, r) for r in refs if _inside(chunk, r)] or [draft.cite(chunk)]
            draft.say(text, ns, "lead", distinct=i > 0)
            lead_refs += [r for r in refs if r not in lead_refs]
        for part in part_leads:  # the reply of the entry that answers another part of the question
            if all(p.chunk.id != part.chunk.id for p in passages):
                draft.fetch(part.chunk, "question-bank")
            text, refs = clean_guide_sentence(split_lines(part.chunk.text)[0])
            ns = [draft.cite(part.chunk, r) for r in refs if _inside(part.chunk, r)] or [draft.cite(part.chunk)]
            draft.say(drop_verdict(text), ns, "lead", distinct=True)
            lead_refs += [r for r in refs if r not in lead_refs]
        focus = list(explicit_refs) or lead_refs[:2] or focus
    elif guides:
        candidates = []
        every_amended = list(all_amended)
        # beside a named amended entry, the entries the question asks or names at all (an empty set when
        # none is asked: then no sentence is kept out for naming another entry)
        asked_entries = {id(e) for e, _ in amended} | {
            id(e) for e in entries_about(question, every_amended, limit=None, closest=False)} if amended else set()
        # "What does Article 16 encourage Parties to do?": the sentence on the paragraphs whose duties the
        # checklist lists leads, not one on the COP's consultations in the next paragraph
        duty_paragraphs = [str(r.paragraph_ref()) for row, _ in (obligations or [])[:3]
                           if (r := Ref.try_parse(row.ref)) is not None and not r.is_decision]
        for rank, p in enumerate(guides):
            pieces = split_sentences(p.chunk.text)
            for pos, raw in enumerate(pieces):
                text, refs = clean_guide_sentence(raw)
                # a clause after a semicolon keeps the subject of the clause before it ("COP-5 set no date
                # for amalgam; COP-6 later agreed 2034" is about amalgam, whatever its second half names)
                clause_of = pieces[pos - 1] + " " + text if pos and pieces[pos - 1].endswith(";") else text
                if analysis is not None and analysis.kind != "yes-no":
                    text = drop_verdict(text)  # a yes or a no replies to another way of asking
                if not usable_lead(text):  # meta-text, fragments and sentences that lean on another
                    continue
                if asked_entries and (other := entries_about(clause_of, every_amended)) \
                        and not any(id(e) in asked_entries for e in other):
                    continue  # another amended entry's line (amalgam's 2034 end) does not reply about propellant
                if _is_intro(p.chunk) or (not refs and not p.chunk.ref):  # an introduction is about the document
                    continue
                if other_trade_direction(asking, (text,)):
                    continue  # "A Party may export mercury only …" does not reply on importing it
                if analysis is not None and analysis.only_other_case(refs):
                    continue  # existing plants' options do not reply about a brand-new one (a sentence on both does)
                on_focus = any(refs_overlap(r, f) for r in (refs or [p.chunk.ref]) for f in focus)
                prior = 1.0 / (1 + rank) + (3.0 if "In short" in p.chunk.heading and generic else 0.0) \
                    + (3.0 if on_focus else 0.0) - (1.5 if _PRONOUN_START.match(text) else 0.0) \
                    + (3.0 if defines is not None and defines.match(text) else 0.0) \
                    + (2.0 if any(refs_overlap(r, d) for r in (refs or [p.chunk.ref]) for d in duty_paragraphs) else 0.0)
                candidates.append((_score(text, asked_words, idf, temporal) + 0.5 * _score(text, scenario, idf)
                                   + prior - 0.01 * pos, rank, pos, p, text, refs,
                                   on_focus))
        candidates.sort(key=lambda c: -c[0])
        # a sentence that points back at what its passage named first ("The proposal must cover …") does
        # not open the reply: the best one that stands alone does, and it may follow
        if candidates and candidates[0][2] and _POINTS_BACK_THE.match(candidates[0][4]):
            alone = next((i for i, c in enumerate(candidates) if not (c[2] and _POINTS_BACK_THE.match(c[4]))), None)
            if alone is not None:
                candidates.insert(0, candidates.pop(alone))
        if analysis is not None and analysis.kind == "provision" and any(c[6] for c in candidates) \
                and any((r := Ref.try_parse(x)) is not None and not r.is_decision for x in explicit_refs):
            # "what does Article 1 say …?": only sentences about the provisions it names
            candidates = [c for c in candidates if c[6]]
        # the best sentence leads; the others follow in reading order, and only on its subject: from its
        # passage or resting on its article (never a polyurethane aside to a chlor-alkali question)
        if candidates:
            tops = _tops(candidates[0][5] or [candidates[0][3].chunk.ref])
            best = candidates[0]
            # a "Yes, if …" or "No." of another passage replied to another question (an entry on military
            # uses beside one on religious ones): after the first sentence it reads as a contradiction
            candidates = candidates[:1] + [c for c in candidates[1:] if (c[3].chunk.id == best[3].chunk.id
                                           or tops & _tops(c[5] or [c[3].chunk.ref]) or c[0] >= 0.8 * best[0])
                                           and not (_YES_NO.match(c[4]) and c[3].chunk.id != best[3].chunk.id)]
        chosen = candidates[:1] + sorted(candidates[1:lead_limit], key=lambda c: (c[1], c[2]))
        # "what must Parties do about bulk mercury and about amalgam for patients under 15?": a rare word
        # the question asks about that no chosen sentence holds brings the sentence that holds it
        if asks_about_two(question) and (extra := _covers_what_is_left(chosen, candidates, asked_words, idf)):
            chosen.append((*extra[:4], drop_verdict(extra[4]), *extra[5:]))  # a yes or no belongs to the first
        for _, _, _, p, text, refs, _ in chosen:
            ns = [draft.cite(p.chunk, r) for r in refs if _inside(p.chunk, r)] or [draft.cite(p.chunk)]
            draft.say(text, ns, "lead")
            lead_refs += [r for r in refs if r not in lead_refs]

    # 1a. an Annex A/B entry a later meeting changed: today's state beside the 2013 one, first,
    # unless the lead already gives the amended date and names the decision
    now_verdict = amended_lead(draft, amended, analysis, question, year, meetings,
                               bank_refs=tuple(bank_lead.refs) if bank_lead is not None else None)
    if not amended:
        decision_lead(draft, decision_facts)

    # 1a'. "By when must it submit its plan?": when no lead gives a time, the duty's own row does
    if analysis is not None and analysis.kind in ("when", "how-long"):
        time_first(draft, question)
    if analysis is not None and analysis.kind in ("when", "how-long") and lead_rows:
        deadline_lead(draft, lead_rows, question, lead_refs or focus, {p.chunk.id for p in passages})
    # 1a''. "Which Articles must the report cover?": a duty near the top that says it, when the lead does not
    elif analysis is not None and analysis.kind in POINT_KINDS and lead_rows and not amended \
            and not conference_question:  # what the ministers said is no Party's duty
        on_point_lead(draft, lead_rows, question, [p.chunk.ref for p in passages[:3]],
                      {p.chunk.id for p in passages}, analysis.kind)

    # 1a-iii. "Which decision does the preamble recall?": the recital that says it leads, in its own
    # words (it is quoted word for word, so no quote of the preamble follows)
    recited = analysis is not None and bool(_NAMES_PREAMBLE.search(question)) \
        and recital_lead(draft, binding_lookup("Preamble"), question, {p.chunk.id for p in passages})
    if recited:
        lead_refs, focus = [], ["Preamble"]  # the leads it replaced rested on other provisions

    # 1a-iv. "What topics can the guidance cover?": every item of the listing provision, when the lead
    # names few of them (the reader must not meet the other five only in the quote)
    if analysis is not None and not recited and asks_for_items(question):
        # the listing is the one the opening rests on, not one a later lead mentions in passing (Article
        # 8(5)'s air options beside a question on releases to water, Article 9(5))
        items_lead(draft, question, [*explicit_refs, *draft.opening_refs(), *focus], binding_lookup,
                   {p.chunk.id for p in passages})

    # 1a-v. "How many members sit on the tribunal, and how long …?": a figure or a time asked for is said
    # in the reply, from the official text of the provisions in focus, not left to the quote (never a
    # 2013 Annex A/B row that a later meeting changed: the amendment leads say those)
    stated: list[str] = []
    if analysis is not None and not conference_question and not amended and not decision_facts:
        pool = [c for c in figure_pool([*explicit_refs, *lead_refs, *focus], treaty, binding_lookup)
                if not (_ANNEX_ROW.match(c.ref or "") and (not all_amended or entries_about(c.text, list(all_amended))))
                and not analysis.other_case(c.ref)]
        stated = figure_leads(draft, question, pool, {p.chunk.id for p in passages})
        lead_refs = [*stated, *(r for r in lead_refs if r not in stated)]  # the quote shows what it rests on
        # 1a-vi. "…, and may a member who disagrees say so?": each other part the prose leaves open gets
        # the official sentence closest to it in meaning (in the treaty's words, so it is not quoted again)
        # (any treaty passage retrieved may reply to another part: the surplus mercury of a chlor-alkali
        # plant's decommissioning, Article 3(5)(b), beside the phase-out date)
        if similarity is not None:
            part_replies(draft, question, pool, {p.chunk.id for p in passages}, similarity,
                         [p.chunk for p in treaty[:PART_PASSAGES] if not analysis.other_case(p.chunk.ref)])

    # 1b. a yes/no question gets a yes or a no, when a lead says it without doubt
    if analysis is not None and analysis.kind == "yes-no":
        _verdict_first(draft, question, now_verdict)

    # 1c. a checklist of the obligations, each cited to the provision that imposes it
    retrieved_ids = {p.chunk.id for p in passages}
    # only the duties of the provisions in focus, whole: never a cut item or another article's deadline
    # (a leading bank entry names its provisions precisely: only their rows; else the articles in focus)
    # (a guide lead that rests on paragraphs keeps the checklist to them: a question on export consent
    # is not answered by Article 3's primary-mining duties; a provision the question names is taken whole)
    whole = bank_lead is None and (not lead_refs or bool(explicit_refs))
    in_focus = [r.top() if whole else r for f in (lead_refs or focus)
                if (r := Ref.try_parse(f)) is not None and not r.is_decision]
    if bank_lead is not None and bank_lead.kind != "must-do":
        obligations = []  # the entry already replies; a checklist would answer another question
    obligations = [(row, chunk) for row, chunk in obligations or []
                   if (not in_focus or any(t.overlaps(r) for t in in_focus if (r := Ref.try_parse(row.ref))))
                   and "…" not in row.action and not LEANS_BACK.search(row.action)
                   and (explicit_refs or shares_question_words(question, row)
                        or any(refs_overlap(row.ref, r) for r in lead_refs))
                   and not _another_row(row, question, draft)]
    for row, chunk in obligations:
        text = with_deadline(resolve_this(obligation_text(row), row.ref), row.deadline)
        if chunk.id not in retrieved_ids:
            draft.fetch(chunk, "obligation")
        draft.say(text + ".", [draft.cite(chunk, row.ref or chunk.ref)], "checklist")
    if obligations:
        quote_limit = min(quote_limit, 2 if detailed else 1)

    # 2. a conference text: quoted, and said to be one (political messages, not obligations)
    if conference and (not guides or conference[0].score >= guides[0].score or conference_question):
        pool = [(p, s) for p in conference[:3] for s in split_sentences(p.chunk.text)
                if len(s) > 30 and not is_meta_text(s) and not _is_intro(p.chunk)]
        best = sorted(pool, key=lambda ps: -_score(ps[1], query, idf, temporal))[: 4 if detailed else 3]
        for p, s in best:
            draft.say(s, [draft.cite(p.chunk)], "quote")
        first = best[0][0] if best else conference[0]
        draft.say(prompts.CONFERENCE_TEXT_NOTE.format(title=first.chunk.doc_title), [draft.cite(first.chunk)], "note")

    # 3. the binding text, quoted
    wanted_refs = list(dict.fromkeys([*stated, *focus, *lead_refs]))  # a figure's provision first: it replies
    # a quote shows the text the answer rests on: never the top passage's provision when no sentence of
    # the reply cites it (a recital's lead, not Article 31(1) on entry into force), unless the question names it
    prose_refs = draft.refs_of([x for x in draft.sentences if x.kind in ("lead", "checklist")])
    if not explicit_refs and any(refs_overlap(r, p) for r in wanted_refs for p in prose_refs):
        wanted_refs = [r for r in wanted_refs if any(refs_overlap(r, p) for p in prose_refs)]
    if analysis is None or analysis.kind != "provision":
        # "What does Article 3 say about importing from a non-Party?" rests on 3(8), which the lead cites:
        # the paragraph is quoted, not whichever of Article 3's paragraphs shares most words
        narrow = [p for x in lead_refs if (p := Ref.try_parse(x)) is not None and not p.is_decision]
        wanted_refs = [w for w in wanted_refs if (r := Ref.try_parse(w)) is None
                       or not any(r.contains(n) and r != n for n in narrow)] or wanted_refs
    if analysis is not None and analysis.kind == "provision":
        # "what does Article 4 say?": its core operative paragraph, the first one
        wanted_refs = [f"{r}(1)" if (x := Ref.try_parse(r)) is not None and x.kind == 1 and not x.paragraph
                       and binding_lookup(f"{r}(1)") else r for r in wanted_refs]
    # the opening rests on two provisions: quote both (not one a later lead names for contrast: "unlike
    # Article 8 for air emissions")
    # (with figures stated, their own paragraphs count apart: "six months" in 26(2), "three-fourths" in 26(3))
    rested = [r if stated else r.top() for w in [*draft.opening_refs(), *stated]
              if (r := Ref.try_parse(w)) is not None and not r.is_decision]
    if len({str(r) for r in rested}) >= 2:
        quote_limit = max(quote_limit, 2)
    quoted = 0
    seen_chunks: set[str] = set()
    sources: list[tuple[Chunk, str, Passage | None]] = []
    # what the question and the lead are about: a quote must share some of it, or it is beside the point
    about = topic_terms(" ".join([question, *(x.text for x in draft.sentences if x.kind == "lead")]))
    asked_terms = topic_terms(question)
    asked_families = product_families(question)  # the products asked about, if any
    for ref in wanted_refs:
        retrieved = [p for p in treaty if refs_overlap(p.chunk.ref, ref)]
        chunks = [p.chunk for p in retrieved] or binding_lookup(ref)
        table = (x := Ref.try_parse(ref)) is not None and x.kind == 2 and not x.is_decision
        if table and retrieved:  # an annex's rows: the one the question is about, retrieved or not
            chunks = list({c.id: c for c in [*chunks, *binding_lookup(ref)]}.values())
        # several chunks share a ref (the rows of an annex table): only a row the question is about
        shared = {c.id: len(about & topic_terms(c.text)) for c in chunks}
        # the question's own words first: a lead that summarises a whole list must not pick the item
        # ("Which practices must the plan include actions to eliminate?" is item (b), not item (a))
        asked = {c.id: len(asked_terms & topic_terms(c.text)) for c in chunks}
        chunks = sorted(chunks, key=lambda c: (-asked[c.id], -shared[c.id], -_score(c.text, query, idf, temporal)))
        # a provision the question names is quoted even when the lead shares no word with it
        if ref not in explicit_refs or any(shared.values()):
            chunks = [c for c in chunks if not about or shared[c.id]]
        else:  # nothing of it shares a word: its opening paragraph, where a provision states its core
            chunks = sorted(chunks, key=lambda c: _paragraph_number(c.ref))
        if table and chunks:  # never a row that shares far less than the best one (cement, not coal)
            chunks = [c for c in chunks if 2 * shared[c.id] > shared[chunks[0].id]]
        if table and asked_families:  # nor one on other products (lamps for thermometers)
            chunks = [c for c in chunks if not (named := product_families(c.text)) or named & asked_families]
        for c in chunks[:2]:
            sources.append((c, ref, next((p for p in retrieved if p.chunk.id == c.id), None)))
    if not wanted_refs:  # nothing in focus: the best binding passages found
        for p in treaty[:2]:
            sources.append((p.chunk, p.chunk.ref, p))
    entries = [e for e, _ in amended]
    shown: list[tuple[Chunk, str]] = []  # each quoted provision with the excerpt of it the reader sees
    for chunk, ref, passage in sources:
        if quoted >= quote_limit or chunk.id in seen_chunks or (recited and chunk.ref == "Preamble") \
                or (analysis is not None and analysis.other_case(chunk.ref)):
            continue  # (never Article 26(5)'s three-fourths beside a question on how an annex amendment binds)
        # beside an amended entry, an Annex A/B row is quoted only when it is that entry's own 2013 row,
        # and said to be the 2013 text: never another product's row, never as if it were current
        dated = bool(entries) and chunk.doc_type == "treaty" and bool(_ANNEX_ROW.match(chunk.ref or ""))
        if dated and (len(entries) > 3 or not entries_about(chunk.text, entries)):
            continue  # (a list of many amended entries quotes none of their old rows)
        sentences = [s for s in split_sentences(chunk.text) if len(s) > 20]
        if not sentences:
            continue
        seen_chunks.add(chunk.id)
        if passage is None:  # fetched by reference: it joins the retrieved passages it is cited from
            draft.fetch(chunk, "cited-by-guide")
        # whole: a short provision entire, or the chapeau joined to the item the lead rests on; of the
        # preamble, the recital the question is about, after its opening words
        excerpt = _LABEL.sub("", recital_excerpt(chunk.text, asked_terms) if chunk.ref == "Preamble"
                             else whole_excerpt(chunk.text, chunk.ref, ref))
        if excerpt.rstrip().endswith(":"):
            continue  # a chapeau without its items says nothing on its own
        label = chunk.ref or chunk.doc_title
        source = "the Convention" if chunk.doc_type == "treaty" else chunk.doc_title
        if dated:
            source += " as adopted in 2013"
        draft.say(f"{label} of {source} says: “{excerpt}”", [draft.cite(chunk)], "quote")
        shown.append((chunk, excerpt))
        quoted += 1
    # 3a. the part of a quote that replies, when the prose leaves it to the quote ("… as well as sources
    # generating stocks exceeding 10 metric tons per year"), is said in the reply's voice after the opening
    # (a list asked for has its own leads; of a duty asked, the checklist says it)
    if analysis is not None and not recited and not asks_for_items(question):
        if say_quoted_reply(draft, question, shown, analysis.kind) and analysis.kind == "yes-no":
            _verdict_first(draft, question, None)  # the rule now said may give the yes or the no

    # 4. nothing from the guide or the treaty: quote the best passage of whatever was found
    if not draft.sentences and passages:
        p = passages[0]
        best = sorted(split_sentences(p.chunk.text), key=lambda s: -_score(s, query, idf))[:2]
        for s in best:
            draft.say(BRACKET_RE.sub("", s).strip(), [draft.cite(p.chunk)], "quote")

    # 5. dates in Annexes A and B were amended after 2013
    cited_refs_now = [c.ref for c in draft.citations]
    amendment_known = any((r := Ref.try_parse(ref)) is not None and r.is_decision
                          for c in draft.citations for ref in (c.ref, *_bracket_refs(c.text)))
    # (when the index holds the amendments note, only where a cited row is an entry it says was changed:
    # the chlor-alkali date of 2025 was never amended)
    changed_row = not all_amended or any(_ANNEX_AB.match(c.ref or "") and entries_about(c.text, list(all_amended))
                                         for c in draft.citations)
    if any(_YEAR.search(s.text) for s in draft.sentences) and any(_ANNEX_AB.match(r or "") for r in cited_refs_now) \
            and not amendment_known and changed_row:  # the generic caveat only where the answer gives no amendment
        draft.notes.append(prompts.AMENDMENT_NOTE)
    return draft


_CONTINUES = re.compile(r"^(?:so|but|and|then|thus|this|that|these|those|it|they|such|also)\b", re.IGNORECASE)


# a word of the question this rare in the index names what is asked (bulk, often), not the topic at large
_RARE_WORD_IDF = 4.0


def _covers_what_is_left(chosen: list, candidates: list, asked: set[str], idf: dict[str, float]):
    """The best-ranked further candidate sentence holding a rare asked word no chosen sentence holds,
    or None."""
    said = set().union(*(set(keyword_tokens(c[4])) for c in chosen)) if chosen else set()
    left = {w for w in asked - said if idf.get(w, 0.0) >= _RARE_WORD_IDF}
    return next((c for c in candidates if c not in chosen and left & set(keyword_tokens(c[4]))), None) \
        if left else None


def _verdict_first(draft: Draft, question: str, now_verdict: str | None) -> None:
    """Open with a yes or a no: read from the first lead (or the amended state), else from the first
    later lead that says it without doubt, which then opens the reply ("Is Mercurochrome caught …?" +
    "Topical antiseptics … may not be made, imported or exported after 2020" -> "Yes. Topical …")."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    if not leads or opens_with_verdict(leads[0].text):
        return
    verdict, lead = now_verdict or derive_verdict(question, leads[0].text), leads[0]
    if verdict is None:
        # (only a plain yes or no, from a sentence that stands on its own: "so … should not reach the
        # market" continues another and says nothing of how binding the rule it follows is)
        found = next(((x, v) for x in leads[1:] if not _CONTINUES.match(x.text)
                      and (v := derive_verdict(question, x.text)) in ("Yes.", "No.")), None)
        if found is None or opens_with_verdict(found[0].text):
            return
        lead, verdict = found
        draft.lead_with(lead, keep=len(leads))
    first = lead.text
    lead.text = f"{verdict} {first[:1].lower() + first[1:] if verdict.endswith(':') else first}"


# words every row name of a process or product table may carry
_ROW_WORDS = frozenset("production process processes manufacturing manufacture lamps lamp products product "
                       "devices measuring".split())


def _another_row(row, question: str, draft: Draft) -> bool:
    """A duty of an annex row the answer is not about: its action names its row at the end ("… by 50
    per cent by the year 2020 (Vinyl chloride monomer production)") and neither the question nor the
    leads share a word with that name (the question asked about methylate)."""
    m = re.search(r"\(([^()]+)\)\s*$", row.action or "")
    named = topic_terms(m[1]) - _ROW_WORDS if m else set()
    if len(named) < 2:
        return False
    about = topic_terms(question) | {t for x in draft.sentences if x.kind == "lead" for t in topic_terms(x.text)}
    return not (named & about)


def _tops(refs: list[str]) -> set[str]:
    """The articles and annexes of refs: "Article 3(6)(a)" -> "Article 3"."""
    return {str(r.top()) for x in refs if x and (r := Ref.try_parse(x)) is not None}


def _is_intro(chunk: Chunk) -> bool:
    """The text under a document's title, before its first section: about the document itself."""
    return not chunk.heading_path or chunk.heading_path == (chunk.doc_title,)


def _bracket_refs(text: str) -> list[str]:
    return [str(r) for r in cited_refs(text)]


def _inside(chunk: Chunk, ref: str) -> bool:
    """A guide passage may be cited for a ref it actually cites (or that holds its own ref)."""
    return ref in chunk.cited_refs or refs_overlap(chunk.ref, ref)


def _paragraph_number(ref: str | None) -> int:
    r = Ref.try_parse(ref)
    return r.paragraph if r is not None else 0


def render_markdown(answer: Answer) -> str:
    if answer.refused:
        return " ".join(s.text for s in answer.sentences)
    parts: list[str] = []
    by_kind: dict[str, list[str]] = {}
    for s in answer.sentences:
        markers = "".join(f"[{n}]" for n in s.citations)
        text = s.text if not markers else _attach(s.text, markers)
        if not s.verified:
            text += " ⚠ (not supported by the cited passages)"
        by_kind.setdefault(s.kind, []).append(text)
    if by_kind.get("lead") or by_kind.get("generated"):
        parts.append(" ".join(by_kind.get("lead", []) + by_kind.get("generated", [])))
    if by_kind.get("checklist"):
        parts.append("What to do:\n" + "\n".join(f"- {t}" for t in by_kind["checklist"]))
    if by_kind.get("quote"):
        parts.append("\n\n".join(by_kind["quote"]))
    if by_kind.get("note"):
        parts.append(" ".join(by_kind["note"]))
    parts += [f"Note: {n}" for n in answer.notes]
    return "\n\n".join(parts)


def _attach(text: str, markers: str) -> str:
    """Put markers before the sentence's final punctuation: 'by 2020 [1].'"""
    m = re.search(r"([.;:!?]+[”\"]?|[”\"])$", text)
    if m and m.group(0).startswith(("”", '"')):
        return f"{text} {markers}"
    if m:
        return f"{text[: m.start()]} {markers}{text[m.start():]}"
    return f"{text} {markers}"
