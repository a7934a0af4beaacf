"""Parquet on another filesystem is configuration: the same code writes and reads it there.

fsspec's in-memory filesystem stands in for object storage (s3://, gs://, abfs://)."""

from __future__ import annotations

import shutil
from dataclasses import replace

import duckdb

from juesuan.ingest import ingest
from juesuan.parse_year import parse_year
from juesuan.paths import Layout
from juesuan.rawstore import RawStore
from juesuan.warehouse import build_warehouse


def test_parsed_parquet_on_an_fsspec_filesystem(tmp_path, seed_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_path, inbox)
    layout = replace(Layout.under(tmp_path), parsed_url="memory://juesuan-test/parsed")
    ingest(RawStore(layout.raw_dir), [inbox])
    summary = parse_year(layout, 2023, workers=1)
    assert summary.line_items == 310
    remote = layout.parsed_file(2023, "line_items")
    assert remote.protocol == "memory" and remote.exists()
    assert not (tmp_path / "data" / "parsed").exists()  # nothing written locally
    assert parse_year(layout, 2023, workers=1).unchanged  # the stamp lives there too
    built = build_warehouse(layout)
    assert built.row_counts["line_items"] == 310
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from narrative_facts").fetchone()[0] > 90
