"""Leads drawn from structured facts the index holds, not from a guide sentence: the amended state
of an Annex A/B entry, the adoption and entry-into-force lines of a meeting's decision, an
obligation row with its deadline or on the point asked, the preamble's recital asked about; and the
plain text of an obligation row for checklists."""

from __future__ import annotations

import re

from ingest.refs import Ref
from ingest.structure import BRACKET_RE

from .amendments import (AmendedEntry, amended_sentence, amended_verdict, asks_meeting_date, entries_about,
                         entries_list_sentence)
from .draft import Draft
from .lists import covered, list_sentence, listing
from .obligations import ACTOR_PHRASE, obligation_phrase, shares_question_words, with_deadline
from .plan import best_recital, gives_time, refs_overlap, usable_lead
from .question import QuestionAnalysis, asking_sentence, core_question
from .terms import same_fact, stems, topic_terms
from .verdicts import drop_verdict
from .types import Sentence

# an Annex A or B row, whose 2013 date a later meeting may have amended
_ANNEX_ROW = re.compile(r"^Annex [AB]\b")



_PASSIVE_ACTION = re.compile(r"^(?:[^,]{0,60},\s*)?(?:not\s+)?[a-z]+(?:ed|en)\b")


# a question about a date, a state that may have changed, or the amendments themselves
_ASKS_STATE = re.compile(r"\b(?:when|until|by when|dates?|years?|deadlines?|still|now|current\w*|today|amend\w*|COP|"
                         r"decision|later|phase[- ]?out|phased out|bann?\w*|allowed|permitted|legal|(?<!the )listed|added|exempt\w*)\b",
                         re.IGNORECASE)


# a question about the text as adopted in 2013: the lead replies to it, the amended state follows
_ASKS_ORIGINAL = re.compile(r"\b(?:original(?:ly)?|initially|as (?:first |originally )?(?:adopted|signed)(?: in 2013)?(?!\s+(?:at|by|in)\s+(?:COP|MC-|the (?:fourth|fifth|sixth)|20(?!13)))|"
                            r"when (?:it was |the (?:treaty|convention) was )?first adopted|2013 (?:Minamata )?"
                            r"Convention(?:'s)? text|(?:the |its )?2013 (?:text|"
                            r"version|treaty|annex|list)|before (?:any|the) amendments?|at first)\b", re.IGNORECASE)
# "Which of the listed amalgam measures concern insurance?": a question about what the list holds, not
# about the entry's state; the reply leads and the amended state follows
_ASKS_LISTED_MEASURES = re.compile(r"\b(?:which|what|how many)\b[^.?]{0,60}\bmeasures?\b", re.IGNORECASE)
_ASKS_LATER = re.compile(r"\b(?:now|current\w*|today|amend\w*|COP|decision|later|in force|by 20\d\d)\b", re.I)

# whether an amendment binds yet is what the entry's state itself says
_ASKS_FORCE = re.compile(r"\b(?:in force|into force|bind\w*|take[sn]? effect|took effect|effective|status)\b", re.I)
_AMENDMENT_MARK = re.compile(r"\bMC-\d+/\d+|\bCOP-?\s?\d\b|\bamend\w*|\b(?:since|by) 20\d\d\b", re.I)  # ("after 2020" is the 2013 date)


def _on_point(sentence: str, question: str, entries: list[AmendedEntry], cites_decision: bool = False) -> bool:
    """A lead that speaks of the amendment (or cites a decision) and shares with the question at least
    two words beyond the amended entry's name ("bulk", "pregnant", "children"): it replies to what is
    asked about the entry, where the entry's state only describes it."""
    if not (cites_decision or _AMENDMENT_MARK.search(sentence)) or not usable_lead(sentence):
        return False  # ("The same applies to …" cannot open an answer)
    named = set().union(*(topic_terms(e.name) for e in entries)) if entries else set()
    shared = (topic_terms(question) & topic_terms(sentence)) - named - {"amendment", "amended", "amendments"}
    return len(shared) >= 2


