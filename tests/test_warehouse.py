"""Building the DuckDB warehouse from per-year Parquet files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from juesuan import schema
from juesuan.checks.catalogue import ALL_CHECKS
from juesuan.paths import Layout
from juesuan.registry import ALIASES_ENV, department_id
from juesuan.schema import arrow_schema
from juesuan.warehouse import (
    WarehouseError,
    WarehouseMissingError,
    build_warehouse,
    connect_read_only,
)

DEPT = "dept-0123456789ab"


def write(layout: Layout, year: int, resource: str, rows: list[dict[str, Any]]) -> Path:
    """Write rows as the parser does: schema columns, schema types, None where absent."""
    s = arrow_schema(resource)
    path = layout.parsed_file(year, resource)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pylist([{n: r.get(n) for n in s.names} for r in rows], schema=s), path
    )
    return path


def document(doc_id: str, year: int | None, dept: str | None, name: str | None, **kw: Any) -> dict:
    row = {
        "document_id": doc_id * 16,
        "sha256": doc_id * 64,
        "file_name": f"{doc_id}.pdf",
        "format": "pdf",
        "kind": "final_accounts",
        "fiscal_year": year,
        "department_id": dept,
        "department_name": name,
        "published_unit": "万元",
        "parser_version": "0.1.0",
        "status": "parsed",
    }
    return row | kw


def line_item(doc_id: str, year: int, amount: str, **kw: Any) -> dict:
    row = {
        "document_id": doc_id * 16,
        "fiscal_year": year,
        "department_id": DEPT,
        "table_no": "01",
        "side": "income",
        "item": "grand_total",
        "name": "总计",
        "measure": "final",
        "amount_yuan": Decimal(amount),
        "published_unit": "万元",
        "source_ref": "p8 r5",
    }
    return row | kw


def test_empty_input_gives_empty_tables_and_views(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    summary = build_warehouse(layout)
    assert summary.path == layout.warehouse_path
    # Every resource exists, empty; the catalogue of checks comes from the library.
    assert summary.row_counts == {
        r.name: len(ALL_CHECKS) if r.name == "checks" else 0 for r in schema.resources()
    }
    assert {"department_years", "department_year_changes", "functional_codes"} <= set(
        summary.row_counts
    )
    assert summary.fiscal_years == ()
    with connect_read_only(layout.warehouse_path) as con:
        assert con.execute("SELECT count(*) FROM v_line_items_wan").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM v_department_years").fetchone() == (0,)


def test_decimal_round_trip_is_exact(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(layout, 2023, "documents", [document("a", 2023, DEPT, "财政局")])
    write(layout, 2023, "line_items", [line_item("a", 2023, "11136900.00")])
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con:
        amount, dtype = con.execute(
            "SELECT amount_yuan, typeof(amount_yuan) FROM line_items"
        ).fetchone()
        wan = con.execute("SELECT amount_wan, department_name FROM v_line_items_wan").fetchone()
    assert (amount, dtype) == (Decimal("11136900.00"), "DECIMAL(18,2)")
    assert wan == (Decimal("1113.69"), "财政局")


def test_departments_latest_name_wins_and_aliases_are_kept(tmp_path: Path, monkeypatch) -> None:
    """The registry resolves every printed name again: 旧名局 and 新名局 are one department by a
    curated alias, 乙局（本级） and 乙局 by normalisation, whatever ids the parser wrote."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        f"department_id,name,note\n{DEPT},旧名局,renamed\n{DEPT},新名局,renamed\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ALIASES_ENV, str(aliases))
    layout = Layout.under(tmp_path)
    other = department_id("乙局")
    write(
        layout,
        2022,
        "documents",
        [document("a", 2022, DEPT, "旧名局"), document("c", 2022, other, "乙局")],
    )
    write(
        layout,
        2023,
        "documents",
        [
            document("b", 2023, "dept-00000000000b", "新名局"),  # parsed before the alias
            # Same year, two printings: the lexicographically smallest name wins.
            document("d", 2023, other, "乙局（本级）"),
            document("e", 2023, other, "乙局"),
            # Refused before the department was known: no department row.
            document("f", None, None, None, status="refused", kind="unknown"),
        ],
    )
    write(
        layout,
        2023,
        "line_items",
        [line_item("b", 2023, "1.00", department_id="dept-00000000000b")],
    )
    summary = build_warehouse(layout)
    assert summary.fiscal_years == (2022, 2023)
    assert summary.row_counts["documents"] == 6
    with connect_read_only(layout.warehouse_path) as con:
        rows = con.execute(
            "SELECT department_id, name, printed_names FROM departments ORDER BY name"
        ).fetchall()
        moved = con.execute("SELECT DISTINCT department_id FROM line_items").fetchall()
        names = con.execute(
            "SELECT name, department_id, match FROM department_names ORDER BY name"
        ).fetchall()
    assert rows == [(other, "乙局", "乙局 | 乙局（本级）"), (DEPT, "新名局", "新名局 | 旧名局")]
    assert moved == [(DEPT,)]  # a document's rows follow it to its department
    assert names == [
        ("乙局", other, "automatic"),
        ("乙局（本级）", other, "automatic"),
        ("新名局", DEPT, "curated"),
        ("旧名局", DEPT, "curated"),
    ]


def test_a_year_may_lack_some_files(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022, DEPT, "财政局")])
    write(layout, 2023, "line_items", [line_item("b", 2023, "1.00"), line_item("b", 2023, "2.50")])
    (layout.parsed_dir / "not-a-year").mkdir()
    summary = build_warehouse(layout)
    assert summary.row_counts["documents"] == 1
    assert summary.row_counts["line_items"] == 2
    assert summary.row_counts["document_tables"] == 0
    assert summary.fiscal_years == (2022, 2023)


