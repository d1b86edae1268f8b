"""Answers as HTML for the chat and the sources panel, and conversations as Markdown.

Every piece of document text and user input goes through `html.escape` before it is placed in
markup; the only tags in the output are the ones written here. Citation markers become
`<a class="cite" href="#src-N">[N]</a>` and the sources panel holds each cited provision in an
element with `id="src-N"` (the latest answer) or `id="src-tK-N"` (turn K of the conversation), so
a link from an older answer still opens its own source.

The HTML has no blank lines: Gradio's chat runs messages through Markdown, and an HTML block
without blank lines is passed through untouched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.prompts import REFUSAL_REASONS
from ingest.index import keyword_tokens

_SEGMENT_END = re.compile(r"[.;!?]+[”\"’)]*(?=\s)|\n")
_BRACKET = re.compile(r"\[[^\[\]\n]{0,200}\]")
_FINAL_PUNCT = re.compile(r"([.;:!?]+[”\"]?|[”\"])$")

KIND_LABEL = {"treaty": "treaty", "cop-decision": "COP decision", "guidance": "guide (not binding)",
              "conference-text": "conference text (not binding)", "other": "other document"}


def esc(text) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _multiline(text: str) -> str:
    """Escaped text with line breaks kept."""
    return "<br>".join(esc(line) for line in str(text).split("\n"))


def anchor(prefix: str, n: int | str) -> str:
    return f"{prefix}-{n}"


def cite_link(n: int, prefix: str = "src") -> str:
    return f'<a class="cite" href="#{anchor(prefix, n)}" title="Open source {n}">[{n}]</a>'


def _with_markers(text: str, markers: str) -> str:
    """Escaped sentence with its (already HTML) markers before the final punctuation: 'by 2020 [1].'"""
    m = _FINAL_PUNCT.search(text)
    if m and m.group(0).startswith(("”", '"')):
        return f"{_multiline(text)} {markers}"
    if m:
        return f"{_multiline(text[: m.start()])} {markers}{esc(text[m.start():])}"
    return f"{_multiline(text)} {markers}" if markers else _multiline(text)


def _sentence_html(s, prefix: str, known: set[int]) -> str:
    markers = "".join(cite_link(n, prefix) if n in known else f"[{n}]" for n in s.citations)
    body = _with_markers(s.text, markers)
    if not s.verified:
        return (f'<span class="mc-unverified" title="The cited passages do not support this sentence">'
                f'<del>{body}</del> <span class="mc-flag">⚠ not supported by the cited passages</span></span>')
    return body


def _page(page) -> str:
    return f"p. {page}" if page not in (None, -1, "") else ""


def source_label(c) -> str:
    """'Article 4(1) — Minamata Convention on Mercury, p. 3' (plain text, not escaped)."""
    parts = [c.ref or "(whole document)", "—", c.doc_title]
    text = " ".join(parts)
    page = _page(c.page)
    return f"{text}, {page}" if page else text


# ---- the answer in the chat ---------------------------------------------------------------------
def render_answer(answer, prefix: str = "src") -> str:
    """One assistant message: the answer, flagged unsupported sentences, notes, its sources list and
    related provisions. Refusals get their own look."""
    known = {c.n for c in answer.citations}
    if answer.refused:
        # the reason and the pointer come with the refusal; a part the texts do answer stays cited
        body = "".join(f"<p>{_sentence_html(s, prefix, known) if s.citations else _multiline(s.text)}</p>"
                       for s in answer.sentences)
        extra = _unsupported_html(answer.unsupported) + _notes_html(answer.notes)
        reason = REFUSAL_REASONS.get(answer.refusal_reason or "", "")
        why = f' <span class="mc-refusal-reason">— {esc(reason)}</span>' if reason else ""
        return (f'<div class="mc-answer mc-refusal" data-refusal-reason="{esc(answer.refusal_reason or "")}">'
                f'<p class="mc-refusal-title"><span aria-hidden="true">✕</span> Not answered from the texts{why}</p>'
                f"{body}{extra}{_meta_html(answer)}</div>")
    groups: dict[str, list[str]] = {}
    for s in answer.sentences:
        groups.setdefault(s.kind, []).append(_sentence_html(s, prefix, known))
    parts: list[str] = []
    lead = groups.get("lead", []) + groups.get("generated", [])
    if lead:
        parts.append(f'<p class="mc-lead">{" ".join(lead)}</p>')
    if groups.get("checklist"):
        items = "".join(f"<li>{t}</li>" for t in groups["checklist"])
        parts.append(f'<div class="mc-checklist"><p>What to do:</p><ul>{items}</ul></div>')
    for q in groups.get("quote", []):
        parts.append(f'<blockquote class="mc-quote">{q}</blockquote>')
    if groups.get("note"):
        parts.append(f'<p class="mc-note">{" ".join(groups["note"])}</p>')
    for kind, items in groups.items():  # kinds this renderer does not know yet still show
        if kind not in ("lead", "generated", "checklist", "quote", "note", "refusal"):
            parts.append(f'<p class="mc-{esc(kind)}">{" ".join(items)}</p>')
    parts.append(_unsupported_html(answer.unsupported))
    parts.append(_notes_html(answer.notes))
    parts.append(render_sources_list(answer, prefix))
    parts.append(_related_html(answer, prefix))
    parts.append(_meta_html(answer))
    return f'<div class="mc-answer mc-answered">{"".join(parts)}</div>'


def _unsupported_html(unsupported: Sequence[str]) -> str:
    if not unsupported:
        return ""
    items = "".join(f'<li><del>{_multiline(t)}</del></li>' for t in unsupported)
    return (f'<div class="mc-unsupported"><p><span aria-hidden="true">⚠</span> Removed because the cited '
            f'passages do not support {"it" if len(unsupported) == 1 else "them"}:</p><ul>{items}</ul></div>')


def _notes_html(notes: Sequence[str]) -> str:
    return "".join(f'<p class="mc-note"><strong>Note:</strong> {_multiline(n)}</p>' for n in notes)


def render_sources_list(answer, prefix: str = "src") -> str:
    if not answer.citations:
        return ""
    items = "".join(
        f'<li>{cite_link(c.n, prefix)} <span class="mc-src-ref">{esc(c.ref or "(whole document)")}</span> — '
        f'<span class="mc-src-doc">{esc(c.doc_title)}</span>'
        f'{", " + esc(_page(c.page)) if _page(c.page) else ""}'
        f' <span class="mc-src-kind">{esc(KIND_LABEL.get(c.doc_type, c.doc_type))}</span></li>'
        for c in answer.citations)
    return f'<div class="mc-sources"><p class="mc-sources-title">Sources</p><ol>{items}</ol></div>'


def _related_html(answer, prefix: str) -> str:
    if not answer.related:
        return ""
    links = ", ".join(
        f'<a class="rel" href="#{anchor(prefix, f"r{i}")}">{esc(c.ref or c.doc_title)}</a>'
        for i, c in enumerate(answer.related, start=1))
    return f'<p class="mc-related"><span>Related provisions:</span> {links}</p>'


def _meta_html(answer) -> str:
    bits = [answer.generator or "extractive", f"{answer.audience} audience" if answer.audience else "",
            f"{answer.latency_ms:.0f} ms" if answer.latency_ms else ""]
    return f'<p class="mc-meta">{esc(" · ".join(b for b in bits if b))}</p>'


def render_streaming(text: str) -> str:
    """The answer while it streams in: plain escaped text and a cursor."""
    return (f'<div class="mc-answer mc-streaming"><p>{_multiline(text)}<span class="mc-cursor" '
            f'aria-hidden="true">▍</span></p></div>')


def render_notice(message: str, kind: str = "notice") -> str:
    """A message from the app itself (question too long, an error) — not an answer."""
    icon = "⚠" if kind == "error" else "ℹ"
    return (f'<div class="mc-answer mc-{esc(kind)}"><p><span aria-hidden="true">{icon}</span> '
            f"{_multiline(message)}</p></div>")


def render_user(question: str) -> str:
    return f'<div class="mc-question">{_multiline(question)}</div>'


# ---- the side panel -----------------------------------------------------------------------------
@dataclass
class PanelEntry:
    answer: object
    prefix: str = "src"
    label: str = ""


def citing_sentences(answer, n: int) -> list[str]:
    return [s.text for s in answer.sentences if n in s.citations]


def split_segments(text: str) -> list[str]:
    """The text cut after each sentence end (. ; ! ?) and line break, never inside a bracketed
    reference such as "[Annex A Part I; Article 11(3)]". Joining the segments gives the text back."""
    protected = [(m.start(), m.end()) for m in _BRACKET.finditer(text)]
    out, start = [], 0
    for m in _SEGMENT_END.finditer(text):
        if any(a <= m.start() < b for a, b in protected):
            continue
        end = m.end()
        while end < len(text) and text[end] in " \t":
            end += 1
        out.append(text[start:end])
        start = end
    if start < len(text):
        out.append(text[start:])
    return [s for s in out if s]


def highlight(text: str, cited: Iterable[str]) -> str:
    """The passage escaped, with the segments that the answer's sentences draw on wrapped in <mark>."""
    text = str(text or "")
    cited_tokens: set[str] = set()
    for s in cited:
        cited_tokens |= set(keyword_tokens(s))
    segments = split_segments(text)
    if not cited_tokens or not segments:
        return _multiline(text)
    scores = []
    for seg in segments:
        toks = set(keyword_tokens(seg))
        scores.append(len(toks & cited_tokens) / len(toks) if len(toks) >= 2 else 0.0)
    best = max(scores)
    threshold = max(0.5, best - 0.25) if best >= 0.5 else (best if best >= 0.3 else 2.0)
    out = []
    for seg, score in zip(segments, scores):
        body = seg.rstrip("\n")
        tail = "<br>" if seg.endswith("\n") else ""
        if score >= threshold and body.strip():
            lead = len(body) - len(body.lstrip())
            out.append(f'{esc(body[:lead])}<mark class="mc-cited">{esc(body[lead:])}</mark>{tail}')
        else:
            out.append(esc(body) + tail)
    return "".join(out)


