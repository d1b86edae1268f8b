"""Question analysis: what kind of reply a question wants and what it is about. Pure and
deterministic; the answer plan and the scope check read it, nothing else computes it.

Kinds (the reply the first sentence must give):
    yes-no     "Can our hospital still buy mercury thermometers?"      -> Yes / No / Only ...
    when       "By when must chlor-alkali plants stop using mercury?"   -> a date or deadline
    how-long   "How long does an exemption last?"                       -> a period
    how-many   "How many ratifications were needed?"                    -> a number
    who        "Who is the depositary?"                                 -> an actor
    what-is    "What is a mercury-added product?"                       -> a definition
    must-do    "What must a country do about contaminated sites?"       -> a checklist of duties
    which      "Which products are banned?"                             -> a list
    why        "Why was the Convention needed?"                         -> a purpose
    how        "How are disputes settled?"                              -> a procedure
    provision  "What does Article 4 say?"                               -> the provision's core
    other      anything else
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.refs import find_mentions

KINDS = ("yes-no", "when", "how-long", "how-many", "who", "what-is", "must-do", "which", "why", "how",
         "provision", "other")

_PROVISION = re.compile(
    r"^\s*(?:(?:can|could) you (?:tell me|explain|show me)\s+|please tell me\s+|tell me\s+)?(?:what|which)\s+"
    r"(?:does|do|is in|is|the)?\s*(?:the\s+)?(?:article|art\.?|annex|paragraph|preamble)\b[^?]{0,30}?"
    r"\b(?:say|says|provide|cover|contain|state|set out|about|mean|require)\b"
    r"(?:\s+(?:the\s+)?(?:treaty|convention|it)\s+(?:is\s+)?(?:meant|intended|designed|supposed|aims?)\s+to\s+\w+)?"
    r"\s*\??\s*$"
    r"|^\s*(?:explain|summari[sz]e|tell me about|what is in|what's in)\s+(?:the\s+)?(?:article|annex|preamble)\b",
    re.IGNORECASE)
_MUST_DO = re.compile(
    r"\b(?:what|which)\b.{0,60}\b(?:must|shall|have to|has to|need to|needs to|required?|obliged|obligations?|"
    r"duty|duties|steps)\b|\bwhat do(?:es)?\b.{0,60}\brequire\b|\bchecklist\b|\bwhat (?:do|should|must) (?:we|i)\b"
    r"|\bwhat (?:does|do) .{0,60}\bhave to do\b"
    # "What is a government expected to do if …?": the duties are asked for, in other words
    r"|\bwhat (?:is|are) .{0,60}\b(?:expected|supposed) to do\b"
    # "What does Article 16 encourage Parties to do?": what a provision asks of them, hard or soft
    r"|\bwhat (?:does|do) .{0,60}\b(?:encourage|expect|ask|urge|call on|oblige|want)s? .{0,40}\bto do\b", re.IGNORECASE)
# "What has to go into a national report?", "What must the plan contain?": the contents, a list
_CONTENTS = re.compile(r"^\s*(?:and\s+)?what (?:must|has to|have to|should|needs? to|shall) (?:go|be (?:included|put|set out|"
                       r"stated|listed|covered)) (?:in|into)\b|^\s*(?:and\s+)?what (?:must|should|shall|does|do) .{0,50}\b"
                       r"(?:contain|include)\b", re.IGNORECASE)
# ("Can you list the products …?" is a request for the list, not a yes/no question)
_YES_NO = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?!(?:can|could|would|will) (?:you|someone) (?:please )?(?:list|name|tell|give|explain|"
    r"describe|summari[sz]e|show|outline|set out|spell out|walk)\b)(?:can|could|may|must|shall|should|do|does|did|is|are|"
    r"was|were|will|would|has|have|had|am)\b", re.IGNORECASE)
# "when" asks for a date at the start of the question; inside it, it is mostly a conjunction
# ("what must be done with the mercury when plants close?")
_WHEN = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?(?:when|by when|until when|since when|from when)\b"
                   r"|\b(?:by when|what year|which year|deadline|by what date|by which date|what date|"
                   r"how soon|how early|until when|since when|phase[- ]?out date|in what year|(?:from|on|by) (?:what|which) day)\b",
                   re.IGNORECASE)
_HOW_LONG = re.compile(r"\bhow long\b|\bfor how many (?:years|months|days)\b|\bwhat period\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow (?:many|much|large|big)\b|\bwhat (?:\w+\s+){0,2}(?:number|percentage|share|amount|"
                       r"threshold|limit|concentration|majority|proportion|quorum|target)\b", re.IGNORECASE)
_WHO = re.compile(r"^\s*(?:and\s+)?(?:who|whom|whose|which (?:body|organi[sz]ation|country|countries|party|"
                  r"parties|institution))\b", re.IGNORECASE)
_WHAT_IS = re.compile(r"^\s*(?:what|who)(?:'s| is| are)\s+(?:a |an |the )?(?!difference)[\"'“]?[\w -]{2,60}?[\"'”]?"
                      r"(?:\s+(?:mean|under the convention|in the convention|in the treaty))?\s*\?*\s*$"
                      r"|\bwhat does\b.{1,60}\bmean\b|\bdefin(?:e|ition)\b|\bwhat counts as\b|\bmeaning of\b",
                      re.IGNORECASE)
_WHICH = re.compile(r"^\s*(?:and\s+)?(?:which|what)\s+(?:\w+\s+){0,3}(?:products?|processes|items|sources|lamps|"
                    r"batteries|measures|categories|elements|types|kinds|things|industries|sectors|exemptions|"
                    r"exclusions|countries)\b|\blist (?:of|the|all)\b|\bwhat (?:is|are) (?:on|in) the list\b",
                    re.IGNORECASE)
# "Which funding mechanism does the treaty set up?": a pick among what the treaty itself sets up or names
_WHICH_ANY = re.compile(r"^\s*(?:and\s+)?which\s+(?:[\w-]+\s+){1,3}(?:does|do|did|is|are|has|have)\s+(?:the\s+)?"
                        r"(?:treaty|convention|article|annex|text)\b", re.IGNORECASE)
_WHY = re.compile(r"^\s*(?:and\s+)?why\b|\bwhat is the (?:purpose|objective|aim|goal)\b|\bwhat for\b",
                  re.IGNORECASE)
# "How does a country go about registering an exemption from a phase-out date …?" asks a procedure: a date
# named as its subject is not the date asked for
# ("How does the treaty define …?" asks what something is)
_HOW_PROCEDURE = re.compile(r"^\s*(?:and\s+)?how (?:does|do|can|could|should|would|must|may|is|are) "
                            r"(?!.*\b(?:define[sd]?|defin\w+|describe[sd]?|mean|means|classif\w+)\b)", re.IGNORECASE)
_WHEN_ASKED = re.compile(r"\b(?:by when|until when|since when|from when|what year|which year|by what date|by which date|"
                         r"what date|how soon|how early|in what year|what deadline|which deadline)\b", re.IGNORECASE)
_HOW = re.compile(r"^\s*(?:and\s+)?how\b(?!\s+(?:many|much|long|soon))|\bwhat (?:is the )?(?:procedure|process)\b",
                  re.IGNORECASE)

# What a question may be about besides named provisions: a few families people ask by.
FOCUS_TERMS = {
    "product": ("thermometer", "lamp", "bulb", "tube", "battery", "batteries", "cosmetic", "cream", "soap",
                "switch", "relay", "amalgam", "filling", "barometer", "manometer", "sphygmomanometer",
                "pesticide", "biocide", "antiseptic", "vaccine", "thimerosal", "thiomersal", "product"),
    "process": ("chlor-alkali", "chlor alkali", "acetaldehyde", "vinyl chloride", "vcm", "polyurethane",
                "methylate", "ethylate", "catalyst", "manufacturing process"),
    "sector": ("mining", "miner", "gold", "asgm", "coal", "power plant", "power station", "boiler", "cement",
               "smelting", "incineration", "waste", "storage", "contaminated", "hospital", "dentist", "dental"),
    "actor": ("conference of the parties", "secretariat", "depositary", "committee", "party", "parties",
              "global environment facility", "gef"),
}

_RAW_ARTICLE = re.compile(r"\barticles?\s+(\d{1,3})(\s*\(\s*\d{1,2}\s*\))?", re.IGNORECASE)
_RAW_ANNEX = re.compile(r"\bannex\s+([a-z])\b", re.IGNORECASE)


def _within(ref: str | None, provisions: tuple[str, ...]) -> bool:
    """The provision written as `ref` is one of `provisions` or a part of one ("Article 8(5)(b)" of
    "Article 8(5)")."""
    return bool(ref) and any(ref == p or ref.startswith(p + "(") for p in provisions)


@dataclass(frozen=True)
class QuestionAnalysis:
    kind: str
    refs: tuple[str, ...] = ()  # canonical provisions named in the question
    named: tuple[str, ...] = ()  # every provision the person wrote, even ones that cannot exist
    focus: dict[str, tuple[str, ...]] = field(default_factory=dict)  # family -> terms found
    # a yes/no question on whether something counts as a defined term ("Would a big industrial mine count
    # as artisanal and small-scale gold mining?"): the definition replies to it
    classifies: bool = False
    # Article 8 treats new and existing sources apart: "new" or "existing" when the question says which
    source_age: str | None = None
    # an annex is amended by Article 27's rules (one year, then binding unless refused), not by Article
    # 26's ratification by three-fourths: "annex" when the question asks how an annex change is made or binds
    amendment_of: str | None = None
    # Article 10 is about interim storage of mercury that is not waste; Article 11 about waste: True when
    # the question asks about waste and not about storage
    waste_not_storage: bool = False

    def wrong_source_age(self, ref: str | None) -> bool:
        """The provision is Article 8's rule for the other age of source than the one asked about
        (8(5)'s menu and 8(6)'s choice for existing plants beside a question on a brand-new one, 8(4)
        beside an old one)."""
        if self.source_age is None:
            return False
        return _within(ref, ("Article 8(5)", "Article 8(6)") if self.source_age == "new" else ("Article 8(4)",))

    def wrong_amendment_kind(self, ref: str | None) -> bool:
        """The provision is Article 26's entry into force of an amendment to the Convention (26(4), 26(5)),
        beside a question on an annex amendment, which binds by Article 27's rules (27(3)(a) borrows only
        26(1)-(3), on proposing and adopting)."""
        return self.amendment_of == "annex" and _within(ref, ("Article 26(4)", "Article 26(5)"))

    def other_case(self, ref: str | None) -> bool:
        """The provision is the rule for another case than the one asked: the other age of emission source,
        the other kind of amendment, interim storage (Article 10) beside a question on waste."""
        return self.wrong_source_age(ref) or self.wrong_amendment_kind(ref) \
            or (self.waste_not_storage and _within(ref, ("Article 10",)))

    def only_other_case(self, refs) -> bool:
        """Every one of `refs` is the rule for another case than the one asked (`other_case`); a sentence or
        entry on both cases still replies."""
        refs = [str(r) for r in refs]
        return bool(refs) and all(self.other_case(r) for r in refs)

    @property
    def wants_verdict(self) -> bool:
        return self.kind == "yes-no"


# a clause set before the question proper ("When the COP votes, does each Party get one vote?",
# "Under the 2013 text, could a Party still allow …?"): the question starts after it
_LABEL = r"^(?:for (?:a|an|my|our) [\w -]{2,40}|quick question|question|student here|[\w -]{2,30} here):\s*"
_LEADING_CLAUSE = re.compile(
    _LABEL + r"|"
    r"^(?:when|once|if|under|in|after|before|while|as|for|since|where|given|with|apart from|besides|from|"
    r"according to|at|during|on)\b[^?]{0,160}?,\s*(?=(?:is|are|was|were|do|does|did|can|could|may|might|must|"
    r"should|will|would|has|have|shall|how|what|which|who|whom|whose|why|by when|until when)\b)", re.IGNORECASE)


def core_question(question: str) -> str:
    """The asking sentence without a clause set before it: what the question's form is read from."""
    return _LEADING_CLAUSE.sub("", asking_sentence(question))


