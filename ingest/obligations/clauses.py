"""Clauses: where a sentence's obligations start and end, and each one's actor and modality.

`ClauseFinder` is a mixin of the document reader (`extract._DocumentReader`): an actor-less clause
takes the actor of the previous obligation (`self.prev_actor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grammar import (
    _ACTOR_RE,
    _CONDITION_OPENING,
    _DECISION_VERB,
    _DEFINITION_OPENING,
    _DISCRETION,
    _DISPUTE_PARTY,
    _INSTRUMENT_SUBJECT,
    _MODAL_RE,
    _PARTY_QUALIFIER,
    _PREPOSITION_BEFORE,
    _SCOPE_VERBS,
    _SOFT_LEAD_VERB,
    _STATUS_VERBS,
    _agent,
    _find_subject,
    _head_after_modal,
    _is_participle,
    _mentions,
    _soft_in,
    _strip_adverbial,
    _verb_group,
    polarity_of,
)
from .model import ACTORS


@dataclass
class _Clause:
    actor: str | None
    modality: str
    start: int
    end: int
    modal_start: int
    modal_end: int
    subject: str = ""
    explicit: bool = False
    negated: bool = False  # the subject carries the negation: "No Party may", "no State … may"
    also: list[str] = field(default_factory=list)  # coordinated subjects: "The parties and the arbitrators are …"


# private persons and bodies that a sentence can bind directly, as its grammatical subject
_PRIVATE_AGENT = re.compile(r"^(?:no|each|every|an?|any|the|all)?\s*(?:[\w-]+\s+){0,2}?(?:owners?|operators?|employers?|"
                            r"contractors?|manufacturers?|importers?|exporters?|producers?|retailers?|suppliers?|"
                            r"distributors?|dealers?|licensees?|holders?|masters?|carriers?|ships?|vessels?|persons?|"
                            r"compan(?:y|ies)|enterprises?|firms?|workers?|miners?|fishers?|users?)\b(?!\s+(?:of\s+)?"
                            r"(?:the\s+)?Part(?:y|ies)\b)", re.IGNORECASE)

def _actor_of(m: re.Match) -> str:
    kind = m.lastgroup or "other"
    if kind == "party" and _DISPUTE_PARTY.search(m.group(0)):
        return "party_conditional"  # "the parties to the dispute", "the claimant party", "the other party"
    return kind if kind in ACTORS else "other"


# "For the purposes of paragraph 1, Parties may, inter alia: …": a purpose, then an actor and its modal,
# is an obligation sentence, not a definition
_ACTOR_AFTER_PURPOSE = re.compile(r"^For the purposes? of [^,:]{1,60},\s+(?=(?:the\s+|each\s+|every\s+|all\s+)?"
                                  r"(?:Part(?:y|ies)|Conference|Secretariat|Committee)\b[^,:]{0,40}?\b(?:shall|may|must|should)\b)")


class ClauseFinder:
    prev_actor: str | None

    # ---- clauses -------------------------------------------------------------------------
    def _clauses(self, sentence: str, first_in_para: bool, implicit: _Clause | None = None) -> list[_Clause]:
        """Obligation clauses of one sentence. `implicit` is the clause a chapeau opened (its
        predicate is this sentence's start)."""
        if _DEFINITION_OPENING.match(sentence) and not _ACTOR_AFTER_PURPOSE.match(sentence):
            # a definition - unless it forbids something: "For the purposes of this Convention, information
            # on health … shall not be regarded as confidential"
            if not re.search(r"\b(?:shall|may|must) not (?!include|apply|cover|comprise|mean|be construed)", sentence) \
                    or "," not in sentence:
                return []
        clauses: list[_Clause] = [implicit] if implicit is not None else []
        prev_end = 0
        rejected = False  # the sentence's first modal was not an obligation ("shall be facilitative")
        for m in _MODAL_RE.finditer(sentence):
            pre = sentence[prev_end:m.start()]
            prev_end = m.end()
            compound = re.search(r"(?:^|(?<=[\s,]))(?:and|or|but)(?:,)?\s*(?:also\s+)?$", pre)
            if not clauses:
                if re.search(r"\b(?:which|that|who|whom)\s*$", pre) and _MODAL_RE.search(sentence, m.end()):
                    continue  # "A Party that has an interest … which may be affected … may intervene"
                if rejected and (boundary := re.search(r"[;:](?=\s+[A-Za-z])(?!.*[;:]\s+[A-Za-z])", pre)):
                    # "The Committee shall consist of …; its members shall be elected at …", "The procedure
                    # shall be as follows: A request … shall be addressed …": a new clause
                    pre = pre[boundary.end():]
                elif rejected:
                    # "… shall be facilitative … and shall pay …", "… shall take effect … as may be specified":
                    # after a statement, only an actor named right before a modal opens an obligation
                    near = [a for a in _mentions(pre) if len(pre[a.end():].split()) <= 1 and "," not in pre[a.end():]]
                    if not near:
                        continue
                head_pre = pre if rejected else sentence[:m.start()]
                subject = _find_subject(head_pre)
                offset = m.start() - len(head_pre)
                clause = self._open_clause(sentence, m, head_pre, subject, start=offset, first_in_para=first_in_para)
                if clause is not None:
                    clauses.append(clause)
                elif subject is not None and ";" not in sentence[m.end():]:
                    return []
                rejected = clause is None
                continue
            if (rel := self._relative_actor(pre)) is not None:
                # "… inform the Secretary-General, who shall make the designation …": the antecedent acts
                antecedent, who = rel
                start = m.start() - len(pre) + who
                clause = self._open_clause(sentence, m, sentence[:m.start()], antecedent, start=start,
                                           first_in_para=first_in_para, subject_offset=m.start() - len(pre) +
                                           antecedent.start())
                if clause is not None:
                    clause.start = start
                    clauses[-1].end = start
                    clauses.append(clause)
                continue
            near = [a for a in _mentions(pre) if len(pre[a.end():].split()) <= 1 and "," not in pre[a.end():]]
            if (co := self._coordinated_subject(pre)) is not None:
                near = [co]  # "…, and the two arbitrators so appointed shall designate …": a new subject
            elif near and m["m"] == "may" and not re.search(r"(?:^|[,;:]|\b(?:and|or|but|while|whereas))\s*$",
                                                           pre[:near[-1].start()]):
                near = []  # "the views the parties may express": a "may" inside a noun's relative clause
            if near:
                subject = near[-1]
                start = m.start() - len(pre) + subject.start()
                clause = self._open_clause(sentence, m, sentence[:m.start()], subject, start=start,
                                           first_in_para=first_in_para, subject_offset=start)
                if clause is not None:
                    clauses[-1].end = start
                    clauses.append(clause)
                continue
            if compound or not pre.strip():
                prev = clauses[-1]
                start = m.start() - len(pre) + (compound.start() if compound else 0)
                clause = self._compound_clause(sentence, m, prev, start)
                if clause is None:
                    continue
                if clause.actor == prev.actor and clause.modality != prev.modality \
                        and "permissive" not in (clause.modality, prev.modality) \
                        and re.match(r"\s*\w+(?:\s+\w+)?,", sentence[m.end():]):
                    # "shall include in any plan, and shall implement, X": both verbs share X and its qualifiers
                    prev.modality = "soft"
                    continue
                prev.end = start
                clauses.append(clause)
                continue
            # a modal in a subordinate clause ("…, which shall include", "whether … should"): part of the previous
        for i, c in enumerate(clauses):
            if i + 1 < len(clauses):
                c.end = min(c.end, clauses[i + 1].start)
            else:
                c.end = len(sentence)
        return [c for c in clauses if c.actor is not None]

    def _modality(self, modal: str, after: str, clause_text: str, negated_subject: bool) -> str:
        modal = modal.lower()
        if modal == "may":  # "No Party may …", "may not …" forbid; "may only …" permits within limits
            return "binding" if negated_subject or re.match(r"\s*not\b", after) else "permissive"
        if modal == "should" or "encouraged" in modal or "invited" in modal:
            return "soft"
        if _SOFT_LEAD_VERB.match(_head_after_modal(after)) and not re.match(r"\s*only\b", after, re.I):
            return "soft"  # ("shall only consider … if" restricts a binding task: not an effort)
        if _soft_in(clause_text):
            return "soft"
        return "binding"

    def _open_clause(self, sentence: str, m: re.Match, pre: str, subject: re.Match | None, start: int,
                     first_in_para: bool, subject_offset: int | None = None) -> _Clause | None:
        after = sentence[m.end():]
        head = _head_after_modal(after)
        modal = m["m"]
        if _DISCRETION.search(sentence[m.start():]) or _DISCRETION.search(sentence):
            return _Clause("party", "permissive", start, len(sentence), m.start(), m.end(), "the Party", True)
        if subject is not None and _actor_of(subject) not in ("party", "party_conditional") \
                and re.match(r"(?:an?|any)\s", subject.group(0), re.I) and not pre[subject.end():].strip() \
                and (be := re.match(r"be\s+(\S+)", head, re.I)) and _is_participle(be[1]):
            subject = None  # "… an arbitral tribunal shall be established": the body is set up by someone
            pre = _strip_adverbial(pre)
        if subject is not None:
            if re.match(r"be\b", head, re.I) and modal != "may" and not re.match(r"be\s+responsible", head, re.I):
                return None  # "Each Party … shall be identified", "… shall be bound": status, not a duty
            if _STATUS_VERBS.match(head):
                return None  # "The Committee shall consist of", "Each Party … shall have one vote"
            actor = _actor_of(subject)
            subject_text = pre[subject.start():] if subject_offset is None else sentence[subject_offset:m.start()]
            negated = bool(re.match(r"no\b", subject.group(0), re.I))
            modality = self._modality(modal, after, self._clause_scope(sentence, m), negated)
            if actor == "party" and self._conditional(subject_text, sentence, after, modality):
                actor = "party_conditional"
            also = []
            rest = pre[subject.end():] if subject_offset is None else sentence[subject_offset:m.start()][
                len(subject.group(0)):]
            if (joined := re.match(r"\s+and\s+", rest)) and (second := _ACTOR_RE.match(rest, joined.end())) \
                    and not rest[second.end():].strip() and _actor_of(second) != actor:
                also.append(_actor_of(second))  # "The parties to the dispute and the arbitrators are …"
            return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), subject_text.strip(), True,
                           negated=negated, also=also)
        # no actor as subject: a passive or a thing-subject ("Any plan shall be submitted …")
        if _SCOPE_VERBS.match(head) or _STATUS_VERBS.match(head):
            return None
        if (be := re.match(r"be\b\s*([^\s,;:.]*)", head, re.I)) and not _is_participle(be[1]):
            return None  # "shall be available", "The objective shall be for …", "shall be:"
        # "It may adopt its own rules", "In particular, they shall endeavour …": the previous actor's clause
        pronoun = bool(self.prev_actor) and bool(re.fullmatch(r"(?:it|they)", _strip_adverbial(pre), re.I))
        passive = bool(re.match(r"(?:(?:not|only)\s+)?be\s+\S", head, re.I))
        subject_text = _strip_adverbial(pre)
        # a "may" that a restricting "only" limits ("may be returned … only where …") binds whoever acts
        restricted = modal == "may" and polarity_of("permissive", after) == "restriction"
        # "Instruments of ratification … shall be deposited with the Depositary": the joining State's duty
        if re.match(r"(?:each\s+)?instruments?\s+of\s+ratification\b", subject_text, re.I) \
                and re.match(r"be\s+(?:deposited|lodged)\s+with\s+the\s+Depositary", head, re.I):
            return _Clause("other", "binding", start, len(sentence), m.start(), m.end(), subject_text, False)
        if _INSTRUMENT_SUBJECT.match(subject_text) and not (passive and _agent(_verb_group(after))) \
                and not restricted:
            return None  # "This Convention shall be opened for signature", "Amendments … shall be adopted"
        agent = None if pronoun and not passive else _agent(_verb_group(after)) or _agent(pre)
        # "No exemption shall be granted …", "No national action plan may provide for …", "No operator shall
        # treat wood …": a ban (an active "shall" too, whoever the subject is)
        negated = bool(re.match(r"no\s(?!(?:later|sooner|fewer|less|more)\b)", subject_text, re.I))
        modality = self._modality(modal, after, self._clause_scope(sentence, m), negated)
        if agent is not None:
            actor = _actor_of(agent)
            if actor == "party" and re.match(r"(?:that|the|such)\s+Party\b", agent.group(0), re.I):
                actor = "party_conditional"
            return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), subject_text, True)
        owner = re.match(r"(?:(?:the|any|all)\s+)?(?:[\w-]+\s+){1,3}of\s+(?=the\s)", subject_text, re.I)
        if agent is None and owner and (agent := _ACTOR_RE.match(subject_text, owner.end())) is not None:
            # "Decisions of the arbitral tribunal shall be taken by …": the body whose act it is
            return _Clause(_actor_of(agent), modality, start, len(sentence), m.start(), m.end(), subject_text, False)
        if modality == "permissive" and not pronoun and not negated and not restricted:
            return None  # "Such cooperation may include:" - a "may" needs an actor; "may only" limits someone
        if not passive and not pronoun and _PRIVATE_AGENT.match(subject_text):
            # "Employers shall not allow …", "A licensed contractor shall notify …": the duty binds them,
            # not a Party (the Party's duty to make them is written elsewhere)
            return _Clause("other", modality, start, len(sentence), m.start(), m.end(), subject_text, True,
                           negated=negated)
        actor = self.prev_actor or "party"
        if _DEFINITION_OPENING.match(sentence):
            actor = "party"  # "For the purposes of this Convention, X shall not be regarded as …": binds every Party
        if actor == "party" and (not first_in_para or _CONDITION_OPENING.match(sentence)):
            actor = "party_conditional"  # a follow-on duty of those the paragraph applies to
        return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), "" if pronoun else subject_text,
                       pronoun, negated=negated)

    def _compound_clause(self, sentence: str, m: re.Match, prev: _Clause, start: int) -> _Clause | None:
        after = sentence[m.end():]
        head = _head_after_modal(after)
        modal = m["m"]
        actor = prev.actor
        agent = _agent(_verb_group(after))
        if agent is not None:
            actor = _actor_of(agent)
        elif not prev.explicit and re.match(r"be\s+(\S+)", head, re.I) and modal == "may":
            return None
        modality = self._modality(modal, after, self._clause_scope(sentence, m), False)
        if actor == "party" and prev.actor == "party_conditional" and agent is None:
            actor = "party_conditional"
        return _Clause(actor, modality, start, len(sentence), m.start(), m.end(), prev.subject, prev.explicit)

    @staticmethod
    def _relative_actor(pre: str) -> tuple[re.Match, int] | None:
        """An actor right before ", who" / ", which" that opens the text before a modal: the actor and
        where the relative pronoun starts."""
        rel = re.search(r",\s*(?:who|which)\s*$", pre)
        if rel is None:
            return None
        for a in _ACTOR_RE.finditer(pre):
            if a.end() == len(pre[:rel.start()].rstrip()) and not _PREPOSITION_BEFORE.search(pre[:a.start()]):
                return a, rel.start() + 1
        return None

    @staticmethod
    def _coordinated_subject(pre: str) -> re.Match | None:
        """A new subject joined by ", and" before a modal, with at most two words (a participle phrase)
        after it: "…, and the two arbitrators so appointed shall …"."""
        co = None
        for co in re.finditer(r"[,;]\s*(?:and|but|while)\s+", pre):
            pass
        if co is None:
            return None
        a = _ACTOR_RE.match(pre, co.end())
        if a is None or "," in pre[a.end():] or len(pre[a.end():].split()) > 2:
            return None
        return a

    @staticmethod
    def _clause_scope(sentence: str, m: re.Match) -> str:
        """Text a modality qualifier must sit in: from the modal to the next modal or the end."""
        nxt = _MODAL_RE.search(sentence, m.end())
        return sentence[m.start():nxt.start() if nxt else len(sentence)]

    @staticmethod
    def _conditional(subject_text: str, sentence: str, after: str, modality: str) -> bool:
        if _PARTY_QUALIFIER.search(subject_text.strip()):
            return True
        if _CONDITION_OPENING.match(sentence.strip()):
            return True
        if modality != "permissive" and re.search(r"\bif\b", after.split(";")[0]):
            return True
        return False

    def _decision_clauses(self, sentence: str) -> list[_Clause]:
        """Operative paragraphs of COP decisions: "Requests the Secretariat to …", "Invites Parties to …"."""
        m = _DECISION_VERB.match(sentence)
        if not m:
            return []
        verb = m["verb"].lower()
        if verb in ("welcomes", "notes", "takes note", "recalls", "recognizes", "acknowledges"):
            return []
        if verb in ("decides", "adopts"):
            return [_Clause("cop", "binding", 0, len(sentence), 0, 0, "The Conference of the Parties", True)]
        addressee = _ACTOR_RE.match(m["rest"].lstrip())
        if addressee is None:
            return []
        actor = _actor_of(addressee)
        modality = "binding" if verb in ("requests", "instructs") else "soft"
        offset = m.start("rest") + (len(m["rest"]) - len(m["rest"].lstrip())) + addressee.end()
        return [_Clause(actor, modality, 0, len(sentence), offset, offset, addressee.group(0), True)]

    @staticmethod
    def _merge(clauses: list[_Clause]) -> list[_Clause]:
        out: list[_Clause] = []
        for c in clauses:
            if out and out[-1].actor == c.actor and out[-1].modality == c.modality:
                out[-1].end = max(out[-1].end, c.end)
                continue
            out.append(c)
        return out
