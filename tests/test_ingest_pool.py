"""Ingest identifies new documents in the worker pool, in batches: the same records as one after
the other, the same bytes twice are one document, and each batch is saved before the next."""

from __future__ import annotations

import shutil

import pytest

from juesuan import ingest as ingest_module
from juesuan import workers
from juesuan.ingest import ingest
from juesuan.parse.metadata import COVER_ROWS, read_cover
from juesuan.paths import SAMPLES_DIR
from juesuan.rawstore import RawStore


@pytest.fixture
def inbox(tmp_path, seed_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text = seed_path.read_text(encoding="utf-8")
    for n in range(workers.MIN_POOL_DOCUMENTS):  # enough for the worker processes
        (inbox / f"seed-{n}.txt").write_text(text + f"\n{n}\n", encoding="utf-8")
    shutil.copy(seed_path, inbox / "seed-again.txt")  # the bytes of no other file…
    shutil.copy(seed_path, inbox / "seed-same-bytes.txt")  # …but of this one
    for pdf in sorted(SAMPLES_DIR.glob("*.pdf")):  # a final account, a template, a budget
        shutil.copy(pdf, inbox / pdf.name)
    return inbox


def _records(store: RawStore) -> dict[str, tuple]:
    return {
        d.file_name: (d.sha256, d.kind, d.fiscal_year, d.department_name, d.problem, d.other_names)
        for d in store.all()
    }


def test_pooled_ingest_records_what_one_after_the_other_does(inbox, tmp_path, monkeypatch):
    # A batch for the pool, then one too small for it (identified in this process).
    monkeypatch.setattr(ingest_module, "IDENTIFY_BATCH", workers.MIN_POOL_DOCUMENTS)
    pooled = RawStore(tmp_path / "pooled")
    summary = ingest(pooled, [inbox])
    alone = RawStore(tmp_path / "alone")
    serial = ingest_module.ingest_files(alone, ingest_module.iter_source_files([inbox]), workers=1)
    assert _records(pooled) == _records(alone)
    records = _records(pooled)
    total = workers.MIN_POOL_DOCUMENTS + 1 + 3
    assert len(records) == total  # the same bytes twice: one document…
    assert records["seed-again.txt"][-1] == ("seed-same-bytes.txt",)  # …with both names
    assert len(summary.added) == len(serial.added) == total
    assert {d.file_name for d in summary.known} == {"seed-again.txt"}
    kinds = {name: r[1] for name, r in records.items()}
    assert kinds["jiangsu-high-court-2018-budget.pdf"] == "budget"
    assert kinds["putuo-template-2024-final-accounts.pdf"] == "template"
    assert kinds["putuo-finance-bureau-2024-final-accounts.pdf"] == "final_accounts"
    assert {r[2] for n, r in records.items() if n.startswith("seed")} == {2023}


def test_a_stopped_ingest_keeps_the_batches_it_saved(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "IDENTIFY_BATCH", 4)
    calls = []
    real = ingest_module._identify_one

    def identify_then_stop(root, doc):
        calls.append(doc.file_name)
        if len(calls) > 4:
            raise KeyboardInterrupt  # stopped during the second batch
        return real(root, doc)

    monkeypatch.setattr(ingest_module, "_identify_one", identify_then_stop)
    store = RawStore(tmp_path / "raw")
    with pytest.raises(KeyboardInterrupt):
        ingest_module.ingest_files(store, ingest_module.iter_source_files([inbox]), workers=1)
    assert len(store.all()) == 4  # the first batch, complete
    monkeypatch.setattr(ingest_module, "_identify_one", real)
    again = ingest(store, [inbox])
    total = workers.MIN_POOL_DOCUMENTS + 1 + 3
    assert len(store.all()) == total
    assert (len(again.known), len(again.added)) == (4 + 1, total - 4)  # 1: the same bytes again


def test_by_year_reads_the_records_once_and_keeps_their_order(inbox, tmp_path, monkeypatch):
    store = RawStore(tmp_path / "raw")
    ingest_module.ingest_files(store, ingest_module.iter_source_files([inbox]), workers=1)
    reads = []
    real = RawStore.all
    monkeypatch.setattr(RawStore, "all", lambda self: reads.append(1) or real(self))
    by_year = store.by_year()
    assert len(reads) == 1
    assert sorted(by_year, key=str) == sorted({d.fiscal_year for d in real(store)}, key=str)
    assert len(by_year) >= 2  # 2023 (the seed), 2024 (Putuo)…
    for year, docs in by_year.items():
        assert docs == [d for d in real(store) if d.fiscal_year == year]  # all()'s order


@pytest.mark.parametrize(
    ("pages", "read"),
    [
        ([["2023 年度", "某市财政局", "部门决算", "二〇二四年五月"], ["目 录"]], [1]),
        ([["2023 年度"], ["某市财政局部门决算"]], [1, 2]),  # the title goes on overleaf
        ([[], ["某市财政局 2023 年度部门决算"]], [1, 2]),  # a blank cover
        ([["某市财政局 2023 年度部门决算"]], [1]),
    ],
)
def test_identification_reads_the_second_page_only_for_a_cover_that_goes_on(
    tmp_path, monkeypatch, pages, read
):
    from bad_inputs.corpus import pdf_bytes

    path = tmp_path / "cover.pdf"
    path.write_bytes(pdf_bytes(pages))
    calls = []
    real = ingest_module.read_document
    monkeypatch.setattr(
        ingest_module,
        "read_document",
        lambda p, max_pages=None, max_rows=None: (
            calls.append(max_pages) or real(p, max_pages, max_rows)
        ),
    )
    rows = ingest_module.read_cover_rows(path)
    assert calls == read
    two_pages = real(path, max_pages=ingest_module.COVER_PAGES, max_rows=COVER_ROWS + 1)
    assert read_cover(rows) == read_cover(two_pages.rows)
    assert read_cover(rows).fiscal_year == 2023


@pytest.mark.parametrize("in_memory", [64 << 20, 10])  # read once, or hashed then copied
def test_the_store_keeps_the_bytes_and_remakes_what_was_removed(tmp_path, monkeypatch, in_memory):
    import hashlib

    from juesuan import rawstore

    monkeypatch.setattr(rawstore, "_IN_MEMORY", in_memory)
    source = tmp_path / "doc.txt"
    source.write_bytes("2023 年度部门决算\n".encode() * 1000)
    store = RawStore(tmp_path / "raw")
    doc, new = store.stage(source)
    assert new and doc.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert doc.size == source.stat().st_size
    assert store.object_path(doc).read_bytes() == source.read_bytes()
    store.save(doc)
    assert store.get(doc.sha256) == doc and store.get("0" * 64) is None
    shutil.rmtree(store.object_path(doc).parent)  # removed by hand, folder and all
    again, new = store.stage(source)
    assert (again, new) == (doc, False)
    assert store.object_path(doc).read_bytes() == source.read_bytes()
    shutil.rmtree(tmp_path / "raw" / "meta")
    store.save(doc)  # the folder is made again
    assert store.get(doc.sha256) == doc
    assert not list((tmp_path / "raw").rglob(".tmp-*"))