def without_label(question: str) -> str:
    """"For my law class: who is the Depositary?" -> "who is the Depositary?": a label says who asks,
    not what about (a context sentence, "Our utility plans a coal unit.", does say what about)."""
    return re.sub(_LABEL, "", question.strip(), flags=re.IGNORECASE)


def question_kind(question: str) -> str:
    """The reply a question wants, by the first rule that fits (order matters: "Can we still
    sell thermometers after 2020?" is yes-no, "By when ...?" is when)."""
    q = core_question(question)
    return next((kind for kind, rule in _KIND_RULES if rule(q)), "other")


# first rule that fits wins; `match` anchors at the start of the asking sentence, `search` looks anywhere
_KIND_RULES = (("provision", _PROVISION.search), ("how-long", _HOW_LONG.search), ("yes-no", _YES_NO.match),
               ("how", lambda q: bool(_HOW_PROCEDURE.match(q)) and not _WHEN_ASKED.search(q)),
               ("when", _WHEN.search), ("how-many", _HOW_MANY.search), ("who", _WHO.match),
               ("which", _CONTENTS.search), ("must-do", _MUST_DO.search), ("why", _WHY.search), ("which", _WHICH.search),
               ("what-is", _WHAT_IS.search), ("how", _HOW.search), ("which", _WHICH_ANY.match))


