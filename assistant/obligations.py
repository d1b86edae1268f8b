"""Obligation finder, user side: filter the obligation table of the index, print it as a table,
JSON, CSV or a Markdown checklist, and pick the obligations that answer "what must we do about X".

The table itself is built at ingest time (ingest/obligations.py) and read from the serving
generation; nothing here loads the embedding model or Chroma.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from ingest.index import keyword_tokens
from ingest.obligations import ACTORS, MODALITIES, POLARITIES, TOPICS, keep_restriction
from ingest.refs import Ref, find_mentions

# ---- row access (Obligation objects or their JSON dicts) -------------------------------------


def _get(row, key: str, default=None):
    if isinstance(row, dict):
        return row.get(key, default)
    return getattr(row, key, default)


def _as_dict(row) -> dict:
    return dict(row) if isinstance(row, dict) else row.to_json()


# ---- vocabulary --------------------------------------------------------------------------------
_ACTOR_ALIASES = {
    "parties": "party", "party": "party", "state": "party", "states": "party", "country": "party",
    "countries": "party", "government": "party", "we": "party", "conditional": "party_conditional",
    "cop": "cop", "conference": "cop", "conference of the parties": "cop",
    "secretariat": "secretariat", "committee": "committee", "icc": "committee",
    "implementation and compliance committee": "committee", "other": "other",
}
_MODALITY_ALIASES = {
    "must": "binding", "shall": "binding", "mandatory": "binding", "binding": "binding", "required": "binding",
    "should": "soft", "soft": "soft", "endeavour": "soft", "encouraged": "soft",
    "may": "permissive", "can": "permissive", "permissive": "permissive", "optional": "permissive",
}
# Words a person uses for each topic (also used to route checklist questions).
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "supply and trade": ("supply", "trade", "export", "import", "primary mining", "primary mercury mining", "stocks",
                         "chlor-alkali surplus", "consent", "certification", "non-party"),
    "products": ("product", "products", "mercury-added", "lamp", "lamps", "battery", "batteries", "cosmetic",
                 "cosmetics", "skin", "soap", "thermometer", "barometer", "sphygmomanometer", "switch", "relay",
                 "pesticide", "dental", "amalgam", "fluorescent", "cfl", "phase-out", "phase out"),
    "processes": ("process", "processes", "manufacturing", "chlor-alkali", "vinyl chloride", "vcm", "acetaldehyde",
                  "polyurethane", "methylate", "ethylate", "catalyst", "facility", "facilities"),
    "ASGM": ("asgm", "artisanal", "small-scale", "gold", "miners", "mining", "amalgamation", "whole ore",
             "national action plan", "nap"),
    "emissions": ("emission", "emissions", "air", "atmosphere", "coal", "power plant", "boiler", "smelting",
                  "cement", "incineration", "bat", "bep", "best available techniques"),
    "releases": ("release", "releases", "water", "land", "effluent", "discharge"),
    "storage": ("storage", "store", "stored", "interim storage", "stockpile"),
    "waste": ("waste", "wastes", "disposal", "dispose", "basel", "recycling", "recovery", "tailings"),
    "contaminated sites": ("contaminated", "site", "sites", "remediation", "clean-up", "cleanup"),
    "finance": ("finance", "financial", "funding", "fund", "gef", "money", "resources", "mechanism"),
    "capacity": ("capacity", "capacity-building", "technical assistance", "technology transfer", "training"),
    "health": ("health", "exposure", "patients", "workers", "medical", "who"),
    "information": ("information", "exchange", "awareness", "public", "register", "focal point", "education"),
    "research": ("research", "monitoring", "modelling", "inventory", "inventories", "development"),
    "reporting": ("report", "reports", "reporting", "national report", "article 21"),
    "compliance": ("compliance", "committee", "implementation and compliance"),
}
# Words that say nothing about which obligation is meant, beyond the index's own stop words.
_QUESTION_WORDS = frozenset(
    "about under need needs required require obligations obligation convention minamata mercury party parties "
    "country".split()
)


def _tokens(text: str) -> list[str]:
    return [t for t in keyword_tokens(text) if t not in _QUESTION_WORDS and len(t) >= 2]


def shares_question_words(question: str, row) -> bool:
    """The row's sentence or action holds a telling word of the question (three letters or more; not
    "Party", "mercury", "required" and the like): the assistant's checklists keep only such rows."""
    words = {t for t in _tokens(question) if len(t) >= 3}
    return bool(words & set(_tokens(f"{_get(row, 'sentence', '')} {_get(row, 'action', '')}")))