def _cites_decision(draft: Draft, sentence: Sentence) -> bool:
    """Whether a sentence rests on a later decision (a line of the amendments note)."""
    refs = [c.ref for c in draft.citations if c.n in sentence.citations]
    return any((r := Ref.try_parse(part.strip())) is not None and r.is_decision
               for ref in refs for part in (ref or "").split(";"))


# words that ask what became of the 2013 text ("Is that carve-out still there?", "What changed from the
# original listing?")
_ASKS_CHANGE = re.compile(r"\b(?:now|still|chang\w*|since|later|amend\w*|today|currently|any ?more|"
                          r"removed|dropped|added)\b", re.IGNORECASE)


def asks_original_only(question: str) -> bool:
    """"Under the treaty as first adopted, after which year …?": the 2013 text is what is asked, not
    what it became (then the 2013 state is said first)."""
    return bool(_ASKS_ORIGINAL.search(question)) and not _ASKS_CHANGE.search(question)


def amended_lead(draft: Draft, amended, analysis: QuestionAnalysis | None, question: str, year: int,
                  meetings: tuple[int, ...] = (), bank_refs: tuple[str, ...] | None = None) -> str | None:
    """Put the amended state of each entry the question names before the other lead sentences,
    unless the lead already gives the amended date and names the decision; return the verdict the
    amended state gives a yes/no question, if it gives one plainly (it outranks a verdict the lead
    carries, which may have been written for another question).

    `bank_refs`: the provisions of the question-bank entry that leads, when one does. Its reply was
    written for this question: it stays first, and the entries' state follows it ("Can a factory still
    fit banned switches into appliances?" is Article 4(5)'s reply, then what became of switches); an
    entry on another provision than the amended entries' keeps its own yes or no too."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    said = " ".join(x.text for x in leads)
    added: list[Sentence] = []
    verdict = None
    if len(amended) > 3:  # "Which products got 2025 from the amendments?": one sentence names them all
        for _, chunk in amended:
            draft.fetch(chunk, "amendment")
        asked = re.search(r"\b20[2-9]\d\b", question)  # the year asked for, when every entry listed has it
        listed_year = asked[0] if asked and all(e.phase_out_year == asked[0] for e, _ in amended) else None
        ns = list(dict.fromkeys(draft.cite(c, d) for e, c in amended for d in e.decisions[:1]))
        # a lead that lists the same entries again in other words goes ("Eight, each with a 2025 date: …")
        listed = [e for e, _ in amended]
        kept = [x for x in leads[:1] if len(entries_about(x.text, listed, limit=None, closest=False)) < 3]
        draft.sentences = [Sentence(entries_list_sentence(listed, listed_year), ns, "lead")] + \
            kept + [x for x in draft.sentences if x.kind != "lead"]
        return None
    entry_refs = {r for e, _ in amended for r in e.refs}
    elsewhere = bank_refs is not None and not any(refs_overlap(b, r) for b in bank_refs for r in entry_refs)
    for entry, chunk in amended:
        if verdict is None and analysis is not None and analysis.kind == "yes-no" and not elsewhere:
            verdict = amended_verdict(question, entry, year, meetings)
        years = re.findall(r"\b(?:after|by|as)\s+(20\d\d)\b", entry.summary())
        named = [d.split()[-1] for d in entry.decisions] + [r for r in entry.refs if r.startswith("COP-")]
        if years and all(y in said for y in years) and all(d in said for d in named) and entries_about(said, [entry]):
            continue  # the lead already says it, of this entry
        draft.fetch(chunk, "amendment")  # the entry's source
        ns = [draft.cite(chunk, r) for r in entry.refs]
        added.append(Sentence(text=amended_sentence(entry, original_first=asks_original_only(question)),
                              citations=ns, kind="lead"))
    if added:
        # a guide sentence that says part of an added entry's state again is dropped ("Adopted but not yet
        # in force: …" twice)
        leads = [x for x in leads if not any(BRACKET_RE.sub("", x.text).strip().rstrip(".") in a.text
                                             or same_fact(x.text, a.text) for a in added)]
        kept = leads[: max(1, 3 - len(added))]
        # "Did COP-5 set a date for amalgam?": a lead about that meeting replies; the entry's state follows
        on_meeting = [x for x in kept if any(re.search(rf"\bCOP-?\s?{n}\b|\bMC-{n}/", x.text) for n in meetings)] \
            if asks_meeting_date(question, meetings) else []
        # "May a practice still mix amalgam from bulk mercury?": a lead on that very point of the amended
        # state replies; the entry's whole state follows it instead of burying it
        # (also when whether it binds yet is asked: the entry's state, which says so, follows at once)
        on_point = [x for x in kept if _on_point(x.text, question, [e for e, _ in amended], _cites_decision(draft, x))]
        if bank_refs is not None and kept and not on_meeting and (elsewhere or verdict is None):
            # the bank entry's reply leads; the entries' state follows it
            for x in added:
                x.text = drop_verdict(x.text)
            ordered = kept + added
        elif _ASKS_ORIGINAL.search(question) and kept and not on_meeting:
            # "Under the original list, how many measures …?": the 2013 reply first, and what changed
            # since in one sentence when several entries changed (it is not what is asked)
            if len(added) > 1:
                added = [Sentence(entries_list_sentence([e for e, _ in amended], None),
                                  list(dict.fromkeys(n for a in added for n in a.citations)), "lead")]
            ordered = kept[:1] + added + kept[1:]
        elif on_meeting:
            for x in kept:
                x.text = drop_verdict(x.text)
            ordered = on_meeting[:1] + added + [x for x in kept if x is not on_meeting[0]]
        elif on_point:
            ordered = on_point[:1] + added + [x for x in kept if x is not on_point[0]]
            for x in ordered[1:]:
                x.text = drop_verdict(x.text)
        elif verdict is not None or not kept or _ASKS_STATE.search(asking_sentence(question)) \
                and not (_ASKS_LISTED_MEASURES.search(question) and not _ASKS_LATER.search(question)):
            for x in kept:
                x.text = drop_verdict(x.text)  # a yes or no belongs to the first sentence only
            ordered = added + kept
        else:  # "Is changing insurance policies one of the amalgam measures?": the leads reply, the state follows
            ordered = kept + added
        draft.sentences = ordered + [x for x in draft.sentences if x.kind != "lead"]
    first = next((x for x in draft.sentences if x.kind == "lead"), None)
    if verdict is not None and first is not None and not first.text.lower().startswith(verdict.lower().rstrip(".")):
        # the lead's own yes or no disagrees with the amended state: it goes, the amended one is given
        first.text = drop_verdict(re.sub(r"^(?:yes|no)(?:, [^:.]{1,40})?:\s*", "", first.text, flags=re.I))
        first.text = first.text[:1].upper() + first.text[1:]
    return verdict


def time_first(draft: Draft, question: str) -> None:
    """A when / how-long question whose first lead gives no time, while a later lead gives one about
    what is asked ("Not as such: … optional. Any plan … within four years …"): that lead goes first."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    if not leads or gives_time(leads[0].text):
        return
    asked = stems(topic_terms(core_question(question)))
    timed = next((x for x in leads[1:] if gives_time(x.text) and asked & stems(topic_terms(x.text))), None)
    if timed is not None:
        draft.sentences = [timed] + [x for x in draft.sentences if x is not timed]