def _source_section(c, anchor_id: str, number: str, cited: list[str], label: str = "") -> str:
    page = _page(c.page)
    meta = " · ".join(x for x in (esc(c.doc_title), esc(page), esc(KIND_LABEL.get(c.doc_type, c.doc_type))) if x)
    turn = f'<p class="src-turn">{esc(label)}</p>' if label else ""
    return (f'<section class="src-item" id="{esc(anchor_id)}" data-doc="{esc(c.doc_id)}">'
            f'<header><span class="src-n">{esc(number)}</span> <strong class="src-ref">'
            f'{esc(c.ref or "(whole document)")}</strong><br><span class="src-meta">{meta}</span></header>{turn}'
            f'<div class="src-text">{highlight(c.text, cited)}</div>'
            f'<a class="src-close" href="#mc-sources-top">Close</a></section>')


def render_sources_panel(entries: Sequence[PanelEntry]) -> str:
    """All sources of the conversation, each hidden until its citation link is followed. The first
    entry is the latest answer; its sources are also listed at the top of the panel."""
    parts = ['<div class="mc-panel" id="mc-sources-top">', '<p class="mc-panel-title">Sources</p>']
    latest = entries[0].answer if entries else None
    if latest is None:
        parts.append('<p class="mc-panel-hint">Ask a question: the provisions an answer cites open here when '
                     'you click a citation such as [1].</p>')
    elif not (latest.citations or latest.related):
        parts.append('<p class="mc-panel-hint">The latest question was not answered from the texts, so it has no '
                     'sources. Citations in earlier answers still open here.</p>')
    else:
        parts.append('<p class="mc-panel-hint">Click a citation such as [1] to read the provision, with the '
                     'cited passage highlighted.</p>')
        items = "".join(f'<li>{cite_link(c.n, entries[0].prefix)} {esc(c.ref or "(whole document)")} — '
                        f'{esc(c.doc_title)}</li>' for c in latest.citations)
        parts.append(f'<ol class="mc-panel-index">{items}</ol>')
    for e in entries:
        for c in e.answer.citations:
            parts.append(_source_section(c, anchor(e.prefix, c.n), f"[{c.n}]", citing_sentences(e.answer, c.n),
                                         e.label))
        for i, c in enumerate(e.answer.related, start=1):
            parts.append(_source_section(c, anchor(e.prefix, f"r{i}"), "related", [], e.label))
    parts.append("</div>")
    return "".join(parts)


