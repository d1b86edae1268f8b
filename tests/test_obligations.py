"""Obligation finder: extraction at ingest time, the per-generation table, the CLI, the gold eval.

Real components throughout: the reference Convention text is ingested once (module fixture, ~30 s
of embedding) into a temporary index with the project's pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ingest.settings
from assistant.obligations import (checklist, checklist_line, filter_obligations, to_csv, to_json, to_markdown,
                                  with_deadline)
from evals.obligations_eval import GOLD_PATH, SPLITS, evaluate_obligations, format_obligation_report, load_gold
from ingest.chunking import chunk_document
from ingest.loaders import load_document
from ingest.obligations import (ACTORS, MODALITIES, OBLIGATIONS_FILE, POLARITIES, TOPICS, Obligation,
                                extract_obligations, load_obligations, normalise_deadline)
from ingest.settings import Settings

REPO = Path(ingest.settings.REPO_ROOT)
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "reference" / "minamata-convention.md"
SEEDS = sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []
MINAMATA = Path(sys.executable).with_name("minamata")
if not MINAMATA.exists():
    MINAMATA = REPO / ".venv" / "bin" / "minamata"

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_file(),
    reason=f"the reference Convention text is not at {REFERENCE} (the shared folder beside the repository)")
needs_seed = pytest.mark.skipif(not SEEDS, reason=f"no COP1 seed text (*.txt) under {SHARED / 'seed'}")

# A small treaty-shaped text written for these tests (not taken from any real treaty).
WIDGET_TREATY = """# Agreement on Test Widgets

## Article 1 — Reporting

1. Each Party shall report to the Conference of the Parties every two years on its widget inventory.

2. The Secretariat shall make the reports publicly available.

## Article 2 — Cooperation