def deadline_lead(draft: Draft, rows, question: str, focus: list[str], retrieved_ids: set[str]) -> None:
    """Lead with the first obligation row in focus whose deadline the leads do not give ("Each Party
    concerned must submit its national action plan … no later than three years after …")."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    if any(gives_time(x.text) for x in leads):
        return
    in_focus = _provisions(focus)
    for row, chunk in rows:
        if not row.deadline or not _row_can_lead(row, in_focus):
            continue
        # about what is asked: a neighbouring duty's deadline misleads
        if not shares_question_words(question, row):
            continue
        text = with_deadline(resolve_this(obligation_text(row), row.ref), row.deadline)
        _lead_with_row(draft, row, chunk, text, retrieved_ids)
        return


def _provisions(refs: list[str]) -> list[Ref]:
    return [r for f in refs if (r := Ref.try_parse(f)) is not None and not r.is_decision]


# an action that stops where its items would begin ("… actions to eliminate", "… information on")
_OPEN_END = re.compile(r"\b(?:to \w+|of|for|on|in|with|by|the following|include|including)$", re.IGNORECASE)


# a passive duty whose subject text opens on a condition ("ensure that if they have not been able to settle
# … the dispute be submitted"): no one is named, and the sentence reads as a duty to make the condition
_CONDITION_AS_SUBJECT = re.compile(r"^ensure that (?:if|where|when|unless|once|should)\b", re.IGNORECASE)


def _row_can_lead(row, near: list[Ref]) -> bool:
    """An obligation row whole (no cut action, no "such decision" pointing back), on one of the
    provisions `near`, not an Annex A or B row (its 2013 date may have been amended: the
    amendments lead says it), with an actor it can name ("The body named" names nobody), and not
    one that stops where its items would begin."""
    ref = Ref.try_parse(row.ref)
    return ref is not None and "…" not in row.action and not LEANS_BACK.search(row.action) \
        and not _ANNEX_ROW.match(row.ref or "") and any(t.overlaps(ref) for t in near) \
        and row.actor != "other" \
        and not _OPEN_END.search(row.action) \
        and not _CONDITION_AS_SUBJECT.match(row.action)  # "include … actions to eliminate": its items are elsewhere


def _lead_with_row(draft: Draft, row, chunk, text: str, retrieved_ids: set[str]) -> None:
    if chunk.id not in retrieved_ids:
        draft.fetch(chunk, "obligation")
    draft.lead_with(Sentence(text=text + ".", citations=[draft.cite(chunk, row.ref or chunk.ref)], kind="lead"), keep=2)


def replies_better(cover: int, covered: int) -> bool:
    """A sentence from structured facts takes the lead when it holds at least two of the asking
    sentence's words, and two more than the present lead holds."""
    return cover >= max(2, covered + 2)


