"""The answer plan: pure decisions about what an answer leads with and what it quotes (the yes or
no it opens with is assistant/verdicts.py's; the vocabulary it compares by, assistant/terms.py's).

- `usable_lead`: a guide sentence may lead only if it says something about the subject: not
  meta-text about the guide ("This part explains ..."), not a sentence that leans on one before
  it ("... falls under Article 11 instead", "this article").
- `bank_leads`: the question-bank entry's own answer leads when the match is strong and the
  entry answers the kind of question asked.
- `whole_excerpt`: what of a provision to quote: whole, or its chapeau joined to the item(s) the
  lead rests on, never cut mid-sentence.
- `missing_provision`: "Article 99", "Annex F" or "Article 7(9)" do not exist: say so.
"""

from __future__ import annotations

import dataclasses
import re

from ingest.refs import Ref
from ingest.structure import BRACKET_RE

from .question import (QuestionAnalysis, asking_sentence, core_question, other_trade_direction, question_kind,
                       without_label)
from .terms import FILLER, stems, topic_terms
from .verdicts import drop_verdict

# a passage of a document the user ingested at least this close to the question answers it: it leads
# the answer, and the bank and the scope check stand aside
OWN_DOCUMENT_SIMILARITY = 0.55

_META = re.compile(
    r"^(?:this|the) (?:part|section|guide|chapter|page|document|note|summary)\b|\bthis guide\b|"
    r"\bis not the binding text\b|\bcheck the official (?:wording|text)\b|^(?:see|read) (?:also|the)\b|"
    r"\b(?:explains?|covers?) the (?:preamble|articles?|annex(?:es)?)\b|^in short\b|^main points\b|"
    r"\bthis (?:file|note|summary) (?:summarises|records|covers|is)\b|^it records\b|^please note\b|"
    r"^(?:all )?dates(?:, limits and thresholds)? (?:here )?are those of\b|"
    r"\b(?:(?:are|is) set out|(?:as |are |is )listed|follow|appear) below\.?$",  # points at a quote it cannot see
    re.IGNORECASE)
_DANGLING = re.compile(
    r"^(?:instead|however|also|so|thus|therefore|but|and|or|then|this|these|that|those|it|its|they|such|here|"
    r"there|both|either|neither|the (?:plan|article|paragraph|list|annex|provision|same|latter|former|"
    r"strategy|rule|body|committee)\b(?! of)|anything (?:that|which)|how well|for (?:example|instance)|similarly|"
    r"likewise|in addition|in that case|otherwise)\b"
    r"|\binstead\.?$", re.IGNORECASE)
# a condition with no main clause ("If the expansion is a substantial modification begun …."): it
# replies to a question that is not this one
_CLAUSE_ALONE = re.compile(r"^(?:if|unless|although|whether)\b[^,:;]*$", re.IGNORECASE)
# a time counted from "that date" ("within five years of that date"), dangling unless the sentence
# gave a date before it ("… after a phase-out date, … ten years after that date")
_THAT_DATE = re.compile(r"\b(?:of|from|after|before) (?:that|this|the same) (date|day|year)\b", re.IGNORECASE)
# a sentence that can stand alone says something: it has a finite verb of the kinds the texts use
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|must|may|might|shall|should|can|cannot|could|will|would|does|do|"
    r"did|needs?|means|appl(?:y|ies)|covers?|requires?|allows?|bans?|sets?|lists?|gives?|takes?|makes?|keeps?|"
    r"asks?|says?|phases?|ends?|runs?|lets?|stays?|goes|comes?|counts?|includes?|excludes?|becomes?|decides?|"
    r"adopts?|enters?|entered|added|removed|moved|listed|set|agreed|aims?|binds?|expires?|lasts?|continues?)\b",
    re.IGNORECASE)
# a date, a period or a deadline ("2020", "five years", "no later than", "the ninetieth day", "every")
TEMPORAL_FACT = re.compile(r"\b(20[0-4]\d|\d+\s+(?:years?|months?|days?)|(?:one|two|three|four|five|six|ten|"
                           r"fifteen)\s+(?:years?|months?|days?)|no later than|within)\b", re.I)
