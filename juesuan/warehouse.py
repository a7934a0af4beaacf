"""The DuckDB warehouse: rebuilt from the parsed Parquet files, never edited in place.

DuckDB allows one writer at a time and readers (analysts, the release builder) may hold the
file open. So the warehouse is built into a temporary file beside the target and moved into
place with `os.replace`: a crash leaves the previous warehouse intact, and readers keep the file
they opened while new readers see the new one.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from juesuan import duckdb_settings, schema
from juesuan.compare.prepare import prepare_comparisons
from juesuan.compare.reference import load_reference
from juesuan.faults import pause_point
from juesuan.locks import is_stale, owner_tag
from juesuan.paths import (
    DATA_DIR,
    PARSED_RESOURCES,
    REPO_ROOT,
    SCHEMAS_DIR,
    UNIDENTIFIED,
    WAREHOUSE_SQL_DIR,
    Layout,
)
from juesuan.storage import duckdb_path, register

DEPARTMENTS_SQL = "departments.sql"
# The resource with most rows (the amounts of every table): loaded beside all the others.
LARGEST_RESOURCE = "line_items"
_YEAR_DIR = re.compile(r"fiscal_year=(\d{4})")


class WarehouseError(RuntimeError):
    """The warehouse could not be built or opened; the message names the file and what to do."""


class WarehouseMissingError(WarehouseError, FileNotFoundError):
    """No warehouse file where one was expected."""


@dataclass(frozen=True)
class WarehouseSummary:
    """What a build produced: where, how many rows per table, from which fiscal years."""

    path: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    fiscal_years: tuple[int, ...] = ()


def parsed_files(layout: Layout) -> dict[str, list[tuple[int, Path]]]:
    """Parquet files per parsed resource, as (fiscal year, path), ordered by year.

    A year folder may lack a resource's file (a year with no documents yet, a partial run):
    that year simply contributes no rows to it.
    """
    found: dict[str, list[tuple[int, Path]]] = {name: [] for name in PARSED_RESOURCES}
    if not layout.parsed_dir.is_dir():
        return found
    for year_dir in sorted(layout.parsed_dir.iterdir()):
        m = _YEAR_DIR.fullmatch(year_dir.name)
        if not year_dir.is_dir() or not (m or year_dir.name == UNIDENTIFIED):
            continue
        for name in PARSED_RESOURCES:
            path = year_dir / f"{name}.parquet"
            if path.is_file():
                found[name].append((int(m[1]) if m else 0, path))
    return found


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_sql(name: str, files: str) -> str:
    """INSERT of the schema's columns of `name` from `files` (a SQL path or list of paths)."""
    columns = ", ".join(schema.quote_ident(c) for c in schema.resource(name).field_names)
    return (
        f"INSERT INTO {schema.quote_ident(name)} BY NAME SELECT {columns} "
        f"FROM read_parquet({files}, hive_partitioning = false)"
    )


def _load_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    """Insert one Parquet file by name, reading exactly the schema's columns.

    The explicit column list makes a file missing a column fail loudly (naming the file), and
    ignores any extra columns a newer parser might add before the schema knows of them.
    """
    try:
        con.execute(_insert_sql(name, _sql_literal(duckdb_path(path))))
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot load {path} into {name}: {exc}") from exc


def _load_resource(con: duckdb.DuckDBPyConnection, name: str, paths: list[Path]) -> None:
    """Insert every Parquet file of a resource in one statement, which DuckDB reads in
    parallel (a statement per file took twice as long); where that fails, file by file (a
    failed statement inserts nothing), so that a file that cannot be loaded is named."""
    if not paths:
        return
    listed = "[" + ", ".join(_sql_literal(duckdb_path(path)) for path in paths) + "]"
    try:
        con.execute(_insert_sql(name, listed))
    except duckdb.Error:  # files that differ (an older parser's): one by one, as they are
        for path in paths:
            _load_parquet(con, name, path)


def _load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Code lists that come from the library, not from documents: the catalogue of checks."""
    from juesuan.checks.catalogue import ALL_CHECKS

    duckdb_settings.insert_rows(
        con,
        "INSERT INTO checks (check_id, description, severity)",
        [(c.id, c.description, c.severity) for c in ALL_CHECKS],
    )


def _load(con: duckdb.DuckDBPyConnection, files: dict[str, list[tuple[int, Path]]]) -> None:
    """The parsed files, and the reference data that needs none of them, both cores busy.

    DuckDB's insert that keeps the files' row order gained no time from a second thread on
    line_items (the largest resource by far) and spent 40% more CPU; the rest is many small
    statements on one thread. So DuckDB runs on one thread here, and line_items is loaded
    on a second connection, in a thread of its own, beside everything else: each core does
    half. Resources are loaded statement by statement, not in a transaction: a failed one
    inserts nothing, and the resource is loaded again file by file (_load_resource).
    """
    con.execute("SET threads = 1")
    beside = con.cursor()
    try:
        with ThreadPoolExecutor(1) as thread:
            largest = thread.submit(
                _load_resource, beside, LARGEST_RESOURCE, [p for _, p in files[LARGEST_RESOURCE]]
            )
            for name in PARSED_RESOURCES:
                if name != LARGEST_RESOURCE:
                    _load_resource(con, name, [path for _, path in files[name]])
            with _transaction(con):
                _load_reference(con)
                load_reference(con)
            largest.result()
    finally:
        beside.close()
    con.execute("RESET threads")  # the SQL that follows reads all rows: every core


def _run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        con.execute(path.read_text(encoding="utf-8"))
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: {exc}") from exc


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Statements run as one transaction: each statement on its own commits, and a commit
    writes and syncs the file's log (the schemas' DDL alone is some 360 statements: 0.7 s of
    waiting for the disk). The file is private until renamed into place, so committing once
    loses nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):  # the error that stopped it is the one to report
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _remove_stale_builds(target: Path) -> None:
    """Remove the temporary files of builds that died (killed before their rename): a build's
    file is named by its host and process, and a file whose process is gone is nobody's."""
    for path in target.parent.glob(f"{target.name}.*.tmp*"):
        tag = path.name[len(target.name) + 1 :].rsplit(".tmp", 1)[0]
        if is_stale(tag):
            _remove(path)