# "Who keeps …?", "Who was required to adopt …?": "who" is the one that acts ("Whom does it single out",
# "Who should a government consult" ask for someone acted upon)
_WHO_MODAL = r"(?:must|shall|should|can|could|may|will|would|is|are|was|were|does|did|has|have)"
_WHO_NOT_VERB = (r"(?:a|an|the|each|every|our|my|its|their|we|i|you|they|it|this|that|these|those|he|she|his|her|your|"
                 r"any|some)")
_WHO_ACTS = re.compile(rf"(?:^|[,;:]\s*)who\s+(?:{_WHO_MODAL}\s+(?:not\s+)?(?!{_WHO_NOT_VERB}\b)[a-z]+"
                       rf"|(?!{_WHO_MODAL}\b|{_WHO_NOT_VERB}\b)[a-z]+)", re.IGNORECASE)
# "Who must each Party designate …?" asks about a Party's own act, not about a body
_PARTY_ACTS = re.compile(r"\b(?:each|a|the|every|any) Party\b|\bParties\b")
# the bodies a "who" question may be answered with (as a row's actor, or named in its text)
_BODIES = ("secretariat", "cop", "committee")
_BODY = re.compile(r"\b(?:Secretariat|Conference of the Parties|COP|Depositary|Secretary-General|Committee|"
                   r"Global Environment Facility|GEF|tribunal|conciliation commission|Executive Director)\b")