def normalise_topic(value: str) -> str | None:
    """"asgm" -> "ASGM", "trade" -> "supply and trade", "gold" -> "ASGM"; None when unknown."""
    v = value.strip().lower()
    for t in TOPICS:
        if v == t.lower():
            return t
    for t in TOPICS:
        if v and v in t.lower():
            return t
    for t, words in TOPIC_KEYWORDS.items():
        if v in words:
            return t
    return None


def normalise_actor(value: str) -> str | None:
    v = value.strip().lower().replace("-", "_")
    if v in ACTORS:
        return v
    return _ACTOR_ALIASES.get(v.replace("_", " "))


def normalise_modality(value: str) -> str | None:
    v = value.strip().lower()
    return v if v in MODALITIES else _MODALITY_ALIASES.get(v)


_POLARITY_ALIASES = {"must": "duty", "duty": "duty", "duties": "duty", "must not": "prohibition", "not": "prohibition",
                     "ban": "prohibition", "prohibition": "prohibition", "only": "restriction",
                     "restriction": "restriction", "may": "permission", "permission": "permission"}


def normalise_polarity(value: str) -> str | None:
    return _POLARITY_ALIASES.get(value.strip().lower())


def _parse_ref_filter(value: str) -> Ref | None:
    ref = Ref.try_parse(value.strip())
    if ref is None:
        found = find_mentions(value)
        ref = found[0] if found else None
    return ref


def _ref_of(row) -> Ref | None:
    return Ref.try_parse(_get(row, "ref"))


# ---- filtering -----------------------------------------------------------------------------------
def filter_obligations(rows: Iterable, topic: str | None = None, actor: str | None = None,
                       modality: str | None = None, ref: str | None = None, doc_id: str | None = None,
                       polarity: str | None = None) -> list:
    """Rows matching every given filter (None = no filter); rows keep their type and order.

    topic: a topic name or a word for it ("asgm", "trade", "gold"); actor: party (also matches
    party_conditional), party_conditional, cop, secretariat, committee, other (aliases such as
    "conference"); modality: binding/soft/permissive or must/should/may; ref: a provision, which
    matches itself and everything inside it ("Article 7" matches "Article 7(3)(b)"; "Art. 7(3)"
    works too); doc_id: exact document id; polarity: duty, prohibition ("must not"), restriction
    ("only") or permission. Unknown filter values raise ValueError.
    """
    rows = list(rows)
    if topic:
        t = normalise_topic(topic)
        if t is None:
            raise ValueError(f"unknown topic {topic!r}; use one of: {', '.join(TOPICS)}")
        rows = [r for r in rows if _get(r, "topic") == t]
    if actor:
        a = normalise_actor(actor)
        if a is None:
            raise ValueError(f"unknown actor {actor!r}; use one of: {', '.join(ACTORS)}")
        wanted = {"party", "party_conditional"} if a == "party" else {a}
        rows = [r for r in rows if _get(r, "actor") in wanted]
    if modality:
        m = normalise_modality(modality)
        if m is None:
            raise ValueError(f"unknown modality {modality!r}; use one of: {', '.join(MODALITIES)}")
        rows = [r for r in rows if _get(r, "modality") == m]
    if polarity:
        pol = normalise_polarity(polarity)
        if pol is None:
            raise ValueError(f"unknown polarity {polarity!r}; use one of: {', '.join(POLARITIES)}")
        rows = [r for r in rows if _get(r, "polarity", "duty") == pol]
    if ref:
        wanted_ref = _parse_ref_filter(ref)
        if wanted_ref is None:
            needle = ref.strip().lower()
            rows = [r for r in rows if needle in (_get(r, "ref") or "").lower()]
        else:
            rows = [r for r in rows if (rr := _ref_of(r)) is not None and wanted_ref.contains(rr)]
    if doc_id:
        rows = [r for r in rows if _get(r, "doc_id") == doc_id]
    return rows


