"""The PDF reader's table finder and text grouping, compiled: pdf_tables.c.

Why: juesuan.readers.pdfium finds the tables and groups the chars of a whole document with
numpy, a few dozen calls per step; on documents of a few thousand chars and cells the cost is
numpy's per call (~1,300 calls, ~4 ms per synthetic disclosure, issue 9). The C file does the
same comparisons and float operations, in the same order, in loops. It is compiled on first use
(juesuan.readers.c_build); without a compiler, or with `JUESUAN_PDF_BULK=ctypes` (the reader
as without a compiler) or `JUESUAN_PDF_TABLES=numpy`, the numpy code runs. Tests compare both.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from juesuan.readers import c_build, pdfium_bulk
from juesuan.readers.c_build import BuildError, address, typed
from juesuan.readers.pdfium_bulk import SPACES

SOURCE = Path(__file__).with_name("pdf_tables.c")
MODE_VARIABLE = "JUESUAN_PDF_TABLES"  # "numpy": the numpy code (juesuan.readers.pdfium)

# pdf_tables.c's return codes.
UNSUPPORTED, MEMORY, CAPACITY, NOT_FINITE = -1, -2, -3, -4

_log = logging.getLogger(__name__)
_P = ctypes.c_void_p
_N = ctypes.c_int64


class Refused(Exception):
    """What the reader does not reproduce (juesuan.readers.pdfium raises Unsupported)."""


class Compiled:
    """pdf_tables.c's functions on numpy arrays."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._find_tables = typed(lib.pt_find_tables, _N, _P, _P, _N, _P, _P, _N, _N, *[_P] * 5)
        self._rows = typed(lib.pt_rows, _N, _N, *[_P] * 7, _N, _P, _N, _N, *[_P] * 7, _N,
                            *[_P] * 5, _N, _N, _P)  # fmt: skip
        self._order = typed(lib.pt_order, _N, _N, *[_P] * 3, _N, *[_P] * 6)
        self._text_capacity = 1 << 16  # code points of a document's texts, grown as needed
        self._spaces = address(SPACES)
        self._capacity = 4096  # cells of a document, grown as needed

    def find_tables(
        self, v: np.ndarray, pv: np.ndarray, h: np.ndarray, ph: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """pdfium.find_tables's cells from the edges of `_edge_array` (vertical, horizontal):
        their corners (4, n), boxes (4, n: x0, top, x1, bottom), pages and tables."""
        v, h = np.ascontiguousarray(v, np.float64), np.ascontiguousarray(h, np.float64)
        pv, ph = np.ascontiguousarray(pv, np.int64), np.ascontiguousarray(ph, np.int64)
        needed = np.zeros(1, np.int64)
        while True:
            capacity = self._capacity
            corners = np.empty((4, capacity), np.int64)
            box = np.empty((4, capacity), np.float64)
            page = np.empty(capacity, np.int64)
            table = np.empty(capacity, np.int64)
            count = self._find_tables(
                address(v), address(pv), len(v), address(h), address(ph), len(h), capacity,
                address(corners), address(box), address(page), address(table),
                address(needed),
            )  # fmt: skip
            if count != CAPACITY:
                break
            self._capacity = int(needed[0])
        _check(count)
        return corners[:, :count], box[:, :count], page[:count], table[:count]

    def rows(
        self, chars: tuple[np.ndarray, ...], char_page: np.ndarray, pages: int,
        cells: tuple[np.ndarray, ...], ligatures: tuple[int, int],
    ) -> Grouped | None:  # fmt: skip
        """pdfium.document_rows's rows before their order (see pt_rows in pdf_tables.c), from
        the chars (x0, x1, top, bottom, size, codes) of `pages` pages and the cells (x0, top,
        x1, bottom, page, table), both ordered by page. `None` where a value is NaN (left to
        the numpy code)."""
        *floats, codes = (np.ascontiguousarray(c) for c in chars)
        n, m = len(codes), len(cells[0])
        floats = [np.ascontiguousarray(c, np.float64) for c in floats]
        codes = np.ascontiguousarray(codes, np.uint32)
        char_page = np.ascontiguousarray(char_page, np.int64)
        cx0, ctop, cx1, cbottom = (np.ascontiguousarray(c, np.float64) for c in cells[:4])
        cell_page, table = (np.ascontiguousarray(c, np.int64) for c in cells[4:])
        row_page, row_top, row_width = np.empty(m, np.int64), np.empty(m), np.empty(m, np.int64)
        line_page, line_top = np.empty(n, np.int64), np.empty(n)
        sizes = np.zeros(4, np.int64)
        capacity = self._text_capacity
        while True:
            out = np.empty(capacity, np.uint32)
            code = self._rows(
                n, *map(address, floats), address(codes), self._spaces, len(SPACES),
                address(char_page), pages, m, address(cx0), address(ctop), address(cx1),
                address(cbottom), address(cell_page), address(table), address(out), capacity,
                address(row_page), address(row_top), address(row_width), address(line_page),
                address(line_top), *ligatures, address(sizes),
            )  # fmt: skip
            if code != CAPACITY:
                break
            capacity = self._text_capacity = int(sizes[0])
        if code == NOT_FINITE:
            return None
        _check(code)
        length, rows, lines, ligature = sizes.tolist()
        return Grouped(
            out[:length], bool(ligature), row_page[:rows], row_top[:rows], row_width[:rows],
            line_page[:lines], line_top[:lines],
        )  # fmt: skip

    def order(
        self, page: np.ndarray, rounded: np.ndarray, kind: np.ndarray, numbers: list[int]
    ) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
        """pdfium._ordered's order of the rows (pages: places in `numbers`): by page, then
        top rounded, stably; in that order each row's count among those of its page and kind
        (from 1), page number and kind; where each page starts (len(numbers) + 1 places)."""
        page = np.ascontiguousarray(page, np.int64)
        rounded = np.ascontiguousarray(rounded, np.float64)
        kind = np.ascontiguousarray(kind, np.int64)
        numbered = np.array(numbers, np.int64)
        n = len(page)
        order, count, number, kinds = (np.empty(n, np.int64) for _ in range(4))
        bounds = np.empty(len(numbers) + 1, np.int64)
        code = self._order(
            n, address(page), address(rounded), address(kind), len(numbers),
            address(numbered), address(order), address(count), address(number),
            address(kinds), address(bounds),
        )  # fmt: skip
        _check(code)
        return order.tolist(), count.tolist(), number.tolist(), kinds.tolist(), bounds.tolist()


@dataclass
class Grouped:
    """What pt_rows gives: the texts of the slots of the table rows with text, then of the
    text lines (code points cut by line feeds; whether a ligature is among them); each row's
    page, top and width; each line's page and top."""

    codes: np.ndarray
    ligatures: bool
    row_page: np.ndarray
    row_top: np.ndarray
    row_width: np.ndarray
    line_page: np.ndarray
    line_top: np.ndarray


def _check(code: int) -> None:
    if code == UNSUPPORTED:
        raise Refused("a ruling line that ends before it starts")
    if code == MEMORY:
        raise MemoryError("pdf_tables.c: out of memory")
    if code < 0:
        raise RuntimeError(f"pdf_tables.c: unexpected code {code}")


def active() -> Compiled | None:
    """The compiled functions, unless the numpy code is asked for (or they cannot be built)."""
    if os.environ.get(MODE_VARIABLE) == "numpy":
        return None
    if os.environ.get(pdfium_bulk.MODE_VARIABLE) == "ctypes":
        return None
    return compiled()


@functools.cache
def compiled() -> Compiled | None:
    """The compiled functions, built if need be; `None` (logged once) where they cannot be."""
    try:
        return Compiled(c_build.library(SOURCE))
    except BuildError as exc:
        _log.warning("PDF reader: %s; finding tables with numpy instead, slower", exc)
        return None
