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


def test_an_ingests_uris_are_each_files_own(tmp_path, monkeypatch):
    """`local_uris` (each folder resolved once) gives every file the uri `_local_uri` (the
    file's whole path resolved) gives it: through linked folders, linked files, `..`,
    relative paths, files of the checkout."""
    from pathlib import Path

    from juesuan.paths import SAMPLES_DIR
    from juesuan.rawstore import _local_uri, local_uris

    (tmp_path / "real" / "a" / "b").mkdir(parents=True)
    target = tmp_path / "real" / "a" / "b" / "文件 #1.pdf"
    target.write_bytes(b"%PDF-")
    (tmp_path / "linked").symlink_to(tmp_path / "real" / "a")
    (tmp_path / "real" / "a" / "b" / "link.pdf").symlink_to(target)
    (tmp_path / "real" / "a" / "b" / "up").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "real")
    paths = [
        target, tmp_path / "linked" / "b" / "文件 #1.pdf", tmp_path / "linked" / "b" / "link.pdf",
        tmp_path / "real" / "a" / "b" / ".." / "b" / "文件 #1.pdf", Path("a/b/文件 #1.pdf"),
        tmp_path / "linked" / "b" / "up" / "a" / "b" / "link.pdf", Path("a/b/.."),
        *sorted(SAMPLES_DIR.iterdir()),
    ]  # fmt: skip
    uri = local_uris()
    for path in paths * 2:  # the second time from the folders resolved already
        assert uri(path) == _local_uri(path), path
