"""Answers as a user receives them, over the bundled corpus alone (what a fresh clone without
../shared has): the question bank leads, yes/no questions get a verdict, missing provisions are
named, near-topic questions are refused with their reason, later decisions are answered only when
the index holds them, and an ingested official decision outranks the bundled summary."""

from __future__ import annotations

import json
import re

import pytest

from assistant.chain import Assistant
from evals.answers import has_repeats, is_truncated, opens_with_verdict
from ingest.index import IndexStore
from ingest.pipeline import ingest_paths
from ingest.refs import Ref
from tests.conftest import CORPUS, make_settings, run_cli


@pytest.fixture(scope="module")
def assistant(corpus_index):
    a = Assistant(corpus_index, use_generator=False)
    a.warm_up()
    return a


def _cited_docs(answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


def _leads(answer) -> str:
    """The reply's prose leads, joined: what the reader meets before any checklist or quote."""
    return " ".join(s.text for s in answer.sentences if s.kind == "lead")


def _well_formed(answer):
    retrieved = {p.chunk.id for p in answer.retrieved}
    assert all(c.chunk_id in retrieved for c in answer.citations), answer.text
    for s in answer.sentences:
        if s.kind in ("lead", "quote", "checklist"):
            assert s.citations and s.verified, s
    assert not is_truncated(answer.text) and not has_repeats(answer.text), answer.text


@pytest.mark.parametrize("question, verdict", [
    ("Can our hospital still buy mercury thermometers?", "no"),
    ("Are skin whitening creams with mercury banned under the Minamata treaty?", "yes"),
    ("Could someone build a brand-new factory here that uses mercury to make chlorine?", "no"),
])
def test_yes_no_questions_get_a_verdict_first(assistant, question, verdict):
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert opens_with_verdict(answer.text), answer.text
    assert answer.sentences[0].text.lower().startswith(verdict), answer.text
    _well_formed(answer)


@pytest.mark.parametrize("question, entry", [
    ("For my international law class: who serves as the Depositary of the Minamata Convention?", "b5-depositary-who"),
])
def test_a_preamble_before_the_question_does_not_hide_the_bank_entry(assistant, question, entry):
    # matched as a whole, the label pulls the question away from every bank phrasing
    matches = assistant.retriever.bank_matches(question)
    assert dict(matches[0].chunk.facets)["bank_id"] == entry, [dict(m.chunk.facets)["bank_id"] for m in matches[:3]]
    answer = assistant.ask(question)
    assert "Secretary-General of the United Nations" in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_the_words_of_a_question_find_its_entry_where_minilm_alone_does_not(assistant):
    # MiniLM puts the effectiveness-evaluation entry first: the trailing "once the Convention enters into
    # force" outweighs "best available techniques at new sources"; the entry's phrasings share those words
    question = ("News coverage said the treaty would bite on new coal-fired plants. How long does a Party have to "
                "require best available techniques at new sources once the Convention enters into force for it?")
    matches = assistant.retriever.bank_matches(question)
    assert dict(matches[0].chunk.facets)["bank_id"] == "b3-new-sources-bat", [
        (dict(m.chunk.facets)["bank_id"], round(m.similarity, 3), round(m.lexical, 3)) for m in matches[:3]]
    assert max(m.similarity for m in matches) > matches[0].similarity  # not the closest phrasing by MiniLM
    # the entry's provision comes along with it into the passages the answer is built from
    answer = assistant.ask(question)
    assert any(p.chunk.ref == "Article 8(4)" for p in answer.retrieved[:5]), [p.chunk.ref for p in answer.retrieved[:5]]
    _well_formed(answer)


def test_a_lead_on_the_asked_point_of_an_amendment_comes_before_the_entrys_whole_state(assistant):
    # the state of the amended amalgam entry runs to three sentences; the reply about bulk mercury
    # was left fourth
    answer = assistant.ask("Under the amended phase-down rules for dental amalgam, may a dental practice still "
                           "mix fillings from bulk mercury, or only use pre-dosed capsules?")
    assert "bulk" in answer.sentences[0].text and "MC-4/3" in answer.sentences[0].text, answer.text
    assert any("as amended" in s.text for s in answer.sentences[1:3]), answer.text
    _well_formed(answer)


def test_a_bank_reply_on_another_provision_leads_and_the_amended_state_follows(assistant):
    # Article 4(5)'s reply on assembled products was buried under the state of the switches entry
    answer = assistant.ask("Can a factory still fit banned mercury lamps or switches into larger appliances it "
                           "assembles and sells?")
    assert "assembled products" in answer.sentences[0].text, answer.text
    assert "as amended" not in answer.sentences[0].text and "as amended" in answer.text, answer.text
    _well_formed(answer)


def test_a_question_nothing_answers_takes_the_classifiers_reason(assistant):
    # no rule and no bank entry explains it; refused for want of a close passage, it said only "not covered"
    answer = assistant.ask("I'm 20 weeks pregnant and love albacore tuna sandwiches. Do I need to stop eating "
                           "them because of mercury?")
    assert answer.refused and answer.refusal_reason == "health-advice", (answer.refusal_reason, answer.text)
    assert "health" in answer.text.lower()


def test_a_bank_reply_that_is_only_a_condition_does_not_lead_a_definition_question(assistant):
    # the closest entry opens "Yes, if the expansion is a substantial modification …": without its yes,
    # a condition with no main clause
    answer = assistant.ask("How does Article 9 define 'releases', and which sources count as relevant sources under it?")
    assert not answer.sentences[0].text.startswith("If "), answer.text
    _well_formed(answer)


def test_a_close_bank_entry_leads_and_cites_its_provisions(assistant):
    answer = assistant.ask("Who is the depositary of the Minamata Convention on Mercury?")
    assert "Secretary-General of the United Nations" in answer.sentences[0].text, answer.text
    cited = [answer.citations[n - 1] for n in answer.sentences[0].citations]
    assert all(c.doc_id.startswith("bank-") for c in cited)
    assert any(Ref.parse("Article 34").contains(Ref.parse(c.ref)) for c in cited), [c.ref for c in cited]
    _well_formed(answer)


def test_leads_are_never_the_guides_introductions(assistant):
    for q in ("What does the Convention say about mercury?", "Tell me about the Minamata Convention"):
        answer = assistant.ask(q)
        lead = _leads(answer)
        assert "This part" not in lead and "this file" not in lead.lower(), lead


@pytest.mark.parametrize("question, statement", [
    ("What does Article 99 say?", "The Convention has 35 articles; there is no Article 99."),
    ("What does Article 7(9) require?", "Article 7 has 4 paragraphs; there is no Article 7(9)."),
    ("Tell me about Annex F", "The annexes run from Annex A to Annex E; there is no Annex F."),
])
def test_provisions_that_do_not_exist_are_named(assistant, question, statement):
    answer = assistant.ask(question)
    assert answer.refused and answer.refusal_reason == "no-such-provision"
    assert answer.sentences[0].text == statement
    assert "closest provisions" in answer.text


@pytest.mark.parametrize("question, reason", [
    ("When did Japan become a Party to the Minamata Convention?", "parties-status"),
    ("What is the EU's deadline for banning dental amalgam under its own mercury regulation?", "national-law"),
    ("Which city hosted the third meeting of the Conference of the Parties?", "later-decision"),
    ("How do I dispose of a broken energy-saving lamp at home?", "household"),
    ("How many tonnes of mercury does artisanal gold mining emit each year?", "market-data"),
    ("How much mercury does a typical compact fluorescent bulb contain?", "science"),
])
def test_near_topic_questions_are_refused_with_their_reason(assistant, question, reason):
    answer = assistant.ask(question)
    assert answer.refused, answer.text
    assert answer.refusal_reason == reason, (answer.refusal_reason, answer.text)
    assert "The texts here are" in answer.text  # what the index holds, read from it
    assert "the plain-language guide" in answer.text.lower()  # its title, read from the index


def test_a_refusal_answers_the_part_the_texts_do_answer(assistant):
    answer = assistant.ask("Has Japan ratified the Minamata Convention yet?")
    assert answer.refused and answer.refusal_reason == "parties-status"
    cited = [s for s in answer.sentences if s.citations]
    assert cited and all(s.verified for s in cited), answer.text
    assert answer.to_json()["refusal_reason"] == "parties-status"


def test_a_refusal_answers_from_the_entry_on_any_state_not_the_one_on_a_named_body(assistant):
    # the entry on the EU's deposit is the closest out-of-scope phrasing, but its further line (the EU's
    # competence) does not reply about another State; the rule for any State does
    answer = assistant.ask("When did Ghana deposit its instrument of ratification, and from what day has the "
                           "Convention bound it?")
    assert answer.refused and answer.refusal_reason == "parties-status", answer.text
    assert "ninetieth day" in answer.text and "regional economic integration" not in answer.text, answer.text
    answer = assistant.ask("When did the European Union deposit its instrument of approval?")
    assert answer.refused and "regional economic integration" in answer.text, answer.text


def test_answerable_questions_with_countries_or_dates_are_not_refused(assistant):
    for q in ("When does the Convention enter into force for a State that ratifies it?",
              "Can the European Union vote at the Conference of the Parties?",
              "What did COP-4 add to Annex A?"):
        answer = assistant.ask(q)
        assert not answer.refused, (q, answer.text)


def test_a_followup_keeps_its_own_kind_instead_of_repeating(assistant):
    first_q = "We are a dental clinic. Do we have to stop using amalgam fillings?"
    first = assistant.ask(first_q)
    follow = assistant.ask("And by when?", history=[first_q])
    assert not follow.refused
    assert follow.sentences[0].text != first.sentences[0].text, follow.text
    assert any(y in follow.text for y in ("2034", "no phase-out date", "no date", "no fixed date")), follow.text


def test_amended_annex_answers_give_todays_state_and_the_decision(assistant):
    answer = assistant.ask("When do compact fluorescent lamps for general lighting have to be phased out?")
    assert not answer.refused
    assert any(Ref.try_parse(c.ref) is not None and Ref.parse(c.ref).is_decision for c in answer.citations), \
        answer.text
    assert "later meetings of the Conference of the Parties amended these annexes" not in answer.text


@pytest.mark.parametrize("question, year, decision", [
    ("When do mercury vacuum pumps have to be phased out?", "2025", "MC-4/3"),
    ("What date applies to button zinc silver oxide batteries with less than 2% mercury?", "2025", "MC-5/4"),
])
def test_an_amended_entry_leads_with_its_amended_date_and_decision(assistant, question, year, decision):
    answer = assistant.ask(question)
    assert not answer.refused, answer.text  # "vacuum" is not household advice here
    lead = _leads(answer)
    assert year in lead and decision in lead, answer.text
    _well_formed(answer)


def test_a_yes_no_question_on_an_amended_entry_gets_the_amended_verdict(assistant):
    answer = assistant.ask("Can we still buy mercury propellant for a satellite?")
    assert answer.sentences[0].text.startswith("No"), answer.text
    assert "2025" in answer.text and "MC-4/3" in answer.text
    _well_formed(answer)


def test_another_amended_entrys_line_never_leads_an_answer_about_a_named_entry(assistant):
    # the question shares "making, importing or exporting" with the note's line on amalgam's 2034 end
    answer = assistant.ask("A firm once planned mercury thrusters for small satellites. After what year does the "
                           "amended Annex A stop the making, import or export of mercury propellant for spacecraft?")
    assert "2025" in answer.sentences[0].text and "amalgam" not in answer.text.lower(), answer.text
    # a product named only as context brings no amendment text into an answer about something else
    answer = assistant.ask("Fillings release mercury when bodies are cremated. Are crematoria among the source "
                           "categories listed in Annex D?")
    assert "amalgam" not in answer.text.lower() and "MC-4/3" not in answer.text, answer.text
    _well_formed(answer)


def test_a_question_about_a_decision_itself_gets_its_date(assistant):
    answer = assistant.ask("When did the Depositary communicate the COP-4 amendment to Annex A?")
    assert not answer.refused and "28 September 2022" in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_a_meeting_named_by_its_place_and_a_list_by_amended_year_are_answered(assistant):
    sent = assistant.ask("When did the Depositary send out the amended Annex A from the Bali meeting?")
    assert "28 September 2022" in sent.sentences[0].text, sent.text
    _well_formed(sent)
    listed = assistant.ask("Which products have a 2025 phase-out date because of later amendments?")
    first = listed.sentences[0].text
    assert "Mercury vacuum pumps (Decision MC-4/3)" in first and "Batteries (Decision MC-5/4)" in first, listed.text
    assert "as adopted in 2013 says" not in listed.text  # no old row of one of the twelve
    _well_formed(listed)


def test_a_lead_citing_a_decision_names_it():
    from assistant.compose import clean_guide_sentence

    text, _ = clean_guide_sentence("COP-4 added display lamps of every length [Annex A Part I; Decision MC-4/3].")
    assert text.startswith("COP-4 (Decision MC-4/3) added")


def test_later_decisions_are_answered_only_when_the_index_holds_them(assistant, tmp_path, embedder):
    question = "What did COP-4 decide about dental amalgam?"
    held = assistant.ask(question)
    assert not held.refused and any("MC-4/3" in c.ref for c in held.citations), held.text
    settings = make_settings(tmp_path / "guide-only")
    ingest_paths([CORPUS / "guide"], settings, store=IndexStore(settings, embedder=embedder))
    bare = Assistant(settings, use_generator=False).ask(question)
    assert bare.refused and bare.refusal_reason == "later-decision", bare.text
    assert "COP-4" not in bare.sentences[0].text or "do not hold" in bare.sentences[0].text


DECISION = """Decision MC-4/3: Review and amendment of annexes A and B to the Minamata Convention

The Conference of the Parties,

1. Decides to amend Part I of Annex A by adding the following products with the phase-out date 2025:
compact fluorescent lamps with an integrated ballast for general lighting purposes that are 30 watts or
less with a mercury content not exceeding 5 mg per lamp burner; mercury vacuum pumps; tire balancers and
wheel weights; photographic film and paper; propellant for satellites and spacecraft.

2. Decides to amend Part II of Annex A by adding that Parties shall exclude or not allow the use of
mercury in bulk form by dental practitioners.
"""


def test_an_ingested_official_decision_outranks_the_bundled_summary(corpus_index, copy_index, tmp_path, embedder):
    settings = copy_index(corpus_index)
    path = tmp_path / "mc-4-3.md"
    path.write_text(DECISION, encoding="utf-8")
    results = ingest_paths([path], settings, store=IndexStore(settings, embedder=embedder), doc_type="cop-decision")
    assert results[0].status == "added"
    answer = Assistant(settings, use_generator=False).ask("What products did decision MC-4/3 add to Annex A?")
    assert not answer.refused
    ranked = [p for p in answer.retrieved if p.chunk.ref and Ref.parse(p.chunk.ref).is_decision]
    assert ranked and ranked[0].chunk.doc_type == "cop-decision", [(p.chunk.doc_id, p.ref) for p in ranked[:4]]
    assert "mc-4-3" in _cited_docs(answer), answer.text


REGULATION = """# Riverton municipal mercury lamp collection rules

## Collection points

Every public library in Riverton keeps a sealed drum for spent fluorescent lamps. The drums are emptied
every six weeks by the licensed contractor, who must weigh each load and report the weight to the
environment office within ten days.
"""


def test_the_generic_path_answers_from_a_users_own_document(corpus_index, copy_index, tmp_path, embedder):
    settings = copy_index(corpus_index)
    path = tmp_path / "riverton-rules.md"
    path.write_text(REGULATION, encoding="utf-8")
    ingest_paths([path], settings, store=IndexStore(settings, embedder=embedder), doc_type="other")
    answer = Assistant(settings, use_generator=False).ask(
        "How often are the Riverton library drums for spent fluorescent lamps emptied?")
    assert not answer.refused, answer.text
    assert "riverton-rules" in _cited_docs(answer) and "six weeks" in answer.text, answer.text


def test_ask_json_carries_the_refusal_reason(corpus_index):
    env = {"MINAMATA_INDEX_DIR": str(corpus_index.index_dir)}
    out = run_cli("ask", "What does Article 99 say?", "--json", env=env, check=True)
    data = json.loads(out.stdout)
    assert data["refused"] is True and data["refusal_reason"] == "no-such-provision"
    out = run_cli("ask", "Can our hospital still buy mercury thermometers?", "--json", env=env, check=True)
    assert json.loads(out.stdout)["refusal_reason"] is None


def test_corpus_questions_lists_the_bank():
    out = run_cli("corpus", "questions", "--json", check=True)
    entries = json.loads(out.stdout)["entries"]
    assert len(entries) >= 200 and sum(len(e["questions"]) for e in entries) >= 600
    assert set(entries[0]) == {"id", "questions", "answer", "refs", "answerable"}
    assert any(not e["answerable"] for e in entries)


def test_supporting_lead_sentences_stay_on_the_leads_subject(assistant):
    """The guide's second-best sentence follows the lead only from its passage, its article, or when it
    scores nearly as well: a Preamble question once got an entry-into-force sentence (Article 31)."""
    answer = assistant.ask("What does the Preamble say about Minamata Disease?")
    leads = [s for s in answer.sentences if s.kind == "lead"]
    assert leads and "Minamata Disease" in leads[0].text
    assert not any("ninetieth day" in s.text for s in leads), [s.text for s in leads]


@pytest.mark.parametrize("question, opening", [
    # a bank verdict written for "are they left out?" must not answer "are they covered?" with yes
    ("Are mercury-added products used in traditional or religious practices covered by the Annex A phase-out?",
     "No."),
    # a named meeting asked whether it dated an entry: only the meeting that gave the date says yes
    ("Did COP-4 in the end set a phase-out date for dental amalgam?", "No."),
    # the bank entry's "No." replies to "can we?", however the phrasing that matched was asked
    ("A company wants to open a brand-new mercury mine here. Would the treaty let the government allow that?",
     "No."),
])
def test_a_yes_no_reply_agrees_with_the_provision(assistant, question, opening):
    answer = assistant.ask(question)
    assert answer.sentences[0].text.startswith(opening), answer.text
    _well_formed(answer)


def test_what_an_article_says_is_answered_from_that_article(assistant):
    answer = assistant.ask("For a class assignment: what does Article 1 of the Minamata Convention say the treaty "
                           "is meant to achieve?")
    leads = [s for s in answer.sentences if s.kind == "lead"]
    assert leads and all("objective" in s.text.lower() for s in leads), answer.text
    assert any(c.ref == "Article 1" for c in answer.citations), [c.ref for c in answer.citations]
    _well_formed(answer)


def test_a_when_question_is_led_by_the_entry_that_gives_the_date(assistant):
    # a closer entry written for "who decides?" must not lead a "by when?" question
    answer = assistant.ask("Once a country tells the Secretariat that artisanal gold mining on its territory is more "
                           "than insignificant, by when must it send in its national action plan?")
    assert "three years" in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_a_duty_that_says_what_is_asked_leads_when_the_lead_does_not(full_index):
    # the guide's lead gave one threshold and a remark on "endeavour"; the Article 3(5)(a) duty, read from
    # the treaty text's obligation rows, gives both
    answer = Assistant(full_index, use_generator=False).ask("What size thresholds does Article 3 use when it asks Parties to identify mercury stocks "
                           "and sources of mercury supply on their territory?")
    first = answer.sentences[0].text
    assert "50 metric tons" in first and "10 metric tons" in first, answer.text
    assert any(c.ref.startswith("Article 3(5)") for c in answer.citations), [c.ref for c in answer.citations]
    _well_formed(answer)


def test_a_clause_before_a_how_question_does_not_make_it_a_when_question(assistant):
    # "When a plant is decommissioned, how …?" asks how, not when: the 2025 phase-out date must not lead
    answer = assistant.ask("When a mercury-cell chlorine plant is decommissioned and its leftover mercury is judged "
                           "to be excess, how does the Convention expect that mercury to be handled?")
    assert "2025" not in answer.sentences[0].text and "dispos" in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_a_refusal_says_where_to_look_before_listing_what_the_index_holds(assistant):
    answer = assistant.ask("Roughly what is the yearly dollar value of global trade in mercury?")
    assert answer.refused and answer.refusal_reason == "market-data", answer.text
    assert answer.text.index("Where to look instead") < answer.text.index("The texts here are"), answer.text


def test_a_question_on_the_preamble_is_led_by_the_recital_it_asks_about(full_index):
    # the preamble is long: the recital the question names leads, word for word, not its first lines
    a = Assistant(full_index, use_generator=False)
    answer = a.ask("Which UNEP Governing Council decision does the treaty's preamble recall as the starting point "
                   "for international action on mercury?")
    assert answer.sentences[0].text.startswith("The preamble recalls decision 25/5"), answer.text
    assert [c.ref for c in answer.citations] == ["Preamble"], answer.text
    answer = a.ask("Does the Convention's preamble mention the Rio principle of common but differentiated "
                   "responsibilities?")
    assert answer.sentences[0].text.startswith("Yes. The preamble recalls"), answer.text
    assert "common but differentiated" in answer.sentences[0].text
    _well_formed(answer)


def test_a_question_on_the_original_text_is_answered_before_the_amended_state(assistant):
    answer = assistant.ask("Under the original phase-down list for dental amalgam, how many of the listed measures "
                           "does each Party have to include?")
    first = answer.sentences[0].text
    assert re.search(r"\b(?:two|2)\b", first, re.I) and "as amended" not in first, answer.text
    # the amended state still follows, after the 2013 one ("Dental amalgam, in the 2013 text: … As amended since: …")
    assert "as amended" in answer.text.lower()
    _well_formed(answer)


def test_a_question_on_what_the_amalgam_list_holds_is_answered_before_the_amended_state(assistant):
    # which listed measures deal with insurance is asked, not the entry's state: the measures lead and the
    # amended state follows them (a context sentence's "now" does not make the state the question)
    answer = assistant.ask("Our health fund now pays only for amalgam. Which of the listed dental amalgam measures "
                           "deal with insurance policies?")
    leads = [s.text for s in answer.sentences if s.kind == "lead"]
    assert "insurance" in leads[0] and "as amended" not in leads[0], answer.text
    assert "as amended" in answer.text
    _well_formed(answer)


def test_a_line_of_the_amendment_on_the_point_asked_leads(assistant):
    # the groups a later decision names are the reply; the entry's whole state comes after them
    answer = assistant.ask("For which patients did the amalgam amendment say amalgam should be excluded or "
                           "advised against?")
    assert re.search(r"pregnant|under 15|milk teeth", answer.sentences[0].text), answer.text
    _well_formed(answer)


def test_a_process_amalgam_is_not_the_dental_amalgam_entry(assistant):
    answer = assistant.ask("Chlorine plants once made sodium amalgam. What does Article 5 exclude from manufacturing "
                           "processes?")
    assert "Dental amalgam" not in answer.text and "2034" not in answer.text, answer.text


def test_each_part_of_a_question_of_several_parts_gets_its_reply(assistant):
    # the whole question comes close to no single phrasing; each part has its own entry
    answer = assistant.ask("Two Parties chose arbitration for their dispute. How many arbitrators sit on the "
                           "tribunal, and how soon must it give its final decision?")
    leads = _leads(answer)
    assert "three members" in leads and "five months" in leads, answer.text
    _well_formed(answer)


def test_a_list_question_gets_the_whole_list_in_its_opening(assistant):
    # a row of several items (Annex A's measuring devices, Annex C's worst practices) is answered whole,
    # not with the entry for one of its items
    devices = assistant.ask("Besides barometers, which other mercury measuring instruments are on the 2020 "
                            "phase-out list?")
    assert all(w in devices.sentences[0].text for w in ("thermometers", "sphygmomanometers", "hygrometers")), \
        devices.text
    practices = assistant.ask("Miners here burn amalgam in their kitchens. Which practices must a gold-mining "
                              "action plan try to eliminate?")
    assert all(w in practices.sentences[0].text for w in ("Whole ore", "open burning", "residential", "cyanide")), \
        practices.text
    _well_formed(devices)
    _well_formed(practices)


def test_used_items_bring_the_waste_rules_not_the_products_phase_out_state(assistant):
    # recycling old tubes is a waste question: the amended phase-out years of the lamp entries are noise
    answer = assistant.ask("Our recycling yard recovers mercury from old fluorescent tubes. May the recovered "
                           "mercury be sold for any purpose?")
    assert "as amended" not in answer.text and "now lists" not in answer.text, answer.text
    assert "disposal" in answer.sentences[0].text or "waste" in answer.sentences[0].text, answer.text
    # asking about the products themselves still brings their amended state
    state = assistant.ask("Can fluorescent tubes for general lighting still be imported after 2027?")
    assert "Decision MC-5/4" in state.text, state.text
    _well_formed(answer)


def test_a_name_the_texts_never_use_is_refused_with_that_name(assistant):
    answer = assistant.ask("What is the Lighting Africa programme, and who pays for its product testing?")
    assert answer.refused and answer.refusal_reason == "other" and "Lighting Africa" in answer.text, answer.text
    assert not assistant.ask("What is the Specific International Programme for?").refused


def test_a_yes_or_no_written_for_another_question_does_not_follow_the_reply(full_index):
    # the entry on military uses sits beside the one on religious uses: its "Yes, if …" contradicts the "No"
    answer = Assistant(full_index, use_generator=False).ask("Mercury pendants are sometimes worn for spiritual protection. Are products used in "
                           "religious practices caught by the Annex A phase-out?")
    leads = [s.text for s in answer.sentences if s.kind == "lead"]
    assert leads[0].startswith("No") and not any(re.match(r"(?:Yes|No)\b", x) for x in leads[1:]), answer.text
    _well_formed(answer)


def _leads_say(settings, question: str, *words: str) -> None:
    """The first sentences of the extractive answer to `question` hold every one of `words`."""
    answer = Assistant(settings, use_generator=False).ask(question)
    leads = _leads(answer)
    assert all(w in leads for w in words), answer.text
    _well_formed(answer)


def test_a_scenario_set_before_the_question_does_not_choose_the_lead(full_index):
    # the scenario's words (long-range transport) count less than those of the sentence that asks
    _leads_say(full_index, "An Australian MP speaking on the treaties committee report stressed mercury's long-range "
               "atmospheric transport. What objective does the Minamata Convention itself set out in its text?",
               "objective", "anthropogenic emissions and releases")


def test_each_figure_a_question_asks_for_is_said_in_the_reply_not_left_to_the_quote(full_index):
    a = Assistant(full_index, use_generator=False)
    # two parts, two figures: the circulation time (26(2)) and the majority (26(3))
    answer = a.ask("If a Party wants to amend the Convention text itself, how early must the proposal be circulated, "
                   "and what majority adopts it when consensus fails?")
    prose = _leads(answer)
    assert "six months" in prose and "three-fourths" in prose, answer.text
    # how soon notice may be given (33(1)) as well as when it takes effect (33(2))
    answer = a.ask("If a government wanted out, how soon could it give notice of withdrawal and when would that "
                   "take effect?")
    prose = _leads(answer)
    assert "three years" in prose and "one year" in prose, answer.text
    # a quoted term is answered by the sentence that defines it, and that provision is quoted
    answer = a.ask("Regulators are proposing mercury rules for industrial boilers. Under the treaty, when does a boiler "
                   "count as a 'new source' rather than an existing one?")
    assert "one year" in answer.sentences[0].text and "New source" in answer.sentences[0].text, answer.text
    assert "Article 8(2)(c) of the Convention says" in answer.text, answer.text
    _well_formed(answer)
    # "By when …, and who …?": the Party's own deadline, not the COP's "as soon as practicable" for the guidance
    answer = a.ask("An inventory guide is online. By when must a Party have its inventory of emissions from relevant "
                   "sources, and who supplies the guidance on preparing it?")
    prose = _leads(answer)
    assert "five years" in prose and "Conference of the Parties" in prose, answer.text
    _well_formed(answer)


def test_a_part_the_reply_leaves_open_gets_the_official_sentence_closest_to_it(full_index):
    question = ("After an arbitral tribunal under the treaty gives its final decision, can the losing side appeal, "
                "and may a tribunal member who disagrees say so?")
    on, off = (Assistant(full_index.replace(part_replies=flag), use_generator=False).ask(question)
               for flag in (True, False))
    assert "appeal" in _leads(on) and "dissenting opinion" in _leads(on), on.text
    _well_formed(on)
    # without the step the second part stays open: the check above is the step's
    assert "dissenting opinion" not in _leads(off), "the step is not needed for this question"


def test_a_part_may_be_replied_to_from_a_retrieved_passage_beyond_the_provisions_in_focus(full_index):
    # the phase-out date is Annex B's; the surplus mercury of a closed plant is Article 3(5)(b)'s
    _leads_say(full_index, "By when must chlor-alkali production end, and what must be done with the surplus mercury "
               "from closing the plants?", "2025", "decommissioning")


def test_an_import_question_is_not_led_by_the_export_rule(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "Is our country allowed to import elemental mercury from a State that never joined the treaty, and what "
        "documents are needed?")
    opening = " ".join(s.text for s in answer.sentences[:2])
    assert "import" in opening and "export" not in opening and "certif" in opening, answer.text
    _well_formed(answer)


def test_how_an_annex_change_binds_is_replied_to_from_the_amendment_procedure(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "How is a change to Annex D adopted, and from when does it bind a Party that does not object?")
    assert "non-acceptance" in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_a_quote_shows_the_paragraph_the_lead_rests_on_not_the_article_named(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "What does Article 3 say about a Party importing mercury from a non-Party?")
    quotes = [s.text for s in answer.sentences if s.kind == "quote"]
    assert quotes and quotes[0].startswith("Article 3(8) of the Convention says"), answer.text
    _well_formed(answer)


def test_the_reply_a_quote_holds_is_said_in_prose_and_the_quote_keeps_to_its_item(full_index):
    # the two purposes of an export to a Party sat only inside the quote of the whole of Article 3(6)
    answer = Assistant(full_index, use_generator=False).ask(
        "Exports of mercury are tied to written consent and to set purposes. For which purposes is a Party "
        "allowed to export mercury to another Party?")
    prose = _leads(answer)
    assert "interim storage" in prose and "use allowed to the importing Party" in prose, answer.text
    quotes = [s.text for s in answer.sentences if s.kind == "quote"]
    # the quote shows the item the reply rests on, not the non-Party item beside it
    assert quotes and quotes[0].startswith("Article 3(6)(a) of the Convention says"), answer.text
    assert "certification demonstrating" not in answer.text, answer.text
    _well_formed(answer)


def test_what_an_article_encourages_is_led_by_the_paragraph_whose_duties_are_listed(full_index):
    # Article 16(1) encourages the Parties; 16(2) is what the COP should do with WHO and ILO
    answer = Assistant(full_index, use_generator=False).ask(
        "Brazil's delegation says it argued for a health article in the treaty. What does Article 16 encourage Parties "
        "to do?")
    assert "encouraged" in answer.sentences[0].text and "World Health" not in answer.sentences[0].text, answer.text
    _well_formed(answer)


def test_a_product_named_only_in_the_context_sentence_brings_no_amendment_status(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "A dental news site claims mercury in chlorine production ended in 2020. What phase-out date does the treaty "
        "give chlor-alkali production?")
    assert "2025" in answer.sentences[0].text and "amalgam" not in _leads(answer), answer.text
    _well_formed(answer)


def test_a_named_country_does_not_keep_the_question_from_the_bank_entry_on_any_state(full_index):
    # the date of deposit is given: Article 31(2)'s rule answers, for Ghana as for any State
    answer = Assistant(full_index, use_generator=False).ask(
        "Ghana deposited its instrument on 23 March 2017. From which day after that deposit was Ghana bound by the "
        "Convention?")
    assert not answer.refused and "ninetieth day" in _leads(answer) and "amendment" not in _leads(answer), answer.text
    _well_formed(answer)


def test_a_rare_word_the_question_asks_about_brings_the_sentence_that_holds_it(full_index):
    # two measures asked about at once: the amendments note says each in its own sentence
    _leads_say(full_index, "Since the 2022 amendment, what has to happen with bulk mercury in dental practice, and "
               "with amalgam for children under 15?", "bulk", "15")


def test_a_brand_new_plant_is_not_answered_with_the_options_for_existing_ones(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "For a brand-new coal power station, may the government meet its treaty duty with an emission limit rather "
        "than a prescribed control technology?")
    assert "existing sources" not in _leads(answer), answer.text
    _well_formed(answer)


def test_a_reservation_question_naming_a_product_brings_no_status_of_that_product(full_index):
    answer = Assistant(full_index, use_generator=False).ask(
        "Could our government ratify the mercury treaty while entering a reservation that excludes the dental "
        "amalgam provisions?")
    assert answer.sentences[0].text.startswith("No") and "Article 32" in answer.text, answer.text
    assert "2034" not in answer.text and "MC-4/3" not in answer.text, answer.text
    _well_formed(answer)


def test_a_clause_after_a_semicolon_keeps_the_product_of_its_sentence(full_index):
    # "COP-5 set no date for amalgam; COP-6 later agreed 2034" is about amalgam, not cosmetics
    answer = Assistant(full_index, use_generator=False).ask(
        "A ZMWG report still tests skin-lightening creams against a 1 ppm limit. After COP-5, does any mercury "
        "threshold remain for cosmetics, and from which year does the new entry apply?")
    assert "2025" in _leads(answer) and "2034" not in answer.text, answer.text
    _well_formed(answer)


def test_an_annex_amendment_is_not_answered_with_the_rule_for_amending_the_articles(full_index):
    # annex amendments bind after a year unless refused (Article 27(3)); 26(5)'s three-fourths is for the articles
    for question in ("How does an amendment to an annex, such as a new phase-out date, become binding on a Party "
                     "that never ratifies it?",
                     "An African NGO is campaigning on the children's amendment to Annex A. How does a change to "
                     "an annex come to bind a Party, and what can a country that objects do?"):
        answer = Assistant(full_index, use_generator=False).ask(question)
        assert "non-acceptance" in _leads(answer), answer.text
        assert "three-fourths" not in answer.text and "26(5)" not in answer.text, answer.text
        _well_formed(answer)


def test_a_question_on_what_a_term_means_is_answered_with_its_definition(assistant):
    answer = assistant.ask("What does the Convention mean by 'best available techniques' when it asks governments "
                           "to control mercury emissions?")
    assert "most effective" in answer.sentences[0].text, answer.text
    assert any(c.ref.startswith("Article 2") for c in answer.citations), answer.text
    _well_formed(answer)


def test_a_question_on_mercury_waste_is_not_answered_with_interim_storage(full_index):
    # Article 10 is about storing mercury that is not waste; Article 11 about waste
    answer = Assistant(full_index, use_generator=False).ask(
        "EcoWaste warns against burning seized mercury cosmetics and dumping lamp waste. What does the treaty "
        "require governments to ensure for mercury waste, and may it be shipped abroad?")
    assert not any(c.ref.startswith("Article 10") for c in answer.citations), answer.text
    assert any(c.ref.startswith("Article 11") for c in answer.citations), answer.text
    _well_formed(answer)


def test_the_minamata_disease_recital_answers_whether_the_treaty_acknowledges_it(assistant):
    answer = assistant.ask("Does the treaty text itself acknowledge the Minamata tragedy, and what lesson does it "
                           "say must be drawn?")
    assert answer.sentences[0].text.startswith("Yes") and "Minamata Disease" in _leads(answer), answer.text
    assert "prevent" in _leads(answer) and "Preamble" in {c.ref for c in answer.citations}, answer.text
    _well_formed(answer)
