"""Reference tables the comparison SQL joins: function classes, panel measures, stated subjects.

They are rules as data (CSV beside this module, or the parser's function_classes.csv), loaded
into the warehouse as `ref_*` tables so that the SQL of warehouse/ reads them like any table and
an analyst can see the rules the numbers were built with.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb

from juesuan.duckdb_settings import insert_rows
from juesuan.paths import DATA_DIR
from juesuan.textnorm import printed_name

FUNCTION_CLASSES_FILE = DATA_DIR / "function_classes.csv"


@dataclass(frozen=True)
class PanelMeasure:
    """A column of the department × year panel and the printed amount it is read from.

    `table_no` empty: the measure is stated in the prose only (机关运行经费), read from the
    stated facts.
    """

    measure: str
    title: str
    table_no: str | None
    side: str | None
    item: str | None
    line_measure: str | None


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("juesuan.compare").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def panel_measures() -> tuple[PanelMeasure, ...]:
    return tuple(
        PanelMeasure(
            r["measure"],
            r["title"],
            r["table_no"] or None,
            r["side"] or None,
            r["item"] or None,
            r["line_measure"] or None,
        )
        for r in _rows("panel_measures.csv")
    )


@cache
def stated_subjects() -> dict[str, str]:
    """Subject as the prose states it (narrative_facts.subject) → panel measure."""
    return {r["subject"]: r["measure"] for r in _rows("stated_subjects.csv")}


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Create and fill the ref_* tables (replacing any of a previous run)."""
    con.execute(
        "CREATE OR REPLACE TABLE ref_panel_measures (measure VARCHAR PRIMARY KEY, "
        "title VARCHAR, table_no VARCHAR, side VARCHAR, item VARCHAR, line_measure VARCHAR, "
        "position INTEGER)"
    )
    insert_rows(
        con,
        "INSERT INTO ref_panel_measures",
        [
            (m.measure, m.title, m.table_no, m.side, m.item, m.line_measure, n)
            for n, m in enumerate(panel_measures(), start=1)
        ],
    )
    con.execute(
        "CREATE OR REPLACE TABLE ref_stated_subjects (subject VARCHAR PRIMARY KEY, measure VARCHAR)"
    )
    insert_rows(con, "INSERT INTO ref_stated_subjects", sorted(stated_subjects().items()))
    con.execute(
        "CREATE OR REPLACE TABLE ref_function_classes (code VARCHAR PRIMARY KEY, "
        "name VARCHAR, earlier_names VARCHAR[])"
    )
    with FUNCTION_CLASSES_FILE.open(encoding="utf-8", newline="") as handle:
        classes = [
            (
                row["code"],
                printed_name(row["name"]),
                [printed_name(n) for n in row["earlier_names"].split(";") if n.strip()],
            )
            for row in csv.DictReader(handle)
        ]
    insert_rows(con, "INSERT INTO ref_function_classes", classes)
    for table, what in (
        ("ref_panel_measures", "Columns of department_years and the printed amount of each"),
        ("ref_stated_subjects", "Subjects of the prose (narrative_facts) read as panel measures"),
        ("ref_function_classes", "Functional classes (类) with their current and earlier names"),
    ):
        con.execute(f"COMMENT ON TABLE {table} IS '{what}'")