def sort_rows(rows: Iterable) -> list:
    """Document order: by document, then provision (articles by number, then annexes)."""
    indexed = list(enumerate(rows))

    def key(item):
        i, r = item
        ref = _ref_of(r)
        return (_get(r, "doc_id") or "", 0 if ref is not None else 1, ref or Ref(kind=9), i)

    return [r for _, r in sorted(indexed, key=key)]


# ---- checklist for a question ------------------------------------------------------------------
def question_topics(question: str) -> list[str]:
    """Topics a question is about, by keyword ("dental amalgam" -> products)."""
    q = " " + re.sub(r"[^a-z0-9-]+", " ", question.lower()) + " "
    hits: list[tuple[int, str]] = []
    for topic, words in TOPIC_KEYWORDS.items():
        score = sum(len(w) for w in words if f" {w} " in q or (len(w) > 5 and w in q))
        if topic.lower() in q:
            score += 10
        if score:
            hits.append((score, topic))
    return [t for _, t in sorted(hits, key=lambda h: (-h[0], TOPICS.index(h[1])))]


def checklist(question: str, rows: Iterable, k: int = 8) -> list:
    """The obligations most relevant to a "what must we do about X" question, best first.

    Scoring (transparent): +2 when the row's topic is the question's main topic (+1 for another
    matched topic), + the share of question words found in the row's sentence/action, +0.5 for
    the modality the question asks for ("must" -> binding, "should" -> soft, "may/can" ->
    permissive; duties of Parties when it asks what "we" must do). A provision named in the
    question ("Article 7") restricts the rows to that provision. Rows with no topic match and no
    word overlap are never returned. Each returned row carries its `ref`.
    """
    rows = list(rows)
    mentioned = find_mentions(question)
    if mentioned:
        rows = [r for r in rows if (rr := _ref_of(r)) is not None and any(m.contains(rr) for m in mentioned)]
    topics = question_topics(question)
    q_tokens = set(_tokens(question))
    ql = question.lower()
    wants = set()
    if re.search(r"\b(must|shall|have to|required|obliged|obligations?|duty|duties|need to)\b", ql):
        wants.add("binding")
    if re.search(r"\bshould\b|\bencouraged\b", ql):
        wants.add("soft")
    if re.search(r"\b(may|can|allowed|permitted|option)\b", ql):
        wants.add("permissive")
    about_parties = bool(re.search(r"\b(we|our|us|party|parties|country|countries|government|ministry)\b", ql))
    scored: list[tuple[float, int, object]] = []
    for i, r in enumerate(rows):
        score = 0.0
        t = _get(r, "topic")
        if topics and t == topics[0]:
            score += 2.0
        elif t in topics:
            score += 1.0
        if q_tokens:
            row_tokens = set(_tokens(f"{_get(r, 'sentence', '')} {_get(r, 'action', '')}"))
            score += len(q_tokens & row_tokens) / len(q_tokens)
        if score <= 0:
            continue
        if _get(r, "modality") in wants:
            score += 0.5
        if about_parties and _get(r, "actor") in ("party", "party_conditional"):
            score += 0.5
        if _get(r, "deadline"):
            score += 0.25  # what to do by when: a dated duty is the one a checklist must not drop
        scored.append((score, i, r))
    scored.sort(key=lambda s: (-s[0], s[1]))
    # the items of one verb's object list ("include in its national action plan: (a) … (k)", Annex C(1))
    # share the chapeau's words: the best of them stands for the rest and leaves room for the provisions
    # beside it (Article 7(3)(b)'s deadline); items with verbs of their own (Article 11(3)) each count
    picked, seen_lists = [], set()
    for _, _, r in scored:
        ref = _ref_of(r)
        if ref is not None and (ref.subparagraph or ref.item):
            one_list = (str(ref.parent()), " ".join(str(_get(r, "action", "")).split()[:4]))
            if one_list in seen_lists:
                continue
            seen_lists.add(one_list)
        picked.append(r)
        if len(picked) == k:
            break
    return picked


