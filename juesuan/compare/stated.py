"""Numbers a disclosure states in its prose that the comparison tables need: the input contract.

Some panel measures are printed in no table (机关运行经费, the budget completion rate) and the
prior-year check compares a stated change ("与上年度相比，增加 547.92 万元") with the tables of
two years. Whoever reads the prose delivers those numbers as rows of `stated_facts`:

| column | meaning |
|---|---|
| document_id | the document stating it (empty: the current document of department and year) |
| department_id, fiscal_year | whose and which year (taken from the document when it is given) |
| measure | a panel measure (compare/panel_measures.csv) |
| kind | `amount` (元), `change` over the previous year (元, signed), `completion_rate` (%) |
| value | the number, in 元 for money, in percent for a rate |
| published_unit | the unit it was printed in (万元 / 元): sets the rounding tolerance |
| source_ref, source | where it was printed, and which source delivered it |

Two sources are read when the warehouse is built: `stated_facts.parquet` files in the year
folders of the parsed data (any producer may write them), and the `narrative_facts` resource when
it holds rows, its subjects mapped to measures by compare/stated_subjects.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pyarrow as pa

from juesuan.paths import Layout
from juesuan.storage import duckdb_path, register

KINDS = ("amount", "change", "completion_rate")
FILE_NAME = "stated_facts.parquet"

COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("document_id", "VARCHAR", pa.string()),
    ("department_id", "VARCHAR", pa.string()),
    ("fiscal_year", "BIGINT", pa.int64()),
    ("measure", "VARCHAR NOT NULL", pa.string()),
    ("kind", "VARCHAR NOT NULL", pa.string()),
    ("value", "DECIMAL(24,4) NOT NULL", pa.decimal128(24, 4)),
    ("published_unit", "VARCHAR", pa.string()),
    ("source_ref", "VARCHAR", pa.string()),
    ("source", "VARCHAR", pa.string()),
)
ARROW_SCHEMA = pa.schema([pa.field(name, arrow) for name, _, arrow in COLUMNS])


@dataclass(frozen=True)
class StatedFact:
    """One stated number, from any source (see the module docstring for the fields)."""

    measure: str
    kind: str
    value: Decimal
    department_id: str | None = None
    fiscal_year: int | None = None
    document_id: str | None = None
    published_unit: str | None = "万元"
    source_ref: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r}: expected one of {', '.join(KINDS)}")
        if self.document_id is None and (self.department_id is None or not self.fiscal_year):
            raise ValueError("a stated fact needs its document_id, or department_id and year")


def arrow_table(facts: list[StatedFact]) -> pa.Table:
    """Stated facts as an Arrow table of the contract's columns (to register or to write)."""
    rows = [{name: getattr(f, name) for name, _, _ in COLUMNS} for f in facts]
    return pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)


def create_table(con: duckdb.DuckDBPyConnection) -> None:
    columns = ",\n    ".join(f"{name} {sql}" for name, sql, _ in COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE stated_facts (\n    {columns}\n)")
    con.execute(
        "COMMENT ON TABLE stated_facts IS 'Numbers stated in the prose that the panel and the "
        "prior-year check use (juesuan/compare/stated.py)'"
    )


def _load_files(con: duckdb.DuckDBPyConnection, layout: Layout) -> int:
    files = sorted(layout.parsed_dir.glob(f"fiscal_year=*/{FILE_NAME}"))
    names = ", ".join(name for name, _, _ in COLUMNS)
    register(con, files)
    for path in files:
        literal = "'" + duckdb_path(path).replace("'", "''") + "'"
        con.execute(
            f"INSERT INTO stated_facts BY NAME SELECT {names} "
            f"FROM read_parquet({literal}, hive_partitioning = false)"
        )
    return len(files)


# What narrative_facts must hold for its rows to be read (its schema as of issue 5).
_NARRATIVE_COLUMNS = {"document_id", "fiscal_year", "subject", "measure", "value", "unit"}
_FROM_NARRATIVE = """
INSERT INTO stated_facts BY NAME
WITH read AS (
    SELECT
        f.document_id,
        f.fiscal_year,
        s.measure,
        CASE f.measure
            WHEN 'change_amount' THEN 'change'
            WHEN 'completion_rate' THEN 'completion_rate'
            ELSE 'amount'
        END AS kind,
        f.value,
        CASE WHEN f.unit = '%' THEN NULL
             WHEN {printed} LIKE '%万元%' THEN '万元'
             WHEN {printed} LIKE '%元%' THEN '元'
             ELSE '万元' END AS published_unit,
        {source_ref} AS source_ref,
        'narrative_facts' AS source,
        m.table_no
    FROM narrative_facts AS f
    JOIN ref_stated_subjects AS s ON s.subject = f.subject
    JOIN ref_panel_measures AS m ON m.measure = s.measure
    WHERE (f.measure = 'change_amount' AND f.unit = '元')
       OR (f.measure IN ('amount', 'total', 'final') AND f.unit = '元')
       OR (f.measure = 'completion_rate' AND f.unit = '%')
)
SELECT * EXCLUDE (table_no) FROM read
-- Amounts only where no table prints them; the budget completion rate of the whole
-- general public budget expenditure, not of one item.
WHERE kind = 'change'
   OR (kind = 'amount' AND table_no IS NULL)
   OR (kind = 'completion_rate' AND measure = 'general_public_budget_expenditure')
"""


def _load_narrative(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND table_name = 'narrative_facts'"
    ).fetchall()
    columns = {r[0] for r in rows}
    if not _NARRATIVE_COLUMNS.issubset(columns):
        return 0
    before = con.execute("SELECT count(*) FROM stated_facts").fetchone()[0]
    con.execute(
        _FROM_NARRATIVE.format(
            printed="f.printed" if "printed" in columns else "''",
            source_ref="f.source_ref" if "source_ref" in columns else "NULL",
        )
    )
    return con.execute("SELECT count(*) FROM stated_facts").fetchone()[0] - before


def load_stated_facts(con: duckdb.DuckDBPyConnection, layout: Layout) -> int:
    """Create stated_facts from every source; department and year follow the document."""
    create_table(con)
    _load_files(con, layout)
    _load_narrative(con)
    con.execute(
        "UPDATE stated_facts SET department_id = d.department_id, fiscal_year = d.fiscal_year "
        "FROM documents d WHERE d.document_id = stated_facts.document_id"
    )
    return con.execute("SELECT count(*) FROM stated_facts").fetchone()[0]
