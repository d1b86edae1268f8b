"""Feedback on answers, kept in SQLite (WAL mode) at `settings.feedback_db`.

Every call opens its own connection with a busy timeout and writes inside `BEGIN IMMEDIATE`, so
several threads of one server and several processes (a second server, a load test) can write at
the same time without losing a row. Staff export the rows as CSV, or turn thumbs-down rows into
eval cases in the format of `evals/cases/*.jsonl`.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
MAX_TEXT_CHARS = 20_000  # a row is bounded whatever a client sends
MAX_COMMENT_CHARS = 2_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL,                 -- UTC, ISO 8601
    question   TEXT    NOT NULL,
    answer     TEXT    NOT NULL,                 -- the answer as Markdown with [n] markers
    citations  TEXT    NOT NULL DEFAULT '[]',    -- JSON list of {n, ref, doc_id, doc_title, page, text}
    settings   TEXT    NOT NULL DEFAULT '{}',    -- JSON {audience, filters, generator}
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment    TEXT    NOT NULL DEFAULT '',
    refused    INTEGER NOT NULL DEFAULT 0,       -- 1 when the answer was a refusal
    history    TEXT    NOT NULL DEFAULT '[]'     -- JSON list of earlier questions of the conversation
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""

CSV_COLUMNS = ("id", "created_at", "rating", "question", "answer", "comment", "refused", "audience", "filters",
               "generator", "citations", "history")
EVAL_KEYS = ("id", "question", "answerable", "expected_refs", "expected_doc_types", "facts", "tags", "history")


def parse_rating(value) -> int:
    """+1 / -1 from the forms a client may send: 1, -1, "up", "down", "+1", "like", "dislike", True/False."""
    if isinstance(value, bool):
        return 1 if value else -1
    if isinstance(value, (int, float)) and value in (1, -1):
        return int(value)
    text = str(value).strip().lower()
    if text in ("1", "+1", "up", "like", "good", "yes", "👍", "true"):
        return 1
    if text in ("-1", "down", "dislike", "bad", "no", "👎", "false"):
        return -1
    raise ValueError(f"rating must be +1 (thumbs up) or -1 (thumbs down), not {value!r}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class FeedbackStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._init_lock = threading.Lock()
        self._ready = False

    # ---- connections --------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._init_lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(50):
                conn = self._connect()
                try:
                    # WAL is persistent; switching needs a moment with no other writer, which the busy
                    # handler does not always wait for, so an already-WAL file is left alone and a
                    # switch that meets a writer is retried.
                    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                        conn.execute("PRAGMA journal_mode = WAL")
                    conn.executescript(SCHEMA)
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or attempt == 49:
                        raise
                    time.sleep(0.05 * (attempt + 1))
                finally:
                    conn.close()
            self._ready = True

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        self._ensure()
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    def journal_mode(self) -> str:
        with self.connection() as conn:
            return conn.execute("PRAGMA journal_mode").fetchone()[0]

    # ---- writing ------------------------------------------------------------------------------
    def add(self, *, question: str, answer: str, rating, comment: str = "", citations: list[dict] | None = None,
            settings: dict | None = None, refused: bool = False, history: list[str] | None = None) -> int:
        """Store one rating; returns the row id."""
        rating = parse_rating(rating)
        row = (_now(), str(question or "")[:MAX_TEXT_CHARS], str(answer or "")[:MAX_TEXT_CHARS],
               json.dumps(list(citations or []), ensure_ascii=False)[: MAX_TEXT_CHARS * 4],
               json.dumps(dict(settings or {}), ensure_ascii=False), rating,
               str(comment or "").strip()[:MAX_COMMENT_CHARS], 1 if refused else 0,
               json.dumps([str(h) for h in (history or [])], ensure_ascii=False))
        with self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute("INSERT INTO feedback (created_at, question, answer, citations, settings, rating, "
                                   "comment, refused, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return int(cur.lastrowid)

    # ---- reading ------------------------------------------------------------------------------
    def count(self, rating: int | None = None) -> int:
        with self.connection() as conn:
            if rating is None:
                return conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
            return conn.execute("SELECT COUNT(*) FROM feedback WHERE rating = ?", (rating,)).fetchone()[0]

    def list(self, limit: int | None = None, rating: int | None = None) -> list[dict]:
        """Rows newest first, JSON columns decoded."""
        sql = "SELECT * FROM feedback"
        args: list = []
        if rating is not None:
            sql += " WHERE rating = ?"
            args.append(rating)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self.connection() as conn:
            return [_decode(r) for r in conn.execute(sql, args).fetchall()]

    def get(self, row_id: int) -> dict | None:
        with self.connection() as conn:
            r = conn.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone()
        return _decode(r) if r else None

    # ---- exports ------------------------------------------------------------------------------
    def export_csv(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = list(reversed(self.list()))  # oldest first in files
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(CSV_COLUMNS)
            for r in rows:
                s = r["settings"]
                w.writerow([r["id"], r["created_at"], r["rating"], r["question"], r["answer"], r["comment"],
                            int(r["refused"]), s.get("audience", ""), json.dumps(s.get("filters", {})),
                            s.get("generator", ""),
                            "; ".join(f"[{c.get('n')}] {c.get('ref') or ''} ({c.get('doc_id')})"
                                      for c in r["citations"]),
                            json.dumps(r["history"], ensure_ascii=False)])
        return path

    def eval_cases(self, include_positive: bool = False) -> list[dict]:
        """Thumbs-down rows (and thumbs-up rows if asked) as eval cases, oldest first. The expected refs
        are the answer's own citations: a starting point for whoever curates the case."""
        out = []
        for r in reversed(self.list(rating=None if include_positive else -1)):
            refs = list(dict.fromkeys(c.get("ref") for c in r["citations"] if c.get("ref")))
            out.append({"id": f"feedback-{r['id']:04d}", "question": r["question"], "answerable": not r["refused"],
                        "expected_refs": refs, "expected_doc_types": [], "facts": [], "tags": ["feedback"],
                        "history": list(r["history"])})
        return out

    def export_eval_cases(self, path: Path | str, include_positive: bool = False) -> tuple[Path, int]:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        cases = self.eval_cases(include_positive)
        with open(path, "w", encoding="utf-8") as fh:
            for case in cases:
                fh.write(json.dumps(case, ensure_ascii=False) + "\n")
        return path, len(cases)


def _decode(r: sqlite3.Row) -> dict:
    d = dict(r)
    for key, empty in (("citations", []), ("settings", {}), ("history", [])):
        try:
            d[key] = json.loads(d[key]) if d[key] else empty
        except (TypeError, ValueError):
            d[key] = empty
    d["refused"] = bool(d["refused"])
    return d
