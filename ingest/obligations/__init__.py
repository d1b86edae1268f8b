"""Obligation finder: who must do what, by when, under which provision.

`extract_obligations(chunks)` turns the chunks of one legal document (doc_type "treaty" or
"cop-decision") into `Obligation` rows; the index stores them per generation in
``obligations.jsonl`` (see `ingest.index._write_obligations`). Everything here is transparent
rules over the text - regular expressions and keyword tables, no model - so every label can be
traced back to the wording that produced it.

How a document is read
----------------------
1. Chunks are put back in document order and cut into provision lines ("3. …", "a) …", "(i) …").
   Each line gets the finest ref (chunk ref + its own label): "Article 7(3)(b)". An unlabelled
   line that follows lettered items is the paragraph's closing text and gets the paragraph ref.
   Lines repeated across chunk windows (a repeated chapeau, overlap) are read once.
2. Lines are cut into sentences, sentences into clauses at each modal verb ("shall", "may",
   "should", "must", "are encouraged to", "undertakes to"). A later modal opens a new clause when a
   new actor is its subject ("… requirements that the Conference of the Parties shall adopt") or
   when it continues the predicate ("… shall take measures … and may prepare a plan"); a modal in
   a subordinate clause without an actor ("…, which shall include", "whether … should") does not.
   Consecutive clauses with the same actor and modality are one obligation.
3. Chapeaux: a line ending "… shall:" (or "… is:", "… are encouraged to:", "… not be limited
   to:") hands its actor and modality to each lettered item below it; each item becomes one
   obligation with the item's ref. Items under any other chapeau ("adopt guidance on:",
   "except:", "shall not apply to:") are parts of the chapeau's single obligation.
4. Labels:
   - actor: the subject before the modal (Conference of the Parties -> cop, Secretariat,
     Committee, Party/Parties -> party, States, REIOs, the Depositary, the GEF … -> other); a passive
     agent ("may be revoked by that Party") when the subject is not an actor; otherwise the actor
     of the previous obligation (a follow-on sentence in the same paragraph binds the Party only
     insofar as the paragraph applies to it: party -> party_conditional).
     party_conditional: the subject is a qualified Party ("Each Party that has …", "A Party with
     relevant sources", "a Party choosing this alternative", "An exporting Party", "The Party"),
     the sentence opens with a condition ("If …", "In circumstances where …", "For Parties to
     …"), or a binding clause carries an "if" condition.
   - modality: "may" with an actor -> permissive; "should", "are encouraged to", "shall
     endeavour/seek to/consider", items opening "Endeavour"/"Consider", and qualifiers set off by
     commas (", as appropriate,", ", where appropriate,", ", to the extent practicable,",
     ", where feasible,") or "taking into account its national circumstances" -> soft; everything
     else -> binding. A qualifier that only limits a second verb ("and, where feasible, reduce")
     or an embedded participle phrase ("incorporating, where appropriate, …") does not soften.
   - deadline: "no later than three years after" -> "3 years", "by 2020" -> "2020", "at its first
     meeting" -> "first meeting", "every three years" -> "every 3 years" (a cycle, never rendered
     "within"), "no later than the date … enters into force" -> "entry into force"; "as soon as
     practicable" and "without undue delay" only where no firmer limit is given; "after the phase-out
     date" resolves to the year in the referenced Annex table when that table has a single year.
   - polarity: "shall not", "may not", a negated subject ("No Party may", "no State … may") ->
     prohibition, and so is a duty to ban ("shall prohibit the import of …"); "shall only", "may
     only", a verb limited by "only after / only if …", "may …, but only for …" -> restriction;
     other "may" -> permission; everything else -> duty. The action keeps the restricting word
     ("not have an exemption …", "only allow primary mercury mining …"); an actor-less "may only be
     extended" reads "only allow an exemption to be extended …", with the actor from context.
   - topic: the article/annex title ("Article 7 — Artisanal and small-scale gold mining" -> ASGM),
     overridden for reporting clauses, information duties, capacity-building and the Committee.
   - dispute procedures: a party named by its role in a dispute (lower-case "party", "the parties to
     the dispute", "the claimant party") -> party_conditional; "are under an obligation to" binds;
     coordinated subjects ("The parties and the arbitrators are …") give one row each; ", who shall"
     after an actor, or ", and the two arbitrators … shall", opens that actor's clause; "It/they" is the
     previous actor; a passive takes its agent ("may be proposed by any Party", "adopted at a meeting of
     the COP"), else the body owning its subject ("Decisions of the tribunal"), else the context actor;
     an indefinite body before a passive ("a tribunal shall be established") is set up, not acting; a
     clause describing its subject ("shall not be a national of") hands on no actor; each article of an
     annex is its own context.
   - chapeaux: a "… shall:" chapeau that first states a duty of its own ("shall facilitate … and, in
     particular, shall:") gives that duty a row too; an item with an actor as subject under any other
     chapeau is its own sentence, and an item's timing phrase times that chapeau's obligation.
5. Not obligations: scope and status statements ("This Article shall not apply to", "shall be
   available", "shall cease", "shall expire", "shall consist of"), statements about the instrument
   itself ("This Convention shall be opened for signature"), definitions ("For the purposes of …",
   unless the sentence forbids something: "…, X shall not be regarded as confidential"),
   list items of a non-"shall:" chapeau, and a "may" without an actor ("Such cooperation may include").
6. COP decisions without article structure: operative paragraphs "Requests the Secretariat to …"
   (binding), "Invites/Encourages/Urges Parties to …" (soft), "Decides that each Party shall …".
Annex table rows with a phase-out year (Annex A Part I, Annex B Part I) become one binding Party
obligation each, with the year as deadline - from Markdown table rows, or from the table read as
running text ("Batteries … 2020 Switches … 2020") when the annex came from a PDF.

The page of a row is the first page of its chunk. A failure while reading one document is logged
and leaves that document without rows; it never fails the index commit.

Layout
------
model.py (the row, its vocabularies, the table file), grammar.py (modals, actors, subjects,
qualifiers, deadlines, polarity: pure text rules), lines.py (chunks -> provision lines),
clauses.py (sentences -> clauses with actor and modality), tables.py (annex tables),
extract.py (the document reader and `extract_obligations`).
"""

from .extract import extract_obligations
from .grammar import (
                    find_conditions,
                    find_dates,
                    keep_restriction,
                    normalise_deadline,
                    polarity_of,
                    split_sentences,
)
from .model import (
                    ACTORS,
                    LEGAL_DOC_TYPES,
                    MODALITIES,
                    OBLIGATIONS_FILE,
                    POLARITIES,
                    TOPICS,
                    Obligation,
                    load_obligations,
                    read_obligations_file,
)

__all__ = ["ACTORS", "LEGAL_DOC_TYPES", "MODALITIES", "OBLIGATIONS_FILE", "POLARITIES", "TOPICS", "Obligation",
           "extract_obligations", "find_conditions", "find_dates", "keep_restriction", "load_obligations",
           "normalise_deadline", "polarity_of", "read_obligations_file", "split_sentences"]
