"""Release building: the package is exported, validated, and published only when valid."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from juesuan.checks.catalogue import ALL_CHECKS
from juesuan.paths import Layout
from juesuan.registry import department_id
from juesuan.schema import arrow_schema, resources
from juesuan.warehouse import WarehouseMissingError, build_warehouse
from publish.release import ReleaseError, build_release, list_releases, next_version

DEPT = "dept-0123456789ab"
DOC = "a" * 16


def write(layout: Layout, year: int, resource: str, rows: list[dict[str, Any]]) -> None:
    s = arrow_schema(resource)
    path = layout.parsed_file(year, resource)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pylist([{n: r.get(n) for n in s.names} for r in rows], schema=s), path
    )


def item(**kw: Any) -> dict[str, Any]:
    row = {
        "document_id": DOC,
        "fiscal_year": 2023,
        "department_id": DEPT,
        "table_no": "01",
        "side": "income",
        "item": "grand_total",
        "name": "总计",
        "measure": "final",
        "amount_yuan": Decimal("11136900.00"),
        "published_unit": "万元",
        "source_ref": "p8 r5",
    }
    return row | kw


def warehouse(tmp_path: Path, extra_items: Sequence[dict[str, Any]] = ()) -> Layout:
    """A small valid warehouse: one document, two tables, three amounts (plus `extra_items`)."""
    layout = Layout.under(tmp_path)
    document = {
        "document_id": DOC,
        "sha256": "a" * 64,
        "file_name": "财政局2023年度部门决算.pdf",
        "format": "pdf",
        "kind": "final_accounts",
        "fiscal_year": 2023,
        "department_id": DEPT,
        "department_name": "某市财政局",
        "published_unit": "万元",
        "page_count": 20,
        "tables_with_data": "01 05",
        "line_item_count": 3,
        "parser_version": "0.1.0",
        "status": "parsed",
    }
    write(layout, 2023, "documents", [document])
    write(
        layout,
        2023,
        "document_tables",
        [
            {"document_id": DOC, "table_no": "01", "status": "data", "row_count": 1},
            {"document_id": DOC, "table_no": "05", "status": "data", "row_count": 2},
        ],
    )
    items = [
        item(),
        item(
            table_no="05",
            side=None,
            item=None,
            code="2010301",
            name="行政运行",
            measure="basic",
            amount_yuan=Decimal("24135200.00"),
            source_ref="p12 r4",
        ),
        item(
            table_no="05",
            side=None,
            item="total",
            name="合计",
            measure="total",
            amount_yuan=Decimal("-0.05"),
            source_ref="p12 r3",
        ),
    ]
    write(layout, 2023, "line_items", items + list(extra_items))
    build_warehouse(layout)
    return layout


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_release_is_valid_and_exact(tmp_path: Path) -> None:
    layout = warehouse(tmp_path)
    summary = build_release(layout)
    assert summary.valid and summary.errors == ()
    known = ["documents", "document_tables", "departments", "line_items", "checks"]
    known += ["check_results", "scorecards"]
    assert list(summary.resources) == [r.name for r in resources()]
    assert {name: summary.resources[name] for name in known} == {
        "documents": 1,
        "document_tables": 2,
        "departments": 1,
        "line_items": 3,
        "checks": len(ALL_CHECKS),
        "check_results": 0,
        "scorecards": 0,
    }
    assert summary.path == layout.releases_dir / summary.version
    documents = ["CHANGES.md", "CITATION.cff", "DICTIONARY.md", "README.md", "SHA256SUMS"]
    documents += ["changes.json", "datapackage.json", "dictionary.html", "index.html"]
    archive = f"juesuan-{summary.version}.zip"
    assert sorted(p.name for p in summary.path.iterdir()) == sorted(
        [f"{r.name}.csv" for r in resources()]
        + documents
        + [archive, f"{archive}.sha256", "excel", "juesuan.duckdb", "parquet"]
    )
    for sub in ("parquet", "excel"):
        expected = [f"{r.name}.{'parquet' if sub == 'parquet' else 'csv'}" for r in resources()]
        assert sorted(p.name for p in (summary.path / sub).iterdir()) == sorted(expected)
    rows = read_csv(summary.path / "line_items.csv")
    assert list(rows[0]) == arrow_schema("line_items").names
    amounts = {r["source_ref"]: r["amount_yuan"] for r in rows}
    assert amounts == {"p8 r5": "11136900.00", "p12 r4": "24135200.00", "p12 r3": "-0.05"}
    basic = next(r for r in rows if r["code"] == "2010301")
    assert basic["side"] == "" and basic["item"] == ""  # NULL is an empty field
    departments = read_csv(summary.path / "departments.csv")
    assert departments == [
        {
            "department_id": department_id("某市财政局"),  # resolved by the registry
            "name": "某市财政局",
            "region": "",
            "admin_level": "",
            "printed_names": "某市财政局",
            "province": "",
            "city": "",
            "county": "",
            "adcode": "",
        }
    ]
    # Independent check: frictionless reads the published package as valid, amounts exact.
    package = frictionless.Package(str(summary.path / "datapackage.json"))
    assert package.validate().valid
    cells = [r["amount_yuan"] for r in package.get_table_resource("line_items").read_rows()]
    assert Decimal("11136900.00") in cells
    assert not list(layout.releases_dir.glob(".tmp-*"))


def test_datapackage_metadata_bytes_and_hashes(tmp_path: Path) -> None:
    summary = build_release(warehouse(tmp_path), version="2023.12.5")
    descriptor = json.loads((summary.path / "datapackage.json").read_text("utf-8"))
    assert descriptor["version"] == "2023.12.5"
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert datetime.fromisoformat(descriptor["created"]).tzinfo is not None
    names = [r["name"] for r in descriptor["resources"]]
    assert names == [r.name for r in resources()]
    first = ["documents", "document_tables", "departments", "line_items", "checks"]
    assert [n for n in names if n in first] == first
    for resource in descriptor["resources"]:
        data = (summary.path / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        assert resource["schema"]["fields"]
    amount = next(
        f
        for r in descriptor["resources"]
        if r["name"] == "line_items"
        for f in r["schema"]["fields"]
        if f["name"] == "amount_yuan"
    )
    assert amount["type"] == "number"


@pytest.mark.parametrize(
    ("bad", "row", "finding"),
    [
        # CSV rows are ordered by primary key; row 1 is the header.
        pytest.param([item(table_no="10")], 5, "enum", id="table_no out of the catalogue"),
        pytest.param([item(name="总计（重复）")], 3, "primary key", id="duplicate primary key"),
    ],
)
def test_invalid_release_is_refused_and_leaves_no_folder(
    tmp_path: Path, bad: list, row: int, finding: str
) -> None:
    layout = warehouse(tmp_path, extra_items=bad)
    summary = build_release(layout, version="2024.01.0")
    assert not summary.valid
    assert summary.path is None
    assert summary.errors
    # Tables derived from line_items (comparison panels) may repeat the finding downstream.
    found = [e for e in summary.errors if e.resource == "line_items"]
    assert [(e.resource, e.row) for e in found] == [("line_items", row)]
    assert finding in found[0].message
    assert list(layout.releases_dir.iterdir()) == []
    assert list_releases(layout) == []
    with pytest.raises(ReleaseError, match=rf"(?s)2024\.01\.0 refused.*line_items, row {row}"):
        summary.raise_if_invalid()


def test_out_of_catalogue_error_names_the_field(tmp_path: Path) -> None:
    summary = build_release(warehouse(tmp_path, [item(table_no="10")]))
    assert [(e.field, "enum" in e.message) for e in summary.errors] == [("table_no", True)]


def test_versions_increment_and_are_never_overwritten(tmp_path: Path) -> None:
    layout = warehouse(tmp_path)
    month = datetime.now(UTC).strftime("%Y.%m")
    first, second = build_release(layout), build_release(layout)
    assert (first.version, second.version) == (f"{month}.0", f"{month}.1")
    assert next_version(layout) == f"{month}.2"
    with pytest.raises(ReleaseError, match="already exists"):
        build_release(layout, version=first.version)
    with pytest.raises(ReleaseError, match="invalid release version"):
        build_release(layout, version="../escape")
    # Same warehouse, same bytes: releases are reproducible apart from their metadata.
    assert (first.path / "line_items.csv").read_bytes() == (
        second.path / "line_items.csv"
    ).read_bytes()


def test_list_releases_in_version_order(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    for version in ["2026.01.10", "2026.01.9", "2025.12.0"]:
        folder = layout.releases_dir / version
        folder.mkdir(parents=True)
        (folder / "datapackage.json").write_text(json.dumps({"created": "x"}), "utf-8")
    (layout.releases_dir / ".tmp-2026.01.11-1").mkdir()  # a build in progress
    (layout.releases_dir / "2026.01.12").mkdir()  # no datapackage.json: not a release
    assert [r.version for r in list_releases(layout)] == ["2025.12.0", "2026.01.9", "2026.01.10"]
    now = datetime(2026, 1, 15, tzinfo=UTC)
    assert next_version(layout, now) == "2026.01.13"


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    with pytest.raises(WarehouseMissingError, match="juesuan build"):
        build_release(layout)
    assert list(layout.releases_dir.iterdir()) == []