_TIME_GIVEN = re.compile(r"\b(?:\w+th|first|second|third) (?:day|meeting)\b|\bas soon as\b|\bevery\b", re.I)


def gives_time(text: str) -> bool:
    return bool(TEMPORAL_FACT.search(text) or _TIME_GIVEN.search(text))


# entry kind -> the question kinds its first sentence replies to. A yes/no question needs an entry that
# says yes or no (or lists the duty asked about), not a fragment such as "By 2034:" or "Because ...".
_COMPATIBLE = {
    "yes-no": {"yes-no", "must-do", "other"},
    "when": {"when", "how-long", "other", "which"},
    "how-long": {"how-long", "when", "other", "how-many"},
    "how-many": {"how-many", "which", "other"},
    "who": {"who", "other", "how", "what-is"},
    "what-is": {"what-is", "which", "other", "provision", "why"},
    "must-do": {"must-do", "how", "other", "which", "yes-no"},
    "which": {"which", "what-is", "other", "how-many"},
    "why": {"why", "what-is", "other", "provision"},
    "how": {"how", "must-do", "other", "who"},
    "provision": {"provision", "what-is", "other", "must-do", "why"},
}


def is_meta_text(sentence: str) -> bool:
    return bool(_META.search(sentence.strip()))


def usable_lead(sentence: str) -> bool:
    """A sentence that can open an answer on its own."""
    s = sentence.strip()
    return len(s) >= 25 and not s.endswith(":") and not is_meta_text(s) and not _DANGLING.search(s) \
        and "…" not in s and bool(_FINITE.search(s)) and not re.match(r"^(?:Now|2013):", s) \
        and not _CLAUSE_ALONE.match(s) \
        and not ((m := _THAT_DATE.search(s)) and not re.search(rf"\b{m[1]}s?\b|\b20\d\d\b|entry into force",
                                                               s[:m.start()], re.IGNORECASE))


# a name of several capitalised words ("Specific International Programme", "Global Environment Facility")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of the\s+|of\s+|for\s+|on\s+|and\s+)?[A-Z][a-z]+)+")
# names every entry about the treaty may carry: they tell no entry from another
_EVERY_ENTRY = frozenset({"minamata convention", "convention on mercury", "minamata convention on mercury",
                          "conference of the parties"})


def names_asked(question: str) -> list[str]:
    """The names of several words in the sentence that asks (a sentence's first word is not a name's
    start unless the next one is capitalised too), lower-cased: "who is the Programme accountable to?"
    after "Are Parties obliged to pay into the Specific International Programme …" asks of that body."""
    found = []
    asking = asking_sentence(question) or question
    for m in _NAME.finditer(asking):
        name = m.group(0)
        words = name.split()
        if m.start() == 0 or asking[max(0, m.start() - 2):m.start()].strip() in {".", "?", "!"}:
            if len(words) < 3:
                continue  # "Are Parties …": a capital that only opens the sentence
            name = " ".join(words[1:])
        if name.lower() not in _EVERY_ENTRY:
            found.append(name.lower())
    return found


OFF_RANKED_FIRST = 0.05
# "What does the Convention mean by 'best available techniques' …?" asks for a definition: the entry that
# gives it is preferred, by `MEANING_BONUS`, to one on who adopted guidance about the term
_ASKS_MEANING = re.compile(r"\bmean(?:s|t)? by\b|\bmeaning of\b|\bhow (?:does|do|is|are) [^?]{0,40}\bdefin\w*|"
                           r"\bwhat (?:is|are) meant\b|\bdefinition of\b", re.IGNORECASE)
MEANING_BONUS = 0.1
_NOT_TERMS = {"convention", "treaty", "the convention", "the treaty", "it", "thi", "that"}
_DEFINED = re.compile(r"^(?:an? |the )?[\"“']?(.{3,60}?)[\"”']? (?:is|are|means?|caps)\b", re.IGNORECASE)


