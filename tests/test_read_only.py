"""Read-only access: `juesuan query` cannot write, attach, install, reach other files or the
environment, whatever SQL it is given; the connection it runs on refuses the same things even
when the statement check is bypassed; and what the other commands take from the command line
(a department name, a version, a folder) never becomes SQL.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_release import warehouse
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.paths import Layout
from juesuan.query import QueryRefused, check_read_only, connect_for_queries

runner = CliRunner()

# (SQL, what the refusal says): refused before anything runs (exit code 2).
REFUSED = [
    ("INSERT INTO checks VALUES ('x', 'y', 'error')", "INSERT statements are refused"),
    ("INSERT OR REPLACE INTO checks VALUES ('x', 'y', 'error')", "INSERT statements"),
    ("UPDATE documents SET status = 'parsed'", "UPDATE statements are refused"),
    ("DELETE FROM documents", "DELETE statements are refused"),
    ("MERGE INTO checks USING checks s ON true WHEN MATCHED THEN DELETE", "MERGE_INTO"),
    ("CREATE TABLE t AS SELECT 1", "CREATE statements are refused"),
    ("CREATE MACRO m() AS 1", "CREATE statements are refused"),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')", "CREATE statements are refused"),
    ("ALTER TABLE documents ADD COLUMN x INT", "ALTER statements are refused"),
    ("COMMENT ON TABLE documents IS 'x'", "ALTER statements are refused"),
    ("DROP TABLE documents", "DROP statements are refused"),
    ("COPY documents TO '{out}/documents.csv'", "COPY statements are refused"),
    ("COPY documents FROM '/etc/hostname'", "COPY statements are refused"),
    ("EXPORT DATABASE '{out}/dump'", "EXPORT statements are refused"),
    ("ATTACH '{out}/other.duckdb' AS other", "ATTACH statements are refused"),
    ("DETACH other", "DETACH statements are refused"),
    ("INSTALL httpfs", "LOAD statements are refused"),
    ("FORCE INSTALL shellfs FROM community", "LOAD statements are refused"),
    ("LOAD httpfs", "LOAD statements are refused"),
    ("UPDATE EXTENSIONS", "this kind of statement is refused"),
    ("PRAGMA enable_profiling", "PRAGMA statements are refused"),
    ("SET enable_external_access = true", "SET statements are refused"),
    ("SET VARIABLE x = 1", "SET statements are refused"),
    ("RESET enable_external_access", "SET statements are refused"),
    ("USE memory", "SET statements are refused"),
    ("CALL pragma_version()", "CALL statements are refused"),
    ("CHECKPOINT", "CALL statements are refused"),
    ("VACUUM", "VACUUM statements are refused"),
    ("BEGIN TRANSACTION", "TRANSACTION statements are refused"),
    ("PREPARE p AS SELECT 1", "PREPARE statements are refused"),
    ("EXPLAIN ANALYZE INSERT INTO checks VALUES ('x', 'y', 'error')", "INSERT statements"),
    ("EXPLAIN ANALYZE COPY documents TO '{out}/d.csv'", "COPY statements are refused"),
    ("SELECT 1; DROP TABLE documents", "one statement at a time, not 2"),
    ("SELECT 1; SELECT 2", "one statement at a time, not 2"),
    ("", "no SQL statement given"),
    ("SELEC 1", "not valid SQL"),
]

# SELECTs that would reach outside the warehouse: they run, and DuckDB refuses (exit code 1).
OUTSIDE = [
    "SELECT * FROM read_csv('/etc/hostname')",
    "SELECT * FROM read_csv('{out}/mine.csv')",
    "SELECT * FROM '{out}/mine.csv'",
    "SELECT * FROM read_parquet('{out}/*.parquet')",
    "SELECT * FROM read_json('/etc/hostname')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM sniff_csv('/etc/hostname')",
    "SELECT * FROM parquet_metadata('{out}/x.parquet')",
    "SELECT * FROM read_csv('https://example.com/x.csv')",
    "SELECT * FROM query('SELECT * FROM read_csv(''/etc/hostname'')')",
    "SELECT * FROM query('CREATE TABLE u AS SELECT 1')",
    "SELECT * FROM iceberg_scan('{out}/x')",  # an extension: neither installed nor loaded
    "SELECT getenv('HOME')",
    "EXPLAIN ANALYZE SELECT * FROM read_csv('/etc/hostname')",
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readonly")
    warehouse(folder)
    (folder / "mine.csv").write_text("secret\n42\n", encoding="utf-8")
    return folder


def _query(base: Path, sql: str):
    return runner.invoke(app, ["query", sql.format(out=base), "--base-dir", str(base)])


@pytest.mark.parametrize(("sql", "why"), REFUSED, ids=[s or "(empty)" for s, _ in REFUSED])
def test_query_refuses_what_is_not_one_read(base: Path, sql: str, why: str) -> None:
    before = Layout.under(base).warehouse_path.read_bytes()
    result = _query(base, sql)
    assert result.exit_code == 2, result.output
    assert why in result.output and "Traceback" not in result.output, result.output
    assert Layout.under(base).warehouse_path.read_bytes() == before
    assert sorted(p.name for p in base.iterdir()) == ["data", "mine.csv", "warehouse"]


@pytest.mark.parametrize("sql", OUTSIDE)
def test_query_cannot_reach_other_files_or_the_environment(base: Path, sql: str) -> None:
    result = _query(base, sql)
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert "secret" not in result.output and str(Path.home()) not in result.output


def test_reads_run_and_print_data_as_data(base: Path) -> None:
    for sql in (
        "SELECT file_name FROM documents",
        "FROM documents SELECT count(*)",
        "WITH d AS (SELECT * FROM documents) SELECT count(*) FROM d",
        "EXPLAIN SELECT * FROM line_items",
        "SELECT 1;",
        "SELECT 1 -- ; DROP TABLE documents",
        "SELECT '[/] [bold]not markup[/bold]' AS \"[/]\"",
    ):
        result = _query(base, sql)
        assert result.exit_code == 0, (sql, result.output)
    assert "[/] [bold]not markup[/bold]" in result.output.replace("\n", "")


def test_the_connection_refuses_even_without_the_statement_check(base: Path) -> None:
    """The second and third locks alone: read-only, no file system, configuration locked."""
    path = Layout.under(base).warehouse_path
    with connect_for_queries(path) as con:
        for sql in (
            "INSERT INTO checks VALUES ('x', 'y', 'error')",
            "CREATE TABLE t AS SELECT 1",
            f"COPY documents TO '{base}/leak.csv'",
            f"ATTACH '{base}/other.duckdb' AS other",
            "SET enable_external_access = true",
            "SET autoload_known_extensions = true",
            "INSTALL httpfs",
            "LOAD httpfs",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(sql)
        assert con.execute("SELECT current_setting('enable_external_access')").fetchone() == (
            False,
        )
    assert not (base / "leak.csv").exists() and not (base / "other.duckdb").exists()


def test_the_statement_check_itself() -> None:
    assert check_read_only("  SELECT 1  ").strip() == "SELECT 1"
    assert check_read_only("EXPLAIN SELECT 1").startswith("EXPLAIN")
    with pytest.raises(QueryRefused, match="ATTACH"):
        check_read_only("EXPLAIN ATTACH 'x.duckdb'")


@pytest.mark.parametrize(
    "name",
    ["'; DROP TABLE departments; --", "%' OR '1'='1", "财政局' UNION SELECT 1 --", "\\'; SELECT 1"],
)
def test_compare_takes_a_name_as_data(base: Path, name: str) -> None:
    """`compare DEPARTMENT` looks the name up with parameters: SQL in it is just a name."""
    before = Layout.under(base).warehouse_path.read_bytes()
    result = runner.invoke(app, ["compare", name, "--base-dir", str(base)])
    assert result.exit_code == 1, result.output
    assert "no department answers to" in result.output and "Traceback" not in result.output
    assert Layout.under(base).warehouse_path.read_bytes() == before


def test_a_release_version_from_the_command_line_is_checked(base: Path) -> None:
    result = runner.invoke(
        app,
        ["publish", "--version", "2026.01.0'; DROP TABLE documents; --", "--base-dir", str(base)],
    )
    assert result.exit_code == 1 and "invalid release version" in result.output
    for version in ("../../escaped", ".hidden", "a/b"):
        result = runner.invoke(app, ["publish", "--version", version, "--base-dir", str(base)])
        assert result.exit_code == 1 and "invalid release version" in result.output, version
    assert not (base.parent / "escaped").exists()
