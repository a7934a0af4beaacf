"""Parse once: a document is parsed again only when its bytes or the parser change."""

from __future__ import annotations

import shutil

import pytest

import juesuan.parse_year as parse_year
from juesuan import workers
from juesuan.ingest import ingest
from juesuan.paths import Layout
from juesuan.rawstore import RawStore


@pytest.fixture
def layout(tmp_path, seed_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_path, inbox / "a.txt")
    layout = Layout.under(tmp_path)
    ingest(RawStore(layout.raw_dir), [inbox])
    return layout, inbox


def test_a_second_run_with_nothing_new_reads_and_writes_nothing(layout):
    layout, _inbox = layout
    first = parse_year.parse_year(layout, 2023, workers=1)
    assert (first.unchanged, first.parsed_now, first.line_items) == (False, 1, 310)
    written = layout.parsed_file(2023, "line_items").stat().st_mtime_ns
    second = parse_year.parse_year(layout, 2023, workers=1)
    assert (second.unchanged, second.parsed_now) == (True, 0)
    assert layout.parsed_file(2023, "line_items").stat().st_mtime_ns == written


def test_a_new_document_parses_only_itself(layout, monkeypatch):
    layout, inbox = layout
    parse_year.parse_year(layout, 2023, workers=1)
    # A corrected re-publication: other bytes, same department and year.
    text = (inbox / "a.txt").read_text(encoding="utf-8").replace("2,084.48", "2,084.49", 1)
    (inbox / "b.txt").write_text(text, encoding="utf-8")
    ingest(RawStore(layout.raw_dir), [inbox])
    parsed = []
    original = parse_year.parse_stored
    monkeypatch.setattr(
        parse_year, "parse_stored", lambda s, d: parsed.append(d.file_name) or original(s, d)
    )
    summary = parse_year.parse_year(layout, 2023, workers=1)
    assert parsed == ["b.txt"]
    assert (summary.documents, summary.parsed_now, summary.unchanged) == (2, 1, False)


def test_a_new_parser_version_parses_again(layout, monkeypatch):
    layout, _inbox = layout
    parse_year.parse_year(layout, 2023, workers=1)
    monkeypatch.setattr(parse_year, "PARSER_VERSION", "999")
    summary = parse_year.parse_year(layout, 2023, workers=1)
    assert (summary.unchanged, summary.parsed_now) == (False, 1)


def test_a_process_pool_gives_the_same_rows(layout, tmp_path):
    layout, inbox = layout
    for n in range(workers.MIN_POOL_DOCUMENTS - 1):  # enough for the worker processes
        text = (inbox / "a.txt").read_text(encoding="utf-8")
        (inbox / f"copy{n}.txt").write_text(text + f"\n{n}\n", encoding="utf-8")
    ingest(RawStore(layout.raw_dir), [inbox])
    summary = parse_year.parse_year(layout, 2023, workers=2)
    count = workers.MIN_POOL_DOCUMENTS
    assert (summary.documents, summary.parsed_now, summary.line_items) == (
        count,
        count,
        count * 310,
    )
