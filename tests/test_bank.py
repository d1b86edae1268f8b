"""The question bank and the amendments note: parsing, their checks against ../shared, the
amended Annex entries the obligation finder shows, and the scope classifier's fit."""

from __future__ import annotations

import json

import pytest

from assistant.amendments import (amended_asked, amended_entries, amended_sentence, amended_verdict, amendments_for,
                                  decision_facts,
                                  entries_about, entries_asked_for, entries_list_sentence, facts_asked,
                                  meetings_by_place)
from assistant.scope import ScopeClassifier
from evals.bank_check import AMENDMENTS, check_amendments, check_bank, load_bank
from evals.scope_fit import CLASSES, choose_threshold, fit_softmax, softmax
from ingest.bank import BankError, BankLexicon, key_text, parse_bank
from ingest.models import Chunk, Line
from ingest.refs import Ref

ENTRY = """# Question bank: test

## thermometers
- kind: yes-no
- refs: Article 4(1); Annex A Part I
- facts: 2020
- Q: Can our hospital still buy mercury thermometers?
- Q: Are mercury fever thermometers banned?
- Q: Which thermometers does Annex A phase out?

No. Parties may not allow them to be made, imported or exported after 2020 [Article 4(1); Annex A Part I].
"""


def _lines(text: str) -> list[Line]:
    return [Line(t) for t in text.splitlines()]


def test_an_entry_is_parsed_with_its_phrasings_refs_and_answer():
    [e] = parse_bank(_lines(ENTRY))
    assert e.id == "thermometers" and e.kind == "yes-no" and e.answerable
    assert e.refs == ("Article 4(1)", "Annex A Part I") and e.facts == ("2020",)
    assert len(e.questions) == 3 and e.sentences[0].startswith("No.")


@pytest.mark.parametrize("broken, problem", [
    (ENTRY.replace("- kind: yes-no", "- kind: maybe"), "kind must be one of"),
    (ENTRY.replace("- refs: Article 4(1); Annex A Part I", "- refs: Article 4 paragraph 1"), "refs"),
    (ENTRY.replace("## thermometers", "## Thermometers Entry"), "lower case"),
    (ENTRY + ENTRY.split("\n", 2)[2], "appears twice"),
    (ENTRY.replace("- refs: Article 4(1); Annex A Part I\n", "") , "needs refs"),
])
def test_a_malformed_entry_is_refused_with_its_name(broken, problem):
    with pytest.raises(BankError, match=problem):
        parse_bank(_lines(broken))


def test_the_treaty_name_is_not_what_a_question_is_about():
    assert key_text("Who is the depositary of the Minamata Convention on Mercury?") == \
        "Who is the depositary of the Convention ?"
    assert key_text("Is the mercury treaty binding?") == "Is the Convention binding?"


def test_the_bundled_bank_is_large_and_covers_every_provision():
    entries = load_bank()
    assert len(entries) >= 200 and sum(len(e.questions) for e in entries) >= 600
    refs = {Ref.parse(r) for e in entries for r in e.refs}
    for n in range(1, 36):
        assert any(Ref.of_article(n).contains(r) for r in refs), f"no entry on Article {n}"
    for letter in "ABCDE":
        assert any(Ref.of_annex(letter).contains(r) for r in refs), f"no entry on Annex {letter}"
    assert any(Ref.parse("Preamble") == r for r in refs)
    reasons = {e.reason for e in entries if not e.answerable}
    assert {"parties-status", "national-law", "later-decision", "health-advice", "market-data", "science",
            "household"} <= reasons


def test_the_bundled_bank_passes_its_checks(reference_md):
    report = check_bank(reference_md.parent.parent)
    assert report.ok, "\n".join(report.problems[:20])
    assert report.refs_checked > 1000