1. Parties may cooperate with each other on widget recycling.
"""


def by_ref(rows, ref):
    return [r for r in rows if r.ref == ref]


# ---- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def index_settings(tmp_path_factory) -> Settings:
    if not REFERENCE.is_file():
        pytest.skip(f"the reference Convention text is not at {REFERENCE}")
    from ingest.pipeline import ingest_paths

    settings = Settings.load(index_dir=tmp_path_factory.mktemp("obligations") / "index")
    results = ingest_paths([REFERENCE], settings)
    assert [r.status for r in results] == ["added"], results
    return settings


@pytest.fixture(scope="module")
def rows(index_settings) -> list[Obligation]:
    return load_obligations(index_settings)


@pytest.fixture(scope="module")
def convention_id(rows) -> str:
    ids = {r.doc_id for r in rows}
    assert len(ids) == 1, ids
    return ids.pop()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    if not MINAMATA.exists():
        pytest.skip(f"the minamata console script is not installed at {MINAMATA}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINAMATA_")}
    return subprocess.run([str(MINAMATA), *args], capture_output=True, text=True, timeout=120, env=env)


# ---- the table written at ingest -----------------------------------------------------------------
@needs_reference
def test_ingest_writes_obligations_table_beside_the_index(index_settings, rows):
    from ingest.index import IndexStore

    store = IndexStore(index_settings)
    gen_dir = store.generation_dir(store.pointer().generation)
    raw = [json.loads(line) for line in (gen_dir / OBLIGATIONS_FILE).read_text(encoding="utf-8").splitlines()]
    assert len(raw) == len(rows) > 150
    for row in raw:
        assert row["doc_id"] and row["ref"]
        assert row["actor"] in ACTORS and row["modality"] in MODALITIES and row["topic"] in TOPICS
        assert row["polarity"] in POLARITIES
        assert row["sentence"] and row["action"]
    # every source of the serving generation gives the same rows
    assert load_obligations(gen_dir) == rows
    assert load_obligations(index_settings.index_dir) == rows
    assert load_obligations(store.snapshot()) == rows


@needs_reference
def test_rows_carry_the_expected_labels(rows):
    (nap,) = by_ref(rows, "Article 7(3)(b)")
    assert (nap.actor, nap.modality, nap.deadline, nap.topic) == ("party_conditional", "binding", "3 years", "ASGM")
    assert "national action plan" in nap.sentence

    (phase_out,) = by_ref(rows, "Article 4(1)")
    assert (phase_out.actor, phase_out.modality, phase_out.deadline) == ("party", "binding", "2020")
    assert phase_out.exemptions and any(c.startswith("except where") for c in phase_out.conditions)

    annex_rows = [r for r in rows if r.ref == "Annex A Part I"]
    assert len(annex_rows) >= 9
    assert all(r.deadline == "2020" and "2020" in r.dates and r.modality == "binding" for r in annex_rows)
    assert any("batteries" in r.action for r in annex_rows)
    assert {r.deadline for r in rows if r.ref == "Annex B Part I"} == {"2025", "2018"}

    # chapeau "Each Party shall:" expanded into its items, with the item's own modality
    assert [(r.actor, r.modality) for r in by_ref(rows, "Article 3(5)(a)")] == [("party", "soft")]
    assert [(r.actor, r.modality) for r in by_ref(rows, "Article 3(5)(b)")] == [("party", "binding")]
    assert not by_ref(rows, "Article 3(5)")  # the chapeau itself is carried by its items
    # "shall … and may …" is two obligations; the COP, the Secretariat and the Committee are actors
    assert sorted((r.actor, r.modality) for r in by_ref(rows, "Article 3(9)")) == sorted([
        ("party_conditional", "permissive"), ("party_conditional", "binding"), ("secretariat", "binding"),
        ("committee", "binding"), ("committee", "permissive")])
    assert [r.deadline for r in by_ref(rows, "Article 21(3)")] == ["first meeting"]
    # scope clauses and definitions are not obligations
    for ref in ("Article 3(2)", "Article 3(1)", "Article 7(1)", "Article 10(1)", "Article 3(10)"):
        assert not by_ref(rows, ref), ref


@needs_reference
def test_gold_evaluation_meets_thresholds(rows):
    result = evaluate_obligations(rows, GOLD_PATH)
    gold = load_gold(GOLD_PATH)
    assert result["gold_records"] == len(gold) >= 200
    assert all(g["polarity"] in POLARITIES and g["split"] in SPLITS for g in gold)
    rules, held_out = result["by_split"]["rules"], result["by_split"]["held_out"]
    # the articles the rules were written against: measured 1.00 for every field; a regression guard
    for field in ("actor", "modality", "polarity", "record"):
        assert rules[field]["precision"] >= 0.95, (field, rules[field])
        assert rules[field]["recall"] >= 0.95, (field, rules[field])
    assert rules["deadline"]["precision"] >= 0.9 and rules["deadline"]["recall"] >= 0.9, rules["deadline"]
    assert rules["restrictive_kept"]["kept"] == rules["restrictive_kept"]["gold"] >= 10
    # articles labelled after the rules and never tuned on (16, 18, 19, 22, 28, 33 since 13, 25-27, 30, 32
    # and Annex E were read to mend rules): floors a little under what was measured on its 15 records
    # (record P 0.94 / R 1.00, polarity P 0.94 / R 1.00) - the README reports these, not the above
    assert held_out["record"]["precision"] >= 0.78 and held_out["record"]["recall"] >= 0.63, held_out["record"]
    assert held_out["polarity"]["precision"] >= 0.9, held_out["polarity"]
    dev = result["by_split"]["dev"]  # measured record P 0.96 / R 0.90, polarity P 0.99 / R 0.93
    assert dev["record"]["precision"] >= 0.92 and dev["record"]["recall"] >= 0.85, dev["record"]
    assert dev["restrictive_kept"]["kept"] == dev["restrictive_kept"]["gold"], dev["restrictive_kept"]
    report = format_obligation_report(result, misses=True)
    assert "actor" in report and "deadline" in report and "Article 7" in report.replace("Art ", "Article ")
    # JSON dict rows (as stored in obligations.jsonl) score the same as objects
    assert evaluate_obligations([r.to_json() for r in rows], GOLD_PATH)["record"] == result["record"]


# ---- lifecycle: other document types, unchanged and removed documents ---------------------------------
@needs_reference
@needs_seed
def test_conference_text_yields_no_binding_obligations(index_settings, rows, convention_id):
    from ingest.pipeline import ingest_paths

    results = ingest_paths(SEEDS, index_settings, doc_type="conference-text")
    assert all(r.status == "added" and r.doc_type == "conference-text" for r in results), results
    seed_ids = {r.id for r in results}
    after = load_obligations(index_settings)
    assert not [r for r in after if r.doc_id in seed_ids and r.modality == "binding"]
    assert not [r for r in after if r.doc_id in seed_ids]
    # the Convention's rows were kept as they were (its chunks did not change)
    assert [r for r in after if r.doc_id == convention_id] == rows
    # the same text read directly: a conference text has no obligations, even with "must" in it
    doc = load_document(SEEDS[0], 25, doc_type="conference-text")
    assert "must" in " ".join(line.text for line in doc.lines)
    assert extract_obligations(chunk_document(doc, 1400, 200)) == []


@needs_reference
def test_reingesting_unchanged_document_keeps_the_table(index_settings, rows, convention_id):
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths

    store = IndexStore(index_settings)
    before_gen = store.pointer().generation
    before = load_obligations(index_settings)
    (result,) = ingest_paths([REFERENCE], index_settings)
    assert result.status == "unchanged"
    assert store.pointer().generation == before_gen
    assert load_obligations(index_settings) == before
    assert [r for r in before if r.doc_id == convention_id] == rows


@needs_reference
def test_removing_a_document_drops_its_rows(index_settings, rows, convention_id, tmp_path):
    from ingest.pipeline import ingest_paths, remove_document

    path = tmp_path / "widget-agreement.md"
    path.write_text(WIDGET_TREATY, encoding="utf-8")
    (result,) = ingest_paths([path], index_settings, doc_type="treaty")
    assert result.status == "added"
    widget = [r for r in load_obligations(index_settings) if r.doc_id == result.id]
    assert [(r.ref, r.actor, r.modality, r.deadline) for r in widget] == [
        ("Article 1(1)", "party", "binding", "every 2 years"),  # a cycle, not a time limit
        ("Article 1(2)", "secretariat", "binding", None),
        ("Article 2(1)", "party", "permissive", None),
    ]
    assert widget[0].topic == "reporting"

    assert remove_document(result.id, index_settings)
    after = load_obligations(index_settings)
    assert not [r for r in after if r.doc_id == result.id]
    assert [r for r in after if r.doc_id == convention_id] == rows


# ---- the CLI -------------------------------------------------------------------------------------------
@needs_reference
def test_cli_json_csv_and_markdown(index_settings):
    index = str(index_settings.index_dir)

    out = run_cli("obligations", "--index", index, "--topic", "ASGM", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["count"] == len(data["obligations"]) >= 5
    assert {o["topic"] for o in data["obligations"]} == {"ASGM"}
    assert any(o["ref"] == "Article 7(3)(b)" and o["deadline"] == "3 years" for o in data["obligations"])

    out = run_cli("obligations", "--index", index, "--topic", "ASGM", "--csv")
    assert out.returncode == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(table) == data["count"]
    assert {"ref", "actor", "modality", "deadline", "action", "sentence"} <= set(table[0])

    out = run_cli("obligations", "--index", index, "--topic", "ASGM", "--md")
    assert out.returncode == 0, out.stderr
    items = [line for line in out.stdout.splitlines() if line.startswith("- [ ] ")]
    assert len(items) == data["count"]
    assert any("(within 3 years) — Article 7(3)(b)" in line and "must submit its national action plan" in line
               for line in items)

    out = run_cli("obligations", "--index", index, "--actor", "cop", "--ref", "Article 8", "--modality", "binding")
    assert out.returncode == 0, out.stderr
    assert "Article 8(8)" in out.stdout and "first meeting" in out.stdout and "secretariat" not in out.stdout

    out = run_cli("obligations", "--index", index, "--topic", "no-such-topic")
    assert out.returncode == 2 and "unknown topic" in out.stderr

    out = run_cli("obligations", "--help")
    assert out.returncode == 0 and "--topic" in out.stdout and "--md" in out.stdout


@needs_seed
def test_cli_explains_an_index_without_obligations(tmp_path):
    index = tmp_path / "index"
    out = run_cli("ingest", str(SEEDS[0]), "--index", str(index), "--doc-type", "conference-text", "--quiet")
    assert out.returncode == 0, out.stderr
    out = run_cli("obligations", "--index", str(index))
    assert out.returncode == 0, out.stderr
    assert "has no obligations" in out.stdout and "--doc-type treaty" in out.stdout
    out = run_cli("obligations", "--index", str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "no index" in out.stderr


# ---- filters, formats, checklist (on the real rows) ---------------------------------------------------
@needs_reference
def test_filters_and_formats(rows):
    party = filter_obligations(rows, actor="party")
    assert {r.actor for r in party} == {"party", "party_conditional"}
    assert {r.actor for r in filter_obligations(rows, actor="conference")} == {"cop"}
    art7 = filter_obligations(rows, ref="Art. 7")
    assert art7 and all(r.ref.startswith("Article 7(") for r in art7)
    assert filter_obligations(rows, topic="gold") == filter_obligations(rows, topic="ASGM")
    assert {r.modality for r in filter_obligations(rows, modality="may")} == {"permissive"}
    with pytest.raises(ValueError):
        filter_obligations(rows, modality="sometimes")

    (row,) = by_ref(rows, "Article 4(1)")
    assert checklist_line(row) == f"- [ ] Each Party must {row.action} (by 2020) — Article 4(1)"
    md = to_markdown(art7, title="Article 7")
    assert md.startswith("## Article 7") and md.count("- [ ] ") == len(art7)
    dicts = [r.to_json() for r in art7]
    assert json.loads(to_json(art7)) == json.loads(to_json(dicts)) == {"obligations": dicts, "count": len(art7)}
    assert to_csv(art7) == to_csv(dicts)
    assert [Obligation.from_json(d) for d in dicts] == art7


@needs_reference
def test_checklist_picks_obligations_for_a_question(rows):
    picked = checklist("What must we do about artisanal gold mining?", rows, k=5)
    assert len(picked) == 5 and all(r.topic == "ASGM" for r in picked)
    assert "Article 7(3)(b)" in {r.ref for r in picked}
    waste = checklist("what must our country do about mercury waste disposal?", rows, k=4)
    assert waste and all(r.topic == "waste" and r.ref for r in waste)
    assert checklist("What must we do about Article 21?", rows, k=10)[0].ref.startswith("Article 21")
    assert checklist("zebra giraffe", rows) == []


# ---- extraction rules on small texts (no index) ------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("submit it no later than three years after entry into force", "3 years"),
    ("for a period of up to fifteen years after that date", "15 years"),
    ("reduce use by 50 per cent by 2020 compared to 2010", "2020"),
    ("shall at its first meeting adopt guidance", "first meeting"),
    ("provide a review every three years", "every 3 years"),
    ("within ninety days of the request", "90 days"),
    ("make the designation within a further two-month period", "2 months"),
    ("communicated at least six months before the meeting", "6 months"),
    ("to be approved by the second meeting of the Widget Conference", "second meeting"),
    ("as soon as practicable", "as soon as practicable"),  # only when no firmer limit is given
    ("as soon as practicable but no later than five years after entry into force", "5 years"),
    ("inform the Secretariat and the public without undue delay", "without undue delay"),
    ("thereafter provide a review every three years of the progress made", "every 3 years"),  # a cycle
    ("on the day the Convention enters into force for that State", None),
    ("shall not permit the export of widgets after 31 December 2030", "2030"),
    ("shall, upon the entry into force of this Agreement for it, designate a focal point", "entry into force"),
    ("communicate the proposal at least six months ahead of the meeting", "6 months"),
    ("adopt guidance no later than its third meeting", "third meeting"),
    ("hold an exemption once ten years have passed since the phase-out date", "10 years"),
])
def test_deadline_normalisation(text, expected):
    assert normalise_deadline(text) == expected


# A treaty-shaped text written for these tests: every way a treaty restricts instead of requiring.
RESTRICTING_TREATY = """# Agreement on Test Widgets