# ---- formatting ----------------------------------------------------------------------------------
ACTOR_PHRASE = {
    "party": "Each Party", "party_conditional": "Each Party concerned", "cop": "The Conference of the Parties",
    "secretariat": "The Secretariat", "committee": "The Implementation and Compliance Committee",
    "other": "The body named",
}
_MODAL_WORD = {"binding": "must", "soft": "should", "permissive": "may"}
CSV_COLUMNS = ("doc_id", "ref", "page", "actor", "modality", "polarity", "deadline", "amended", "topic", "action",
               "conditions", "dates", "exemptions", "sentence")


def with_amendments(rows: Iterable, entries: list) -> list[dict]:
    """Rows as dicts, each Annex A/B row with the amended state beside its 2013 deadline:
    {"amended": [{"entry", "before", "now", "decisions", "source"}]} (assistant/amendments.py)."""
    from .amendments import amendments_for

    out = []
    for r in rows:
        d = _as_dict(r)
        found = amendments_for(d.get("ref", ""), d.get("action", ""), entries)
        if found:
            d["amended"] = [e.to_json() for e in found]
        out.append(d)
    return out


def amended_phrase(row) -> str:
    """"Batteries: those button types are listed too, after 2025 (Decision MC-5/4; ...)"."""
    return " | ".join(f"{a['entry']}: {a['now']}" for a in (_get(row, "amended") or []))


def deadline_phrase(deadline: str | None) -> str:
    if not deadline:
        return ""
    if re.fullmatch(r"\d{4}", deadline):
        return f"by {deadline}"
    if re.fullmatch(r"\d+ (?:years?|months?|days?)", deadline):
        return f"within {deadline}"
    if deadline.endswith("meeting"):
        return f"at the COP's {deadline}"
    if deadline.startswith(("every ", "as soon as", "without ", "once ", "upon ", "on ")):
        return deadline  # a cycle, an urgency or an event, not a date to meet ("by once developed")
    return f"by {deadline}"


# the action already says when ("no later than five years after …", "as soon as it has been developed")
_SAYS_WHEN = re.compile(r"\b(?:20[0-4]\d|within|no later than|not later than|as soon as|every|at (?:its|the) "
                        r"\w+ meeting|by (?:its|the) \w+ meeting|(?:\w+|\d+) (?:years?|months?|days?) (?:after|of|from))\b",
                        re.IGNORECASE)


def with_deadline(text: str, deadline: str | None) -> str:
    """The action with its deadline in brackets, unless the action already says when: the same
    time twice ("… no later than five years after … (within 5 years)") reads as two deadlines."""
    if not deadline or _SAYS_WHEN.search(text):
        return text
    return f"{text} ({deadline_phrase(deadline)})"


def obligation_phrase(row) -> str:
    """Who, modal and action, with the provision's polarity kept: "Each Party must not allow …",
    "Each Party must only allow … for a period of up to fifteen years", "A Party may only choose … if"."""
    return f"{ACTOR_PHRASE.get(_get(row, 'actor'), 'The body named')} {modal_action(row)}"


def modal_action(row) -> str:
    """"must not allow the export of mercury except …", "may only choose this alternative if …"."""
    modal = _MODAL_WORD.get(_get(row, "modality"), "must")
    return f"{modal} {keep_restriction((_get(row, 'action') or '').strip(), _get(row, 'polarity') or 'duty')}"


def checklist_line(row) -> str:
    """"- [ ] Each Party must not allow … (by 2020) — Article 4(1), p. 7"."""
    text = obligation_phrase(row)
    dl = deadline_phrase(_get(row, "deadline"))
    if dl:
        text += f" ({dl})"
    where = _get(row, "ref") or _get(row, "doc_title") or _get(row, "doc_id") or ""
    page = _get(row, "page")
    if page is not None:
        where += f", p. {page}"
    amended = amended_phrase(row)
    return f"- [ ] {text} — {where}" + (f"\n  - amended since 2013: {amended}" if amended else "")


