"""Amended Annex A/B entries, read from the index: the amendments note lists each changed entry as
"**Name:** 2013: … Now: … [refs]" (corpus/amendments/annex-amendments.md). The obligation finder
shows the amended state beside the 2013 deadline, with the decision that set it.

An entry is linked to an obligation row of the Annex it changes by the words of its name
("Batteries", "Cosmetics", "CFL.i, 30 W or less ...").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ingest.models import Chunk
from ingest.refs import Ref, find_mentions
from ingest.structure import cited_refs

from .question import FOCUS_TERMS, asking_sentence, asks_two_things, core_question

_ENTRY = re.compile(r"^(?:[-*]\s*)?\**(?P<name>[^:*\n]{3,80}?):\**\s+2013:\s*(?P<before>.+?)\s+Now:\s*(?P<now>.+)$")
_ALIASES = {"cfl": {"compact", "fluorescent"}, "cfls": {"compact", "fluorescent"}, "lfl": {"linear", "fluorescent"},
            "ccfl": {"cold", "cathode"}, "eefl": {"external", "electrode"}, "tire": {"tyre", "tire"}}
_IGNORED = frozenset("and or of the with less more than w mg up to for in a an by all above i ni linear lamp display".split())


def _without_refs(text: str) -> str:
    """The note's words without its bracketed refs ("after 2025 [Annex A Part I]" -> "after 2025")."""
    return re.sub(r"\s*\[[^\]]+\]", "", text).strip()


@dataclass(frozen=True)
class AmendedEntry:
    name: str
    before: str  # the 2013 entry, in the note's words
    now: str  # the state after the amendments, in the note's words
    refs: tuple[str, ...]  # the annex part and the decision(s) it rests on
    doc_id: str
    doc_title: str
    chunk_id: str

    @property
    def decisions(self) -> list[str]:
        return [r for r in self.refs if (x := Ref.try_parse(r)) is not None and x.is_decision]

    @property
    def annex(self) -> Ref | None:
        return next((x for r in self.refs if (x := Ref.try_parse(r)) is not None and x.kind == 2), None)

    def summary(self) -> str:
        """"after 2025 (Decision MC-5/4; in force ...)": the new state, without its bracketed refs."""
        text = _without_refs(self.now)
        return text if text.startswith(("Annex", "Article", "Decision", "COP")) else text[:1].lower() + text[1:]

    @property
    def phase_out_year(self) -> str | None:
        """The amended state's own phase-out year: its first "after YEAR" before the bracketed
        decision note ("listed, after 2025 (Decision MC-4/3; …)" -> "2025"); None for a measure."""
        m = _PHASE_OUT.match(self.summary())
        return m[1] if m else None

    def to_json(self) -> dict:
        return {"entry": self.name, "before": _without_refs(self.before),
                "now": self.summary(), "decisions": self.decisions, "source": self.doc_title, "doc_id": self.doc_id}


def amended_entries(chunks: Iterable[Chunk]) -> list[AmendedEntry]:
    out = []
    for c in chunks:
        if c.doc_type not in ("guidance", "cop-decision") or "2013:" not in c.text:
            continue
        for line in c.text.split("\n"):
            m = _ENTRY.match(line.strip())
            if m is None:
                continue
            refs = tuple(dict.fromkeys(str(r) for r in cited_refs(line)))
            if any(e.name == m["name"].strip() and e.doc_id == c.doc_id for e in out):
                continue  # the same line in an overlapping window of a long section
            out.append(AmendedEntry(m["name"].strip(), m["before"].strip(), m["now"].strip(), refs, c.doc_id,
                                    c.doc_title, c.id))
    return out


def _words(text: str) -> set[str]:
    words = set()
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _IGNORED:
            continue
        words |= _ALIASES.get(w, {w.rstrip("s")})
    return words


def amendments_for(ref: str, action: str, entries: list[AmendedEntry]) -> list[AmendedEntry]:
    """The amended entries an Annex A/B obligation row is about: same annex, and every word of the
    entry's name (aliases expanded) in the row's action."""
    row_ref = Ref.try_parse(ref)
    if row_ref is None or row_ref.kind != 2 or row_ref.annex not in ("A", "B"):
        return []
    words = _words(action)
    out = []
    for e in entries:
        annex = e.annex
        if annex is None or annex.annex != row_ref.annex:
            continue
        name = _words(e.name)
        if not name:
            continue
        if name <= words:
            out.append(e)
    return out