## Article 3 — Widget supply and trade

1. No Party may export widgets after 2030.

2. Each Party shall only allow widget mining that was being conducted on the date of entry into force of the Agreement for it, for a period of up to ten years after that date.

3. A Party may only choose this alternative if it has notified the Secretariat in writing.

4. The Conference of the Parties may decide to extend a widget permit for two years. A permit may only be extended once per widget.

5. For the purposes of this Agreement, information on widget safety shall not be regarded as confidential.

6. Each Party shall not allow the import of widgets except for research. Each Party may store widgets.

7. Notwithstanding paragraph 1, no State may register for a widget permit after five years after the phase-out date.

8. Each Party shall prohibit the import of widget paint for toys no later than 2031.

9. A Party may allow the sale of existing widget stocks, but only for up to two years after the phase-out date.

## Article 9 — Widget committee

1. The Committee shall consist of 9 members; its first widget members shall be elected at the first session of the Conference of the Parties.

2. The Conference of the Parties shall, by its second meeting:

a) Consider the widget reports of Parties; and

b) Adopt guidance on widget storage.

3. Each Party may develop a widget plan. A widget plan should be sent to the Secretariat as soon as it has been developed.

4. Each Party shall, by the second meeting of the Conference of the Parties:

a) Consider how its customs data can show widget imports;

b) Adopt a widget register.

5. Each Party shall, where feasible:

a) Label widgets sold in its territory;

b) Recycle widgets collected from households.

6. The Committee shall only consider a widget complaint if the Party concerned has been heard.

7. A widget plant shall be regarded as "new" if it started operating after entry into force of the Agreement.

8. Two or more Parties may agree on joint widget monitoring.

9. The Conference of the Parties shall:

a) Where appropriate, work with other widget bodies;

b) Keep widget wastes apart from other wastes, where that is technically feasible.

10. A Party may leave this Agreement by written notice, but not before three years have passed.

11. A Party may allow widget presses installed before entry into force to keep running, but not after 31 December 2035.

## Annex A — Widget procedure

### Part 2 — Listing further widgets

The Secretariat shall forward each complete proposal to the Conference of the Parties.
"""


def _restricting_rows(tmp_path) -> list[Obligation]:
    path = tmp_path / "widgets.md"
    path.write_text(RESTRICTING_TREATY, encoding="utf-8")
    doc = load_document(path, 25, doc_type="treaty")
    return extract_obligations(chunk_document(doc, 1400, 200))


def test_polarity_of_prohibitions_restrictions_and_permissions(tmp_path):
    found = {(o.ref, o.polarity): o for o in _restricting_rows(tmp_path)}
    labels = sorted((ref, pol, o.actor, o.modality) for (ref, pol), o in found.items())
    assert labels == sorted([
        ("Article 3(1)", "prohibition", "party", "binding"),      # the "No" goes with the subject
        ("Article 3(2)", "restriction", "party", "binding"),
        ("Article 3(3)", "restriction", "party", "permissive"),
        ("Article 3(4)", "permission", "cop", "permissive"),
        ("Article 3(4)", "restriction", "cop", "permissive"),     # actor-less "may only": who extends
        ("Article 3(5)", "prohibition", "party", "binding"),      # "For the purposes of …, … shall not"
        ("Article 3(6)", "prohibition", "party", "binding"),
        ("Article 3(6)", "permission", "party", "permissive"),
        ("Article 3(7)", "prohibition", "other", "binding"),      # "no State … may"
        ("Article 3(8)", "prohibition", "party", "binding"),      # "shall prohibit": a duty to ban is a ban
        ("Article 3(9)", "restriction", "party", "permissive"),   # "may …, but only for up to": held back
        ("Article 9(1)", "duty", "cop", "binding"),               # election duty beside "shall consist of"
        ("Article 9(2)(a)", "duty", "cop", "binding"),            # a body's "Consider" under a binding chapeau
        ("Article 9(2)(b)", "duty", "cop", "binding"),
        ("Article 9(3)", "permission", "party", "permissive"),
        ("Article 9(3)", "duty", "party_conditional", "soft"),
        ("Article 9(4)(a)", "duty", "party", "binding"),          # a Party given a date to "Consider": binding
        ("Article 9(4)(b)", "duty", "party", "binding"),
        ("Article 9(5)(a)", "duty", "party", "soft"),             # "shall, where feasible:" governs its items
        ("Article 9(5)(b)", "duty", "party", "soft"),
        ("Article 9(6)", "restriction", "committee", "binding"),  # "shall only consider … if": not an effort
        ("Article 9(8)", "permission", "party", "permissive"),    # "Two or more Parties may"
        ("Article 9(9)(a)", "duty", "cop", "soft"),               # an item opening "Where appropriate,"
        ("Article 9(9)(b)", "duty", "cop", "soft"),               # ", where that is technically feasible"
        ("Article 9(10)", "restriction", "party", "permissive"),  # "may …, but not before": held back
        ("Article 9(11)", "restriction", "party", "permissive"),  # "may …, but not after 2035": held back
        ("Annex A Part II", "duty", "secretariat", "binding"),    # "Part 2" numbers an annex part too
    ]), labels  # and no row for 9(7): "shall be regarded as new" classifies, it imposes nothing
    # the action keeps the treaty's own restricting words
    assert found[("Article 3(1)", "prohibition")].action.startswith("not export widgets after 2030")
    assert found[("Article 3(2)", "restriction")].action.startswith("only allow widget mining")
    assert "ten years" in found[("Article 3(2)", "restriction")].action  # the condition is not cut off
    assert found[("Article 3(3)", "restriction")].action.startswith("only choose this alternative if")
    assert found[("Article 3(4)", "restriction")].action.startswith("only allow a permit to be extended once")
    assert found[("Article 3(6)", "prohibition")].action.startswith("not allow the import of widgets")
    assert found[("Article 3(7)", "prohibition")].action.startswith("not register for a widget permit")
    assert found[("Article 3(8)", "prohibition")].action.startswith("prohibit the import of widget paint")
    assert found[("Article 3(8)", "prohibition")].deadline == "2031"
    # deadlines read from the timing phrases
    assert found[("Article 9(1)", "duty")].deadline == "first meeting"
    assert found[("Article 9(2)(a)", "duty")].deadline == "second meeting"
    assert found[("Article 9(3)", "duty")].deadline == "once developed"


# Thing-subjects and bodies the actor pattern once missed (from the misses of the fourth blind treaty):
# a late "only" after a thing-subject's "may", an amendment that "may only be adopted if", observers,
# a competent authority, and instruments lodged with the Depositary.
THING_SUBJECT_TREATY = """# Agreement on Test Widgets

