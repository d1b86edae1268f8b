"""The citation verifier on its own: every rule that rejects a sentence, and what it lets through."""

from __future__ import annotations

from assistant.types import Citation, Sentence
from assistant.verify import parse_generated, support, verify

# Written for this test in the project's own words (not the treaty's).
PASSAGE = ("Every Party has to stop the making, import and export of the mercury-added products named in the "
           "first part of Annex A once the phase-out date for each of them has passed.")


def _citation(n: int, text: str = PASSAGE, chunk_id: str = "c1") -> Citation:
    return Citation(n=n, ref="Article 4(1)", doc_id="convention", doc_title="Convention", doc_type="treaty",
                    page=3, text=text, chunk_id=chunk_id)


def test_a_supported_cited_sentence_passes():
    s = Sentence("Parties must stop the import and export of mercury-added products named in Annex A after "
                 "the phase-out date.", [1])
    assert verify([s], [_citation(1)], {"c1"}) == [] and s.verified


def test_each_failure_is_caught_with_its_reason():
    cases = {
        "not a retrieved passage": Sentence("Mercury-added products are phased out.", [99]),
        "was not retrieved": Sentence("Mercury-added products named in Annex A are phased out.", [2]),
        "without a citation": Sentence("Every hospital must close by 2099.", []),
        "not supported": Sentence("Parties must pay a fine of one million dollars to every fisherman.", [1]),
    }
    citations = [_citation(1), _citation(2, chunk_id="c-elsewhere")]
    for reason, sentence in cases.items():
        problems = verify([sentence], citations, {"c1"})
        assert not sentence.verified and len(problems) == 1 and reason in problems[0], (reason, problems)


def test_notes_and_uncited_plain_statements_are_not_obligations():
    note = Sentence("Later meetings amended these annexes.", [], kind="note")
    plain = Sentence("The Convention is about mercury.", [])
    assert verify([note, plain], [], set()) == [] and note.verified and plain.verified


def test_a_quote_is_judged_by_the_quoted_words():
    quote = Sentence("Article 4(1) says, among much else about products and dates: “stop the making, import and "
                     "export of the mercury-added products”", [1], kind="quote")
    assert verify([quote], [_citation(1)], {"c1"}) == []


def test_parse_generated_lifts_markers_and_splits_sentences():
    parsed = parse_generated("Parties must not allow exports [1][2]. The COP reviews Annex A [3].\n- A list item [1].")
    assert [(s.text, s.citations, s.kind) for s in parsed] == [
        ("Parties must not allow exports.", [1, 2], "generated"),
        ("The COP reviews Annex A.", [3], "generated"),
        ("A list item.", [1], "generated"),
    ]
    assert support("export dolphins", [PASSAGE]) == 0.5


def test_the_ui_binds_to_loopback_by_default(monkeypatch):
    from ingest.settings import Settings
    from webapp.app import launch_options

    for name in ("MINAMATA_HOST", "MINAMATA_PORT"):
        monkeypatch.delenv(name, raising=False)
    options = launch_options(Settings.load())
    assert options["server_name"] == "127.0.0.1" and options["share"] is False