def _defines_what_is_asked(answer: str, question: str) -> bool:
    """The entry's first line defines a term the question names ("Best available techniques are …" for
    "what does the Convention mean by 'best available techniques'?", not "An emission limit value caps …"
    for a question on release limit values)."""
    m = _DEFINED.match(BRACKET_RE.sub("", first_line(answer)).strip())
    term = m.group(1).lower().rstrip("s") if m is not None else ""
    return bool(term) and term not in _NOT_TERMS and term in question.lower()
_WHY_NOT = re.compile(r"\bwhy\s+(?:can't|cannot|can not|couldn't|could not|may not|mustn't|must not|isn't|is not|aren't|"
                      r"are not|wouldn't|shouldn't|won't|doesn't|does not|don't|do not)\b", re.IGNORECASE)


def choose_bank_lead(question: str, analysis: QuestionAnalysis, matches: list, threshold: float,
                     followup: bool = False, lexical_weight: float = 0.0, ranked_first: str | None = None):
    """The question-bank entry whose own answer should lead, or None. Among the closest answerable
    entries, score = phrasing similarity + `lexical_weight` x the share of the question's word weight
    its phrasings use (BankMatch.lexical) + 0.15 x the share of the question's own words the entry
    (phrasings and answer) uses (MiniLM alone matches on "Minamata Convention on Mercury"); an entry
    must share at least half of those words, agree with the provisions the question names, and
    answer its kind. `ranked_first`: the provision of the official passage retrieval ranks first; an
    entry on none of its article must be `OFF_RANKED_FIRST` closer (Article 22's evaluation entry does not
    lead "In which animals does the treaty mention monitoring mercury?", which Article 19 answers)."""
    first = Ref.try_parse(ranked_first) if ranked_first else None
    if analysis.kind == "why" and _WHY_NOT.search(core_question(question)):
        # "Why couldn't a company build a new mercury-cell plant?" is replied to by the entry on whether it
        # may, without its yes or no (the answer plan drops it for a why-question)
        analysis = dataclasses.replace(analysis, kind="yes-no")
    own = topic_terms(question) - FILLER
    # the words without a label set before the question ("For my law class: who serves as the
    # Depositary?"): an entry that shares most of those answers it
    asked = topic_terms(without_label(question)) - FILLER
    # and the sentence that asks, without a scenario set before it ("Campaigners want amalgam banned.
    # Who may propose adding a product to Annex A?"): the scenario's words are not what is asked
    core = topic_terms(core_question(question)) - FILLER
    named = [r.top() for n in analysis.refs if (r := Ref.try_parse(n)) is not None]
    names = names_asked(question)
    asking = asking_sentence(question)
    meaning_asked = analysis.kind == "what-is" and bool(_ASKS_MEANING.search(asking or question))
    best = None
    # (the lamp entry's "10 years after the lamp's phase-out date" does not reply on thermometers: an
    # entry on other products makes room for the next one)
    for m in [m for m in matches if m.answerable and not other_product(asking, m.chunk)][:5]:
        if followup and m.kind != analysis.kind:
            continue  # "and by when?" is not answered by repeating the first answer
        words = stems(topic_terms(" ".join([*m.chunk.questions, m.chunk.text])))
        overlap = max(len(stems(own) & words) / len(own) if own else 1.0,
                      len(stems(asked) & words) / len(asked) if asked else 0.0,
                      len(stems(core) & words) / len(core) if core else 0.0)
        refs = [r for x in m.refs if (r := Ref.try_parse(x)) is not None and not r.is_decision]
        if named and not any(n.overlaps(r) for n in named for r in refs):
            continue
        if analysis.only_other_case(refs):
            continue  # the entry on existing plants' options does not reply about a brand-new one
        if other_trade_direction(asking, m.chunk.questions):
            continue  # the export-consent entry does not answer how an import is allowed (its phrasings
            # say which way the mercury goes; its answer names the "importing country" either way)
        # an entry on the very provision the question names may share fewer of its words ("For a class
        # assignment: what does Article 1 say the treaty is meant to achieve?")
        on_named = bool(refs) and all(any(n == r.top() and not n.is_decision for n in named) for r in refs)
        if overlap < (0.25 if on_named else 0.5):
            continue
        # an entry written for another kind of question leads only when no fitting one is about as close
        # ("by when must it send its plan?" is the deadline entry, not the "who decides" one)
        # an entry that names the body or fund the question names is about it, not about its neighbour
        # (the Specific International Programme, not the GEF Trust Fund)
        text = " ".join([*m.chunk.questions, m.chunk.text]).lower()
        name_share = sum(n in text for n in names) / len(names) if names else 0.0
        kind = answered_kind(m, analysis)
        score = m.similarity + lexical_weight * m.lexical + 0.15 * overlap + (0.03 if kind == analysis.kind else 0.0) \
            - (0.0 if _entry_replies(kind, analysis) else 0.05) + 0.06 * name_share \
            - (OFF_RANKED_FIRST if first is not None and refs and not any(first.top().overlaps(r) for r in refs) else 0.0) \
            + (MEANING_BONUS if meaning_asked and m.kind == "what-is" and _defines_what_is_asked(m.chunk.text, question)
               else 0.0)
        opening = BRACKET_RE.sub("", drop_verdict(first_line(m.chunk.text))).strip()
        if analysis.kind != "yes-no" and _CLAUSE_ALONE.match(opening):
            continue  # "Yes, if the expansion is …" replies to a yes/no question only
        # an entry written for another kind of question leads only on a nearly identical phrasing: the
        # word share says what a question is about, not how it asks ("who decides?" vs "by when?")
        kind_blind = score - lexical_weight * m.lexical - 0.06 * name_share
        if bank_leads(kind, score, analysis, threshold, kind_blind=kind_blind) and (best is None or score > best[0]):
            best = (score, m)
    return best[1] if best else None


