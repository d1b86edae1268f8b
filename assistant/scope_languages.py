"""Questions asked in another language than English. The embedding model reads English: its
scope classifier puts such a question out of scope for want of meaning, and the likeliest reason it
finds is "other". The words below say which reason a question in French, Spanish, Portuguese,
Italian or German is about (the bank's and the rules' English patterns do not read them)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
# function words of English: a question with almost none of them is asked in another language
# ("a", "in", "i" are words of Italian, German or Portuguese too)
_ENGLISH = frozenset("the of and to is are was were does do did what which how when who can could must may "
                     "for an my our we it this that under with be has have by on from at".split())


# and of French, Spanish, Portuguese, Italian and German
_OTHER = frozenset("le la les des du de à et une est que qui quel quelle quels quelles dans pour avec sur mon ma mes "
                   "où comment combien quand "
                   "el los las del por con una y es qué cuál cuáles mi puede dónde cómo cuánto cuándo "
                   "os uma não em na pelo pela qual quais onde posso quando "
                   "il gli di che della delle per con una è quale quali "
                   "der die das den dem des und ist ein eine welche welcher welches wie bei mit auf nach".split())


def is_foreign(question: str) -> bool:
    """At least five words, two or more of them function words of another language and fewer than one
    in ten English ones."""
    words = [w.lower() for w in _WORD.findall(question)]
    return len(words) >= 5 and sum(w in _OTHER for w in words) >= 2 \
        and sum(w in _ENGLISH for w in words) < 0.1 * len(words)


# the treaty's own terms in those languages: a question that names its provisions or Parties asks the
# treaty, whatever health or quantity words it carries ("¿Puede una Parte tratar como confidencial …?")
_TREATY_TERMS = re.compile(r"\b(?:anhang|annexe|anexo|allegato|artikel|artículo|artigo|articolo|article|"
                           r"vertragspartei\w*|partes?|parties|partie|parti|convention|convenio|convenção|convenzione|"
                           r"übereinkommen\w*|amendement|enmienda|emenda|änderung)\b", re.IGNORECASE)
_REASONS_OF_ITS_OWN = ("parties-status", "national-law")


def asks_the_treaty(question: str) -> bool:
    """The question names the treaty's provisions or Parties and asks neither a State's status nor a
    national law."""
    return bool(_TREATY_TERMS.search(question)) and foreign_reason(question) not in _REASONS_OF_ITS_OWN


def _cues(*alternatives: str) -> re.Pattern:
    return re.compile(r"(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


# the reasons in the order they win when several are named ("Combien de grammes de thon … sans risque à
# mon enfant ?" asks a health question, not for a quantity traded)
FOREIGN_REASON_CUES = (
    ("health-advice", _cues(
        r"\bsant[ée]\b", r"\bsalud\b", r"\bsaúde\b", r"\bsalute\b", r"\bgesundheit", r"\benfants?\b", r"\bni[ñn][oa]s?\b",
        r"\bhij[oa]s?\b", r"\bcrian[çc]as?\b", r"\bbambin[oi]\b", r"\bkind(?:er)?\b", r"\bembarazada", r"\benceinte",
        r"\bgrávida", r"\bincinta", r"\bschwanger", r"\bm[ée]decin", r"\bm[ée]dic[oa]", r"\barzt", r"\bsympt[oô]m",
        r"\bs[íi]ntomas?\b", r"\bsintom", r"\bsans risque", r"\bsin riesgo", r"\bsem risco", r"\bsenza rischi",
        r"\bmanger\b", r"\bcomer\b", r"\bmangiare\b", r"\bessen\b", r"\bthon\b", r"\batún\b", r"\btonno\b",
        r"\bthunfisch", r"\bpez espada", r"\bespadon", r"\bausleitung", r"\bamalgamsanierung", r"\btaches?\b",
        r"\bmanchas?\b", r"\bmacchie\b", r"\bflecken\b", r"\bd[ée]tox", r"\bentgift", r"\bintoxica", r"\bvergift")),
    ("household", _cues(
        r"\bcass[ée]e?s?\b", r"\brot[oa]s?\b", r"\bquebr", r"\bzerbroch", r"\bkaputt", r"\bramasser", r"\bnettoyer",
        r"\blimpiar", r"\blimpar\b", r"\bpulire", r"\baufwisch", r"\baspirat", r"\baspirador", r"\baspirapolvere",
        r"\bstaubsauger", r"\bjeter\b", r"\btirar\b", r"\bdescartar", r"\bbuttare", r"\bsmaltir", r"\bentsorg",
        r"\bd[ée]chett", r"\bpoubelle", r"\bbasura", r"\blixo\b", r"\bspazzatura", r"\bmüll", r"\bentregar",
        r"\bo[uù] (?:puis|dois)-je", r"\bdónde (?:puedo|debo)", r"\bonde (?:posso|devo)", r"\bdove (?:posso|devo)",
        r"\bwo kann ich")),
    ("national-law", _cues(
        r"\bloi\b", r"\blois\b", r"\bd[ée]cret", r"\bley(?:es)?\b", r"\bdecreto", r"\blei(?:s)?\b", r"\blegge\b",
        r"gesetz", r"verordnung", r"\brichtlinie", r"\br[èe]glement", r"\breglamento", r"\bregulamento",
        r"\bregolamento", r"\bamende\b", r"\bmulta\b", r"\bstrafe\b", r"\bbußgeld", r"\bprison\b", r"\bcárcel",
        r"\bprisão", r"\bcarcere", r"\bgefängnis")),
    ("parties-status", _cues(
        r"\bratifi", r"\badh[ée]sion", r"\badhesi[óo]n", r"\badesão", r"\badesione", r"\bbeitritt", r"\bbeigetreten",
        r"\bd[ée]pos[ée]", r"\bdepositat", r"\bdepositad", r"\bhinterleg", r"\bquels pays", r"\bqué países",
        r"\bquais países", r"\bquali paesi", r"\bwelche (?:länder|staaten)")),
    ("other", _cues(r"\bquelle ville", r"\bqué ciudad", r"\bwelcher stadt", r"\bquale città", r"\bque cidade",
                    r"\bqui (?:est|était|a)\b", r"\bquién\b", r"\bwer (?:ist|war)\b", r"\bchi (?:è|era)\b", r"\bquem\b")),
    ("later-decision", _cues(r"\bd[ée]cision", r"\bdecisi[óo]n", r"\bdecisões", r"\bdecisione", r"\bbeschluss",
                             r"\bCOP[- ]?\d")),
    ("science", _cues(
        r"\btemp[ée]ratur", r"\btemperatura", r"\bébullition", r"\bebullici[óo]n", r"\bsiedepunkt", r"\bdensit[ée]",
        r"\bdensidad", r"\bdichte\b", r"\b[ée]vapor", r"\bevapor", r"\bverdampf", r"\bverdunst", r"\bm[ée]thylmercure",
        r"\bmetilmercurio", r"\bmethylquecksilber", r"\bchimique", r"\bqu[íi]mic", r"\bchimic", r"\bchemisch")),
    ("market-data", _cues(
        r"\bprix\b", r"\bprecios?\b", r"\bpreços?\b", r"\bprezz", r"\bpreis", r"\bco[uû]ts?\b", r"\bcostos?\b",
        r"\bcustos?\b", r"\bkosten\b", r"\btonnes?\b", r"\btoneladas?\b", r"\btonnellat", r"\btonnen\b",
        r"\bcombien\b", r"\bcu[áa]nt[oa]s?\b", r"\bquant[oa]s?\b", r"\bwie viel", r"\bgrammes?\b", r"\bgramos\b",
        r"\bgramas\b", r"\bgrammi\b", r"\bgramm\b")),
)


def foreign_reason(question: str) -> str | None:
    """The out-of-scope reason a question in another language names, if it names one."""
    return next((reason for reason, cues in FOREIGN_REASON_CUES if cues.search(question)), None)
