"""corpus/manifest.toml: metadata for bundled documents and the official documents a user may fetch.

A file being ingested takes its id, title and doc_type from the nearest manifest.toml whose
[[document]] path names it; files without an entry get inferred metadata.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.toml"


@dataclass(frozen=True)
class ManifestEntry:
    id: str
    title: str
    doc_type: str
    path: str = ""  # bundled documents: relative to the manifest
    language: str = "en"
    provenance: str = ""
    sha256: str = ""
    url: str = ""  # official documents: where `minamata corpus fetch` downloads them from
    filename: str = ""


@dataclass(frozen=True)
class Manifest:
    path: Path
    documents: tuple[ManifestEntry, ...]
    official: tuple[ManifestEntry, ...]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        fields = set(ManifestEntry.__dataclass_fields__)

        def entries(key: str) -> tuple[ManifestEntry, ...]:
            return tuple(ManifestEntry(**{k: v for k, v in e.items() if k in fields}) for e in data.get(key, []))

        return cls(path=Path(path), documents=entries("document"), official=entries("official"))

    def entry_for(self, file: Path) -> ManifestEntry | None:
        file = Path(file).resolve()
        for e in self.documents:
            if e.path and (self.path.parent / e.path).resolve() == file:
                return e
        for e in self.official:
            if e.filename and file.name == e.filename:
                return e
        return None


def find_manifest_entry(file: Path) -> ManifestEntry | None:
    """Look for a manifest in the file's folder and up to three parents."""
    file = Path(file).resolve()
    for folder in list(file.parents)[:4]:
        candidate = folder / MANIFEST_NAME
        if candidate.is_file():
            try:
                entry = Manifest.load(candidate).entry_for(file)
            except (tomllib.TOMLDecodeError, TypeError):
                return None
            if entry:
                return entry
    return None


def bundled_ids() -> frozenset[str]:
    """Ids of the documents bundled in corpus/ (the project's own); any other is a user's."""
    from .settings import REPO_ROOT

    try:
        return frozenset(e.id for e in Manifest.load(REPO_ROOT / "corpus" / MANIFEST_NAME).documents)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return frozenset()


def stale_hashes(manifest_path: Path) -> list[tuple[str, str, str]]:
    """(id, recorded, actual) for bundled documents whose content hash is out of date."""
    from .loaders import file_sha256

    manifest = Manifest.load(manifest_path)
    out = []
    for e in manifest.documents:
        actual = file_sha256(manifest_path.parent / e.path)
        if actual != e.sha256:
            out.append((e.id, e.sha256, actual))
    return out


def main(argv: list[str] | None = None) -> int:
    """python -m ingest.manifest [--write]: check (or refresh) the bundled documents' sha256."""
    import argparse

    from .fetch import record_sha256
    from .settings import REPO_ROOT

    parser = argparse.ArgumentParser(prog="python -m ingest.manifest", description=main.__doc__)
    parser.add_argument("--manifest", type=Path, default=REPO_ROOT / "corpus" / MANIFEST_NAME)
    parser.add_argument("--write", action="store_true", help="record the current hashes")
    args = parser.parse_args(argv)
    stale = stale_hashes(args.manifest)
    for doc_id, recorded, actual in stale:
        print(f"{doc_id}: recorded {recorded[:12] or '(none)'} actual {actual[:12]}")
        if args.write:
            record_sha256(args.manifest, "document", doc_id, actual)
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    raise SystemExit(main())