# the product families people name, each with the words they name it by
_PRODUCT_FAMILIES = {
    "lamps": ("lamp", "bulb", "tube", "cfl", "ccfl", "eefl", "lighting"),
    "thermometers and gauges": ("thermometer", "barometer", "manometer", "sphygmomanometer", "hygrometer",
                                "pyrometer", "blood pressure", "measuring device"),
    "batteries": ("battery", "batteries", "button cell"),
    "switches": ("switch", "relay"),
    "cosmetics": ("cosmetic", "cream", "soap", "skin lighten", "skin whiten", "skin-lighten", "skin-whiten", "mascara"),
    "pesticides": ("pesticide", "biocide", "antiseptic"),
    "dental": ("amalgam", "filling", "dental", "dentist"),
    "vaccines": ("vaccine", "thimerosal", "thiomersal"),
}


def product_families(text: str) -> set[str]:
    low = text.lower()
    return {family for family, words in _PRODUCT_FAMILIES.items() if any(re.search(r"\b" + re.escape(w), low) for w in words)}


def other_product(asking: str, entry) -> bool:
    """The question names products and the entry's answer names products, none of them the question's
    (an entry on lamp exemptions does not reply about thermometers; one whose answer names no product
    may, whatever products its phrasings give as examples: workers at a lamp recycler)."""
    asked = product_families(asking)
    if not asked:
        return False
    named = product_families(entry.text)
    return bool(named) and not named & asked


def answered_kind(match, analysis: QuestionAnalysis) -> str:
    """The kind of question an entry replies to here: its own, or the question's when the entry's
    closest phrasing asks it that way and the entry gives what that kind wants (the yes/no entry on
    the optional release plan, phrased "within how long must it submit it?", whose second line gives
    the four years: the answer plan puts the line with the time first)."""
    if _entry_replies(match.kind, analysis) or analysis.kind not in ("when", "how-long") \
            or question_kind(match.phrasing) != analysis.kind:
        return match.kind
    return analysis.kind if any(gives_time(line) for line in split_lines(match.chunk.text)) else match.kind


