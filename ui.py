"""`minamata ui`: the chat UI in the browser (Gradio), on 127.0.0.1:7860 by default.

Gradio is imported inside the functions only, so `minamata --help` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, metavar="HOST",
                   help="address to bind (default: 127.0.0.1, this machine only; or $MINAMATA_HOST). "
                        "No public share link is ever created.")
    p.add_argument("--port", type=int, default=None, metavar="PORT", help="port (default: 7860, or $MINAMATA_PORT)")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index folder (default: data/index in the repo, or $MINAMATA_INDEX_DIR)")
    p.add_argument("--chroma-url", default=None, metavar="URL",
                   help="use a Chroma server (e.g. http://127.0.0.1:8000) instead of the embedded store")
    p.add_argument("--llm-url", default=None, metavar="URL",
                   help="OpenAI-compatible endpoint for generated answers (e.g. http://127.0.0.1:11434/v1); "
                        "default: extractive answers, no model server")
    p.add_argument("--llm-model", default=None, metavar="NAME", help="model name at that endpoint")


def register(sub) -> None:
    p = sub.add_parser(
        "ui", help="run the chat UI in the browser (local only by default)",
        description="Serve the chat UI: streamed answers with clickable citations, a sources panel, an audience "
                    "switch (plain / detailed), a document filter, thumbs up/down feedback stored in "
                    "data/feedback.sqlite3, conversation export, and a staff tab (password from "
                    "MINAMATA_STAFF_PASSWORD). Binds 127.0.0.1:7860 unless told otherwise; never creates a "
                    "public share link. API endpoints /ask and /feedback can be driven with gradio_client.")
    add_arguments(p)
    p.set_defaults(func=cmd_ui)


def cmd_ui(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls home
    from ingest.settings import Settings

    settings = Settings.load(index_dir=args.index, chroma_url=args.chroma_url, llm_base_url=args.llm_url,
                             llm_model=args.llm_model, host=args.host, port=args.port)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("webapp").setLevel(logging.INFO)
    from webapp.app import serve

    return serve(settings)


def build_app(settings, assistant=None):
    """The gr.Blocks of the chat UI (see webapp.app.build_app)."""
    from webapp.app import build_app as _build

    return _build(settings, assistant)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minamata ui", description="Serve the Minamata Convention assistant chat UI.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return cmd_ui(args)


if __name__ == "__main__":
    sys.exit(main())