def inputs_fingerprint(layout: Layout, sql_dir: Path = WAREHOUSE_SQL_DIR) -> str:
    """What the warehouse is built from: every parsed year's inputs (documents and parser key,
    juesuan/parse_year.py writes them), the unidentified documents, the schemas, the SQL and the
    reference data. The same fingerprint means the same warehouse: a rebuild can be skipped."""
    digest = hashlib.sha256()
    parts = (
        sorted(layout.parsed_dir.glob("fiscal_year=*/_inputs.json"))
        if layout.parsed_dir.is_dir()
        else []
    )
    unidentified = layout.unidentified_dir / "documents.parquet"
    parts += [unidentified] if unidentified.exists() else []
    parts += sorted(SCHEMAS_DIR.glob("*.yaml")) + sorted(sql_dir.glob("*.sql"))
    parts += sorted(DATA_DIR.glob("*.csv")) + sorted(
        (REPO_ROOT / "juesuan" / "compare").glob("*.csv")
    )
    for path in parts:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint_file(layout: Layout) -> Path:
    return layout.warehouse_path.with_name(layout.warehouse_path.name + ".inputs")


def is_current(layout: Layout) -> bool:
    """The warehouse exists and was built from exactly the inputs there are now."""
    marker = fingerprint_file(layout)
    return (
        layout.warehouse_path.exists()
        and marker.exists()
        and marker.read_text().strip() == inputs_fingerprint(layout)
    )


def count_rows(path: Path) -> dict[str, int]:
    with connect_read_only(path) as con:
        return {
            r.name: con.execute(f"SELECT count(*) FROM {schema.quote_ident(r.name)}").fetchone()[0]
            for r in schema.resources()
        }


def build_warehouse(layout: Layout, sql_dir: Path = WAREHOUSE_SQL_DIR) -> WarehouseSummary:
    """Build the warehouse from every Parquet file under `layout.parsed_dir`, atomically.

    Tables come from the schemas' DDL; the department registry and the inputs of the comparison
    tables are prepared (juesuan.compare); `departments` is derived by `departments.sql`; every
    other `*.sql` file of `sql_dir` (current versions, code lists, panel, views) runs afterwards
    in name order. With no Parquet files at all the tables exist and are empty, so readers and
    releases always find the same shape.
    """
    target = layout.warehouse_path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{owner_tag()}.tmp")
    _remove(tmp)
    _remove(tmp.with_name(tmp.name + ".wal"))
    _remove_stale_builds(target)
    files = parsed_files(layout)
    try:
        con = duckdb_settings.connect(tmp)
        try:
            with _transaction(con):
                con.execute(schema.ddl())
            register(con, [path for entries in files.values() for _, path in entries])
            _load(con, files)
            with _transaction(con):
                # Cross-year: department ids resolved again, stated facts.
                prepare_comparisons(con, layout)
                _run_sql_file(con, sql_dir / DEPARTMENTS_SQL)
                for path in sorted(sql_dir.glob("*.sql")):
                    if path.name != DEPARTMENTS_SQL:
                        _run_sql_file(con, path)
            row_counts = {
                r.name: con.execute(
                    f"SELECT count(*) FROM {schema.quote_ident(r.name)}"
                ).fetchone()[0]
                for r in schema.resources()
            }
            con.execute("CHECKPOINT")
        finally:
            con.close()
        pause_point("warehouse")
        # A WAL left by a crashed writer of the old file would be replayed onto the new one.
        _remove(target.with_name(target.name + ".wal"))
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        _remove(tmp.with_name(tmp.name + ".wal"))
        raise
    years = sorted({year for entries in files.values() for year, _ in entries if year})
    fingerprint_file(layout).write_text(inputs_fingerprint(layout, sql_dir))
    return WarehouseSummary(path=target, row_counts=row_counts, fiscal_years=tuple(years))


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading; a missing file says how to create it."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissingError(f"no warehouse at {path}: build it first with `juesuan build`")
    try:
        return duckdb_settings.connect(path, read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open the warehouse {path} read-only: {exc}") from exc
