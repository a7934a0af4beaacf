"""DuckDB connections with the project's resource settings.

DuckDB's default memory limit is 80% of the machine's RAM: left alone, a build's memory grows
with the warehouse. Bounded, DuckDB spills to disk instead, so the memory of loading, checking
and publishing stays flat however many documents there are. `JUESUAN_DUCKDB_MEMORY` sets the
bound (a DuckDB size: `512MB`, `4GB`); in-memory databases spill to the system's temporary
folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

DEFAULT_MEMORY_LIMIT = "512MB"


def memory_limit(default: str = DEFAULT_MEMORY_LIMIT) -> str:
    """The operator's bound (`JUESUAN_DUCKDB_MEMORY`), else `default`."""
    return os.environ.get("JUESUAN_DUCKDB_MEMORY") or default


def settings(database: str = ":memory:") -> dict[str, Any]:
    config: dict[str, Any] = {"memory_limit": memory_limit()}
    if database == ":memory:":  # a file database spills next to itself
        config["temp_directory"] = str(Path(tempfile.gettempdir()) / "juesuan-duckdb")
    return config


def connect(
    database: str | Path = ":memory:", read_only: bool = False, **config: Any
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` with the memory bound; `config` adds or overrides settings."""
    database = str(database)
    return duckdb.connect(database, read_only=read_only, config={**settings(database), **config})


# Rows per INSERT of `insert_rows`: statements stay small however many rows there are.
_ROWS_PER_INSERT = 500


def insert_rows(con: duckdb.DuckDBPyConnection, insert: str, rows: Sequence[Sequence[Any]]) -> None:
    """`con.executemany(insert + " VALUES (?, …)", rows)`, as a few statements of many rows:
    executemany runs one statement per row (about half a millisecond each). `insert` is the
    statement up to VALUES (`INSERT INTO t` or `INSERT INTO t (a, b)`)."""
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        row = "(" + ", ".join("?" * len(chunk[0])) + ")"
        con.execute(
            f"{insert} VALUES {', '.join([row] * len(chunk))}",
            [value for values in chunk for value in values],
        )