def part_leads(lead, matches: list, parts: list[str], part_similarities: list[dict[str, float]],
               floor: float = 0.5, margin: float = 0.05, clear: float = 0.08, alone: float = 0.7) -> list:
    """For a question that asks several things ("How many members sit on a tribunal, and how quickly
    must it decide?"), the entries that answer the parts the leading entry leaves open: for each part
    whose words the lead's answer mostly lacks, the answerable entry among `matches` closest to it,
    when it is another entry than those before, at least `floor` close, closer than the leading
    entry by `margin` and than the next entry by `clear`. At most two.

    Without a leading entry (a question of several parts seldom comes close to one phrasing as a
    whole), a part whose entry is at least `alone` close and clear of the next by 2 x `clear` gives
    it: the result then starts with that entry, which the caller makes the lead."""
    by_id = {m.chunk.id: m for m in matches if m.answerable}

    def ranked(sims: dict[str, float], part: str, also: set[str] = frozenset()) -> list[tuple[float, str]]:
        return sorted(((sim, cid) for cid, sim in sims.items() if cid in also or (
            cid in by_id and not other_trade_direction(part, by_id[cid].chunk.questions))), reverse=True)

    lead_from_parts = lead is None
    if lead is None:
        for part, sims in zip(parts, part_similarities):
            top = ranked(sims, part)
            if top and top[0][0] >= alone and top[0][0] >= (top[1][0] if len(top) > 1 else -1) + 2 * clear:
                lead = by_id[top[0][1]]
                break
        if lead is None:
            return []
    out, used = ([lead] if lead_from_parts else []), {lead.chunk.id}
    said = stems(topic_terms(lead.chunk.text))
    for part, sims in zip(parts, part_similarities):
        asked = stems(topic_terms(part) - FILLER)
        if not asked or len(asked & said) / len(asked) >= 0.5:
            continue  # the lead's own answer speaks to this part ("and how is its President chosen?")
        top = ranked(sims, part, used)
        if not top:
            continue
        best_sim, best = top[0]
        runner_up = top[1][0] if len(top) > 1 else -1.0
        if best in used or best_sim < floor or best_sim < sims.get(lead.chunk.id, -1.0) + margin \
                or best_sim < runner_up + clear:
            continue  # the lead (or an earlier part's entry) answers it, or nothing answers it clearly
        out.append(by_id[best])
        used.add(best)
        said |= stems(topic_terms(by_id[best].chunk.text))
    return out[:3] if lead_from_parts else out[:2]


def refs_overlap(a: str, b: str) -> bool:
    """Two provisions written as text, one holding the other ("Article 7(3)" and "Article 7(3)(b)")."""
    ra, rb = Ref.try_parse(a), Ref.try_parse(b)
    return ra is not None and rb is not None and ra.overlaps(rb)


_VERY_CLOSE = 0.94


def bank_leads(entry_kind: str, similarity: float, analysis: QuestionAnalysis, threshold: float,
               kind_blind: float | None = None) -> bool:
    """Lead with the entry when its phrasing is close and it answers this kind of question;
    a very close match leads whatever the kind (the phrasings were written for that question).
    `kind_blind` is the score without the word share, when there is one: only MiniLM's closeness of
    phrasing says the question is asked the same way (0.94, the old threshold's 0.82 + 0.12)."""
    if (kind_blind >= _VERY_CLOSE) if kind_blind is not None else similarity >= threshold + 0.12:
        return True
    if similarity < threshold:
        return False
    return _entry_replies(entry_kind, analysis)


def _entry_replies(entry_kind: str, analysis: QuestionAnalysis) -> bool:
    """The entry replies to this question's kind; a definition also replies to "does X count as Y?"."""
    return _answers_kind(entry_kind, analysis.kind) or (entry_kind == "what-is" and analysis.classifies)


def _answers_kind(entry_kind: str, question_kind: str) -> bool:
    """An entry written for one kind of question replies to this kind too ("when" entries to "how long")."""
    return question_kind in _COMPATIBLE.get(entry_kind, {question_kind}) or entry_kind == question_kind


