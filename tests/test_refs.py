import pytest

from ingest.refs import Ref, RefError, common_ancestor, find_mentions, parse_ref_list


@pytest.mark.parametrize("text", ["Preamble", "Article 7", "Article 7(3)", "Article 7(3)(a)", "Article 2(b)(ii)",
                                  "Article 2(i)", "Annex A", "Annex A Part I", "Annex B Part II", "Annex C(1)(b)(iv)",
                                  "Annex E Part I Article 3", "Annex E Part II Article 2(1)"])
def test_round_trip(text):
    assert str(Ref.parse(text)) == text


def test_levels_by_shape():
    assert Ref.parse("Article 2(i)").subparagraph == "i"  # definition i), not a roman item
    r = Ref.parse("Article 7(3)(a)(i)")
    assert (r.article, r.paragraph, r.subparagraph, r.item) == (7, 3, "a", "i")


@pytest.mark.parametrize("bad", ["Article", "Art 7", "Annex F", "article 7", "Article 7(a)(3)", "Part I"])
def test_rejects_non_canonical(bad):
    with pytest.raises(RefError):
        Ref.parse(bad)


def test_containment_and_order():
    assert Ref.parse("Article 7").contains(Ref.parse("Article 7(3)(a)"))
    assert not Ref.parse("Article 7(3)").contains(Ref.parse("Article 7(4)"))
    assert Ref.parse("Annex A").contains(Ref.parse("Annex A Part I"))
    assert not Ref.parse("Annex A Part I").contains(Ref.parse("Annex A"))
    refs = sorted(map(Ref.parse, ["Annex A", "Article 10", "Article 2", "Preamble", "Article 10(1)"]))
    assert [str(r) for r in refs] == ["Preamble", "Article 2", "Article 10", "Article 10(1)", "Annex A"]
    assert str(common_ancestor(parse_ref_list("Article 7(3)(a); Article 7(3)(b)"))) == "Article 7(3)"
    assert common_ancestor(parse_ref_list("Article 4(1); Annex A Part I")) is None


@pytest.mark.parametrize("question,expected", [
    ("What does Article 8 say?", ["Article 8"]),
    ("Explain Art. 8(2)", ["Article 8(2)"]),
    ("what is in article eight", ["Article 8"]),
    ("what does article thirty-two say", ["Article 32"]),
    ("paragraph 3 of Article 7", ["Article 7(3)"]),
    ("Annex A Part II and dental amalgam", ["Annex A Part II"]),
    ("Articles 4, 5 and 6", ["Article 4", "Article 5", "Article 6"]),
    ("Article 7, paragraph 3", ["Article 7(3)"]),
    ("paragraph 1 of Annex C", ["Annex C(1)"]),
    ("between 2 and 5 mg per lamp under Article 4", ["Article 4"]),
    ("how many articles does it have?", []),
    ("Article 99", []),
])
def test_mentions_in_questions(question, expected):
    assert [str(r) for r in find_mentions(question)] == expected


def test_annex_parts_numbered_in_arabic_parse_to_the_same_ref():
    """Other treaties number their annex parts "Part 2": the same provision as "Part II"."""
    assert str(Ref.parse("Annex A Part 2")) == "Annex A Part II" == str(Ref.parse("Annex A Part II"))


def test_a_sub_paragraph_sits_in_its_numbered_paragraph():
    assert str(Ref.parse("Article 16(1)(a)").paragraph_ref()) == "Article 16(1)"
    assert str(Ref.parse("Annex C(1)(b)").paragraph_ref()) == "Annex C(1)"
    assert str(Ref.parse("Article 16").paragraph_ref()) == "Article 16"
