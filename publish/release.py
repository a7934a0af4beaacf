"""Release building: CSV per resource plus datapackage.json, validated before it exists.

A release is assembled in a hidden temporary folder beside the others, validated as a whole by
frictionless (schemas, keys, references, bytes and hashes), and only then renamed into place.
So a published version either exists complete and valid, or not at all (DESIGN.md: a run never
half-writes a release), and a version, once published, is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import frictionless

from juesuan import schema
from juesuan.paths import Layout
from juesuan.warehouse import connect_read_only

# A version is a folder name: no separators, not hidden.
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]*")
_CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}


class ReleaseError(RuntimeError):
    """The release could not be built (bad version, existing version, invalid package)."""


@dataclass(frozen=True)
class ReleaseIssue:
    """One frictionless finding, reduced to where it is and what it says."""

    resource: str | None
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [p for p in (self.resource, self.row and f"row {self.row}", self.field) if p]
        return f"{', '.join(map(str, where))}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ReleaseSummary:
    """The outcome of `build_release`. `path` is None when the package was refused."""

    version: str
    path: Path | None
    resources: dict[str, int] = field(default_factory=dict)
    valid: bool = True
    errors: tuple[ReleaseIssue, ...] = ()

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
        created = json.loads(descriptor.read_text(encoding="utf-8")).get("created")
        found.append(ReleaseInfo(version=path.name, path=path, created=created))
    return sorted(found, key=lambda r: _version_order(r.version))


def _file_stats(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return path.stat().st_size, f"sha256:{digest.hexdigest()}"


def _export_csv(con: duckdb.DuckDBPyConnection, r: schema.ResourceSchema, path: Path) -> int:
    """COPY one table to CSV in schema column order, ordered by its key for stable hashes.

    DECIMAL(18,2) prints as plain digits with two places (24135200.00); NULL is an empty field.
    """
    columns = ", ".join(schema.quote_ident(c) for c in r.field_names)
    order = schema.export_order(r)  # ties broken by every field: stable bytes, stable rows
    target = "'" + str(path).replace("'", "''") + "'"
    (rows,) = con.execute(
        f"COPY (SELECT {columns} FROM {schema.quote_ident(r.name)} ORDER BY {order}) TO {target} "
        "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '')"
    ).fetchone()
    return rows  # COPY reports the rows it wrote


def _descriptor(version: str, folder: Path) -> dict[str, Any]:
    package = schema.package_metadata()
    resources = []
    for r in schema.resources():
        size, digest = _file_stats(folder / f"{r.name}.csv")
        resources.append(
            {
                "name": r.name,
                "title": r.title,
                "description": r.description,
                "profile": "tabular-data-resource",
                "path": f"{r.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dict(_CSV_DIALECT),
                "bytes": size,
                "hash": digest,
                "schema": schema.table_schema_descriptor(r.name),
            }
        )
    return {
        "profile": "tabular-data-package",
        **package,
        "version": version,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": resources,
    }


def _issues(report: frictionless.Report) -> tuple[ReleaseIssue, ...]:
    issues = [ReleaseIssue(None, None, None, e.message) for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            issues.append(
                ReleaseIssue(
                    resource=task.name,
                    row=getattr(e, "row_number", None),
                    field=getattr(e, "field_name", None),
                    message=e.message,
                )
            )
    return tuple(issues)


def validate_release(folder: Path) -> tuple[ReleaseIssue, ...]:
    """Validate the data package in `folder` with frictionless; no findings means valid."""
    package = frictionless.Package(str(folder / "datapackage.json"))
    return _issues(package.validate(limit_errors=2**62))  # every finding, not the first 1000


def build_release(layout: Layout, version: str | None = None) -> ReleaseSummary:
    """Export the warehouse as a validated data package under `releases_dir/<version>`.

    Invalid data leaves no release folder and returns a summary with `valid=False` and the
    findings (call `raise_if_invalid()` to turn that into an exception). An existing version
    is never overwritten.
    """
    version = version or next_version(layout)
    if not _VERSION.fullmatch(version):
        raise ReleaseError(f"invalid release version {version!r}: use e.g. 2026.01.0")
    final = layout.releases_dir / version
    if final.exists():
        raise ReleaseError(f"release {version} already exists at {final}; versions are immutable")

    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    tmp = layout.releases_dir / f".tmp-{version}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        con = connect_read_only(layout.warehouse_path)
        try:
            counts = {
                r.name: _export_csv(con, r, tmp / f"{r.name}.csv") for r in schema.resources()
            }
        finally:
            con.close()
        descriptor = _descriptor(version, tmp)
        (tmp / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        errors = validate_release(tmp)
        if errors:
            shutil.rmtree(tmp)
            return ReleaseSummary(version, None, counts, valid=False, errors=errors)
        if final.exists():  # published by someone else meanwhile
            raise ReleaseError(
                f"release {version} appeared at {final} while building; not replaced"
            )
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseSummary(version, final, counts)
