"""datapackage.json: the release's machine-readable description, generated from schemas/.

Standard Data Package properties come first (name, title, version, created, licenses, sources,
contributors; per resource path, schema, bytes, hash). What the standard has no property for is
added under `x-` names, which Frictionless keeps and ignores, so the package stays valid:

- `x-alternates` (resource): the same rows as Parquet and as the Excel CSV, with bytes and hash.
- `x-rows` (resource): the number of data rows.
- `x-fiscal` (package, resource, field): Fiscal Data Package annotations (currency, phase,
  direction, classification type), taken from the schemas; the data dictionary explains them.
- `x-warehouse` (package): the DuckDB file with bytes and hash.
- `x-coverage` (package): documents, departments and fiscal years.

The schemas' own `x-fiscal` (resource level) moves from the Table Schema to the resource, where
Fiscal Data Package readers look for it.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from juesuan import schema
from publish.export import WAREHOUSE_FILE, ResourceFiles
from publish.facts import ReleaseFacts

CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def file_stats(path: Path) -> tuple[int, str]:
    """Size in bytes and `sha256:<hex>` of a file, read in chunks (warehouses can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return path.stat().st_size, f"sha256:{digest.hexdigest()}"


def files_stats(folder: Path, relatives: list[str]) -> dict[str, tuple[int, str]]:
    """`file_stats` of several files, two at a time (hashlib works outside the GIL)."""
    with ThreadPoolExecutor(2) as pool:
        stats = pool.map(lambda rel: file_stats(folder / rel), relatives)
        return dict(zip(relatives, stats, strict=True))


def _stats(stats: dict[str, tuple[int, str]], relative: str) -> dict[str, Any]:
    size, digest = stats[relative]
    return {"bytes": size, "hash": digest}


def _resource(
    stats: dict[str, tuple[int, str]], r: schema.ResourceSchema, files: ResourceFiles
) -> dict[str, Any]:
    table_schema = schema.table_schema_descriptor(r.name)
    fiscal = table_schema.pop("x-fiscal", None)
    resource: dict[str, Any] = {
        "name": r.name,
        "title": r.title,
        "description": r.description,
        "profile": "tabular-data-resource",
        "path": files.csv,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": dict(CSV_DIALECT),
        **_stats(stats, files.csv),
        "schema": table_schema,
        "x-rows": files.rows,
    }
    if fiscal:
        resource["x-fiscal"] = fiscal
    resource["x-alternates"] = [
        {
            "path": files.parquet,
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "compression": "zstd",
            **_stats(stats, files.parquet),
        },
        {
            "path": files.excel,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "description": "The same CSV behind a UTF-8 byte-order mark, for Microsoft Excel.",
            **_stats(stats, files.excel),
        },
    ]
    return resource


def _sources(facts: ReleaseFacts) -> list[dict[str, Any]]:
    sources = []
    for doc in facts.sources:
        entry: dict[str, Any] = {"title": doc.file_name}
        if doc.source_uri:
            entry["path"] = doc.source_uri
        entry |= {
            "sha256": doc.sha256,
            "document_id": doc.document_id,
            "fiscal_year": doc.fiscal_year,
            "department": doc.department_name,
            "status": doc.status,
            "parser_version": doc.parser_version,
        }
        sources.append(entry)
    return sources


def build_descriptor(
    folder: Path, version: str, created: str, files: list[ResourceFiles], facts: ReleaseFacts
) -> dict[str, Any]:
    """The complete datapackage.json of a release whose data files are already in `folder`."""
    by_name = {f.name: f for f in files}
    stats = files_stats(
        folder, [WAREHOUSE_FILE, *(p for f in files for p in (f.csv, f.parquet, f.excel))]
    )
    package = schema.package_metadata()
    coverage = facts.coverage
    return {
        "profile": "tabular-data-package",
        **package,
        "version": version,
        "created": created,
        "sources": _sources(facts),
        "x-coverage": {
            "documents": coverage.documents,
            "documents_by_status": coverage.by_status,
            "departments": coverage.departments,
            "fiscal_years": list(coverage.fiscal_years),
        },
        "x-warehouse": {
            "path": WAREHOUSE_FILE,
            "format": "duckdb",
            "description": "The DuckDB warehouse the files were exported from, with its views.",
            "duckdb_version": duckdb.__version__,  # readers need a DuckDB at least this new
            **_stats(stats, WAREHOUSE_FILE),
        },
        "resources": [_resource(stats, r, by_name[r.name]) for r in schema.resources()],
    }


def write_descriptor(folder: Path, descriptor: dict[str, Any]) -> Path:
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def listed_files(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file entry of a descriptor that records bytes and a hash (resources, alternates)."""
    entries = []
    for resource in descriptor.get("resources", []):
        entries.append(resource)
        entries.extend(resource.get("x-alternates", []))
    if "x-warehouse" in descriptor:
        entries.append(descriptor["x-warehouse"])
    return entries


def checksum_mismatches(folder: Path) -> list[str]:
    """Files whose size or sha256 differ from datapackage.json (empty when all match)."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    entries = listed_files(descriptor)
    present = [e for e in entries if (folder / e["path"]).is_file()]
    stats = files_stats(folder, [e["path"] for e in present])
    problems = []
    for entry in entries:
        if entry not in present:
            problems.append(f"{entry['path']}: missing")
            continue
        size, digest = stats[entry["path"]]
        if (size, digest) != (entry.get("bytes"), entry.get("hash")):
            problems.append(f"{entry['path']}: {size} bytes {digest}, listed {entry.get('hash')}")
    return problems