## Article 5 — Recovered widgets

1. Each Party shall collect lost widgets.

2. Widgets collected from beaches may be reused only where they have been washed and checked.

## Article 8 — Changes

1. Parties shall endeavour to agree changes by consensus. Failing consensus, an amendment may only be adopted if three quarters of the Parties present and voting support it.

2. The United Nations and any State not party to this Agreement may attend meetings of the Conference of the Parties as observers.

3. Each instrument of ratification or accession shall be lodged with the Depositary.

4. The competent authority may ask for changes to a widget plan.
"""


def test_thing_subjects_observers_and_instruments(tmp_path):
    path = tmp_path / "widgets2.md"
    path.write_text(THING_SUBJECT_TREATY, encoding="utf-8")
    found = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    labels = sorted((o.ref, o.polarity, o.actor, o.modality) for o in found)
    assert labels == sorted([
        ("Article 5(1)", "duty", "party", "binding"),
        ("Article 5(2)", "restriction", "party", "permissive"),  # "may be reused only where"
        ("Article 8(1)", "duty", "party", "soft"),
        ("Article 8(1)", "restriction", "party_conditional", "permissive"),  # "an amendment may only be adopted if"
        ("Article 8(2)", "permission", "other", "permissive"),               # observers may attend
        ("Article 8(3)", "duty", "other", "binding"),                        # the joining State lodges it
        ("Article 8(4)", "permission", "other", "permissive"),               # a competent authority
    ]), labels
    reuse = next(o for o in found if o.ref == "Article 5(2)")
    assert "only where they have been washed" in reuse.action


PRIVATE_AGENT_TREATY = """# Convention on Widget Dust

## Article 4 — Work with widget dust

1. Employers shall not allow workers to eat or smoke where widget dust is removed.

2. A licensed contractor shall notify the competent authority before each removal job begins.

3. The owner of a building surveyed under paragraph 1 shall keep a register of the widget dust found.

4. Each Party shall require contractors to be licensed.
"""


def test_an_employer_an_owner_or_a_contractor_as_subject_is_the_actor_not_a_party(tmp_path):
    # the asbestos treaty (held_out12) bound employers, owners and contractors directly; they were read
    # as Parties because they are not treaty bodies
    path = tmp_path / "widgets3.md"
    path.write_text(PRIVATE_AGENT_TREATY, encoding="utf-8")
    found = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    labels = sorted((o.ref, o.polarity, o.actor) for o in found)
    assert labels == [("Article 4(1)", "prohibition", "other"), ("Article 4(2)", "duty", "other"),
                      ("Article 4(3)", "duty", "other"), ("Article 4(4)", "duty", "party")], labels


def test_checklists_and_tables_render_the_polarity(tmp_path):
    from assistant.fact_leads import obligation_text as _obligation_text
    from assistant.obligations import to_table

    rows = _restricting_rows(tmp_path)
    lines = {(r.ref, r.polarity): checklist_line(r) for r in rows}
    assert "Each Party must not export widgets" in lines[("Article 3(1)", "prohibition")]
    assert "Each Party must only allow widget mining" in lines[("Article 3(2)", "restriction")]
    assert "Each Party may only choose this alternative if" in lines[("Article 3(3)", "restriction")]
    assert "Each Party must not allow the import of widgets except for research" in lines[("Article 3(6)", "prohibition")]
    for r in rows:  # the assistant's checklist sentences never state a restricted action as a plain duty
        text = _obligation_text(r)
        if r.polarity == "prohibition":
            assert re.search(r"\b(?:must|may) not\b|\bmust (?:prohibit|ban|forbid)\b", text), text
        if r.polarity == "restriction":
            assert re.search(r"\b(?:must|may) only\b|\bbut (?:not (?:before|until|after)|only)\b", text), text
    table = to_table(rows)
    assert "polarity" in table.splitlines()[0] and "prohibition" in table and "restriction" in table
    assert {json.loads(to_json(rows))["obligations"][0]["polarity"]} <= set(POLARITIES)
    header = next(csv.reader(io.StringIO(to_csv(rows))))
    assert "polarity" in header
    assert {r.polarity for r in filter_obligations(rows, polarity="must not")} == {"prohibition"}
    with pytest.raises(ValueError):
        filter_obligations(rows, polarity="sometimes")


# "shall not allow", "may only be used", "No Party may have": the restricting word and the verb it governs.
_RESTRICTING_WORDS = re.compile(
    r"\b(?:shall|may|must)\s+(?P<word>not|only)\s+(?:be\s+)?(?P<verb>[a-z-]{3,})(?P<rest>(?:\s+[\w-]+){0,3})"
    r"|\b[Nn]o\s+(?:Party|State)\b[^.;:]{0,80}?\bmay\s+(?P<verb2>[a-z-]{3,})(?P<rest2>(?:\s+[\w-]+){0,3})")


@needs_reference
def test_no_row_drops_a_not_no_or_only_its_sentence_carries(rows):
    """For each "shall not / may only / No Party may" in a row's source sentence whose verb and
    object the row's action repeats, the action keeps the "not" / "only" and the polarity says so."""
    checked = 0
    for r in rows:
        for m in _RESTRICTING_WORDS.finditer(r.sentence):
            verb, rest = (m["verb"], m["rest"]) if m["verb"] else (m["verb2"], m["rest2"])
            word = m["word"] or "not"
            phrase = f"{verb}{rest}".strip()
            words = phrase.split()[:3]
            if not re.search(r"\b" + r"\s+".join(map(re.escape, words)), r.action):
                continue  # this row is another clause of the same sentence
            checked += 1
            assert re.search(rf"\b{word}\b", r.action), (r.ref, word, r.action)
            assert r.polarity == ("prohibition" if word == "not" else "restriction"), (r.ref, r.polarity, r.action)
    assert checked >= 10, checked


