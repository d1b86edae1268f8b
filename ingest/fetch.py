"""`minamata corpus fetch`: download the official documents listed in corpus/manifest.toml.

The first successful download records the file's sha256 in the manifest (trust on first use);
every later download must match it, or the new file is discarded and the old one kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .manifest import Manifest, ManifestEntry

log = logging.getLogger(__name__)


@dataclass
class FetchOutcome:
    id: str
    status: str  # downloaded (sha256 recorded) | verified | present | mismatch | failed
    sha256: str = ""
    path: str | None = None
    error: str | None = None


def fetch_official(manifest_path: Path, dest: Path, *, only: list[str] | None = None, base_url: str | None = None,
                   timeout: float = 60.0) -> list[FetchOutcome]:
    manifest = Manifest.load(manifest_path)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for entry in manifest.official:
        if only and entry.id not in only:
            continue
        outcomes.append(_fetch_one(entry, manifest_path, dest, base_url, timeout))
    return outcomes


def _filename(entry: ManifestEntry) -> str:
    return entry.filename or Path(urlparse(entry.url).path).name or f"{entry.id}.pdf"


def _fetch_one(entry: ManifestEntry, manifest_path: Path, dest: Path, base_url: str | None,
               timeout: float) -> FetchOutcome:
    name = _filename(entry)
    target = dest / name
    if entry.sha256 and target.is_file() and _sha256(target.read_bytes()) == entry.sha256:
        return FetchOutcome(entry.id, "present", entry.sha256, str(target))
    url = f"{base_url.rstrip('/')}/{name}" if base_url else entry.url
    if not url:
        return FetchOutcome(entry.id, "failed", error="no url in the manifest")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - addresses come from the manifest
            data = response.read()
    except OSError as exc:
        return FetchOutcome(entry.id, "failed", error=f"{url}: {exc}")
    digest = _sha256(data)
    if entry.sha256 and digest != entry.sha256:
        log.error("%s: sha256 %s does not match the pinned %s; keeping the old file", url, digest, entry.sha256)
        return FetchOutcome(entry.id, "mismatch", digest, None,
                            error=f"checksum mismatch: got {digest[:16]}…, manifest pins {entry.sha256[:16]}…")
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)
    if entry.sha256:
        return FetchOutcome(entry.id, "verified", digest, str(target))
    record_sha256(manifest_path, "official", entry.id, digest)
    return FetchOutcome(entry.id, "downloaded", digest, str(target))


def record_sha256(manifest_path: Path, table: str, entry_id: str, digest: str) -> None:
    """Write `sha256 = "<digest>"` into one [[table]] entry, keeping the file's comments and layout."""
    text = Path(manifest_path).read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[)", text)
    for i, block in enumerate(blocks):
        if block.startswith(f"[[{table}]]") and re.search(rf'(?m)^id\s*=\s*"{re.escape(entry_id)}"\s*$', block):
            if re.search(r"(?m)^sha256\s*=", block):
                block = re.sub(r'(?m)^sha256\s*=\s*"[^"]*"', f'sha256 = "{digest}"', block)
            else:
                block = block.rstrip("\n") + f'\nsha256 = "{digest}"\n\n'
            blocks[i] = block
            break
    else:
        raise KeyError(f"no [[{table}]] entry with id {entry_id!r} in {manifest_path}")
    tmp = Path(manifest_path).with_suffix(".toml.tmp")
    tmp.write_text("".join(blocks), encoding="utf-8")
    os.replace(tmp, manifest_path)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
