"""`minamata`: one command line for every stage. Heavy imports happen inside each subcommand so
that `--help` is instant."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from ingest.settings import Settings

log = logging.getLogger("minamata")


def _common(p: argparse.ArgumentParser, chroma: bool = True) -> None:
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index folder (default: data/index in the repo, or $MINAMATA_INDEX_DIR)")
    if chroma:
        p.add_argument("--chroma-url", default=None, metavar="URL",
                       help="use a Chroma server (e.g. http://127.0.0.1:8000) instead of the embedded store "
                            "(or $MINAMATA_CHROMA_URL)")


def _settings(args: argparse.Namespace, **extra) -> Settings:
    return Settings.load(index_dir=getattr(args, "index", None), chroma_url=getattr(args, "chroma_url", None), **extra)


# ---- ingest and corpus ------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import timed_ingest

    settings = _settings(args)
    results, elapsed = timed_ingest(args.paths, settings, doc_type=args.doc_type,
                                    show_progress=not (args.quiet or args.json) and sys.stderr.isatty())
    if args.json:
        print(json.dumps({"documents": [r.to_json() for r in results], "elapsed_s": round(elapsed, 3)}))
    elif not args.quiet:
        rows = [(r.id, r.doc_type, r.status, str(r.chunks), r.error or "") for r in results]
        _table(("document", "type", "status", "chunks", "error"), rows)
        failed = sum(r.status == "failed" for r in results)
        print(f"{len(results)} file(s), {failed} failed, {elapsed:.1f} s -> {settings.index_dir}")
    for r in results:
        if r.status == "failed":
            print(f"error: {r.path}: {r.error}", file=sys.stderr)
    return 1 if any(r.status == "failed" for r in results) or not results else 0


def cmd_corpus_list(args: argparse.Namespace) -> int:
    from ingest.corpus import list_documents

    settings = _settings(args)
    docs = list_documents(settings)
    if args.json:
        print(json.dumps({"documents": docs}))
        return 0
    if not docs:
        print(f"the index at {settings.index_dir} is empty; run `minamata ingest corpus/`")
        return 0
    _table(("document", "type", "chunks", "refs", "title"),
           [(d["id"], d["doc_type"], str(d["chunks"]), _ref_summary(d["refs"]), d["title"][:50]) for d in docs])
    return 0


def cmd_corpus_remove(args: argparse.Namespace) -> int:
    from ingest.pipeline import remove_document

    if remove_document(args.doc_id, _settings(args)):
        print(f"removed {args.doc_id}")
        return 0
    print(f"error: no document {args.doc_id!r} in the index", file=sys.stderr)
    return 1


def cmd_corpus_fetch(args: argparse.Namespace) -> int:
    from ingest.fetch import fetch_official

    settings = _settings(args)
    outcomes = fetch_official(args.manifest, args.dest or settings.data_dir / "official", only=args.only,
                              base_url=args.base_url, timeout=args.timeout)
    _table(("document", "status", "sha256", "path"),
           [(o.id, o.status, o.sha256[:16], o.path or o.error or "") for o in outcomes])
    ok = all(o.status in ("downloaded", "verified", "present") for o in outcomes)
    for o in outcomes:
        if o.error:
            print(f"error: {o.id}: {o.error}", file=sys.stderr)
    if ok and args.ingest:
        from ingest.manifest import Manifest
        from ingest.pipeline import ingest_paths

        by_id = {e.id: e for e in Manifest.load(args.manifest).official}
        entries = {Path(o.path).resolve(): by_id[o.id] for o in outcomes if o.path and o.id in by_id}
        results = ingest_paths(list(entries), settings, show_progress=sys.stderr.isatty(), entries=entries)
        for r in results:
            print(f"ingested {r.id}: {r.status}, {r.chunks} chunks" if r.status != "failed"
                  else f"error: {r.path}: {r.error}", file=sys.stderr if r.status == "failed" else sys.stdout)
        ok = ok and all(r.status != "failed" for r in results)
    return 0 if ok else 1


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from evals.bank_check import check_amendments, check_bank, format_bank_report
    from evals.guide_quality import DEFAULT_SHARED
    from evals.guide_quality import main as check_main

    rc = check_main([str(p) for p in args.paths] + (["--shared", str(args.shared)] if args.shared else []))
    if rc == 2 or args.paths:
        return rc
    shared = args.shared or DEFAULT_SHARED
    for name, report in (("question bank", check_bank(shared)), ("amendments note", check_amendments(shared))):
        print(format_bank_report(name, report))
        rc = rc or (0 if report.ok else 1)
    print("OK" if rc == 0 else "PROBLEMS FOUND")
    return rc


def cmd_corpus_questions(args: argparse.Namespace) -> int:
    """The bundled question bank, read from corpus/bank/ (no index needed)."""
    from evals.bank_check import load_bank

    entries = load_bank()
    if args.json:
        print(json.dumps({"entries": [{k: e.to_json()[k] for k in ("id", "questions", "answer", "refs", "answerable")}
                                      for e in entries]}, ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        status = "" if e.answerable else f"  (not answered: {e.reason})"
        print(f"{e.id}  [{'; '.join(e.refs) or '-'}]{status}")
        for q in e.questions:
            print(f"    ? {q}")
    print(f"{len(entries)} entries, {sum(len(e.questions) for e in entries)} phrasings, "
          f"{sum(not e.answerable for e in entries)} for questions the texts do not answer")
    return 0


def _ref_summary(refs: list[str]) -> str:
    if len(refs) <= 4:
        return ", ".join(refs)
    return f"{refs[0]} … {refs[-1]} ({len(refs)})"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


# ---- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minamata",
        description="Guidance assistant over the Minamata Convention on Mercury: ingest texts, ask questions "
                    "with cited answers, evaluate, and run the chat UI. Settings also come from MINAMATA_* "
                    "environment variables (see README).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add or update PDF/Markdown/text files in the index",
                       description="Ingest files or folders. Unchanged files are skipped, changed ones replaced; "
                                   "a file that fails is reported and the rest still ingest. Exit 1 if any failed.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    _common(p)
    p.add_argument("--doc-type", choices=("treaty", "cop-decision", "guidance", "conference-text", "other"),
                   help="force the document type (default: from corpus/manifest.toml or inferred)")
    p.add_argument("--json", action="store_true", help="print a JSON summary instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress bars or table (errors still go to stderr)")
    p.set_defaults(func=cmd_ingest)

    corpus = sub.add_parser("corpus", help="list, remove, fetch or check documents",
                            description="Manage the documents in the index and the bundled corpus.")
    csub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    p = csub.add_parser("list", help="documents in the index with chunk counts and provision refs")
    _common(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_corpus_list)
    p = csub.add_parser("remove", help="remove every chunk of one document (dense and keyword index)")
    p.add_argument("doc_id", metavar="DOC_ID")
    _common(p)
    p.set_defaults(func=cmd_corpus_remove)
    p = csub.add_parser("fetch", help="download the official documents listed in corpus/manifest.toml",
                        description="Download official texts from the addresses in the manifest, record their "
                                    "sha256 on first fetch and verify it afterwards.")
    p.add_argument("--manifest", type=Path, default=Path(__file__).resolve().parent.parent / "corpus" / "manifest.toml",
                   help="manifest listing [[official]] documents (default: corpus/manifest.toml)")
    p.add_argument("--dest", type=Path, default=None, help="download folder (default: data/official)")
    p.add_argument("--only", action="append", metavar="ID", help="fetch only this document id (repeatable)")
    p.add_argument("--base-url", default=None,
                   help="fetch file names from this mirror instead of the official addresses (for tests/offline mirrors)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per download (default 60)")
    p.add_argument("--ingest", action="store_true", help="ingest the fetched files afterwards")
    _common(p)
    p.set_defaults(func=cmd_corpus_fetch)
    p = csub.add_parser("check", help="check the guide: copied wording, references, numbers, readability")
    p.add_argument("paths", nargs="*", type=Path, metavar="FILE", help="guide files (default: corpus/guide/*.md)")
    p.add_argument("--shared", type=Path, default=None, help="folder with reference/ and seed/ (default: ../shared)")
    p.set_defaults(func=cmd_corpus_check)
    p = csub.add_parser("questions", help="list the bundled question bank (corpus/bank/)",
                        description="List the question bank: each entry's phrasings, answer, refs and whether "
                                    "the texts answer it.")
    p.add_argument("--json", action="store_true",
                   help='print {"entries":[{"id","questions","answer","refs","answerable"}]}')
    p.set_defaults(func=cmd_corpus_questions)

    _register_later_stages(sub)
    return parser


def _register_later_stages(sub) -> None:
    """Subcommands of the downstream stages register themselves here."""
    for module_name in ("assistant.commands", "assistant.obligations", "evals.commands", "ui"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "httpx", "chromadb", "urllib3"):  # libraries that log at DEBUG by themselves
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    start = time.perf_counter()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI reports, logs in full with -v
        from ingest.index import IndexMissing

        if isinstance(exc, IndexMissing):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        log.debug("failed after %.2fs", time.perf_counter() - start, exc_info=True)
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