# ---- the amended entries a question is about -------------------------------------------------
# Words people use for an entry's name words ("skin-lightening cream" is a cosmetic).
_QUESTION_ALIASES = {"cfl": ("compact", "fluorescent"), "ccfl": ("cold", "cathode"), "eefl": ("external", "electrode"),
                     "lfl": ("linear", "fluorescent"), "tyre": ("tire",), "cream": ("cosmetic",),
                     "soap": ("cosmetic",), "thruster": ("propellant",), "satellit": ("satellite",),
                     "tube": ("linear",), "button": ("battery",),
                     "relay": ("relay", "switch"), "shaped": ("bend",), "photo": ("photographic",),
                     "propulsion": ("propellant",), "space": ("spacecraft",), "backlight": ("display",),
                     "plethysmography": ("plethysmograph",), "filling": ("amalgam",), "pu": ("polyurethane",)}
# phrases people use for an entry, read before the words ("energy-saving bulbs" are CFLs)
_QUESTION_PHRASES = ((r"\benergy[- ]saving (?:light )?(?:bulbs?|lamps?)", "compact fluorescent"),
                     (r"\b(?<!blood )pressure sensors?\b", "pressure transducer"),
                     (r"\b(?:built[- ]in|integrated|self[- ]ballasted)(?: ballasts?)?\b", "integrated"),
                     (r"\b(?:separate|external|non[- ]?integrated) ballasts?\b", "nonintegrated"),
                     # a straight tube is a linear lamp; "straight to the Committee" is not
                     (r"\bstraight(?=[- ](?:tubes?|fluorescent|lamps?|linear)\b)", "linear"),
                     (r"\bmercury[- ]cathode\b", "chloralkali"),  # the chlor-alkali cell, not a cold-cathode lamp
                     (r"\bfill(?:ing|s|ed)? (?:in|out|up)\b", "completing"),  # a form filled in, not a tooth
                     # a medicine, not a cosmetic: "antiseptic creams" are Annex A's topical antiseptics
                     (r"\b(?:antiseptic|disinfectant|wound) (?:creams?|ointments?|soaps?)\b", "antiseptic"),
                     # an alkali-metal or zinc amalgam is a process chemical, not a filling
                     (r"\b(?:sodium|potassium|lithium|zinc|alkali[- ]metal) amalgams?\b", "metalamalgam"))
_GOLD_MINING = re.compile(r"\b(?:gold|mining|miners?|asgm|retorts?|ore|whole-ore)\b")
_MIXTURES = re.compile(r"\b(?:mixtures?|alloys?|customs|tariffs?|headings?)\b")
_DENTAL = re.compile(r"\b(?:dental|dentists?|dentistry|fillings?|teeth|tooth|restorations?)\b")
# a word that names one entry on its own, however many of the entry's other words are missing
# ("CCFL backlights" -> the display-lamp entry, "mercury propulsion" -> the propellant entry)
_STRONG = frozenset("halophosphate triband plethysmograph transducer transmitter balancer photographic propellant "
                    "spacecraft amalgam polyurethane methylate ethylate cathode electrode cosmetic".split())
_NAME_NOISE = frozenset("and or of the with in for a an by to i ni u non mercury lamp lamps w mg less more than up "
                        "used containing catalyst catalysts".split())  # a catalyst alone could be any process's


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("ss", "sh", "ch", "x")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


@lru_cache(maxsize=2048)  # every question reads every entry's name: the same few strings again and again
def _name_words(text: str) -> frozenset[str]:
    out: set[str] = set()
    text = re.sub(r"\bcfl\.i\b", "cfl integrated", re.sub(r"\bcfl\.ni\b", "cfl nonintegrated", text.lower()))
    for phrase, words in _QUESTION_PHRASES:
        text = re.sub(phrase, words, text)
    # "switches to membrane cells" is a change of plan, not the switches-and-relays entry
    text = re.sub(r"\bswitch(?:es|ed|ing)?\s+(?=(?:over\s+)?(?:to|from|away)\b)", "changes ", text)
    if _GOLD_MINING.search(text) and not _DENTAL.search(text):
        text = re.sub(r"\bamalgams?\b", "goldamalgam", text)  # miners burn a gold amalgam, not a filling
    elif _MIXTURES.search(text) and not _DENTAL.search(text):
        text = re.sub(r"\bamalgams?\b", "metalamalgam", text)  # customs headings' amalgams are mixtures
    # "non-linear" is one word: a question about linear tubes is not about U-bend ones
    for w in re.findall(r"[a-z]+", re.sub(r"\bnon[- ]?(?=[a-z])", "non", text)):
        if w in _NAME_NOISE:
            continue
        w = _stem(w)
        out |= set(_QUESTION_ALIASES.get(w, (w,)))
    return frozenset(out)


