"""CLI subcommands of the answering stage: `minamata ask` and `minamata chat`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer one question with citations",
                       description="Answer a question about the Convention from the indexed texts. Every sentence "
                                   "carries [n] citations to retrieved passages; questions the texts do not answer "
                                   "are refused.")
    p.add_argument("question", metavar="QUESTION")
    _answer_options(p)
    p.add_argument("--history", type=Path, metavar="FILE",
                   help="JSON list of earlier user questions of the same conversation, oldest first")
    p.add_argument("--json", action="store_true",
                   help='print {"answer","refused","citations","retrieved","latency_ms"} as JSON')
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive question answering in the terminal",
                       description="Ask questions one after another; follow-ups keep the topic. Commands: "
                                   ":plain, :detailed, :sources, :reset, :quit.")
    _answer_options(p)
    p.set_defaults(func=cmd_chat)


def _answer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, metavar="DIR", help="index folder (default: data/index)")
    p.add_argument("--chroma-url", default=None, metavar="URL", help="Chroma server instead of the embedded store")
    p.add_argument("--audience", choices=("plain", "detailed"), default="plain",
                   help="plain: local authorities (default); detailed: students (more provisions, cross-references)")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only search this document (repeatable)")
    p.add_argument("--doc-type", action="append", default=[], metavar="TYPE",
                   help="only search documents of this type: treaty, cop-decision, guidance, conference-text, other")
    p.add_argument("--ref", default=None, metavar="REF", help='only search inside this provision, e.g. "Article 7"')
    p.add_argument("--llm-url", default=None, metavar="URL",
                   help="OpenAI-compatible endpoint for generated answers (e.g. http://127.0.0.1:11434/v1); "
                        "default: extractive answers, no model server")
    p.add_argument("--llm-model", default=None, metavar="NAME", help="model name at that endpoint")


def build_assistant(args: argparse.Namespace):
    from ingest.settings import Settings

    from .chain import Assistant

    settings = Settings.load(index_dir=args.index, chroma_url=args.chroma_url, llm_base_url=args.llm_url,
                             llm_model=args.llm_model)
    return Assistant(settings)


def _filters(args: argparse.Namespace):
    from .types import Filters

    return Filters(doc_ids=tuple(args.doc), doc_types=tuple(args.doc_type), ref=args.ref)


def _read_history(path: Path | None) -> list[str]:
    if path is None:
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(q, str) for q in data):
        raise ValueError(f"{path}: --history must be a JSON list of strings (earlier user questions)")
    return data


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = build_assistant(args)
    history = _read_history(args.history)
    if args.json:
        answer = assistant.ask(args.question, history, args.audience, _filters(args))
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    answer = None
    for event in assistant.stream(args.question, history, args.audience, _filters(args)):
        if isinstance(event, str):
            if assistant.generator is not None:
                print(event, end="", flush=True)
        else:
            answer = event
    if assistant.generator is not None:
        print("\n")
    print(format_answer(answer, show_text=assistant.generator is None or answer.generator == "extractive"))
    return 0


def format_answer(answer, show_text: bool = True) -> str:
    lines = [answer.text] if show_text else ([answer.text] if answer.unsupported else [])
    if answer.unsupported:
        lines.append("\nRemoved because the cited passages do not support them:")
        lines += [f"  ✗ {s}" for s in answer.unsupported]
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            page = f", p. {c.page}" if c.page else ""
            lines.append(f"  [{c.n}] {c.ref or '(no article)'} — {c.doc_title}{page}")
    if answer.related:
        lines.append("Related: " + "; ".join(f"{c.ref} ({c.doc_title})" for c in answer.related))
    lines.append(f"({answer.latency_ms:.0f} ms, {answer.generator})")
    return "\n".join(lines)


def cmd_chat(args: argparse.Namespace) -> int:
    assistant = build_assistant(args)
    assistant.warm_up()
    audience, history = args.audience, []
    last = None
    print("Ask about the Minamata Convention. :plain / :detailed switch audience, :sources lists the last "
          "sources, :reset starts over, :quit leaves.")
    while True:
        try:
            question = input("\n? ").strip()
        except EOFError:
            print()
            return 0
        if question in (":quit", ":q", "exit", "quit"):
            return 0
        if question in (":plain", ":detailed"):
            audience = question[1:]
            print(f"audience: {audience}")
            continue
        if question == ":reset":
            history = []
            print("conversation reset")
            continue
        if question == ":sources":
            for c in (last.citations if last else []):
                print(f"[{c.n}] {c.ref} — {c.doc_title}\n    {c.text[:400]}")
            continue
        if not question:
            continue
        last = assistant.ask(question, history, audience, _filters(args))
        history.append(question)
        print(format_answer(last))
        sys.stdout.flush()
