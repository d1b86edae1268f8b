"""Answerability: does the question ask for something the indexed texts hold?

Near-topic questions use the texts' own words ("When did Japan become a Party?", "What did COP-3
decide on waste thresholds?"), so similarity cannot see them. This check looks at what is asked
for, held against what the index holds:

1. A question-bank entry written for a question the texts do not answer matches more closely
   than any answerable entry: its reason, its pointer, and its partial answer are used.
2. What the question asks for, by rule: a named country's status or how many Parties there are;
   a national, EU or US law; a numbered meeting whose decisions the index does not hold; a
   quantity no treaty holds (prices, tonnes emitted); personal health or household advice;
   mercury science.

`ScopeVerdict` carries the reason (a short code, reported by the eval and `ask --json`) and the
message parts. Pure apart from the index facts passed in (`IndexFacts`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.bank import BankMatch
from ingest.index import keyword_tokens
from ingest.refs import Ref

from . import prompts
from .amendments import entries_about, named_as_asked
from .question import asking_sentence
from .scope_languages import asks_the_treaty, foreign_reason, is_foreign
from .scope_patterns import (ABOUT_THIS_TREATY, ANNEX_AMENDMENT, ANY_PARTY_DID, ASKS_ADVICE, ASKS_TREATY,
                             CONVENTION_WORDS, COP1_MESSAGES, COP_DID, DECISION_NAMED, DEMONYM, DUTY, DUTY_OF_PARTIES,
                             HEALTH, HEALTH_STRONG, HOUSEHOLD, HOW_IT_WORKS, HOW_MANY_PARTIES, HOW_MUCH_MERCURY,
                             HYPOTHETICAL, INSTITUTION, JURISDICTION, LATEST_MEETING, LAW, MARKET, MARKET_WEAK,
                             MECHANISM, MEANING, MEETING, NAME_IN_SENTENCE, NAMED_SUBJECT, NOW, OFF_TOPIC, ORDINALS,
                             OTHER_TREATY, OWN_LAW_NAMED, PARTY_ASKED, PARTY_CONTEXT, PEOPLE_EVENTS, PERSONAL, QUANTITY,
                             SCIENCE, SCIENCE_STRONG, STATISTICS, STATUS, TREATY_MACHINERY, TREATY_MARK,
                             STATES_LED, TREATY_MECHANICS, TYPICAL, WHY_NATURE, WHY_NO_RULE, _SUBNATIONAL, country_pattern)


@dataclass(frozen=True)
class IndexFacts:
    """What the index holds, read from it (never hard-coded): document titles, and the meetings
    of the Conference of the Parties whose decisions or texts are ingested."""

    documents: tuple[str, ...] = ()
    meetings: frozenset[int] = frozenset()
    own_documents: frozenset[str] = frozenset()  # doc ids a user ingested beyond the bundled corpus
    amended: tuple = ()  # assistant.amendments.AmendedEntry: the Annex A/B entries whose amendments it holds
    decisions: frozenset[str] = frozenset()  # the decisions it cites or holds ("Decision MC-4/3")
    vocabulary: frozenset[str] = frozenset()  # every keyword its texts use (empty: not read, no name check)


@dataclass
class ScopeVerdict:
    reason: str  # parties-status | national-law | later-decision | health-advice | market-data | science | household | other
    statement: str  # what the texts do not hold
    look: str = ""  # where to look instead
    partial: BankMatch | None = None  # an entry whose answer covers the part the texts do answer
    detail: dict = field(default_factory=dict)


CLASSIFIER_PATH = Path(__file__).resolve().parent / "data" / "scope_classifier.json"


REASONS = ("parties-status", "national-law", "later-decision", "health-advice", "market-data", "science",
           "household", "other")


@dataclass(frozen=True)
class ClassifierView:
    """What the classifier reads in one question: the probability that the texts do not answer it,
    and the out-of-scope reason it finds likeliest."""

    out_of_scope: float
    reason: str


@dataclass(frozen=True)
class ScopeClassifier:
    """Multinomial logistic regression on the question's MiniLM embedding, over "in-scope" and the
    eight out-of-scope reasons: one minus the in-scope probability says whether the texts answer it,
    the likeliest reason says why not. Fitted and calibrated by `python -m evals.scope_fit`, never
    on reported cases."""

    weights: np.ndarray  # (384, classes)
    bias: np.ndarray  # (classes,)
    classes: tuple[str, ...]  # "in-scope" first, then the reasons
    threshold: float

    @classmethod
    def load(cls, path: Path = CLASSIFIER_PATH) -> ScopeClassifier | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(np.asarray(data["weights"], dtype=np.float64), np.asarray(data["bias"], dtype=np.float64),
                   tuple(data["classes"]), float(data["threshold"]))

    def read(self, embedding) -> ClassifierView:
        z = np.asarray(embedding, dtype=np.float64) @ self.weights + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return ClassifierView(out_of_scope=float(1.0 - p[0]), reason=self.classes[1 + int(np.argmax(p[1:]))])


def asks_for(question: str, reason: str) -> bool:
    """Whether the question's own words ask for what an out-of-scope reason is about: a bank
    entry's reason is taken only when they do ("What must a country with gold mining do?" is close to
    "Which countries have submitted a plan?", but it asks for no country's status). Read from the
    sentence that asks: "Austria accepts both means of dispute settlement. What are they?" names a
    country as context, and asks the treaty."""
    q = _without_treaty_terms(asking_sentence(question) or question)
    signals = {
        "parties-status": lambda: bool(country_pattern().search(q) or STATUS.search(q) or HOW_MANY_PARTIES.search(q))
        and not (TREATY_MECHANICS.search(q) and not NOW.search(q)),
        "national-law": lambda: bool(JURISDICTION.search(q) or country_pattern().search(q)),
        "later-decision": lambda: bool(MEETING.search(q) or LATEST_MEETING.search(q)
                                       or re.search(r"\b(?:decid\w*|decision|adopted|agreed|so far|since)\b", q, re.I)),
        "health-advice": lambda: bool(HEALTH.search(q) or re.search(r"\b(?:health|safe|sick|symptom|doctor|"
                                                                     r"pregnan\w*|child\w*|eat)\b", q, re.I)),
        "household": lambda: bool(HOUSEHOLD.search(q) or re.search(r"\b(?:home|house|I|my)\b", q)),
        "market-data": lambda: bool(MARKET.search(q) or re.search(r"\b(?:how much|cost|price|trade|traded|"
                                                                   r"market|sell|bought)\b", q, re.I)),
        "science": lambda: bool(QUANTITY.search(q) or SCIENCE.search(q)
                                or re.search(r"\b(?:how much|how many|tonnes?|tons|per year|each year)\b", q, re.I)),
    }
    return signals.get(reason, lambda: True)()


# the treaty's own terms that carry a word of national or market vocabulary
_TREATY_TERMS = re.compile(r"\bnational (?:action|implementation) plans?\b|\bnational focal points?\b|"
                           r"\bnational reports?\b|\bnational objectives\b|\bmarket-based mechanisms?\b|"
                           r"\bmarket(?:ing)? tools\b",
                           re.IGNORECASE)


def _without_treaty_terms(text: str) -> str:
    return _TREATY_TERMS.sub("the Convention's plan", text)  # a treaty term is a word of the treaty


def meetings_named(question: str) -> list[int]:
    """The meetings a question names, by number or by one of their decisions ("MC-4/3" -> 4)."""
    return list(dict.fromkeys(meeting_numbers(question) + [int(m[1]) for m in DECISION_NAMED.finditer(question)]))


def meeting_numbers(question: str) -> list[int]:
    out = []
    for m in MEETING.finditer(question):
        out.append(int(m[1]) if m[1] else ORDINALS[m[2].lower()])
    return out


_OTHER_NAME_HANDICAP = 0.15
_NOT_NAMES = {"Minamata", "Convention", "Conference", "Parties", "Party", "Article", "Annex", "COP", "UN", "I",
              "Treaty", "Secretariat", "Secretary-General", "Depositary", "Mercury", "United", "Nations", "State",
              "States"}
_ALIAS = {"european union": "EU", "united states": "US"}
_NAME_ALIASES = re.compile("|".join(_ALIAS), re.IGNORECASE)


def _aliased(text: str) -> str:
    return _NAME_ALIASES.sub(lambda m: _ALIAS[m[0].lower()], text)


def _names_absent(question: str, match: BankMatch) -> bool:
    """Every phrasing of the entry names one body or place (after its first word) that the question does not."""
    def names(text: str) -> set[str]:
        return {w for w in re.findall(r"(?<=\s)[A-Z][\w-]+", _aliased(text)) if w not in _NOT_NAMES}
    phrasings = match.chunk.questions
    common = set.intersection(*(names(p) for p in phrasings)) if phrasings else set()
    asked = {w.lower() for w in re.findall(r"[\w-]+", _aliased(question))}
    return bool(common) and not any(n.lower() in asked for n in common)


_OWN_CONDITION = re.compile(r"\bpregnan\w*|\bswallow\w*|\bER\b|\bemergency\b", re.IGNORECASE)


def _partial_entry(question: str, bank: list[BankMatch], closest: BankMatch) -> BankMatch:
    """The entry whose further lines answer the part of the question the texts do answer: the closest
    of the same reason, except that an entry every phrasing of which names a body the question does
    not name is about that body ("When did the EU deposit …?" does not stand for "When did Nigeria
    deposit …?", whose answerable part is the rule for any State)."""
    return max((m for m in bank if not m.answerable and m.reason == closest.reason),
               key=lambda m: m.similarity - (_OTHER_NAME_HANDICAP if _names_absent(question, m) else 0.0),
               default=closest)


def check_scope(question: str, bank: list[BankMatch], facts: IndexFacts, bank_margin: float = 0.03,
                bank_floor: float = 0.66, classified: ClassifierView | None = None,
                classifier_threshold: float = 1.0, guard_similarity: float = 0.62,
                names_provision: bool = False) -> ScopeVerdict | None:
    """None when the question may be answered; else why not. The classifier's probability refuses
    what neither the bank nor the rules explain, and never when an answerable bank entry is at least
    `guard_similarity` close. On the calibrate split of evals/scope/train.jsonl the veto costs a little
    (87% refused with 2% false refusals; 90% with 3% without it); on the tuning cases it keeps
    refusal accuracy at 0.99 instead of 0.97, so it stays."""
    # the closest phrasings, whatever order the words gave the entries
    answerable = max((m for m in bank if m.answerable), key=lambda m: m.similarity, default=None)
    unanswerable = max((m for m in bank if not m.answerable), key=lambda m: m.similarity, default=None)
    entry_fits = unanswerable is not None and unanswerable.similarity >= bank_floor and (
        answerable is None or unanswerable.similarity >= answerable.similarity + bank_margin) and (
        unanswerable.similarity >= 0.88 or asks_for(question, unanswerable.reason))
    verdict = _by_rule(question, facts)
    if entry_fits and unanswerable.similarity < 0.9 and verdict is None \
            and unanswerable.reason not in ("household", "health-advice") \
            and ASKS_TREATY.search(asking_sentence(question) or question):
        # "Does anything in the Convention stop a Party …?" asks the treaty, whatever it resembles ("What
        # clean-up steps does the Convention say I should follow at home?" still asks for advice)
        entry_fits = False
    if entry_fits and unanswerable.reason == "later-decision" and _about_held_amendments(question, facts):
        entry_fits = False  # "Did COP-5 set a 2030 end date for amalgam?": the amendments note answers it
    if names_provision:
        # "Which Parties hold exemptions under Article 6?": only what the question plainly asks for
        # refuses it; resembling an out-of-scope entry or the classifier's side does not
        return verdict
    # a rule names what is asked for; a bank entry only resembles the question: when they disagree
    # ("What should I do if a lamp breaks in my living room?" resembles a health entry) the rule wins
    if entry_fits and (verdict is None or verdict.reason == unanswerable.reason):
        return ScopeVerdict(reason=unanswerable.reason, statement=unanswerable.chunk.text.split("\n")[0].strip(),
                            look=unanswerable.look, partial=_partial_entry(question, bank, unanswerable),
                            detail={"bank_id": unanswerable.chunk.facet("bank_id"),
                                    "similarity": round(unanswerable.similarity, 3)})
    if verdict is not None and unanswerable is not None and unanswerable.reason == verdict.reason \
            and unanswerable.similarity >= bank_floor - 0.1:
        verdict.partial = _partial_entry(question, bank, unanswerable)
    # the classifier does not refuse a question about an Annex entry whose amendments the index holds
    if verdict is None and classified is not None and classified.out_of_scope >= classifier_threshold \
            and (answerable is None or answerable.similarity < guard_similarity) \
            and not named_as_asked(question, list(facts.amended)) \
            and not (meetings_named(question) and _about_held_amendments(question, facts)) \
            and not (HYPOTHETICAL.search(question) or DUTY.search(question)) \
            and not TREATY_MACHINERY.search(asking_sentence(question) or question) \
            and not ASKS_TREATY.search(asking_sentence(question) or question) \
            and not _TOLD_THE_COP.search(question) \
            and not _asks_rule_for_given_deposit(question):
        verdict = classified_verdict(classified, bank)
    if is_foreign(question):
        return _read_in_its_language(question, verdict, classified, bank)
    if verdict is None and (name := unknown_actor(question, facts)) is not None:
        # what nothing else caught, asked of a firm, project or place no text names and not of the treaty
        verdict = ScopeVerdict("other", prompts.SCOPE_UNKNOWN_NAME.format(name=name), prompts.LOOK_PEOPLE_EVENTS,
                               detail={"name": name})
    return verdict


def _read_in_its_language(question: str, verdict: ScopeVerdict | None, classified: ClassifierView | None,
                          bank: list[BankMatch]) -> ScopeVerdict | None:
    """A question in another language: the English rules and the classifier read little of it. One
    that names the treaty's provisions or Parties asks the treaty (unless it asks a State's status or a
    national law); else the classifier's doubt refuses it, with the reason its own words name
    (`in_its_language`)."""
    if asks_the_treaty(question):
        return None
    if verdict is not None and verdict.reason == "other" and (reason := foreign_reason(question)) is not None:
        return classified_verdict(ClassifierView(classified.out_of_scope if classified else 1.0, reason), bank)
    return verdict


def in_its_language(classified: ClassifierView, question: str) -> ClassifierView:
    """The classifier's reading, with the reason a question in another language names in its own words
    (MiniLM reads English: for other languages its likeliest reason is "other" for want of meaning)."""
    reason = foreign_reason(question) if is_foreign(question) else None
    return dataclasses.replace(classified, reason=reason) if reason is not None else classified


def classified_verdict(classified: ClassifierView, bank: list[BankMatch]) -> ScopeVerdict:
    """The refusal the classifier's reading gives: its likeliest reason, and the pointer of an
    out-of-scope bank entry of that reason when one matched."""
    reason = classified.reason
    unanswerable = max((m for m in bank if not m.answerable), key=lambda m: m.similarity, default=None)
    look = unanswerable.look if unanswerable is not None and unanswerable.reason == reason else ""
    return ScopeVerdict(reason, prompts.SCOPE_CLASSIFIED.format(
        topic=prompts.SCOPE_TOPICS.get(reason, prompts.SCOPE_TOPICS["other"])),
        look or prompts.SCOPE_LOOK.get(reason, ""), detail={"classifier": round(classified.out_of_scope, 3)})


def _about_held_amendments(question: str, facts: IndexFacts) -> bool:
    """The question is about the Annex A/B amendments of meetings the index holds (or names none)."""
    meetings = meetings_named(question)
    return all(n in facts.meetings for n in meetings) and bool(
        ANNEX_AMENDMENT.search(question) or entries_about(question, list(facts.amended)))


# "what does the Convention say about moving waste for Parties to the Basel Convention?" asks this treaty
_ASKS_THIS_TEXT = re.compile(r"\b(?:does|do|did) (?:the )?(?:Minamata )?(?:Convention|treaty|Article \d+)\b "
                             r"(?:say|require|cover|allow|ban|permit)", re.IGNORECASE)
# "or only their manufacture at home?": made in one's own country, not a household
_MADE_AT_HOME = re.compile(r"\b(?:manufactur\w*|produc\w*|made|making) at home\b", re.IGNORECASE)
# "Would Mongolia's action plan under the treaty have to deal with burning amalgam at home?": what a
# plan the treaty requires must cover, not advice to a household
_PLAN_MUST_COVER = re.compile(r"\b(?:action plan|national plan|NAP)\b.{0,60}\b(?:have to|has to|must|need to|needs to|"
                              r"required to|obliged to)\b.{0,30}\b(?:deal with|address|cover|include|tackle)\b",
                              re.IGNORECASE)
# what the treaty itself told the Conference of the Parties to do is the treaty's text
_TOLD_THE_COP = re.compile(r"\b(?:did|does) the (?:Convention|treaty) (?:tell|direct|instruct|ask) the (?:COP|Conference)\b",
                           re.IGNORECASE)
# a named State's own date of entry into force is its status, not the treaty's rule
_ENTERED_FOR = re.compile(r"\b(?:when did|since when has|on (?:what|which) date did|(?:what|which) year did)\b.{0,60}"
                          r"\b(?:(?:enter|come) into force for|become binding (?:on|for)|start to bind|deposit)\b|"
                          r"\bentered into force for\b",
                          re.IGNORECASE)
# a State's deposit (or ratification) whose date the question gives, or one it supposes
_DEPOSIT_GIVEN = re.compile(r"\bdeposit(?:ed|s)? (?:its|their|an?|the) (?:\w+ ){0,4}?instrument\b[^.?]{0,60}?"
                            r"\bon (?:\d{1,2} \w+ \d{4}|\w+ \d{1,2},? \d{4})\b"
                            r"|\b(?:after|following) (?:that|its|the|their|this) deposit\b"
                            r"|^\s*(?:if|once|suppose)\b[^?]{0,60}\b(?:ratif\w*|deposit\w*|accedes?|joins?)\b",
                            re.IGNORECASE)
# from when the Convention binds it
_BOUND_FROM = re.compile(r"\b(?:bind\w*|bound|binding|(?:enter|entered|enters|come|comes|came) into force|take effect|"
                         r"become (?:a )?part(?:y|ies))\b", re.IGNORECASE)


def _asks_rule_for_given_deposit(question: str) -> bool:
    """The question gives (or supposes) a State's deposit and asks from when the Convention binds it:
    Article 31(2)'s rule answers, not the Depositary's status record."""
    return bool(_DEPOSIT_GIVEN.search(question)) and bool(_BOUND_FROM.search(asking_sentence(question) or question))


# what a meeting decided beside its annex amendments, even about an amended product (a waste threshold,
# customs codes for lamps, a reporting form): the index holds only the amendments
_NOT_A_LISTING = re.compile(r"\b(?:thresholds?|customs codes?|HS codes?|guidance|guidelines|reporting formats?|forms?|"
                            r"budget|rules of procedure|financial rules|memorandum|programme of work|e-commerce|"
                            r"online (?:sales|platforms?)|certif\w+|supply chains?|illegal trade|enforcement|"
                            r"exemptions? (?:extended|extension)|extensions?)\b", re.IGNORECASE)


# what a meeting formally settled, which the ministers' messages of COP-1 do not hold ("did the delegates
# agree on the memorandum with the GEF Council, or was it put off?")
# ("What total concentration threshold did the Conference of the Parties set for … counts as waste?" asks
# what the meeting set, as "Has the COP set …?" does)
COP_ASKED = re.compile(r"^\s*(?:and\s+)?(?:(?:what|which)\b[^?]{0,60}?\s)?(?:has|have|did|had)\s+(?:the\s+)?"
                       r"(?:COP\b|Conference of the Parties|meeting)",
                       re.IGNORECASE)
_FORMAL_OUTCOME = re.compile(r"\bmemorand(?:um|a) of understanding\b|\bMoU\b|\brules of procedure\b|\bfinancial rules\b|"
                             r"\bbudget\b|\bput off\b|\bdeferr?\w*|\bpostpon\w*", re.IGNORECASE)


_TREATY_DISPUTE = re.compile(r"\b(?:arbitra\w*|tribunal|conciliation commission)\b", re.IGNORECASE)
# "Who runs the Specific International Programme …?": a body the treaty itself sets up and says who runs
_TREATY_BODY_RUN = re.compile(r"\bwho (?:runs|manages|operates|administers|oversees|guides)\b.{0,20}\b(?:Specific International "
                              r"Programme|financial mechanism|Global Environment Facility|GEF|trust fund|programme)\b",
                              re.IGNORECASE)
# "How should a country gather and publish estimates of how much mercury … each year?": how a Party is to
# act, whatever quantity it is to estimate
_HOW_PARTY_ACTS = re.compile(r"^\s*how (?:should|must|shall|do|does|can|could|would|is|are) (?:a |an |the |each |every |our |"
                             r"my |their |its )?(?:country|countries|part(?:y|ies)|government|governments|states?|"
                             r"ministr(?:y|ies)|authorit(?:y|ies)|nations?)\b", re.IGNORECASE)


# an event or an actor of one: a court's ruling, a sentence, what happened, which firm or body did what
_PAST_EVENT = re.compile(r"\bwhat happened\b(?!\s+to\s+(?:the\s+)?(?:prices?|costs?|market|trade|demand)\b)|\bcourt\b.{0,40}\b(?:rul\w*|h[eo]ld|decid\w*)\b|\bsentences?\b.{0,30}\b(?:receive|"
                         r"received|get|got|given)\b|\bwhich (?:[\w'’-]+ ){0,3}(?:makers?|manufacturers?|start-?ups?|partners?|"
                         r"associations?|institutions?|districts?|compan(?:y|ies)|firms?|NGOs?|agenc(?:y|ies))\b.{0,80}\b(?:was|were|had|"
                         r"worked|teamed|set up|sold|won|reported|partnered|led|chose|joined)\b|\bwho (?:presented|opened|supplied)\b",
                         re.IGNORECASE)
# a price, a tonnage or a share of things handled, asked outright
_PLAIN_FIGURE = re.compile(r"^\s*(?:and\s+)?(?:how many (?:tonnes|tons|kilograms|kilos|kg|pounds|lbs)\b|(?:what|how much) (?:did|does|do|would|will) "
                           r".{1,60}\bcost\b(?!\s+of\b)|what (?:share|percentage|proportion|fraction) of (?!(?:the )?(?:Parties|countries|"
                           r"States)\b)[\w'’ -]{0,60}?\b(?:is|are|was|were|gets?|got) (?:\w+ )?(?:collected|recycled|landfilled|sold|"
                           r"imported|exported|recovered|used)\b)", re.IGNORECASE)
# money paid or spent, asked outright ("How much does Switzerland pay each year as host …?", "How much did
# Bolivia spend on …?", "What total investment would the plants have needed?", "What is a kilogram selling
# for?"); read after the names no text holds, so that what a firm or a court paid stays an event
_MONEY_FIGURE = re.compile(r"^\s*(?:and\s+)?(?:how much (?:(?:money|funding|aid|assistance|finance|financing|support|"
                           r"overseas|development|official|public|private|bilateral) ){0,3}"
                           r"(?:did|does|do|would|will|has|have) [\w'’ -]{1,40}? (?:pay|paid|spend|spent|"
                           r"invest|invested|charge|earn|raise|contribute|pledge|pledged|donate|donated|give|gave|commit|committed)\b|"
                           r"what (?:total )?(?:investment|price)\b|"
                           r".{0,60}\bselling for\b)", re.IGNORECASE)
# what a firm, a court or a film paid or earned is an event of theirs ("How much has Chisso paid …?")
_FIRM_OR_COURT = re.compile(r"(?<!^)(?<!How )\b[A-Z][a-z]+|\b(?:court|film|company|firm)\b")
# a topic label set before the question ("Button cells at home: …"), not a sentence of the asker's own
# ("My vacuum cleaner sucked up some mercury: is it contaminated now?")
_TOPIC_LABEL = re.compile(r"^(?![^:?]*\b(?:I|my|me|we|our|us)\b)(?:[\w'’-]+\s+){0,4}[\w'’-]+:\s*(?=\w)", re.IGNORECASE)
# "How must the Conference of the Parties adopt its financial rules …?": how the COP is to act, budget or not
_COP_ACTS = re.compile(r"^\s*how (?:must|shall|should|does|do|is|are|will|would|can) (?:the )?(?:COP|Conference of the Parties)\b",
                       re.IGNORECASE)


def _by_rule(question: str, facts: IndexFacts) -> ScopeVerdict | None:
    """What the question asks for, by rule, in order of how plainly its words say it. A scenario
    ("The Netherlands made a declaration under Article 30(5). What does that mean for it?") is
    judged by the sentence that asks, and a question about what the treaty means or requires is not
    one about a Party's status, a national law or a later decision, whatever it names."""
    full = _without_treaty_terms(question.strip())
    q = asking_sentence(full) or full
    countries = country_pattern().findall(full)
    # "Has the Conference of the Parties agreed thresholds for when tailings count as waste?" asks what the
    # meeting did, whatever meaning words follow
    treaty_meaning = bool(MEANING.search(q)) and not (COP_ASKED.match(q) and COP_DID.search(q))
    # what the question is about is read from all of it; what it asks for, from the sentence that asks
    about_amended = bool(entries_about(full, list(facts.amended)))
    if OFF_TOPIC.search(q):
        return ScopeVerdict("other", prompts.SCOPE_OFF_TOPIC, "")
    # "could the tribunal order interim steps before ruling?" asks the treaty's own dispute machinery
    if (PEOPLE_EVENTS.search(q) or (STATES_LED.search(q) and not about_amended)) and not treaty_meaning \
            and not _TREATY_DISPUTE.search(q) and not _TREATY_BODY_RUN.search(q):
        return ScopeVerdict("other", prompts.SCOPE_PEOPLE_EVENTS, prompts.LOOK_PEOPLE_EVENTS)
    if _PLAIN_FIGURE.match(q) and not DUTY.search(q) and not PARTY_ASKED.search(q):
        # "How many tonnes of mercury did Indonesia import in 2010?": a trade figure, whatever country it names
        return ScopeVerdict("market-data", prompts.SCOPE_MARKET, prompts.LOOK_MARKET)
    if _PAST_EVENT.search(q) and not CONVENTION_WORDS.search(q) and not DUTY.search(q):
        # "What did the Supreme Court rule in Michigan v. EPA …?", "Which battery maker was first to sell …?":
        # what happened, who did it, asked with no word of the treaty
        return ScopeVerdict("other", prompts.SCOPE_PEOPLE_EVENTS, prompts.LOOK_PEOPLE_EVENTS)
    if (name := unknown_name(q, facts)) is not None:
        if JURISDICTION.search(name):  # "What did the EPA's Region 9 decide …?": a national authority
            return ScopeVerdict("national-law", prompts.SCOPE_NATIONAL_LAW, prompts.LOOK_NATIONAL_LAW)
        return ScopeVerdict("other", prompts.SCOPE_UNKNOWN_NAME.format(name=name), prompts.LOOK_PEOPLE_EVENTS,
                            detail={"name": name})
    if (m := _MONEY_FIGURE.match(q)) and not DUTY.search(q) and not PARTY_ASKED.search(q) \
            and not _FIRM_OR_COURT.search(country_pattern().sub("", m[0])):
        return ScopeVerdict("market-data", prompts.SCOPE_MARKET, prompts.LOOK_MARKET)
    # a country is asked about only when the sentence that asks names it ("India's board … Could a Party …?")
    countries_named = [c for c in countries if re.search(rf"\b{re.escape(c)}\b", q, re.IGNORECASE)]
    countries_asked = countries_named
    if not countries_asked and re.search(r"\b(?:has|have|did|does|is) (?:it|they)\b|\b(?:its|their) instrument\b", q,
                                         re.IGNORECASE):
        countries_asked = countries  # "Sri Lanka signed early on. Has it since ratified …?"
    # "until what date could governments still sign it?" asks the treaty's own window, not today's status
    q_status = re.sub(r"\b((?:can|could|may|might|would|will)(?: not)?) (?:\w+ )?still\b", r"\1", q, flags=re.IGNORECASE)
    counted = HOW_MANY_PARTIES.search(q_status) and PARTY_CONTEXT.search(q_status) and not DUTY_OF_PARTIES.search(q) \
        and (STATUS.search(q_status) or re.search(r"\b(?:how many|number of)\b", q_status, re.IGNORECASE))
    if _asks_rule_for_given_deposit(full):
        # "Colombia deposited its instrument on 26 August 2019. From which day did the Convention bind it?":
        # the date of deposit is given; Article 31(2)'s rule on the ninetieth day after it answers
        return None
    if countries_asked and _ENTERED_FOR.search(q_status) and not HYPOTHETICAL.search(q):
        # "When did the Convention enter into force for the Philippines?": that State's own date
        return ScopeVerdict("parties-status", prompts.SCOPE_PARTIES, prompts.LOOK_PARTIES,
                            detail={"countries": countries})
    if ((countries_asked and STATUS.search(q_status)) or counted or ANY_PARTY_DID.search(q_status)) \
            and not (TREATY_MECHANICS.search(q_status) and not NOW.search(q_status)) \
            and not HYPOTHETICAL.search(q) and not treaty_meaning:
        return ScopeVerdict("parties-status", prompts.SCOPE_PARTIES, prompts.LOOK_PARTIES,
                            detail={"countries": countries})
    meetings = meeting_numbers(re.sub(r"\b(?:by|at|before) its (?:first|second|third) meeting\b", "", q, flags=re.I))
    # "COP-6 adopted twenty resolutions. What did it decide on customs codes?": the meeting is named before
    decided = re.search(r"\b(?:did|has|have|will|would) (?:it|they|(?:that|this|the) (?:meeting|session|conference)) "
                        r"(?:decide|adopt|agree|conclude|resolve|approve)\b",
                        q, re.IGNORECASE)
    if not meetings and decided:
        meetings = meeting_numbers(full)
    missing = [n for n in meetings if n not in facts.meetings]
    held = [n for n in meetings if n in facts.meetings]
    # "Besides the amalgam deadline, what did COP-6 decide on customs codes?": what is set aside is not asked
    beside = re.sub(r"\b(?:besides|apart from|aside from|other than)\b[^,.?]*[,.]", " ", full, flags=re.IGNORECASE)
    about_annexes = bool(ANNEX_AMENDMENT.search(beside)) or (about_amended and beside == full)
    if missing or (LATEST_MEETING.search(q) and not (held and (about_annexes or COP1_MESSAGES.search(q)))):
        return ScopeVerdict("later-decision", prompts.SCOPE_LATER_DECISION.format(
            meetings=_meeting_holdings(facts)), prompts.LOOK_LATER_DECISION, detail={"meetings": missing})
    unheld = [m[0] for m in DECISION_NAMED.finditer(q)
              if f"Decision MC-{int(m[1])}/{int(m[2])}" not in facts.decisions]
    if unheld or ((COP_DID.search(q) or (decided and meetings)) and (not about_annexes or _NOT_A_LISTING.search(q))
                  and not treaty_meaning
                  and not (1 in held and COP1_MESSAGES.search(q) and not _FORMAL_OUTCOME.search(q))):
        # a held meeting named ("What did COP-5 decide about the budget?"): say what of it is held
        # (of a meeting that amended no annex, COP-1, only what is held is said: never "the amendments
        # that COP-1 made")
        statement = prompts.SCOPE_HELD_MEETING.format(meetings=_meeting_list(frozenset(held))) \
            if held and not unheld and set(held) <= _amending(facts) \
            else prompts.SCOPE_LATER_DECISION.format(meetings=_meeting_holdings(facts))
        return ScopeVerdict("later-decision", statement, prompts.LOOK_LATER_DECISION,
                            detail={"meetings": missing, "decisions": unheld})
    if held and not about_annexes and not COP1_MESSAGES.search(q) and 1 not in held:
        # the index holds this meeting's annex amendments, not its other decisions
        return ScopeVerdict("later-decision", prompts.SCOPE_HELD_MEETING.format(
            meetings=_meeting_list(frozenset(held))), prompts.LOOK_LATER_DECISION, detail={"meetings": held})
    if ASKS_TREATY.search(q) and not countries_asked and not (JURISDICTION.search(q) and LAW.search(q)) \
            and not (OTHER_TREATY.search(q) and not ABOUT_THIS_TREATY.search(q)):
        # "does the treaty expect each Party to fund this from its national budget?" asks the treaty,
        # whatever money, science or household words it uses
        return None
    # "Must every Party follow the dates, or can it choose, and what does that choice cost it?": a Party's
    # treaty cost, not a price
    if (MARKET.search(q) and not PARTY_ASKED.search(q) and not _COP_ACTS.match(q)) or (
            MARKET_WEAK.search(q) and not CONVENTION_WORDS.search(q) and not about_amended):
        return ScopeVerdict("market-data", prompts.SCOPE_MARKET, prompts.LOOK_MARKET)
    if (own_law := OWN_LAW_NAMED.search(q)) and (countries_asked or DEMONYM.search(q) or JURISDICTION.search(q)) \
            and not CONVENTION_WORDS.search(own_law[0]):
        # "… count as mercury-containing under that Danish ordinance?": that law's terms, not the treaty's
        return ScopeVerdict("national-law", prompts.SCOPE_NATIONAL_LAW, prompts.LOOK_NATIONAL_LAW,
                            detail={"countries": countries})
    if (countries_asked or JURISDICTION.search(q)) and not treaty_meaning and not HYPOTHETICAL.search(q) and re.search(
            rf"\b(?:{'|'.join([*map(re.escape, countries_asked), _SUBNATIONAL, 'EU', 'US'])})\b(?:'s government)?\s+"
            r"(?:still\s+|now\s+|already\s+)?(?:allows?|permits?|bans?|prohibits?|restricts?|requires?|lets?)\b", q):
        # "Until what year does Switzerland still allow exports?": what that country's own law allows
        return ScopeVerdict("national-law", prompts.SCOPE_NATIONAL_LAW, prompts.LOOK_NATIONAL_LAW,
                            detail={"countries": countries})
    if (JURISDICTION.search(q) or countries_asked or DEMONYM.search(q)) and LAW.search(q) and not treaty_meaning \
            and not PARTY_ASKED.search(q) and not TREATY_MACHINERY.search(q) and not re.search(
            r"\b(?:convention|treaty|article|annex)\b.{0,30}\b(?:say|require|allow|force|oblige|make|compel|single|name|"
            r"list|identif\w*|consider|define|call|treat|mean|cover|expect|ask)|"
            r"\bbound by (?:the |this )?(?:\w+ )?(?:convention|treaty)\b|\bthan the (?:convention|treaty)\b|"
            r"\b(?:choose|pick|select|apply|use|take) (?:from |up )?under (?:the|this) (?:convention|treaty)\b", q,
            re.IGNORECASE):
        return ScopeVerdict("national-law", prompts.SCOPE_NATIONAL_LAW, prompts.LOOK_NATIONAL_LAW,
                            detail={"countries": countries})
    if OTHER_TREATY.search(q) and not ABOUT_THIS_TREATY.search(q) and not _ASKS_THIS_TEXT.search(q):
        return ScopeVerdict("other", prompts.SCOPE_OTHER_TREATY, prompts.LOOK_OTHER_TREATY)
    if ASKS_TREATY.search(q):
        return None  # "my dentist used amalgam: does the convention say this must stop?" asks the treaty
    # why nature works as it does, asked by no one about themselves ("Why do predatory fish hold more?")
    if (WHY_NATURE.search(q) or WHY_NO_RULE.search(q)) and not PERSONAL.search(full):
        return ScopeVerdict("science", prompts.SCOPE_SCIENCE, prompts.LOOK_SCIENCE)
    # "My kid broke a thermometer on the tiles. What should I do with the beads?": the advice asked for is
    # about the household item the sentence before names
    # (unless the person asks about their own health: "… now have a headache. Should I get a blood test?")
    own_health = any(m[0].lower() != "should i" for m in HEALTH.finditer(q)) or _OWN_CONDITION.search(full)
    # ("Button cells at home: are zinc-air cells still exempt …?": a label is the topic, not the advice asked)
    household = (HOUSEHOLD.search(_TOPIC_LABEL.sub("", q)) or (ASKS_ADVICE.search(q) and HOUSEHOLD.search(full) and not own_health)) \
        and not _MADE_AT_HOME.search(q) and not _PLAN_MUST_COVER.search(q)
    # "How fast does spilled mercury from a fever thermometer evaporate?": how mercury behaves, no advice asked
    if household and SCIENCE_STRONG.search(q) and not ASKS_ADVICE.search(q) and not PERSONAL.search(q) \
            and not DUTY.search(q) and not treaty_meaning:
        return ScopeVerdict("science", prompts.SCOPE_SCIENCE, prompts.LOOK_SCIENCE)
    if household and not HEALTH_STRONG.search(q) \
            and not (INSTITUTION.search(q) and not PERSONAL.search(q)):
        return ScopeVerdict("household", prompts.SCOPE_HOUSEHOLD, prompts.LOOK_HOUSEHOLD)
    if HEALTH.search(q) and MECHANISM.search(q) and not PERSONAL.search(full) and not ASKS_ADVICE.search(q):
        return ScopeVerdict("science", prompts.SCOPE_SCIENCE, prompts.LOOK_SCIENCE)
    if HEALTH.search(q) or (HOUSEHOLD.search(q) and HEALTH_STRONG.search(q)):  # a broken lamp harming someone
        return ScopeVerdict("health-advice", prompts.SCOPE_HEALTH, prompts.LOOK_HEALTH)
    if WHY_NATURE.search(q) or WHY_NO_RULE.search(q) or (HOW_IT_WORKS.search(q) and not DUTY.search(q)):
        return ScopeVerdict("science", prompts.SCOPE_SCIENCE, prompts.LOOK_SCIENCE)
    party_acts = bool(_HOW_PARTY_ACTS.match(q))
    if ((QUANTITY.search(q) and not TYPICAL.search(q)) or STATISTICS.search(q)) and not party_acts:
        return ScopeVerdict("market-data", prompts.SCOPE_MARKET, prompts.LOOK_MARKET)  # tonnes, shares, counts
    if party_acts and not countries_asked:
        return None  # how a Party is to act is the treaty's to say, whatever it is to measure or handle
    if QUANTITY.search(q) or (SCIENCE_STRONG.search(q) and not DUTY.search(q) and not treaty_meaning) or ((SCIENCE.search(q) or HOW_MUCH_MERCURY.search(q))
                                                           and not CONVENTION_WORDS.search(q) and not about_amended
                                                           and not DUTY.search(q) and not treaty_meaning):
        return ScopeVerdict("science", prompts.SCOPE_SCIENCE, prompts.LOOK_SCIENCE)
    if (countries or DEMONYM.search(q)) and not CONVENTION_WORDS.search(full) and not about_amended \
            and not TREATY_MECHANICS.search(q) and not HYPOTHETICAL.search(q) \
            and not (_ASKS_A_LIST.search(q) and not countries_named):
        # a named country's own rules or situation, with no word of the treaty: its law, not the Convention
        return ScopeVerdict("national-law", prompts.SCOPE_NATIONAL_LAW, prompts.LOOK_NATIONAL_LAW,
                            detail={"countries": countries})
    return None


# "A zinc producer in Hunan … . When the emissions list names smelting …, which metals does it mean?":
# what a list or a text names is the treaty's, whatever country the context sentence names
_ASKS_A_LIST = re.compile(r"\bthe (?:\w+ ){0,2}(?:list|text|wording|definition)\b", re.IGNORECASE)


def unknown_name(asking: str, facts: IndexFacts) -> str | None:
    """The name a question asks about ("What is CLEAPSS?", "Who is …?", "What did the Supreme Court
    decide?") when no text in the index uses any word of it; countries and their adjectives aside
    (their questions have rules of their own). None when the index's words were not read."""
    if not facts.vocabulary or (m := NAMED_SUBJECT.search(asking)) is None:
        return None
    name = (m["what"] or m["who"]).strip()
    if _unknown_word(name, facts, r"\b[A-Z][\w'’-]*") is not None:
        return re.sub(r"['’]s$", "", name)
    return None


def _unknown_word(name: str, facts: IndexFacts, capitalised: str) -> str | None:
    """The first capitalised word of `name` (a trailing 's dropped) that no indexed text uses and that
    is no country or country adjective, or None."""
    for word in re.findall(capitalised, name):
        word = re.sub(r"['’]s$", "", word)
        tokens = keyword_tokens(word)
        if tokens and not country_pattern().search(word) and not DEMONYM.search(word) \
                and not any(t in facts.vocabulary for t in tokens):
            return word
    return None


def unknown_actor(question: str, facts: IndexFacts) -> str | None:
    """A name in the sentence that asks, no word of which any indexed text uses (countries and their
    adjectives aside), in a sentence with no word that puts the question to the treaty: "When does
    Panasonic plan to stop producing fluorescent lamps?" asks what a firm does, which no text here
    records. None when the index's words were not read."""
    asking = asking_sentence(question) or question
    if not facts.vocabulary or TREATY_MARK.search(asking):
        return None
    for m in NAME_IN_SENTENCE.finditer(asking):
        if (word := _unknown_word(m.group(0), facts, r"\b[A-Z][\w'’&-]*")) is not None:
            return word
    return None


def _meeting_holdings(facts: IndexFacts) -> str:
    """What the index holds of each meeting, read from it: "the annex amendments of COP-4, COP-5 and
    COP-6, and texts of COP-1, not their other decisions" (a bare list of meetings read as if all
    their decisions were held, beside a refusal that says they are not)."""
    if not facts.meetings:
        return _meeting_list(facts.meetings)
    amending = _amending(facts)
    others = facts.meetings - amending
    parts = ([f"the annex amendments of {_meeting_list(amending)}"] if amending else []) + \
        ([f"texts of {_meeting_list(others)}"] if others else [])
    return " and ".join(parts) + ", not their other decisions"


def _amending(facts: IndexFacts) -> frozenset[int]:
    """The meetings whose amendments to Annexes A and B the index holds."""
    return frozenset(r.meeting for e in facts.amended for x in e.refs
                     if (r := Ref.try_parse(x)) is not None and r.is_decision) & facts.meetings


def _meeting_list(meetings: frozenset[int]) -> str:
    if not meetings:
        return "no meeting of the Conference of the Parties"
    names = [f"COP-{n}" for n in sorted(meetings)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