def entries_about(text: str, entries: list[AmendedEntry], share: float = 0.5,
                  limit: int | None = 3, closest: bool = True) -> list[AmendedEntry]:
    """The amended entries a question names: at least `share` of an entry's name words (aliases
    expanded: "CFLs", "skin-lightening creams", "satellite thrusters") occur in the text, and either
    all of them or one that few names share ("amalgam", "tyre"; "fluorescent" alone names no entry);
    or one word that names one entry on its own ("CCFL backlights", "mercury propulsion").
    Only the closest entries are kept (all that match when not `closest`), at most `limit`."""
    words = _name_words(text)
    names = [(e, _name_words(e.name)) for e in entries]
    used_by = Counter(w for _, name in names for w in name)
    scored = []
    for e, name in names:
        matched = name & words
        if not name or not matched:
            continue
        ratio = len(matched) / len(name)
        strong = any(w in _STRONG and used_by[w] == 1 for w in matched)
        if strong or ratio >= share and (ratio == 1 or len(matched) >= 2
                                         or any(used_by[w] <= 2 and len(w) >= 4 for w in matched)):
            scored.append((ratio, len(matched), e))
    if not scored:
        return []
    best = max(r for r, _, _ in scored) if closest else 0.0
    return [e for r, _, e in sorted(scored, key=lambda s: (-s[0], -s[1])) if r >= best][:limit]


# "Which products have a 2025 date because of the amendments?" / "For which process did COP-5 find …?"
_WHICH_AMENDED = re.compile(r"\b(?:which|what)\b(?:\s+\w+){0,3}?\s+(?:products?|process(?:es)?|entr(?:y|ies)|items?|"
                            r"lamps?|devices?)\b|\bwhat did\b.{0,80}\b(?:change|add|amend|list)\w*\b(?=.{0,40}\bannex)",
                            re.IGNORECASE)
_LATER = re.compile(r"\b(?:amend\w*|later|added|COP-?\s?\d|decision|MC-\d|meetings?|conference|now|current\w*|today)\b",
                    re.IGNORECASE)
_CONTENT_NOISE = frozenset("which what when that this with from have has had been were was are is the and for of "
                           "to in on by a an or at as it its their they mercury annex part cop decision meeting "
                           "parties party products product processes process listed after date year years phase "
                           "out did does do conclude concluded now amended amendments amendment later".split())


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _CONTENT_NOISE}


_ADDED_ASKED = re.compile(r"\b(?:add(?:ed|s)?|newly listed|new products?|put on the list)\b", re.IGNORECASE)


def entries_asked_for(question: str, entries: list[AmendedEntry], meetings: list[int] = ()) -> list[AmendedEntry]:
    """The amended entries a "which …?" question about the amendments asks for without naming them:
    those a meeting it names changed ("Which products got new dates at the 2023 meeting?"), else
    those whose own (confirmed) phase-out year is the year it names ("Which products got 2025?"),
    else the one entry whose states share clearly the most words with it ("For which Annex B process
    did COP-5 find mercury-free processes feasible?" -> the methylate entry). Empty when the question
    names an entry, or when no entry stands out."""
    if not _WHICH_AMENDED.search(question) or not _LATER.search(question) or named_as_asked(question, entries):
        return []
    if meetings:
        changed = [e for e in entries if any((r := Ref.try_parse(d)) is not None and r.meeting in meetings
                                             for d in e.decisions)]
        if _ADDED_ASKED.search(question):
            # "Which products did COP-4 add?": the entries it listed with a date, not amalgam's new measures
            changed = [e for e in changed if e.phase_out_year is not None or "listed" in e.now] or changed
        return changed
    years = set(re.findall(r"\b(20[2-9]\d)\b", question))
    if years:
        return [e for e in entries if e.phase_out_year in years and "inferred" not in e.now]
    words = _content_words(question)
    scored = sorted(((len(words & _content_words(e.before + " " + e.now)), i) for i, e in enumerate(entries)),
                    reverse=True)
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[0][0] <= scored[1][0]):
        return []
    return [entries[scored[0][1]]]


_AFTERWARDS = re.compile(r"\b(?:later|left|put off|postpon\w*|defer\w*|subsequent\w*|since then|other meetings?)\b", re.I)


def of_meetings(entries: list[AmendedEntry], meetings: list[int] | tuple[int, ...],
                question: str = "") -> list[AmendedEntry]:
    """The entries a named meeting changed, when the question names one and some entry is its
    ("Which lamps did MC-4/3 add?" is not asking about the lamps COP-5 added); else all of them,
    and all of them when what came after is asked too ("… and which were left for later?")."""
    if not meetings or (question and _AFTERWARDS.search(question)):
        return list(entries)
    chosen = [e for e in entries if any((r := Ref.try_parse(x)) is not None and r.is_decision
                                        and r.meeting in meetings for x in e.refs)]
    return chosen or list(entries)


