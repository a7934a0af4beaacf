"""Release building: the order of the steps, and the guarantees around them.

A release (calendar version YYYY.MM.N) is assembled in a hidden staging folder beside the others
(publish.staging), from one snapshot of the warehouse: data files (publish.export), then
datapackage.json (publish.descriptor), validated as a whole with frictionless' verdicts (schemas,
keys, references, bytes and hashes; publish.validate), then the documents for readers (README,
data dictionary, change log, index.html), checksums and the zip (publish.archive). Only then is it
renamed into place and made read-only. So a published version either exists complete and valid,
or not at all (DESIGN.md: a run never half-writes a release), and a version, once published, is
never overwritten.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from juesuan import schema
from juesuan.paths import Layout
from juesuan.warehouse import WarehouseMissingError, connect_read_only
from publish.archive import Archiver, archive_name, write_sums
from publish.changes import compare_releases, write_changes
from publish.descriptor import build_descriptor, listed_files, write_descriptor
from publish.dictionary import dictionary_html, dictionary_markdown
from publish.export import WAREHOUSE_FILE, copy_warehouse, export_all
from publish.facts import read_facts
from publish.page import index_html
from publish.readme import citation_cff, readme_markdown
from publish.staging import (
    build_lock,
    force_rmtree,
    pause_point,
    remove_stale,
    seal,
    seal_top,
    staging_dir,
)
from publish.validate import (
    ReleaseIssue,
    check_release_folder,
    limit_memory,
    validate_release,
)

__all__ = [
    "ReleaseError",
    "ReleaseInfo",
    "ReleaseIssue",
    "ReleaseSummary",
    "build_release",
    "list_releases",
    "next_version",
    "validate_release",
]

# DuckDB's spill files and the zip's scratch files: beside the staging folder, never inside it.
WORK_SUFFIX = "-work"
ZIP_WORKERS = 2  # threads deflating the zip's members, alongside DuckDB's

# A version is a folder name: no separators, not hidden.
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]*")


class ReleaseError(RuntimeError):
    """The release could not be built (bad version, existing version, invalid package)."""


@dataclass(frozen=True)
class ReleaseSummary:
    """The outcome of `build_release`. `path` is None when the package was refused."""

    version: str
    path: Path | None
    resources: dict[str, int] = field(default_factory=dict)
    valid: bool = True
    errors: tuple[ReleaseIssue, ...] = ()
    previous: str | None = None  # the release the change log compares with
    archive: str | None = None  # the zip's file name inside the release folder

    def raise_if_invalid(self) -> ReleaseSummary:
        """Raise a ReleaseError listing the first findings; for callers that must not go on."""
        if not self.valid:
            shown = "\n  ".join(str(e) for e in self.errors[:20])
            more = f"\n  … and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
            raise ReleaseError(
                f"release {self.version} refused: {len(self.errors)} validation errors\n  "
                f"{shown}{more}"
            )
        return self


@dataclass(frozen=True)
class ReleaseInfo:
    """A published release found on disk."""

    version: str
    path: Path
    created: str | None
    documents: int | None = None  # None for releases older than the x-coverage property
    rows: int | None = None  # data rows over every resource


def _version_order(version: str) -> tuple[bool, tuple[int, ...], str]:
    """Calendar versions in numeric order (2026.01.10 after 2026.01.9), other names after them."""
    m = re.fullmatch(r"(\d{4})\.(\d{2})\.(\d+)", version)
    return (m is None, tuple(int(g) for g in m.groups()) if m else (), version)


def next_version(layout: Layout, now: datetime | None = None) -> str:
    """Calendar version `YYYY.MM.N` with the next free N of the month (from 0)."""
    now = now or datetime.now(UTC)
    prefix = f"{now:%Y.%m}."
    taken = [
        int(p.name[len(prefix) :])
        for p in (layout.releases_dir.iterdir() if layout.releases_dir.is_dir() else ())
        if p.name.startswith(prefix) and p.name[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(taken) + 1 if taken else 0}"


def list_releases(layout: Layout) -> list[ReleaseInfo]:
    """Published releases (folders holding a datapackage.json), oldest version first."""
    if not layout.releases_dir.is_dir():
        return []
    found = []
    for path in layout.releases_dir.iterdir():
        descriptor = path / "datapackage.json"
        if path.name.startswith(".") or not descriptor.is_file():
            continue
        meta = json.loads(descriptor.read_text(encoding="utf-8"))
        counts = [r.get("x-rows") for r in meta.get("resources", [])]
        found.append(
            ReleaseInfo(
                version=path.name,
                path=path,
                created=meta.get("created"),
                documents=(meta.get("x-coverage") or {}).get("documents"),
                rows=sum(counts) if counts and None not in counts else None,
            )
        )
    return sorted(found, key=lambda r: _version_order(r.version))


def _previous(layout: Layout, version: str) -> ReleaseInfo | None:
    """The latest published release ordered before `version` (the change log's baseline)."""
    order = _version_order(version)
    earlier = [r for r in list_releases(layout) if _version_order(r.version) < order]
    return earlier[-1] if earlier else None


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _assemble(layout: Layout, version: str, folder: Path, work: Path) -> ReleaseSummary:
    """Write every file of the release into `folder`; stop at validation if the data are invalid.

    Everything is read from the warehouse copy shipped in the release, so the CSVs, the Parquet
    files, the DuckDB file and the documents describe one and the same snapshot. One DuckDB
    connection to that copy does the work (export, facts, validation, change log) within a fixed
    memory budget, spilling to `work`, a hidden folder beside the release. Each file is deflated
    for the zip in the background as soon as it is final (the data files once exported).
    """
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    snapshot = copy_warehouse(layout.warehouse_path, folder)
    pause_point("snapshot")
    with Archiver(folder, scratch=work, workers=ZIP_WORKERS) as archiver:
        archiver.prepare([WAREHOUSE_FILE])
        con = connect_read_only(snapshot)
        try:
            limit_memory(con, work / "duckdb")
            files = export_all(con, folder, lambda f: archiver.prepare([f.csv, f.parquet, f.excel]))
            rows = {f.name: f.rows for f in files}
            facts = read_facts(con, rows)
            pause_point("export")
            descriptor = build_descriptor(folder, version, created, files, facts)
            write_descriptor(folder, descriptor)
            pause_point("datapackage")
            archiver.prepare(["datapackage.json"])
            errors, loaded = check_release_folder(con, folder, "__release_")
            if errors:
                return ReleaseSummary(version, None, rows, valid=False, errors=errors)
            pause_point("validated")

            previous = _previous(layout, version)
            log = compare_releases(
                previous.path if previous else None,
                folder,
                previous.version if previous else None,
                con=con,
                loaded={name: (c.table, list(c.fields)) for name, c in loaded.items()},
                rows={name: c.rows for name, c in loaded.items()},
            )
        finally:
            con.close()
        write_changes(folder, log)
        package = schema.package_metadata()
        archive = archive_name(str(package.get("name", "juesuan")), version)
        _write(folder / "README.md", readme_markdown(descriptor, facts, log, package, archive))
        _write(folder / "CITATION.cff", citation_cff(package, version, created))
        _write(folder / "DICTIONARY.md", dictionary_markdown(version))
        _write(folder / "dictionary.html", dictionary_html(version))
        _write(folder / "index.html", index_html(descriptor, facts, log, package, archive))
        pause_point("documents")
        verified = {e["path"]: (e["bytes"], e["hash"]) for e in listed_files(descriptor)}
        write_sums(folder, exclude={archive, f"{archive}.sha256"}, known=verified)
        archiver.write(archive, top=f"{package.get('name', 'juesuan')}-{version}")
    pause_point("archive")
    return ReleaseSummary(
        version, folder, rows, previous=previous.version if previous else None, archive=archive
    )


def build_release(layout: Layout, version: str | None = None) -> ReleaseSummary:
    """Build the release `version` (default: the next calendar version) from the warehouse.

    The release is assembled in a hidden staging folder and renamed into place only when it is
    complete and valid; its files are then read-only. Invalid data leave no folder and return a
    summary with `valid=False` and the findings (`raise_if_invalid()` turns that into an error).
    An existing version is never overwritten. Builds in the same releases folder take turns, and
    each removes what a killed build left behind.
    """
    if version is not None and not _VERSION.fullmatch(version):
        raise ReleaseError(f"invalid release version {version!r}: use e.g. 2026.01.0")
    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    if not layout.warehouse_path.is_file():
        raise WarehouseMissingError(
            f"no warehouse at {layout.warehouse_path}: build it first with `juesuan build`"
        )
    with build_lock(layout.releases_dir):
        remove_stale(layout.releases_dir)
        version = version or next_version(layout)
        final = layout.releases_dir / version
        if final.exists():
            raise ReleaseError(
                f"release {version} already exists at {final}; versions are immutable"
            )
        tmp = staging_dir(layout.releases_dir, version)
        work = tmp.with_name(f"{tmp.name}{WORK_SUFFIX}")
        tmp.mkdir()
        try:
            work.mkdir()
            summary = _assemble(layout, version, tmp, work)
            force_rmtree(work)
            if not summary.valid:
                force_rmtree(tmp)
                return summary
            seal(tmp)
            pause_point("sealed")
            os.rename(tmp, final)
            seal_top(final)
        except BaseException:
            force_rmtree(work)
            force_rmtree(tmp)
            raise
    return replace(summary, path=final)