def test_cop_decision_and_other_document_types(tmp_path):
    path = tmp_path / "decision.md"
    path.write_text("# Decision MC-9/1: Test decision on storage\n\nThe Conference of the Parties,\n\n"
                    "1. Requests the Secretariat to prepare a study on interim storage practices by 2027;\n\n"
                    "2. Invites Parties to submit information on mercury waste to the Secretariat;\n\n"
                    "3. Decides that each Party shall report on its storage facilities every four years;\n\n"
                    "4. Notes the work of the expert group.\n", encoding="utf-8")
    doc = load_document(path, 25)
    assert doc.doc_type == "cop-decision"
    found = [(o.actor, o.modality, o.deadline) for o in extract_obligations(chunk_document(doc, 1400, 200))]
    assert found == [("secretariat", "binding", "2027"), ("party", "soft", None), ("party", "binding", "every 4 years")]
    for doc_type in ("guidance", "conference-text", "other"):
        doc = load_document(path, 25, doc_type=doc_type)
        assert extract_obligations(chunk_document(doc, 1400, 200)) == []


@needs_reference
def test_obligations_from_a_pdf_layout_of_the_convention(tmp_path):
    """The same text laid out as a PDF (running header, page numbers, wrapped lines, the annex
    tables as running text): same labels, real page numbers, phase-out years from the table text."""
    pdfmaker = pytest.importorskip("tests.pdfmaker")
    pytest.importorskip("fpdf")
    if not pdfmaker.UNICODE_FONT.is_file():
        pytest.skip(f"font {pdfmaker.UNICODE_FONT} not installed")
    pdf = tmp_path / "convention.pdf"
    layout = pdfmaker.markdown_to_pdf(REFERENCE, pdf)
    doc = load_document(pdf, 25, doc_type="treaty")
    found = extract_obligations(chunk_document(doc, 1400, 200))
    result = evaluate_obligations(found, GOLD_PATH, split="rules")  # the PDF must read like the Markdown
    for field in ("actor", "modality", "polarity", "deadline"):
        assert result[field]["precision"] >= 0.9 and result[field]["recall"] >= 0.9, (field, result[field])
    (nap,) = [o for o in found if o.ref == "Article 7(3)(b)"]
    assert nap.page == layout.get("Article 7(3)", nap.page) and nap.page is not None
    annex = [o for o in found if o.ref == "Annex A Part I"]
    assert len(annex) >= 9 and {o.deadline for o in annex} == {"2020"}
    assert [o.deadline for o in found if o.ref == "Article 4(1)"] == ["2020"]


# A treaty-shaped text written for these tests (not from any real treaty): dispute procedures in an
# annex with its own articles, passives whose actor comes from context, chapeaux that state a duty of
# their own, and items that are sentences of their own.
PROCEDURE_TREATY = """# Agreement on Test Widgets

## Article 4 — Widget amendments

1. Amendments to this Agreement may be proposed by any Party.

2. Amendments to this Agreement shall be adopted at a regular meeting of the Conference of the Parties. A proposed amendment's wording shall be sent to the Parties by the Secretariat at least three months before that meeting.

3. The following steps shall apply to new widget annexes:

a) Any Party that objects to a new widget annex shall so inform the Depositary within six months of its circulation; and

b) Such annexes shall enter into force for the remaining Parties one year later.

4. Any State may join the widget register by writing to the Secretariat:

a) When it joins this Agreement; or

b) No later than the date upon which a new widget annex enters into force for it.

5. The Conference of the Parties shall review the register regularly. It shall perform the tasks given to it by this Agreement and, for that purpose, shall:

a) Publish a widget report; and

b) Consult widget makers.

## Article 5 — Widget reservations

1. No exceptions may be made to this Agreement.

2. The lapse of a widget annex shall in no way affect proceedings already begun.

3. Each Party shall promote:

a) research on widget alternatives;

b) the training of widget inspectors.

4. Each Party shall take due account of:

a) the widget register; and

b) the reports of the panel.

## Annex E — Widget panel procedure

### Part I — Panel procedure

#### Article 1

1. The claimant party shall tell the Secretariat that it is taking a widget dispute to the panel. Unless the panel decides otherwise, the parties to the dispute shall pay the costs of the panel equally.

2. If a dispute is sent to the panel, a widget panel shall be established. Each party to the dispute shall name one panellist, and the two arbitrators so named shall choose the chair.

#### Article 2

1. Each party to the dispute shall pay its panellist. The President of the panel shall not be a national of any party to the dispute.

2. Any vacancy shall be filled as for the first appointment.

#### Article 3

If one of the parties to the dispute does not name a panellist within one month, the other party may ask the Depositary, who shall name the panellist within a further one-month period.

#### Article 4

Decisions of the arbitral tribunal shall be taken by a majority of its members. It may set its own timetable. Absence of a party shall not constitute a bar to the proceedings.

#### Article 5

The parties to the dispute and the two arbitrators are under an obligation to keep every widget secret they learn. In particular, they shall endeavour to answer questions. The arbitral tribunal may hear the views the parties to the dispute may express.

#### Article 6

The parties to the dispute shall help the arbitral tribunal and, in particular, using all means available, shall:

a) Give it all widget documents; and

b) Let it hear widget experts.
"""


@pytest.fixture(scope="module")
def procedure_rows(tmp_path_factory) -> list[Obligation]:
    path = tmp_path_factory.mktemp("procedure") / "widget-procedure.md"
    path.write_text(PROCEDURE_TREATY, encoding="utf-8")
    doc = load_document(path, 25, doc_type="treaty")
    return extract_obligations(chunk_document(doc, 1400, 200))


def _labels(rows, ref):
    return sorted((r.actor, r.modality, r.polarity, r.deadline) for r in rows if r.ref == ref)


ANNEX = "Annex E Part I Article "