def to_json(rows: Iterable) -> str:
    data = [_as_dict(r) for r in rows]
    return json.dumps({"obligations": data, "count": len(data)}, ensure_ascii=False, indent=1)


def to_csv(rows: Iterable) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        d = _as_dict(r)
        writer.writerow([
            d.get("doc_id", ""), d.get("ref", ""), "" if d.get("page") is None else d.get("page"),
            d.get("actor", ""), d.get("modality", ""), d.get("polarity", "duty"), d.get("deadline") or "",
            amended_phrase(d), d.get("topic", ""),
            d.get("action", ""), " | ".join(d.get("conditions") or []), "; ".join(d.get("dates") or []),
            "yes" if d.get("exemptions") else "no", d.get("sentence", ""),
        ])
    return buf.getvalue()


def to_markdown(rows: Iterable, title: str | None = None) -> str:
    """A checklist, one line per obligation, grouped by document."""
    rows = list(rows)
    lines: list[str] = []
    if title:
        lines += [f"## {title}", ""]
    docs = list(dict.fromkeys(_get(r, "doc_id") for r in rows))
    for doc in docs:
        if len(docs) > 1:
            doc_title = next((_get(r, "doc_title") for r in rows if _get(r, "doc_id") == doc), doc)
            lines += [f"### {doc_title}", ""]
        lines += [checklist_line(r) for r in rows if _get(r, "doc_id") == doc]
        if len(docs) > 1:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_table(rows: Iterable, width: int = 70) -> str:
    header = ("ref", "actor", "modality", "polarity", "deadline", "amended", "topic", "action")
    body = []
    for r in rows:
        action = _get(r, "action") or ""
        if len(action) > width:
            action = action[:width - 1].rstrip() + "…"
        body.append((_get(r, "ref") or "", _get(r, "actor") or "", _get(r, "modality") or "",
                     _get(r, "polarity") or "duty", _get(r, "deadline") or "",
                     ", ".join(dict.fromkeys(d for a in (_get(r, "amended") or []) for d in a["decisions"])),
                     _get(r, "topic") or "", action))
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(b, widths)).rstrip() for b in body]
    return "\n".join(out) + "\n"


# ---- CLI -----------------------------------------------------------------------------------------
NO_OBLIGATIONS_HINT = (
    "the index at {index} has no obligations. Obligations are extracted when a treaty or COP decision "
    "(doc_type treaty / cop-decision) is ingested; guidance and conference texts have none. Ingest the "
    "Convention text, e.g. `minamata ingest PATH/minamata-convention.md --doc-type treaty` (an index built "
    "before the obligation finder existed needs that document ingested again with --doc-type)."
)


def cmd_obligations(args: argparse.Namespace) -> int:
    from ingest.obligations import load_obligations
    from ingest.settings import Settings

    settings = Settings.load(index_dir=args.index)
    index_dir = settings.index_dir
    if not (Path(index_dir) / "CURRENT").is_file():
        print(f"error: no index at {index_dir}; run `minamata ingest corpus/` first", file=sys.stderr)
        return 2
    rows = load_obligations(settings)
    fmt = "json" if args.json else "csv" if args.csv else "md" if args.md else "table"
    if not rows:
        message = NO_OBLIGATIONS_HINT.format(index=index_dir)
        if fmt == "json":
            print(json.dumps({"obligations": [], "count": 0, "message": message}))
        elif fmt == "csv":
            print(",".join(CSV_COLUMNS))
        print(message, file=sys.stderr if fmt in ("json", "csv") else sys.stdout)
        return 0
    try:
        selected = filter_obligations(rows, topic=args.topic, actor=args.actor, modality=args.modality,
                                      ref=args.ref, doc_id=args.doc, polarity=args.polarity)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.question:
        selected = checklist(args.question, selected, k=args.limit or 10)
    else:
        selected = sort_rows(selected)
        if args.limit:
            selected = selected[:args.limit]
    selected = with_amendments(selected, _amended_entries(settings))
    if fmt == "json":
        print(to_json(selected))
    elif fmt == "csv":
        sys.stdout.write(to_csv(selected))
    elif fmt == "md":
        title = _title(args, len(selected))
        sys.stdout.write(to_markdown(selected, title=title))
    else:
        if selected:
            sys.stdout.write(to_table(selected))
        print(f"{len(selected)} of {len(rows)} obligation(s)" + (f" ({_filters_text(args)})" if _filters_text(args) else ""))
    if not selected and fmt != "table":
        print(f"no obligations match {_filters_text(args)}", file=sys.stderr)
    return 0


