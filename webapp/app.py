"""The Gradio Blocks of the chat UI.

Tabs: Ask (chat, sources panel, feedback, export), About the corpus, Staff. Named API endpoints
`/ask` and `/feedback` (and `/documents`) let gradio_client drive the app.

Gradio 6 takes css/head/theme in `launch()`, so `launch_options()` returns them together with the
safe network defaults (loopback host, never a share link) and `serve()` uses it.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from ingest.settings import Settings

from . import render
from .feedback import FeedbackStore, parse_rating

log = logging.getLogger("webapp")

STATIC = Path(__file__).resolve().parent / "static"

EXAMPLES = (
    "Can a hospital still buy mercury thermometers?",
    "What must a country with artisanal gold mining do?",
    "What does Article 8 require for new coal-fired power plants?",
)
ANSWER_CONCURRENCY = int(os.environ.get("MINAMATA_UI_CONCURRENCY", "4"))
HISTORY_TURNS = 6
FRIENDLY_ERROR = ("Sorry, something went wrong while answering. The error has been logged; please try again, "
                  "or rephrase the question.")
NO_INDEX = ("No documents have been ingested yet, so there is nothing to answer from. Run "
            "`minamata ingest corpus/` (or `make run`) and ask again.")

CSS = """
.mc-answer { line-height: 1.5; }
.mc-answer p { margin: 0 0 .55em 0; }
.mc-answer blockquote.mc-quote { margin: .4em 0 .6em 0; padding: .35em .8em; border-left: 3px solid #2563eb;
  background: rgba(37, 99, 235, .06); font-size: .95em; }