@pytest.mark.parametrize("ref, expected, rule", [
    # an instrument as subject of a passive with an actor as agent: the agent's permission or duty
    ("Article 4(1)", [("party", "permissive", "permission", None)], "instrument passive, agent 'by any Party'"),
    ("Article 4(2)", [("cop", "binding", "duty", None), ("secretariat", "binding", "duty", "3 months")],
     "agent 'at a meeting of'; 'three months before'"),
    # an item with an actor as subject under a chapeau that is not "… shall:" is its own sentence
    ("Article 4(3)(a)", [("party_conditional", "binding", "duty", "6 months")], "item with its own subject"),
    # the timing phrase of an item times the obligation of a non-"shall:" chapeau
    ("Article 4(4)", [("other", "permissive", "permission", "entry into force")], "deadline from the items"),
    # a "… shall:" chapeau that first states a duty of its own; "It" is the previous actor, for the items too
    ("Article 4(5)", [("cop", "binding", "duty", None), ("cop", "binding", "duty", None)], "chapeau lead duty"),
    ("Article 4(5)(a)", [("cop", "binding", "duty", None)], "chapeau 'It … shall:' after a sentence naming it"),
    ("Article 5(1)", [("party", "binding", "prohibition", None)], "'No X may be made' forbids"),
    ("Article 5(2)", [], "'shall in no way affect' is scope"),
    # a chapeau whose items are the objects of its verb: one whole row per item, none left as "promote …"
    ("Article 5(3)", [], "object list said item by item"),
    ("Article 5(3)(a)", [("party", "binding", "duty", None)], "object list item (a)"),
    ("Article 5(3)(b)", [("party", "binding", "duty", None)], "object list item (b)"),
    # matters to weigh are not separate duties
    ("Article 5(4)", [("party", "binding", "duty", None)], "'take due account of: (a) …' stays one duty"),
    ("Article 5(4)(a)", [], "matters to weigh are not split"),
    # dispute roles: lower-case "party", "to the dispute", "claimant party" bind only those Parties;
    # a mention inside "Unless …," is not the main clause's subject
    (ANNEX + "1(1)", [("party_conditional", "binding", "duty", None)] * 2, "dispute parties; 'Unless X …, the costs'"),
    # an indefinite body before a passive is set up, not acting; ", and the two arbitrators so named shall"
    (ANNEX + "1(2)", [("other", "binding", "duty", None)] + [("party_conditional", "binding", "duty", None)] * 2,
     "'a panel shall be established'; coordinated new subject"),
    # "shall not be a national": says what the chair is; the vacancy is filled by the dispute parties
    (ANNEX + "2(1)", [("other", "binding", "prohibition", None), ("party_conditional", "binding", "duty", None)],
     "the chair's prohibition"),
    (ANNEX + "2(2)", [("party_conditional", "binding", "duty", None)], "a describing clause hands on no actor"),
    # "the other party may ask X, who shall …": the antecedent acts; "a further one-month period"
    (ANNEX + "3", [("other", "binding", "duty", "1 month"), ("party_conditional", "permissive", "permission", "1 month")],
     "relative clause on an actor"),
    # each annex article is its own context: "Decisions of the tribunal" name whose act it is; "It may";
    # "shall not constitute" is a status
    (ANNEX + "4", [("other", "binding", "duty", None), ("other", "permissive", "permission", None)],
     "owner of the subject, pronoun subject, negated status verb"),
    # "X and Y are under an obligation to": one duty each; "they shall endeavour" is the previous actor's;
    # "the views the parties may express" grants nothing
    (ANNEX + "5", [("party_conditional", "binding", "duty", None), ("other", "binding", "duty", None),
                   ("party_conditional", "soft", "duty", None), ("other", "permissive", "permission", None)],
     "'are under an obligation to', coordinated subjects"),
    (ANNEX + "6", [("party_conditional", "binding", "duty", None)], "chapeau lead duty of the dispute parties"),
    (ANNEX + "6(a)", [("party_conditional", "binding", "duty", None)], "items of the dispute parties' chapeau"),
])
def test_procedures_passives_and_chapeaux(procedure_rows, ref, expected, rule):
    assert _labels(procedure_rows, ref) == sorted(expected), (rule, [(r.actor, r.modality, r.polarity, r.deadline,
                                                                       r.action) for r in procedure_rows if r.ref == ref])


def test_procedure_actions_keep_their_words(procedure_rows):
    found = {(r.ref, r.actor, r.polarity): r for r in procedure_rows}
    assert found[("Article 5(1)", "party", "prohibition")].action.startswith("not allow exceptions to be made")
    assert found[(ANNEX + "3", "other", "duty")].action.startswith("name the panellist")
    assert found[(ANNEX + "3", "party_conditional", "permission")].action.startswith("ask the Depositary")
    assert found[(ANNEX + "4", "other", "permission")].action.startswith("set its own timetable")
    assert [r.action for r in procedure_rows if r.ref == ANNEX + "6"] == ["help the arbitral tribunal"]
    assert [r.action for r in procedure_rows if r.ref == "Article 4(5)"][1].startswith("perform the tasks")


@pytest.mark.parametrize("folder, floors", [
    # the first blind treaty: 0.975 found, 0.949 modality at its first run; its misses were then read
    # and mended (a dev set since), so its floors guard those rules
    ("obligations_heldout2", (("found", 0.98), ("polarity", 0.98), ("modality", 0.98), ("record", 0.88))),
    # the second blind treaty: found P/R 0.987/0.854 at its first run (its "Part 2" annex unread), then
    # 0.988/0.955 once annex parts numbered "2" were parsed; a few misses were mended after that
    ("obligations_heldout3", (("found", 0.95), ("polarity", 0.95), ("modality", 0.95), ("record", 0.84))),
    # the third blind treaty (lead paints): found P/R 0.893/0.920, polarity 0.864/0.890, 22 of 26 restrictive
    # rows kept at its first run; "shall prohibit" and "may …, but only for" then read as a ban and a
    # restriction (25 of 26). Its gold labels passives "other" and splits "shall promote: (a) …" chapeaux
    # into items, where the Convention's gold does neither: its actor and record figures stay low
    ("obligations_heldout4", (("found", 0.88), ("polarity", 0.88), ("modality", 0.88), ("record", 0.70))),
    # the fourth blind treaty (plastic pellets): found P/R 0.972/0.874, record 0.729/0.655, 28 of 30
    # restrictive rows kept at its first run; its misses were read a session later (thing-subjects'
    # "may … only where", "an amendment may only be adopted if", observers): 0.973/0.916, 30/30
    ("obligations_heldout5", (("found", 0.90), ("polarity", 0.90), ("modality", 0.90), ("record", 0.66))),
    # the fifth blind treaty (obsolete pesticides), run once and not read: found P/R 0.895/0.940,
    # record 0.762/0.800, 28 of 28 restrictive rows kept
    ("obligations_heldout6", (("found", 0.88), ("polarity", 0.88), ("modality", 0.88), ("record", 0.74))),
    # the sixth blind treaty (ship recycling): found P/R 0.970/1.000, polarity 0.960/0.990, 28 of 29
    # restrictive rows kept at its first run; its one miss ("may accept … only where …", far from the
    # verb) was read and mended a session later: 29/29
    ("obligations_heldout7", (("found", 0.95), ("polarity", 0.95), ("modality", 0.95), ("record", 0.76))),
    # the seventh blind treaty (battery recycling): found 0.990/0.990, polarity 0.960, 27 of 31
    # restrictive rows kept at its first run; its misses were read a session later ("only where" after
    # "a State that", "ensure that … only at", "No national action plan may …"): 31/31, found 0.990/1.000
    ("obligations_heldout8", (("found", 0.95), ("polarity", 0.95), ("modality", 0.95), ("record", 0.78))),
    # the eighth blind treaty (used solvents and spent catalysts): found 0.952/1.000, polarity 0.943/0.990,
    # 27 of 28 restrictive rows kept at its first run; its one miss ("may allow …, but not after 2035")
    # was read and mended a session later: 28/28
    ("obligations_heldout9", (("found", 0.93), ("polarity", 0.93), ("modality", 0.93), ("record", 0.75))),
])
def test_a_treaty_written_blind_to_the_rules_keeps_every_prohibition_and_restriction(tmp_path, folder, floors):
    """evals/obligations_heldout2 to 9: fictional treaties and their gold, each written by a helper
    who never saw the rules. Floors sit a little under the measured figures, except the restrictive
    rows: every prohibition and restriction must stay kept."""
    from ingest.pipeline import ingest_paths

    name, folder = folder, Path(__file__).resolve().parents[1] / "evals" / folder
    settings = Settings.load(index_dir=tmp_path / "index")
    (result,) = ingest_paths([folder / "treaty.md"], settings, doc_type="treaty")
    assert result.status == "added", result
    scored = evaluate_obligations(load_obligations(settings), folder / "gold.jsonl")
    kept = scored["restrictive_kept"]
    assert kept["gold"] >= 15 and kept["kept"] == kept["gold"], kept
    for field, floor in floors:
        assert scored[field]["precision"] >= floor and scored[field]["recall"] >= floor, (field, scored[field])