# ---- Markdown export ----------------------------------------------------------------------------
def _md_quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in str(text).split("\n"))


def conversation_markdown(turns: Sequence[tuple[str, object]], audience: str = "",
                          documents: Sequence[str] = ()) -> str:
    """The conversation as Markdown: each question, its answer with [n] markers, and the full text of
    every cited provision."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Minamata Convention assistant — conversation", "",
             f"Exported {now}. Audience: {audience or 'plain'}. Documents searched: "
             f"{', '.join(documents) if documents else 'all'}.", "",
             "Answers are drawn from the texts listed under each answer; the guide is not the binding text.", ""]
    for i, (question, answer) in enumerate(turns, start=1):
        lines += [f"## {i}. {question.strip()}", ""]
        if answer is None:
            lines += ["_(no answer)_", ""]
            continue
        if isinstance(answer, str):
            lines += [answer, ""]
            continue
        if answer.refused:
            lines += ["**Not answered from the texts.**", ""]
        lines += [answer.text, ""]
        if answer.unsupported:
            lines += ["Removed because the cited passages do not support them:", ""]
            lines += [f"- ~~{t}~~" for t in answer.unsupported] + [""]
        if answer.citations:
            lines += ["### Sources", ""]
            for c in answer.citations:
                lines += [f"[{c.n}] **{c.ref or '(whole document)'}** — {c.doc_title}"
                          f"{', ' + _page(c.page) if _page(c.page) else ''} ({c.doc_id}, "
                          f"{KIND_LABEL.get(c.doc_type, c.doc_type)})", "", _md_quote(c.text), ""]
        if answer.related:
            lines += ["### Related provisions", ""]
            for c in answer.related:
                lines += [f"- **{c.ref or '(whole document)'}** — {c.doc_title}", "", _md_quote(c.text), ""]
    return "\n".join(lines).rstrip() + "\n"
