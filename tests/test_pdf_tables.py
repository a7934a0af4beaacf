"""The compiled table finder and text grouping (juesuan/readers/pdf_tables.c) against the numpy
code of juesuan.readers.pdfium they replace: the same cells, texts and rows, bit for bit.

Why: the C redoes numpy's comparisons and float operations in loops; a difference in an order,
a tie or a rounding would change rows silently. The numpy code is itself checked against
pdfplumber (tests/test_pdfium_reader.py)."""

from __future__ import annotations

import logging
import shutil

import numpy as np
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


# --- text: the rows of chars and cells ----------------------------------------------------------

TEXTS = st.sampled_from([*"ab1.,", "一", "二", " ", "\u3000", "\ufb01", "\n"])


@st.composite
def chars_on(draw, area: float) -> pdfium._Chars:
    """Chars anywhere in a square (tops on a few lines, a little apart), some blank."""
    rows = []
    for _ in range(draw(st.integers(0, 40))):
        top = draw(st.sampled_from([0.0, 1.5, 3.0, 4.5, 7.0, 12.0, 30.0])) + draw(
            st.integers(0, int(area) // 10).map(lambda n: n * 10.0)
        )
        x0 = draw(st.integers(0, int(area / 1.5))) * 1.5
        width = draw(st.sampled_from([0.0, 4.0, 5.5, 10.0]))
        size = draw(st.sampled_from([4.0, 10.0, 12.5, 30.0]))
        rows.append((x0, x0 + width, top, top + 10.0, size, ord(draw(TEXTS))))
    columns = list(zip(*rows, strict=True)) or [()] * 6
    floats = [np.array(c, np.float64) for c in columns[:5]]
    return pdfium._Chars(*floats, np.array(columns[5], np.uint32), np.arange(len(rows)))


def rows_both(pages: list[pdfium._PageRead]):
    mp = pytest.MonkeyPatch()
    try:
        return both(mp, pdfium.document_rows, pages)
    finally:
        mp.undo()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ruled(), chars_on(300.0)), min_size=1, max_size=3))
def test_rows_of_tables_and_text_are_the_numpy_ones(pages):
    found = pdfium.find_tables(edges_of([edges for edges, _ in pages]))
    read = [pdfium._PageRead(n, chars, cells) for n, ((_, chars), cells) in
            enumerate(zip(pages, found, strict=True), 3)]  # fmt: skip
    expected, got = rows_both(read)
    assert got == expected


@st.composite
def boxes(draw, page: int) -> pdfium._Cells:
    """Cells anywhere (overlapping too), in tables of a few cells each."""
    count = draw(st.integers(0, 12))
    x0 = [draw(st.integers(0, 20)) * 5.0 for _ in range(count)]
    top = [draw(st.integers(0, 20)) * 5.0 for _ in range(count)]
    x1 = [x + draw(st.integers(1, 8)) * 5.0 for x in x0]
    bottom = [y + draw(st.integers(1, 8)) * 5.0 for y in top]
    table = sorted(draw(st.integers(0, 3)) for _ in range(count))
    columns = [np.array(c, np.float64) for c in (x0, top, x1, bottom)]
    index = np.zeros(count, np.int64)
    return pdfium._Cells((index,) * 4, *columns, np.full(count, page), np.array(table, np.int64))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3).flatmap(boxes), chars_on(140.0)), max_size=3))
def test_rows_of_overlapping_cells_are_the_numpy_ones(pages):
    read = [pdfium._PageRead(n, chars, cells) for n, (cells, chars) in enumerate(pages, 1)]
    expected, got = rows_both(read)
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 3).flatmap(boxes), chars_on(140.0))
def test_a_grid_too_large_for_numpy_gives_the_same_rows(cells, chars):
    """Where the numpy code tests every cell (a page's grid over _MAX_GRID places), the C's
    grid gives the same."""
    mp = pytest.MonkeyPatch()
    mp.setattr(pdfium, "_MAX_GRID", 4)
    try:
        expected, got = rows_both([pdfium._PageRead(1, chars, cells)])
    finally:
        mp.undo()
    assert got == expected


def test_a_nan_leaves_the_document_to_numpy(monkeypatch):
    """pt_rows refuses NaN (numpy's sorts put it last; C's comparisons would not): the numpy
    code reads such a document."""
    chars = pdfium._Chars(
        np.array([10.0, 20.0, 30.0]), np.array([14.0, 24.0, 34.0]),
        np.array([5.0, np.nan, 5.0]), np.array([15.0, 15.0, 15.0]), np.full(3, 10.0),
        np.array([ord("a"), ord("b"), ord("c")], np.uint32), np.arange(3),
    )  # fmt: skip
    compiled = pdf_tables.compiled()
    columns = (chars.x0, chars.x1, chars.top, chars.bottom, chars.size, chars.codes)
    empty = (np.empty(0),) * 4 + (np.empty(0, np.int64),) * 2
    assert compiled.rows(columns, np.zeros(3, np.int64), 1, empty, (0, 0)) is None
    expected, got = both(
        monkeypatch, pdfium.document_rows, [pdfium._PageRead(1, chars, pdfium._Cells.empty())]
    )
    assert got == expected


def test_without_a_compiler_numpy_finds_the_tables(tmp_path, caplog):
    from juesuan.readers import c_build

    path = sorted(SAMPLES_DIR.glob("*.pdf"))[0]
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(c_build, "folders", lambda: [tmp_path / "compiled"])
            mp.setenv("CC", str(tmp_path / "no-such-compiler"))
            mp.delenv(pdf_tables.MODE_VARIABLE, raising=False)
            pdf_tables.compiled.cache_clear()
            with caplog.at_level(logging.WARNING, logger="juesuan.readers.pdf_tables"):
                assert pdf_tables.active() is None
            assert "finding tables with numpy instead" in caplog.text
            without = pdfium.read_pages(path, 10)
    finally:
        pdf_tables.compiled.cache_clear()  # built again, as it is
    assert pdf_tables.active() is not None
    assert pdfium.read_pages(path, 10) == without


def test_an_arrays_address_is_its_data_pointer():
    """c_build.address (through the buffer protocol where it can) gives every kind of array's
    data pointer as numpy says it: views at an offset, read-only, empty, strided arrays."""
    from juesuan.readers.c_build import address

    base = np.arange(40, dtype=np.float64)
    frozen = base.copy()
    frozen.flags.writeable = False
    arrays = [
        base, base[3:], base.reshape(8, 5)[2:], base[::2], base.reshape(8, 5)[:, 1],
        np.empty(0), np.empty((0, 4)), base[5:5], frozen, np.frombuffer(b"abcd", np.uint8),
        np.zeros(3, np.uint8).view(bool), np.empty((3, 7), np.int32), base.view(np.uint8)[1:],
    ]  # fmt: skip
    for array in arrays:
        assert address(array) == array.__array_interface__["data"][0]
