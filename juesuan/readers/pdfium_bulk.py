"""The PDF reader's per-character and per-object pdfium calls, compiled: pdfium_bulk.c.

Why: pdfium answers one character or path segment per call; through ctypes those calls were
two thirds of the PDF reader's time (issue 9), and no library offers them in bulk (pypdfium2
wraps pdfium's API one call at a time). The C file makes the same calls in a loop, one Python
call per page and kind, into numpy arrays.

It is compiled on first use (juesuan.readers.c_build). Without a
compiler the reader makes the same calls through ctypes (`juesuan.readers.pdfium`), slower, and
says so once in the log. `JUESUAN_PDF_BULK=ctypes` forces that path (tests compare the two).
"""

from __future__ import annotations

import ctypes
import functools
import logging
from pathlib import Path

import numpy as np
import pypdfium2.raw as pdfium_c

from juesuan.readers import c_build
from juesuan.readers.c_build import BuildError

SOURCE = Path(__file__).with_name("pdfium_bulk.c")
MODE_VARIABLE = "JUESUAN_PDF_BULK"  # "ctypes": the ctypes calls (juesuan.readers.pdfium)

# Passed to jb_init in this order (pdfium_bulk.c's function pointers).
FUNCTIONS = (
    "FPDFPage_CountObjects",
    "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
    "FPDFPageObj_GetMatrix",
    "FPDFTextObj_GetFontSize",
    "FPDFTextObj_GetFont",
    "FPDFPath_CountSegments",
    "FPDFPath_GetPathSegment",
    "FPDFPathSegment_GetPoint",
    "FPDFPathSegment_GetType",
    "FPDFPathSegment_GetClose",
    "FPDFText_GetTextObject",
    "FPDFText_GetLooseCharBox",
    "FPDFText_GetCharOrigin",
    "FPDFText_IsGenerated",
    "FPDFFont_GetDescent",
    "FPDFFont_GetBaseFontName",
)
NAME_SIZE = 256  # bytes for a font's base name, as juesuan.readers.pdfium reads it
MAX_FONTS = 4096  # distinct fonts on a page (more: the document goes to pdfplumber)
# Code points of whitespace (str.isspace), the highest being U+3000.
SPACES = np.array([chr(c).isspace() for c in range(0x3001)], np.uint8)

_log = logging.getLogger(__name__)
_P = ctypes.c_void_p
_I = ctypes.c_int