.mc-answer a.cite { font-weight: 600; text-decoration: none; color: #1d4ed8; padding: 0 1px; border-radius: 3px; }
.mc-answer a.cite:hover, .mc-panel a.cite:hover { background: rgba(37, 99, 235, .15); }
.mc-sources { margin-top: .6em; padding-top: .4em; border-top: 1px solid rgba(127, 127, 127, .3); font-size: .88em; }
.mc-sources-title, .mc-panel-title { font-weight: 700; margin-bottom: .2em !important; }
.mc-sources ol, .mc-panel-index { list-style: none; padding-left: 0; margin: 0; }
.mc-sources li { margin: .1em 0; }
.mc-src-kind { opacity: .7; font-size: .9em; }
.mc-related { font-size: .88em; }
.mc-related a.rel { color: #1d4ed8; }
.mc-meta { font-size: .78em; opacity: .6; margin-top: .4em !important; }
.mc-note { font-size: .92em; opacity: .9; }
.mc-unsupported { margin: .5em 0; padding: .4em .7em; border: 1px dashed #b91c1c; border-radius: 6px;
  background: rgba(185, 28, 28, .06); font-size: .9em; }
.mc-unsupported del, .mc-unverified del { color: #991b1b; }
.mc-flag { color: #b91c1c; font-weight: 600; font-size: .85em; }
.mc-refusal { border-left: 5px solid #d97706; background: rgba(245, 158, 11, .12); padding: .55em .8em;
  border-radius: 6px; }
.mc-refusal-title { font-weight: 700; color: #92400e; text-transform: uppercase; letter-spacing: .03em;
  font-size: .85em; }
.mc-notice { border-left: 5px solid #6b7280; background: rgba(107, 114, 128, .12); padding: .55em .8em;
  border-radius: 6px; }
.mc-error { border-left: 5px solid #b91c1c; background: rgba(185, 28, 28, .10); padding: .55em .8em;
  border-radius: 6px; }
.mc-streaming { opacity: .85; }
.mc-cursor { animation: mc-blink 1s steps(2, start) infinite; }
@keyframes mc-blink { to { visibility: hidden; } }
#mc-side { position: sticky; top: 8px; max-height: calc(100vh - 24px); overflow-y: auto; }
.mc-panel { font-size: .92em; padding: .2em .3em; }
.mc-panel-hint { opacity: .75; font-size: .9em; }
.mc-panel-index li { margin: .15em 0; }
.mc-panel a.cite { font-weight: 600; text-decoration: none; color: #1d4ed8; }
.src-item { display: none; margin-top: .6em; padding: .6em .8em; border: 1px solid rgba(37, 99, 235, .45);
  border-radius: 8px; background: rgba(37, 99, 235, .04); }
.src-item:target, .src-item.mc-active { display: block; }
.src-item header { margin-bottom: .4em; }
.src-n { font-weight: 700; color: #1d4ed8; }
.src-meta { font-size: .85em; opacity: .75; }
.src-turn { font-size: .8em; opacity: .7; font-style: italic; }
.src-text { white-space: normal; max-height: 60vh; overflow-y: auto; line-height: 1.45; }
.src-text mark.mc-cited { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.src-close { display: inline-block; margin-top: .4em; font-size: .85em; }
.mc-question { white-space: normal; }
#mc-feedback-status, #mc-export-status { min-height: 1.5em; }
.dark .mc-answer a.cite, .dark .mc-panel a.cite, .dark .src-n, .dark .mc-related a.rel { color: #93c5fd; }
.dark .mc-refusal-title { color: #fbbf24; }
.dark .src-text mark.mc-cited { background: #854d0e; }
"""

# Citation links open their provision in the side panel. The panel also works without this script
# (`:target`); the script keeps the page from jumping and handles links the chat may retarget.
HEAD = """
<script>
(function () {
  function clear() {
    document.querySelectorAll('.src-item.mc-active').forEach(function (e) { e.classList.remove('mc-active'); });
  }
  function show(id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    clear();
    el.classList.add('mc-active');
    try { el.scrollIntoView({block: 'nearest'}); } catch (e) {}
    return true;
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest('a.cite, a.rel, a.src-close') : null;
    if (!a) { return; }
    var href = a.getAttribute('href') || '';
    if (href.charAt(0) !== '#') { return; }
    ev.preventDefault();
    ev.stopPropagation();
    if (a.classList.contains('src-close')) { clear(); return; }
    show(href.slice(1));
  }, true);
})();
</script>
"""


# ---- the per-session conversation -----------------------------------------------------------
@dataclass
class Turn:
    question: str
    answer: object | None = None  # assistant.types.Answer
    notice: str | None = None  # a message from the app instead of an answer
    notice_kind: str = "notice"
    streaming: str | None = None
    audience: str = "plain"
    doc_ids: tuple[str, ...] = ()
    feedback: list[int] = field(default_factory=list)


def _latest_answered(turns: list[Turn]) -> int | None:
    for i in range(len(turns) - 1, -1, -1):
        if turns[i].answer is not None:
            return i
    return None


def _prefix(i: int, latest: int | None) -> str:
    return "src" if i == latest else f"src-t{i + 1}"


def chat_messages(turns: list[Turn]) -> list[dict]:
    """Exactly two messages per turn (user, assistant), so message index // 2 is the turn."""
    latest = _latest_answered(turns)
    out = []
    for i, t in enumerate(turns):
        out.append({"role": "user", "content": render.render_user(t.question)})
        if t.answer is not None:
            content = render.render_answer(t.answer, _prefix(i, latest))
        elif t.notice is not None:
            content = render.render_notice(t.notice, t.notice_kind)
        else:
            content = render.render_streaming(t.streaming or "")
        out.append({"role": "assistant", "content": content})
    return out


def side_panel(turns: list[Turn]) -> str:
    latest = _latest_answered(turns)
    entries = []
    if latest is not None:
        entries.append(render.PanelEntry(turns[latest].answer, "src"))
    for i in range(len(turns) - 1, -1, -1):
        if i != latest and turns[i].answer is not None:
            q = turns[i].question
            entries.append(render.PanelEntry(turns[i].answer, _prefix(i, latest),
                                             f"From answer {i + 1}: {q[:80]}{'…' if len(q) > 80 else ''}"))
    return render.render_sources_panel(entries)


def _parse_history(raw) -> list[str]:
    """Earlier user questions, from a JSON list of strings or of chat messages {role, content}."""
    if raw in (None, "", "null"):
        return []
    data = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(data, list):
        raise ValueError("history must be a JSON list of earlier questions")
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("role") == "user" and isinstance(item.get("content"), str):
            out.append(item["content"])
        elif isinstance(item, dict) and item.get("role") in ("assistant", "system"):
            continue
        else:
            raise ValueError("history must be a JSON list of earlier questions (strings)")
    return out


def _doc_ids(value) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = [v for v in (value.split(",") if not value.startswith("[") else json.loads(value))]
    return tuple(str(v).strip() for v in value if str(v).strip())


class App:
    """Everything the event handlers share: settings, the assistant, the feedback store."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        if assistant is None:
            from assistant.chain import Assistant

            assistant = Assistant(settings)
        self.assistant = assistant
        self.feedback = FeedbackStore(settings.feedback_db)
        self.export_root = Path(tempfile.gettempdir()) / "minamata-ui-exports"

    # ---- corpus ------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        try:
            from ingest.corpus import list_documents

            return list_documents(self.settings)
        except Exception:  # noqa: BLE001 - the about tab says so rather than breaking the page
            log.exception("could not list the ingested documents")
            return []

    def doc_choices(self) -> list[tuple[str, str]]:
        return [(f"{d['title'][:70]} ({d['id']})", d["id"]) for d in self.documents()]

    @property
    def generator_name(self) -> str:
        gen = getattr(self.assistant, "generator", None)
        return gen.name if gen is not None else "extractive"

    def filters(self, doc_ids: tuple[str, ...]):
        from assistant.types import Filters

        return Filters(doc_ids=doc_ids) if doc_ids else None

    def too_long(self, question: str) -> str | None:
        limit = self.settings.max_question_chars
        if len(question) > limit:
            return (f"Your question is {len(question):,} characters long; the limit is {limit:,} characters. "
                    f"Please shorten it and ask again.")
        return None

    # ---- answering ---------------------------------------------------------------------------
    def respond(self, question, turns, audience, doc_ids):
        """Stream one answer into the chat. Yields (chat, panel, turns, textbox, status)."""
        turns = list(turns or [])
        question = (question or "").strip()
        audience = audience if audience in ("plain", "detailed") else "plain"
        docs = _doc_ids(doc_ids)
        if not question:
            yield chat_messages(turns), side_panel(turns), turns, gr.update(), ""
            return
        too_long = self.too_long(question)
        if too_long:
            turns.append(Turn(question=question[:300] + "…", notice=too_long, audience=audience, doc_ids=docs))
            yield chat_messages(turns), side_panel(turns), turns, gr.update(value=question), too_long
            return
        history = [t.question for t in turns if t.answer is not None][-HISTORY_TURNS:]
        turn = Turn(question=question, streaming="", audience=audience, doc_ids=docs)
        turns.append(turn)
        yield chat_messages(turns), side_panel(turns), turns, "", ""
        last = 0.0  # the first piece shows at once, later ones at most every 50 ms
        try:
            for event in self.assistant.stream(question, history, audience, self.filters(docs)):
                if isinstance(event, str):
                    turn.streaming += event
                    if time.monotonic() - last >= 0.05:
                        last = time.monotonic()
                        yield chat_messages(turns), gr.skip(), turns, gr.skip(), gr.skip()
                else:
                    turn.answer = event
        except Exception as exc:  # noqa: BLE001 - shown as a friendly message, logged in full
            from ingest.index import IndexMissing

            if isinstance(exc, IndexMissing):
                log.warning("question asked but the index is missing: %s", exc)
                turn.notice, turn.notice_kind = NO_INDEX, "error"
            else:
                log.exception("answering failed for question %r", question[:200])
                turn.notice, turn.notice_kind = FRIENDLY_ERROR, "error"
        if turn.answer is None and turn.notice is None:
            log.error("the assistant finished without an answer for %r", question[:200])
            turn.notice, turn.notice_kind = FRIENDLY_ERROR, "error"
        turn.streaming = None
        yield chat_messages(turns), side_panel(turns), turns, gr.skip(), ""

    def clear(self):
        return [], side_panel([]), [], "", ""

    # ---- feedback ----------------------------------------------------------------------------
    def _store(self, turn: Turn, rating: int, comment: str, history: list[str], via: str) -> int:
        a = turn.answer
        return self.feedback.add(
            question=turn.question, answer=a.text, rating=rating, comment=comment,
            citations=[c.to_json() for c in a.citations], refused=a.refused, history=history,
            settings={"audience": turn.audience, "filters": {"doc_ids": list(turn.doc_ids)},
                      "generator": a.generator, "via": via})

    def rate_latest(self, rating: int, comment, turns):
        turns = list(turns or [])
        i = _latest_answered(turns)
        if i is None:
            return "Ask a question first, then rate the answer.", gr.update()
        try:
            history = [t.question for t in turns[:i] if t.answer is not None][-HISTORY_TURNS:]
            row = self._store(turns[i], rating, comment or "", history, "buttons")
        except Exception:  # noqa: BLE001
            log.exception("could not store feedback")
            return "Sorry, your feedback could not be saved. The error has been logged.", gr.update()
        turns[i].feedback.append(row)
        thanks = "Thanks — glad it helped." if rating > 0 else "Thanks — this helps us improve the answers."
        return f"{thanks} Feedback saved (#{row}).", ""

    def rate_message(self, data: gr.LikeData, comment, turns):
        turns = list(turns or [])
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        liked = data.liked
        if liked is None or liked == "" or not isinstance(index, int):
            return gr.skip(), gr.skip()
        rating = 1 if liked is True or str(liked).lower() in ("like", "true") else -1
        t = index // 2
        if t >= len(turns) or turns[t].answer is None:
            return "Only answers can be rated.", gr.skip()
        try:
            history = [x.question for x in turns[:t] if x.answer is not None][-HISTORY_TURNS:]
            row = self._store(turns[t], rating, comment or "", history, "chat")
        except Exception:  # noqa: BLE001
            log.exception("could not store feedback")
            return "Sorry, your feedback could not be saved. The error has been logged.", gr.skip()
        return f"Thanks — feedback on answer {t + 1} saved (#{row}).", ""

    # ---- export ------------------------------------------------------------------------------
    def _export_dir(self) -> Path:
        self.export_root.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - 3600
        for old in self.export_root.iterdir():  # keep the folder small: exports are one-shot downloads
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        return Path(tempfile.mkdtemp(prefix="x-", dir=self.export_root))

    def export_conversation(self, turns, audience, doc_ids):
        turns = [t for t in (turns or []) if t.answer is not None or t.notice is not None]
        if not turns:
            return gr.update(value=None, visible=False), "Nothing to export yet: ask a question first."
        try:
            md = render.conversation_markdown([(t.question, t.answer if t.answer is not None else t.notice)
                                               for t in turns], audience, _doc_ids(doc_ids))
            path = self._export_dir() / f"minamata-conversation-{time.strftime('%Y%m%d-%H%M%S')}.md"
            path.write_text(md, encoding="utf-8")
        except Exception:  # noqa: BLE001
            log.exception("conversation export failed")
            return gr.update(value=None, visible=False), "Sorry, the export failed. The error has been logged."
        return gr.update(value=str(path), visible=True), f"Conversation exported ({len(turns)} question(s))."

    # ---- API endpoints -----------------------------------------------------------------------
    def api_ask(self, question: str, history: str = "[]", audience: str = "plain", documents: str = "") -> dict:
        """Answer a question. history: JSON list of earlier questions of the conversation (oldest first);
        audience: plain | detailed; documents: optional comma-separated document ids to search.
        Returns the answer JSON of `minamata ask --json`."""
        question = (question or "").strip()
        if audience not in ("plain", "detailed"):
            raise gr.Error("audience must be 'plain' or 'detailed'")
        try:
            past = _parse_history(history)
        except ValueError as exc:
            raise gr.Error(str(exc)) from exc
        too_long = self.too_long(question)
        if too_long:
            return {"answer": too_long, "refused": True, "refusal_reason": "too-long", "citations": [], "retrieved": [],
                    "latency_ms": 0.0}
        try:
            answer = self.assistant.ask(question, past[-HISTORY_TURNS:], audience, self.filters(_doc_ids(documents)))
        except Exception as exc:
            from ingest.index import IndexMissing

            if isinstance(exc, IndexMissing):
                raise gr.Error(NO_INDEX) from exc
            log.exception("API ask failed for question %r", question[:200])
            raise gr.Error(FRIENDLY_ERROR) from exc
        return answer.to_json()

    def api_feedback(self, question: str, answer: str, rating: int, comment: str = "", audience: str = "plain",
                     history: str = "[]") -> dict:
        """Rate an answer: +1 (thumbs up) or -1 (thumbs down), with an optional comment. answer: the
        JSON returned by /ask (or the answer text). Returns {"ok": true, "id": row id}."""
        try:
            rating_value = parse_rating(rating)
            past = _parse_history(history)
        except ValueError as exc:
            raise gr.Error(str(exc)) from exc
        text, citations, refused, generator = str(answer or ""), [], False, self.generator_name
        try:
            data = json.loads(answer) if isinstance(answer, str) and answer.strip().startswith("{") else answer
        except ValueError:
            data = None
        if isinstance(data, dict):
            text = str(data.get("answer", ""))
            citations = [c for c in data.get("citations", []) if isinstance(c, dict)]
            refused = bool(data.get("refused", False))
        if not str(question or "").strip():
            raise gr.Error("question is required")
        try:
            row = self.feedback.add(question=question, answer=text, rating=rating_value, comment=comment or "",
                                    citations=citations, refused=refused, history=past,
                                    settings={"audience": audience, "filters": {}, "generator": generator,
                                              "via": "api"})
        except Exception as exc:
            log.exception("API feedback failed")
            raise gr.Error("Sorry, the feedback could not be saved. The error has been logged.") from exc
        return {"ok": True, "id": row}

    def api_documents(self) -> dict:
        """The ingested documents: id, title, type, chunks."""
        return {"documents": [{"id": d["id"], "title": d["title"], "doc_type": d["doc_type"], "chunks": d["chunks"]}
                              for d in self.documents()]}

    # ---- obligations ---------------------------------------------------------------------------
    OBLIGATION_HEADERS = ["ref", "actor", "modality", "polarity", "what", "deadline", "amended since 2013", "topic",
                          "document", "page"]

    def obligations(self, topic: str = "", actor: str = "", modality: str = "", ref: str = "",
                    polarity: str = "") -> list:
        """Rows of the obligation table of the serving index, filtered; "" or "all" means any."""
        from assistant.obligations import filter_obligations, sort_rows
        from ingest.obligations import load_obligations

        def chosen(value: str) -> str | None:
            return None if not value or value.strip().lower() == "all" else value.strip()

        return sort_rows(filter_obligations(load_obligations(self.settings), topic=chosen(topic),
                                            actor=chosen(actor), modality=chosen(modality), ref=chosen(ref),
                                            polarity=chosen(polarity)))

    def obligation_view(self, topic, actor, modality, ref, polarity=""):
        try:
            rows = self.obligations(topic, actor, modality, ref, polarity)
        except ValueError as exc:  # an unknown provision or filter value
            return f"⚠ {exc}", []
        from assistant.obligations import ACTOR_PHRASE, amended_phrase, modal_action, with_amendments

        amended = with_amendments(rows, self._amended_entries())
        # "what" keeps the provision's polarity: "must not allow …", "must only allow …", "may only … if";
        # an Annex A/B row shows the amended state beside its 2013 deadline, with the decision that set it
        table = [[o.ref, ACTOR_PHRASE.get(o.actor, o.actor), o.modality, o.polarity, modal_action(o),
                  o.deadline or "", amended_phrase(a), o.topic, o.doc_title, o.page or ""]
                 for o, a in zip(rows, amended)]
        if not table:
            return ("No obligations match. Obligations are extracted from treaty and COP-decision texts: "
                    "ingest the Convention text (`minamata ingest your-copy.pdf`) to fill this table."), []
        binding = sum(o.modality == "binding" for o in rows)
        return f"**{len(rows)} obligation(s)**, {binding} binding. Each row cites the provision that imposes it.", table

    def obligations_csv(self, topic, actor, modality, ref, polarity=""):
        from assistant.obligations import to_csv

        try:
            rows = self.obligations(topic, actor, modality, ref, polarity)
        except ValueError as exc:
            return gr.update(visible=False), f"⚠ {exc}"
        from assistant.obligations import with_amendments

        folder = self._export_dir()
        path = folder / "obligations.csv"
        path.write_text(to_csv(with_amendments(rows, self._amended_entries())), encoding="utf-8")
        return gr.update(value=str(path), visible=True), f"{len(rows)} row(s) exported."

    def api_obligations(self, topic: str = "", actor: str = "", modality: str = "", ref: str = "",
                        polarity: str = "") -> dict:
        """The obligation table, filtered by topic, actor, modality, provision and polarity."""
        from assistant.obligations import with_amendments

        return {"obligations": with_amendments(self.obligations(topic, actor, modality, ref, polarity),
                                               self._amended_entries())}

    def _amended_entries(self) -> list:
        from assistant.amendments import amended_entries

        snap, _ = self.assistant.retriever.current()
        return amended_entries(snap.chunks)

    # ---- about and staff ---------------------------------------------------------------------
    def about_rows(self) -> list[list]:
        return [[d["id"], d["title"], d["doc_type"], d["chunks"]] for d in self.documents()]

    def about_settings(self) -> str:
        s = self.settings
        docs = self.documents()
        chunks = sum(d["chunks"] for d in docs)
        lines = [
            f"**{len(docs)} document(s), {chunks} passage(s)** in the index." if docs else
            "**The index is empty.** Run `minamata ingest corpus/` to add the bundled guide and texts.",
            "",
            "| setting | value |", "|---|---|",
            f"| index folder | `{s.index_dir}` |",
            f"| vector store | {'Chroma server ' + s.chroma_url if s.chroma_url else 'embedded Chroma'} |",
            f"| answers | {self.generator_name} |",
            f"| retrieval | {s.retrieval_mode}, top {s.retrieve_k} |",
            f"| question limit | {s.max_question_chars:,} characters |",
            "",
            "Answers quote and cite the texts above. The plain-language guide is not the binding text: "
            "follow a citation to the Convention itself before relying on an obligation. Dates in Annexes A "
            "and B are those of the Convention as adopted in 2013; later Conferences of the Parties amended them.",
        ]
        return "\n".join(lines)

    def staff_required(self) -> bool:
        return bool(self.settings.staff_password)

    def staff_allowed(self, unlocked: bool) -> bool:
        return not self.staff_required() or bool(unlocked)

    def unlock(self, password):
        expected = self.settings.staff_password or ""
        ok = not expected or hmac.compare_digest(str(password or "").encode(), expected.encode())
        if not ok:
            log.warning("wrong staff password")
            return False, gr.update(visible=True), gr.update(visible=False), "Wrong password.", ""
        return True, gr.update(visible=False), gr.update(visible=True), "", ""

    def staff_refresh(self, unlocked):
        if not self.staff_allowed(unlocked):
            raise gr.Error("The staff tab is locked.")
        rows = self.feedback.list(limit=500)
        table = [[r["id"], r["created_at"], "+1 up" if r["rating"] > 0 else "-1 down", r["question"][:200],
                  r["answer"][:240], r["comment"][:300],
                  "; ".join(c.get("ref") or c.get("doc_id", "") for c in r["citations"])[:200],
                  r["settings"].get("audience", ""), "yes" if r["refused"] else ""] for r in rows]
        total, down = self.feedback.count(), self.feedback.count(-1)
        summary = (f"**{total}** rating(s): {total - down} thumbs up, {down} thumbs down. Feedback database: "
                   f"`{self.settings.feedback_db}`" + (" (showing the latest 500)" if total > 500 else ""))
        report_md, report_rows = self.eval_report()
        return table, summary, report_md, report_rows

    def staff_export_csv(self, unlocked):
        if not self.staff_allowed(unlocked):
            raise gr.Error("The staff tab is locked.")
        path = self.feedback.export_csv(self._export_dir() / f"feedback-{time.strftime('%Y%m%d-%H%M%S')}.csv")
        return gr.update(value=str(path), visible=True), f"Exported {self.feedback.count()} row(s) as CSV."

    def staff_export_cases(self, unlocked):
        if not self.staff_allowed(unlocked):
            raise gr.Error("The staff tab is locked.")
        path, n = self.feedback.export_eval_cases(
            self._export_dir() / f"feedback-cases-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
        return (gr.update(value=str(path), visible=True),
                f"Exported {n} thumbs-down answer(s) as eval cases (tag `feedback`; check `expected_refs`, "
                f"add `facts`, then move them into evals/cases/).")

    def eval_report(self) -> tuple[str, list[list]]:
        path = self.settings.data_dir / "eval" / "latest.json"
        if not path.is_file():
            return (f"**No evaluation report yet** (looked for `{path}`). Run `make eval` to create one.", [])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.exception("could not read the eval report %s", path)
            return f"**The evaluation report at `{path}` could not be read:** {type(exc).__name__}.", []
        cases = data.get("cases")
        n_cases = len(cases) if isinstance(cases, (list, dict)) else cases
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        extra = "".join(f", {k}: {data[k]}" for k in ("generated_at", "generator", "retrieval_mode") if k in data)
        rows = [[k, _fmt(v)] for k, v in _flatten(data.get("metrics") or {})]
        md = f"**Latest evaluation report** — {n_cases if n_cases is not None else '?'} case(s), file `{path}` " \
             f"(modified {when}{extra})."
        if not rows:
            md += " The report has no metrics."
        return md, rows


def _icon(name: str) -> str | None:
    path = STATIC / name  # not in a wheel unless package data is declared; the buttons work without it
    return str(path) if path.is_file() else None


def _example_text(data: gr.SelectData) -> str:
    value = data.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def _flatten(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, (list, tuple)):
        return json.dumps(v)[:200]
    return str(v)


# ---- the Blocks ---------------------------------------------------------------------------------
def build_app(settings: Settings, assistant=None) -> gr.Blocks:
    """The chat UI. Launch it with `demo.launch(**launch_options(settings))`, or use `serve()`."""
    app = App(settings, assistant)
    choices = app.doc_choices()
    with gr.Blocks(title="Minamata Convention assistant", analytics_enabled=False) as demo:
        demo.minamata = app  # handy for tests and scripts
        gr.Markdown("## Minamata Convention assistant\nAnswers about the Minamata Convention on Mercury for local "
                    "authorities and students, quoted and cited from the Convention texts. Click a citation "
                    "such as **[1]** to read the provision.")
        turns = gr.State([])
        staff_unlocked = gr.State(False)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chat = gr.Chatbot(
                            elem_id="mc-chat", label="Conversation", show_label=False, height=560, layout="panel",
                            sanitize_html=True, render_markdown=True, line_breaks=False,
                            examples=[{"text": q} for q in EXAMPLES],
                            placeholder="**Ask about the Minamata Convention on Mercury.** Pick an example "
                                        "below or type your own question.",
                            feedback_options=("Like", "Dislike"), buttons=["copy"])
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                elem_id="mc-question", show_label=False, scale=5, lines=1, max_lines=6,
                                placeholder="e.g. Can a hospital still buy mercury thermometers?", autofocus=True)
                            send = gr.Button("Ask", variant="primary", elem_id="mc-send", scale=1, min_width=80)
                        with gr.Row():
                            audience = gr.Radio(
                                [("Plain (local authorities)", "plain"), ("Detailed (students)", "detailed")],
                                value="plain", label="Audience", elem_id="mc-audience", scale=2)
                            docs = gr.Dropdown(
                                choices=choices, value=[], multiselect=True, elem_id="mc-docs", scale=3,
                                label="Only search these documents (empty = all)")
                        status = gr.Markdown("", elem_id="mc-status")
                        with gr.Accordion("Was the latest answer helpful?", open=True, elem_id="mc-feedback"):
                            comment = gr.Textbox(label="Comment (optional)", elem_id="mc-comment", lines=1,
                                                 max_lines=4, placeholder="What was wrong or missing?")
                            with gr.Row():
                                up = gr.Button("Helpful", icon=_icon("thumb-up.svg"), elem_id="mc-up",
                                               size="sm")
                                down = gr.Button("Not helpful", icon=_icon("thumb-down.svg"),
                                                 elem_id="mc-down", size="sm")
                            feedback_status = gr.Markdown("", elem_id="mc-feedback-status")
                        with gr.Row():
                            export = gr.Button("Export conversation (Markdown)", elem_id="mc-export", size="sm")
                            clear = gr.Button("New conversation", elem_id="mc-clear", size="sm")
                        export_status = gr.Markdown("", elem_id="mc-export-status")
                        export_file = gr.File(label="Conversation", elem_id="mc-export-file", visible=False,
                                              interactive=False)
                    with gr.Column(scale=2, min_width=320):
                        panel = gr.HTML(side_panel([]), elem_id="mc-side")
            with gr.Tab("Obligations", id="obligations"):
                from ingest.obligations import ACTORS, MODALITIES, POLARITIES, TOPICS

                gr.Markdown("Every obligation in the ingested treaty texts: who must do what, how strictly, by when, "
                            "and the provision that says so.")
                with gr.Row():
                    ob_topic = gr.Dropdown(["all", *TOPICS], value="all", label="Topic", elem_id="mc-ob-topic")
                    from assistant.obligations import ACTOR_PHRASE

                    ob_actor = gr.Dropdown([("anyone", "all"), *((ACTOR_PHRASE.get(a, a), a) for a in ACTORS)],
                                           value="all", label="Who", elem_id="mc-ob-actor")
                    ob_modality = gr.Dropdown(["all", *MODALITIES], value="all", label="How strict",
                                              elem_id="mc-ob-modality")
                    ob_polarity = gr.Dropdown(["all", *POLARITIES], value="all", label="Do / must not / only",
                                              elem_id="mc-ob-polarity")
                    ob_ref = gr.Textbox(label="Provision", placeholder="e.g. Article 7", elem_id="mc-ob-ref")
                with gr.Row():
                    ob_show = gr.Button("Show", variant="primary", size="sm", elem_id="mc-ob-show")
                    ob_csv = gr.Button("Export CSV", size="sm", elem_id="mc-ob-csv")
                ob_summary = gr.Markdown("", elem_id="mc-ob-summary")
                ob_table = gr.Dataframe(headers=App.OBLIGATION_HEADERS, interactive=False, wrap=True,
                                        elem_id="mc-ob-table",
                                        column_widths=["10%", "10%", "7%", "8%", "35%", "7%", "9%", "9%", "5%"])
                ob_file = gr.File(label="Download", visible=False, interactive=False)
            with gr.Tab("About the corpus", id="about"):
                about_md = gr.Markdown(app.about_settings(), elem_id="mc-about")
                about_table = gr.Dataframe(value=app.about_rows(), headers=["id", "title", "type", "chunks"],
                                           interactive=False, wrap=True, elem_id="mc-documents",
                                           column_widths=["22%", "56%", "14%", "8%"])
                about_refresh = gr.Button("Refresh", size="sm")
            with gr.Tab("Staff", id="staff"):
                with gr.Column(visible=app.staff_required()) as login:
                    gr.Markdown("This tab lists the feedback users gave. Enter the staff password "
                                "(`MINAMATA_STAFF_PASSWORD`).")
                    password = gr.Textbox(type="password", label="Staff password", elem_id="mc-staff-password")
                    unlock = gr.Button("Unlock", elem_id="mc-staff-unlock")
                    login_status = gr.Markdown("")
                with gr.Column(visible=not app.staff_required()) as staff:
                    if not app.staff_required():
                        gr.Markdown("_This tab is open because `MINAMATA_STAFF_PASSWORD` is not set; set it "
                                    "before exposing the app to others._")
                    staff_summary = gr.Markdown("Press **Refresh** to load the feedback.")
                    staff_refresh = gr.Button("Refresh", elem_id="mc-staff-refresh", size="sm")
                    staff_table = gr.Dataframe(
                        headers=["id", "time (UTC)", "rating", "question", "answer", "comment", "sources",
                                 "audience", "refused"], interactive=False, wrap=True, elem_id="mc-staff-table",
                        column_widths=["5%", "11%", "7%", "17%", "24%", "16%", "10%", "6%", "4%"])
                    with gr.Row():
                        csv_btn = gr.Button("Export CSV", size="sm", elem_id="mc-export-csv")
                        cases_btn = gr.Button("Export thumbs-down as eval cases (JSONL)", size="sm",
                                              elem_id="mc-export-cases")
                    staff_status = gr.Markdown("")
                    staff_file = gr.File(label="Download", visible=False, interactive=False)
                    gr.Markdown("### Evaluation")
                    report_md = gr.Markdown("")
                    report_table = gr.Dataframe(headers=["metric", "value"], interactive=False,
                                                elem_id="mc-eval-table")

        # ---- events -----------------------------------------------------------------------------
        ask_outputs = [chat, panel, turns, question, status]
        ask_kwargs = dict(concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer", api_visibility="private",
                          show_progress="hidden")
        question.submit(app.respond, [question, turns, audience, docs], ask_outputs, **ask_kwargs)
        send.click(app.respond, [question, turns, audience, docs], ask_outputs, **ask_kwargs)
        chat.example_select(_example_text, None, question, api_visibility="private", queue=False).then(
            app.respond, [question, turns, audience, docs], ask_outputs, **ask_kwargs)
        clear.click(app.clear, None, ask_outputs, api_visibility="private", queue=False)
        up.click(lambda c, t: app.rate_latest(1, c, t), [comment, turns], [feedback_status, comment],
                 api_visibility="private")
        down.click(lambda c, t: app.rate_latest(-1, c, t), [comment, turns], [feedback_status, comment],
                   api_visibility="private")
        chat.like(app.rate_message, [comment, turns], [feedback_status, comment], api_visibility="private")
        export.click(app.export_conversation, [turns, audience, docs], [export_file, export_status],
                     api_visibility="private")
        about_refresh.click(lambda: (app.about_settings(), app.about_rows(), gr.update(choices=app.doc_choices())),
                            None, [about_md, about_table, docs], api_visibility="private")
        demo.load(lambda: (gr.update(choices=app.doc_choices()), app.about_settings(), app.about_rows()), None,
                  [docs, about_md, about_table], api_visibility="private")
        ob_inputs = [ob_topic, ob_actor, ob_modality, ob_ref, ob_polarity]
        ob_show.click(app.obligation_view, ob_inputs, [ob_summary, ob_table], api_visibility="private")
        ob_ref.submit(app.obligation_view, ob_inputs, [ob_summary, ob_table], api_visibility="private")
        for dropdown in (ob_topic, ob_actor, ob_modality, ob_polarity):
            dropdown.change(app.obligation_view, ob_inputs, [ob_summary, ob_table], api_visibility="private")
        ob_csv.click(app.obligations_csv, ob_inputs, [ob_file, ob_summary], api_visibility="private")
        demo.load(app.obligation_view, ob_inputs, [ob_summary, ob_table], api_visibility="private")
        staff_outputs = [staff_table, staff_summary, report_md, report_table]
        unlock.click(app.unlock, [password], [staff_unlocked, login, staff, login_status, password],
                     api_visibility="private").then(
            lambda u: app.staff_refresh(u) if app.staff_allowed(u) else (gr.skip(),) * 4, [staff_unlocked],
            staff_outputs, api_visibility="private")
        staff_refresh.click(app.staff_refresh, [staff_unlocked], staff_outputs, api_visibility="private")
        csv_btn.click(app.staff_export_csv, [staff_unlocked], [staff_file, staff_status], api_visibility="private")
        cases_btn.click(app.staff_export_cases, [staff_unlocked], [staff_file, staff_status],
                        api_visibility="private")

        # ---- API ----------------------------------------------------------------------------------
        gr.api(app.api_ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
        gr.api(app.api_feedback, api_name="feedback", concurrency_limit=16)
        gr.api(app.api_documents, api_name="documents")
        gr.api(app.api_obligations, api_name="obligations")
    demo.queue(default_concurrency_limit=4)
    return demo


def launch_options(settings: Settings) -> dict:
    return dict(server_name=settings.host, server_port=settings.port, share=False, css=CSS, head=HEAD,
                show_error=False, ssr_mode=False, mcp_server=False, pwa=False, quiet=True,
                footer_links=["api", "settings"], allowed_paths=[], max_file_size="1mb")


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(settings: Settings, assistant=None) -> int:
    """Warm the model and index, then serve until interrupted."""
    if not port_free(settings.host, settings.port):
        raise SystemExit(f"error: port {settings.port} on {settings.host} is already in use; pass --port")
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: the app is reachable from other machines%s", settings.host,
                    "" if settings.staff_password else " and the staff tab has no password "
                                                       "(set MINAMATA_STAFF_PASSWORD)")
    if assistant is None:
        from assistant.chain import Assistant

        assistant = Assistant(settings)
    started = time.perf_counter()
    try:
        assistant.warm_up()
        # One real question opens the dense store too. Chroma's client is created lazily and not
        # thread-safely (ingest/index.py), so it must exist before questions arrive in parallel.
        assistant.ask("mercury thermometers")
        log.info("model and index loaded in %.1f s", time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - the UI still starts and says what to do
        from ingest.index import IndexMissing

        if isinstance(exc, IndexMissing):
            print(f"warning: {exc}", flush=True)
        else:
            log.exception("warm-up failed; the first question will retry")
    demo = build_app(settings, assistant)
    print(f"Minamata assistant: http://{settings.host}:{settings.port}  (Ctrl+C to stop)", flush=True)
    try:
        demo.launch(**launch_options(settings))
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0
