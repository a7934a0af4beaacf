"""The compiled table finder and text grouping (juesuan/readers/pdf_tables.c) against the numpy
code of juesuan.readers.pdfium they replace: the same cells, texts and rows, bit for bit.

Why: the C redoes numpy's comparisons and float operations in loops; a difference in an order,
a tie or a rounding would change rows silently. The numpy code is itself checked against
pdfplumber (tests/test_pdfium_reader.py)."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pdfium_reader import ruled

from juesuan.paths import SAMPLES_DIR
from juesuan.readers import pdf_tables, pdfium, pdfium_bulk

pytestmark = pytest.mark.skipif(
    not (shutil.which("cc") or shutil.which("gcc")), reason="no C compiler here"
)


def both(monkeypatch, function, *args):
    """`function(*args)` with the numpy code, then with the compiled one."""
    monkeypatch.setenv(pdf_tables.MODE_VARIABLE, "numpy")
    assert pdf_tables.active() is None
    expected = function(*args)
    monkeypatch.setenv(pdf_tables.MODE_VARIABLE, "c")
    assert pdf_tables.active() is not None
    return expected, function(*args)


def same_cells(a: pdfium._Cells, b: pdfium._Cells) -> None:
    for x, y in zip(a.corners, b.corners, strict=True):
        assert x.dtype == y.dtype and x.tolist() == y.tolist()
    for name in ("x0", "top", "x1", "bottom", "page", "table"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name


def as_edge(e: dict) -> tuple:
    return (e["x0"], e["top"], e["x1"], e["bottom"],
            e["width"] if e["orientation"] == "h" else e["height"])  # fmt: skip


def edges_of(pages: list[list[dict]]) -> list[tuple[list, list]]:
    return [
        ([as_edge(e) for e in edges if e["orientation"] == "v"],
         [as_edge(e) for e in edges if e["orientation"] == "h"])
        for edges in pages
    ]  # fmt: skip


def find(pages):
    try:
        return pdfium.find_tables(pages)
    except pdfium.Unsupported as exc:
        return str(exc)


@settings(max_examples=400, deadline=None)
@given(st.lists(ruled(), min_size=0, max_size=4))
def test_tables_are_the_numpy_ones(pages):
    mp = pytest.MonkeyPatch()
    try:
        expected, found = both(mp, find, edges_of(pages))
    finally:
        mp.undo()
    if isinstance(expected, str):
        assert found == expected
        return
    assert len(found) == len(expected)
    for a, b in zip(expected, found, strict=True):
        same_cells(a, b)


# Many edges in a small square, overlapping, doubled, short, collinear a little apart: the odd
# cases (points on several edges, pdfplumber's search on sets of edges).
NEAR = st.integers(0, 80).map(lambda n: n / 2)
EDGE = st.tuples(NEAR, NEAR, st.sampled_from([0.0, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 20.0, 40.0]))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.lists(EDGE, max_size=30), st.lists(EDGE, max_size=30)), max_size=3))
def test_odd_edges_give_the_numpy_tables(pages):
    found_pages = [
        ([(x, y, x, y + n, n) for x, y, n in vertical],
         [(x, y, x + n, y, n) for x, y, n in horizontal])
        for vertical, horizontal in pages
    ]  # fmt: skip
    mp = pytest.MonkeyPatch()
    try:
        expected, found = both(mp, find, found_pages)
    finally:
        mp.undo()
    if isinstance(expected, str):
        assert found == expected
        return
    for a, b in zip(expected, found, strict=True):
        same_cells(a, b)


def test_an_edge_ending_before_it_starts_is_refused(monkeypatch):
    pages = [([(10.0, 50.0, 10.0, 20.0, 5.0)], [(0.0, 30.0, 50.0, 30.0, 50.0)])]
    expected, found = both(monkeypatch, find, pages)
    assert found == expected == "a ruling line that ends before it starts"


def test_the_environment_and_ctypes_mode_choose_numpy(monkeypatch):
    monkeypatch.delenv(pdf_tables.MODE_VARIABLE, raising=False)
    monkeypatch.delenv(pdfium_bulk.MODE_VARIABLE, raising=False)
    assert pdf_tables.active() is not None
    monkeypatch.setenv(pdfium_bulk.MODE_VARIABLE, "ctypes")
    assert pdf_tables.active() is None


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.glob("*.pdf")), ids=lambda p: p.name)
def test_samples_read_the_same(monkeypatch, path):
    expected, found = both(monkeypatch, pdfium.read_pages, path, 10)
    assert found == expected