def test_an_object_list_item_reads_as_a_whole_duty(procedure_rows):
    """"Each Party shall promote: (a) research on …" gives "promote research on …", never "promote …"."""
    actions = {r.ref: r.action for r in procedure_rows if r.ref.startswith("Article 5(3)")}
    assert actions == {"Article 5(3)(a)": "promote research on widget alternatives",
                       "Article 5(3)(b)": "promote the training of widget inspectors"}
    assert not any(r.action.endswith("…") for r in procedure_rows if r.ref.startswith("Article 5(3)"))


def test_a_deadline_is_added_once_and_an_event_is_not_read_as_a_date():
    # the action that already says when gets no second, bracketed deadline ("(within 5 years)" beside
    # "no later than five years after"); an event deadline is not "by once developed"
    said = "Each Party must require BAT no later than five years after the Convention binds it"
    assert with_deadline(said, "5 years") == said
    assert with_deadline("Each Party must transmit its plan", "once developed") == \
        "Each Party must transmit its plan (once developed)"
    assert with_deadline("Each Party must report", "2031") == "Each Party must report (by 2031)"
    assert with_deadline("Each Party must report", None) == "Each Party must report"


def test_a_far_only_if_restricts_but_the_content_of_a_declaration_does_not():
    """From the misses of the sixth blind treaty: "may accept, for existing ships, an inventory
    limited to … only where a full survey is not feasible" is a restriction however far the "only
    where" sits from the verb; what a Party "may declare that …" holds is its act's content."""
    from ingest.obligations.grammar import polarity_of

    assert polarity_of("permissive", "accept, for existing widgets, a register limited to the items listed in "
                                     "Part I of Annex A only where a full survey is not feasible") == "restriction"
    assert polarity_of("permissive", "declare that an amendment to an annex binds it only upon the deposit of "
                                     "its instrument") == "permission"
    assert polarity_of("permissive", "accept a register of the items listed in Part I") == "permission"


def test_a_state_as_a_noun_an_ensured_only_and_a_negated_thing_subject_restrict():
    """From the misses of the seventh blind treaty: "to a State that is not a Party only where …" is a
    restriction (the noun "State" reports nothing); so is a duty to ensure that something happens
    "only at" permitted places; "No national action plan may provide for …" is a ban."""
    from ingest.obligations.grammar import polarity_of

    assert polarity_of("permissive", "export spent widgets to a State that is not a Party only where that "
                                     "State has certified sound treatment") == "restriction"
    assert polarity_of("binding", "take measures to ensure that spent widgets are treated only at licensed "
                                  "plants") == "restriction"
    assert polarity_of("binding", "take measures to ensure that not only widgets but also parts are "
                                  "treated") == "duty"
    assert polarity_of("binding", "take measures to ensure that widgets are treated") == "duty"


def test_a_negated_thing_subject_with_may_is_a_prohibition(tmp_path):
    from ingest.pipeline import ingest_paths

    doc = tmp_path / "widgets.md"
    doc.write_text("# Widget Treaty\n\n## Article 4 — Plans\n\n1. Each Party shall prepare a widget plan.\n\n"
                   "2. No widget plan may provide for moving widget dumps to another State.\n", encoding="utf-8")
    settings = Settings.load(index_dir=tmp_path / "index")
    ingest_paths([doc], settings, doc_type="treaty")
    rows = {r.ref: r for r in load_obligations(settings)}
    assert rows["Article 4(2)"].polarity == "prohibition" and rows["Article 4(2)"].modality == "binding", rows
    assert "not" in rows["Article 4(2)"].action, rows["Article 4(2)"]


def test_a_scope_the_sentence_opens_with_stays_in_the_action():
    """"For its new sources, each Party shall require …" binds for new sources only: a row (and a
    checklist item) without the scope reads as a duty for every source."""
    from ingest.obligations.extract import _with_scope

    sentence = "For its new widget plants, each Party shall require the use of best techniques."
    assert _with_scope("require the use of best techniques", sentence) == \
        "require, for its new widget plants, the use of best techniques"
    # "For the purposes of …" defines, it does not limit; a scope the action already holds is not repeated
    assert _with_scope("not allow exports", "For the purposes of this Article, each Party shall not allow "
                                            "exports.") == "not allow exports"
    assert _with_scope("require it for its new widget plants", sentence) == "require it for its new widget plants"


def test_a_second_condition_does_not_open_the_rendered_action(rows):
    # Article 25(6): "If …, and if they have not settled it within twelve months …, the dispute shall be
    # submitted …" once rendered as "must ensure that and if …" in an answer's opening
    found = by_ref(rows, "Article 25(6)")
    assert found and all(not re.match(r"ensure that (?:and|or)\b", o.action) for o in found), [o.action for o in found]
    assert any("twelve months" in o.action for o in found)


# an annex part whose measures are gerund items under "… shall include the following:" (items on lines of
# their own) or "… shall apply the following measures: (i) …" (the chunker leaves the chapeau on the
# first item's line); worded for this test
_MEASURES_ANNEX = """# Widget Treaty

## Article 3 — Measures

1. Each Party shall take the measures set out in Annex A.

## Annex A — Measures

### Part I — Plant measures subject to Article 3

Measures taken by a Party under Article 3 for widget plants shall include each of the following:

i) Requiring that each plant keep a widget log;

ii) Not allowing widgets to be burnt in the open;

iii) Allowing night shifts only where the plant is fenced;

iv) Endeavouring to give workers access to protective gear.

### Part II — Depot measures subject to Article 3

In giving effect to Article 3, each Party shall apply the following measures: (i) Requiring that each depot be locked;
(ii) Not allowing depots near schools;
(iii) Where feasible, requiring covered storage.

### Part III — Yard measures subject to Article 3

Each Party that has a widget yard within its territory shall apply the following measures to that yard:

(i) Requiring a fence around the yard;

(ii) Not allowing widget dust to be sold except to a licensed recycler.

### Part IV — Conditions for exempted yards

In giving effect to Article 3, each Party shall apply the following conditions to every yard that grinds widgets under an exemption:

(i) Requiring dust to be measured every three months;

(ii) Not permitting open burning of widget scrap.
"""


def test_gerund_measures_under_an_include_or_apply_chapeau_are_each_a_row(tmp_path):
    path = tmp_path / "widgets.md"
    path.write_text(_MEASURES_ANNEX, encoding="utf-8")
    rows = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    by_part = {part: [(r.polarity, r.modality, r.action) for r in rows if r.ref == f"Annex A {part}"]
               for part in ("Part I", "Part II")}
    plant, depot = by_part["Part I"], by_part["Part II"]
    assert [(p, m) for p, m, _ in plant] == [("duty", "binding"), ("prohibition", "binding"),
                                             ("restriction", "binding"), ("duty", "soft")], plant
    assert plant[1][2].startswith("not allow widgets") and "only where" in plant[2][2], plant
    assert [(p, m) for p, m, _ in depot] == [("duty", "binding"), ("prohibition", "binding"), ("duty", "soft")], depot
    assert depot[2][2].startswith("where feasible, require"), depot  # the qualifier stays with the action
    # "… shall apply the following measures to that yard:": each item a row, for the Parties the chapeau names
    yard = [(r.actor, r.polarity, r.action) for r in rows if r.ref == "Annex A Part III"]
    assert [(a, p) for a, p, _ in yard] == [("party_conditional", "duty"), ("party_conditional", "prohibition")], yard
    assert yard[1][2].startswith("not allow widget dust") and "except to a licensed recycler" in yard[1][2], yard
    # (the same with "the following conditions to <a long object>:")
    exempted = [(r.polarity, r.deadline, r.action) for r in rows if r.ref == "Annex A Part IV"]
    assert [p for p, _, _ in exempted] == ["duty", "prohibition"], exempted
    assert exempted[0][1] and exempted[1][2].startswith("not permit open burning"), exempted
    # no row is the chapeau alone
    assert not any("following" in r.action for r in rows), [r.action for r in rows]


