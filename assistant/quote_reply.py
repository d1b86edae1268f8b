"""The part of a quoted provision that replies, said in the reply's own prose.

A quote often holds the reply while the prose above it gives only part of it: "How large must a stock,
or a yearly flow from a supply source, be?" gets 50 tonnes in the prose and the 10 tonnes a year only
inside the quote of Article 3(5); "For which purposes may mercury be exported?" gets the written consent
in the prose and the two purposes only in the quote. The reader should not have to dig them out of the
treaty's wording. The unit of the quoted text that shares most with what is asked (a sentence, or an
item joined to its chapeau, with its own sub-items) is said after the opening, in the reply's voice,
when most of what it says is not in the prose yet. Pure functions, plus one step that edits a Draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.index import keyword_tokens
from ingest.refs import Ref

from .draft import Draft
from .fact_leads import resolve_this
from .figures import _CROSS_REF, _PLAIN_OPENERS, _SENTENCE_END, _join, _plain, asks_for, gives, word_prefix
from .plan import whole_excerpt
from .question import asking_sentence
from .types import Chunk, Sentence
from .verdicts import opens_with_verdict
from .verify import MIN_SUPPORT, support

# ("one" alone is an article more often than a figure: "one of the source categories")
_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|"
                     r"fifty|ninety)\b|\bthree-fourths\b|\btwo-thirds\b|\bone (?:third|year|month|day|vote)\b",
                     re.IGNORECASE)
_ITEM = re.compile(r"^\(?([a-z]{1,2})\)\s+")
_SUB_ITEM = re.compile(r"^\(([ivx]{1,5})\)\s+")
_INLINE_ITEM = re.compile(r"^(?P<head>[^:]{3,200}:)\s+\(?(?P<label>[a-z]{1,2})\)\s+(?P<item>.+)$")
# words nearly every provision shares, and those of how a question asks: they tell no unit from another
_EVERY_UNIT = frozenset("mercury party parties convention treaty article annex paragraph shall must may can could "
                        "does what which when how who why would should say says tell under need needs "
                        "compound compounds subject provisions provision accordance pursuant referred set out "
                        "relevant respect thereof take taking account have has well".split())


def _words(text: str) -> set[str]:
    """Content words as prefixes (as figures reads topic words): "purposes" meets "purpose"."""
    return {word_prefix(t) for t in keyword_tokens(text) if len(t) >= 3 and not t.isdigit() and t not in _EVERY_UNIT}


# the words that limit a rule: what a bare yes or no leaves out
_LIMIT = re.compile(r"\b(?:provided that|unless|only|except|subject to|no later than|no more than|as soon as|"
                    r"on condition|where|if)\b", re.IGNORECASE)
_LONGEST = 480  # a unit longer than this is a quote's job, not a sentence of the reply's
# a chapeau ending in one of these runs on into its items ("Each Party shall" + "endeavour …"); any
# other ending is a heading of a list ("… and capabilities:" + "modelling …") and keeps its colon
_RUNS_ON = re.compile(r"\b(?:shall|must|may|should|will|to|of|for|on|by|with|that|which|except|include|including|"
                      r"includes|be|is|are|such as|following|through|in)\s*:?\s*$", re.IGNORECASE)


def units(text: str) -> list[tuple[str, str, str]]:
    """The provision's units in the treaty's words: each sentence of a plain paragraph; each item of a
    list joined to its chapeau, its sub-items kept inline ("… consent …, and only for …: (i) … a use …;
    or (ii) … storage …"). Each comes with its own
    words without the chapeau (how a quote shows it) and its item letter ("" for a sentence)."""
    lines = [re.sub(r"^\d{1,2}\.\s+", "", line.strip()) for line in text.split("\n") if line.strip()]
    if not lines:
        return []
    chapeau = lines.pop(0) if lines[0].endswith(":") and len(lines) > 1 else None
    if chapeau is None and len(lines) == 1 and (inline := _INLINE_ITEM.match(lines[0])):
        # one item under its chapeau on one line: "For the purposes of this Article: b) “Relevant source” …"
        chapeau, lines = inline["head"], [f"{inline['label']}) {inline['item']}"]
    items: list[str] = []
    for line in lines:
        if (sub := _SUB_ITEM.match(line)) and items:
            items[-1] = f"{items[-1]} {line[:sub.end()]}{line[sub.end():sub.end() + 1].lower()}{line[sub.end() + 1:]}"
        else:
            items.append(line)
    out = []
    for item in items:
        m = _ITEM.match(item)
        if chapeau and m:
            body = re.sub(r"(?:;|,)?\s*(?:and|or)?\s*$", "", item[m.end():].rstrip(" ;,")).rstrip(" ;,:")
            out.append((_join(chapeau, body) if _RUNS_ON.search(chapeau)
                        else f"{chapeau.rstrip(': ')}: {body[:1].lower()}{body[1:]}", body, m[1]))
        else:
            out.extend((s.rstrip(" ;,"), s, "") for s in _SENTENCE_END.split(item[m.end():] if m else item))
    return [(u.rstrip(".") + ".", own, label) for u, own, label in out if len(u) >= 25 and not u.endswith(":")]


def _figures(text: str) -> set[str]:
    """The figures a text states, its cross-references ("Article 20(4)", "paragraph 3") aside."""
    return {m.lower() for m in _NUMBER.findall(_CROSS_REF.sub("", text))}


@dataclass(frozen=True)
class Reply:
    """A unit of a quoted provision in the reply's voice: its chunk, and its item letter ("" for a
    sentence of a plain paragraph)."""
    text: str
    chunk: Chunk
    item: str


def reply_unit(question: str, quoted: list[tuple[Chunk, str]], prose: list[str],
               kind: str = "other") -> Reply | None:
    """The unit of a quoted provision (chunk, the excerpt shown) that replies to what is asked and
    that the prose has not said: it shares at least two of the asking sentence's words (or one, and
    two of a context sentence's), more than any other unit; an item of a list shares one with its own
    words (not only through its chapeau: then the whole list replies, and the quote shows it);
    7 in 10 of its own words (or a figure it gives) are missing from the prose (a unit the prose already
    paraphrases in plainer words would only say it again, in the treaty's); and it repeats no sentence
    the reader already has word for word. A yes or a no needs no restatement of the rule, only its
    limits: for a yes/no question the unit must carry a condition or a figure the prose lacks ("provided
    that … supported by at least one third of the Parties"). None when the prose already says it.
    `item` is set only when that item replies more closely than any other item of its list."""
    asked = _words(asking_sentence(question))
    whole = _words(question)
    # the words of a context sentence count half: a page's wording often is the treaty's ("admits
    # NGOs as observers unless a third of the Parties present object")
    scenario = whole - asked
    need = asks_for(question) or _NEEDS.get(kind)
    had = " | ".join(_key(text) for text in [*prose, *(e for _, e in quoted)])
    best, best_score, best_items = None, 0, {}
    for chunk, excerpt in quoted:
        ref = chunk.ref or ""
        r = Ref.try_parse(ref)
        if r is None or r.is_decision or re.match(r"^Annex [AB]\b", ref):
            continue  # an annex table row has its own leads (its entry, its date)
        shown = re.sub(r"\s+", " ", excerpt).lower()
        items: dict[str, int] = {}  # how closely each item's own words reply
        found = units(chunk.text)
        # the words every item shares are its chapeau's: an item that meets the question only there
        # does not reply more than its neighbours (the whole list does)
        listed = [(u, own) for u, own, label in found if label]
        lead_in = set.intersection(*(_words(u) for u, _ in listed)) if len(listed) > 1 \
            else _words(listed[0][0]) - _words(listed[0][1]) if listed else set()
        for unit, own, label in found:
            if re.sub(r"\s+", " ", own).lower()[:120] not in shown:
                continue  # a unit the quote does not show
            if label:
                mine = _words(own) - lead_in
                items[label] = 2 * len(asked & mine) + len(scenario & mine)
            text = _plain(resolve_this(unit, ref), ref)
            if support(text, [chunk.text]) < MIN_SUPPORT:
                text = _plain(resolve_this(unit, ref), "")
            # a sentence the reader has word for word (the quote's own, with no "shall" to turn) is not
            # said again: only the unit's first sentence, or nothing
            pieces = _SENTENCE_END.split(text)
            text = next((" ".join(pieces[:k]) for k in (len(pieces), 1)
                         if not any(_key(x) in had for x in pieces[:k] if len(x) >= 40)), "")
            words = _words(text)
            shared = 2 * len(asked & words) + len(scenario & words)
            if not text or not asked & words or shared < 4 or shared <= best_score \
                    or (label and not asked & (_words(own) - lead_in)):
                continue
            best, best_score, best_items = (text, chunk, label), shared, items
    # the unit that replies most closely is the reply; if the prose already says it, nothing is added
    # (not the next closest unit instead: the neighbouring item on children beside the health strategy)
    if best is None or not _adds(best[0], question, prose, kind, need):
        return None
    text, chunk, label = best
    clear = bool(label) and all(score < best_items[label] for other, score in best_items.items() if other != label)
    ref = chunk.ref or ""
    if clear and not ref.endswith(f"({label})"):
        ref = f"{ref}({label})"
    if not text.startswith("Under ") and re.match(r"^(?:Article|Annex) ", ref) \
            and text.split(" ", 1)[0] in _PLAIN_OPENERS:  # the reader learns where it is said
        text = f"Under {ref}, {text[:1].lower()}{text[1:]}"
    # "Under Article 10(1), Article 10 must apply to …" reads "Article 10 applies to …"
    text = re.sub(r"^Under [^,]+, (Article \d+) (?:must )?(apply|concern)s?\b",
                  lambda m: f"{m[1]} {'applies' if m[2] == 'apply' else 'concerns'}", text)
    return Reply(_common_noun_after_prefix(text, chunk.text), chunk, label if clear else "")


_NEEDS = {"when": "time", "how-long": "time", "how-many": "figure"}


def _adds(text: str, question: str, prose: list[str], kind: str, need: str | None) -> bool:
    """Whether the unit says what the prose has not: 7 in 10 of its own words, or a figure; not too long
    to read as a sentence; for a question only a figure or a time answers, and whose prose gives one,
    a figure the prose lacks (not the definition beside the 75 per cent); for a yes/no question, a
    figure or a limit ("unless", "provided that", "only") the prose lacks."""
    words = _words(text)
    new = words - _words(question)
    missing = new - set().union(*(_words(p) for p in prose))
    new_figures = _figures(text) - set().union(*(_figures(p) for p in prose)) - _figures(question)
    limits = {m.lower() for m in _LIMIT.findall(text)} - {m.lower() for p in prose for m in _LIMIT.findall(p)}
    figure_given = need is not None and any(gives(need, p) for p in prose)
    if len(text) > _LONGEST or not new or (figure_given and not new_figures):
        return False
    if kind == "yes-no" and not new_figures and not limits:
        return False
    return bool(new_figures) or (len(missing) >= 0.7 * len(new) and len(missing) >= 4)


def _key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


def _common_noun_after_prefix(text: str, source: str) -> str:
    """"Under Article 14(2), Capacity-building …" -> "…, capacity-building …": a word capitalised only
    because it opened the treaty's sentence (a name the treaty capitalises mid-sentence, "Parties",
    "Secretariat", keeps its capital)."""
    m = re.match(r"^(Under [^,]+, )([A-Z][a-z][\w-]*)", text)
    if m is None or re.search(rf"(?<![.:;]\s)(?<!^)\b{re.escape(m[2])}\b", source[1:]):
        return text
    return f"{m[1]}{m[2][:1].lower()}{text[m.end(1) + 1:]}"


def say_quoted_reply(draft: Draft, question: str, quoted: list[tuple[Chunk, str]], kind: str) -> bool:
    """Add the reply a quote holds to the prose, after the opening (a yes or a no stays first). Unless
    the question asks for a list or for duties, the quote of a list then shows only the item that
    replies, under its chapeau (never the non-Party clause beside a question on exports to a Party).
    A "why" or "who" question is not answered by restating a rule: nothing is added to it."""
    if kind in ("why", "who", "provision"):
        return False
    prose = [x for x in draft.sentences if x.kind in ("lead", "checklist")]
    found = reply_unit(question, quoted, [x.text for x in prose], kind)
    if found is None:
        return False
    text, chunk = found.text, found.chunk
    n = draft.cite(chunk)
    if kind not in ("which", "must-do") and found.item:
        _narrow_quote(draft, chunk, n, found.item)
    sentence = Sentence(text=text, citations=[n], kind="lead")
    leads = [x for x in draft.sentences if x.kind == "lead"]
    # a lead that says most of the unit but leaves out one of its figures gives way to it, in its place
    # (a yes or a no stays where it is)
    unit = _words(text)
    within = [x for x in leads if not opens_with_verdict(x.text) and (w := _words(x.text))
              and len(w & unit) >= 0.7 * len(w) and _figures(x.text) < _figures(text)]
    if within:  # "… over 50 metric tons" gives way to "… 50 metric tons, as well as … 10 metric tons per year"
        at = draft.sentences.index(within[0])
        draft.sentences = [x for x in draft.sentences if not any(x is y for y in within)]
    else:
        at = draft.sentences.index(leads[0]) + 1 if leads else 0
    draft.sentences.insert(at, sentence)
    return True


_QUOTE = re.compile(r"^(?P<label>.+?) of (?P<source>.+?) says: “(?P<excerpt>.*)”$", re.DOTALL)


def _narrow_quote(draft: Draft, chunk: Chunk, n: int, item: str) -> None:
    """The quote of `chunk` shows its chapeau and the one item (with its sub-items) that replies."""
    ref = f"{chunk.ref}({item})"
    if Ref.try_parse(ref) is None:
        return
    excerpt = re.sub(r"^\d{1,2}\.\s+", "", whole_excerpt(chunk.text, chunk.ref or "", ref, limit=0))
    excerpt = re.sub(r"(?:;|,)\s*(?:and|or)?\s*$", "", excerpt.rstrip())  # the joint to the next item
    for x in draft.sentences:
        m = _QUOTE.match(x.text) if x.kind == "quote" and x.citations == [n] else None
        if m is not None and len(excerpt) < len(m["excerpt"]):
            x.text = f"{ref} of {m['source']} says: “{excerpt}”"