def test_the_bank_check_catches_a_yes_that_contradicts_a_prohibition(reference_md, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(ENTRY.replace("No. Parties may not", "Yes. Parties may"), encoding="utf-8")
    report = check_bank(reference_md.parent.parent, [bad])
    assert any("prohibits" in p for p in report.problems), report.problems
    copied = tmp_path / "copied.md"
    official = " ".join(next(line for line in reference_md.read_text(encoding="utf-8").splitlines()
                             if len(line.split()) > 20).split()[:16])  # read at test time, never stored
    copied.write_text(ENTRY.replace("No. Parties may not allow them to be made, imported or exported after 2020",
                                    f"No. {official} after 2020"), encoding="utf-8")
    assert any("copied" in p for p in check_bank(reference_md.parent.parent, [copied]).problems)


def test_the_amendments_note_only_states_facts_from_the_facts_file(reference_md):
    report = check_amendments(reference_md.parent.parent)
    assert report.ok, "\n".join(report.problems[:20])
    assert report.numbers_checked > 100


def test_amended_entries_are_linked_to_the_annex_rows_they_change():
    text = AMENDMENTS.read_text(encoding="utf-8")
    section = text[text.index("## 2013 text and current state"):]
    chunk = Chunk(id="c1", doc_id="annex-amendments", doc_title="Amendments", doc_type="guidance",
                  ref="Annex A Part I", heading="x", heading_path=("x",), text=section, page_start=None,
                  page_end=None, ordinal=0)
    entries = amended_entries([chunk])
    assert {"Batteries", "Cosmetics", "Dental amalgam"} <= {e.name for e in entries}
    [batteries] = amendments_for("Annex A Part I", "not allow the manufacture of batteries, except button cells",
                                 entries)
    assert batteries.decisions == ["Decision MC-5/4"] and "2025" in batteries.summary()
    assert amendments_for("Annex A Part I", "not allow the manufacture of high pressure mercury vapour lamps",
                          entries) == []
    assert amendments_for("Article 4(1)", "batteries", entries) == []  # only Annex A/B rows


def _note_entries():
    text = AMENDMENTS.read_text(encoding="utf-8")
    chunk = Chunk(id="c1", doc_id="annex-amendments", doc_title="Amendments", doc_type="guidance",
                  ref="Annex A Part I", heading="x", heading_path=("x",),
                  text=text[text.index("## 2013 text and current state"):], page_start=None, page_end=None, ordinal=0)
    return amended_entries([chunk])


@pytest.mark.parametrize("question, names", [
    ("When do mercury vacuum pumps have to be phased out?", {"Mercury vacuum pumps"}),
    ("Are skin-lightening creams with mercury still allowed?", {"Cosmetics"}),
    ("Is mercury satellite thruster propellant banned?", {"Satellite and spacecraft propellant"}),
    ("What about tyre balancers?", {"Tire balancers and wheel weights"}),
    ("By when must halophosphate fluorescent tubes stop being made?", {"Halophosphate linear lamps"}),
    ("When do circular and U-shaped fluorescent lamps go?", {"Non-linear lamps (U-bend, circular)"}),
    ("When do straight linear fluorescent tubes go?", {"Halophosphate linear lamps", "Triband linear lamps"}),
    ("When do straight fluorescent tubes go?", {"Halophosphate linear lamps", "Triband linear lamps"}),
    # "straight to" is no tube
    ("Can a Party take a complaint straight to the Implementation and Compliance Committee?", set()),
    ("Are CCFL backlights in monitors still allowed?", {"CCFL and EEFL display lamps"}),
    ("Is mercury-based space propulsion banned?", {"Satellite and spacecraft propellant"}),
    ("Can we import pressure sensors for plastic extrusion?", {"Melt pressure transducers, transmitters and sensors"}),
    ("Is a mercury blood pressure gauge still allowed?", set()),  # a measuring device, unchanged
    ("Is a mercury catalyst allowed for VCM?", set()),  # VCM is unchanged; the catalyst word is not polyurethane's
    ("Can our hospital still buy mercury thermometers?", set()),  # unchanged since 2013
    ("What must a country with gold mining do?", set()),
])
def test_a_question_names_the_amended_entries_it_is_about(question, names):
    assert {e.name for e in entries_about(question, _note_entries())} == names


@pytest.mark.parametrize("question, names", [
    # a product named only in the context sentence, before a question about something else
    ("Amalgam fillings vaporise when bodies are cremated. Are crematoria one of the emission source categories "
     "listed in Annex D?", set()),
    ("Dental staff breathe mercury vapour at work. Does the Convention oblige governments to run occupational "
     "exposure programmes?", set()),
    # a "when" joining clauses inside the asking sentence asks no date
    ("Dentists, miners and battery workers face mercury at work. Which bodies should the Conference of the "
     "Parties work with when it takes up such health issues?", set()),
    # "products with added mercury" names products; it does not ask what was added to the annex
    ("A news item lists bans on bulbs and batteries. Must Parties share what they know about the trade in "
     "products with added mercury?", set()),
    # ... but kept when the asking sentence asks about its state, or names it itself
    ("Button zinc air cells are sold in every pharmacy. Since when are they out?", {"Batteries"}),
    ("Zinc-air hearing-aid button cells were exempted in 2013. When does the amended Annex A stop their manufacture?",
     {"Batteries"}),
    ("The 2013 text caught skin creams only above 1 ppm. Does that threshold still apply?", {"Cosmetics"}),
    ("We sell dental amalgam capsules. Are mercury vacuum pumps banned too?", {"Mercury vacuum pumps"}),
    # an asking sentence on a process of its own, or on an article, without pointing back at the product
    ("A dentists' newsletter put the end of mercury in chlor-alkali at 2020. What phase-out date does the treaty "
     "set for chlor-alkali production?", set()),
    ("Campaigners want mercury skin-lightening creams off market stalls. Does Article 4 reach the retail sale of listed "
     "products?", set()),
    ("Campaigners want mercury skin-lightening creams off market stalls. Does Article 4 ban their sale?",
     {"Cosmetics"}),
    # the asking sentence's product is the context's, in other words
    ("Our clinic still orders straight fluorescent tubes. After COP-5, after which year may no fluorescent lamps "
     "for general lighting be made?", {"Halophosphate linear lamps", "Triband linear lamps"}),
    # an asking sentence that names the product but asks about something else (a reservation, an item of the
    # 2013 list) brings no status; one that asks what changed or what rules apply does
    ("Poland published the text when it ratified. Could a country ratify while entering a reservation against the "
     "dental amalgam provisions?", set()),
    # (also asked in one sentence, or of leaving the treaty)
    ("Could our government ratify the treaty while entering a reservation that excludes the dental amalgam "
     "provisions?", set()),
    ("Can a country withdraw from the Convention to escape the dental amalgam measures?", set()),
    ("Our practice only buys amalgam in pre-dosed capsules. Which item in the amalgam phase-down list covers that?",
     set()),
    ("My audiologist sells hearing aid batteries. What changed for button zinc air cells compared with the 2013 text?",
     {"Batteries"}),
    ("Our dentists ask us. What does the Convention require for dental amalgam?", {"Dental amalgam"}),
    # how amendments are made or refused is asked, whatever amendment the context names
    ("African countries tabled an amendment to end dental amalgam. How far ahead of the meeting must a proposed "
     "amendment be circulated, and what vote is needed?", set()),
])
def test_a_product_named_only_as_context_does_not_bring_its_amendments(question, names):
    assert {e.name for e in amended_asked(question, _note_entries(), [])} == names


def test_a_which_year_question_about_a_named_meeting_asks_for_that_meetings_date():
    from assistant.amendments import asks_meeting_date
    assert asks_meeting_date("A paper says COP6 fixed an end date for fillings. Which year did the Parties pick?", (6,))
    assert asks_meeting_date("Did COP-4 set a phase-out date for amalgam?", (4,))
    assert not asks_meeting_date("Which year did the Parties pick?", ())
    assert not asks_meeting_date("COP-5 met in Geneva. Which lamps are listed now?", (5,))


def test_a_which_question_about_the_amendments_finds_the_entries_it_does_not_name():
    entries = _note_entries()
    by_year = entries_asked_for("Which products have a 2025 phase-out date because of later amendments?", entries)
    assert {"Mercury vacuum pumps", "Batteries", "Cosmetics"} <= {e.name for e in by_year}
    assert not any("inferred" in e.now for e in by_year)  # an inferred year is not a decided one
    sentence = entries_list_sentence(by_year, "2025")
    assert "Mercury vacuum pumps (Decision MC-4/3)" in sentence and "Batteries (Decision MC-5/4)" in sentence
    [found] = entries_asked_for("For which Annex B process did COP-5 find mercury-free processes technically "
                                "and economically feasible?", entries)
    assert found.name.startswith("Sodium or potassium methylate")
    assert entries_asked_for("Which products have a 2025 phase-out date?", entries) == []  # not about the amendments
    assert entries_asked_for("Which products did COP-4 add, and when do vacuum pumps go?", entries) == []  # named


def test_the_amended_sentence_gives_the_2013_state_and_todays_with_its_decision():
    pumps = next(e for e in _note_entries() if e.name == "Mercury vacuum pumps")
    sentence = amended_sentence(pumps)
    assert sentence.index("2025") < sentence.index("2013") and "Decision MC-4/3" in sentence  # today's state first
    assert "[" not in sentence  # the note's bracketed refs become citations, not text
    # the note's shorthand ("listed, after 2025") reads as a sentence
    assert sentence.startswith("Annex A Part I now lists mercury vacuum pumps, which may not be made, imported or "
                               "exported after 2025") and sentence.endswith("; the 2013 text did not list them."), sentence
    # asked of the 2013 text ("Under the original Annex A, …?"), the 2013 state comes first
    cosmetics = next(e for e in _note_entries() if e.name.startswith("Cosmetics"))
    assert amended_sentence(cosmetics).index("as amended") < amended_sentence(cosmetics).index("2013 text")
    original = amended_sentence(cosmetics, original_first=True)
    assert original.startswith("Cosmetics, in the 2013 text: ") and original.index("2020") < original.index("2025")


def test_an_amended_state_gives_a_verdict_only_when_it_is_plain():
    entries = {e.name: e for e in _note_entries()}
    assert amended_verdict("Can we still buy mercury propellant?", entries["Satellite and spacecraft propellant"],
                           2026) == "No."
    assert amended_verdict("Are mercury vacuum pumps banned?", entries["Mercury vacuum pumps"], 2026) == "Yes."
    # a listing ends making, importing and exporting: selling or using what is already held is not what it stops
    assert amended_verdict("Does that listing stop a shop from selling the integrated-ballast CFLs it holds in stock?",
                           entries["CFL.i, 30 W or less, 5 mg or less"], 2026) == "Not as such:"
    assert amended_verdict("May a laboratory keep using the mercury vacuum pumps it has?",
                           entries["Mercury vacuum pumps"], 2026) == "Not as such:"
    assert amended_verdict("Can we still buy them?", entries["Mercury vacuum pumps"], 2025) is None  # not yet past
    assert amended_verdict("Are triband tubes still allowed?", entries["Triband linear lamps"], 2030) is None  # inferred
    assert amended_verdict("Is amalgam still allowed?", entries["Dental amalgam"], 2026) is None  # no plain date
    # however the note words the added items, its own phase-out year gives the verdict
    assert amended_verdict("Can we still import button zinc air batteries?", entries["Batteries"], 2026) == "No."
    assert amended_verdict("Are the spared measuring bridges still exempt?", entries["Switches and relays"], 2026) == "No."
    # the "added" of "mercury-added batteries" is a product class, not a listing asked about
    assert amended_verdict("Are zinc-air button cells for hearing aids still exempt from the treaty's ban on "
                           "mercury-added batteries?", entries["Batteries"], 2026) == "No."
    assert amended_verdict("Did COP-4 add mercury vacuum pumps to Annex A?", entries["Mercury vacuum pumps"], 2026) == "Yes."
    assert amended_verdict("Do plethysmograph strain gauges fall under the phase-out?",
                           entries["Strain gauges in plethysmographs"], 2026) == "Yes."
    # a year the question puts to the test that no state of the entry carries: no
    assert amended_verdict("I read that COP-6 agreed to end amalgam by 2037. Is that the year the Parties agreed?",
                           entries["Dental amalgam"], 2026) == "No."
    assert amended_verdict("Did COP-5 set a 2030 end date for dental amalgam?", entries["Dental amalgam"], 2026) == "No."
    assert amended_verdict("Did COP-6 set 2034 as the end date for amalgam?", entries["Dental amalgam"], 2026) is None
    # an end adopted but not yet in force; a 2013 carve-out or threshold the amendment removed
    assert amended_verdict("Our dentists still use silver fillings. Do they have to stop?", entries["Dental amalgam"],
                           2026) == "Not yet."
    assert amended_verdict("Does the 1 ppm threshold for skin creams still apply?", entries["Cosmetics"], 2026) == "No."
    assert amended_verdict("Is the eye-area exception still there?", entries["Cosmetics"], 2026) is None  # not shown
    assert amended_verdict("Is the 20 mg carve-out for switches still there?", entries["Switches and relays"],
                           2026) == "No."
    assert amended_verdict("Would a soap with 0.5 ppm of added mercury pass import controls today?",
                           entries["Cosmetics"], 2026) == "No."
    assert amended_verdict("Did governments agree on a phase-out year for dental amalgam?", entries["Dental amalgam"],
                           2026) == "Yes."
    assert amended_verdict("At the 2023 conference, did governments agree on a phase-out year for dental amalgam?",
                           entries["Dental amalgam"], 2026) is None  # 2034 came from COP-6, not the 2023 meeting
    # a named meeting asked whether it set a date: only the meeting that dated the entry says yes
    amalgam = entries["Dental amalgam"]
    assert amended_verdict("Did COP-4 in the end set a phase-out date for amalgam?", amalgam, 2026, (4,)) == "No."
    assert amended_verdict("Did the 2023 Geneva meeting (COP-5) agree on a date to stop amalgam?", amalgam, 2026,
                           (5,)) == "No."  # "the 2023 … meeting" names the meeting, it claims no end year
    assert amended_verdict("Did COP-6 set a phase-out date for dental amalgam?", amalgam, 2026, (6,)) == "Yes."
    assert amended_verdict("Did COP-4 set a phase-out date for vacuum pumps?", entries["Mercury vacuum pumps"], 2026,
                           (4,)) == "Yes."
    assert amended_verdict("A button cell shipment has arrived. Under Minamata, can these still be let in?",
                           entries["Batteries"], 2026) == "No."
    assert amended_verdict("If our country is a Party, can we still let in CFLs of 30 W or less with 5 mg or less?",
                           entries["CFL.i, 30 W or less, 5 mg or less"], 2026) == "No."  # a clause before the question
    # a "not" in a clause that gives a reason does not negate what is asked
    assert amended_verdict("Can I still import CCFL backlight tubes, given that low-mercury ones were not listed?",
                           entries["CCFL and EEFL display lamps"], 2026) == "No."
    assert entries_about("Can we open a mercury-cathode chlor-alkali plant?", list(entries.values())) == []
    # miners burn a gold amalgam: not the dental amalgam entry, unless fillings are asked about
    assert entries_about("Which amalgam-burning practices must gold miners stop?", list(entries.values())) == []
    assert [e.name for e in entries_about("Did COP-4 change the rules on amalgam fillings?",
                                          list(entries.values()))] == ["Dental amalgam"]
    # an antiseptic cream is a medicine (Annex A's topical antiseptics), not a cosmetic
    assert entries_about("Are antiseptic creams that contain mercury caught by the phase-out?",
                         list(entries.values())) == []
    assert [e.name for e in entries_about("Are skin-lightening creams with mercury still allowed?",
                                          list(entries.values()))] == ["Cosmetics"]
    # a form filled in is no filling
    assert entries_about("Our ministry is filling in an inventory template. When is the release inventory due?",
                         list(entries.values())) == []
    # a plant that switches to membrane cells names no switches
    assert entries_about("When a chlorine plant switches to membrane cells, what happens to its mercury?",
                         list(entries.values())) == []
    assert [e.name for e in entries_about("Are mercury switches and relays still allowed?",
                                          list(entries.values()))] == ["Switches and relays"]


def test_a_meetings_own_summary_answers_when_it_was_adopted_sent_and_binding():
    text = AMENDMENTS.read_text(encoding="utf-8")
    section = text[text.index("## Decision MC-4/3"):text.index("### ")]
    chunk = Chunk(id="c4", doc_id="annex-amendments", doc_title="Amendments", doc_type="guidance",
                  ref="Decision MC-4/3", heading="x", heading_path=("Decision MC-4/3 — COP-4",), text=section,
                  page_start=None, page_end=None, ordinal=0)
    facts = decision_facts([chunk])
    assert {"Adopted", "Communicated", "In force"} <= {f.key for f in facts}
    [adopted] = facts_asked("When was decision MC-4/3 adopted?", [4], facts)
    assert "25 March 2022" in adopted.sentence() and adopted.sentence().startswith("Decision MC-4/3 (COP-4)")
    [sent] = facts_asked("On what date did the Depositary send out the change?", [4], facts)
    assert "28 September 2022" in sent.text
    assert facts_asked("When was it adopted?", [5], facts) == []  # another meeting: not this summary
    # a meeting's deed in the context sentence is not what the asking sentence asks
    assert facts_asked("Reports say COP-4 agreed to add vacuum pumps. If a Party cannot accept such an annex "
                       "amendment, what must it do?", [4], facts) == []
    # a meeting named by where it met, read from its own "Meeting" line
    later = []
    for n, head in enumerate(("## Decision MC-5/4", "## COP-6")):
        part = text[text.index(head):]
        later.append(Chunk(id=f"c{n + 5}", doc_id="annex-amendments", doc_title="Amendments", doc_type="guidance",
                           ref="Decision MC-5/4" if n == 0 else "COP-6", heading="x", heading_path=(head[3:],),
                           text=part[:part.index("### ")], page_start=None, page_end=None, ordinal=n + 1))
    every = facts + decision_facts(later)
    assert {f.decision.meeting for f in every if f.key == "Meeting"} == {4, 5, 6}
    assert meetings_by_place("When was the Bali amendment sent out?", every) == [4]
    assert meetings_by_place("What did the Geneva meeting decide?", every) == []  # COP-5 and COP-6 met there
    assert meetings_by_place("What did the 2023 meeting add?", every) == [5]  # or when
    assert meetings_by_place("What did last year's conference change in Annex A?", every, year=2026) == [6]
    entries = _note_entries()
    changed = entries_asked_for("Which products got new dates at the 2023 meeting?", entries, meetings=[5])
    assert "Batteries" in {e.name for e in changed} and "Mercury vacuum pumps" not in {e.name for e in changed}
    assert "Batteries (2025; Decision MC-5/4)" in entries_list_sentence(changed, None)


def test_the_scope_classifier_is_fitted_and_calibrated_apart_from_what_it_is_reported_on():
    clf = ScopeClassifier.load()
    assert clf is not None and clf.weights.shape == (384, len(CLASSES)) and clf.classes == CLASSES
    from assistant.scope import CLASSIFIER_PATH

    data = json.loads(CLASSIFIER_PATH.read_text())
    assert data["calibration"]["calibrate_answerable_refused"] <= 0.03


def test_the_softmax_fit_separates_reasons_and_the_threshold_caps_false_refusals():
    import numpy as np

    rng = np.random.default_rng(0)
    centres = np.eye(3) * 3  # in scope, and two reasons
    x = np.vstack([rng.normal(c, 1, (200, 3)) for c in centres])
    y = np.repeat(np.arange(3), 200)
    w, b = fit_softmax(x, y, 3)
    p = softmax(x @ w + b)
    assert (p.argmax(axis=1) == y).mean() > 0.9
    out = 1 - p[:, 0]
    t = choose_threshold(out, (y > 0).astype(float), max_false=0.02)
    assert (out[y == 0] >= t).mean() <= 0.02 and (out[y > 0] >= t).mean() > 0.8


def test_a_classified_refusal_names_the_classifiers_reason():
    from assistant.scope import ClassifierView, IndexFacts, check_scope

    verdict = check_scope("Zorbles flimflam the quux?", [], IndexFacts(),
                          classified=ClassifierView(out_of_scope=0.99, reason="market-data"), classifier_threshold=0.9)
    assert verdict is not None and verdict.reason == "market-data" and "prices, market data or statistics" in verdict.statement
    assert check_scope("Zorbles flimflam the quux?", [], IndexFacts(),
                       classified=ClassifierView(out_of_scope=0.5, reason="market-data"), classifier_threshold=0.9) is None



def test_the_lexicon_weighs_the_words_that_tell_entries_apart():
    """Words shared by every phrasing ("Party", "Convention") weigh nothing; a word one entry alone
    uses weighs most; the share is of the question's word weight, 0 to 1."""
    from ingest.index import keyword_tokens

    lexicon = BankLexicon([("bat", "By when must new sources use best available techniques under the Convention?"),
                           ("bat", "What is the BAT deadline for new coal plants?"),
                           ("eval", "When is the Convention's effectiveness evaluated?"),
                           ("eif", "When does the Convention enter into force for a Party?")], keyword_tokens)
    share = lexicon.coverage("How long does a Party have to require best available techniques at new sources?")
    assert share["bat"] > 0.4 and share["eval"] == 0.0 and share["eif"] == 0.0, share
    assert lexicon.coverage("the Convention") == {}  # nothing but words every entry may carry
    # one telling word says less than several: its share is scaled down, though the entry uses it whole
    assert 0 < lexicon.coverage("Is it evaluated?")["eval"] < share["bat"]


def test_the_products_a_meeting_added_leave_out_the_entries_it_changed_otherwise():
    entries = _note_entries()
    added = {e.name for e in entries_asked_for("Which products did the COP-4 amendment add to Annex A, and with what "
                                               "phase-out year?", entries, [4])}
    assert "Mercury vacuum pumps" in added and "Dental amalgam" not in added
    changed = {e.name for e in entries_asked_for("Which entries did COP-4 change?", entries, [4])}
    assert "Dental amalgam" in changed  # what it changed, asked as such, includes amalgam's measures
