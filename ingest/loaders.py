"""Read PDF, Markdown and text files into SourceDocuments, or fail with one clear reason.

PDF pages keep their numbers; running headers/footers and page numbers are stripped, words
hyphenated at line ends are repaired, and wrapped lines are re-joined into paragraphs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from .manifest import ManifestEntry, find_manifest_entry
from .models import DOC_TYPES, Line, SourceDocument
from .structure import ARTICLE_RE, BRACKET_RE, is_structural

SUPPORTED_SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".text"}


class LoadError(Exception):
    """A file that cannot be ingested; the message is one line naming the reason."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "document"


def load_document(path: Path, max_file_mb: float, doc_type: str | None = None,
                  entry: ManifestEntry | None = None) -> SourceDocument:
    """Load one file. Raises LoadError with the reason (the caller names the file)."""
    path = Path(path)
    if not path.is_file():
        raise LoadError("not a file")
    size_mb = path.stat().st_size / (1024 * 1024)
    if size_mb > max_file_mb:
        raise LoadError(f"file too large ({size_mb:.1f} MB; the limit is {max_file_mb:g} MB, "
                        f"set MINAMATA_MAX_FILE_MB to change it)")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'}; use PDF, Markdown or plain text")
    entry = entry or find_manifest_entry(path)
    pdf_title = None
    if suffix == ".pdf":
        lines, page_count, pdf_title = read_pdf(path)
    else:
        lines, page_count = read_text_lines(path), None
    if not any(line.text.strip() for line in lines):
        raise LoadError("empty document: no text")
    sha = file_sha256(path)
    title = (entry.title if entry else None) or _title_from_lines(lines, suffix) or pdf_title or path.stem
    kind = doc_type or (entry.doc_type if entry else None) or infer_doc_type(lines)
    if kind not in DOC_TYPES:
        raise LoadError(f"unknown doc_type {kind!r}; use one of {', '.join(DOC_TYPES)}")
    doc_id = entry.id if entry else slugify(path.stem)
    return SourceDocument(doc_id=doc_id, title=title, doc_type=kind, path=str(path), sha256=sha,
                          lines=lines, language=entry.language if entry else "en", page_count=page_count)


# ---- text and Markdown ------------------------------------------------------------------------
def read_text_lines(path: Path) -> list[Line]:
    raw = path.read_bytes()
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark (Windows "Unicode" text)
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                        f"convert it first, e.g. iconv -f cp1252 -t utf-8") from None
    if "\x00" in text:
        raise LoadError("binary content in a text file")
    return [Line(t) for t in text.splitlines()]


def _title_from_lines(lines: list[Line], suffix: str) -> str | None:
    for line in lines[:40]:
        t = line.text.strip()
        if suffix in (".md", ".markdown") and t.startswith("# "):
            return t[2:].strip()
    for line in lines[:5]:
        t = line.text.strip()
        if t and len(t) <= 120 and not is_structural(t):
            return t
    return None


def infer_doc_type(lines: list[Line]) -> str:
    text = "\n".join(line.text for line in lines)
    head = text[:3000]
    brackets = len(BRACKET_RE.findall(text))
    articles = sum(1 for line in lines if ARTICLE_RE.match(line.text.strip().lstrip("#").strip()))
    if brackets >= 10:
        return "guidance"
    if re.search(r"\bDecision MC-\d|UNEP/MC/COP", head):
        return "cop-decision"
    if articles >= 5:
        return "treaty"
    if re.search(r"Conference of the Parties|this session of the Conference", head, re.IGNORECASE) and \
            re.search(r"messages?|declaration|high-level", head, re.IGNORECASE):
        return "conference-text"
    return "other"


# ---- PDF ---------------------------------------------------------------------------------------
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_EDGE = 3  # lines at the top and bottom of a page that may be running headers or footers


