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
from pathlib import Path

import numpy as np

from juesuan.readers import c_build, pdfium_bulk
from juesuan.readers.c_build import BuildError

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
        self._find_tables = _typed(lib.pt_find_tables, _N, _P, _P, _N, _P, _P, _N, _N, *[_P] * 5)
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
                _address(v), _address(pv), len(v), _address(h), _address(ph), len(h), capacity,
                _address(corners), _address(box), _address(page), _address(table),
                _address(needed),
            )  # fmt: skip
            if count != CAPACITY:
                break
            self._capacity = int(needed[0])
        _check(count)
        return corners[:, :count], box[:, :count], page[:count], table[:count]


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
        library = c_build.build(SOURCE)
        try:
            return Compiled(ctypes.CDLL(str(library)))
        except OSError as exc:
            raise BuildError(f"cannot load {library} ({exc}); delete it to rebuild") from None
    except BuildError as exc:
        _log.warning("PDF reader: %s; finding tables with numpy instead, slower", exc)
        return None


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def _typed(function, restype, *argtypes):
    function.restype = restype
    function.argtypes = argtypes
    return function
