"""What is new in the sources since the last look, and which fiscal years it concerns.

A sensor calls this every few seconds, so it must be cheap: files are compared by size and
modification time, and only a new or changed file is opened — its cover only — to read its
fiscal year. A manifest names its documents' years as hints; an entry without one is counted
under the year 0, meaning "ingest, then see".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from juesuan.ingest import COVER_PAGES, iter_source_files
from juesuan.parse.metadata import read_cover
from juesuan.readers import UnreadableDocument, read_document
from juesuan.sources import SourceError, read_manifest

UNKNOWN_YEAR = 0


@dataclass(frozen=True)
class Changes:
    years: frozenset[int]
    cursor: str  # JSON: {path: "size:mtime_ns"} of every source file seen
    files: tuple[str, ...]  # the new or changed files


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def year_of(path: Path) -> int:
    try:
        cover = read_cover(read_document(path, max_pages=COVER_PAGES).rows)
    except UnreadableDocument:
        return UNKNOWN_YEAR
    return cover.fiscal_year or UNKNOWN_YEAR


def changes(sources: Iterable[Path], cursor: str | None) -> Changes:
    seen: dict[str, str] = json.loads(cursor) if cursor else {}
    now: dict[str, str] = {}
    years: set[int] = set()
    changed: list[str] = []
    for source in sources:
        source = Path(source)
        if source.suffix in {".yaml", ".yml"} and source.is_file():
            key = str(source.resolve())
            now[key] = _fingerprint(source)
            if seen.get(key) != now[key]:
                changed.append(key)
                try:
                    years |= {e.fiscal_year or UNKNOWN_YEAR for e in read_manifest(source)}
                except SourceError:
                    years.add(UNKNOWN_YEAR)
            continue
        for path, skip in iter_source_files([source]):
            if skip is not None:
                continue
            key = str(path.resolve())
            now[key] = _fingerprint(path)
            if seen.get(key) != now[key]:
                changed.append(key)
                years.add(year_of(path))
    return Changes(frozenset(years), json.dumps(now, sort_keys=True), tuple(sorted(changed)))


def unstored_years(sources: Iterable[Path], store) -> frozenset[int]:
    """The years of the source files whose bytes the raw store does not hold yet (for the
    schedule, which keeps no cursor: the raw store is its memory)."""
    from juesuan.rawstore import sha256_of

    years: set[int] = set()
    for path, skip in iter_source_files(Path(s) for s in sources):
        if skip is None and store.get(sha256_of(path)) is None:
            years.add(year_of(path))
    return frozenset(years)
