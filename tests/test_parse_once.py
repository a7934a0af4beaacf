"""Parse once: a document is parsed again only when its bytes or the parser change."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
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


def test_years_parsed_together_write_what_each_year_alone_writes(layout, tmp_path, monkeypatch):
    """parse_years submits the next year's documents before writing this year's files (the
    pool keeps working meanwhile); the files and summaries are those of parse_year."""
    layout, inbox = layout
    text = (inbox / "a.txt").read_text(encoding="utf-8")
    (inbox / "b.txt").write_text(text.replace("2023", "2022"), encoding="utf-8")
    ingest(RawStore(layout.raw_dir), [inbox])
    stored = RawStore(layout.raw_dir).by_year()
    assert sorted(y for y in stored if y) == [2022, 2023]
    alone = Layout.under(tmp_path / "alone")
    shutil.copytree(layout.raw_dir, alone.raw_dir)
    expected = [parse_year.parse_year(alone, year, workers=1) for year in (2022, 2023)]

    events = []
    start, write = parse_year._start, parse_year._write
    monkeypatch.setattr(
        parse_year,
        "_start",
        lambda lay, s, y, d, w: events.append(("start", y)) or start(lay, s, y, d, w),
    )
    monkeypatch.setattr(
        parse_year,
        "_write",
        lambda lay, run: events.append(("write", run.fiscal_year)) or write(lay, run),
    )
    together = list(parse_year.parse_years(layout, {y: stored[y] for y in (2022, 2023)}, workers=1))
    assert events == [("start", 2022), ("start", 2023), ("write", 2022), ("write", 2023)]
    assert [(s.fiscal_year, s.documents, s.line_items, s.parsed_now) for s in together] == [
        (s.fiscal_year, s.documents, s.line_items, s.parsed_now) for s in expected
    ]
    for year in (2022, 2023):
        for name in ("documents", "line_items", "check_results"):
            got, want = (pq.read_table(lay.parsed_file(year, name)) for lay in (layout, alone))
            assert got.num_rows and got.equals(want), (year, name)
    again = list(parse_year.parse_years(layout, {y: stored[y] for y in (2022, 2023)}, workers=1))
    assert [s.unchanged for s in again] == [True, True]


def test_a_worker_parses_without_pandas_and_packs_the_same_bytes(layout):
    """The pool worker's pyarrow is told that pandas is not there (`_arrow_without_pandas`):
    it does not import it, and its Arrow batches are those of a process that has pandas. Nor
    does it import what only writing the files needs (fsspec, Parquet)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    layout, _inbox = layout
    store = RawStore(layout.raw_dir)
    doc = store.all()[0]
    expected = parse_year.parse_stored(store, doc).packed()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        cache = str(layout.cache_dir / "worker")
        task = partial(workers._in_worker, parse_year._parse_one)  # as map_documents runs it
        packed = pool.submit(task, str(store.root), cache, doc).result()
        modules = "[m in __import__('sys').modules for m in ('pandas', 'upath', 'pyarrow.parquet')]"
        imported = pool.submit(eval, modules).result()
    assert imported == [False, False, False]
    assert (packed.document, packed.batches) == (expected.document, expected.batches)
    # not in a process of its own that is no pool worker (a Dagster step's): pandas stays
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        pool.submit(parse_year._parse_one, str(store.root), cache, doc).result()
        assert pool.submit(eval, modules).result()[0] is True


def test_the_cache_makes_its_folders_when_missing(tmp_path):
    """OutcomeCache.put makes a folder only when it is missing (not asked for every time): the
    first put into a folder and the next ones keep what they put, and leave no temporary file."""
    from juesuan.outcome_cache import OutcomeCache

    cache = OutcomeCache(tmp_path / "cache")
    shas = ["ab" + "0" * 62, "ab" + "1" * 62, "cd" + "0" * 62]
    for n, sha in enumerate(shas):
        cache.put(sha, {"n": n})
    cache.put(shas[0], {"n": 9})  # replaced
    assert [cache.get(sha) for sha in shas] == [{"n": 9}, {"n": 1}, {"n": 2}]
    assert sorted(p.name for p in (tmp_path / "cache").rglob(".tmp-*")) == []
