"""Warehouse rules without Dagster: which version of a disclosure is current, code lists and
their conflicts, exact year-over-year percentages, the prior-year check from Python."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from juesuan.compare import StatedFact, compare_prior_year
from juesuan.compare.stated import FILE_NAME, arrow_table
from juesuan.paths import Layout
from juesuan.registry import department_id
from juesuan.schema import arrow_schema
from juesuan.warehouse import build_warehouse, connect_read_only

NAME = "合成市丙区合成统计局"
DEPT = department_id(NAME)


def write(layout: Layout, year: int, resource: str, rows: list[dict[str, Any]]) -> None:
    s = arrow_schema(resource)
    path = layout.parsed_file(year, resource)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pylist([{n: r.get(n) for n in s.names} for r in rows], schema=s), path
    )


def document(letter: str, year: int, **kw: Any) -> dict[str, Any]:
    return {
        "document_id": letter * 16,
        "sha256": letter * 64,
        "file_name": f"synthetic-{letter}.txt",
        "format": "txt",
        "kind": "final_accounts",
        "fiscal_year": year,
        "department_id": DEPT,
        "department_name": NAME,
        "published_unit": "万元",
        "parser_version": "test",
        "status": "parsed",
        "ingested_at": "2024-09-01T00:00:00+00:00",
    } | kw


def grand_total(letter: str, year: int, amount: str) -> dict[str, Any]:
    return {
        "document_id": letter * 16,
        "fiscal_year": year,
        "department_id": DEPT,
        "table_no": "01",
        "side": "income",
        "item": "grand_total",
        "name": "总计",
        "measure": "final",
        "amount_yuan": Decimal(amount),
        "published_unit": "万元",
        "source_ref": "L10",
    }


def coded(letter: str, year: int, code: str, name: str, amount: str) -> dict[str, Any]:
    return grand_total(letter, year, amount) | {
        "table_no": "03",
        "side": None,
        "item": None,
        "code": code,
        "name": name,
        "measure": "total",
        "source_ref": f"L{len(code)}",
    }


def current(layout: Layout) -> dict[str, bool]:
    with connect_read_only(layout.warehouse_path) as con:
        return dict(con.execute("SELECT document_id, is_current FROM documents").fetchall())


def test_the_current_version_by_printed_date_then_ingestion_then_sha(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(
        layout,
        2022,
        "documents",
        [
            # One department and year, three versions: the latest printed date wins, whatever
            # the order of ingestion; a version printing no date ranks after those that do.
            document("a", 2022, document_date="2023-09", ingested_at="2023-09-05T00:00:00+00:00"),
            document("b", 2022, document_date="2023-10", ingested_at="2023-09-01T00:00:00+00:00"),
            document("c", 2022, ingested_at="2024-01-01T00:00:00+00:00"),
            # Quarantined: never current, even if it is the only one of its year.
            document("d", 2021, status="quarantined", department_id=None),
        ],
    )
    write(
        layout,
        2023,
        "documents",
        [
            # No dates: the later ingestion wins; the same instant: the greater sha256.
            document("e", 2023, ingested_at="2024-09-01T00:00:00+00:00"),
            document("f", 2023, ingested_at="2024-09-02T00:00:00+00:00"),
            document("1", 2024, department_name="合成市丙区合成档案局", department_id="x"),
            document("2", 2024, department_name="合成市丙区合成档案局", department_id="x"),
        ],
    )
    build_warehouse(layout)
    flags = current(layout)
    assert {doc[0] for doc, is_current in flags.items() if is_current} == {"b", "f", "2"}
    assert flags["d" * 16] is False
    assert None not in flags.values()


def test_superseded_versions_never_count_twice(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(
        layout,
        2022,
        "documents",
        [
            document("a", 2022, document_date="2023-09"),
            document("b", 2022, document_date="2023-10"),  # the correction
        ],
    )
    write(
        layout,
        2022,
        "line_items",
        [
            grand_total("a", 2022, "1000000.00"),
            grand_total("b", 2022, "1000100.00"),
            coded("a", 2022, "2010301", "行政运行", "1000000.00"),
            coded("b", 2022, "2010301", "行政运行", "1000100.00"),
        ],
    )
    write(layout, 2023, "documents", [document("c", 2023)])
    write(layout, 2023, "line_items", [grand_total("c", 2023, "1500150.00")])
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con:
        panel = con.execute(
            "SELECT fiscal_year, document_id, grand_total_yuan FROM department_years "
            "ORDER BY fiscal_year"
        ).fetchall()
        change = con.execute(
            "SELECT previous_amount_yuan, change_yuan, change_pct, previous_document_id "
            "FROM department_year_changes WHERE fiscal_year = 2023 AND measure = 'grand_total'"
        ).fetchone()
        spent = con.execute(
            "SELECT sum(total_yuan), count(*) FROM functional_expenditure WHERE fiscal_year = 2022"
        ).fetchone()
        codes = con.execute("SELECT documents FROM functional_codes").fetchall()
        items = con.execute("SELECT count(*) FROM line_items").fetchone()
    assert panel == [
        (2022, "b" * 16, Decimal("1000100.00")),
        (2023, "c" * 16, Decimal("1500150.00")),
    ]
    # 500050 / 1000100 = 50.0000 %: exact, from the correction only.
    assert change == (Decimal("1000100.00"), Decimal("500050.00"), Decimal("50.00"), "b" * 16)
    assert spent == (Decimal("1000100.00"), 1)
    assert codes == [(1,)]
    assert items == (5,)  # every version is kept


def test_code_lists_and_names_in_conflict(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    other = "合成市丁区合成测绘局"
    write(
        layout,
        2023,
        "documents",
        [
            document("a", 2023),
            document("b", 2023, department_id=department_id(other), department_name=other),
        ],
    )
    economic = coded("a", 2023, "30201", "办公费", "1.00") | {"table_no": "06", "measure": "final"}
    write(
        layout,
        2023,
        "line_items",
        [
            coded("a", 2023, "201", "一般公共服务支出", "3.00"),
            coded("a", 2023, "2010301", "行政运行", "3.00"),
            coded("b", 2023, "201", "一般公共服务", "5.00"),  # printed otherwise
            coded("b", 2023, "2010301", "行政运行", "5.00"),
            coded("b", 2023, "207", "文化体育与传媒支出", "1.00"),  # an earlier name
            economic,
        ],
    )
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con:
        functional = con.execute(
            "SELECT code, level, name, documents, reference_status FROM functional_codes "
            "ORDER BY code, name"
        ).fetchall()
        conflicts = con.execute(
            "SELECT classification, code, name, names_in_year, documents, example_document_id "
            "FROM code_name_conflicts ORDER BY name"
        ).fetchall()
        econ = con.execute("SELECT code, level, name, documents FROM economic_codes").fetchall()
    assert functional == [
        ("201", "类", "一般公共服务", 1, "unlisted"),
        ("201", "类", "一般公共服务支出", 1, "current"),
        ("2010301", "项", "行政运行", 2, None),
        ("207", "类", "文化体育与传媒支出", 1, "earlier"),
    ]
    assert conflicts == [
        ("functional", "201", "一般公共服务", 2, 1, "b" * 16),
        ("functional", "201", "一般公共服务支出", 2, 1, "a" * 16),
    ]
    assert econ == [("30201", "款", "办公费", 1)]


def test_stated_facts_files_feed_the_panel_and_the_prior_year_check(tmp_path: Path) -> None:
    """Any producer may leave stated facts beside a year's Parquet files."""
    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022)])
    write(layout, 2022, "line_items", [grand_total("a", 2022, "18656000.00")])
    write(layout, 2023, "documents", [document("b", 2023)])
    write(layout, 2023, "line_items", [grand_total("b", 2023, "24135200.00")])
    stated = [
        StatedFact("grand_total", "change", Decimal("5479200"), document_id="b" * 16,
                   source_ref="L328"),
        StatedFact("grand_total", "change", Decimal("5479250"), document_id="b" * 16,
                   source_ref="L329"),  # within 尾差
        StatedFact("grand_total", "change", Decimal("5000000"), document_id="b" * 16,
                   source_ref="L330"),
        StatedFact("agency_operating_expenses", "amount", Decimal("15533900"),
                   department_id=DEPT, fiscal_year=2023, source_ref="L398"),
        StatedFact("general_public_budget_expenditure", "completion_rate", Decimal("79.88"),
                   document_id="b" * 16, source_ref="L354"),
    ]  # fmt: skip
    pq.write_table(arrow_table(stated), layout.parsed_year_dir(2023) / FILE_NAME)
    build_warehouse(layout)
    with connect_read_only(layout.warehouse_path) as con:
        findings = con.execute(
            "SELECT check_id, table_no, row, measure, expected, actual, difference, tolerance, "
            "status, source_ref FROM check_results WHERE check_id = 'prior_year.change' "
            "ORDER BY source_ref"
        ).fetchall()
        passes = con.execute(
            "SELECT source_ref, status FROM v_prior_year_checks ORDER BY source_ref"
        ).fetchall()
        panel = con.execute(
            "SELECT agency_operating_expenses_yuan, budget_completion_pct FROM department_years "
            "WHERE fiscal_year = 2023"
        ).fetchone()
    assert passes == [("L328", "pass"), ("L329", "rounding"), ("L330", "error")]
    expected = Decimal("5479200")
    assert findings == [
        ("prior_year.change", "01", "grand_total", "final", expected, Decimal("5479250"),
         Decimal("50"), Decimal("100"), "rounding", "L329"),
        ("prior_year.change", "01", "grand_total", "final", expected, Decimal("5000000"),
         Decimal("-479200"), Decimal("100"), "error", "L330"),
    ]  # fmt: skip
    assert panel == (Decimal("15533900.00"), Decimal("79.88"))