class Compiled:
    """pdfium_bulk.c's functions on numpy arrays; handles are int64."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._objects = _typed(lib.jb_objects, _I, _P, _P, _P, _I)
        self._matrices = _typed(lib.jb_matrices, None, _P, _I, _P)
        self._fonts = _typed(lib.jb_fonts, _I, _P, _I, _P, _P, _P, _P, _P, _I, _I)
        self._chars = _typed(lib.jb_chars, None, *(_P, _I, _P, _P, _I, _P, _P, _I, _P, _P, _P, _P))
        self._counts = _typed(lib.jb_segment_counts, ctypes.c_int64, _P, _I, _P)
        self._segments = _typed(lib.jb_segments, None, _P, _P, _I, _P, _P, _P)
        self._capacity = 1024  # objects on a page, grown as needed
        self._spaces = _address(SPACES)

    def objects(self, page: int) -> tuple[np.ndarray, np.ndarray]:
        """The page's objects (handles) and their types, in content order."""
        while True:
            handles = np.empty(self._capacity, np.int64)
            kinds = np.empty(self._capacity, np.int32)
            count = self._objects(page, _address(handles), _address(kinds), self._capacity)
            if count <= self._capacity:
                count = max(count, 0)
                return handles[:count], kinds[:count]
            self._capacity = count

    def matrices(self, objects: np.ndarray) -> np.ndarray:
        """Each object's matrix (a b c d e f), float32 as pdfium keeps it."""
        objects = np.ascontiguousarray(objects, np.int64)
        out = np.empty((len(objects), 6), np.float32)
        self._matrices(_address(objects), len(objects), _address(out))
        return out

    def fonts(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """Each text object's font size (float32) and font (an index into the page's fonts);
        each font's descent per unit of size (NaN: none) and base name."""
        texts = np.ascontiguousarray(texts, np.int64)
        sizes = np.empty(len(texts), np.float32)
        font_of = np.empty(len(texts), np.int32)
        capacity = max(min(len(texts), MAX_FONTS), 1)  # no more fonts than text objects
        descents = np.empty(capacity, np.float32)
        names = np.empty((capacity, NAME_SIZE), np.uint8)
        name_sizes = np.empty(capacity, np.int64)
        count = self._fonts(
            _address(texts), len(texts), _address(sizes), _address(font_of), _address(descents),
            _address(names), _address(name_sizes), NAME_SIZE, capacity,
        )  # fmt: skip
        if count < 0:
            raise RuntimeError(f"more than {MAX_FONTS} fonts on a page")
        found = [
            bytes(names[k, : max(size - 1, 0)]).decode("latin-1")
            for k, size in enumerate(name_sizes[:count].tolist())
        ]
        return sizes, font_of, descents[:count], found

    def chars(
        self, textpage: int, count: int, codes: np.ndarray, texts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each char's text object (its index in `texts`; -1: none), whether it is kept (with
        a text object, not generated by pdfium), its loose box (l t r b, float32) and its
        origin (x y)."""
        codes = np.ascontiguousarray(codes, np.uint32)
        texts = np.ascontiguousarray(texts, np.int64)
        order = np.argsort(texts)
        owners = np.empty(count, np.int32)
        keep = np.empty(count, np.uint8)
        boxes = np.empty((count, 4), np.float32)
        origins = np.empty((count, 2), np.float64)
        self._chars(
            textpage, count, _address(codes), self._spaces, len(SPACES), _address(texts),
            _address(order), len(texts), _address(owners), _address(keep), _address(boxes),
            _address(origins),
        )  # fmt: skip
        return owners, keep.view(bool), boxes, origins

    def segments(self, paths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each path's segment count, and all their segments one after the other: point (x y,
        float32), type, whether it closes its subpath."""
        paths = np.ascontiguousarray(paths, np.int64)
        counts = np.empty(len(paths), np.int32)
        total = self._counts(_address(paths), len(paths), _address(counts))
        points = np.empty((total, 2), np.float32)
        types = np.empty(total, np.int32)
        closes = np.empty(total, np.uint8)
        self._segments(
            _address(paths), _address(counts), len(paths),
            _address(points), _address(types), _address(closes),
        )  # fmt: skip
        return counts, points, types, closes.view(bool)


def _address(array: np.ndarray) -> int:
    """The array's data pointer (half the cost of `array.ctypes.data`)."""
    return array.__array_interface__["data"][0]


def _typed(function, restype, *argtypes):
    function.restype = restype
    function.argtypes = argtypes
    return function


@functools.cache
def compiled() -> Compiled | None:
    """The compiled calls, built if need be; `None` (logged once) where they cannot be."""
    try:
        return load(c_build.build(SOURCE))
    except BuildError as exc:
        _log.warning("PDF reader: %s; reading PDFs through ctypes instead, about 2x slower", exc)
        return None


def load(library: Path) -> Compiled:
    try:
        lib = ctypes.CDLL(str(library))
    except OSError as exc:
        raise BuildError(f"cannot load {library} ({exc}); delete it to rebuild") from None
    addresses = (_P * len(FUNCTIONS))(
        *(ctypes.cast(getattr(pdfium_c, name), _P).value for name in FUNCTIONS)
    )
    expected = lib.jb_init(addresses, len(FUNCTIONS))
    if expected != len(FUNCTIONS):
        raise BuildError(f"{library} expects {expected} pdfium functions, not {len(FUNCTIONS)}")
    return Compiled(lib)
