"""Read-only SQL on the warehouse, for `juesuan query`.

Three locks, each enough alone for its own danger: the statement is parsed by DuckDB itself
(`duckdb.extract_statements`) and must be exactly one SELECT (or EXPLAIN of one), so COPY, ATTACH,
INSTALL/LOAD, EXPORT, PRAGMA, SET and every write are refused before they run; the warehouse is
opened read-only, so a write that slipped through would fail; and external access is disabled
with the configuration locked, so no file beyond the warehouse can be read or written (no
`read_csv('/etc/…')`, no `COPY … TO`), no extension installed or loaded, nor the setting undone
by the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from juesuan import duckdb_settings
from juesuan.warehouse import WarehouseError, WarehouseMissingError

ALLOWED = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
_EXPLAIN = re.compile(r"^\s*EXPLAIN(?:\s+ANALY[SZ]E)?(?:\s*\([^)]*\))?\s+", re.IGNORECASE)


class QueryRefused(ValueError):
    """The SQL is not one read-only statement; the message says what was refused."""


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def check_read_only(sql: str) -> str:
    """The single statement of `sql` if it only reads; QueryRefused otherwise."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"not valid SQL: {exc}") from exc
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"one statement at a time, not {len(statements)}")
    statement = statements[0]
    try:
        kind = statement.type
    except ValueError:  # a statement type newer than the Python binding knows (UPDATE EXTENSIONS)
        raise QueryRefused("this kind of statement is refused: only SELECT runs here") from None
    if kind not in ALLOWED:
        raise QueryRefused(f"{kind.name} statements are refused: the warehouse is read-only here")
    if kind == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs its statement: what it explains must itself be a SELECT.
        inner = _EXPLAIN.sub("", statement.query, count=1)
        if inner != statement.query and inner.strip():
            check_read_only(inner)
    return statement.query


def connect_for_queries(path: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, with no access to any other file."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissingError(f"no warehouse at {path}: build it first with `juesuan build`")
    try:
        return duckdb_settings.connect(
            path,
            read_only=True,
            enable_external_access=False,
            autoinstall_known_extensions=False,
            autoload_known_extensions=False,
            allow_community_extensions=False,
            lock_configuration=True,
        )
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open the warehouse {path} read-only: {exc}") from exc


def run_query(path: Path, sql: str) -> QueryResult:
    """Run one read-only statement on the warehouse at `path` and return all its rows."""
    statement = check_read_only(sql)
    with connect_for_queries(path) as con:
        cursor = con.execute(statement)
        columns = tuple(d[0] for d in cursor.description or ())
        return QueryResult(columns, cursor.fetchall())
