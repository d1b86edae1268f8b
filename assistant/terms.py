"""The words that tell what a text is about: the vocabulary the answer plan, the verdicts and the
fact leads compare questions and sentences by. Pure functions over text."""

from __future__ import annotations

import re

from ingest.index import keyword_tokens


def same_fact(a: str, b: str, overlap: float = 0.6) -> bool:
    """Two sentences that say the same thing: most content words shared."""
    x, y = set(keyword_tokens(a)), set(keyword_tokens(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= overlap


def restates(sentence: str, passage: str) -> bool:
    """A sentence that is the passage nearly word for word: at least 85 in 100 of its words (its
    "Under Article 27(4)" aside) are the passage's, and it carries at least four in five of the
    passage's words (a paraphrase that says what the passage means for the asker keeps its own
    words, and stays)."""
    x, y = set(keyword_tokens(sentence)), set(keyword_tokens(passage))
    return len(x) >= 10 and len(x & y) >= 0.85 * len(x) and len(x & y) >= 0.8 * len(y)



# words every question about this treaty shares: they say nothing about which entry fits
_COMMON = frozenset("minamata convention mercury treaty country countries government governments party parties "
                    "article annex say says tell about still allowed allow need must can does what which "
                    "under use used using new".split())
# words of how a question asks ("how long must we wait"), not of what it is about
# (and the pieces contractions leave, "isn't" -> "isn", and the verbs that wrap what is asked:
# "what is a government expected to do if a firm wants to …")
FILLER = frozenset("only now actually just really long wait soon isn aren doesn don didn won wasn weren hasn "
                    "haven expected supposed want wants wanted".split())


def topic_terms(text: str) -> set[str]:
    """The words that say what a text is about, without those every text about the treaty shares."""
    return {t for t in keyword_tokens(text) if len(t) >= 3 and not t.isdigit() and t not in _COMMON
            and t not in _GENERIC}


# words of any provision or question that do not tell one topic from another
_GENERIC = frozenset("shall each take measures measure provision provisions date after before following "
                     "product products listed list set specified accordance include including other such "
                     "within years year time period paragraph subparagraph annex part also manufacture import "
                     "export imported exported made making phase out content added allowed ban banned phased "
                     "stop stopped".split())



# words people use for the same thing the bank's phrasings name otherwise ("a firm's new plant")
_SAME_THING = {"factory": "plant", "factori": "plant", "facility": "plant", "faciliti": "plant",
               "firm": "company", "firms": "company", "compani": "company", "business": "company", "busines": "company"}


def stems(terms: set[str]) -> set[str]:
    """Crude stems, so that "depositing" meets "deposits" and "deposited" (and "factory" meets "plant")."""
    out = set()
    for t in terms:
        stem = re.sub(r"(?:ing|ed|es|s)$", "", t) if len(t) > 5 else t
        out.add(_SAME_THING.get(stem, stem))
    return out