# old items collected, recycled or thrown away are waste: the products' phase-out state is not asked
# ("Can a recycler sell the mercury it recovers from used fluorescent tubes?")
_USED_ITEMS = re.compile(r"\b(?:recycl\w*|recover(?:s|ed|ing|y)?|discarded|disposal|dispose|collected|waste|scrap\w*|"
                         r"end[- ]of[- ]life|landfill\w*)\b", re.IGNORECASE)
_ASKS_PRODUCT_STATE = re.compile(r"\b(?:phase[- ]?out|phased|ban\w*|buy|import\w*|export\w*|manufactur\w*|made|"
                                 r"date|deadline|when|until|still|amend\w*|COP|decision|listed|(?<!mercury-)added(?! mercury))\b", re.IGNORECASE)


def amended_asked(question: str, entries: list[AmendedEntry], meetings: list[int]) -> list[AmendedEntry]:
    """The amended entries whose state an answer should give: those the question names, else those a
    "which …?" question about the amendments asks for, kept to the meetings it names; none when it
    asks about used items rather than the products' state."""
    if _USED_ITEMS.search(question) and not _ASKS_PRODUCT_STATE.search(question):
        return []
    return of_meetings(named_as_asked(question, entries) or entries_asked_for(question, entries, meetings),
                       meetings, question)


# an asking sentence about a product's state ("Are they allowed now?", "since what date?")
_ASKS_STATE_HERE = re.compile(r"\b(?:allow\w*|permitted|legal\w*|in force|listing|stop\w*|ends?|ended|year|their|its)\b",
                              re.IGNORECASE)


# the asking sentence refers back to what the sentence before named ("Are they still allowed?")
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|these|those|such)\b", re.IGNORECASE)
# a product or process of the asking sentence's own (not the generic "product")
_OWN_PRODUCT = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in (*FOCUS_TERMS["product"], *FOCUS_TERMS["process"])
                                             if t not in ("product", "manufacturing process")) + r")",
                          re.IGNORECASE)

_INNER_WHEN = re.compile(r"(?<!^)(?<!since )(?<!by )(?<!until )\bwhen\b", re.IGNORECASE)


# what rules a product is under ("What does the treaty require for amalgam?", "Is there a limit on …?")
_ASKS_RULES = re.compile(r"\b(?:chang\w*|compared|differ\w*|say|says|rules?|requir\w*|measures?|restrict\w*|limits?|obligations?|sell\w*|use)\b",
                         re.IGNORECASE)


def _asks_about_state(asking: str) -> bool:
    # ("… consult with when it takes up such issues?": a "when" inside the sentence joins clauses)
    return bool(_ASKS_PRODUCT_STATE.search(_INNER_WHEN.sub("", asking.strip())) or _ASKS_STATE_HERE.search(asking))


# how an amendment is made, accepted or refused ("How far ahead must a proposed amendment be circulated,
# and what vote is needed?", "If a Party cannot accept such an annex amendment, what must it do?")
_AMENDMENT_PROCEDURE = re.compile(r"\b(?:circulat\w*|communicat\w*|vote[sd]?|voting|majority|consensus|propos\w*|"
                                  r"three-fourths|non-acceptance|(?:cannot|not|refuse to) accept|opt(?:s|ed)? out|"
                                  r"object\w*)\b", re.IGNORECASE)

# joining or leaving the treaty, asked with a product as the example ("Could a State ratify with a
# reservation excluding the dental amalgam provisions?" asks Article 32, not amalgam's state)
_JOINING_OR_LEAVING = re.compile(r"\b(?:reservations?|withdraw\w*|denounc\w*)\b", re.IGNORECASE)


def named_as_asked(question: str, entries: list[AmendedEntry]) -> list[AmendedEntry]:
    """The entries the question names, leaving out those named only in a context sentence before an
    asking sentence that asks about something else ("Amalgam fillings vaporise in crematoria. Are
    crematoria listed in Annex D?" asks about Annex D, not about amalgam's phase-out; "Dental staff
    breathe mercury vapour. Must governments run exposure programmes?" about Article 16)."""
    named = entries_about(question, entries)
    asking = asking_sentence(question)
    if named and _JOINING_OR_LEAVING.search(asking or question):
        return []
    if not named or asking.strip() == question.strip():
        return named
    if in_asking := entries_about(asking, entries):
        # ("… Could a country ratify while entering a reservation against the dental amalgam provisions?"
        # names amalgam but asks about reservations; "… Which item in the amalgam list covers that?" about
        # the 2013 list: the entry's present state is asked only in words about it)
        return in_asking if _asks_about_state(asking) or _ASKS_RULES.search(asking) else []
    own = {m.lower() for m in _OWN_PRODUCT.findall(asking)}
    if not own and _AMENDMENT_PROCEDURE.search(asking):
        return []  # the product named before is context: how amendments are made or refused is asked
    other_product = bool(own) and not any(t in e.name.lower() for t in own for e in named)
    if not _POINTS_BACK.search(asking) and (other_product or (not own and any(
            r.kind == 1 for r in find_mentions(asking)))):
        # "A dental site gives 2020 for chlor-alkali. What date does the Convention give chlor-alkali
        # production?" asks about its own process; "Burkina Faso wants whitening creams banned. Does
        # Article 4 itself cover selling?" about an article: the product named before is context
        return []
    about_state = _asks_about_state(asking)
    elsewhere = any(r.kind in (1, 2) and not (r.kind == 2 and r.annex in "AB")
                    and not (r.kind == 1 and r.article in (4, 5, 6, 27, 30)) for r in find_mentions(asking))
    return named if about_state and not elsewhere else []


