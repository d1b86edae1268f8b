"""The chat UI's API, rendering and feedback store, for real: a `minamata ui` server in a subprocess
driven with gradio_client, the answers of the real assistant rendered by webapp.render, and the
SQLite feedback store written from many threads and processes."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, make_settings
from webapp.feedback import CSV_COLUMNS, EVAL_KEYS, FeedbackStore, parse_rating

THERMOMETER_Q = "Can a hospital still buy mercury thermometers?"
ANSWER_KEYS = {"answer", "refused", "refusal_reason", "citations", "retrieved", "latency_ms"}
CITATION_KEYS = {"n", "ref", "doc_id", "doc_title", "page", "text"}

# A user-added note about mercury thermometers with markup in it: it must show as text, never run.
XSS_DOC_ID = "clinic-thermometer-note"
XSS_DOC = """# Clinic note on mercury thermometers

## Replacing mercury thermometers in the clinic

Our municipal clinic replaced its mercury thermometers with digital thermometers after a glass thermometer \
broke on the ward. <script>alert(1)</script> Staff cleaned up the spilled mercury with a sealed spill kit and \
ventilated the room. <img src=x onerror=alert(1)> Broken mercury thermometers are kept in a closed container \
as hazardous waste until the collection service takes them.
"""
XSS_QUESTION = "What did the clinic do with its broken mercury thermometers?"


def build_xss_index(base, root: Path, embedder):
    """A copy of the session index with the XSS note ingested (doc type "other")."""
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths

    shutil.copytree(base.index_dir, root / "index")
    doc = root / f"{XSS_DOC_ID}.md"
    doc.write_text(XSS_DOC, encoding="utf-8")
    settings = make_settings(root / "index")
    results = ingest_paths([doc], settings, store=IndexStore(settings, embedder=embedder), doc_type="other")
    assert [r.status for r in results] == ["added"], results
    return settings


# ---- a running server --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ui_server(corpus_index, tmp_path_factory):
    from webapp.server import UIServer

    server = UIServer(corpus_index.index_dir, tmp_path_factory.mktemp("ui-api-data"))
    server.start(timeout=180)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(ui_server):
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


def _ask(client, question, history="[]", audience="plain", documents=""):
    return client.predict(question, history, audience, documents, api_name="/ask")


def test_api_lists_the_named_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/feedback", "/documents"} <= set(endpoints)
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]][:3] == ["question", "history", "audience"]


def test_ask_returns_the_answer_json(client):
    result = _ask(client, THERMOMETER_Q)
    assert set(result) == ANSWER_KEYS
    assert result["refused"] is False
    assert "[1]" in result["answer"] and "2020" in result["answer"]
    assert result["citations"] and all(set(c) == CITATION_KEYS for c in result["citations"])
    assert [c["n"] for c in result["citations"]] == list(range(1, len(result["citations"]) + 1))
    assert any(c["ref"].startswith("Annex A") for c in result["citations"])
    assert result["retrieved"] and result["latency_ms"] > 0


def test_ask_uses_the_history_and_the_audience(client):
    history = json.dumps(["What does Article 5 say about manufacturing processes?"])
    result = _ask(client, "And by what year does chlor-alkali production have to stop using it?", history)
    assert not result["refused"] and "2025" in result["answer"]
    plain = _ask(client, "What does Article 8 require of Parties?")
    detailed = _ask(client, "What does Article 8 require of Parties?", audience="detailed")
    assert len(detailed["retrieved"]) > len(plain["retrieved"])


def test_ask_filters_by_document(client):
    result = _ask(client, THERMOMETER_Q, documents="guide-part4")
    assert not result["refused"]
    assert {c["doc_id"] for c in result["citations"]} == {"guide-part4"}


def test_out_of_scope_questions_are_refused(client):
    result = _ask(client, "Who won the last football World Cup?")
    assert result["refused"] is True and result["citations"] == []
    assert "not" in result["answer"] and result["refusal_reason"]


def test_a_question_over_the_length_limit_gets_a_clear_message(client, corpus_index):
    limit = corpus_index.max_question_chars
    result = _ask(client, "Is mercury allowed in thermometers? " * (limit // 36 + 2))
    assert set(result) == ANSWER_KEYS and result["refused"] is True
    assert f"the limit is {limit:,} characters" in result["answer"] and "shorten" in result["answer"]
    ok = _ask(client, ("Can a hospital still buy mercury thermometers? " * 40)[:limit])
    assert "the limit is" not in ok["answer"]


def test_bad_input_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="audience"):
        _ask(client, THERMOMETER_Q, audience="expert")
    with pytest.raises(AppError, match="history"):
        _ask(client, THERMOMETER_Q, history='{"not": "a list"}')
    with pytest.raises(AppError, match="rating"):
        client.predict(THERMOMETER_Q, "{}", 5, "", api_name="/feedback")


def test_feedback_via_the_api_lands_in_sqlite(client, ui_server):
    answer = _ask(client, THERMOMETER_Q)
    out = client.predict(THERMOMETER_Q, json.dumps(answer), -1, "The answer should say which thermometers are exempt",
                         "plain", json.dumps(["What is Annex A?"]), api_name="/feedback")
    assert out["ok"] is True and isinstance(out["id"], int)
    with sqlite3.connect(ui_server.feedback_db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM feedback WHERE id = ?", (out["id"],)).fetchone()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert row["rating"] == -1 and row["question"] == THERMOMETER_Q
    assert row["comment"] == "The answer should say which thermometers are exempt"
    assert row["answer"] == answer["answer"] and row["refused"] == 0
    assert [c["ref"] for c in json.loads(row["citations"])] == [c["ref"] for c in answer["citations"]]
    settings = json.loads(row["settings"])
    assert settings["audience"] == "plain" and settings["generator"] == "extractive"
    assert json.loads(row["history"]) == ["What is Annex A?"]
    assert row["created_at"].endswith("Z") and row["created_at"][:2] == "20"
    up = client.predict(THERMOMETER_Q, answer["answer"], 1, api_name="/feedback")
    assert up["id"] > out["id"]


def test_documents_endpoint_lists_the_index(client):
    docs = client.predict(api_name="/documents")["documents"]
    ids = {d["id"] for d in docs}
    assert {"guide-part1", "cop1-key-messages", "bank-products-exemptions", "annex-amendments"} <= ids
    assert all(d["chunks"] > 0 and d["title"] and d["doc_type"] for d in docs)


# ---- rendering of real answers -------------------------------------------------------------------
@pytest.fixture(scope="module")
def xss_settings(corpus_index, tmp_path_factory, embedder):
    return build_xss_index(corpus_index, tmp_path_factory.mktemp("xss"), embedder)


@pytest.fixture(scope="module")
def assistant(corpus_index):
    from assistant.chain import Assistant

    return Assistant(corpus_index)


def test_document_markup_is_escaped_in_the_rendered_html(xss_settings):
    from assistant.chain import Assistant
    from assistant.types import Filters
    from webapp import render

    answer = Assistant(xss_settings).ask(XSS_QUESTION, [], "plain", Filters(doc_ids=(XSS_DOC_ID,)))
    assert not answer.refused
    assert any(c.doc_id == XSS_DOC_ID and "<script>alert(1)</script>" in c.text for c in answer.citations)
    pieces = {
        "answer": render.render_answer(answer),
        "panel": render.render_sources_panel([render.PanelEntry(answer)]),
        "streaming": render.render_streaming(answer.text),
        "user": render.render_user("<img src=x onerror=alert(1)> " + XSS_QUESTION),
    }
    for name, html in pieces.items():
        assert "<script" not in html.lower(), name
        assert "<img" not in html.lower(), name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pieces["panel"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pieces["panel"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pieces["user"]


def test_rendered_answer_links_citations_to_the_panel(assistant):
    from webapp import render

    answer = assistant.ask(THERMOMETER_Q)
    html = render.render_answer(answer)
    panel = render.render_sources_panel([render.PanelEntry(answer)])
    for c in answer.citations:
        assert f'<a class="cite" href="#src-{c.n}"' in html and f">[{c.n}]</a>" in html
        assert f'id="src-{c.n}"' in panel
    assert 'class="mc-sources"' in html  # the sources list under the answer
    assert '<mark class="mc-cited">' in panel  # the cited passage is highlighted
    older = render.render_answer(answer, prefix="src-t1")
    assert 'href="#src-t1-1"' in older and 'href="#src-1"' not in older
    assert "\n\n" not in html and "\n\n" not in panel  # one HTML block for the chat's Markdown


def test_refusals_and_unsupported_sentences_look_different(assistant):
    from assistant.types import Sentence
    from webapp import render

    refusal = assistant.ask("Can you give me a recipe for vegetable lasagne?")
    assert refusal.refused
    html = render.render_answer(refusal)
    assert "mc-refusal" in html and "Not answered from the texts" in html and 'class="cite"' not in html

    answer = assistant.ask(THERMOMETER_Q)
    answer.unsupported = ["Hospitals must replace every thermometer by 2019."]
    answer.sentences.append(Sentence(text="All mercury is banned everywhere.", citations=[1], verified=False))
    html = render.render_answer(answer)
    assert "mc-refusal" not in html
    assert "<del>Hospitals must replace every thermometer by 2019.</del>" in html
    assert "mc-unverified" in html and "not supported by the cited passages" in html


def test_conversation_markdown_has_the_sources(assistant):
    from webapp import render

    answer = assistant.ask(THERMOMETER_Q)
    md = render.conversation_markdown([(THERMOMETER_Q, answer), ("Who won the World Cup?", assistant.ask(
        "Who won the last football World Cup?"))], "plain")
    assert f"## 1. {THERMOMETER_Q}" in md and "### Sources" in md and "**Not answered from the texts.**" in md
    for c in answer.citations:
        assert f"[{c.n}] **{c.ref}** — {c.doc_title}" in md
        assert "> " + c.text.split("\n")[0] in md


# ---- the feedback store ------------------------------------------------------------------------
def _row(i: int, rating: int = -1, refused: bool = False) -> dict:
    return dict(question=f"question {i}?", answer=f"answer {i} [1]", rating=rating, comment=f"comment {i}",
                citations=[{"n": 1, "ref": "Article 4(1)", "doc_id": "minamata-convention", "doc_title": "MC",
                            "page": 3, "text": "Each Party shall not allow..."},
                           {"n": 2, "ref": "Annex A Part I", "doc_id": "guide-part4", "doc_title": "Guide",
                            "page": None, "text": "..."}] if not refused else [],
                settings={"audience": "plain", "filters": {"doc_ids": []}, "generator": "extractive"},
                refused=refused, history=["earlier question?"] if i % 2 else [])


def test_feedback_store_uses_wal_and_round_trips(tmp_path):
    store = FeedbackStore(tmp_path / "deep" / "feedback.sqlite3")
    assert store.journal_mode() == "wal"
    row_id = store.add(**_row(1))
    got = store.get(row_id)
    assert got["rating"] == -1 and got["comment"] == "comment 1" and got["history"] == ["earlier question?"]
    assert got["citations"][0]["ref"] == "Article 4(1)" and got["settings"]["audience"] == "plain"
    assert set(got) >= {"id", "created_at", "question", "answer", "citations", "settings", "rating", "comment"}
    with pytest.raises(ValueError):
        store.add(**{**_row(2), "rating": 0})
    assert [parse_rating(v) for v in (1, -1, "up", "down", True, False, 1.0)] == [1, -1, 1, -1, 1, -1, 1]


def test_concurrent_writes_from_8_threads_lose_no_row(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    per_thread, errors, ids = 40, [], []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def writer(t: int) -> None:
        start.wait()
        for i in range(per_thread):
            try:
                # a fresh store object per call path, as separate requests would have
                row_id = FeedbackStore(store.path).add(**_row(t * 1000 + i, rating=1 if i % 3 else -1))
                with lock:
                    ids.append(row_id)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors
    assert store.count() == 8 * per_thread == len(set(ids))
    expected = {f"question {t * 1000 + i}?" for t in range(8) for i in range(per_thread)}
    assert {r["question"] for r in store.list()} == expected


def test_concurrent_writes_from_several_processes_lose_no_row(tmp_path):
    db = tmp_path / "feedback.sqlite3"
    code = ("import sys; from webapp.feedback import FeedbackStore; s = FeedbackStore(sys.argv[1]); "
            "[s.add(question=f'p{sys.argv[2]}-{i}', answer='a', rating=-1) for i in range(50)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(p)], cwd=REPO_ROOT) for p in range(4)]
    assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
    assert FeedbackStore(db).count() == 200


def test_csv_and_eval_case_exports(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(**_row(1, rating=-1))
    store.add(**_row(2, rating=1))
    store.add(**_row(3, rating=-1, refused=True))
    path = store.export_csv(tmp_path / "out" / "feedback.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 4
    first = dict(zip(rows[0], rows[1]))
    assert first["question"] == "question 1?" and first["rating"] == "-1" and first["comment"] == "comment 1"
    assert "Article 4(1)" in first["citations"] and first["audience"] == "plain"

    path, n = store.export_eval_cases(tmp_path / "out" / "cases.jsonl")
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert n == len(cases) == 2  # thumbs-down only
    reference = json.loads((REPO_ROOT / "evals" / "cases" / "lookup.jsonl").read_text().splitlines()[0])
    assert all(set(c) == set(EVAL_KEYS) == set(reference) for c in cases)
    answered, refused = cases
    assert answered["question"] == "question 1?" and answered["answerable"] is True
    assert answered["expected_refs"] == ["Article 4(1)", "Annex A Part I"] and answered["tags"] == ["feedback"]
    assert answered["history"] == ["earlier question?"] and answered["id"].startswith("feedback-")
    assert refused["answerable"] is False and refused["expected_refs"] == []


# ---- the app's handlers, in process ------------------------------------------------------------
def test_chat_handler_streams_then_renders_the_answer(corpus_index, assistant, tmp_path):
    from webapp.app import App

    app = App(corpus_index.replace(data_dir=tmp_path / "data"), assistant)
    steps = list(app.respond(THERMOMETER_Q, [], "plain", []))
    assert len(steps) >= 3  # the question, streamed pieces, the final answer
    first_chat, *_ = steps[0]
    assert first_chat[-1]["role"] == "assistant" and "mc-streaming" in first_chat[-1]["content"]
    chat, panel, turns, _, _ = steps[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "mc-answered" in chat[1]["content"] and 'href="#src-1"' in chat[1]["content"]
    assert 'id="src-1"' in panel and turns[0].answer is not None

    chat, panel, turns, box, status = list(app.respond("thermometers? " * 200, turns, "plain", []))[-1]
    assert "mc-notice" in chat[-1]["content"] and "the limit is 1,000 characters" in status
    assert box["value"].startswith("thermometers?")  # the question stays in the box to be shortened
    chat, panel, turns, _, _ = list(app.respond("What does Article 8 require of Parties?", turns, "detailed", []))[-1]
    assert 'href="#src-t1-1"' in chat[1]["content"] and 'href="#src-1"' in chat[-1]["content"]
    assert 'id="src-t1-1"' in panel and 'id="src-1"' in panel

    status, _ = app.rate_latest(-1, "too long", turns)
    assert "saved" in status and app.feedback.list()[0]["settings"]["audience"] == "detailed"
    update, message = app.export_conversation(turns, "plain", [])
    md = Path(update["value"]).read_text(encoding="utf-8")
    assert md.count("### Sources") == 2 and "the limit is 1,000 characters" in md


def test_staff_tab_needs_the_password_and_shows_the_eval_report(corpus_index, assistant, tmp_path):
    import gradio as gr

    from webapp.app import App

    settings = corpus_index.replace(staff_password="s3cret", data_dir=tmp_path / "data")
    app = App(settings, assistant)
    with pytest.raises(gr.Error):
        app.staff_refresh(False)
    with pytest.raises(gr.Error):
        app.staff_export_csv(False)
    assert app.unlock("wrong")[0] is False and app.unlock("s3cret")[0] is True
    app.feedback.add(question="q?", answer="a [1]", rating=-1, comment="c",
                     citations=[{"n": 1, "ref": "Article 8(4)", "doc_id": "minamata-convention"}])
    table, summary, report_md, rows = app.staff_refresh(True)
    assert len(table) == 1 and table[0][3] == "q?" and "1** rating(s)" in summary
    assert "No evaluation report yet" in report_md and rows == []

    (settings.data_dir / "eval").mkdir(parents=True)
    (settings.data_dir / "eval" / "latest.json").write_text(json.dumps(
        {"cases": 12, "metrics": {"hybrid": {"recall_at_k": 0.9}, "refusal_accuracy": 1.0}}))
    _, _, report_md, rows = app.staff_refresh(True)
    assert "12 case(s)" in report_md
    assert ["hybrid.recall_at_k", "0.900"] in rows and ["refusal_accuracy", "1.000"] in rows

    csv_update, _ = app.staff_export_csv(True)
    assert Path(csv_update["value"]).read_text(encoding="utf-8").startswith("id,created_at,rating")
    cases_update, message = app.staff_export_cases(True)
    case = json.loads(Path(cases_update["value"]).read_text(encoding="utf-8"))
    assert case["expected_refs"] == ["Article 8(4)"] and "1 thumbs-down" in message

    open_app = App(corpus_index.replace(data_dir=tmp_path / "open"), assistant)  # no password set: open
    assert open_app.staff_refresh(False)[0] == []


def test_a_missing_index_is_a_friendly_message(tmp_path):
    from webapp.app import App

    app = App(make_settings(tmp_path / "no-index"))
    chat, *_ = list(app.respond(THERMOMETER_Q, [], "plain", []))[-1]
    assert "mc-error" in chat[-1]["content"] and "No documents have been ingested yet" in chat[-1]["content"]
    assert "Traceback" not in chat[-1]["content"]
    assert "The index is empty" in app.about_settings() and app.doc_choices() == []


@pytest.fixture(scope="module")
def treaty_client(full_index, tmp_path_factory):
    """A server over the index with the official text: obligations come from treaty texts."""
    from gradio_client import Client

    from webapp.server import UIServer

    server = UIServer(full_index.index_dir, tmp_path_factory.mktemp("ui-api-treaty"))
    server.start(timeout=180)
    try:
        yield Client(server.url, verbose=False)
    finally:
        server.stop()


def test_obligations_api_filters_the_table(treaty_client):
    client = treaty_client
    asgm = client.predict("ASGM", "all", "binding", "", api_name="/obligations")["obligations"]
    assert asgm and all(o["topic"] == "ASGM" and o["modality"] == "binding" for o in asgm)
    plan = next(o for o in asgm if o["ref"] == "Article 7(3)(b)")
    assert plan["deadline"] == "3 years" and plan["actor"] == "party_conditional"
    art4 = client.predict("all", "all", "all", "Article 4", api_name="/obligations")["obligations"]
    assert art4 and all(o["ref"].startswith("Article 4") for o in art4)


def test_obligations_tab_handlers(full_index, tmp_path):
    from webapp.app import App

    app = App(full_index.replace(data_dir=tmp_path))
    summary, rows = app.obligation_view("waste", "all", "all", "")
    assert "obligation(s)" in summary and rows
    topic_col, what_col = App.OBLIGATION_HEADERS.index("topic"), App.OBLIGATION_HEADERS.index("what")
    assert all(r[topic_col] == "waste" for r in rows) and any(r[0].startswith("Article 11") for r in rows)
    # the polarity filter, and the "what" column keeps the provision's own "not" / "only"
    _, bans = app.obligation_view("all", "all", "all", "Article 3", "prohibition")
    assert bans and all(r[what_col].startswith("must not ") for r in bans)
    assert any(r[0] == "Article 3(3)" for r in bans)
    _, limits = app.obligation_view("all", "all", "all", "Article 3(4)", "restriction")
    assert limits and all(" only " in f" {r[what_col]} " for r in limits)
    assert any("primary mercury mining" in r[what_col] and "fifteen years" in r[what_col] for r in limits)
    file_update, message = app.obligations_csv("waste", "all", "all", "")
    path = Path(file_update["value"])
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("doc_id,ref")
    assert f"{len(rows)} row(s)" in message
    summary, rows = app.obligation_view("no such topic", "all", "all", "")
    assert summary.startswith("⚠") and rows == []