_PURPOSE_AND_QUALIFIERS = """# Widget Agreement

## Article 4 — Assistance

1. Developed-country Parties shall assist other Parties with widget recovery.

2. For the purposes of paragraph 1, Parties may, inter alia:

(a) Lend recovery kits to widget depots;

(b) Second experts to regional centres.

## Article 5 — Information

1. Each Party shall facilitate the exchange of:

(a) Technical information on widget recovery;

(b) Where feasible, information on illegal trade in widgets.

## Article 9 — Withdrawal

3. A withdrawing Party shall continue to be bound by Article 5 in respect of widgets recovered before its withdrawal took effect.

## Annex A — Depot measures

In giving effect to Article 5, each Party shall apply the following measures:

(i) Not permitting widgets of different grades to be mixed in one crate;

(ii) Permitting recovered widgets to be kept at a depot only for up to six months.
"""


def test_a_purpose_clause_an_object_qualifier_and_a_withdrawing_party_are_read(tmp_path):
    path = tmp_path / "purposes.md"
    path.write_text(_PURPOSE_AND_QUALIFIERS, encoding="utf-8")
    rows = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    got = {r.ref: (r.actor, r.modality, r.polarity, r.action) for r in rows}
    # "For the purposes of paragraph 1, Parties may, inter alia:" is no definition: each item is a permission
    assert got["Article 4(2)(a)"][1:3] == ("permissive", "permission"), got
    assert got["Article 4(2)(b)"][1:3] == ("permissive", "permission"), got
    # "Where feasible," softens that one object, and the action keeps it
    assert got["Article 5(1)(b)"][1] == "soft" and got["Article 5(1)(b)"][3].startswith("where feasible, "), got
    assert got["Article 5(1)(a)"][1] == "binding", got
    # a Party named by what it is doing is a Party that meets a condition
    assert got["Article 9(3)"][:3] == ("party_conditional", "binding", "duty"), got
    # "Not permitting …" is a prohibition, "Permitting … only for up to six months" a restriction
    annex = [(r.polarity, r.action) for r in rows if r.ref.startswith("Annex A")]
    assert [p for p, _ in annex] == ["prohibition", "restriction"], annex
    assert annex[1][1].startswith("permit recovered widgets") and "only for up to six months" in annex[1][1], annex


_NEGATED_OPERATORS = """# Widget Agreement

## Article 6 — Depots

2. No depot keeper shall crush widgets unless it holds a licence issued under paragraph 1.

3. No later than 2031, each Party shall license every widget depot in its territory.

## Article 19 — Committee

6. The Party concerned may take part in the Committee's discussion of its case, but shall not vote on the Committee's findings on that case.
"""


def test_a_negated_subject_of_any_kind_forbids_and_a_but_clause_keeps_its_own_modal(tmp_path):
    path = tmp_path / "negated.md"
    path.write_text(_NEGATED_OPERATORS, encoding="utf-8")
    rows = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    got = {}
    for r in rows:
        got.setdefault(r.ref, []).append((r.modality, r.polarity, r.action))
    # "No depot keeper shall crush …" is a ban on whoever keeps a depot, not a duty to crush
    assert got["Article 6(2)"] == [("binding", "prohibition", got["Article 6(2)"][0][2])], got
    assert got["Article 6(2)"][0][2].startswith("ensure that no depot keeper crush widgets unless"), got
    # "No later than 2031" is a deadline, not a negation
    assert [p for _, p, _ in got["Article 6(3)"]] == ["duty"], got
    # "may take part …, but shall not vote …": a permission and a prohibition
    assert [(m, p) for m, p, _ in got["Article 19(6)"]] == [("permissive", "permission"), ("binding", "prohibition")], got
    assert got["Article 19(6)"][1][2].startswith("not vote"), got


def test_a_deadline_set_between_commas_leaves_the_action_whole(tmp_path):
    """A timing phrase and an "and thereafter …" clause set between commas after the verb leave the duty
    whole ("assess the adequacy of funding", by the second meeting), not "assess and thereafter …"."""
    path = tmp_path / "funds.md"
    path.write_text("# Widget Convention\n\n## Article 4 — Funds\n\n1. The Conference of the Parties shall assess, no "
                    "later than at its second meeting, and thereafter at regular intervals, the adequacy of funding "
                    "for widget removal.\n", encoding="utf-8")
    [row] = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    assert row.action == "assess the adequacy of funding for widget removal", row.action
    assert row.deadline == "second meeting"


def test_items_after_unless_are_exceptions_not_duties(tmp_path):
    """"shall take measures to ensure that widgets are not imported …, unless the import is for: (a) …; (b) …"
    is one duty with its exceptions, not one duty per exception."""
    path = tmp_path / "imports.md"
    path.write_text("# Widget Convention\n\n## Article 6 — Imports\n\n1. Each Party shall take measures to ensure that "
                    "widgets are not imported into its territory after the phase-out date, unless the import is for:\n\n"
                    "(a) A use for which the importing Party has registered an exemption; or\n\n"
                    "(b) Environmentally sound disposal.\n", encoding="utf-8")
    rows = extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))
    assert [r.ref for r in rows] == ["Article 6(1)"], [(r.ref, r.action) for r in rows]
    assert "not imported" in rows[0].action


def test_an_item_that_is_a_chapeau_gives_each_sub_item_its_own_row(tmp_path):
    """"Each Party shall, within five years: … (b) Assess, at each site identified: (i) Whether …; (ii) Whether …"
    is one duty per sub-item, each with the item's verb, not a cut row "assess, at each site identified"."""
    path = tmp_path / "sites.md"
    path.write_text("# Widget Convention\n\n## Article 10 — Sites\n\n1. Each Party shall, within five years of the entry "
                    "into force of this Convention for it:\n\n(a) Identify sites where widgets were dumped;\n\n"
                    "(b) Check, at each site identified:\n\n(i) Whether wells nearby are polluted;\n\n(ii) Whether "
                    "crops or livestock are at risk;\n\n(c) In respect of every polluted well:\n\n(i) Mark the well "
                    "for local users;\n\n(ii) Inform the households that use it.\n", encoding="utf-8")
    rows = {r.ref: r for r in extract_obligations(chunk_document(load_document(path, 25, doc_type="treaty"), 1400, 200))}
    assert set(rows) == {"Article 10(1)(a)", "Article 10(1)(b)(i)", "Article 10(1)(b)(ii)", "Article 10(1)(c)(i)",
                         "Article 10(1)(c)(ii)"}, sorted(rows)
    assert rows["Article 10(1)(b)(ii)"].action.startswith("check whether crops or livestock are at risk")
    assert rows["Article 10(1)(c)(i)"].action == "mark the well for local users"
    assert all(r.actor == "party" and r.deadline == "5 years" for r in rows.values())