def test_prior_year_check_of_any_source_on_a_read_only_warehouse(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    write(layout, 2022, "documents", [document("a", 2022)])
    write(layout, 2022, "line_items", [grand_total("a", 2022, "100.00")])
    write(
        layout,
        2023,
        "documents",
        [document("b", 2023), document("c", 2023, document_date="2024-01")],
    )
    write(
        layout,
        2023,
        "line_items",
        [grand_total("b", 2023, "250.00"), grand_total("c", 2023, "300.00")],
    )
    write(layout, 2024, "documents", [document("d", 2024)])
    write(layout, 2024, "line_items", [grand_total("d", 2024, "0.00")])
    build_warehouse(layout)

    def change(value: str, measure: str = "grand_total", **where: Any) -> StatedFact:
        return StatedFact(measure, "change", Decimal(value), **where)

    stated = [
        # By department and year: the current 2023 document (c) is the one stating it.
        change("200.00", department_id=DEPT, fiscal_year=2023),
        # Named document: the superseded b's own amount is compared, 250 - 100.
        change("150.00", document_id="b" * 16),
        change("-300.00", department_id=DEPT, fiscal_year=2024),
        change("1.00", department_id=DEPT, fiscal_year=2022),
        change("1.00", "three_public_final", department_id=DEPT, fiscal_year=2023),
        StatedFact("grand_total", "amount", Decimal("1.00"), department_id=DEPT, fiscal_year=2023),
    ]
    with connect_read_only(layout.warehouse_path) as con:
        results = compare_prior_year(con, stated)
    got = [(r.fiscal_year, r.document_id, r.measure, r.expected_yuan, r.status) for r in results]
    assert got == [
        (2022, "a" * 16, "grand_total", None, "no_previous_year"),
        (2023, "b" * 16, "grand_total", Decimal("150.00"), "pass"),
        (2023, "c" * 16, "grand_total", Decimal("200.00"), "pass"),
        (2023, "c" * 16, "three_public_final", None, "no_amount"),
        (2024, "d" * 16, "grand_total", Decimal("-300.00"), "pass"),
    ]
    assert all(r.holds for r in results if r.status == "pass")
