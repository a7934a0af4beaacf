"""Time the SQL constraint checks of a warehouse with N synthetic line items.

    uv run python benchmarks/constraints.py --rows 1000000

frictionless needs about 20 s per million rows (STACK.md); the DuckDB checks are meant to stay
under a second, so they can run on every build. A clean warehouse is checked in one pass; a
warehouse with findings takes a second pass that numbers rows in release order (a sort), so
both are timed. The data are synthetic and say so: every department is named 合成部门 …
(synthetic), every file synthetic-….txt. DuckDB generates them as Parquet in the parsed
layout, and the real warehouse builder loads them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from juesuan.checks.constraints import check_warehouse
from juesuan.paths import Layout
from juesuan.warehouse import build_warehouse

ROWS_PER_DOCUMENT = 1000
YEAR = 2023


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    target = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"COPY ({select}) TO {target} (FORMAT parquet)")


def generate(layout: Layout, rows: int) -> None:
    """Write documents and line_items Parquet files for `rows` synthetic amounts."""
    documents = max(1, -(-rows // ROWS_PER_DOCUMENT))
    con = duckdb.connect()
    try:
        _copy(
            con,
            f"""SELECT printf('%016x', d) AS document_id, printf('%064x', d) AS sha256,
                    printf('synthetic-%d.txt', d) AS file_name, NULL::VARCHAR AS source_uri,
                    'txt' AS format, 'final_accounts' AS kind,
                    (2014 + d % 10)::BIGINT AS fiscal_year,
                    printf('dept-%012x', d) AS department_id,
                    printf('合成部门 %d (synthetic)', d) AS department_name,
                    '万元' AS published_unit, 10::BIGINT AS page_count,
                    NULL::VARCHAR AS tables_with_data, NULL::VARCHAR AS tables_empty,
                    NULL::VARCHAR AS tables_missing, {ROWS_PER_DOCUMENT}::BIGINT AS line_item_count,
                    'benchmark' AS parser_version, 'parsed' AS status,
                    'synthetic benchmark data' AS status_reason,
                    NULL::VARCHAR AS document_date, '2026-01-01T00:00:00+00:00' AS ingested_at,
                    true AS is_current
                FROM range({documents}) AS r(d)""",
            layout.parsed_file(YEAR, "documents"),
        )
        _copy(
            con,
            f"""SELECT printf('%016x', i // {ROWS_PER_DOCUMENT}) AS document_id,
                    (2014 + (i // {ROWS_PER_DOCUMENT}) % 10)::BIGINT AS fiscal_year,
                    printf('dept-%012x', i // {ROWS_PER_DOCUMENT}) AS department_id,
                    printf('%02d', 1 + i % 9) AS table_no,
                    CASE WHEN i % 2 = 0 THEN 'income' END AS side,
                    -- table 06 prints economic codes (3 or 5 digits), the others functional
                    CASE WHEN i % 9 = 5 THEN printf('%05d', 30000 + i % {ROWS_PER_DOCUMENT} // 9)
                         ELSE printf('%07d', 2010000 + i % {ROWS_PER_DOCUMENT}) END AS code,
                    NULL::VARCHAR AS item, '合成项目 (synthetic)' AS name, 'final' AS measure,
                    CAST((hash(i) % 10000000000) / 100 AS DECIMAL(18,2)) AS amount_yuan,
                    '万元' AS published_unit, printf('p%d r%d', 1 + i % 20, i) AS source_ref
                FROM range({rows}) AS r(i)""",
            layout.parsed_file(YEAR, "line_items"),
        )
    finally:
        con.close()


def corrupt(layout: Layout) -> None:
    """A few violations, so that the second pass (rows numbered in release order) is timed too."""
    con = duckdb.connect(str(layout.warehouse_path))
    try:
        con.execute("INSERT INTO line_items SELECT * FROM line_items LIMIT 3")  # repeated keys
        con.execute(
            "INSERT INTO line_items SELECT * REPLACE ('dept-ffffffffffff' AS department_id, "
            "'10' AS table_no, '9999999' AS code) FROM line_items LIMIT 2"
        )
    finally:
        con.close()


def _time(layout: Layout, repeat: int, label: str) -> None:
    times, findings = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        findings = check_warehouse(layout.warehouse_path)
        times.append(time.perf_counter() - start)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"check_warehouse, {label}: {min(times):.2f} s best of {repeat} ({runs}), ", end="")
    print(f"{len(findings)} findings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic line items")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="juesuan-bench-") as tmp:
        layout = Layout.under(Path(tmp))
        start = time.perf_counter()
        generate(layout, args.rows)
        summary = build_warehouse(layout)
        print(f"built {summary.row_counts} in {time.perf_counter() - start:.2f} s")
        _time(layout, args.repeat, "clean")
        corrupt(layout)
        _time(layout, args.repeat, "5 bad rows")


if __name__ == "__main__":
    main()