def _amended_entries(settings) -> list:
    """The amended Annex A/B entries the index holds (none when no amendments note is ingested)."""
    from ingest.index import IndexStore

    from .amendments import amended_entries

    return amended_entries(IndexStore(settings).snapshot().chunks)


def _filters_text(args: argparse.Namespace) -> str:
    parts = [f"--{name} {getattr(args, name)!r}" for name in ("topic", "actor", "modality", "polarity", "ref", "doc",
                                                                 "question")
             if getattr(args, name, None)]
    return " ".join(parts)


def _title(args: argparse.Namespace, n: int) -> str:
    bits = []
    if args.topic:
        bits.append(normalise_topic(args.topic) or args.topic)
    if args.actor:
        bits.append(normalise_actor(args.actor) or args.actor)
    if args.modality:
        bits.append(normalise_modality(args.modality) or args.modality)
    if args.polarity:
        bits.append(normalise_polarity(args.polarity) or args.polarity)
    if args.ref:
        bits.append(args.ref)
    if args.question:
        bits.append(f"“{args.question}”")
    return "Obligations" + (f" — {', '.join(bits)}" if bits else "") + f" ({n})"


def register(sub) -> None:
    p = sub.add_parser(
        "obligations",
        help="list obligations (who must do what, by when) found in treaty texts in the index",
        description="List the obligations extracted from treaty and COP-decision documents at ingest time: "
                    "the actor (party, party_conditional = a Party the provision applies to, cop, secretariat, "
                    "committee, other), the modality (binding 'shall', soft 'shall endeavour / as appropriate / "
                    "should', permissive 'may'), the polarity (duty; prohibition 'shall not', 'No Party may'; "
                    "restriction 'shall only', 'may only … if'; permission), the action with its own 'not' / "
                    "'only', a normalised deadline ('2020', '3 years', 'first "
                    "meeting') and the provision. Filters combine; output is an aligned table unless --json, "
                    "--csv or --md (a Markdown checklist) is given.",
        epilog="Examples: minamata obligations --topic ASGM --md | minamata obligations --actor party "
               "--modality binding --ref 'Article 8' | minamata obligations --question 'what must we do about "
               "dental amalgam?' --md. Topics: " + ", ".join(TOPICS) + ".",
    )
    p.add_argument("--topic", metavar="T", help="topic name or a word for it (e.g. ASGM, products, waste, trade)")
    p.add_argument("--actor", metavar="A",
                   help="party (includes party_conditional), party_conditional, cop, secretariat, committee, other")
    p.add_argument("--modality", metavar="M", help="binding, soft or permissive (or must, should, may)")
    p.add_argument("--polarity", metavar="P",
                   help="duty, prohibition (must not), restriction (only … if) or permission")
    p.add_argument("--ref", metavar="REF", help="a provision and everything inside it, e.g. 'Article 7' or 'Annex A'")
    p.add_argument("--doc", metavar="DOC_ID", help="only this document id (see `minamata corpus list`)")
    p.add_argument("--question", metavar="Q",
                   help="rank the obligations for a question such as 'what must we do about mercury waste?'")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="show at most N rows")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index folder (default: data/index in the repo, or $MINAMATA_INDEX_DIR)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON: {\"obligations\": [...], \"count\": N}")
    out.add_argument("--csv", action="store_true", help="CSV with one row per obligation")
    out.add_argument("--md", action="store_true", help="Markdown checklist: '- [ ] Each Party must … — Article 4(1)'")
    p.set_defaults(func=cmd_obligations)
