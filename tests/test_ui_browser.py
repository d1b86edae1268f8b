"""The chat UI in a real headless Chromium (Debian chromium + chromium-driver), against a real
`minamata ui` server in a subprocess: ask, follow a citation into the side panel, rate an answer,
export the conversation, see a refusal, and check that markup in documents and questions never runs.

Without chromium/chromedriver the tests skip with the reason, unless MINAMATA_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.test_ui_api import THERMOMETER_Q, XSS_DOC_ID, XSS_QUESTION, build_xss_index

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
EXAMPLES = ["Can a hospital still buy mercury thermometers?", "What must a country with artisanal gold mining do?",
            "What does Article 8 require for new coal-fired power plants?"]
ARTIFACTS = REPO_ROOT / "artifacts"
WAIT_S = 60


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(Path(p).name))]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (f"browser tests need {', '.join(missing)} "
                  f"(apt-get install -y chromium chromium-driver; pip install selenium)")
        if os.environ.get("MINAMATA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " — required because MINAMATA_REQUIRE_BROWSER=1")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, embedder):
    _need_browser()  # before the index: a missing browser must be reported as such, not as missing texts
    corpus_index = request.getfixturevalue("corpus_index")  # the bundled corpus alone: no ../shared needed
    from webapp.server import UIServer

    root = tmp_path_factory.mktemp("ui-browser")
    settings = build_xss_index(corpus_index, root, embedder)  # the corpus plus a note with markup in it
    srv = UIServer(settings.index_dir, root / "data")
    srv.start(timeout=180)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def driver(server, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    opts.unhandled_prompt_behavior = "ignore"  # an alert stays open so that the test can see it
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(WAIT_S)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def api(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


# ---- helpers -----------------------------------------------------------------------------------
def _wait(d, condition, timeout: float = WAIT_S, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(d, timeout).until(condition, message)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _open(d, server) -> None:
    d.get(server.url)
    _wait(d, lambda d: d.find_elements("css selector", "#mc-question textarea"), message="the app did not load")


def _ask(d, question: str, answers_before: int) -> object:
    """Type a question, press Ask and return the final (not streaming) answer element."""
    box = d.find_element("css selector", "#mc-question textarea")
    box.clear()
    box.send_keys(question)
    d.find_element("id", "mc-send").click()
    _wait(d, lambda d: len(d.find_elements("css selector", "#mc-chat .mc-answer:not(.mc-streaming)")) > answers_before,
          message=f"no answer to {question!r}")
    return d.find_elements("css selector", "#mc-chat .mc-answer:not(.mc-streaming)")[-1]


def _open_tab(d, server, name: str) -> None:
    _open(d, server)
    tab = _wait(d, lambda d: [b for b in d.find_elements("css selector", "button[role=tab]") if b.text.strip() == name],
                message=f"no {name} tab")[0]
    _click(d, tab)


def _click(d, element) -> None:
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _no_alert(d) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = d.switch_to.alert.text
    except NoAlertPresentException:
        return
    pytest.fail(f"a script from the page content ran: alert({text!r})")


# ---- the tests ---------------------------------------------------------------------------------
def test_ask_follow_a_citation_rate_and_export(driver, server, api):
    d = driver
    _open(d, server)
    examples = _wait(d, lambda d: d.find_elements("css selector", "#mc-chat button.example"))
    assert [_norm(e.text) for e in examples] == EXAMPLES  # what a first-time visitor sees

    expected = api.predict(THERMOMETER_Q, "[]", "plain", "", api_name="/ask")  # same deterministic answer
    answer = _ask(d, THERMOMETER_Q, 0)
    assert "mc-answered" in answer.get_attribute("class")
    links = answer.find_elements("css selector", "a.cite")
    assert links, "the answer has no citation links"
    assert {a.get_attribute("href").split("#")[1] for a in links} == {f"src-{c['n']}" for c in expected["citations"]}
    sources = answer.find_element("css selector", ".mc-sources")  # the list under the answer
    for c in expected["citations"]:
        assert c["ref"] in sources.text and c["doc_title"] in _norm(sources.text)

    # a citation opens its provision in the side panel, the cited passage highlighted
    first = d.find_element("id", "src-1")
    assert not first.is_displayed()
    _click(d, answer.find_element("css selector", 'a.cite[href="#src-1"]'))
    _wait(d, lambda d: d.find_element("id", "src-1").is_displayed(), 10, "src-1 did not open")
    panel_text = _norm(first.text)
    assert _norm(expected["citations"][0]["text"])[:120] in panel_text
    assert expected["citations"][0]["ref"] in panel_text
    assert first.find_elements("css selector", "mark.mc-cited")
    last = expected["citations"][-1]
    _click(d, answer.find_elements("css selector", f'a.cite[href="#src-{last["n"]}"]')[-1])
    _wait(d, lambda d: d.find_element("id", f"src-{last['n']}").is_displayed(), 10)
    assert _norm(last["text"])[:120] in _norm(d.find_element("id", f"src-{last['n']}").text)
    assert not d.find_element("id", "src-1").is_displayed()
    assert len(d.window_handles) == 1  # the link did not open a tab
    ARTIFACTS.mkdir(exist_ok=True)
    d.execute_script("window.scrollTo(0, 0);")
    d.save_screenshot(str(ARTIFACTS / "ui.png"))

    # thumbs down with a comment lands in SQLite
    comment = f"The exemptions for precision thermometers are missing ({time.time_ns()})"
    d.find_element("css selector", "#mc-comment textarea").send_keys(comment)
    _click(d, d.find_element("id", "mc-down"))
    _wait(d, lambda d: "saved" in d.find_element("id", "mc-feedback-status").text, 20, "feedback not confirmed")
    with sqlite3.connect(server.feedback_db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM feedback WHERE comment = ?", (comment,)).fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row["rating"] == -1 and row["question"] == THERMOMETER_Q and row["refused"] == 0
    assert [c["ref"] for c in json.loads(row["citations"])] == [c["ref"] for c in expected["citations"]]
    assert json.loads(row["settings"])["audience"] == "plain"

    # export the conversation as Markdown, with its sources
    _click(d, d.find_element("id", "mc-export"))
    link = _wait(d, lambda d: d.find_elements("css selector", "#mc-export-file a[href]"), 20, "no export file")[0]
    assert link.get_attribute("href").startswith(server.url.rstrip("/"))
    with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as resp:
        md = resp.read().decode("utf-8")
    assert f"## 1. {THERMOMETER_Q}" in md and "### Sources" in md
    for c in expected["citations"]:
        assert f"[{c['n']}] **{c['ref']}** — {c['doc_title']}" in md
        assert c["text"].split("\n")[0][:100] in md

    # a refusal looks different from an answer
    refusal = _ask(d, "Who won the last football World Cup?", 1)
    assert "mc-refusal" in refusal.get_attribute("class") and "not answered from the texts" in refusal.text.lower()
    assert not refusal.find_elements("css selector", "a.cite")
    style = ("return getComputedStyle(arguments[0]).backgroundColor + ' ' "
             "+ getComputedStyle(arguments[0]).borderLeftStyle;")
    first_answer = d.find_elements("css selector", "#mc-chat .mc-answer")[0]  # re-rendered: links now src-t1-N
    assert d.execute_script(style, refusal) != d.execute_script(style, first_answer)
    d.execute_script("arguments[0].scrollIntoView({block: 'end'});", refusal)
    d.save_screenshot(str(ARTIFACTS / "ui-refusal.png"))
    # the thumbs under each answer in the chat rate that answer
    like = [b for b in d.find_elements("css selector", "#mc-chat button") if b.get_attribute("aria-label") == "Like"][0]
    _click(d, like)
    _wait(d, lambda d: "answer 1 saved" in d.find_element("id", "mc-feedback-status").text, 20, "like not saved")
    with sqlite3.connect(server.feedback_db) as conn:
        liked = conn.execute("SELECT rating, question FROM feedback ORDER BY id DESC LIMIT 1").fetchone()
    assert liked == (1, THERMOMETER_Q)
    # the first answer's citations still open their own sources
    old = d.find_elements("css selector", "#mc-chat a.cite")[0]
    target = old.get_attribute("href").split("#")[1]
    assert target.startswith("src-t1-")
    _click(d, old)
    _wait(d, lambda d: d.find_element("id", target).is_displayed(), 10)
    _no_alert(d)


def test_markup_in_documents_and_questions_never_runs(driver, server):
    d = driver
    _open(d, server)
    # only search the note with markup in it
    box = d.find_element("css selector", "#mc-docs input")
    box.click()
    box.send_keys("Clinic note")
    option = _wait(d, lambda d: [o for o in d.find_elements("css selector", "#mc-docs li[role=option]")
                                 if XSS_DOC_ID in (o.get_attribute("aria-label") or "")], 10, "no such document")[0]
    option.click()
    answer = _ask(d, "<img src=x onerror=alert(1)> " + XSS_QUESTION, 0)
    time.sleep(1.0)  # long enough for an injected image to fail and fire onerror
    _no_alert(d)
    assert "mc-answered" in answer.get_attribute("class")
    question = d.find_elements("css selector", "#mc-chat .mc-question")[-1]
    assert "<img src=x onerror=alert(1)>" in question.text
    _click(d, answer.find_element("css selector", 'a.cite[href="#src-1"]'))
    source = _wait(d, lambda d: d.find_element("id", "src-1") if d.find_element("id", "src-1").is_displayed() else None,
                   10)
    assert source.get_attribute("data-doc") == XSS_DOC_ID
    assert "<script>alert(1)</script>" in source.text and "<img src=x onerror=alert(1)>" in source.text
    injected = d.execute_script(
        "return document.querySelectorAll('#mc-chat script, #mc-side script, img[src=\"x\"]').length;")
    assert injected == 0
    _no_alert(d)


def test_obligations_tab_lists_cited_obligations(driver, server, reference_md, embedder):
    # obligations come from treaty texts: the official text is ingested into the running server's index
    # (it serves the new generation without a restart); this is the one browser test that needs ../shared
    from ingest.index import IndexStore
    from ingest.pipeline import ingest_paths
    from tests.conftest import make_settings

    settings = make_settings(server.index_dir)
    ingest_paths([reference_md], settings, store=IndexStore(settings, embedder=embedder), doc_type="treaty")
    d = driver
    _open_tab(d, server, "Obligations")
    box = _wait(d, lambda d: d.find_elements("css selector", "#mc-ob-ref textarea, #mc-ob-ref input"))[0]
    box.send_keys("Article 7")
    _click(d, d.find_element("id", "mc-ob-show"))
    _wait(d, lambda d: "Article 7(3)(b)" in d.find_element("id", "mc-ob-table").text, message="no Article 7 rows")
    table = d.find_element("id", "mc-ob-table").text
    assert "national action plan" in table and "3 years" in table
    assert "Article 8" not in table  # the provision filter applies
    assert "obligation(s)" in d.find_element("id", "mc-ob-summary").text


def test_staff_tab_is_locked_by_its_password_on_a_running_server(driver, server, tmp_path_factory):
    """A second server with MINAMATA_STAFF_PASSWORD set: the feedback table stays hidden until the right
    password is given; a wrong one is refused."""
    from webapp.server import UIServer

    locked = UIServer(server.index_dir, tmp_path_factory.mktemp("ui-staff-data"),
                      env={"MINAMATA_STAFF_PASSWORD": "s3cret-staff"})
    locked.start(timeout=180)
    try:
        d = driver
        _open_tab(d, locked, "Staff")
        box = _wait(d, lambda d: d.find_elements("css selector", "#mc-staff-password input"))[0]
        assert not [e for e in d.find_elements("id", "mc-staff-refresh") if e.is_displayed()]
        box.send_keys("wrong")
        _click(d, d.find_element("id", "mc-staff-unlock"))
        _wait(d, lambda d: "Wrong password" in d.page_source, message="a wrong password was not refused")
        assert not [e for e in d.find_elements("id", "mc-staff-refresh") if e.is_displayed()]
        box = d.find_element("css selector", "#mc-staff-password input")
        box.clear()
        box.send_keys("s3cret-staff")
        _click(d, d.find_element("id", "mc-staff-unlock"))
        _wait(d, lambda d: [e for e in d.find_elements("id", "mc-staff-refresh") if e.is_displayed()],
              message="the right password did not open the staff tab")
    finally:
        locked.stop()
