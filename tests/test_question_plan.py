"""Question analysis, the answer plan, the scope rules and the answer-level metrics: pure
functions, tested alone (no index, no ../shared)."""

from __future__ import annotations

import pytest

from assistant.plan import bank_leads, is_meta_text, missing_provision, usable_lead, whole_excerpt
from assistant.question import (analyze, asks_two_things, other_trade_direction, qualifying_annexes, question_kind,
                                titled_articles)
from assistant.scope import ClassifierView, IndexFacts, check_scope, meeting_numbers
from assistant.verdicts import derive_verdict, drop_verdict, opens_with_verdict
from evals.answers import has_repeats, is_truncated, lead_text, quoted_refs, starts_with_meta
from ingest.refs import Ref, find_mentions


@pytest.mark.parametrize("question, kind", [
    ("We are a dental clinic. Do we have to stop using amalgam fillings?", "yes-no"),
    ("Are vaccines with thimerosal banned?", "yes-no"),
    ("Can our hospital still buy mercury thermometers?", "yes-no"),
    ("By when must chlor-alkali plants stop using mercury?", "when"),
    ("and by when?", "when"),
    ("How long does an exemption last?", "how-long"),
    ("How many ratifications are needed for entry into force?", "how-many"),
    ("Who is the depositary?", "who"),
    ("What is a mercury-added product?", "what-is"),
    ("What counts as mercury waste?", "what-is"),
    ("What must a country do about sites already contaminated with mercury?", "must-do"),
    ("Which products are banned?", "which"),
    ("Why was the Convention needed?", "why"),
    ("How are disputes settled?", "how"),
    # a procedure asked about a date is a how-question; a date asked for, or a definition, is not
    ("How does a country go about registering an exemption from a phase-out date?", "how"),
    ("How can a Party extend its deadline, and by when must it ask?", "when"),
    # an abbreviation is no sentence break; a label before the question is not its form
    ("What does art. 21 require?", "provision"),
    ("For a class assignment: what does Article 1 say the treaty is meant to achieve?", "provision"),
    ("For our council: can we still buy mercury thermometers?", "yes-no"),
    ("What does Article 4 say?", "provision"),
    # a clause set before the question proper does not decide its form
    ("When the Conference of the Parties votes, does each Party get one vote?", "yes-no"),
    ("Once the Convention is in force for a country, may it license a new primary mercury mine?", "yes-no"),
    ("Under the 2013 text, could a Party still allow new mercury barometers to be made?", "yes-no"),
    ("When must a Party submit its national action plan?", "when"),
    # duties asked for in other words
    ("What is a government expected to do if a firm wants to build a plant using an unlisted process?", "must-do"),
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_a_followup_without_its_own_kind_keeps_the_previous_one():
    assert analyze("what about Annex B?", previous_kind="when").kind == "when"
    assert analyze("and by when?", previous_kind="yes-no").kind == "when"  # its own kind wins


def test_named_provisions_keep_what_cannot_exist():
    a = analyze("What does Article 99 say, and Annex F?")
    assert a.named == ("Article 99", "Annex F")
    assert a.refs == ()  # find_mentions ignores what cannot exist; the plan must not
    assert analyze("Tell me about dental amalgam").focus["product"] == ("amalgam",)


def test_missing_provisions_are_stated_from_what_the_index_holds():
    known = {Ref.parse(r) for r in ("Article 1", "Article 7(1)", "Article 7(4)", "Article 35", "Annex A", "Annex E")}
    assert missing_provision(analyze("What does Article 99 say?"), known) == (
        "Article 99", "The Convention has 35 articles; there is no Article 99.")
    assert missing_provision(analyze("What does Article 7(9) require?"), known)[1] == \
        "Article 7 has 4 paragraphs; there is no Article 7(9)."
    assert "no Annex F" in missing_provision(analyze("Tell me about Annex F"), known)[1]
    assert missing_provision(analyze("What does Article 7(4) say?"), known) is None


def test_leads_are_never_meta_text_fragments_or_dangling():
    assert is_meta_text("This part explains the Preamble and Articles 1 to 9 for a town's officer.")
    assert not usable_lead("This part explains the Preamble and Articles 1 to 9 for a town's officer.")
    assert not usable_lead("Anything that counts as mercury waste falls under Article 11 instead.")
    # a sentence that points at a list it cannot show ("… as listed below") says nothing on its own
    assert is_meta_text("The opening words of Annex A take some product groups out of its scope, as listed below.")
    assert not usable_lead("How well developing countries implement the treaty depends on this article working well.")
    assert not usable_lead("Vaccines that use thiomersal as a preservative")  # too short to stand alone
    assert usable_lead("Parties may not allow mercury thermometers to be made, imported or exported after 2020.")
    # an example of something unsaid; a time counted from a date the sentence does not give
    assert not usable_lead("For example, it keeps public registers of the notifications that countries send in.")
    assert not usable_lead("Existing emission sources must have measures in place within ten years of that date.")
    assert usable_lead("No exemption may be registered more than five years after a phase-out date, and such late "
                       "exemptions end ten years after that date.")
    assert not usable_lead("If the expansion is a substantial modification begun at least one year after entry into force.")
    assert usable_lead("If the sector is more than insignificant, the plan must include actions to end the worst practices.")
    assert opens_with_verdict("No. Since 2020 ...") and opens_with_verdict("Only under conditions.")
    assert not opens_with_verdict("Dental amalgam is phased down.")


def test_a_strong_bank_match_leads_only_for_a_compatible_kind():
    asked_when = analyze("By when must this stop?")
    assert bank_leads("when", 0.75, asked_when, 0.72)
    assert not bank_leads("who", 0.75, asked_when, 0.72)  # close, but it answers another question
    assert bank_leads("who", 0.90, asked_when, 0.72)  # nearly the same phrasing: it leads
    assert not bank_leads("when", 0.60, asked_when, 0.72)


# an own-words paragraph shaped like a treaty paragraph: a chapeau and two lettered items
PARAGRAPH = ("6. No Party may let the substance leave its territory except:\n"
             "(a) To another Party that agreed in writing beforehand, and then solely for a purpose that Party "
             "may pursue, or for safe keeping pending a permitted use as the storage article describes; or\n"
             "(b) To a State outside the treaty that agreed in writing beforehand and also certified that it "
             "protects people and nature, that it keeps the storage and waste rules of the treaty, and that the "
             "substance will serve solely a purpose a Party may pursue, or safe keeping as described above.")


def test_the_chapeau_is_joined_to_the_item_the_lead_rests_on():
    quoted = whole_excerpt(PARAGRAPH, "Article 3(6)", "Article 3(6)(b)", limit=300)
    assert quoted.startswith("6. No Party may let the substance leave its territory except: (b) To a State outside")
    assert "(a) To another Party" not in quoted
    assert quoted.endswith("as described above.")  # whole, never cut mid-sentence
    assert whole_excerpt(PARAGRAPH, "Article 3(6)", None, limit=2000) == " ".join(PARAGRAPH.split("\n"))


def test_an_item_is_quoted_with_its_own_sub_items():
    plan = ("1. Each Party's plan shall set out the following, in some detail and for each region of its "
            "territory:\na) Goals and targets;\nb) Steps to stop:\n(i) Burning ore in the open;\n"
            "(ii) Burning it near homes; and\n(iii) Leaching treated ore;\n"
            "c) A schedule for carrying out the plan, with dates for each step and the names of those who act;")
    quoted = whole_excerpt(plan, "Annex C(1)", "Annex C(1)(b)", limit=120)
    assert quoted.endswith("b) Steps to stop: (i) Burning ore in the open; (ii) Burning it near homes; and "
                           "(iii) Leaching treated ore;"), quoted
    assert "a) Goals" not in quoted and "c) A schedule" not in quoted


FACTS = IndexFacts(documents=("guide",), meetings=frozenset({1, 4, 5, 6}))


@pytest.mark.parametrize("question, reason", [
    ("When did Japan become a Party?", "parties-status"),
    ("Has the United States ratified the Minamata Convention?", "parties-status"),
    ("How many countries have ratified the treaty so far?", "parties-status"),
    ("What is the EU's deadline for banning dental amalgam under its mercury regulation?", "national-law"),
    ("Which city hosted the third meeting of the Conference of the Parties?", "later-decision"),
    ("What budget did COP-4 approve?", "later-decision"),
    ("How do I dispose of a broken energy-saving lamp at home?", "household"),
    ("Is it safe to eat tuna while pregnant?", "health-advice"),
    ("What is the price of mercury per flask?", "market-data"),
    ("How many tonnes of mercury does artisanal gold mining emit each year?", "market-data"),
    ("How much mercury does a typical compact fluorescent bulb contain?", "science"),
    ("What is the boiling point of mercury?", "science"),
    # the rules in the texts' own words: past-tense COP work, undecided decisions, prices of listed products
    ("What guidance on releases from tailings did the COP adopt under Article 9?", "later-decision"),
    ("What study on mercury compounds did decision MC-5/3 request from the Secretariat?", "later-decision"),
    ("What does an amalgam filling cost compared with a composite one in Kenya?", "market-data"),
    ("Which companies still manufacture mercury-added batteries?", "market-data"),
    ("What share of global mercury emissions comes from ASGM?", "market-data"),
    ("What should I do if a CFL bulb breaks in my living room?", "household"),
    ("Can mercury vapour from a broken lamp harm a pregnant woman?", "health-advice"),
    ("What does Korea's Mercury Management Act require of crematoria?", "national-law"),
    ("Write me a poem about the planet Mercury.", "other"),
    # what is asked for, in more of the words people use
    ("Do students near a broken barometer need a medical check-up?", "health-advice"),
    ("Can I put used fluorescent tubes in my regular trash bin?", "household"),
    ("How much more does a composite filling cost than an amalgam filling?", "market-data"),
    ("Which is more toxic, methylmercury or mercury vapour?", "science"),
    ("What does the Basel Ban Amendment say about exports to developing countries?", "other"),
    ("Which Parties has the Implementation and Compliance Committee found to be in non-compliance?",
     "parties-status"),
    ("Which customs codes for mercury-added products did the COP recommend?", "later-decision"),
    # mechanisms of mercury's behaviour, people and events, personal diet, a declaration not held
    ("How does activated carbon injection pull mercury out of flue gas before the baghouse?", "science"),
    ("Why do battery makers add mercury to zinc-air cells?", "science"),
    ("Who co-chaired the expert group on the effectiveness evaluation?", "other"),
    ("Which kinds of fish should an expectant mother avoid?", "health-advice"),
    ("What does the law in England say about mercury fluorescent tubes?", "national-law"),
    ("What does the Bali Declaration on illegal mercury trade ask Parties to do?", "later-decision"),
    # people, posts and events; statistics
    ("Who chaired the fourth meeting of the Implementation and Compliance Committee?", "other"),
    ("Were any company executives convicted over the mercury discharges into Minamata Bay?", "other"),
    ("Which countries had projects approved in the third round of the Specific International Programme?", "other"),
    ("What percentage of global anthropogenic mercury emissions comes from cement clinker production?", "market-data"),
    ("How many chlor-alkali plants worldwide still use mercury cells?", "market-data"),
    ("Who currently heads the Convention's secretariat?", "other"),
    ("In what chemical form does mercury mostly leave a cement kiln stack?", "science"),
    ("Why does a wet scrubber at a coal plant remove oxidized mercury but let elemental mercury pass?", "science"),
    ("The lamp over my fish tank shattered. How should I clean up the mercury and where do I take the pieces?",
     "household"),
    # an organisation that acted, what a workshop concluded, a settlement paid: other, though a country is named
    ("Which UN training institute helped Kyrgyzstan reach its decision on closing its last mercury mine?", "other"),
    ("What did the 2008 REMCOSITE workshop recommend for remediating contaminated sites in China?", "other"),
    ("How much did the chemical company agree to pay to settle claims over mercury in the river?", "other"),
    # tonnages traded or trafficked are statistics, not national law
    ("How many tonnes of mercury were trafficked from Mexico to mining areas in Peru between 2019 and 2025?",
     "market-data"),
    # a country named before a pronoun; why-questions about nature; negotiations; a revised guidance
    ("Fiji signed in 2013. Has it ratified since, and when did it lodge its instrument?", "parties-status"),
    ("Of the countries that adopted the text in Kumamoto, how many have gone on to ratify it?", "parties-status"),
    ("Why is methylmercury taken up by fish so much faster than inorganic mercury?", "science"),
    ("Why does a fluorescent tube slowly use up its mercury dose?", "science"),
    ("How does mercury in natural gas attack aluminium equipment?", "science"),
    ("Which draft option on products did the NGOs back at the fourth negotiating session?", "other"),
    ("Has the COP revised its guidance on best available techniques for cement kilns since first issuing it?",
     "later-decision"),
    ("Has the COP adopted the additional annex on interim storage?", "later-decision"),
    ("What is the yearly dollar value of mercury trade, and which countries still mine it for export?",
     "market-data"),
    # "sales bans" are law, not sales figures; "the state's Act" points back to the state named before
    ("Which US states' mercury laws, such as Maine's, exempt antique barometers from sales bans?", "national-law"),
    ("Vermont reports progress on mercury. What cuts does the state's Mercury Reduction Act require from "
     "its utilities?", "national-law"),
    ("Did miners poisoned at the old mine ever win compensation from the company?", "other"),
    ("Could a eutectic alloy really work as the liquid cathode instead of mercury in chlorine plants?", "science"),
    # the meeting named in the sentence before, and the annex topic set aside ("besides …")
    ("Besides the amalgam deadline, COP-6 adopted other resolutions. What did it decide on customs codes?",
     "later-decision"),
    # any US state or Canadian province, not a hand-picked few
    ("Under Idaho's mercury rules, how often must a gold mine sample its stack gas?", "national-law"),
    ("How many flasks of mercury change hands on world markets each year?", "market-data"),
    ("Which Parties' projects were selected in the second funding round of the Specific International "
     "Programme?", "other"),
    ("Has the Minamata COP since updated its guidance on emission inventories?", "later-decision"),
    ("What did the Convention's first effectiveness evaluation find about fish in the Arctic?", "later-decision"),
    # the advice asked for is about the household item the sentence before names
    ("My son knocked a fever thermometer off the shelf and it shattered. What should I do with the little "
     "balls?", "household"),
    ("A thermometer cracked in the car. Do we have to throw the mats out?", "household"),
    ("I found old mercury in a bottle in my father's workshop. How should I pack it for the collection day?",
     "household"),
    # nature's workings, asked by no one about themselves, whatever food or health words they use
    ("Why do older tuna hold more methylmercury than young ones?", "science"),
    ("By what mechanism does mercury in a cream lighten skin?", "science"),
    ("How fast do steel flasks of mercury corrode in a salt mine?", "science"),
    ("How many micrograms of mercury vapour does one amalgam filling give off per day?", "science"),
    # a named State's own date of entry into force is its status
    ("When did the Convention enter into force for the Philippines?", "parties-status"),
    # a production statistic is market data, not science
    ("What share of Ghana's gold production came from small-scale mining in 2018?", "market-data"),
    # what an organisation or firm did, and a meeting's decision on anything but the annex listings
    ("Which consultancy was hired to develop indicators for planetGOLD projects?", "other"),
    ("Which industry group has collected millions of vehicle switches, and which company recycles them?", "other"),
    ("What mercury waste threshold did the Conference of the Parties set, and does it apply to crushed lamp glass?",
     "later-decision"),
    ("Did any COP adopt a decision requiring online platforms to delist skin lighteners?", "later-decision"),
    # what became of a firm, who ran a campaign, who tabled a proposal, which agencies run a programme
    ("What happened to the smelter company that was caught reselling mercury it was paid to store?", "other"),
    ("Who led the protests that closed the lamp factory, and were the workers ever compensated?", "other"),
    ("Which Latin American countries tabled the 2021 proposal on skin creams?", "other"),
    ("Which agencies implement the planetGOLD programme in Peru?", "other"),
    # money that went to a project, a country's producers counted, a share of capacity
    ("How much GEF funding went to the mercury project in Ecuador's mining towns?", "market-data"),
    ("What share of India's caustic soda capacity still used mercury cells in 2010?", "market-data"),
    ("How many chlor-alkali producers does Brazil have?", "market-data"),
    # what a country's own law allows, with no word of the treaty
    ("Does Norway still allow mercury in button cells sold to hobbyists?", "national-law"),
    # physics, and what the first meeting formally settled, which its ministers' messages do not hold
    ("What does the mercury do physically inside a tilt switch when it is tipped?", "science"),
    ("Did delegates at the first COP agree on the secretariat's budget, or was it deferred?", "later-decision"),
    # what a meeting asked, chose or gave, whatever meaning words follow
    ("Did COP-3 ask Parties with chlor-alkali plants to report their closure dates?", "later-decision"),
    ("Which laboratories did the Conference of the Parties choose for its global monitoring?", "later-decision"),
    ("Has the Conference of the Parties set a threshold for when mine tailings count as waste?", "later-decision"),
    ("Has the Conference of the Parties taken any decision on long-term storage of surplus mercury?",
     "later-decision"),
    # Parties named with an adjective; filed and reported
    ("Which Asian Parties have sent their reports on emissions inventories?", "parties-status"),
    ("Has Chile filed a general notification of consent with the Secretariat?", "parties-status"),
    # counts per year, what a thing sells for, shares of what is sold
    ("How many broken fluorescent tubes are collected in Canada each year?", "market-data"),
    ("What do antique mercury barometers sell for at auction?", "market-data"),
    ("What share of UV lamps sold today still contain mercury?", "market-data"),
    # a state's own rule; a firm that developed a product; how harm comes about
    ("By what year did Vermont require schools to remove mercury thermometers?", "national-law"),
    ("Which company developed the first mercury-free catalyst for vinyl chloride?", "other"),
    ("How does methylmercury damage nerve cells in the brain?", "science"),
    ("At what temperature does mercury leave crushed lamp glass?", "science"),
    # a State's own binding date; advice to families; whether a replacement device is good enough
    ("A paper said Seoul was about to deposit its instrument. On what date did the treaty become binding on "
     "South Korea?", "parties-status"),
    ("Miners' villages sit on polluted rivers. Should the families there stop eating the fish they catch?",
     "health-advice"),
    ("Are infrared thermometers accurate enough to check a toddler's fever?", "health-advice"),
    # what a later meeting did besides listing products: extensions granted, supply-chain certification
    ("At COP-6 several countries asked for five more years on their product exemptions. Did the Conference of "
     "the Parties grant those extensions?", "later-decision"),
    ("A paper said COP6 took up skin-lightening creams too. What did the Parties decide there about certifying "
     "gold supply chains?", "later-decision"),
    # another treaty's own procedure, asked in the words that ask what a treaty requires
    ("What does the Stockholm Convention's listing procedure require of a proposed chemical?", "other"),
    # "came into force" does not ask what the treaty forces
    ("How much does a flask of mercury cost today, and did prices drop once the Convention came into force?",
     "market-data"),
    # advice asked with "should I" about the household item named before it; one's own health stays health
    ("A fluorescent tube shattered in our hallway. How long should I leave the windows open before vacuuming?",
     "household"),
    ("Our thermometer broke on the bathroom floor. Should I collect the droplets with a card or a pipette?",
     "household"),
    ("A thermometer broke at home and I now feel dizzy. Should I ask my GP for a urine test?", "health-advice"),
    # what a named meeting adopted; who presided; how large a grant may be; how long mercury lasts in nature
    ("The first COP met in Geneva. What form for the consent to exports did that meeting adopt?", "later-decision"),
    ("Which delegate presided over the fourth meeting of the Conference of the Parties?", "other"),
    ("What is the largest grant a Party can receive from the Specific International Programme?", "market-data"),
    ("How long does mercury released into a lake stay in the environment before it breaks down?", "science"),
])
def test_scope_rules_see_what_is_asked_for(question, reason):
    verdict = check_scope(question, [], FACTS)
    assert verdict is not None and verdict.reason == reason


@pytest.mark.parametrize("question", [
    "Can our hospital still buy mercury thermometers?",
    "When does the Convention enter into force for a country that ratifies it?",
    "What did COP-4 add to Annex A?",
    "How many ratifications were needed for the Convention to enter into force?",
    "Which countries must prepare an ASGM national action plan?",
    "What must Parties report to the Conference of the Parties?",
    "Can the European Union vote at the Conference of the Parties?",
    # "Can any Party still …?" asks the rule; so do an article's expectations and the treaty's definitions
    "Can any Party still hold an exemption for thermometers fifteen years after their phase-out date?",
    "Norway funds its own plan. Does Article 13 still expect it to pay for national implementation itself?",
    "Would old batteries thrown away at home fall within the Convention's definition of mercury wastes?",
    "What are the phase-out dates for fluorescent lamps under the amended Annex A?",
    "How many countries had to ratify the Minamata treaty before it could take effect?",
    "Can the EU itself become a party alongside its member states?",
    "my dentist put amalgam in teeth, convention say must stop this?",
    "When do mercury vacuum pumps have to be phased out?",
    "Which decision added satellite propellant to Annex A?",
    # a country named as context; the asking sentence asks the treaty
    "Austria accepts both compulsory means of dispute settlement under the Convention. What are those two means?",
    "Could a national action plan on gold mining include market-based mechanisms for mercury-free gold?",
    "Did COP-5 change anything for vinyl chloride monomer production?",
    "Can a dispute about the Convention be taken to the International Court of Justice?",
    "Who is the Depositary of the Convention?",
    "Who can propose an amendment to an annex?",
    # a country named only in the sentence before the one that asks; "a Party to stop" is no status
    "Israel's ministry told pharmacies to stop selling mercury thermometers. Does the Convention itself require "
    "a Party to stop shops from selling thermometers they already have in stock?",
    "India's board moved chlor-alkali plants off mercury cells. Under the Convention, could a Party still allow a "
    "new mercury-cell facility under a registered exemption?",
    "Is a country that joins the Minamata Convention legally bound to provide treatment for people harmed by mercury?",
    "Do we have to clean up an old mine site that is polluted with mercury?",
    "What must a Party require to control mercury emissions from new coal-fired power plants?",
    "How does the exemption system for phase-out dates work?",
    "Our hospital has a box of broken mercury thermometers. What does the Convention say about disposing of them?",
    # "my country" speaks for a State, not a household; the treaty "asks", "targets"; market tools are Annex C's
    "If my country bans mercury thermometers, do GPs have to get rid of the ones they use, or does the "
    "Convention only target making and trading them?",
    "After reading about marshes poisoned by old factories, I wonder: what does the treaty ask countries to do "
    "about contaminated sites?",
    "Could a government's gold-mining action plan use market tools, such as rewarding buyers of mercury-free gold?",
    # countries named as examples before the treaty's own actor; what counts as mercury under a rule
    "With new cinnabar mines opening in places like Indonesia and Mexico, could a Party legally permit a primary "
    "mercury mine that only started after the Convention took effect for it?",
    "For the trade rules, do mercury alloys and mixtures count as 'mercury', and what minimum mercury "
    "concentration brings them in?",
    "How many tonnes of stocks must a Party identify under the supply rules?",
    # a country in the scene-setting sentence; the sentence that asks asks for the treaty's deadline
    "Indonesia has small-scale gold mining in around thirty provinces. Once a Party notifies that its ASGM is more "
    "than insignificant, what is the deadline for submitting its national action plan?",
    # a window the treaty set ("could … still sign"), a duty of all Parties, "bound by the Convention to …"
    "Where was the Convention opened for signature, and until when could States still sign it?",
    "After the COP-4 amendment, what must Parties now do about amalgam for children under 15?",
    "Is an environment ministry legally bound by the Convention to set national emission targets?",
    "When Peru ratifies, is it expected to tell the Secretariat how it will implement the Convention?",
    "Could Norway legally adopt rules stricter than the Convention?",
    "Mining there ended in 2001; if investors wanted a brand-new mercury mine, could that Party permit it?",
    "COP-4 met in Bali. What did it decide about dental amalgam?",
    # the size of a treaty body is not a head count; what the Convention singles out is not national
    # law though a country is the scene; a Party "also in" another treaty is asked about as a Party
    "How many people sit on the Implementation and Compliance Committee, and how are the seats shared out?",
    "At illegal gold mining sites in Ghana, whom does the Convention single out as vulnerable groups?",
    "What condition must be met before a Party that is also in the Basel Convention ships lamp waste abroad?",
    # the treaty's own procedures and bodies named: a country's deadline under its action plan, why the
    # preamble names a region, a dispute's "demand conciliation" (no market demand)
    "If Chile tells the Secretariat its gold mining is more than insignificant, by when is its national action "
    "plan due?",
    "Why does the preamble single out small island States?",
    # a place as context: the treaty is asked
    "Miners around Lake Victoria burn amalgam in the open. What does Annex C ask their national plan to include?",
    "Our hospital in Ontario wants to stop buying mercury thermometers. Does the Convention phase them out?",
    "Two Parties disagree about a shipment. How long must they negotiate before one can demand conciliation?",
    # the treaty asked about, in words near the out-of-scope ones
    "What topics may the COP's guidance on managing mercury-contaminated sites, such as river sediments, cover?",
    "Does anything in the Convention stop a Party from adopting stricter domestic measures of its own?",
    "If spent lamps are shipped abroad, what does the Convention say about moving mercury waste for Parties to the "
    "Basel Convention?",
    "Does Article 4 cover the export of listed products, or only their manufacture at home?",
    "If a cement plant in Korea is upgraded and its emissions rise, who decides whether that counts as a "
    "substantial modification under Article 8?",
    "What did the parties conclude about making sodium or potassium methylate without mercury?",
    # the same words about the treaty itself
    "What must a Party do about a mercury mine that was already producing before the treaty, and for how long?",
    "If Norway allows a product that Annex A lists, does the Convention let it register an exemption?",
    "Which Parties must submit a national action plan on artisanal gold mining?",
    "At its first meeting, what was the Conference of the Parties required to agree with the GEF?",
    "After COP-5, what must Parties that still use dental amalgam prepare?",
    "Is a plan for coal plant emissions mandatory under Article 8?",
    "What is Peru required to report?",
    # what the treaty singles out, though its words are about exposure; what a list of the treaty's means,
    # though a country is the scene
    "Which groups does the treaty single out as vulnerable when it asks gold-mining countries to plan how to "
    "keep people from being exposed to mercury?",
    "A copper smelter in Zambia is cutting its stack emissions. When the emissions list names smelting of "
    "non-ferrous metals, which metals does it mean?",
    # money, science, household or court words in a question that asks what the treaty requires
    "Beyond the GEF, does the treaty expect each Party to fund its own activities, say from its national budget?",
    "Must every Party keep to the listed phase-out dates, or may it pick its own measures, and what does that "
    "choice cost it?",
    "Does the treaty's research and monitoring article ask Parties to study mercury re-emitted from old deposits?",
    "Would shards of a broken thermometer count as mercury waste under the Convention?",
    "In an arbitration between two Parties, can the tribunal order interim protection before ruling, and who asks?",
])
def test_scope_rules_leave_answerable_questions_alone(question):
    assert check_scope(question, [], FACTS) is None


def test_a_named_provision_shields_only_from_resemblance_not_from_what_is_asked():
    question = "Which Parties currently hold registered exemptions under Article 6?"
    verdict = check_scope(question, [], FACTS, names_provision=True)
    assert verdict is not None and verdict.reason == "parties-status"
    assert check_scope("What does Article 6 say about exemptions?", [], FACTS, names_provision=True,
                       classified=ClassifierView(0.99, "other"), classifier_threshold=0.5) is None


def test_a_name_no_indexed_text_uses_is_refused_and_named_in_the_refusal():
    # what the index's texts say, not a list of names: the same question is answered once a text uses the name
    words = frozenset("specific international programme secretariat party convention".split())
    facts = IndexFacts(documents=("guide",), meetings=frozenset({1}), vocabulary=words)
    verdict = check_scope("What is CLEAPSS, and what does it tell schools about missing mercury?", [], facts)
    assert verdict is not None and verdict.reason == "other" and "CLEAPSS" in verdict.statement
    assert check_scope("What is the Specific International Programme?", [], facts) is None
    assert check_scope("What is CLEAPSS?", [], IndexFacts(vocabulary=words | {"cleapss"})) is None
    # a country asked about has rules of its own; a context name in another sentence is not what is asked
    assert check_scope("What is Peru required to report?", [], facts) is None
    assert check_scope("CLEAPSS advises schools. What must a Party report under the Convention?", [], facts) is None
    assert check_scope("What did the Supreme Court decide about the mine?", [], facts).reason == "other"


def test_what_a_firm_no_text_names_does_is_refused_unless_the_treaty_is_asked():
    words = frozenset("fluorescent lamps producing stop plan offer customers instead secretariat party "
                      "convention".split())
    facts = IndexFacts(documents=("guide",), meetings=frozenset({1}), vocabulary=words)
    verdict = check_scope("When does Panasonic plan to stop producing fluorescent lamps, and what will it offer "
                          "customers instead?", [], facts)
    assert verdict is not None and verdict.reason == "other" and "Panasonic" in verdict.statement
    # put to the treaty, the same firm is only the scene; a name the texts use is no unknown name
    assert check_scope("Under the Convention, must Panasonic stop producing fluorescent lamps?", [], facts) is None
    assert check_scope("When does the Secretariat plan to stop producing fluorescent lamps?", [], facts) is None


def test_an_amended_product_named_only_as_context_does_not_shield_from_the_classifier():
    # "dental" names the amalgam entry, but the asking sentence asks for medical advice, not its state
    from assistant.amendments import AmendedEntry

    amalgam = (AmendedEntry("Dental amalgam", "phase-down", "two compulsory measures",
                            ("Annex A Part II", "Decision MC-4/3"), "d", "notes", "c"),)
    facts = IndexFacts(documents=("guide",), meetings=frozenset({1, 4}), amended=amalgam)
    sure = ClassifierView(0.99, "health-advice")
    verdict = check_scope("I work as a dental nurse and my hair test came back high. Do I need a urine test "
                          "as well?", [], facts, classified=sure, classifier_threshold=0.9)
    assert verdict is not None and verdict.reason == "health-advice"
    # asked about the entry itself, the classifier stays out
    assert check_scope("Is dental amalgam still allowed now?", [], facts, classified=sure,
                       classifier_threshold=0.9) is None


def test_a_meeting_the_index_holds_is_answerable_and_one_it_lacks_is_not():
    assert meeting_numbers("What did COP-4 and the fifth meeting decide?") == [4, 5]
    assert check_scope("What did COP-4 decide about dental amalgam?", [], FACTS) is None
    assert check_scope("What did COP-4 decide about dental amalgam?", [], IndexFacts(meetings=frozenset({1}))).reason \
        == "later-decision"


def test_decision_refs_are_refs():
    r = Ref.parse("Decision MC-4/3")
    assert str(r) == "Decision MC-4/3" and r.is_decision and r.parent() == Ref.parse("COP-4")
    assert Ref.parse("COP-4").contains(r) and not Ref.parse("Annex A").overlaps(r)
    assert find_mentions("What did decision MC-5/4 and COP 6 change?") == [Ref.parse("Decision MC-5/4"),
                                                                           Ref.parse("COP-6")]


def test_answer_metrics_read_the_answer_as_a_reader_does():
    answer = ("No. Parties may not allow it after 2020 [1]. Large equipment is excluded [2].\n\n"
              "Article 4(1) of the Convention says: “Each Party shall not allow …” [3]")
    assert lead_text(answer) == "No. Parties may not allow it after 2020. Large equipment is excluded."
    assert is_truncated(answer) and quoted_refs(answer) == ["Article 4(1)"]
    assert has_repeats("It is banned after 2020 [1]. It is banned after 2020 [2].")
    assert starts_with_meta("This part explains the annexes. Then facts.")


def test_a_bank_yes_over_an_encouragement_does_not_answer_whether_it_binds():
    from assistant.verdicts import bank_verdict

    reply = "Yes. Parties are encouraged to cooperate on remediating contaminated sites [Article 12(4)]."
    # written for "Is there cooperation on clean-up?": asked whether the treaty obliges, it is no strict duty
    assert bank_verdict("Is there cooperation on cleaning up sites?", reply) == reply
    assert bank_verdict("Does the treaty oblige countries to clean up contaminated sites?", reply) \
        == "Not as a strict duty: Parties are encouraged to cooperate on remediating contaminated sites [Article 12(4)]."
    # an either-or question on whether it binds is told which; any other either-or gets no bare yes or no
    assert bank_verdict("Is that a binding duty for Parties or only something they are encouraged to do?", reply) \
        .startswith("Not a binding duty: Parties are encouraged")
    assert bank_verdict("Is it mandatory, or only encouraged?", "Yes. Each Party shall report [Article 21(1)].") \
        == "A binding duty: each Party shall report [Article 21(1)]."
    # any other either-or question keeps the yes or no, which replies to its first alternative
    assert bank_verdict("Must we take the lamps down, or does it only stop new ones?", "No, not new supply: x.") \
        == "No, not new supply: x."


def test_a_bank_verdict_turns_with_the_way_the_question_is_asked():
    from assistant.verdicts import reframe_verdict

    banned = "Are mercury thermometers banned?"
    assert reframe_verdict("Can our hospital still buy mercury thermometers?", banned,
                           "Yes. After 2020 Parties may not allow them.").startswith("No. After 2020")
    assert reframe_verdict("Can we still buy them?", banned, "Yes, after 2020: they may not be made.") \
        == "No, not after 2020: they may not be made."
    assert reframe_verdict("Are they prohibited?", banned, "Yes. X") == "Yes. X"  # asked the same way
    # a verdict that cannot be turned plainly is dropped rather than left wrong
    assert reframe_verdict("Are they banned?", "Can hospitals still buy them?", "No, not new supply: x.") == "X."
    # "not after 2020" turns plainly: asked whether they were put on the list, it is "Yes, after 2020"
    assert reframe_verdict("Are they banned?", "Can hospitals still buy them?", "No, not after 2020: x.") \
        == "Yes, after 2020: x."
    assert reframe_verdict("Have melt pressure transducers since been put on the Convention's phase-out list?",
                           "Can we still import them?", "No, not after 2025: x.") == "Yes, after 2025: x."
    assert reframe_verdict("Does the Convention stop the manufacture and import of mercury vapour lamps?",
                           "Can we still buy them?", "No, not new supply: they may not be made.") \
        == "They may not be made."
    # an entry's phrasings are asked both ways: its answer, not the phrasing that matched, says which
    # way its verdict replies ("No. A Party may not allow …" answers "can we?")
    mine = "No. A Party may not allow new primary mercury mining."
    assert reframe_verdict("Would the treaty let the government allow a new mine?", "Is new mining banned?",
                           mine).startswith("No. A Party")
    assert reframe_verdict("Is opening a new mercury mine prohibited?", "Can we grant a licence?",
                           mine).startswith("Yes. A Party")
    # whether the product list covers a product is asked the ban's way round
    antiseptics = "No. Pesticides, biocides and topical antiseptics with added mercury may not be made after 2020."
    assert reframe_verdict("Does the treaty's product list cover mercury topical antiseptics, and from what date?",
                           "Can our supplier keep importing it?", antiseptics).startswith("Yes. Pesticides")


@pytest.mark.parametrize("question, lead, verdict", [
    # a "not" inside the condition of the lead denies the condition, not what is asked
    ("If one side refuses to show up, can the arbitral tribunal still go ahead and decide?",
     "If a party does not appear or defend its case, the other party may ask the tribunal to continue and decide.",
     "Yes."),
    # a plain positive question gets the lead's polarity, when the lead is about the same thing
    ("Do the supply rules apply to laboratory-scale research quantities?",
     "Laboratory-scale research quantities are outside the supply rules.", "No."),
    ("Does retorting spent lamps count as a manufacturing process under Article 5?",
     "Article 5 and Annex B exclude processes that process mercury-containing waste, such as spent lamps.", "No."),
    ("Can the Implementation and Compliance Committee punish a Party?",
     "The Implementation and Compliance Committee is facilitative and makes recommendations, not penalties.", "No."),
    ("Does the treaty let Parties coordinate on regional plans?",
     "Parties may coordinate on regional plans to facilitate implementation.", "Yes."),
    ("May reclaimed mercury be reused or sold for any purpose?",
     "Reclaimed mercury may be reused only for a permitted use or for safe disposal.", "Only on conditions:"),
    ("Is 1 ppm still the limit for mercury in cosmetics?",
     "Decision MC-5/4 removed the 1 ppm limit, so cosmetics with any added mercury are listed.", "No."),
    # no verdict: two questions in one, a lead about something else, two denials, a question about a removal
    ("Was the 1 ppm limit for cosmetics removed?",
     "Decision MC-5/4 removed the 1 ppm limit, so cosmetics with any added mercury are listed.", None),
    ("Can an NGO attend as an observer, and can the Parties keep it out?",
     "Any State that has not joined may attend as an observer.", None),
    ("Can a Party export mercury for storage?", "The Secretariat keeps a register of exemptions.", None),
    ("Can a Party allow mercury at new chlor-alkali facilities?",
     "A Party may not allow mercury at chlor-alkali facilities that did not exist before.", None),
    ("Does the Compliance Committee not have the power to punish a Party?",
     "The Compliance Committee is facilitative and makes recommendations, not penalties.", None),
    # a "not" inside a Party's relative clause or a "where" clause denies that clause, not what is asked
    # (a thing's "that is not" still denies: storage "that is not waste"); a closed list
    # that may leave out what is asked about says no yes
    ("Does the storage article cover mercury waste?",
     "Article 10 covers the interim storage of mercury that is not mercury waste.", "No."),
    ("Could a Party declare that annex amendments bind it only after it ratifies them?",
     "An annex amendment binds every Party that has not notified non-acceptance, and a Party may declare "
     "that annex amendments bind it only after it ratifies them.", "Yes."),
    ("Must a gold-mining plan include actions to eliminate cyanide leaching of amalgamated tailings?",
     "Cyanide leaching of tailings with added mercury, where that mercury was not taken out first, is one of "
     "the practices a plan must include actions to eliminate.", "Yes."),
    ("Would an aluminium smelter fall under the smelting category of the emission sources?",
     "For the emission sources, non-ferrous metals means lead, zinc, copper and industrial gold, whose "
     "smelting is a listed category.", None),
    ("Would a nickel smelter be covered?",
     "Annex D covers smelting in the production of non-ferrous metals, meaning lead, zinc, copper and industrial "
     "gold.", None),
    # a yes never confirms a figure the question claims and the lead does not give
    ("Does a national action plan have to contain a 30% reduction target by 2030?",
     "A national action plan must include national objectives and reduction targets.", None),
    ("Does a national action plan have to contain reduction targets?",
     "A national action plan must include national objectives and reduction targets.", "Yes."),
    ("Must a plan be updated every 3 years?", "Each Party must review its plan every three years.", "Yes."),
    ("Must a Party report no later than the date the COP sets?",
     "Each Party must report to the Conference of the Parties no later than the date it sets.", "Yes."),
    # a clause before the question; participles and supply verbs; a duty given as an instruction
    ("Under the 2013 text, could a Party still allow new barometers to be made, imported or exported?",
     "Non-electronic mercury barometers may not be made, imported or exported after 2020.", "No."),
    ("While an old mine runs, may the Party let its mercury be sold for gold mining?",
     "Mercury from primary mines may not be supplied to artisanal gold mining.", "No."),
    ("Do we need to keep a record of how much mercury local factories emit?",
     "Keep records of local emission and release sources.", "Yes."),
    # asking about an absence or an escape is a negated question; a comparison asks more than polarity
    ("Could a Party leave its existing cement plants without any mercury measures?",
     "An existing cement kiln must be covered by measures within ten years.", None),
    ("Does the Convention give vinyl chloride monomer production a fixed phase-out year like chlor-alkali?",
     "For vinyl chloride monomer, Parties must halve mercury use per unit by 2020 against 2010.", None),
    # a scope exclusion worded as "left out" denies that the rules apply
    ("Do the trade rules apply to a cargo of coal with traces of mercury?",
     "Natural trace quantities of mercury in coal are left out of the trade rules.", "No."),
    # a lead that states a ban and a phase-down at once does not say which one the product falls under
    ("Is a mercury eye ointment caught by the ban on mercury-added products?",
     "Article 4 bans listed mercury-added products after set dates and phases down dental amalgam.", None),
    ("Is dental amalgam banned?", "Dental amalgam is phased down, not banned outright.", "No."),
    # what is asked about is what the lead carves out
    ("Under the emissions article, does a change that adds mercury only through by-product recovery count as a "
     "substantial modification?", "A substantial modification is one that raises emissions significantly, "
     "excluding any change from by-product recovery.", "No."),
    ("Does a change that raises emissions significantly count as a substantial modification?",
     "A substantial modification is one that raises emissions significantly, excluding any change from "
     "by-product recovery.", "Yes."),
    # whether the treaty stops the use of what one owns, against a lead that lets it go on
    ("Does it actually stop a hospital from continuing to use the mercury sphygmomanometers it already owns?",
     "Thermometers a hospital already owns may still be used, but once discarded they are mercury waste.", "No."),
    ("Does the treaty stop factories from making mercury thermometers?",
     "Mercury thermometers may not be made, imported or exported after 2020.", "Yes."),
    ("Does the Convention itself stop us from installing the lamps we bought before 2020?",
     "High pressure mercury vapour lamps may not be made, imported or exported after 2020.", "Not as such:"),
])
def test_a_yes_no_verdict_is_read_from_the_leads_polarity_only_when_plain(question, lead, verdict):
    assert derive_verdict(question, lead) == verdict


def test_questions_asking_two_things_get_no_bare_verdict():
    assert asks_two_things("Is dental amalgam going to be banned, and when?")
    assert asks_two_things("Was film added by the Bali meeting or by the 2023 one?")
    assert not asks_two_things("Can we import, make or export mercury thermometers?")
    assert derive_verdict("Is dental amalgam going to be banned, and when?", "It is a phase-down, not a ban.") is None


def test_a_verdict_with_its_qualifier_is_dropped_whole_and_note_fragments_do_not_lead():
    assert drop_verdict("No, not new supply: high pressure lamps may not be made.") == "High pressure lamps may not be made."
    assert drop_verdict("Yes. It is listed.") == "It is listed."
    # a verdict that is not a bare yes or no replies only to a yes/no question too
    assert drop_verdict("Not as such: a plan is optional.") == "A plan is optional."
    assert drop_verdict("It depends: each Party chooses.") == "Each Party chooses."
    assert not usable_lead("Now: the precision bridges spared in 2013 are listed too, after 2025.")


def test_document_titles_read_as_titles_and_a_held_meeting_is_named_as_held():
    from types import SimpleNamespace

    from assistant.retrieval import _display_title

    def doc(title, doc_type="guidance"):
        return SimpleNamespace(title=title, doc_type=doc_type)

    assert _display_title(doc("Question bank: mercury-added products, exemptions and Annex A")).endswith("Annex A")
    assert _display_title(doc("This session of the Conference has agreed on the following messages.",
                              "conference-text")) == "a conference text"  # a first line, not a title
    assert _display_title(doc("The Parties have agreed on", "conference-text")) == "a conference text"
    from assistant.amendments import AmendedEntry
    amending = IndexFacts(documents=("guide",), meetings=frozenset({1, 5}), amended=(AmendedEntry(
        "lamps", "2013 state", "later state", ("Annex A Part I", "Decision MC-5/4"), "note", "Note", "c1"),))
    verdict = check_scope("What did COP-5 decide about the budget?", [], amending)
    assert verdict.reason == "later-decision" and "hold only the amendments" in verdict.statement
    unheld = check_scope("What did COP-3 decide about the budget?", [], FACTS)
    assert "do not record what the Conference of the Parties decided" in unheld.statement
    # what is held of each meeting is said, read from the index: a bare list of held meetings beside
    # "the texts do not hold that meeting's decisions" read as a contradiction
    from assistant.amendments import AmendedEntry

    amended = (AmendedEntry("Mercury vacuum pumps", "not listed", "listed, after 2025",
                            ("Annex A Part I", "Decision MC-4/3"), "d", "notes", "c"),)
    held = IndexFacts(documents=("guide",), meetings=frozenset({1, 4}), amended=amended)
    statement = check_scope("What did COP-3 decide about the budget?", [], held).statement
    assert "the annex amendments of COP-4 and texts of COP-1, not their other decisions" in statement, statement


def test_what_a_held_meeting_did_beside_an_amended_entrys_listing_is_a_later_decision():
    from assistant.amendments import AmendedEntry
    creams = (AmendedEntry("Cosmetics", "above 1 ppm, after 2020", "all, after 2025",
                           ("Annex A Part I", "Decision MC-5/4"), "d", "notes", "c"),)
    facts = IndexFacts(documents=("guide",), meetings=frozenset({1, 4, 5, 6}), amended=creams)
    # enforcement and certification are not the annex listing the index holds
    verdict = check_scope("What did the Parties decide at COP-6 about fighting illegal trade in mercury cosmetics?",
                          [], facts)
    assert verdict is not None and verdict.reason == "later-decision"
    # the listing itself is held
    assert check_scope("What did COP-5 decide about mercury cosmetics?", [], facts) is None


def test_a_refusal_lists_what_the_index_holds_the_convention_first():
    from assistant.chain import _documents

    listed = _documents(("Question bank: part 1", "a conference text", "Minamata Convention on Mercury",
                         "Question bank: part 2"))
    assert listed == "the Minamata Convention on Mercury, the question bank and a conference text"


def test_a_sub_provision_ranked_just_below_its_article_leads():
    from assistant.retrieval import _specific_first
    from assistant.types import Passage
    from ingest.models import Chunk

    def passage(ref, score):
        chunk = Chunk(id=ref, doc_id="d", doc_title="t", doc_type="treaty", ref=ref, heading=ref, heading_path=(ref,),
                      text="x", page_start=None, page_end=None, ordinal=0)
        return Passage(chunk, score, None, None, "hybrid")

    ranked = [passage("Article 6", 1.0), passage("Article 6(1)", 0.9), passage("Article 7", 0.8)]
    assert [p.chunk.ref for p in _specific_first(ranked, 0.85)] == ["Article 6(1)", "Article 6", "Article 7"]
    assert [p.chunk.ref for p in _specific_first(ranked, 0.95)][0] == "Article 6"  # not close enough
    other = [passage("Article 6", 1.0), passage("Article 7(1)", 0.99)]
    assert _specific_first(other, 0.85) == other  # another article's paragraph does not move up


def test_an_annex_named_as_what_is_amended_asks_for_the_amendment_procedure():
    from assistant.condense import condense

    asked = condense("How far ahead of a COP must a proposed amendment, for example to Annex A, be sent?").refs
    assert "Annex A" not in asked and {"Article 26", "Article 27"} <= set(asked)
    assert "Annex A" in condense("What did the COP-4 amendment to Annex A add?").refs  # the content is asked


def test_a_meeting_named_only_as_context_is_not_what_is_asked():
    from assistant.question import analyze

    # the meeting sets the scene; the asking sentence is about observers (Article 23(6))
    assert analyze("Our NGO registered for COP-4. Under the Convention, what must a body do to be admitted as "
                   "an observer?").refs == ()
    # the asking sentence turns to the meeting, or names it itself: it is asked about
    assert analyze("Our NGO went to COP-4. Which lamps were added there?").refs == ("COP-4",)
    assert analyze("We read the news. What did COP-4 add to Annex A?").refs[0] == "COP-4"
    # a provision named before the asking sentence still counts ("Article 7 … What does it require?")
    assert analyze("Article 7 is about gold mining. What does it require?").refs == ("Article 7",)


def test_a_question_of_several_parts_is_split_into_its_questions():
    from assistant.question import question_parts

    assert question_parts("How many members sit on a tribunal, and how quickly must it decide?") == \
        ["How many members sit on a tribunal", "how quickly must it decide"]
    assert question_parts("If a later government wanted out, how soon could it withdraw, whom must it notify, and "
                          "when would withdrawal take effect?") == \
        ["If a later government wanted out, how soon could it withdraw", "whom must it notify",
         "when would withdrawal take effect"]
    # a clause set before the question is not a question of its own
    assert question_parts("Once a country deposits its instrument, how long is it before the treaty binds it?") == \
        ["Once a country deposits its instrument, how long is it before the treaty binds it"]
    assert question_parts("Which products are listed?") == ["Which products are listed"]
    # a clause and the first question in one piece, then a second question
    assert question_parts("Once the tribunal has ruled, can the losing side appeal, and may a member who disagrees "
                          "say so?") == ["Once the tribunal has ruled, can the losing side appeal",
                                         "may a member who disagrees say so"]
    # a question word after a preposition asks ("By when …, and who …?" is two questions, not a clause and one)
    assert question_parts("A guide sits online. By when must a Party have its emissions inventory, and who writes "
                          "the guidance for it?") == \
        ["By when must a Party have its emissions inventory", "who writes the guidance for it"]
    # a question opened by a preposition after a clause, and a part opened by "and since when"
    assert question_parts("If a Party later wanted out, from when could it withdraw and when would the withdrawal "
                          "take effect?") == ["If a Party later wanted out, from when could it withdraw",
                                              "when would the withdrawal take effect"]
    assert question_parts("Which patients does it cover, and since when has it been binding on Parties?") == \
        ["Which patients does it cover", "since when has it been binding on Parties"]
    # two asking sentences after a scenario
    assert question_parts("Clinics still use them. Why does the treaty care about thermometers? What is its "
                          "objective?") == ["Why does the treaty care about thermometers", "What is its objective"]


def test_a_part_the_lead_leaves_open_gets_its_own_entry_and_only_then():
    from types import SimpleNamespace

    from assistant.plan import part_leads

    def entry(cid, text):
        return SimpleNamespace(chunk=SimpleNamespace(id=cid, text=text, questions=()), answerable=True)

    members = entry("members", "An arbitral tribunal has three members.")
    deadline = entry("deadline", "The tribunal decides within five months of being constituted.")
    binding = entry("binding", "The award is final and binding.")
    parts = ["How many members sit on a tribunal", "how quickly must it render its decision"]
    sims = [{"members": 0.81, "deadline": 0.64, "binding": 0.6}, {"members": 0.3, "deadline": 0.53, "binding": 0.3}]
    assert part_leads(members, [members, deadline, binding], parts, sims) == [deadline]
    # without a lead, a part with a clearly closest entry gives it, and the others follow
    assert part_leads(None, [members, deadline, binding], parts, sims) == [members, deadline]
    # a part the lead's own answer speaks to gets nothing more ("… and who appoints the members?")
    asked = ["How many members sit on a tribunal", "how many members does the tribunal have"]
    assert part_leads(members, [members, deadline], asked, [sims[0], {"deadline": 0.9, "members": 0.2}]) == []
    # nor does a part that no entry answers clearly (two close candidates)
    assert part_leads(members, [members, deadline, binding], parts,
                      [sims[0], {"members": 0.3, "deadline": 0.55, "binding": 0.52}]) == []


# ---- lists: a reply that names every item of a listing provision ------------------------------
def _treaty_chunk(ref: str, text: str, n: int = 0):
    from ingest.models import Chunk
    return Chunk(id=f"{ref}-{n}", doc_id="d", doc_title="t", doc_type="treaty", ref=ref, heading=ref,
                 heading_path=(ref,), text=text, page_start=None, page_end=None, ordinal=n)


# a provision in the treaty's shape, worded for this test: a chapeau, lettered items, one with sub-items
_LISTING = ("2. Each Party with a registry shall record in it:\na) The name of each site;\nb) Harmful practices to stop:\n"
            "(i) Burning waste in the open;\n(ii) Dumping sludge in rivers; and\n(iii) Storing drums without cover;\n"
            "c) The dates of inspection; and\nd) The outcome of each inspection.")


@pytest.mark.parametrize("question, ref, items", [
    ("Which harmful practices does the registry have to record?", "Article 9(2)(b)",
     ("Burning waste in the open", "Dumping sludge in rivers", "Storing drums without cover")),
    ("What items must each registry record?", "Article 9(2)",
     ("The name of each site", "Harmful practices to stop", "The dates of inspection", "The outcome of each inspection")),
])
def test_a_listing_provision_gives_the_list_the_question_points_to(question, ref, items):
    from assistant.lists import asks_for_items, listing
    from assistant.terms import topic_terms
    assert asks_for_items(question)
    found = listing([_treaty_chunk("Article 9(2)", _LISTING)], "Article 9(2)", topic_terms(question))
    assert found is not None and found.ref == ref and found.items == items


def test_an_annex_tables_rows_are_one_list_and_its_footnote_is_no_row():
    from assistant.lists import covered, list_sentence, listing
    rows = [_treaty_chunk("Annex Z", f"Source category: {name};", n)
            for n, name in enumerate(("Kilns for lime", "Glass furnaces", "Paper mills"))]
    rows.append(_treaty_chunk("Annex Z", "(note 1) For this Annex, kilns means rotary kilns only.", 9))
    found = listing(rows, "Annex Z", {"source", "category", "crematoria"})
    assert found is not None and len(found.chunks) == 3
    assert list_sentence(found) == "Annex Z lists three: kilns for lime; glass furnaces; and paper mills."
    assert covered(found, "Glass furnaces and paper mills are listed.") == pytest.approx(2 / 3)


def test_a_table_of_two_dated_rows_is_a_list_with_its_dates():
    # two processes with their phase-out dates: "which processes, and what are the dates?" gets both
    from assistant.lists import list_sentence, listing
    rows = [_treaty_chunk("Annex Z Part I", f"Processes using widgets: {name}; Phase-out date: {year}", n)
            for n, (name, year) in enumerate((("Glass etching", "2027"), ("Felt making", "2019")))]
    found = listing(rows, "Annex Z Part I", {"process", "widget"})
    assert found is not None and list_sentence(found) == \
        "Annex Z Part I lists two: glass etching (phase-out date 2027) and felt making (phase-out date 2019)."
    # a chapeau's two lettered items stay with the quote: only a table's rows are a list of two
    assert listing([_treaty_chunk("Article 9(1)", "1. Each Party shall keep:\na) Records; and\nb) Samples.")],
                   "Article 9(1)", {"keep", "records"}) is None


@pytest.mark.parametrize("question", [
    "On what information must the evaluation be based?",
    "Which reports must the Secretariat prepare for the Parties?",
    "What kinds of data should Parties help gather?",
])
def test_a_question_for_information_or_reports_asks_for_a_list(question):
    from assistant.lists import asks_for_items
    assert asks_for_items(question)


@pytest.mark.parametrize("question", [
    "Within how many years must existing sources have controls?",  # a duration, not a list
    "What limit applies to the criteria a Party sets?",
])
def test_a_question_that_asks_no_list_gets_none(question):
    from assistant.lists import asks_for_items
    assert not asks_for_items(question)


def test_a_list_with_an_item_too_long_to_name_whole_or_sharing_no_word_is_left_to_the_quote():
    from assistant.lists import listing
    long_item = "a) " + "A very long item that goes on " * 8 + ";"
    text = f"1. Each Party shall include in its plan:\n{long_item}\nb) Targets;\nc) Dates; and\nd) Budgets."
    assert listing([_treaty_chunk("Article 9(1)", text)], "Article 9(1)", {"plan", "include"}) is None
    assert listing([_treaty_chunk("Article 9(2)", _LISTING)], "Article 9(2)", {"finance"}) is None
    # one shared word does not pick a sub-list: it may as well point at its neighbours
    sub = listing([_treaty_chunk("Article 9(2)", _LISTING)], "Article 9(2)", {"practice"})
    assert sub is None or sub.ref == "Article 9(2)"


def test_a_checklist_item_a_lead_already_states_is_not_said_again():
    from assistant.draft import Draft

    draft = Draft()
    draft.say("The Secretariat must keep a public register of all general notifications.", [1], "lead")
    draft.say("The Secretariat must keep a public register of all such general notifications.", [1], "checklist")
    draft.say("Each Party must submit its plan to the Secretariat within three years.", [2], "checklist")
    assert [s.kind for s in draft.sentences] == ["lead", "checklist"]


def test_a_scenario_before_the_question_does_not_keep_a_fitting_entry_from_leading():
    # the scenario's words ("campaigners", "amalgam", "banned") are not what is asked: the entry that
    # answers the asking sentence shares its words, and leads
    from types import SimpleNamespace

    from assistant.plan import choose_bank_lead

    chunk = SimpleNamespace(questions=["Who can propose adding a product to the phase-out list?"],
                            text="Any Party may propose adding a product to the list [Article 4(7)].")
    entry = SimpleNamespace(chunk=chunk, answerable=True, kind="who", refs=["Article 4(7)"], similarity=0.8,
                            lexical=0.3)
    question = ("Campaigners want dental amalgam fillings moved onto the banned list. Who may propose adding a "
                "product to the phase-out list?")
    assert choose_bank_lead(question, analyze(question), [entry], threshold=1.0, lexical_weight=0.3) is entry


def test_a_conditional_verdict_becomes_the_condition_of_the_reply():
    # "Only if …: X" replies to "Does it count?"; to "What concentration …?" it says "X only if …"
    assert drop_verdict("Only if the mixture is at least 95 per cent mercury by weight: Article 3 counts such "
                        "mixtures as mercury [Article 3(1)(a)].") == (
        "Article 3 counts such mixtures as mercury only if the mixture is at least 95 per cent mercury by weight "
        "[Article 3(1)(a)].")
    assert drop_verdict("No. Parties may not allow it.") == "Parties may not allow it."


def test_a_verdict_ending_in_a_colon_stays_with_its_sentence():
    from assistant.compose import split_sentences
    assert split_sentences("Only if it is at least 95 per cent mercury: Article 3 counts it. Pure mercury counts.") == [
        "Only if it is at least 95 per cent mercury: Article 3 counts it.", "Pure mercury counts."]
    # a heading's colon still ends its piece
    assert split_sentences("Not adopted: An African proposal did not pass.")[0] == "Not adopted:"


@pytest.mark.parametrize("part, need", [
    ("how many members sit on the tribunal", "figure"),
    ("what majority adopts it when consensus fails", "figure"),
    ("what mercury concentration must a mixture reach to count as mercury", "figure"),
    ("how early must the proposal be circulated", "time"),
    ("Under the treaty, when does a boiler count as a 'new source'", "time"),
    ("which groups does Annex C single out", None),
])
def test_what_only_a_figure_or_a_time_answers(part, need):
    from assistant.figures import asks_for
    assert asks_for(part) == need


def test_a_figure_is_told_from_a_cross_reference_and_a_bare_within():
    from assistant.figures import gives
    assert gives("figure", "at least 95 per cent by weight") and gives("figure", "a three-fourths majority vote")
    assert not gives("figure", "as referred to in paragraph 3 of Article 11 and Annex E")
    assert gives("time", "at least six months before the meeting") and gives("time", "by 2020")
    assert not gives("time", "a source falling within one of the categories listed in Annex D")


def test_a_count_is_said_only_by_the_figure_of_the_thing_counted():
    from assistant.figures import asked_figure
    official = "The Committee shall consist of 15 members, nominated by Parties, based on the five regions."
    assert asked_figure("How many members sit on that committee", official) == "15"
    assert asked_figure("How many seats does it have", official) is None  # the official text counts no seats
    assert asked_figure("How is balance ensured", official) is None


def _chunk(ref: str, text: str):
    from ingest.models import Chunk
    return Chunk(id=ref, doc_id="t", doc_title="T", doc_type="treaty", ref=ref, heading=ref, heading_path=(ref,),
                 text=text, page_start=None, page_end=None, ordinal=0)


def test_an_official_statement_is_whole_with_its_chapeau():
    from assistant.figures import statements
    # an item on the chapeau's own line, and a chapeau whose item is itself a chapeau of sub-items
    one = statements(_chunk("Article 3(1)(a)", "1. For the purposes of this Article: a) Mentions of “mercury” "
                                               "cover blends whose mercury share is 95 per cent or more; and"))
    assert [s.text for s in one] == ["Under Article 3, mentions of “mercury” cover blends whose mercury share is "
                                     "95 per cent or more."]
    two = statements(_chunk("Article 3(5)", "5. Each Party shall:\na) Endeavour to identify stocks exceeding 50 metric "
                                            "tons, as well as sources generating stocks exceeding 10 metric tons per "
                                            "year;\nb) Take measures to ensure that excess mercury is disposed of."))
    assert two[0].text == ("Under Article 3(5), each Party must endeavour to identify stocks exceeding 50 metric tons, "
                           "as well as sources "
                           "generating stocks exceeding 10 metric tons per year.")
    # a heading keeps its colon; a paragraph of three sentences gives three statements
    row = statements(_chunk("Annex B Part II", "Vinyl chloride monomer production: (i) Reduce the use of mercury by "
                                               "50 per cent by the year 2020 against 2010 use;"))
    assert row[0].text.startswith("Vinyl chloride monomer production: Reduce the use of mercury by 50 per cent")
    assert len(statements(_chunk("Article 26(2)", "2. Amendments shall be adopted at a meeting. The text shall be "
                                                  "communicated at least six months before. The Depositary is "
                                                  "informed too."))) == 3


def test_a_statement_names_its_provision_only_where_the_passage_still_supports_it():
    from assistant.figures import statements
    from assistant.verify import MIN_SUPPORT, support
    chunk = _chunk("Annex E Part II Article 8", "The commission shall decide by a majority vote of its members.")
    (st,) = statements(chunk)
    assert st.text == "The commission must decide by a majority vote of its members."
    assert support(st.text, [chunk.text]) >= MIN_SUPPORT


def test_no_option_of_a_one_or_more_list_is_stated_as_a_duty():
    # "shall implement one or more of the following measures …: (a) …; (b) emission limit values": item (b)
    # joined to the chapeau would read as a duty to set limit values
    from assistant.figures import statements
    chunk = _chunk("Article 8(5)", "5. For its existing sources, each Party shall implement one or more of the "
                                   "following measures within ten years:\na) A quantified goal;\nb) Emission "
                                   "limit values;")
    (st,) = statements(chunk)
    assert "one or more of the measures listed there" in st.text and "limit values" not in st.text


_TITLES = {"Article 3": "Mercury supply sources and trade", "Article 9": "Releases", "Article 10":
           "Environmentally sound interim storage, other than waste mercury",  # (shortened)
           "Article 11": "Mercury wastes",
           "Article 13": "Financial resources and mechanism", "Article 31": "Entry into force"}


@pytest.mark.parametrize("question, articles", [
    ("Under the releases article, when is a source a new one?", ("Article 9",)),
    ("Would a drum of catalyst fall under the Convention's article on interim storage of mercury compounds?",
     ("Article 10",)),
    ("What does the funding article tie implementation to?", ("Article 13",)),
    ("Can a Party opt out of the mercury trade article?", ("Article 3",)),
    ("Is scrap covered by its waste article?", ("Article 11",)),  # the title most about waste, not "waste mercury"
    # a press article in the context, an article named by number, or no subject: none
    ("An article on the treaty's entry into force said plants face a cutoff. Which processes are listed?", ()),
    ("What does Article 9 on releases require?", ()),
    ("What does the article say?", ()),
    ("What does the opening article set as the aim?", ()),
])
def test_an_article_named_by_its_subject_is_found_by_its_title(question, articles):
    assert titled_articles(question, _TITLES) == articles


@pytest.mark.parametrize("question, annexes", [
    ("May a Party treat coal plants one way and the other Annex D categories another?", ("Annex D",)),
    ("What does Article 5 say about sharing advances for the processes in Annex B?", ("Annex B",)),
    # what is added to or changed in an annex, or what an annex says, is about the annex
    ("Who may propose adding a product to Annex A, and what must the proposal hold?", ("Annex A",)),
    ("How many products did the fourth meeting add to Annex A?", ()),
    ("What did the last meeting change in Annex A?", ()),
    ("Can a Party register an exemption for one sub-category of a product listed in Annex A?", ("Annex A",)),
    ("What does Annex D say?", ()),
    # an annex as the adjective of what is asked about, or the object of a review
    ("Within how many years must a Party report how many facilities use Annex B processes?", ("Annex B",)),
    ("By when did the COP have to review Annex A?", ("Annex A",)),
    ("When was the revised Annex A sent round to the Parties?", ()),
    # how any change to an annex is adopted and comes to bind is Article 27's procedure; a change
    # that was made is the annex's own
    ("Lamps may be added. How is such a change to Annex A adopted, and when does it bind a Party?", ("Annex A",)),
    ("From when does an amendment to Annex D enter into force for a Party that does not object?", ("Annex D",)),
    ("When did the Bali amendment to Annex A enter into force?", ()),
])
def test_an_annex_named_only_to_locate_the_subject_is_told_apart(question, annexes):
    assert qualifying_annexes(question) == annexes


def test_a_sentence_that_only_restates_the_quoted_provision_goes_when_the_quote_comes():
    from assistant.draft import Draft

    # (a made-up provision: the rule is about shared words, not about the treaty's text)
    provision = ("Changes to the annexes are proposed, adopted and brought into force like new annexes, save "
                 "for a Party holding a declaration under Article 30(5)")
    draft = Draft()
    draft.say("A new annex binds, after one year, every Party that has not objected.", [1], "lead")
    draft.say("An annex change follows the same route as a new annex.", [2], "lead")
    draft.say("Under Article 27(4), changes to the annexes are proposed, adopted and brought into force like new "
              "annexes, save for a Party holding a declaration under Article 30(5).", [3], "lead")
    draft.say(f"Article 27(4) of the Convention says: “{provision}”", [3], "quote")
    assert [s.text[:20] for s in draft.sentences] == ["A new annex binds, a", "An annex change foll",
                                                      "Article 27(4) of the"]
    # a reply in the asker's terms that shares many of the provision's words is no restatement
    draft = Draft()
    draft.say("A toy is no way around the phase-out dates.", [1], "lead")
    draft.say("Each Party must take measures so that mercury-added products it may not make or trade are not "
              "built into assembled goods such as toys.", [2], "lead")
    draft.say("Article 4(5) of the Convention says: “Each Party shall act to keep mercury-added products whose "
              "making and trade it may not allow out of the assembled products made or sold on its territory”",
              [2], "quote")
    assert len(draft.sentences) == 3


def test_a_bank_entry_in_other_words_for_the_same_plant_and_firm_still_fits():
    # "a firm wants to build a new plant" is the entry's "a company wants to build a factory": the
    # entry on unlisted processes leads, not the one on listed processes that shares more scenario words
    from types import SimpleNamespace

    from assistant.plan import choose_bank_lead
    from assistant.terms import stems

    assert stems({"factories", "facility", "plants", "firm", "companies", "business"}) == {"plant", "company"}
    unlisted = SimpleNamespace(
        chunk=SimpleNamespace(questions=["A company wants to build a factory using a mercury process not on the "
                                         "treaty's list — must our ministry refuse it?"],
                              text="Not as such. Each Party must discourage new facilities using any other "
                                   "process [Article 5(7)]."),
        answerable=True, kind="yes-no", refs=["Article 5(7)"], similarity=0.81, lexical=0.48)
    listed = SimpleNamespace(
        chunk=SimpleNamespace(questions=["Are new mercury-based chemical plants banned under the Convention?"],
                              text="Yes, for the processes listed in Annex B [Article 5(6)]."),
        answerable=True, kind="yes-no", refs=["Article 5(6)"], similarity=0.71, lexical=0.52)
    question = ("What is a government expected to do if a firm wants to build a new plant using a mercury-based "
                "chemical process that isn't on the treaty's process list at all?")
    assert choose_bank_lead(question, analyze(question), [unlisted, listed], threshold=0.7,
                            lexical_weight=0.3) is unlisted


def test_an_entry_naming_the_body_the_question_names_is_preferred():
    from types import SimpleNamespace

    from assistant.plan import choose_bank_lead, names_asked

    question = "Who pays into the Specific International Programme, and who is the Programme accountable to?"
    assert names_asked(question) == ["specific international programme"]
    assert names_asked("Are Parties bound by it?") == []
    gef = SimpleNamespace(chunk=SimpleNamespace(questions=["Who pays into the GEF Trust Fund and who guides it?"],
                                                text="Donors pay into the Global Environment Facility Trust Fund; "
                                                     "the Conference of the Parties guides it [Article 13(7)]."),
                          answerable=True, kind="who", refs=["Article 13(7)"], similarity=0.75, lexical=0.4)
    sip = SimpleNamespace(chunk=SimpleNamespace(questions=["Who funds the Specific International Programme?"],
                                                text="Parties and stakeholders fund the Specific International "
                                                     "Programme on a voluntary basis [Article 13(9)]."),
                          answerable=True, kind="who", refs=["Article 13(9)"], similarity=0.73, lexical=0.4)
    assert choose_bank_lead(question, analyze(question), [gef, sip], threshold=0.7, lexical_weight=0.3) is sip


def test_a_duty_whose_subject_text_is_a_condition_never_leads():
    from types import SimpleNamespace

    from assistant.fact_leads import _row_can_lead

    near = [Ref.parse("Article 25(6)")]
    row = SimpleNamespace(ref="Article 25(6)", actor="party", action="ensure that if they have not been able to "
                          "settle their dispute within twelve months, the dispute be submitted to a conciliation "
                          "commission")
    assert not _row_can_lead(row, near)
    assert _row_can_lead(SimpleNamespace(ref="Article 25(6)", actor="party", action="submit the dispute to a "
                                         "conciliation commission at the request of any party"), near)


def test_the_2013_text_is_said_first_only_when_it_alone_is_asked():
    from assistant.fact_leads import asks_original_only

    assert asks_original_only("Under the treaty as first adopted, after which year could skin lightening soaps "
                              "no longer be made?")
    assert asks_original_only("In the original Annex A, above what mercury content was a short CCFL phased out?")
    # what became of the 2013 text is asked: the state now leads
    assert not asks_original_only("The 2013 list spared radio-frequency relays. Is that carve-out still there?")
    assert not asks_original_only("What changed from the original Annex B listing of polyurethane?")
    assert not asks_original_only("Which amendment did COP-5 adopt, as adopted at COP-5?")


def test_a_checklist_keeps_to_the_annex_row_the_answer_is_about():
    from types import SimpleNamespace

    from assistant.compose import _another_row
    from assistant.draft import Draft

    draft = Draft()
    draft.say("Your country must cut this mercury use and phase it out within 10 years.", [1], "lead")
    question = "What must Parties do about mercury in sodium or potassium methylate or ethylate production?"
    vcm = SimpleNamespace(action="reduce the use of mercury per unit production by 50 per cent by 2020 "
                                 "(Vinyl chloride monomer production)")
    methylate = SimpleNamespace(action="reduce emissions per unit production by 50 per cent by 2020 "
                                       "(Sodium or Potassium Methylate or Ethylate)")
    plain = SimpleNamespace(action="submit its national action plan to the Secretariat (a)")
    assert _another_row(vcm, question, draft)
    assert not _another_row(methylate, question, draft) and not _another_row(plain, question, draft)


def _provision(ref: str, text: str):
    from ingest.models import Chunk
    return Chunk(id=ref, doc_id="treaty", doc_title="A treaty", doc_type="treaty", ref=ref, heading=ref,
                 heading_path=("A treaty", ref), text=text, page_start=None, page_end=None, ordinal=0)


# a made-up provision shaped like a treaty paragraph: a chapeau, lettered items, sub-items of one
_HARBOURS = ("4. Each Party shall not allow the shipping of widgets except:\n"
             "a) To a Party that has agreed in writing, and only for the purpose of:\n"
             "(i) Repairs made under this Treaty; or\n(ii) Safe storage in a bonded harbour; or\n"
             "b) To a non-Party that has shown a licence issued by its harbour board.")


def test_units_join_an_item_to_its_chapeau_with_its_sub_items():
    from assistant.quote_reply import units
    found = units(_HARBOURS)
    assert [label for _, _, label in found] == ["a", "b"]
    first = found[0][0]
    assert first.startswith("Each Party shall not allow the shipping of widgets except to a Party"), first
    assert "(i) repairs made" in first and "(ii) safe storage in a bonded harbour" in first, first
    # a list whose chapeau is a heading keeps its colon
    heading = units("2. Harbour boards shall cooperate, within their means:\na) Charts of the widget routes;\n"
                    "b) Counts of widgets, including blue ones, red ones and green ones.")
    assert heading[1][0].startswith("Harbour boards shall cooperate, within their means: counts of widgets")


def test_the_part_of_a_quote_that_replies_is_said_in_prose_and_only_then():
    from assistant.quote_reply import reply_unit
    chunk = _provision("Article 4(4)", _HARBOURS)
    quoted = [(chunk, " ".join(_HARBOURS.split("\n"))[3:])]
    question = "A port authority asked about widget trade. For which purposes may a Party ship widgets to another Party?"
    reply = reply_unit(question, quoted, ["Shipping widgets needs the other Party's written agreement."])
    assert reply is not None and reply.item == "a", reply
    assert "safe storage in a bonded harbour" in reply.text and "must not allow" in reply.text, reply.text
    assert reply.text.startswith("Under Article 4(4)(a), each Party"), reply.text  # the item it rests on
    # the prose already says it: nothing is added
    said = "A Party may ship widgets to another Party only for repairs made under the Treaty or safe storage " \
           "in a bonded harbour, and only with its agreement in writing."
    assert reply_unit(question, quoted, [said]) is None
    # a question on the list as a whole (its words are the chapeau's) gets no single item
    assert reply_unit("When may a Party allow the shipping of widgets?", quoted, []) is None or \
        reply_unit("When may a Party allow the shipping of widgets?", quoted, []).item == ""


def test_a_refusal_about_a_meeting_that_amended_no_annex_never_says_it_did():
    # the index holds COP-1's high-level texts, not amendments of COP-1 (the annexes were amended at COP-4 to 6)
    verdict = check_scope("Did COP-1 adopt the trade consent form unchanged, and what must a non-Party supply on it?",
                          [], FACTS)
    assert verdict is not None and verdict.reason == "later-decision", verdict
    assert "that COP-1 made" not in verdict.statement and "COP-1" in verdict.statement, verdict.statement


def test_what_a_treaty_plan_must_cover_at_home_is_not_household_advice():
    assert check_scope("Miners in a survey smelted amalgam in the family stove. Would the country's action plan "
                       "under the treaty have to deal with burning amalgam at home?", [], FACTS) is None
    verdict = check_scope("I burned some amalgam in our kitchen at home. How do I clean up the residue?", [], FACTS)
    assert verdict is not None and verdict.reason == "household", verdict


@pytest.mark.parametrize("question", [
    "A study from Germany said its coal plants could halve their mercury. For existing plants like these, which "
    "measures can a government choose from under the treaty, and what is the deadline?",
    "A UNEP report in French explains the treaty's waste definition. Which mining residues are left out of that "
    "definition, and when do they fall back inside it?",
    # how a Party is to act, whatever it is to estimate; a body the treaty sets up; why the treaty's own clock ran
    "How should a country gather and publish estimates of how much mercury its industries emit, release or dispose "
    "of each year?",
    "Who runs the Specific International Programme for capacity-building and technical assistance, and are Parties "
    "obliged to pay into it?",
    "A news site said the convention would take effect the day some states ratified. Why did entry into force not "
    "happen that day?",
])
def test_treaty_questions_with_a_country_or_a_science_word_are_not_refused(question):
    assert check_scope(question, [], FACTS) is None


def test_a_yes_or_no_gets_a_quoted_rule_only_for_the_limits_it_adds():
    from assistant.quote_reply import reply_unit
    plain = _provision("Article 9(2)", "2. Each harbour board shall keep a register of widget ships calling at its "
                                       "quays and publish a yearly summary naming each vessel's owner, cargo and flag.")
    question = "Does a harbour board have to keep a register of the widget ships calling at its quays?"
    quoted = [(plain, plain.text[3:])]
    assert reply_unit(question, quoted, ["Yes."], "yes-no") is None  # the rule again, no limit of it
    assert reply_unit(question, quoted, ["Yes."], "other") is not None
    limited = _provision("Article 9(2)", "2. Each harbour board shall keep a register of widget ships calling at its "
                                         "quays, unless fewer than twelve ships call in a year, naming each owner and cargo.")
    reply = reply_unit(question, [(limited, limited.text[3:])], ["Yes."], "yes-no")
    assert reply is not None and "unless fewer than twelve ships" in reply.text, reply


@pytest.mark.parametrize("question, reason", [
    ("A Swedish agency page lists banned goods. Above what mercury content does a product count as mercury-containing "
     "under that Swedish ordinance?", "national-law"),
    ("An NGO ran screenings with mercury-free devices in Manila. How many Philippine clinics had dropped mercury "
     "thermometers by then, according to the group?", "market-data"),
    ("Which Japanese politician first proposed naming the treaty after Minamata?", "other"),
    # a share of a country's yearly practice is a statistic, not science; a diet for a pregnant woman is health
    ("What share of the tooth fillings placed in Germany each year are still made of dental amalgam?", "market-data"),
    ("Norway issues dietary advice because of mercury in freshwater fish. How many meals of lake pike or perch per "
     "week are safe for a pregnant woman?", "health-advice"),
])
def test_questions_about_another_law_a_groups_count_or_a_person_are_refused(question, reason):
    verdict = check_scope(question, [], FACTS)
    assert verdict is not None and verdict.reason == reason, verdict


def test_a_later_lead_that_says_yes_or_no_opens_the_reply():
    from assistant.compose import _verdict_first
    from assistant.draft import Draft
    from assistant.types import Sentence
    question = "Is a mercury antiseptic for scraped knees caught by the ban on mercury-added products?"
    draft = Draft(sentences=[
        Sentence("Article 4 lists products whose trade ends on set dates.", [1], "lead"),
        Sentence("Topical antiseptics with added mercury are banned: they may not be made, imported or exported "
                 "after 2020.", [2], "lead")])
    _verdict_first(draft, question, None)
    assert draft.sentences[0].text.startswith("Yes. Topical antiseptics"), draft.sentences
    assert draft.sentences[1].text.startswith("Article 4 lists"), draft.sentences
    # a sentence that only continues another ("so … should …") gives no verdict
    draft = Draft(sentences=[Sentence("Article 4 lists products whose trade ends on set dates.", [1], "lead"),
                             Sentence("So antiseptics with added mercury are banned after 2020.", [2], "lead")])
    _verdict_first(draft, question, None)
    assert draft.sentences[0].text.startswith("Article 4 lists"), draft.sentences


@pytest.mark.parametrize("question", [
    "The EU copied the additions into its law. Can you list the products the 2022 amendment added to Annex A?",
    "Could you explain how the exemption register works?",
])
def test_a_request_worded_as_can_you_is_not_a_yes_no_question(question):
    assert question_kind(question) != "yes-no"


def test_a_yes_written_for_a_listed_item_is_not_given_to_one_the_list_leaves_out():
    from assistant.verdicts import leaves_out_what_is_asked
    lead = "Annex D covers smelting in the production of non-ferrous metals, meaning lead, zinc, copper and industrial gold."
    vocabulary = "Is the zinc smelter near our town covered by the emission rules? Do copper smelters fall under it?"
    # the subject asked about is what the list must name; the list's own topic words are not asked about
    assert leaves_out_what_is_asked("What counts as a non-ferrous metal here? Would a nickel smelter be covered?",
                                    lead, vocabulary)
    assert not leaves_out_what_is_asked("Is zinc smelting covered by the Convention's list of point sources of air "
                                        "emissions?", lead, vocabulary)
    assert not leaves_out_what_is_asked("Would a nickel smelter be covered?", "Annex D lists smelting of metals.")


def _ranked_statements(*provisions: tuple[str, str]):
    """The statements of made-up provisions, each with its provision's rank, as figures.best_statement takes them."""
    from assistant.figures import statements
    return [(rank, st) for rank, (ref, text) in enumerate(provisions) for st in statements(_provision(ref, text))]


def test_each_part_of_a_question_gets_the_sentence_on_its_own_subject():
    from assistant.figures import _terms, best_statement
    ranked = _ranked_statements(("Article 40(1)", "1. Once three years have passed since this Agreement bound a Party, "
                                                  "that Party may withdraw from it by written notice to the Depositary."),
                                ("Article 40(2)", "2. A withdrawal shall take effect one year after the Depositary "
                                                  "receives the notice, or on any later date the notice names."))
    question = "If a Party later wanted out, from when could it withdraw and when would the withdrawal take effect?"
    first, second = "If a Party later wanted out, from when could it withdraw", "when would the withdrawal take effect"
    # the words only the other part uses ("take effect") count against a sentence; "later" is how it is asked
    assert best_statement(first, question, "time", ranked, others=_terms(second)).ref == "Article 40(1)"
    assert best_statement(second, question, "time", ranked, others=_terms(first)).ref == "Article 40(2)"


def test_a_bank_entry_on_another_article_than_the_official_text_ranked_first_must_be_closer():
    from types import SimpleNamespace

    from assistant.plan import choose_bank_lead

    question = "In which animals does the treaty mention monitoring mercury levels?"
    evaluation = SimpleNamespace(chunk=SimpleNamespace(questions=["Could our mercury monitoring data feed the "
                                                                  "evaluation of the treaty?"],
                                                       text="Yes: monitoring data of mercury levels is one basis of "
                                                            "the effectiveness evaluation [Article 22(2)]."),
                                 answerable=True, kind="which", refs=["Article 22(2)"], similarity=0.72, lexical=0.0)
    args = dict(threshold=0.75, lexical_weight=0.0)  # the entry scores just above it on its own
    assert choose_bank_lead(question, analyze(question), [evaluation], **args) is evaluation
    # Article 19(1) ranked first: the entry on Article 22 is too far to lead
    assert choose_bank_lead(question, analyze(question), [evaluation], ranked_first="Article 19(1)", **args) is None
    assert choose_bank_lead(question, analyze(question), [evaluation], ranked_first="Article 22(3)", **args) is evaluation


def test_an_ordinal_count_is_a_figure_and_how_long_wants_a_period():
    from assistant.figures import best_statement, gives
    assert gives("figure", "It enters into force on the ninetieth day after the fiftieth instrument of ratification.")
    ranked = _ranked_statements(("Article 50(8)", "8. The Board is to adopt guidance on emission limit values for "
                                                  "existing widget kilns at its first meeting."),
                                ("Article 50(5)", "5. For its existing widget kilns, each Party shall apply controls "
                                                  "within ten years of the day the Agreement began to bind it."))
    part = "How long do we have to put emission limit values in place for existing widget kilns"
    # "at its first meeting" is the Conference's time, not the period a Party has
    assert best_statement(part, part, "time", ranked).ref == "Article 50(5)"


def test_a_why_not_question_is_replied_to_by_the_entry_on_whether_it_may():
    from types import SimpleNamespace

    from assistant.plan import choose_bank_lead

    entry = SimpleNamespace(chunk=SimpleNamespace(questions=["Can an investor build a new widget plant with mercury cells?"],
                                                  text="No. A Party may not allow mercury at a widget plant that did not "
                                                       "exist before, and no exemption applies [Article 5(6)]."),
                            answerable=True, kind="yes-no", refs=["Article 5(6)"], similarity=0.72, lexical=0.0)
    why_not = "Why couldn't an investor build a new widget plant with mercury cells?"
    assert analyze(why_not).kind == "why"
    assert choose_bank_lead(why_not, analyze(why_not), [entry], threshold=0.8) is entry
    # a why-question that asks a reason for what is done is not replied to by a yes or a no
    why = "Why does the treaty care about new widget plants with mercury cells?"
    assert choose_bank_lead(why, analyze(why), [entry], threshold=0.8) is None


@pytest.mark.parametrize("question, phrasings, other", [
    # an entry most of whose phrasings ask about exporting does not answer how an import is allowed
    ("Can we import mercury from a State that is not a Party?",
     ("Can we export mercury to a non-Party?", "Is exporting mercury to outsiders allowed?", "Can mercury be shipped out?"), True),
    ("Can we export mercury to a non-Party?",
     ("Can we export mercury to a non-Party?", "Is exporting mercury to outsiders allowed?"), False),
    # the parties named by their role are not the direction asked: an export needs the importing country's consent
    ("Does a country exporting mercury need the importing country's consent for every shipment?",
     ("Is there a register of countries that accept mercury imports?", "Do we need a new consent each time?",
      "What is a general notification?"), False),
    # a trader is not a trade: "an exporter of instruments" asks about the products
    ("As an exporter of instruments: are mercury thermometers restricted?", ("Can thermometers be imported?",), False),
    # a question on neither direction, or an entry on both, is not told apart
    ("What are the trade rules for mercury?", ("Can we export mercury?",), False),
    ("Can we import mercury?", ("Who consents to imports and exports of mercury?",), False),
])
def test_an_entry_on_the_other_direction_of_trade_is_told_apart(question, phrasings, other):
    assert other_trade_direction(question, phrasings) is other


@pytest.mark.parametrize("question, kind", [
    ("What does Article 12 encourage Parties to do?", "must-do"),
    ("What does the treaty expect a Party with gold mining to do?", "must-do"),
    # the contents of a document are a list, not a Party's duties
    ("What must go into the report a Party sends to the Conference of the Parties?", "which"),
    ("What must a national action plan on gold mining contain?", "which"),
    ("What must a Party do about contaminated sites?", "must-do"),
])
def test_what_a_provision_encourages_is_a_duty_question_and_what_a_document_holds_a_list(question, kind):
    assert question_kind(question) == kind


def test_whether_something_counts_as_a_defined_term_is_replied_to_by_the_definition():
    asks = analyze("Would a family-run mine with a hundred diggers count as artisanal and small-scale gold mining?")
    assert asks.kind == "yes-no" and asks.classifies
    assert bank_leads("what-is", 1.05, asks, 1.0)
    plain = analyze("Can our clinic still buy mercury thermometers?")
    assert not plain.classifies and not bank_leads("what-is", 1.05, plain, 1.0)


def test_a_deposit_whose_date_is_given_asks_the_rule_not_the_status():
    leaning_out = ClassifierView(out_of_scope=0.99, reason="parties-status")
    asked = "Peru deposited its instrument of accession on 21 January 2016. From which day did the Convention bind it?"
    assert check_scope(asked, [], FACTS, classified=leaning_out, classifier_threshold=0.5) is None
    # the date of a State's own deposit or entry into force is still the Depositary's record
    for status in ("When did the Convention enter into force for Peru?",
                   "Peru's congress approved the treaty in 2015. On what date did Peru become a Party?"):
        verdict = check_scope(status, [], FACTS, classified=leaning_out, classifier_threshold=0.5)
        assert verdict is not None and verdict.reason == "parties-status", (status, verdict)


def test_waste_outside_another_treaty_is_asked_of_this_one():
    assert check_scope("If a cargo of mercury waste is not covered by the Basel Convention, on what footing may a "
                       "Party let it cross a border?", [], FACTS) is None
    verdict = check_scope("What do the Basel Convention's technical guidelines recommend for landfilling mercury?",
                          [], FACTS)
    assert verdict is not None and verdict.reason == "other", verdict


@pytest.mark.parametrize("question, age", [
    ("For a brand-new coal power station, may the government set an emission limit instead of a technology?", "new"),
    ("Do old lignite-fired power plants have to be retrofitted with the best available techniques?", "existing"),
    ("What must a Party do about mercury emissions from cement kilns?", None),
    ("We run an existing cement kiln and plan a new one. Which rules apply to each?", None),
])
def test_a_question_on_one_age_of_emission_source_sets_the_other_ages_rules_aside(question, age):
    analysis = analyze(question)
    assert analysis.source_age == age
    assert analysis.wrong_source_age("Article 8(5)(b)") == (age == "new")
    assert analysis.wrong_source_age("Article 8(6)") == (age == "new")
    assert analysis.wrong_source_age("Article 8(4)") == (age == "existing")
    assert not analysis.wrong_source_age("Article 8(2)")


@pytest.mark.parametrize("question, two", [
    ("After the amendment, what must Parties do about bulk mercury and about amalgam for patients under 15?", True),
    ("What has to happen with bulk mercury in dental practice, and with amalgam for children under 15?", True),
    ("How many members sit on the Committee, and how are they chosen?", True),
    ("Does the Convention oblige Parties to clean up contaminated sites and waste dumps?", False),
])
def test_one_thing_asked_about_two_subjects_counts_as_two_questions(question, two):
    from assistant.question import asks_about_two
    assert asks_about_two(question) == two


def _entry(kind: str, questions: tuple[str, ...], text: str, refs: str = "Article 9(4)", similarity: float = 0.86):
    from ingest.bank import BankMatch
    from ingest.models import Chunk
    chunk = Chunk(id="e1", doc_id="bank", doc_title="Bank", doc_type="guidance", ref=refs, heading="x",
                  heading_path=("x",), text=text, page_start=None, page_end=None, ordinal=0, questions=questions,
                  facets=(("bank_id", "e1"), ("kind", kind), ("answerable", "yes"), ("refs", refs)))
    return BankMatch(chunk=chunk, similarity=similarity, phrasing=questions[-1])


def test_an_entry_phrased_the_way_the_question_asks_replies_with_its_line_of_that_kind():
    from assistant.plan import answered_kind, choose_bank_lead
    question = ("If a country drafts a national plan on mercury releases to land and water, within how long must it "
                "go to the Conference of the Parties?")
    entry = _entry("yes-no", ("Is a national plan on mercury releases compulsory?",
                              "If a Party prepares a national plan on mercury releases, within how long must it "
                              "submit it, and to whom?"),
                   "Not as such: preparing a national plan on releases is optional [Article 9(4)].\n"
                   "Any plan it prepares must reach the Conference of the Parties within four years of entry into "
                   "force for the Party [Article 9(4)].")
    analysis = analyze(question)
    assert analysis.kind == "how-long" and answered_kind(entry, analysis) == "how-long"
    assert choose_bank_lead(question, analysis, [entry], 0.82) is entry
    # an entry whose lines give no time does not reply to a how-long question, however it was phrased
    timeless = _entry("yes-no", entry.chunk.questions, "Not as such: preparing a national plan is optional [Article 9(4)].")
    assert answered_kind(timeless, analysis) == "yes-no"


def test_an_entry_on_other_products_does_not_lead_a_question_on_this_one():
    from assistant.plan import choose_bank_lead, other_product
    question = ("If our health ministry cannot replace mercury thermometers in time, how long could a registered "
                "exemption from the phase-out date run, including any extension?")
    lamps = _entry("how-long", ("Even with an extension, what is the latest our importers could bring in exempted "
                                "mercury lamps under an exemption?",),
                   "Until 10 years after the lamp's phase-out date at the latest [Article 6(9)].", "Article 6(9)")
    thermometers = _entry("how-long", ("How long could a registered exemption for mercury thermometers run past the "
                                       "phase-out date, with an extension?",),
                          "Five years after the 2020 phase-out date, unless extended [Article 6(5)].", "Article 6(5)",
                          similarity=0.80)
    generic = _entry("how-long", ("How long does an exemption last?",), "Five years [Article 6(5)].", "Article 6(5)")
    assert other_product(question, lamps.chunk) and not other_product(question, thermometers.chunk)
    assert not other_product(question, generic.chunk)
    assert not other_product("How long does an exemption last?", lamps.chunk)
    assert choose_bank_lead(question, analyze(question), [lamps, thermometers], 0.78) is thermometers


@pytest.mark.parametrize("question, kind", [
    ("Who pays for mercury-free gold projects? Which funding mechanism does the treaty set up?", "which"),
    ("Which body keeps the register of exemptions?", "who"),
    ("Which year did the amendment enter into force?", "when"),
])
def test_any_which_question_asks_for_a_pick(question, kind):
    assert question_kind(question) == kind


def test_an_either_or_question_is_two_questions():
    assert asks_two_things("Does Annex A ban people from keeping mercury thermometers at home, or only their "
                           "manufacture, import and export?")
    assert not asks_two_things("Does Annex A ban the manufacture of mercury thermometers?")


def test_a_meeting_named_before_a_question_on_the_cop_as_a_body_is_context():
    from assistant.question import asked_mentions
    context = ("Delegates discussed effectiveness indicators at COP-5. By when did the Convention require the COP to "
               "begin evaluating its effectiveness?")
    assert [str(r) for r in asked_mentions(context)] == []
    # an asking sentence that turns to the meeting keeps it
    assert [str(r) for r in asked_mentions("Delegates met at COP-5. What did the meeting decide on amalgam?")] == ["COP-5"]


@pytest.mark.parametrize("question, reason", [
    ("Mexican customs seized mercury bound for Bolivia. What total concentration threshold did the Conference of the "
     "Parties set for deciding when contaminated material counts as mercury waste?", "later-decision"),
    ("Which emission levels for coal-fired plants does the best available techniques guidance adopted by the "
     "Conference of the Parties recommend?", "later-decision"),
    ("Which company tried to ship mercury in paint buckets from Manzanillo in April 2025?", "other"),
    ("Who signed the Convention on behalf of the Russian Federation at UN Headquarters?", "other"),
    ("How many suspects did the provincial police name in the illegal mining operation?", "other"),
    ("How fast does spilled liquid mercury from a fever thermometer evaporate at room temperature?", "science"),
    ("I'm pregnant and live on the coast. How many portions of local perch can I safely eat per year?", "health-advice"),
    ("How many tonnes of mercury did Indonesia import in 2010, before the Convention was signed?", "market-data"),
    ("What did a kilogram of mercury cost on Indonesian online marketplaces after the crackdown?", "market-data"),
    ("What share of used fluorescent lamps in Poland is collected separately rather than landfilled?", "market-data"),
    ("By what chemical mechanism do mercury salts in creams suppress melanin?", "science"),
    ("How readily is inorganic mercury from skin-lightening soap absorbed through the skin?", "science"),
    # a label is a topic, a sentence of one's own is not; "suspect" as a verb names no suspect
    ("My vacuum cleaner sucked up some mercury: is it contaminated now?", "household"),
    ("How do I dispose of a skin lightening cream I suspect contains mercury?", "household"),
    ("Now that the Convention restricts dental amalgam, should I have my old fillings drilled out?", "health-advice"),
    # what happened and who did it, with no word of the treaty, is an event
    ("What did the Supreme Court rule in Michigan v. EPA about the cost of mercury rules for power plants?", "other"),
    ("Which battery maker was first to sell a zero-mercury hearing aid battery to consumers?", "other"),
    ("What happened at the Mount Muro gold mine after the company stopped mining there in 2003?", "other"),
    ("What happened to the price of mercury after the EU export ban took effect?", "market-data"),
    ("Which institutions does the Convention ask the Conference of the Parties to cooperate with on health?", None),
    ("Who had to convene COP-1, and how soon after the Convention's entry into force?", None),
    ("Does the treaty itself set limits on how much fish people may eat, or does it only encourage health guidelines?",
     None),
    ("Does Annex A ban people from keeping mercury thermometers at home, or only their manufacture and trade?", None),
    ("Button cells at home: are zinc-air batteries under 2% mercury still exempt from the battery entry?", None),
    ("How must the Conference of the Parties adopt its financial rules, including those on the Secretariat's budget?",
     None),
    # a State's own dates, however the year is asked; the clean-up of one's own spill; money asked outright
    ("In which year did the Minamata Convention enter into force for Mali?", "parties-status"),
    ("Latvia attached a declaration to its ratification. On what date did it deposit that instrument?",
     "parties-status"),
    ("My thermometer broke on the tiles. Should I gather the beads with tape, and how long should I air the room?",
     "household"),
    ("Should I snap old fluorescent tubes in half before bagging them for garbage day?", "household"),
    ("How much does Norway pay each year towards the Secretariat's running costs?", "market-data"),
    ("What is a kilogram of mercury selling for in the gold towns this year?", "market-data"),
    ("How much has Chisso paid in compensation to recognised victims?", None),
    # what a treaty body keeps or publishes, and the treaty's own signature window, are the treaty's
    ("Which two countries proposed in 2003 that a global instrument on mercury be negotiated?", "other"),
    # what guidance the Conference adopted requires or recommends: the guidance, which the texts do not hold
    ("What do the storage guidelines adopted by the Conference under Article 10 require of warehouses?",
     "later-decision"),
    ("COP-1 adopted guidance on techniques for new plants. What does that guidance recommend for cement kilns?",
     "later-decision"),

    ("Does the Secretariat publish which countries hold exemptions and when each runs out?", None),
    ("Until what date could States sign the Convention, and how does a State that never signed it join now?", None),
    # aid pledged, a national control order, wrapping a spent tube for the household collection
    ("How much overseas development assistance did Japan pledge to help developing countries tackle mercury?",
     "market-data"),
    ("Under the Philippines' Chemical Control Order for mercury compounds, which industries may still import mercury?",
     "national-law"),
    ("A fluorescent tube in our flat has burnt out. How should I wrap it, and which household collection takes it?",
     "household"),
    ("How much assistance must developed-country Parties provide under Article 13?", None),
])
def test_scope_rules_read_what_is_asked_in_other_words(question, reason):
    verdict = check_scope(question, [], FACTS)
    assert (verdict.reason if verdict else None) == reason, (question, verdict)


def test_a_treaty_sentence_in_the_replys_voice_names_its_provision_without_a_stray_capital():
    from assistant.figures import _plain

    # "Under Article 29, This Convention must be opened …" read as a typo
    assert _plain("This Convention shall be opened for signature until 9 October 2014.", "Article 29") \
        == "Under Article 29, the Convention must be opened for signature until 9 October 2014."


def test_a_list_that_does_not_name_what_is_asked_gives_no_yes():
    from assistant.verdicts import leaves_out_what_is_asked

    languages = "The texts in Arabic, Chinese, English, French, Russian and Spanish are equally authentic [1]."
    # "Is X one of …?" against a list of three or more that leaves X out: no yes from it
    assert leaves_out_what_is_asked("Is the German translation one of its authentic texts?", languages)
    assert not leaves_out_what_is_asked("Is the Spanish text one of its authentic texts?", languages)


def test_a_question_on_a_later_amendment_takes_no_date_from_a_2013_annex_row():
    from assistant.figures import Statement, best_statement
    from ingest.models import Chunk

    row = "High pressure mercury vapour lamps for general lighting: phase-out date 2020."
    chunk = Chunk(id="r", doc_id="convention", doc_title="Convention", doc_type="treaty", ref="Annex A Part I",
                  heading="Annex A", heading_path=("Annex A",), text=row, page_start=None, page_end=None, ordinal=0)
    ranked = [(0, Statement(row, chunk, "Annex A Part I"))]
    asked = "After what year may the last lamps for general lighting no longer be made?"
    assert best_statement(asked, asked, "time", ranked) is not None  # the 2013 row replies to the 2013 text
    later = "Under the COP-5 amendment, after what year may the last lamps for general lighting no longer be made?"
    assert best_statement(later, later, "time", ranked) is None  # but not to what a later meeting set


def test_who_proposed_an_amended_listing_is_left_to_the_amendment_notes():
    from assistant.amendments import AmendedEntry

    propellant = (AmendedEntry("Satellite and spacecraft propellant", "not listed", "listed, after 2025",
                               ("Annex A Part I", "Decision MC-4/3"), "d", "notes", "c"),)
    held = IndexFacts(documents=("guide",), meetings=frozenset({1, 4}), amended=propellant)
    asked = "Which countries proposed adding mercury satellite and spacecraft propellant to the ban list?"
    assert check_scope(asked, [], held) is None  # the notes name the proposers
    history = "Which two countries proposed in 2003 that a global instrument on mercury be negotiated?"
    assert check_scope(history, [], held).reason == "other"


@pytest.mark.parametrize("question, annex", [
    ("How does an amendment to an annex, such as a new phase-out date, become binding on a Party?", True),
    ("An NGO campaigns on the children's amendment to Annex A. How does a change to an annex come to bind a Party?",
     True),
    ("When does an amendment to the Convention's articles enter into force?", False),
    ("Does Article 26 apply when an annex is amended?", False),  # Article 26 named: its rule is asked about
])
def test_a_question_on_amending_an_annex_sets_article_26s_entry_into_force_aside(question, annex):
    analysis = analyze(question)
    assert (analysis.amendment_of == "annex") == annex
    assert analysis.other_case("Article 26(5)") == annex and analysis.other_case("Article 26(4)") == annex
    assert not analysis.other_case("Article 26(3)") and not analysis.other_case("Article 27(3)(c)")
    assert analysis.only_other_case(["Article 26(5)"]) == annex
    assert not analysis.only_other_case(["Article 26(5)", "Article 27(3)(b)"])


@pytest.mark.parametrize("question, reason", [
    ("Combien de grammes de thon par semaine puis-je donner sans risque à mon enfant de deux ans ?", "health-advice"),
    ("Mon thermomètre au mercure s'est cassé sur le parquet : comment ramasser les billes sans aspirateur ?",
     "household"),
    ("Ab welchem Datum verbietet die EU-Quecksilberverordnung 2017/852 die Ausfuhr von Quecksilber aus der Union?",
     "national-law"),
    ("In che data l'Italia ha depositato il proprio strumento di ratifica della Convenzione di Minamata?",
     "parties-status"),
    ("Bei welcher Temperatur wird Quecksilber fest, und warum schwimmt Eisen darauf?", "science"),
    ("Does activated carbon injection capture elemental mercury as well as oxidized mercury?", "other"),  # English
])
def test_a_question_in_another_language_is_refused_with_the_reason_its_words_name(question, reason):
    from assistant.scope import in_its_language
    assert in_its_language(ClassifierView(0.9, "other"), question).reason == reason


def test_a_question_in_another_language_that_names_the_treatys_provisions_asks_the_treaty():
    from assistant.scope_languages import asks_the_treaty
    treaty = "Wie viele der in Anhang A Teil II aufgeführten Maßnahmen muss eine Vertragspartei mindestens umsetzen?"
    assert asks_the_treaty(treaty)
    assert check_scope(treaty, [], FACTS, classified=ClassifierView(0.95, "market-data"), classifier_threshold=0.5) is None
    status = "In che data l'Italia ha depositato il proprio strumento di ratifica della Convenzione di Minamata?"
    assert not asks_the_treaty(status)
