"""The document reader: provision lines in document order, chapeaux and their items, sentences
into obligation rows with topic, deadline and polarity. `extract_obligations` is the entry point."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable

from ..models import Chunk
from ..refs import Ref
from .clauses import ClauseFinder, _actor_of, _Clause
from .grammar import (
    _ACTOR_RE,
    _CONDITION_OPENING,
    _MODAL_RE,
    _SOFT_LEAD_VERB,
    _head_after_modal,
    _is_participle,
    _lower_first,
    _short,
    _soft_in,
    _tidy_action,
    find_conditions,
    find_dates,
    keep_restriction,
    normalise_deadline,
    polarity_of,
    split_sentences,
)
from .lines import _Chapeau, _chunk_lines, _is_row, _Line, _parse_ref
from .model import LEGAL_DOC_TYPES, Obligation
from .tables import TableReader

log = logging.getLogger(__name__)

# the words of a qualifier that softens one item ("Where feasible, …"), not a condition on it
_QUALIFIED = r"(?:feasible|appropriate|possible|practicable),"
# items that time or condition the chapeau's obligation ("by notifying the Secretariat: (a) On becoming a
# Party; or (b) No later than …"), not objects of its verb
# ("Where feasible, information on …" is a softened object, not a condition)
_TIMING_ITEM = re.compile(rf"^(?:when|where(?! {_QUALIFIED})|if|once|after|before|unless|on|upon|"
                          r"no later than|not later than|by|"
                          r"within|at|in the case of|as soon as)\b", re.IGNORECASE)
# "Measures taken by a Party … shall include each of the following:" over items that open with a gerund
# ("Requiring …", "Not allowing …", "Endeavouring to …"): each item is a measure the Party must take
_INCLUDES_MEASURES = re.compile(r"\b(?:shall|must)\s+(?:include|comprise|apply|take|implement|adopt)\s+"
                                r"(?:(?:each|all)\s+of\s+)?the following(?:\s+(?:measures|conditions|requirements|controls|"
                                r"safeguards))?"
                                # "shall apply the following measures to that facility:", "… the following conditions
                                # to every facility that carries out a listed process under an exemption:"
                                r"(?:\s+(?:to|at|in|for)\s+[^:;]{3,90})?\s*:$", re.IGNORECASE)
_GERUND_ITEM = re.compile(rf"^(?P<qualifier>(?:Where|As|If|So far as) {_QUALIFIED}\s+)?"
                          r"(?P<neg>Not\s+)?(?P<verb>Requiring|Allowing|Prohibiting|Ensuring|Endeavou?ring|Promoting|"
                          r"Taking|Establishing|Providing|Developing|Restricting|Banning|Encouraging|Permitting|"
                          r"Authori[sz]ing|Limiting|Monitoring|Reducing|Controlling)\b\s*",
                          re.IGNORECASE)
# chapeaux whose items are exceptions, options or matters to weigh, not objects of a duty each
# a sub-item that names what its item's verb acts on, not an act of its own
_OBJECT_ITEM = re.compile(r"(?:whether|that|which|what|how|the|a|an|any|its|their|each|all)\b", re.IGNORECASE)
_NOT_OBJECTS = re.compile(r"\bexcept\b|\bunless\b|\bother than\b|\bone or (?:more|both)\b|\bat least\b|\beither\b|\bbasis of\b|\bfollowing\b|\bmay include\b|\baccount of\b",
                          re.IGNORECASE)

_TITLE_TOPICS: tuple[tuple[str, str], ...] = (
    (r"artisanal|small-scale gold", "ASGM"),
    (r"supply sources|\btrade\b|mercury supply", "supply and trade"),
    (r"mercury-added products|\bproducts\b", "products"),
    (r"manufacturing processes|\bprocess(?:es)?\b", "processes"),
    (r"\bemissions?\b", "emissions"),
    (r"\breleases?\b", "releases"),
    (r"\bstorage\b", "storage"),
    (r"\bwastes?\b", "waste"),
    (r"contaminated sites?", "contaminated sites"),
    (r"financ|funding", "finance"),
    (r"capacity|technical assistance|technology transfer", "capacity"),
    (r"compliance", "compliance"),
    (r"\bhealth\b", "health"),
    (r"information|awareness|education", "information"),
    (r"research|monitoring", "research"),
    (r"reporting", "reporting"),
)
# For text without titled headings (COP decisions): keywords in the sentence itself.
_KEYWORD_TOPICS: tuple[tuple[str, str], ...] = (
    (r"artisanal|small-scale gold|gold mining", "ASGM"),
    (r"\breport(?:s|ing)?\b", "reporting"),
    (r"compliance|Implementation and Compliance Committee", "compliance"),
    (r"chlor-alkali|vinyl chloride|acetaldehyde|polyurethane|methylate|ethylate|manufacturing process", "processes"),
    (r"mercury-added product|dental amalgam|\blamps?\b|batter(?:y|ies)|cosmetic|thermometer|pesticide", "products"),
    (r"\bexports?\b|\bimports?\b|primary mercury mining|mercury supply|\bstocks?\b", "supply and trade"),
    (r"\bemissions?\b|\bair\b", "emissions"),
    (r"\breleases?\b", "releases"),
    (r"interim storage|\bstorage\b", "storage"),
    (r"\bwastes?\b|disposal", "waste"),
    (r"contaminated sites?", "contaminated sites"),
    (r"financial|funding|Global Environment Facility|\bfund\b", "finance"),
    (r"capacity|technical assistance|technology transfer", "capacity"),
    (r"\bhealth\b", "health"),
    (r"research|monitoring", "research"),
    (r"information|awareness", "information"),
)


def extract_obligations(chunks: Iterable[Chunk]) -> list[Obligation]:
    """Obligations in the chunks of treaty-type documents; other document types give []."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.doc_type in LEGAL_DOC_TYPES:
            by_doc.setdefault(c.doc_id, []).append(c)
    out: list[Obligation] = []
    for doc_id in by_doc:
        try:
            out += _DocumentReader(sorted(by_doc[doc_id], key=lambda c: c.ordinal)).read()
        except Exception:  # noqa: BLE001 - a reading bug must never fail the index commit
            log.exception("obligation extraction failed for %s; its obligations are left out", doc_id)
    return out