def asking_sentences(question: str) -> list[str]:
    """"Why does a treaty bother with thermometers? What objective does it set?": every sentence that
    asks, in order (the last, when none ends in a question mark)."""
    parts = _sentences(question)
    return [p for p in parts if p.endswith("?")] or parts[-1:]


def _sentences(question: str) -> list[str]:
    # (no break after an abbreviation: "What does art. 21 require?", "para. 3", "e.g. lamps", "Michigan v. EPA")
    return [p.strip() for p in re.split(r"(?<![Aa]rt\.)(?<![Pp]ara\.)(?<!e\.g\.)(?<!i\.e\.)(?<!No\.)(?<! v\.)(?<! vs\.)"
                                        r"(?<!St\.)(?<!Dr\.)(?<!Mr\.)(?<!Ms\.)(?<=[.!?])\s+",
                                        question.strip()) if p.strip()]


def asking_sentence(question: str) -> str:
    """"We are a dental clinic. Do we have to stop using amalgam?": the (last) sentence that asks."""
    asking = asking_sentences(question)
    return asking[-1] if asking else ""


# two questions in one ("Can an NGO attend, and can the Parties keep it out?", "Was it the Bali
# meeting or the 2023 one?"): a bare yes or no answers neither
_COMPOUND = re.compile(r",? and (?:can|could|may|is|are|does|do|did|how|when|what|which|who|whether|must|if|since|"
                       r"from|for how)\b|,? or (?:is|are|does|do|did|can|could|must|will|was|were|has|had|by|at|"
                       r"rather|instead|only|just|merely)\b", re.IGNORECASE)