def _year_of(entry: AmendedEntry) -> str:
    """"2025", "2026, inferred", "measures": the amended state's year in a few words."""
    if entry.phase_out_year:
        return entry.phase_out_year
    state = entry.summary().split("(")[0]
    if m := re.search(r"\b(?:inferred as|about) (20\d\d)\b", state):
        return f"{m[1]}, inferred"
    if m := re.search(r"\bby (20\d\d)\b", state):
        return m[1]
    return "measures, no date"


def entries_list_sentence(entries: list[AmendedEntry], year: str | None) -> str:
    """"As amended, 12 entries have the phase-out year 2025: Mercury vacuum pumps (Decision MC-4/3); …",
    or, for a meeting's changes, "As amended: Batteries (2025; Decision MC-5/4); …"."""
    if year:
        named = "; ".join(f"{e.name} ({', '.join(e.decisions) or 'amendment'})" for e in entries)
        return f"As amended, {len(entries)} entries have the phase-out year {year}: {named}."
    named = "; ".join(f"{e.name} ({_year_of(e)}; {', '.join(e.decisions) or 'amendment'})" for e in entries)
    return f"As amended, {len(entries)} entries changed: {named}."


def amended_sentence(entry: AmendedEntry, original_first: bool = False) -> str:
    """"Mercury vacuum pumps, as amended: listed, after 2025 (Decision MC-4/3; in force since 28
    September 2023). In the 2013 text: not listed." The note's own words, without its bracketed
    refs: the state that applies now first, the superseded one after it, unless the 2013 text is
    what is asked (`original_first`: "Under the original Annex A, …?")."""
    before = _without_refs(entry.before).rstrip(".")
    now = entry.summary().rstrip(".")
    if now.startswith("listed") and entry.annex is not None:
        # "Annex A Part I now lists mercury vacuum pumps, which may not be made, imported or exported after
        # 2025 (Decision MC-4/3; …). The 2013 text did not list them.": the note's shorthand as sentences
        rest = re.sub(r"^listed,? ?", "", now)
        rest = re.sub(r"^after (20\d\d)\b", r"which may not be made, imported or exported after \1", rest)
        name = entry.name if re.match(r"[A-Z]{2}", entry.name) else entry.name[:1].lower() + entry.name[1:]
        if m := re.match(r"CFL\.(n?i), (.+)$", name):  # "CFL.i, 30 W or less, 5 mg or less"
            kind = "an integrated" if m[1] == "i" else "a separate"
            name = f"compact fluorescent lamps with {kind} ballast (CFL.{m[1]}) of {m[2].replace(', ', ' and ')}"
        said = f"{entry.annex} now lists {name}" + (f", {rest}" if rest and not rest.startswith("(") else f" {rest}")
        # one sentence per entry: two entries in one answer must not repeat a sentence
        if re.fullmatch(r"not listed", before):
            return f"{said.rstrip()}; the 2013 text did not list them."
        return f"{said.rstrip()}; in the 2013 text: {before}."
    if original_first:
        return f"{entry.name}, in the 2013 text: {before}. As amended since: {now}."
    return f"{entry.name}, as amended: {now}. In the 2013 text: {before}."


# the amended state's own phase-out year: the first "after YEAR" before its bracketed decision note
_PHASE_OUT = re.compile(r"^[^()]*?\bafter (20\d\d)\b")  # (read by AmendedEntry.phase_out_year)
_LISTED = re.compile(r"^[^()]*\blisted\b")
_SALE_OR_USE_Q = re.compile(r"\b(?:sell|sells|selling|sale|sales|stock|stocks|stockpiled|already (?:hold|holds|have|has|own|owns)|"
                            r"keep|keeps|keeping|installed|in service|continue to use|still use|using)\b", re.IGNORECASE)
_TRADE_Q = re.compile(r"\b(?:make|makes|made|manufactur\w*|produc\w*|import\w*|export\w*|buy|buying|bought|order\w*|"
                      r"bring in|ship\w*)\b", re.IGNORECASE)