def on_point_lead(draft: Draft, rows, question: str, near: list[str], retrieved_ids: set[str],
                  kind: str | None = None) -> None:
    """"Which Articles' information must each Party include in its report?": when the lead misses what
    is asked and a duty on a provision retrieved near the top says it ("Each Party must include in its
    reporting the information called for in Articles 3, 5, 7, 8 and 9"), that duty leads, the earlier
    lead following it. It must share at least two more of the asking sentence's words than the lead."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    core = core_question(question)
    asked = stems(topic_terms(core))
    if len(asked) < 2:
        return
    covered = len(asked & stems(topic_terms(leads[0].text))) if leads else 0
    near_refs = _provisions(near)
    # "Who keeps the public register …?": a lead that names no body does not reply to it at all; the
    # duty of a body (the Secretariat, the Conference of the Parties) on the point asked does
    names_no_body = kind == "who" and bool(_WHO_ACTS.search(core)) and not _PARTY_ACTS.search(core) \
        and not (leads and _BODY.match(re.sub(r"^(?:Yes|No)[.,:]?\s+|^The\s+", "", leads[0].text)))
    if names_no_body:
        covered = 0
    best = None
    for row, chunk in rows:
        if not _row_can_lead(row, near_refs):
            continue
        text = resolve_this(obligation_text(row), row.ref)
        if names_no_body and not (row.actor in _BODIES or _BODY.search(text)):
            continue
        cover = len(asked & stems(topic_terms(text)))
        if replies_better(cover, covered) and (best is None or cover > best[0]):
            best = (cover, text, row, chunk)
    if best is not None:
        _, text, row, chunk = best
        _lead_with_row(draft, row, chunk, text, retrieved_ids)


# a recital's opening participle, and the verb the preamble says it with
_RECITAL_VERB = {"recognizing": "recognizes", "recalling": "recalls", "noting": "notes", "stressing": "stresses",
                 "emphasizing": "emphasizes", "acknowledging": "acknowledges", "reaffirming": "reaffirms",
                 "understanding": "states the understanding", "affirming": "affirms"}


def recital_lead(draft: Draft, chunks, question: str, retrieved_ids: set[str]) -> bool:
    """Lead with the recital the question asks about, as the preamble says it ("The preamble recalls
    decision 25/5 of 20 February 2009 …"), when it replies better than the present lead."""
    asked = topic_terms(core_question(question)) - {"preamble"}
    leads = [x for x in draft.sentences if x.kind == "lead"]
    covered = len(asked & topic_terms(leads[0].text)) if leads else 0
    best = max(((*best_recital(c.text, asked), c) for c in chunks), key=lambda x: x[0], default=None)
    if best is None or not replies_better(best[0], covered):
        return False
    _, recital, chunk = best
    word, _, rest = recital.partition(" ")
    verb = _RECITAL_VERB.get(word.lower())
    text = f"The preamble {verb} {rest}" if verb else f"In the preamble, the Parties are {word.lower()} {rest}"
    if chunk.id not in retrieved_ids:
        draft.fetch(chunk, "cited-by-guide")
    # the recital is the reply: a guide sentence on another recital beside it would only blur it
    draft.lead_with(Sentence(text=text.rstrip(",;") + ".", citations=[draft.cite(chunk)], kind="lead"), keep=0)
    return True


def decision_lead(draft: Draft, facts) -> None:
    """"When did the COP-4 amendment bind Parties?": the decision's own "In force" line leads,
    unless the lead already gives its dates."""
    leads = [x for x in draft.sentences if x.kind == "lead"]
    said = " ".join(x.text for x in leads)
    added = []
    for fact, chunk in facts:
        dates = re.findall(r"\b\d{1,2} \w+ 20\d\d\b|\b20\d\d\b", fact.text)
        if dates and all(d in said for d in dates):
            continue
        draft.fetch(chunk, "amendment")
        added.append(Sentence(text=fact.sentence(), citations=[draft.cite(chunk, r) for r in fact.refs], kind="lead"))
    if added:
        draft.sentences = added + leads[: max(1, 3 - len(added))] + [x for x in draft.sentences if x.kind != "lead"]


def obligation_text(row) -> str:
    """"Each Party concerned must submit its plan …", or, where the action is a passive item of a
    list ("managed in an environmentally sound manner"), the provision's own sentence in the
    present tense of obligation ("must" for "shall")."""
    action = row.action.rstrip(" .;,")
    actor = ACTOR_PHRASE.get(row.actor, "The body named")
    if re.match(r"^(not\s+)?[a-z]+ing\b", action):  # a measure listed in an annex: "promoting …"
        return f"{actor} must include among its measures: {action}"
    if not _PASSIVE_ACTION.match(action) or not row.sentence:
        return obligation_phrase(row).rstrip(" .;,")
    sentence = re.sub(r":?\s*…\s*", " ", row.sentence)
    sentence = re.sub(r":\s+(?!(?:Article|Annex|Part|Conference|Secretariat|Basel)\b)([A-Z])",
                      lambda m: " " + m.group(1).lower(), sentence)
    sentence = re.sub(r"\bshall not\b", "must not", sentence)
    sentence = re.sub(r"\bshall only\b", "must only", sentence)
    sentence = re.sub(r"\bshall\b", "must", sentence)
    sentence = re.sub(r"\s+", " ", sentence).strip(" .;,")
    return sentence  # whole: a cut item loses its conditions


# an obligation whose action points at a sentence before it ("provide a notification of such decision")
LEANS_BACK = re.compile(r"\bsuch (?:a )?(?:general )?(?:decision|notification|consent|request|determination)\b",
                         re.IGNORECASE)


def resolve_this(text: str, ref: str) -> str:
    """"this Article" / "this paragraph" name the provision they sit in, in a checklist item
    read on its own."""
    r = Ref.try_parse(ref)
    if r is None or r.kind != 1:
        return text
    text = re.sub(r"\b[Tt]his Article\b", f"Article {r.article}", text)
    if r.paragraph:
        text = re.sub(r"\bthis paragraph\b", f"paragraph {r.paragraph} of Article {r.article}", text)
    return text


def items_lead(draft: Draft, question: str, refs: list[str], binding_lookup, retrieved_ids: set[str]) -> bool:
    """"What topics can the contaminated-sites guidance cover?": the listing provision's items, all of
    them, after the lead, when the leads name fewer than three in five of them. The provision is the first of
    `refs` (named, led on, in focus) that lists things the question's words point to."""
    asked = topic_terms(core_question(question))
    said = " ".join(x.text for x in draft.sentences if x.kind == "lead")
    for ref in dict.fromkeys(refs):
        parsed = Ref.try_parse(ref)
        if parsed is None or parsed.is_decision:
            continue
        # the provision's chunks (or those of the smallest unit holding it: "Annex C(1)(b)" is a
        # sub-list of "Annex C(1)"), one candidate list per provision among them
        by_ref: dict[str, list] = {}
        for c in binding_lookup(ref):
            if c.doc_type == "treaty" and c.ref:
                by_ref.setdefault(c.ref, []).append(c)
        found = [x for r, group in by_ref.items() if (x := listing(group, r, asked)) is not None]
        if not found:
            continue
        best = max(found, key=lambda x: x.shared)
        if covered(best, said) >= 0.6:
            return False
        for chunk in best.chunks:
            if chunk.id not in retrieved_ids:
                draft.fetch(chunk, "cited-by-guide")
        draft.say(list_sentence(best), [draft.cite(c) for c in best.chunks], "lead", distinct=True)
        return True
    return False