def asks_two_things(question: str) -> bool:
    return bool(_COMPOUND.search(asking_sentence(question)))


# "what must Parties do about bulk mercury and about amalgam for under-15s?": two things asked about
_TWO_OBJECTS = re.compile(r"\b(about|with|for|on)\b[^?]{3,80}?,?\s+and (?:also )?\1\b", re.IGNORECASE)


def asks_about_two(question: str) -> bool:
    """The asking sentence asks two things, or asks one thing about two subjects."""
    return asks_two_things(question) or bool(_TWO_OBJECTS.search(asking_sentence(question)))


# where an asking sentence turns to its next question: ", and how quickly …", ", whom must it notify"
# (a wh-word after a preposition opens a part too: "…, and since when has it been binding?", "and by when …")
_PART_BREAK = re.compile(r",?\s+and\s+(?=(?:(?:by|until|since|from|for|within|in|under|to) (?=(?:when|what|which|whom|how)\b))?"
                         r"(?:how|when|what|which|who|whom|whose|where|why|whether|is|are|can|could|"
                         r"does|do|did|must|may|will|would|has|have)\b)|,\s+(?=(?:how|when|what|which|who|whom|whose|"
                         r"where|why|whether)\b)", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The questions an asking sentence puts ("How many members sit on a tribunal, and how quickly
    must it decide?" -> two); one part when it puts one. Parts of fewer than three words stay with
    the part before them ("what and why")."""
    parts: list[str] = []
    clause = ""  # a clause set before the first question ("Once a country deposits its instrument, how …?")
    for piece in (p for sentence in asking_sentences(question) for p in _PART_BREAK.split(sentence)):
        piece = piece.strip(" ,?")
        if not piece:
            continue
        if not parts and not clause and not _ASKS.match(piece):
            # "Once a tribunal decides, can the loser appeal it": the clause, then the first question
            # (a question opened by a preposition too: "If a Party wanted out, from when could it withdraw")
            opening = any(_ASKS.match(piece[m.end():]) for m in re.finditer(r",\s+", piece))
            if opening:
                parts.append(piece)
            else:
                clause = piece
        elif not parts:
            parts.append(f"{clause}, {piece}" if clause else piece)
        elif len(piece.split()) < 3:
            parts[-1] = f"{parts[-1]} and {piece}"
        else:
            parts.append(piece)
    return parts or ([clause] if clause else [])


_ASKS = re.compile(r"^(?:and\s+)?(?:(?:by|until|till|from|since|for|within|in|on|at|to|under|after|before|with|of)\s+"
                   r"(?=(?:when|what|which|whom|whose|how)\b))?"  # "By when must …", "Under which article …"
                   r"(?:how|when|what|which|who|whom|whose|where|why|whether|is|are|can|could|does|do|did|"
                   r"must|may|will|would|has|have|should|shall|was|were)\b", re.IGNORECASE)


# the asking sentence turns to a meeting or its decisions ("What did it decide?", "Which lamps were added
# there?"): a meeting named in the sentence before it is then what is asked about
# ("… require the COP to begin evaluating …" names the body, not the meeting: a bare "COP" or "Conference"
# followed by "of the Parties" or a verb's "to" does not turn back to the meeting)
_TO_MEETING = re.compile(r"\b(?:decid\w*|decision|adopt\w*|agree\w*|amend\w*|meeting|"
                         r"(?:conference|COP)(?!\s+(?:of\s+the\s+parties\b|to\b))|session|added|"
                         r"listed|there|then|chang\w*|deal|set|setting|outcome|end(?:ed)? up|new)\b", re.IGNORECASE)


def asked_mentions(question: str) -> list:
    """The provisions and decisions a question names, except a meeting named only as context before
    the asking sentence ("Our NGO registered for COP-4. What must a body do to be admitted as an
    observer?" asks about Article 23(6), not about what COP-4 decided)."""
    found = find_mentions(question)
    asking = asking_sentence(question)
    if asking.strip() == question.strip() or _TO_MEETING.search(asking):
        return found
    in_asking = {str(r) for r in find_mentions(asking)}
    return [r for r in found if not r.is_decision or str(r) in in_asking]


def named_provisions(question: str) -> tuple[str, ...]:
    """Provisions as the person wrote them, including ones the Convention does not have
    ("Article 99", "Annex F"), so that the answer can say they do not exist."""
    out: list[str] = []
    for m in _RAW_ARTICLE.finditer(question):
        para = re.sub(r"\s", "", m[2] or "")
        out.append(f"Article {int(m[1])}{para}")
    for m in _RAW_ANNEX.finditer(question):
        out.append(f"Annex {m[1].upper()}")
    return tuple(dict.fromkeys(out))


# an article named by its subject, not its number ("the emissions article", "the Convention's article
# on interim storage"): the subject words, read against the articles' titles
_SUBJECT_ARTICLES = (
    re.compile(r"\b(?:the|its|this|that|treaty's|convention's)\s+((?:[a-z][\w'-]*\s+){1,4}?)article\b(?!\s*\d)",
               re.IGNORECASE),
    re.compile(r"\b(?:the|its|this|that|treaty's|convention's)\s+(?:[a-z][\w'-]*\s+){0,2}?article\s+(?:on|about|"
               r"dealing with|covering|concerning|governing)\s+((?:[a-z][\w'-]*,?\s*){1,6})", re.IGNORECASE))
_NOT_SUBJECT = frozenset("the a an its this that same relevant specific first last opening other mercury "
                         "convention convention's treaty treaty's minamata of and to on in for with or from "
                         "by under about".split())
# the words people use for a subject that an article's title says otherwise
_SUBJECT_WORDS = {"funding": "financial", "finance": "financial", "money": "financial", "air": "emissions",
                  "emission": "emissions", "water": "releases", "land": "releases", "waste": "wastes",
                  "disputes": "settlement", "dispute": "settlement", "vote": "voting", "votes": "voting"}


def _stem(word: str) -> str:
    return word.lower().strip("'s,")[:5]


def titled_articles(question: str, titles: dict[str, str]) -> tuple[str, ...]:
    """Articles a question names by subject ("the releases article" -> Article 9, given the titles
    {"Article 9": "Releases", ...}): the article whose title holds the most of the subject's words,
    when exactly one does; none when the question names an article by its number. Weaker than a
    number: retrieval favours these articles, it does not put them first."""
    if not titles or _RAW_ARTICLE.search(question):
        return ()
    title_stems = {ref: {_stem(w) for w in re.findall(r"[A-Za-z][\w-]*", title)} for ref, title in titles.items()}
    found: list[str] = []
    # (only where the question asks: "An article on the treaty's entry into force said …" is the press)
    asking = " ".join(asking_sentences(question))
    for m in (m for pattern in _SUBJECT_ARTICLES for m in pattern.finditer(asking)):
        words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", m[1])]
        subject = {_stem(_SUBJECT_WORDS.get(w, w)) for w in words if w not in _NOT_SUBJECT}
        subject |= {_stem(part) for w in words if "-" in w for part in w.split("-") if part not in _NOT_SUBJECT}
        # most subject words held, then the title most about them ("waste" is Article 11's "Mercury
        # wastes", not Article 10's "… other than waste mercury")
        scores = {ref: (len(subject & stems), len(subject & stems) / len(stems)) for ref, stems in title_stems.items()}
        best = max(scores.values(), default=(0, 0.0))
        winners = [ref for ref, score in scores.items() if score == best]
        if best[0] and len(winners) == 1:
            found.append(winners[0])
    return tuple(dict.fromkeys(found))


# an annex named as a qualifier of something else ("other Annex D categories", "added to Annex D",
# "the processes in Annex B"): the question is about that something, which the annex only locates
_QUALIFYING_ANNEX = re.compile(r"\b(?:in|to|from|under|into|on|other|within)\s+(?:the\s+)?(?:other\s+)?annex\s+([a-e])\b"
                               r"(?!\s+(?:say|says|list|lists|contain|contains|cover|covers|include|includes)\b)|"
                               # "how many facilities use Annex B processes", "when must the COP review Annex A"
                               r"\bannex\s+([a-e])\s+(?:processes|products|categories|sources|entries|facilities|plants)\b|"
                               r"\breview(?:s|ing)?\s+(?:of\s+)?(?:the\s+)?annex\s+([a-e])\b",  # (a "revised Annex A" is the annex)
                               re.IGNORECASE)


# (what was added to or changed in an annex is about the annex itself; who may propose an
# addition, and what the proposal holds, is not: Article 4(7), 5(9))
_ANNEX_AS_SUBJECT = re.compile(r"\b(?:add\w*|chang\w*|amend\w*|put|mov\w*|remov\w*|delet\w*|new)\W+(?:\w+\W+){0,2}$",
                               re.IGNORECASE)


# (but how a change to an annex is proposed, adopted or comes to bind a Party is Article 27's
# procedure, whichever annex is changed: "How is such a change to Annex A adopted, and when does it bind …?")
_AMENDING_PROCEDURE = re.compile(r"\bpropos\w*|\badopted\b(?!\s+(?:at|in|by)\b)|\badopt(?:s|ing)?\b|\bbind(?:s|ing)?\b|"
                                 r"\bbecome\w*\s+binding|\benters?\s+into\s+force|\btakes?\s+effect|\bobject\w*|"
                                 r"\bnon-acceptance|\bprocedure", re.IGNORECASE)


# (a change that was made, "When did the Bali amendment to Annex A enter into force?", is the annex's own)
_PAST_CHANGE = re.compile(r"\b(?:did|was|were)\b", re.IGNORECASE)


def qualifying_annexes(question: str) -> tuple[str, ...]:
    """Annexes the asking sentence names only to locate what it asks about."""
    asking = asking_sentence(question)
    proposing = _AMENDING_PROCEDURE.search(asking) and not _PAST_CHANGE.search(asking)
    return tuple(dict.fromkeys(f"Annex {next(g for g in m.groups() if g).upper()}" for m in _QUALIFYING_ANNEX.finditer(asking)
                               if proposing or not _ANNEX_AS_SUBJECT.search(asking[:m.start()])))


def analyze(question: str, previous_kind: str | None = None) -> QuestionAnalysis:
    """`previous_kind` is the kind of the conversation's last question: a follow-up that asks for
    nothing new ("what about Annex B?") keeps it; "and by when?" asks for a date."""
    kind = question_kind(question)
    if kind == "other" and previous_kind:
        kind = previous_kind
    low = question.lower()
    focus = {family: tuple(t for t in terms if re.search(r"\b" + re.escape(t), low))
             for family, terms in FOCUS_TERMS.items()}
    return QuestionAnalysis(kind=kind, refs=tuple(str(r) for r in asked_mentions(question)),
                            named=named_provisions(question), focus={k: v for k, v in focus.items() if v},
                            classifies=kind == "yes-no" and bool(_CLASSIFIES.search(core_question(question))),
                            source_age=_source_age(question), amendment_of=_amendment_of(question),
                            waste_not_storage=bool(_WASTE.search(question) and not _STORAGE.search(question)))


_NEW_SOURCE = re.compile(r"\b(?:brand[- ]new|newly built|new(?:ly)? (?:built |planned )?(?:coal|cement|power|plant|station|unit|"
                         r"boiler|kiln|smelter|incinerator|facilit|source|installation)\w*|(?:plans?|planned|planning) "
                         r"(?:to build|a new)|to be built|under construction|greenfield)\b", re.IGNORECASE)
_EXISTING_SOURCE = re.compile(r"\b(?:existing (?:coal|cement|power|plant|station|unit|boiler|kiln|smelter|incinerator|facilit|"
                              r"source|installation)\w*|old (?:\w+[- ])?(?:coal|lignite|power|plant|station|unit|boiler|kiln|"
                              r"smelter|incinerator)\w*|ageing|aging|decades[- ]old|retrofit\w*)\b", re.IGNORECASE)


def _source_age(question: str) -> str | None:
    """"new" or "existing" when the question plainly asks about one age of emission source, else None."""
    new, existing = bool(_NEW_SOURCE.search(question)), bool(_EXISTING_SOURCE.search(question))
    return ("new" if new else "existing") if new != existing else None


# "How does a change to an annex come to bind a Party?", "an amendment to Annex A such as a new phase-out date"
_ANNEX_CHANGE = re.compile(r"\b(?:amend\w*|chang\w*|additional|new)\b[^.?]{0,30}\bannex(?:es)?\b|"
                           r"\bannex(?:es)?\b(?:\s+[A-E]\b)?[^.?]{0,12}\b(?:amend\w*|chang\w*)\b", re.IGNORECASE)
_WASTE = re.compile(r"\bwastes?\b", re.IGNORECASE)
_STORAGE = re.compile(r"\bstor(?:e|ed|es|ing|age)\b|\bstockpil\w*|\bkept\b|\bkeep\w*|\bArticle 10\b", re.IGNORECASE)
_NAMES_ARTICLE_26 = re.compile(r"\barticle\s+26\b", re.IGNORECASE)


def _amendment_of(question: str) -> str | None:
    """"annex" when the asking sentence is about amending an annex and does not name Article 26."""
    asking = asking_sentence(question) or question
    return "annex" if _ANNEX_CHANGE.search(asking) and not _NAMES_ARTICLE_26.search(question) else None


_CLASSIFIES = re.compile(r"\b(?:counts?|count(?:ed)?|qualif(?:y|ies|ied)|classed|classified|regarded|treated) as\b|"
                         r"\b(?:fall|falls|come|comes) (?:under|within) the (?:\w+ )?definition\b|\bdefin(?:e|es|ed|ition)\b",
                         re.IGNORECASE)


# the acts of trade, not the traders ("an exporter of instruments") nor the parties named by their role
# ("the importing country's consent", which an export needs)
_IMPORT = re.compile(r"\bimport(?:s|ed|ing|ation)?\b", re.IGNORECASE)
_EXPORT = re.compile(r"\bexport(?:s|ed|ing|ation)?\b", re.IGNORECASE)
_TRADER_ROLE = re.compile(r"\b(?:importing|exporting)\s+(?:Party|Parties|country|countries|State|States|non-Party|"
                          r"non-Parties|government)\b", re.IGNORECASE)


def _trade_direction(text: str) -> str | None:
    text = _TRADER_ROLE.sub(" ", text)
    imports, exports = bool(_IMPORT.search(text)), bool(_EXPORT.search(text))
    return None if imports == exports else ("import" if imports else "export")


def other_trade_direction(asking: str, phrasings: tuple[str, ...]) -> bool:
    """The question asks about one direction of trade only, and at least half of an entry's phrasings
    ask about the other one (never about the asked one): the export-consent entry does not answer how
    an import from a non-Party is allowed."""
    asked = _trade_direction(asking)
    if asked is None or not phrasings:
        return False
    directions = [_trade_direction(p) for p in phrasings]
    return asked not in directions and 2 * sum(d is not None for d in directions) >= len(directions)