_STILL_Q = re.compile(r"\b(?:still|any longer|anymore|now)\b|\bafter (?:COP|the)\b", re.IGNORECASE)
_MAY_Q = re.compile(r"^\s*(?:and\s+)?(?:can|could|may|is|are|would|will)\b.{0,100}\b(?:allowed|permitted|legal|acceptable|"
                    r"lawful|permissible|let in|let (?:them|it|these) in|bring in|brought in|pass|buy|sell|make|"
                    r"import|export|use|contain|exempt|excepted|spared|apply|applies|possible|manufactur\w*|made|"
                    r"imported|exported|sold|bought|order|ordered)\b", re.IGNORECASE)
# ("added" is the listing verb, never the "mercury-added" of a product class: "… still exempt from the ban on
# mercury-added batteries?" asks about an exemption)
_BANNED_Q = re.compile(r"^\s*(?:and\s+)?(?:is|are|was|were|has|have)\b.{0,100}\b(?:banned|prohibited|phased[- ]out|"
                       r"outlawed|listed|(?<!mercury-)(?<!mercury )added|covered)\b", re.IGNORECASE)


_ADDED_Q = re.compile(r"^\s*(?:and\s+)?(?:did|were|was|has|have|is|are|do|does)\b.{0,140}\b(?:add|(?<!mercury-)(?<!mercury )added|list|listed|"
                      r"include|included|cover|covered|fall under|falls under|subject to|on the (?:phase-out )?list|"
                      r"(?:date|year|deadline)\b.{0,60}\b(?:set|fixed|given))\b",
                      re.IGNORECASE)


_DATE_AGREED_Q = re.compile(r"^\s*(?:and\s+)?(?:did|have|has)\b.{0,60}\b(?:agree\w*|settle\w*|decide\w*)\s+(?:on\s+)?"
                            r"(?:a|an|any)\s+(?:\w+[- ])?(?:\w+\s+)?(?:date|year|deadline)\b", re.IGNORECASE)
# an end adopted by a later meeting and not yet binding ("Adopted but not yet in force: … by 2034")
_PENDING = re.compile(r"\bnot yet in force\b", re.IGNORECASE)
_ENDS_Q = re.compile(r"\b(?:banned|ban|stop|phase[ds]?[- ]?out|end(?:ed)?|in force|binding|prohibited|outlawed)\b",
                     re.IGNORECASE)
# a 2013 limit, threshold or carve-out asked about as if it still held, and a state that widened the entry
_STILL_2013_Q = re.compile(r"\bstill (?:apply|applies|there|in place|valid|stand|exist|hold|the (?:current )?"
                           r"(?:rule|limit|threshold|law))\b|\bstill\b.{0,40}\b(?:carve-?out|exception|exemption|exempt(?:ed)?|excepted|spared|"
                           r"threshold|limit)\b|\b(?:carve-?out|exception|exemption|threshold|limit)\b.{0,40}\bstill\b",
                           re.IGNORECASE)
_WIDENED = re.compile(r"\blisted too\b|\bno added mercury at all\b|^all\b.{0,40}\blisted\b", re.IGNORECASE)


_MEETING_YEAR = re.compile(r"\b20\d\d\s+(?:[A-Z]\w+\s+)?(?:meeting|conference|COP|session|summit)\b|"
                           r"\b(?:meeting|conference|COP-?\s?\d|session) (?:in|of) 20\d\d\b", re.IGNORECASE)


def _claimed_years(question: str) -> set[str]:
    """The later years a yes/no question puts to the test: in its asking sentence ("Did COP-5 set a
    2030 end date?"), or before it when the asking sentence points back ("I read 2037. Is that the
    year?"). The 2013 text's years and the Convention's own are not claims about an amendment."""
    asking = asking_sentence(question)
    where = question if re.search(r"\b(?:is|was) (?:that|this|it)\b.{0,40}\b(?:right|correct|true|accurate|date|year|"
                                  r"deadline|the year)\b", asking, re.I) else asking
    where = _MEETING_YEAR.sub(" ", where)  # "the 2023 Geneva meeting" names a meeting, it claims no end year
    return {y for y in re.findall(r"\b(20[2-9]\d)\b", where)}


_DATE_SET_Q = re.compile(r"^\s*(?:and\s+)?(?:did|has|have|was|were)\b.{0,80}\b(?:set|sets|agree\w*|adopt\w*|fix\w*|"
                        r"decide\w*|give|gave|settle\w*)\b.{0,40}\b(?:date|deadline|year|timeline|phase-out|end)\b|"
                        # "Which year did the Parties pick?" after "COP6 fixed an end date for fillings."
                        r"^\s*(?:and\s+)?(?:which|what)\s+(?:\w+\s+)?(?:year|date|deadline)\b.{0,40}\b(?:did|has|have|was|"
                        r"were)\b.{0,60}\b(?:set|pick\w*|choose|chose|chosen|agree\w*|adopt\w*|fix\w*|decide\w*|settle\w*)\b",
                        re.IGNORECASE)
