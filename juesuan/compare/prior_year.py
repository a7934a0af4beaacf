"""The prior-year check from Python: stated changes of any source against a built warehouse.

The check itself is SQL (warehouse/40_prior_year.sql, the table macro prior_year_comparison);
this module hands it stated changes that are not in the warehouse — a reviewer's reading, another
parser's output, a test — and returns every comparison, passes included. It works on a read-only
connection: the changes are registered as an Arrow relation, nothing is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

import duckdb

from juesuan.checks.identities import Check
from juesuan.compare.stated import StatedFact, arrow_table

CHECK_ID = "prior_year.change"
CHECKS = (
    Check(
        CHECK_ID,
        "A change over the previous year stated in the prose (与上年度相比) equals this year's "
        "amount minus the previous year's, from the current disclosure of the previous year",
        "warning",
    ),
)
_COUNTER = itertools.count()


@dataclass(frozen=True)
class PriorYearCheck:
    """One stated change compared (columns of prior_year_comparison, in yuan)."""

    document_id: str | None
    department_id: str | None
    fiscal_year: int | None
    measure: str
    table_no: str | None
    row: str
    line_measure: str
    current_yuan: Decimal | None
    previous_fiscal_year: int | None
    previous_document_id: str | None
    previous_yuan: Decimal | None
    expected_yuan: Decimal | None
    stated_yuan: Decimal
    difference_yuan: Decimal | None
    tolerance_yuan: Decimal
    source_ref: str | None
    status: str  # pass | rounding | error | no_amount | no_previous_year | no_previous_amount

    @property
    def holds(self) -> bool:
        return self.status in ("pass", "rounding")


def compare_prior_year(
    con: duckdb.DuckDBPyConnection, stated: Iterable[StatedFact]
) -> list[PriorYearCheck]:
    """Compare stated changes (kind `change`) with the warehouse `con` is connected to."""
    changes = [s for s in stated if s.kind == "change"]
    if not changes:
        return []
    name = f"__stated_changes_{next(_COUNTER)}"
    con.register(name, arrow_table(changes))
    try:
        columns = [f.name for f in fields(PriorYearCheck)]
        rows = con.execute(
            f"SELECT {', '.join(columns)} FROM prior_year_comparison('{name}') "
            "ORDER BY department_id, fiscal_year, measure, source_ref"
        ).fetchall()
    finally:
        con.unregister(name)
    return [PriorYearCheck(*row) for row in rows]