# "For its new sources, each Party shall require …": the duty holds for those sources only
_SCOPE_OPENING = re.compile(r"^\s*(For (?:its|their|each|all|such|any) (?!purposes?\b)[^,;:]{3,60}),\s+(?:each|every|any|a|the|all)\b",
                            re.IGNORECASE)


def _with_scope(action: str, sentence: str) -> str:
    """The action with the scope a sentence opens with, after its first verb: "require, for its new
    sources, the use of best available techniques …" (without it the row reads as a duty for every
    source)."""
    m = _SCOPE_OPENING.match(sentence)
    if m is None or m[1].lower() in action.lower():
        return action
    verb, _, rest = action.partition(" ")
    if not rest or verb.lower() in ("not", "only"):
        return action
    return f"{verb}, {m[1][0].lower()}{m[1][1:]}, {rest}"


class _DocumentReader(TableReader, ClauseFinder):
    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        self.doc = chunks[0]
        self.phase_out_years: dict[tuple[str, int], list[str]] = {}
        self.out: list[Obligation] = []
        self.seen: set[tuple] = set()
        self.prev_actor: str | None = None
        self.prev_top: str = ""
        self.prev_para: str = ""
        self.prev_deadline: str | None = None
        self.row_chapeaux: dict[str, _Chapeau] = {}
        self.lead_ins: set[str] = set()

    # ---- driver --------------------------------------------------------------------------
    def read(self) -> list[Obligation]:
        rows = {c.id for c in self.chunks if _is_row(c)}
        self.lead_ins = self._find_lead_ins()
        for c in self.chunks:
            if c.id in rows:
                self._collect_phase_out(c)
        consumed = self._text_tables()
        lines: list[_Line] = []
        seen_lines: set[tuple[str, str, str]] = set()
        last_by_heading: dict[str, _Line] = {}
        anchor = ""
        first_lines: set[tuple[str, str]] = set()
        for c in self.chunks:
            if c.id in rows:
                lines.append(_Line(_parse_ref(c.ref), c.ref, "row", c.text, c))
                continue
            if c.id in consumed:
                continue
            chunk_lines = _chunk_lines(c, self.lead_ins, carry=last_by_heading.get(c.heading))
            if chunk_lines:
                last_by_heading[c.heading] = chunk_lines[-1]
            if chunk_lines:
                head_key = (chunk_lines[0].ref_str, chunk_lines[0].text)
                if head_key in first_lines:  # the unit's first block repeated at the head of a later window
                    chunk_lines = chunk_lines[1:]
                first_lines.add(head_key)
            for line in chunk_lines:
                # a chapeau repeated at the head of a later window, or sentences repeated as overlap, are
                # read once; an item is keyed by its chapeau too (the same item text may recur elsewhere)
                if line.level in ("sub", "item", "cont"):
                    key = (line.ref_str, line.text, anchor)
                else:
                    key = (line.ref_str, line.text, "")
                    anchor = line.text
                if key in seen_lines:
                    continue
                seen_lines.add(key)
                lines.append(line)
        chapeaux: dict[str, _Chapeau] = {}
        for line in lines:
            if line.level == "row":
                self._row(line)
                continue
            self._line(line, chapeaux)
        return self.out

    def _find_lead_ins(self) -> set[str]:
        """Lead-ins ("The following products are excluded from this Annex:") that chunking wrote in
        front of several provisions: a "…:" prefix shared by the first lines of chunks with different refs."""
        refs_by_prefix: dict[str, set[str]] = {}
        for c in self.chunks:
            first = c.text.split("\n", 1)[0].strip()
            m = re.match(r"^([^:\n]{5,119}:)\s+\S", first)
            if m:
                refs_by_prefix.setdefault(m[1], set()).add(c.ref)
        return {p for p, refs in refs_by_prefix.items() if len(refs) >= 2}

    # ---- provision lines -----------------------------------------------------------------
    def _line(self, line: _Line, chapeaux: dict[str, _Chapeau]) -> None:
        top = self._context_key(line)
        if top != self.prev_top:
            self.prev_actor, self.prev_top, self.prev_deadline = None, top, None
        para_key = self._para_key(line)
        first_in_para = para_key != self.prev_para
        self.prev_para = para_key
        sentences = split_sentences(line.text)
        if not sentences:
            return
        parent = self._parent_chapeau(line, chapeaux)
        start = 0
        if parent is not None and line.level in ("sub", "item"):
            if parent.expandable and len(sentences) == 1 and sentences[0].endswith(":"):
                # "shall: … (b) Assess, at each site identified: (i) …; (ii) …": the item governs its
                # sub-items as the chapeau governs it, and each sub-item is a duty of its own
                chapeaux[line.ref_str] = _Chapeau(line.ref_str, f"{parent.sentence} {sentences[0]}", True,
                                                  actor=parent.actor, modality=parent.modality,
                                                  deadline=normalise_deadline(sentences[0]) or parent.deadline,
                                                  head=sentences[0].rstrip(": ").strip())
                return
            if parent.expandable:
                self._expanded_item(line, sentences[0], parent)
                start = 1
            elif _INCLUDES_MEASURES.search(parent.sentence) and (verb := _GERUND_ITEM.match(sentences[0])):
                self._measure_item(line, sentences[0], verb, parent)
                start = 1
            else:
                start = self._item_of_statement(sentences[0], parent)
                if start == 1 and self._lists_objects(parent) and not _TIMING_ITEM.match(sentences[0]):
                    self._object_item(line, sentences[0], parent)
        if line.level == "lead":  # a chapeau the chunker wrote in front of each of its items
            chapeaux[line.ref_str] = chapeau = self._chapeau(line, sentences[-1])
            if chapeau.expandable:
                self._chapeau_lead(line, sentences[-1], first_in_para=first_in_para)
            return
        last = sentences[-1]
        if last.endswith(":"):
            chapeaux[line.ref_str] = self._chapeau(line, last)
        for i in range(start, len(sentences)):
            sentence = sentences[i]
            if i == len(sentences) - 1 and sentence.endswith(":") and chapeaux[line.ref_str].expandable:
                if i > start:  # "… It shall …, shall:": the sentences before may have named "it"
                    chapeaux[line.ref_str] = self._chapeau(line, sentence)
                self._chapeau_lead(line, sentence, first_in_para=first_in_para and i == 0)
                continue  # its items carry it
            n_before = len(self.out)
            self._sentence(line, sentence, first_in_para=first_in_para and i == 0)
            if i == len(sentences) - 1 and sentence.endswith(":"):
                chapeaux[line.ref_str].rows = self.out[n_before:]
            first_in_para = False

    def _item_of_statement(self, sentence: str, parent: _Chapeau) -> int:
        """An item under a chapeau that is not "… shall:": 1 when the item is part of the chapeau's single
        obligation (its timing phrase times that obligation: "by notifying …: (b) no later than the date
        …"), 0 when the item is a sentence of its own with an actor as subject ("The following procedure
        shall apply: (b) Any Party that … shall notify …")."""
        if any(c.explicit and _ACTOR_RE.match(c.subject) for c in self._clauses(sentence, first_in_para=False)):
            return 0
        if (deadline := normalise_deadline(sentence)) is not None:
            for row in parent.rows:
                if row.deadline is None:
                    row.deadline = deadline
        return 1

    def _chapeau_lead(self, line: _Line, sentence: str, first_in_para: bool) -> None:
        """A "… shall:" chapeau that first states a duty of its own: "The parties shall facilitate the work
        of the tribunal and, in particular, …, shall:" - the first duty is an obligation beside the items."""
        last = None
        for last in _MODAL_RE.finditer(sentence):
            pass
        if last is None:
            return
        cut = max(sentence.rfind(" and", 0, last.start()), sentence.rfind(" or", 0, last.start()))
        lead = sentence[:cut].rstrip(" ,") if cut > 0 else ""
        if not lead or not _MODAL_RE.search(lead):
            return
        for c in self._merge(self._clauses(lead, first_in_para)):
            self._clause_record(line, lead, c)

    @staticmethod
    def _context_key(line: _Line) -> str:
        """The provision whose sentences share an actor context: the article, the annex, or an article
        inside an annex ("Annex E Part I Article 3")."""
        if line.ref is None:
            return line.ref_str
        r = line.ref
        if r.kind == 2 and r.article:
            return str(Ref(kind=r.kind, article=r.article, annex=r.annex, part=r.part))
        return str(r.top())

    @staticmethod
    def _para_key(line: _Line) -> str:
        if line.ref is None:
            return line.ref_str
        r = line.ref
        return str(Ref(kind=r.kind, article=r.article, annex=r.annex, part=r.part, paragraph=r.paragraph,
                       subparagraph=r.subparagraph if not r.paragraph else ""))

    @staticmethod
    def _parent_chapeau(line: _Line, chapeaux: dict[str, _Chapeau]) -> _Chapeau | None:
        if line.ref is None or line.level not in ("sub", "item"):
            return None
        for anc in line.ref.ancestors()[1:]:
            if str(anc) in chapeaux:
                return chapeaux[str(anc)]
        return None

    def _chapeau(self, line: _Line, sentence: str) -> _Chapeau:
        expandable = bool(re.search(
            r"\b(?:shall|should|must|may|(?:is|are) encouraged to|undertakes? to|not be limited to)\s*:$|"
            r"\b(?:is|are)\s*:$", sentence))
        modal = None
        for modal in _MODAL_RE.finditer(sentence):
            pass
        if not expandable and modal is not None and re.match(
                r"(?:and\s+)?(?:taking|having|in|with|by|at|after|before|as|through|within|on|upon|where|to the extent)\b[^:]*:$",
                _head_after_modal(sentence[modal.end():]).lstrip(", "), re.I):
            expandable = True  # "shall, by its second meeting …, and taking into account …:" - the verbs are in the items
        functions = re.match(r"^The (?:functions|tasks|duties) of (?:the )?(?P<who>.{3,80}?) shall (?:be|include)\s*:$",
                             sentence)
        if functions and (who := _ACTOR_RE.search("The " + functions["who"])):
            # "The functions of the Secretariat shall be: (a) To make arrangements …": each item a duty of it
            return _Chapeau(line.ref_str, sentence, True, actor=_actor_of(who), modality="binding")
        ch = _Chapeau(line.ref_str, sentence, expandable)
        if expandable:
            clauses = self._clauses(sentence, first_in_para=True)
            if clauses:
                c = clauses[-1]
                ch.actor, ch.modality = c.actor, c.modality
                ch.deadline = normalise_deadline(sentence)
            else:
                ch.expandable = False
        return ch

    @staticmethod
    def _lists_objects(chapeau: _Chapeau) -> bool:
        """A chapeau whose items are the objects of its one verb ("Each Party shall promote: (a) research
        on …; (b) …"): its row ends in "…", which reads as a cut item, so each item gets a whole row of
        its own. Not exceptions ("except: (a) …"), options ("one or more of the following") or matters
        to weigh ("take into account at least: …"): there the items are not separate duties."""
        return bool(chapeau.rows) and all(r.action.endswith("…") for r in chapeau.rows) \
            and not _NOT_OBJECTS.search(chapeau.sentence)

    def _object_item(self, line: _Line, item: str, chapeau: _Chapeau) -> None:
        """One item of an object-list chapeau as its own row: the chapeau's verb with this item as object."""
        obj = re.sub(r"(?:[;,]\s*(?:and|or)|[;.,])\s*$", "", item.strip()).strip()
        # "(c) Where feasible, information on …": the qualifier softens this item's duty and stays in its action
        soft = re.match(rf"^(?:where|as|so far as) {_QUALIFIED}\s+", obj, re.IGNORECASE)
        if soft:
            obj = obj[soft.end():]
        for row in chapeau.rows:
            verb = re.sub(r",\s*(?:taking into account|having regard to|in accordance with)\b.*$", "",
                          row.action[:-1].rstrip(" ,:…"))
            action = f"{verb} {_lower_first(obj)}"
            if soft:
                action = f"{soft[0].strip().rstrip(',').lower()}, {action}"
            self.out.append(dataclasses.replace(
                row, ref=line.ref_str, chunk_id=line.chunk.id, page=line.chunk.page_start,
                modality="soft" if soft and row.modality == "binding" else row.modality,
                sentence=re.sub(r"\s+", " ", f"{chapeau.sentence} {item}").strip(),
                action=_short(action, 600),
                deadline=row.deadline or normalise_deadline(item), dates=row.dates or find_dates(item)))
        # the chapeau's own "promote …" row is now said item by item
        self.out = [r for r in self.out if not any(r is c for c in chapeau.rows)]

    def _measure_item(self, line: _Line, item: str, verb: re.Match, chapeau: _Chapeau) -> None:
        """One item of "Measures taken by a Party … shall include each of the following: i) Requiring …;
        iii) Not allowing …; iv) Allowing … only where …": the Party's own duty, prohibition or
        restriction, read as "Each Party shall not allow …". Items of an annex part keep the part's ref
        (they carry no paragraph of their own)."""
        base = {"requiring": "require", "allowing": "allow", "prohibiting": "prohibit", "ensuring": "ensure",
                "endeavouring": "endeavour", "endeavoring": "endeavour", "promoting": "promote",
                "taking": "take", "establishing": "establish", "providing": "provide", "developing": "develop",
                "restricting": "restrict", "banning": "ban", "encouraging": "encourage", "permitting": "permit",
                "authorizing": "authorize", "authorising": "authorise", "limiting": "limit", "monitoring": "monitor",
                "reducing": "reduce", "controlling": "control"}[verb["verb"].lower()]
        rest = re.sub(r"(?:[;,]\s*(?:and|or)|[;.,])\s*$", "", item[verb.end():]).strip()
        # "Where feasible, requiring …" softens the duty, and the action keeps it
        qualifier = (verb["qualifier"] or "").rstrip(", ").lower()
        # the chapeau's own subject when it names the Parties it binds ("Each Party that has within its
        # territory a facility using a listed process shall apply the following measures …:")
        named = re.match(r"^\s*((?:Each|Every|Any|A) Party\b[^:;]*?)\s+(?:shall|must)\b", chapeau.sentence)
        subject = named[1] if named else "Each Party"
        statement = f"{subject} shall, {qualifier}, " if qualifier else f"{subject} shall "
        statement += f"{'not ' if verb['neg'] else ''}{base} {rest}."
        if line.ref is not None and line.ref.kind == 2 and not line.ref.paragraph:
            line = dataclasses.replace(line, ref=_parse_ref(chapeau.ref_str), ref_str=chapeau.ref_str)
        n_before = len(self.out)
        self._sentence(line, statement, first_in_para=False)
        for row in self.out[n_before:]:
            row.sentence = re.sub(r"\s+", " ", f"{chapeau.sentence} {item}").strip()
            if qualifier and not row.action.lower().startswith(qualifier):
                row.action = f"{qualifier}, {row.action}"
        # the chapeau's own "include each of the following …" row is now said item by item
        self.out = [r for r in self.out if not any(r is c for c in chapeau.rows)]
        chapeau.rows = []

    # ---- obligations ---------------------------------------------------------------------
    def _expanded_item(self, line: _Line, sentence: str, chapeau: _Chapeau, context: str = "") -> None:
        """An item of a "… shall:" chapeau: the item is the predicate, the chapeau gives actor and modality."""
        sentence = re.sub(r"^To (?=[a-z])", "", sentence)  # "(a) To make arrangements …" under "functions … shall be:"
        if chapeau.head and _OBJECT_ITEM.match(sentence):
            # "Assess, at each site identified:" + "(ii) Whether fish … are at risk" -> "Assess whether fish …
            # are at risk (at each site identified)" keeps the object whole; the verb's aside goes last
            verb, _, aside = chapeau.head.partition(",")
            obj = re.sub(r"[;,.]\s*(?:and|or)?\s*$", "", sentence.strip())
            sentence = f"{verb.strip()} {_lower_first(obj)}" + (f" ({aside.strip()})" if aside.strip() else "")
        actor = chapeau.actor or "party"
        modality = chapeau.modality
        # a body that "shall: (a) Consider …" must consider: that is its task; so must a Party given a date to
        deliberates = (actor in ("cop", "committee") or chapeau.deadline) and re.match(r"consider\b", sentence, re.I)
        if modality != "permissive" and not deliberates \
                and (_SOFT_LEAD_VERB.match(sentence) or _soft_in(sentence.split(";")[0])):
            modality = "soft"
        if actor == "party" and _CONDITION_OPENING.match(sentence):
            actor = "party_conditional"
        implicit = _Clause(actor, modality, 0, len(sentence), 0, 0, chapeau.sentence, True)
        clauses = self._clauses(sentence, first_in_para=False, implicit=implicit)
        full = f"{chapeau.sentence} {sentence}".strip()
        for c in self._merge(clauses):
            if c is implicit or c.start == 0:
                action = re.sub(r"[;,]\s*(?:and|or)$", "", sentence[:c.end].strip()).rstrip(";,.:").strip()
                deadline = normalise_deadline(sentence[:c.end]) or chapeau.deadline
                if context:
                    action = f"{_short(_tidy_action(action), 110)} ({context})"
                self._record(line, full, c, _lower_first(action), deadline, sentence[:c.end])
            else:
                self._clause_record(line, sentence, c, sentence_for_row=full)
        self.prev_actor = (clauses[-1].actor if clauses else actor)

    def _sentence(self, line: _Line, sentence: str, first_in_para: bool, context: str = "") -> None:
        clauses = self._clauses(sentence, first_in_para)
        if not clauses and self.doc.doc_type == "cop-decision":
            clauses = self._decision_clauses(sentence)
        for c in self._merge(clauses):
            self._clause_record(line, sentence, c, context=context)
        # a clause saying what its subject is or must not be ("The President … shall not be a national
        # of …") does not hand its actor on to the next actor-less sentence
        acting = [c for c in clauses if not self._describes(sentence, c)]
        if acting:
            self.prev_actor = acting[-1].actor

    @staticmethod
    def _describes(sentence: str, c: _Clause) -> bool:
        """A clause that says what its subject is ("shall not be a national of …"), not what it does."""
        return c.modal_end > c.modal_start and bool(
            re.match(r"\s*(?:not\s+)?be\s+(?:an?|the)\s", sentence[c.modal_end:c.end]))

    def _clause_record(self, line: _Line, sentence: str, c: _Clause, context: str = "",
                       sentence_for_row: str | None = None) -> None:
        span = sentence[c.start:c.end]
        deadline = normalise_deadline(span)
        if deadline is None and re.match(r"^(?:During|Within) (?:this|that|such) period\b", sentence):
            deadline = self.prev_deadline
        verb_phrase = sentence[c.modal_end:c.end].strip()
        if c.modal_end == c.modal_start and c.modal_start:  # decision: "Requests the Secretariat to …"
            verb_phrase = re.sub(r"^\s*to\s+", "", sentence[c.modal_end:c.end])
        polarity = polarity_of(c.modality, sentence[c.modal_end:c.end], c.negated)
        verb_phrase = keep_restriction(_head_after_modal(verb_phrase), polarity)
        # "…, and if they have not settled it within twelve months, the dispute shall be submitted …": the
        # subject text opens on the second condition's "and", which must not open the rendered action
        subject = re.sub(r"^(?:and|or|but)\s+(?=(?:if|where|when|unless|once)\b)", "", c.subject or "", flags=re.I)
        if c.negated:
            subject = re.sub(r"^no\s+", "", subject, flags=re.I)  # "No reservations may be made" -> "not allow reservations …"
        passive = re.match(r"(not|only)\s+be\s+(\S+)\s*(.*)$", verb_phrase, re.I | re.S)
        by_agent = re.match(r"be\s+(\S+)", verb_phrase, re.I)
        if c.explicit and by_agent and _is_participle(by_agent[1]) and c.modality != "permissive" \
                and subject and not _ACTOR_RE.match(subject):
            action = f"ensure that {_lower_first(subject)} {verb_phrase}"  # "its members shall be elected at …"
        elif c.explicit:
            action = verb_phrase
        elif passive and subject and _is_participle(passive[2]):
            # "An exemption may only be extended once …" -> "only allow an exemption to be extended once …"
            action = f"{passive[1].lower()} allow {_lower_first(subject)} to be {passive[2]} {passive[3]}".strip()
        elif c.negated and subject and re.match(r"not\s", verb_phrase, re.I):
            # "No depot keeper shall crush …" -> "ensure that no depot keeper crush …": the ban keeps its "no"
            action = f"ensure that no {_lower_first(subject)} {verb_phrase[4:]}"
        else:
            action = f"ensure that {_lower_first(subject)} {verb_phrase}" if subject else verb_phrase
        if discretion := re.match(r"be (?:a matter )?for (?:the|each|a) Party to (.*)", action, re.I):
            action = discretion[1]
        if context:
            action = f"{_short(_tidy_action(action), 110)} ({context})"
        self._record(line, sentence_for_row or sentence, c, action, deadline, span, polarity)
        for actor in c.also:  # the same duty of a coordinated subject
            self._record(line, sentence_for_row or sentence, dataclasses.replace(c, actor=actor, also=[]), action,
                         deadline, span, polarity)

    def _record(self, line: _Line, sentence: str, c: _Clause, action: str, deadline: str | None, span: str,
                polarity: str | None = None) -> None:
        dates = find_dates(sentence)
        phase = re.search(r"phase-out date", span, re.I)
        if phase:
            years = self._phase_out_years_for(span, line)
            for y in years:
                if y not in dates:
                    dates.append(y)
            if deadline is None and len(years) == 1 and re.search(r"after the phase-out date", span, re.I):
                deadline = years[0]
        topic = self._topic(line, span, c, action)
        key = (line.ref_str, c.actor, c.modality, _short(action, 80), sentence[:80])
        if key in self.seen:
            return
        self.seen.add(key)
        self.prev_deadline = deadline
        self._emit(line, sentence=sentence, actor=c.actor or "other", modality=c.modality,
                   action=_short(_with_scope(_tidy_action(action), sentence), 600),
                   deadline=deadline, dates=dates, conditions=find_conditions(span),
                   exemptions=bool(re.search(r"\bexempt(?:ion|ions|ed)?\b|\bexclusions?\b|\bexcept\b", span, re.I)),
                   topic=topic, polarity=polarity)

    def _emit(self, line: _Line, *, sentence: str, actor: str, modality: str, action: str, deadline: str | None,
              dates: list[str], conditions: list[str], exemptions: bool, topic: str | None = None,
              polarity: str | None = None) -> None:
        chunk = line.chunk
        if topic is None:
            topic = self._title_topic(chunk) or "other"
        if polarity is None:  # a chapeau item or an annex row: the action opens with its own "not" / "only"
            polarity = polarity_of(modality, action)
        action = keep_restriction(action, polarity)
        self.out.append(Obligation(
            doc_id=chunk.doc_id, doc_title=chunk.doc_title, ref=line.ref_str, page=chunk.page_start,
            sentence=re.sub(r"\s+", " ", sentence).strip(), actor=actor, modality=modality, action=action,
            topic=topic, deadline=deadline, dates=dates, conditions=conditions, exemptions=exemptions,
            polarity=polarity, doc_type=chunk.doc_type, chunk_id=chunk.id))

    # ---- topics --------------------------------------------------------------------------
    @staticmethod
    def _title_topic(chunk: Chunk) -> str | None:
        title = chunk.heading_path[0] if chunk.heading_path else chunk.heading
        title = re.split(r"\s+[—–-]\s+", title, maxsplit=1)[-1] if re.search(r"\s[—–-]\s", title) else ""
        for pattern, topic in _TITLE_TOPICS:
            if re.search(pattern, title, re.I):
                return topic
        return None

    def _topic(self, line: _Line, span: str, c: _Clause, action: str) -> str:
        if c.actor == "committee":
            return "compliance"
        if re.search(r"\breports?\b[^.;]{0,60}\bArticle 21\b|\binclude in its report|\bin its reporting\b|^report\b|"
                     r"\breport(?:ing)? to the Conference of the Parties\b|\binclude such reviews in its reports",
                     action + " " + span, re.I):
            return "reporting"
        head = _head_after_modal(action)
        if c.actor == "secretariat" and re.search(r"publicly available|public register|collect and maintain information|"
                                                  r"make [^.;]{0,40} available", span, re.I):
            return "information"
        if re.match(r"(?:provide|submit|exchange|share|make available|transmit)\s+(?:to the Secretariat,?\s+)?"
                    r"(?:as appropriate,?\s+)?(?:\w+\s+){0,2}information\b", head, re.I) \
                or re.match(r"(?:\w+\s+){0,3}information\s+(?:may|shall)\b", span, re.I) \
                or re.search(r"\bexchange information\b", head[:40], re.I):
            return "information"
        if re.search(r"capacity-building|\bcapacity\b", span, re.I) and re.search(r"cooperat", span, re.I):
            return "capacity"
        titled = self._title_topic(line.chunk)
        if titled:
            return titled
        return "other" if self._has_title(line.chunk) else self._keyword_topic(span)

    @staticmethod
    def _has_title(chunk: Chunk) -> bool:
        title = chunk.heading_path[0] if chunk.heading_path else chunk.heading
        return bool(re.search(r"\s[—–-]\s", title or ""))

    @staticmethod
    def _keyword_topic(text: str) -> str:
        for pattern, topic in _KEYWORD_TOPICS:
            if re.search(pattern, text, re.I):
                return topic
        return "other"