_DATED_BY = re.compile(r"\b(?:by|after) (20\d\d)\b[^()]*\((?:Decision )?(?:COP-|MC-)(\d+)")


def asks_meeting_date(question: str, meetings: tuple[int, ...]) -> bool:
    """"Did COP-4 set a phase-out date for amalgam?": whether a named meeting gave a date."""
    return bool(meetings) and bool(_DATE_SET_Q.search(core_question(question)))


def _dated_meetings(entry: AmendedEntry) -> set[int]:
    """The meetings that gave the entry a dated end: "… by 2034 (COP-6; …)" -> {6}."""
    return {int(m[2]) for m in _DATED_BY.finditer(entry.now)}


def amended_verdict(question: str, entry: AmendedEntry, year: int, meetings: tuple[int, ...] = ()) -> str | None:
    """A yes or no read from an entry's amended state, where the state is a confirmed phase-out year
    that has passed (`year` is the current year): "Can we still buy mercury propellant?" -> "No.";
    "Is mercury propellant banned?" -> "Yes.". None when it is not that
    plain (an inferred year, an adopted but not yet binding change, a measure rather than a date)."""
    if asks_two_things(question):
        return None  # "Was it added at Bali or in 2023?": no bare yes or no
    claimed = _claimed_years(question)
    full, question = question, core_question(question)
    phase_out = entry.phase_out_year
    if _SALE_OR_USE_Q.search(question) and not _TRADE_Q.search(question) and phase_out is not None:
        # a listed product's date ends its manufacture, import and export: selling or using what is
        # already in the country is not what the listing stops ("stop a shop selling bulbs in stock?")
        return "Not as such:"
    if re.search(r"\b(?:is|was) there (?:a|an|any) (?:\w+ )?(?:date|deadline|year)\b", question, re.I):
        return "Yes." if phase_out is not None and "inferred" not in entry.now else None  # "Is there an end date?"
    if claimed and not claimed & set(re.findall(r"\b20\d\d\b", amended_sentence(entry))):
        return "No."  # "Did COP-6 agree to end amalgam by 2037?": no year of the entry's is the one claimed
    if asks_meeting_date(question, meetings) and not claimed:
        # "Did COP-4 set a phase-out date for amalgam?": only the meeting that gave the entry its date says yes
        return "Yes." if set(meetings) <= _dated_meetings(entry) else "No."
    main_clause = re.split(r",?\s+\b(?:given that|because|since|although|though|even though|as long as|while|whereas)\b|"
                           r",\s*(?:which|who)\b", question, maxsplit=1, flags=re.I)[0]
    if re.search(r"\bno longer\b|\bnot\b|n't\b", main_clause, re.I):
        return None  # a negated question: a bare yes or no would be read either way
    if _ADDED_Q.search(question) and _LISTED.match(entry.summary()):
        return "Yes."  # "Did COP-4 add vacuum pumps?", "Do strain gauges fall under the phase-out?"
    if _DATE_AGREED_Q.search(question) and (phase_out or re.search(r"\bby 20\d\d\b", entry.now)) \
            and "inferred" not in entry.now and not re.search(r"\b20\d\d\b|\bCOP-?\s?\d|\bMC-\d", full):
        # (a meeting named by its year or number may not be the one that set the date: no verdict)
        return "Yes."  # "Did governments agree on a phase-out year for amalgam?": the note gives one
    if _PENDING.search(entry.now) and _ENDS_Q.search(question) \
            and not re.search(r"\b(?:set|adopt\w*|agree\w*|decid\w*|propos\w*)\b", question, re.I):
        return "Not yet."  # "Do our dentists have to stop?": the 2034 end is adopted, not yet in force
    if _STILL_2013_Q.search(question) and _WIDENED.search(entry.summary()) \
            and not (re.search(r"\beye\b", question, re.I) and "not shown" in entry.now):
        return "No."  # "Does the 1 ppm threshold still apply?": the amendment removed what 2013 spared
    if phase_out is None or "inferred" in entry.now or int(phase_out) >= year:
        return None
    if _MAY_Q.search(question) and (_STILL_Q.search(question) or not _BANNED_Q.search(question)):
        return "No."
    if _BANNED_Q.search(question):
        return "Yes."
    return None