def test_rebuild_replaces_atomically_and_readers_keep_their_file(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022, DEPT, "财政局")])
    build_warehouse(layout)
    reader = connect_read_only(layout.warehouse_path)
    write(layout, 2023, "documents", [document("b", 2023, DEPT, "财政局")])
    assert build_warehouse(layout).row_counts["documents"] == 2
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    reader.close()
    with connect_read_only(layout.warehouse_path) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    names = sorted(p.name for p in layout.warehouse_path.parent.iterdir())
    assert names == ["juesuan.duckdb", "juesuan.duckdb.inputs"]  # no temporary left


def test_bad_parquet_names_the_file_and_keeps_the_old_warehouse(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022, DEPT, "财政局")])
    build_warehouse(layout)
    bad = layout.parsed_file(2023, "line_items")
    bad.parent.mkdir(parents=True)
    pq.write_table(pa.table({"document_id": ["b" * 16]}), bad)  # most columns missing
    with pytest.raises(WarehouseError, match=r"fiscal_year=2023/line_items\.parquet"):
        build_warehouse(layout)
    names = sorted(p.name for p in layout.warehouse_path.parent.iterdir())
    assert names == ["juesuan.duckdb", "juesuan.duckdb.inputs"]  # no temporary left
    with connect_read_only(layout.warehouse_path) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_connect_read_only(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    with pytest.raises(WarehouseMissingError, match=r"none\.duckdb.*juesuan build"):
        connect_read_only(missing)
    layout = Layout.under(tmp_path)
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con, pytest.raises(duckdb.Error):
        con.execute("DELETE FROM documents")


def test_a_bad_file_among_good_ones_is_named(tmp_path: Path) -> None:
    """The files of a resource are loaded in one statement; one that cannot be is still named."""
    layout = Layout.under(tmp_path)
    for year in (2021, 2022):
        write(layout, year, "documents", [document(f"d{year}", year, DEPT, "财政局")])
        write(layout, year, "line_items", [line_item(f"d{year}", year, "1.00")])
    built = build_warehouse(layout)
    assert built.row_counts["line_items"] == 2
    bad = layout.parsed_file(2023, "line_items")
    bad.parent.mkdir(parents=True)
    pq.write_table(pa.table({"document_id": ["b" * 16]}), bad)
    with pytest.raises(WarehouseError, match=r"fiscal_year=2023/line_items\.parquet"):
        build_warehouse(layout)


def test_files_with_a_column_the_schema_does_not_know_still_load(tmp_path: Path) -> None:
    """A newer parser's extra column is left out, as file by file."""
    layout = Layout.under(tmp_path)
    for year in (2021, 2022):
        write(layout, year, "documents", [document(f"d{year}", year, DEPT, "财政局")])
        path = write(layout, year, "line_items", [line_item(f"d{year}", year, "1.00")])
        if year == 2022:
            table = pq.read_table(path)
            pq.write_table(table.append_column("new_column", pa.array(["x"])), path)
    assert build_warehouse(layout).row_counts["line_items"] == 2


def test_a_failing_sql_file_is_named_and_keeps_the_old_warehouse(tmp_path: Path) -> None:
    """The SQL runs in one transaction after the loads: a failing file stops it, is named, and
    the warehouse built before stays as it was."""
    import shutil

    from juesuan.paths import WAREHOUSE_SQL_DIR

    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022, DEPT, "财政局")])
    write(layout, 2022, "line_items", [line_item("a", 2022, "1.00")])
    build_warehouse(layout)
    sql_dir = tmp_path / "sql"
    shutil.copytree(WAREHOUSE_SQL_DIR, sql_dir)
    (sql_dir / "35_broken.sql").write_text(
        "CREATE TABLE half_done AS SELECT 1 AS x;\nSELECT no_such_column FROM line_items;\n",
        encoding="utf-8",
    )
    with pytest.raises(WarehouseError, match=r"35_broken\.sql"):
        build_warehouse(layout, sql_dir)
    names = sorted(p.name for p in layout.warehouse_path.parent.iterdir())
    assert names == ["juesuan.duckdb", "juesuan.duckdb.inputs"]  # no temporary left
    with connect_read_only(layout.warehouse_path) as con:
        assert con.execute("SELECT count(*) FROM line_items").fetchone() == (1,)
        assert not con.execute(
            "SELECT * FROM duckdb_tables() WHERE table_name = 'half_done'"
        ).fetchall()


@pytest.mark.parametrize("together", [True, False])
def test_line_items_keep_the_order_of_the_files(tmp_path: Path, monkeypatch, together) -> None:
    """line_items is loaded on a connection of its own, beside the other resources: its rows
    are in the order of the files, read by one statement or, where the files cannot be read
    together (an older parser's), file by file."""
    from juesuan import warehouse

    if not together:
        real = warehouse._insert_sql
        monkeypatch.setattr(
            warehouse,
            "_insert_sql",
            lambda name, files: real(name, files) + (" !" if files.count(".parquet") > 1 else ""),
        )
    layout = Layout.under(tmp_path)
    expected = []
    for year in range(2019, 2024):
        write(layout, year, "documents", [document(f"d{year}", year, DEPT, "财政局")])
        amounts = [f"{year}.{n:02d}" for n in range(3, 0, -1)]
        write(layout, year, "line_items", [line_item(f"d{year}", year, a) for a in amounts])
        expected += [Decimal(a) for a in amounts]
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con:
        rows = con.execute("SELECT amount_yuan FROM line_items ORDER BY rowid").fetchall()
    assert [r[0] for r in rows] == expected
