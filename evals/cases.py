"""Evaluation cases: one JSON object per line in evals/cases/*.jsonl.

    {"id": "lookup-001", "question": "What does Article 8 require of Parties?", "answerable": true,
     "expected_refs": ["Article 8"], "expected_doc_types": [], "facts": ["Annex D"],
     "tags": ["lookup", "smoke"], "history": []}

- `expected_refs` are canonical provision references (ingest.refs.Ref); a retrieved or cited
  passage matches at the level the reference is written ("Article 7" matches "Article 7(3)(a)").
- `expected_doc_types` count any passage of that document type as a match (COP texts have no refs).
- `facts` are short strings the answer text should contain (case-folded, see evals.metrics).
- `history` holds the earlier questions of the same conversation, oldest first.
- Tags are free: unknown tags are allowed. Tag `tune` marks the cases `--tune` may use; cases
  tagged `external` (third-party wording, evals/cases/external.jsonl) are never tuned on.
- `source` (optional): the address of the public page whose wording the case keeps.

Malformed input raises CaseFileError (a ValueError) naming the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.models import DOC_TYPES
from ingest.refs import Ref, RefError

FIELDS = ("id", "question", "answerable", "expected_refs", "expected_doc_types", "facts", "tags", "history", "source")
REQUIRED = ("id", "question", "answerable")
CASES_DIR = Path(__file__).resolve().parent / "cases"


class CaseFileError(ValueError):
    """A case file that cannot be used; the message names file, line and field."""

    def __init__(self, path: Path | str, line: int | None, field_name: str | None, problem: str):
        self.path = str(path)
        self.line = line
        self.field = field_name
        self.problem = problem
        where = self.path + (f":{line}" if line is not None else "")
        what = f" field {field_name!r}:" if field_name else ""
        super().__init__(f"{where}:{what} {problem}")


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    answerable: bool
    expected_refs: tuple[str, ...] = ()
    expected_doc_types: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    source: str = ""  # the public page whose wording the case keeps (third-party cases)
    location: str = field(default="", compare=False)  # "file:line", for messages

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("location")
        if not d["source"]:
            d.pop("source")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def _string_list(value, path, line, name) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CaseFileError(path, line, name, f"must be a list of strings, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise CaseFileError(path, line, name, f"item {i} must be a non-empty string, got {item!r}")
    return tuple(value)


def parse_case(obj, path: Path | str = "<input>", line: int | None = None) -> Case:
    """Validate one decoded JSON object."""
    if not isinstance(obj, dict):
        raise CaseFileError(path, line, None, f"each line must be a JSON object, got {type(obj).__name__}")
    for name in REQUIRED:
        if name not in obj:
            raise CaseFileError(path, line, name, "missing")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise CaseFileError(path, line, unknown[0], f"unknown field (known fields: {', '.join(FIELDS)})")
    cid = obj["id"]
    if not isinstance(cid, str) or not cid.strip():
        raise CaseFileError(path, line, "id", f"must be a non-empty string, got {cid!r}")
    question = obj["question"]
    if not isinstance(question, str) or not question.strip():
        raise CaseFileError(path, line, "question", f"must be a non-empty string, got {question!r}")
    answerable = obj["answerable"]
    if not isinstance(answerable, bool):
        raise CaseFileError(path, line, "answerable", f"must be true or false, got {answerable!r}")
    refs = _string_list(obj.get("expected_refs"), path, line, "expected_refs")
    for r in refs:
        try:
            Ref.parse(r)
        except RefError:
            raise CaseFileError(path, line, "expected_refs",
                                f"{r!r} is not a canonical reference (e.g. 'Article 7(3)', 'Annex A Part I')") from None
    doc_types = _string_list(obj.get("expected_doc_types"), path, line, "expected_doc_types")
    for t in doc_types:
        if t not in DOC_TYPES:
            raise CaseFileError(path, line, "expected_doc_types", f"{t!r} is not one of {', '.join(DOC_TYPES)}")
    facts = _string_list(obj.get("facts"), path, line, "facts")
    tags = _string_list(obj.get("tags"), path, line, "tags")
    history = _string_list(obj.get("history"), path, line, "history")
    if answerable and not refs and not doc_types:
        raise CaseFileError(path, line, "expected_refs",
                            "an answerable case needs expected_refs or expected_doc_types to score retrieval")
    if not answerable and (refs or doc_types or facts):
        name = "expected_refs" if refs else "expected_doc_types" if doc_types else "facts"
        raise CaseFileError(path, line, name, "an unanswerable case must not expect refs, doc types or facts")
    return Case(id=cid, question=question, answerable=answerable, expected_refs=refs, expected_doc_types=doc_types,
                facts=facts, tags=tags, history=history, source=_source(obj.get("source"), path, line),
                location=f"{path}:{line}" if line is not None else str(path))


def _source(value, path, line) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise CaseFileError(path, line, "source", f"must be the page's address (http...), got {value!r}")
    return value


def load_case_file(path: Path | str) -> list[Case]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(path, None, None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise CaseFileError(path, None, None, f"not UTF-8 text ({exc.reason})") from None
    cases = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CaseFileError(path, n, None, f"invalid JSON ({exc.msg} at column {exc.colno})") from None
        cases.append(parse_case(obj, path, n))
    return cases


def load_cases(paths: Iterable[Path | str], tags: Iterable[str] | None = None) -> list[Case]:
    """Cases of all files in order; folders are read as their *.jsonl files. Ids must be unique.
    With `tags`, keep the cases that carry at least one of them."""
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for f in files:
        for c in load_case_file(f):
            if c.id in seen:
                path, _, line = c.location.rpartition(":")
                raise CaseFileError(path, int(line), "id", f"duplicate id {c.id!r} (first at {seen[c.id]})")
            seen[c.id] = c.location
            cases.append(c)
    wanted = set(tags or ())
    if wanted:
        cases = [c for c in cases if wanted & set(c.tags)]
    return cases