_LABEL_LINE = re.compile(r"^\(?([a-z]{1,2}|[ivx]{1,5}|\d{1,2})[.)]\s+")


def first_line(text: str) -> str:
    lines = split_lines(text)
    return lines[0] if lines else ""


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a passage, stripped: a bank answer's sentences, a provision's items."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _recitals(text: str) -> list[str]:
    return [line.rstrip(",") for line in split_lines(text) if not line.startswith("The Parties to this Convention")]


def best_recital(text: str, asked: set[str]) -> tuple[int, str]:
    """The preamble passage's recital sharing most of the `asked` words, with how many it shares."""
    scored = [(len(asked & topic_terms(r)), r) for r in _recitals(text)]
    return max(scored, key=lambda x: x[0]) if scored else (0, "")


def recital_excerpt(text: str, asked: set[str]) -> str:
    """The preamble's recital that shares most of the question's words, whole ("Recalling decision
    25/5 of 20 February 2009 …"), never the preamble's first lines regardless of what was asked."""
    shared, recital = best_recital(text, asked)
    if not shared:
        return whole_excerpt(text, "Preamble")
    return recital  # (an ellipsis after the opening words would read as a cut quote)


def whole_excerpt(text: str, chunk_ref: str, wanted: str | None = None, limit: int = 900) -> str:
    """The passage to quote, whole sentences only. A passage short enough is quoted whole; when the
    lead rests on one lettered item of a longer paragraph, its chapeau is joined to that item
    ("... except: (b) To a non-Party ..."), not to whatever item follows the chapeau."""
    lines = split_lines(text)
    joined = " ".join(lines)
    if len(joined) <= limit or len(lines) == 1:
        return joined
    want, have = Ref.try_parse(wanted), Ref.try_parse(chunk_ref)
    if want is not None and have is not None and have.contains(want) and want != have:
        label = want.item or want.subparagraph
        at = next((i for i, line in enumerate(lines[1:], 1) if (m := _LABEL_LINE.match(line)) and m[1] == label), None)
        if at is not None:
            # the item with its own sub-items ("b) Actions to eliminate: (i) …; (ii) …"), up to the next item
            item = [lines[at]]
            for line in lines[at + 1:]:
                if not lines[at].rstrip().endswith(":") or not re.match(r"^\(?[ivx]{1,5}[.)]\s", line):
                    break
                item.append(line)
            return f"{lines[0]} {' '.join(item)}"
    # otherwise the chapeau (or first sentence) and the items that fit, whole
    out = [lines[0]]
    for line in lines[1:]:
        if len(" ".join(out)) + len(line) + 1 > limit:
            break
        out.append(line)
    return " ".join(out)


def missing_provision(analysis: QuestionAnalysis, known: set[Ref]) -> tuple[str, str] | None:
    """(the provision asked for, a plain statement) when the question names a provision that the
    Convention does not have; None when every named provision exists."""
    articles = sorted({r.article for r in known if r.kind == 1 and r.article})
    annexes = sorted({r.annex for r in known if r.kind == 2 and r.annex})
    for name in analysis.named:
        ref = Ref.try_parse(name)
        if name.startswith("Article"):
            number = int(re.match(r"Article (\d+)", name)[1])
            if articles and number not in articles:
                return name, (f"The Convention has {max(articles)} articles; there is no {name}.")
            if ref is not None and ref.paragraph:
                paragraphs = sorted({r.paragraph for r in known if r.kind == 1 and r.article == number and r.paragraph})
                if paragraphs and ref.paragraph not in paragraphs:
                    count = max(paragraphs)
                    return name, (f"Article {number} has {count} paragraph{'s' if count != 1 else ''}; "
                                  f"there is no {name}.")
        elif name.startswith("Annex") and annexes and name[-1] not in annexes:
            return name, f"The annexes run from Annex {annexes[0]} to Annex {annexes[-1]}; there is no {name}."
    return None