# ---- what a meeting's annex decision itself says (adopted, communicated, in force ...) ----------
_FACT_LINE = re.compile(r"^(?:[-*]\s*)?\**(?P<key>[^:*\n]{3,40}):\**\s*(?P<text>.+)$")  # "Adopted: …" as chunked
# the words a question uses for each key of a decision's summary
_FACT_KEYS = {
    "meeting": r"\bwhere\b|\bheld\b|\bmet\b|\bwhen did (?:cop|the meeting)|\bvenue\b|\bdates? of (?:cop|the meeting)",
    "adopted": r"\badopt\w*|\bagreed\b|\bapproved\b|\bdecided\b|\bpassed\b",
    "communicated": r"\bcommunicat\w*|\bsen[dt]\b|\bsent out\b|\bcirculat\w*|\bnotif\w*|\bdepositary\b",
    "in force": r"\bin(?:to)? force\b|\bbind\w*|\btake effect\b|\btook effect\b|\bstart(?:ed)? to apply\b|\beffective\b",
    "how many products": r"\bhow many\b|\bnumber of\b",
    "decision number": r"\bdecision number\b|\bwhich decision\b|\bwhat decision\b",
    "scope": r"\b(?:what|which)\b.{0,60}\b(?:add|added|put|bring|brought)\b|\bwhich products\b|"
             r"\bnew (?:products|entries|items|listings)\b|\blist (?:the|of) (?:new|added)\b",
}


@dataclass(frozen=True)
class DecisionFact:
    """One line of a meeting's summary in the amendments note: "Adopted: 25 March 2022 …"."""

    decision: Ref  # Decision MC-4/3, or COP-6 when its number is not known
    key: str  # "Adopted", "In force", ...
    text: str  # the line's words, without its bracketed refs
    refs: tuple[str, ...]
    chunk_id: str

    def sentence(self) -> str:
        """"Decision MC-4/3 (COP-4), adopted: 25 March 2022, …": the line with what it is about."""
        name = str(self.decision) if not self.decision.decision else f"{self.decision} (COP-{self.decision.meeting})"
        return f"{name}, {self.key.lower()}: {self.text.rstrip('.')}."


def decision_facts(chunks: Iterable[Chunk]) -> list[DecisionFact]:
    """The "- **Key:** text" lines under a meeting's own heading (not under one of its entries)."""
    out = []
    for c in chunks:
        ref = Ref.try_parse(c.ref)
        if c.doc_type not in ("guidance", "cop-decision") or ref is None or not ref.is_decision \
                or len(c.heading_path) != 1:
            continue
        for line in c.text.split("\n"):
            m = _FACT_LINE.match(line.strip())
            if m is None or m["key"].lower() not in _FACT_KEYS:
                continue
            text = _without_refs(m["text"])
            out.append(DecisionFact(ref, m["key"].strip(), text, tuple(str(r) for r in cited_refs(line)), c.id))
    return out


def meetings_by_place(question: str, facts: list[DecisionFact], year: int | None = None) -> list[int]:
    """The meetings a question names by where or when they met ("the Bali meeting" -> 4, "the 2025
    conference" -> 6), read from the meetings' own "Meeting" lines; a place or a year several
    meetings share (Geneva) names none."""
    if year is not None:  # "last year's conference" in 2026 is the 2025 one
        question = re.sub(r"\blast year'?s\b", str(year - 1), re.sub(r"\bthis year'?s\b", str(year), question, flags=re.I),
                          flags=re.I)
    names: dict[str, set[int]] = {}
    for f in facts:
        if f.key.lower() == "meeting" and f.decision.meeting:
            for place in re.findall(r"\bin (?:person in )?([A-Z][a-z]+)", f.text):
                names.setdefault(rf"\b{place}\b", set()).add(f.decision.meeting)
            for year in set(re.findall(r"\b(20\d\d)\b", f.text)):
                names.setdefault(rf"\b{year}\s+(?:\w+\s+)?(?:meeting|conference|COP|session)\b|"
                                 rf"\b(?:meeting|conference|COP|session)s?\s+(?:of|in)\s+{year}\b", set()).add(f.decision.meeting)
    return list(dict.fromkeys(next(iter(ms)) for pattern, ms in names.items()
                              if len(ms) == 1 and re.search(pattern, question, re.IGNORECASE)))


def facts_asked(question: str, meetings: list[int], facts: list[DecisionFact]) -> list[DecisionFact]:
    """The summary lines of the meetings a question names that answer what it asks ("When did the
    COP-4 amendments enter into force?" -> COP-4's "In force" line)."""
    out = []
    # what is asked is read from the asking sentence: "Kyodo reports that the sixth COP agreed to … If a
    # Party cannot accept such an amendment, what must it do?" does not ask when COP-6 adopted it
    asking = asking_sentence(question) or question
    for f in facts:
        if f.decision.meeting in meetings and re.search(_FACT_KEYS[f.key.lower()], asking, re.IGNORECASE):
            out.append(f)
    return out[:2]
