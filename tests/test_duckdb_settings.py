"""Every DuckDB connection of the project is memory-bounded (DuckDB's own default is 80% of RAM,
so a build's memory would grow with the warehouse), and the bound can be set."""

from __future__ import annotations

from juesuan import duckdb_settings


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_connections_are_bounded_by_default_and_by_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("JUESUAN_DUCKDB_MEMORY", raising=False)
    with duckdb_settings.connect() as con:
        assert _limit(con) in ("488.2 MiB", "512.0 MB")  # DuckDB prints 512MB in MiB
        spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        assert spill.endswith("juesuan-duckdb")  # in memory, it can still spill
    monkeypatch.setenv("JUESUAN_DUCKDB_MEMORY", "2GB")
    with duckdb_settings.connect(tmp_path / "w.duckdb") as con:
        assert _limit(con) in ("1.8 GiB", "2.0 GB")


def test_a_bounded_connection_spills_rather_than_fails(monkeypatch):
    monkeypatch.setenv("JUESUAN_DUCKDB_MEMORY", "64MB")
    with duckdb_settings.connect() as con:
        # ~5M rows sorted: more than 64 MB in memory
        count = con.execute(
            "SELECT count(*) FROM (SELECT i, md5(i::VARCHAR) AS h FROM range(5000000) t(i) "
            "ORDER BY h)"
        ).fetchone()[0]
    assert count == 5_000_000


def test_insert_rows_inserts_what_executemany_does(monkeypatch):
    monkeypatch.setattr(duckdb_settings, "_ROWS_PER_INSERT", 3)  # chunks, and a last short one
    rows = [(f"名{i}", None if i % 2 else "x", [f"e{i}"] if i % 3 else [], i) for i in range(7)]
    con = duckdb_settings.connect()
    for table in ("a", "b"):
        con.execute(f"CREATE TABLE {table} (name VARCHAR, note VARCHAR, earlier VARCHAR[], n INT)")
    con.executemany("INSERT INTO a VALUES (?, ?, ?, ?)", rows)
    duckdb_settings.insert_rows(con, "INSERT INTO b", rows)
    duckdb_settings.insert_rows(con, "INSERT INTO b", [])
    assert con.execute("SELECT * FROM b").fetchall() == con.execute("SELECT * FROM a").fetchall()
