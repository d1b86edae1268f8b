"""The obligation row, its label vocabularies, and reading the per-generation table (obligations.jsonl)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .grammar import polarity_of

LEGAL_DOC_TYPES = ("treaty", "cop-decision")
ACTORS = ("party", "party_conditional", "cop", "secretariat", "committee", "other")
MODALITIES = ("binding", "soft", "permissive")
# Which way an obligation points: do it, never do it, do it only within limits, or free to do it.
POLARITIES = ("duty", "prohibition", "restriction", "permission")
TOPICS = ("supply and trade", "products", "processes", "ASGM", "emissions", "releases", "storage", "waste",
          "contaminated sites", "finance", "capacity", "health", "information", "research", "reporting",
          "compliance", "other")
OBLIGATIONS_FILE = "obligations.jsonl"


@dataclass
class Obligation:
    """One obligation: an actor, a modality and an action under one provision."""

    doc_id: str
    doc_title: str
    ref: str  # finest canonical ref, e.g. "Article 7(3)(b)"; "" for unstructured text
    page: int | None
    sentence: str  # the source sentence (for a chapeau item: "chapeau … item")
    actor: str  # one of ACTORS
    modality: str  # one of MODALITIES
    action: str  # short verb phrase: "submit its national action plan to the Secretariat …"
    topic: str  # one of TOPICS
    deadline: str | None = None  # normalised: "2020", "3 years", "first meeting", "entry into force"
    dates: list[str] = field(default_factory=list)  # every year/period in the sentence (+ phase-out years)
    conditions: list[str] = field(default_factory=list)  # "unless …", "except …", "if …", "where …"
    exemptions: bool = False  # the provision admits exemptions, exclusions or exceptions
    polarity: str = "duty"  # one of POLARITIES; the action keeps its "not" / "only"
    doc_type: str = "treaty"
    chunk_id: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Obligation:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in d.items() if k in known}
        data.setdefault("doc_title", data.get("doc_id", ""))
        data.setdefault("page", None)
        for key in ("sentence", "action", "ref"):
            data.setdefault(key, "")
        data.setdefault("actor", "other")
        data.setdefault("modality", "binding")
        data.setdefault("topic", "other")
        data.setdefault("polarity", polarity_of(data["modality"], data["action"]))
        data["dates"] = list(data.get("dates") or [])
        data["conditions"] = list(data.get("conditions") or [])
        return cls(**data)


# ---------------------------------------------------------------------------------------------
# Loading the table of the serving generation
# ---------------------------------------------------------------------------------------------
def read_obligations_file(path: Path) -> list[Obligation]:
    path = Path(path)
    if not path.is_file():
        return []
    return [Obligation.from_json(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_obligations(source) -> list[Obligation]:
    """Obligations of the serving generation.

    `source` may be a Snapshot (its generation is used), a generation folder (holding
    obligations.jsonl), an index folder (holding CURRENT) or a Settings object. A missing table
    (an index built before obligations existed, or no index) gives []. Only the index pointer is
    read: no model, no Chroma client.
    """
    from ..settings import Settings

    if hasattr(source, "store") and hasattr(source, "pointer"):  # a Snapshot
        return read_obligations_file(source.store.generation_dir(source.pointer.generation) / OBLIGATIONS_FILE)
    if isinstance(source, Settings):
        settings = source
    else:
        folder = Path(source)
        if (folder / OBLIGATIONS_FILE).is_file() or (folder / "chunks.jsonl").is_file():
            return read_obligations_file(folder / OBLIGATIONS_FILE)
        settings = Settings.load(index_dir=folder)
    from ..index import IndexStore

    store = IndexStore(settings)
    pointer = store.pointer()
    if pointer is None:
        return []
    return read_obligations_file(store.generation_dir(pointer.generation) / OBLIGATIONS_FILE)