def read_pdf(path: Path) -> tuple[list[Line], int, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported crypto
                opened = 0
            if not opened:
                raise LoadError("encrypted PDF: it needs a password; save an unprotected copy first")
        pages = list(reader.pages)
        texts = [page.extract_text() or "" for page in pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError) as exc:
        raise LoadError(f"corrupt or unreadable PDF ({type(exc).__name__}: {str(exc)[:120]})") from None
    if not pages:
        raise LoadError("empty PDF: it has no pages")
    if not any(t.strip() for t in texts):
        if any(_has_images(p) for p in pages):
            raise LoadError("scanned PDF: no text layer (run OCR first, e.g. ocrmypdf)")
        raise LoadError("empty PDF: no text on any page")
    title = None
    try:
        title = (reader.metadata or {}).get("/Title") or None
    except Exception:  # noqa: BLE001 - metadata is optional and often malformed
        title = None
    page_lines = strip_running_lines([t.splitlines() for t in texts])
    return rejoin_lines(page_lines), len(pages), (str(title).strip() or None) if title else None


def _has_images(page) -> bool:
    try:
        return bool(page.images)
    except Exception:  # noqa: BLE001
        resources = page.get("/Resources") or {}
        return "/XObject" in resources


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edge = {_shape(ln) for ln in content[:_EDGE] + content[-_EDGE:]}
        counts.update(edge)
    threshold = max(2, (len(pages) + 1) // 2)
    running = {shape for shape, n in counts.items() if n >= threshold} if len(pages) >= 3 else set()
    cleaned: list[list[str]] = []
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        edge_idx = set(range(min(_EDGE, len(content)))) | set(range(max(0, len(content) - _EDGE), len(content)))
        kept = [ln for i, ln in enumerate(content)
                if not (i in edge_idx and (_shape(ln) in running or _PAGE_NUMBER.match(ln)))]
        cleaned.append(kept)
    return cleaned


def rejoin_lines(pages: list[list[str]]) -> list[Line]:
    """Re-join wrapped lines into paragraphs and repair end-of-line hyphenation.

    A hyphen at a line end is kept when the hyphenated word also appears unbroken elsewhere in
    the document ("small-scale"), and removed otherwise ("manufac-" + "ture").
    """
    vocabulary = set(re.findall(r"\b[\w]+-[\w]+\b", "\n".join("\n".join(p) for p in pages).lower()))
    out: list[Line] = []
    carry = ""  # the first half of a word hyphenated across a page break
    for number, lines in enumerate(pages, start=1):
        current: str | None = None
        for raw in lines:
            line = re.sub(r"\s+", " ", raw).strip()
            if not line:
                continue
            if carry:
                line, carry = _join_hyphenated(carry, line, vocabulary), ""
            if current is None or is_structural(line) or _is_heading(current) or _ends_paragraph(current, line):
                if current is not None:
                    out.append(Line(current, number))
                current = line
                continue
            if re.search(r"[A-Za-z]-$", current) and re.match(r"^[a-z]", line):
                current = _join_hyphenated(current, line, vocabulary)
            else:
                current = f"{current} {line}"
        if current is not None:
            if re.search(r"\s[A-Za-z]+-$", current) and number < len(pages):
                current, carry = current.rsplit(" ", 1)  # finish the word on the next page
            out.append(Line(current, number))
    return out


def _join_hyphenated(head_text: str, tail_text: str, vocabulary: set[str]) -> str:
    """Join "manufac-" + "ture ..." -> "manufacture ...", but keep "small-" + "scale" as "small-scale"
    when the document uses the hyphenated word elsewhere."""
    if not re.match(r"^[a-z]", tail_text):
        return f"{head_text} {tail_text}"
    head = re.search(r"(\w+)-$", head_text)[1]
    tail = re.match(r"^(\w+)", tail_text)[1]
    if f"{head}-{tail}".lower() in vocabulary:
        return head_text + tail_text
    return head_text[:-1] + tail_text


def _is_heading(line: str) -> bool:
    t = line.strip()
    return bool(ARTICLE_RE.match(t) or re.match(r"^(Annex [A-E]|Part [IV]+)\b", t)) and len(t) < 120


def _ends_paragraph(current: str, nxt: str) -> bool:
    """A line ending a sentence followed by a capitalised line starts a new paragraph, and so
    does a short title-like line (no final punctuation) followed by a capitalised line."""
    if current.endswith((".", ";", ":")) and nxt[:1].isupper():
        return True
    return len(current) < 60 and not current.endswith((",", "-")) and nxt[:1].isupper() \
        and not current[:1].islower()
