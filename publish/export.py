"""The data files of a release: per resource a CSV, a Parquet file and an Excel-friendly CSV.

Every file is written from one snapshot of the warehouse (the copy shipped in the release), so the
CSVs, the Parquet files and the DuckDB file always hold the same rows. Rows are ordered by primary
key with every other field breaking ties, so the same warehouse gives the same bytes.

- CSV (`<name>.csv`): UTF-8 without BOM, the Frictionless resource; DECIMAL prints as plain
  digits with its places (24135200.00), NULL is an empty field.
- Parquet (`parquet/<name>.parquet`): zstd-compressed, types from the schema (amounts are
  DECIMAL(18,2), never floats), for pandas, R (arrow), DuckDB, Spark. Written first, sorted;
  the CSV is written from it, so a resource is sorted once.
- Excel (`excel/<name>.csv`): the same bytes behind a UTF-8 byte-order mark. Excel decodes a CSV
  without BOM in the machine's legacy code page (GBK on Chinese Windows, cp1252 elsewhere) and
  garbles every Chinese character; with the BOM it reads UTF-8. The Frictionless CSV stays without
  BOM because most other tools would take the BOM for part of the first column name.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from juesuan import schema

UTF8_BOM = b"\xef\xbb\xbf"
WAREHOUSE_FILE = "juesuan.duckdb"
PARQUET_DIR = "parquet"
EXCEL_DIR = "excel"


@dataclass(frozen=True)
class ResourceFiles:
    """The files written for one resource, relative to the release folder, and its row count."""

    name: str
    rows: int
    csv: str
    parquet: str
    excel: str


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _select(r: schema.ResourceSchema) -> str:
    columns = ", ".join(schema.quote_ident(c) for c in r.field_names)
    return f"SELECT {columns} FROM {schema.quote_ident(r.name)} ORDER BY {schema.export_order(r)}"


def copy_warehouse(source: Path, folder: Path) -> Path:
    """Copy the warehouse file into the release; the copy is the snapshot everything reads.

    The warehouse is replaced by rename, never written in place, so copying the file that is there
    now gives a consistent database even while a new one is being built.
    """
    target = folder / WAREHOUSE_FILE
    shutil.copyfile(source, target)
    return target


def _columns(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[str, str]]:
    """The names and types of a query's columns (nothing is read)."""
    return [(str(d[0]), str(d[1])) for d in con.execute(f"DESCRIBE {query}").fetchall()]


def export_resource(
    con: duckdb.DuckDBPyConnection, r: schema.ResourceSchema, folder: Path
) -> ResourceFiles:
    """Write the Parquet, CSV and Excel CSV of one resource; returns their paths and rows.

    The rows are sorted once, into the Parquet file; the CSV is then written from that file,
    which keeps the sorted order and, when every column's type survives Parquet unchanged (the
    schema's types all do), the same values: the same bytes as from the table, without a
    second sort. A type Parquet would change falls back to sorting the table again.
    """
    files = ResourceFiles(
        name=r.name,
        rows=0,
        csv=f"{r.name}.csv",
        parquet=f"{PARQUET_DIR}/{r.name}.parquet",
        excel=f"{EXCEL_DIR}/{r.name}.csv",
    )
    for sub in (PARQUET_DIR, EXCEL_DIR):
        (folder / sub).mkdir(exist_ok=True)
    query = _select(r)
    (rows,) = con.execute(
        f"COPY ({query}) TO {_literal(folder / files.parquet)} (FORMAT parquet, COMPRESSION zstd)"
    ).fetchone()
    sorted_rows = f"SELECT * FROM read_parquet({_literal(folder / files.parquet)})"
    if _columns(con, sorted_rows) != _columns(con, query):
        sorted_rows = query
    (written,) = con.execute(
        f"COPY ({sorted_rows}) TO {_literal(folder / files.csv)} "
        "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '')"
    ).fetchone()
    if written != rows:  # never expected: the snapshot is read-only
        raise RuntimeError(f"{r.name}: {rows} rows in Parquet, {written} in the CSV")
    with (folder / files.excel).open("wb") as out, (folder / files.csv).open("rb") as src:
        out.write(UTF8_BOM)
        shutil.copyfileobj(src, out, 1 << 20)
    return ResourceFiles(r.name, int(rows), files.csv, files.parquet, files.excel)


def export_all(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    written: Callable[[ResourceFiles], None] | None = None,
) -> list[ResourceFiles]:
    """Every resource of the schemas, in publication order; `written` is told of each."""
    files = []
    for r in schema.resources():
        files.append(export_resource(con, r, folder))
        if written is not None:
            written(files[-1])
    return files
