"""The PDF reader's per-character and per-object pdfium calls, compiled: pdfium_bulk.c.

Why: pdfium answers one character or path segment per call; through ctypes those calls were
two thirds of the PDF reader's time (issue 9), and no library offers them in bulk (pypdfium2
wraps pdfium's API one call at a time). The C file makes the same calls in a loop into numpy
arrays: one Python call per page and kind (`Compiled.objects`... as `read_page` uses them), or
one for all the pages of a document (`Compiled.document`, into arrays kept from document to
document, `Pages`), then one for its chars' boxes and one for its lines' edges, with the same
arithmetic as juesuan.readers.pdfium's numpy code.

It is compiled on first use (juesuan.readers.c_build). Without a
compiler the reader makes the same calls through ctypes (`juesuan.readers.pdfium`), slower, and
says so once in the log. `JUESUAN_PDF_BULK=ctypes` forces that path (tests compare the two).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import threading
from pathlib import Path

import numpy as np
import pypdfium2.raw as pdfium_c

from juesuan.readers import c_build
from juesuan.readers.c_build import BuildError, address, typed

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
    "FPDF_LoadPage",
    "FPDF_ClosePage",
    "FPDFText_LoadPage",
    "FPDFText_ClosePage",
    "FPDFPage_GetRotation",
    "FPDFPage_GetMediaBox",
    "FPDFText_CountChars",
    "FPDFText_GetText",
    "FPDFText_GetUnicode",
    "FPDFPageObj_GetBounds",
    "FPDFFormObj_CountObjects",
    "FPDFFormObj_GetObject",
)
NAME_SIZE = 256  # bytes for a font's base name, as juesuan.readers.pdfium reads it
MAX_FONTS = 4096  # distinct fonts on a page (more: the document goes to pdfplumber)
# Code points of whitespace (str.isspace), the highest being U+3000.
SPACES = np.array([chr(c).isspace() for c in range(0x3001)], np.uint8)

# jb_document's State, field by field (8 bytes each), and what it returns.
STATE = (
    "min_chars", "ocr", "spaces", "standard_count", "standard_names", "standard_descents",
    "object_capacity", "text_handles", "path_handles", "pairs", "used", "text_forms",
    "path_forms", "form_matrices",
    "unit_capacity", "units", "codes",
    "text_capacity", "texts", "text_matrices", "text_sizes", "text_descents",
    "char_capacity", "chars", "char_owners", "char_x1", "char_origins", "char_codes",
    "char_orders",
    "blank_capacity", "blanks", "blank_texts", "blank_bounds",
    "path_capacity", "paths", "path_matrices", "path_counts",
    "segment_capacity", "segments", "segment_points", "segment_types", "segment_closes",
    "page_capacity", "pages", "page_table", "page_boxes",
    "stopped", "need_objects", "need_units", "need_texts", "need_chars", "need_paths",
    "need_segments",
)  # fmt: skip
_FIELD = {name: k for k, name in enumerate(STATE)}
# The arrays each capacity sizes: (field, dtype, items per entry); and the field saying how
# many entries a page needs.
_ARRAYS = {
    "object_capacity": (
        ("text_handles", np.int64, 1), ("path_handles", np.int64, 1), ("pairs", np.int64, 2),
        ("used", np.uint8, 1), ("text_forms", np.int32, 1), ("path_forms", np.int32, 1),
        ("form_matrices", np.float64, 6),
    ),
    "unit_capacity": (("units", np.uint16, 1), ("codes", np.uint32, 1)),
    "text_capacity": (
        ("text_matrices", np.float64, 6), ("text_sizes", np.float32, 1),
        ("text_descents", np.float64, 1),
    ),
    "char_capacity": (
        ("char_owners", np.int32, 1), ("char_x1", np.float32, 1), ("char_origins", np.float64, 2),
        ("char_codes", np.uint32, 1), ("char_orders", np.int64, 1),
    ),
    "blank_capacity": (("blank_texts", np.int64, 1), ("blank_bounds", np.float32, 4)),
    "path_capacity": (("path_matrices", np.float64, 6), ("path_counts", np.int32, 1)),
    "segment_capacity": (
        ("segment_points", np.float32, 2), ("segment_types", np.int32, 1),
        ("segment_closes", np.uint8, 1),
    ),
    "page_capacity": (("page_table", np.int64, 7), ("page_boxes", np.float32, 4)),
}  # fmt: skip
_NEEDS = {
    "object_capacity": "need_objects",
    "unit_capacity": "need_units",
    "text_capacity": "need_texts",
    "blank_capacity": "need_texts",
    "char_capacity": "need_chars",
    "path_capacity": "need_paths",
    "segment_capacity": "need_segments",
}
# The page table's columns (pdfium_bulk.c's P_*): where each page's items start.
P_TEXTS, P_CHARS, P_BLANKS, P_PATHS, P_SEGMENTS, P_KEPT, P_FOUND = range(7)
DONE, GROW, FALLBACK = 0, 1, 2
# jb_document's and jb_char_columns' negative results: why the document is not read here.
UNSUPPORTED = {
    -1: "pdfium cannot load a page",
    -2: "rotated page",
    -3: "pdfium cannot read the text of a page",
    -4: "pdfium has no text page",
    -5: "text without a font",
    -6: "a character outside the page's text objects",
    -7: "rotated or mirrored text",
    -8: "slanted text",
}

_log = logging.getLogger(__name__)
_P = ctypes.c_void_p
_I = ctypes.c_int


class Compiled:
    """pdfium_bulk.c's functions on numpy arrays; handles are int64."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._objects = typed(lib.jb_objects, _I, _P, _P, _P, _I)
        self._matrices = typed(lib.jb_matrices, None, _P, _I, _P)
        self._fonts = typed(lib.jb_fonts, _I, _P, _I, _P, _P, _P, _P, _P, _I, _I)
        self._chars = typed(lib.jb_chars, None, *(_P, _I, _P, _P, _I, _P, _P, _I, _P, _P, _P, _P))
        self._counts = typed(lib.jb_segment_counts, ctypes.c_int64, _P, _I, _P)
        self._segments = typed(lib.jb_segments, None, _P, _P, _I, _P, _P, _P)
        self._capacity = 1024  # objects on a page, grown as needed
        self._spaces = address(SPACES)
        self._document = typed(lib.jb_document, _I, _P, _I, _P)
        self._char_columns = typed(lib.jb_char_columns, _I, *(_P,) * 8)
        self._edges = typed(lib.jb_edges, None, *(_P,) * 9)
        self._thread = threading.local()

    def document(self, document: int, pages: int, min_chars: int, ocr: bool) -> Pages | int:
        """The first `pages` pages of the document (a pdfium handle) read by jb_document: its
        arrays, valid until this thread reads the next document; or why they are not (FALLBACK:
        a page Python reads; negative: `UNSUPPORTED`)."""
        state = getattr(self._thread, "state", None)
        if state is None:
            state = self._thread.state = Pages()
        state.start(pages, min_chars, ocr)
        while True:
            status = self._document(document, pages, state.address)
            if status != GROW:
                return state if status == DONE else status
            state.grow()

    def char_columns(self, read: Pages, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray] | int:
        """pdfminer's box of each text object (as juesuan.readers.pdfium's `_metrics`) and the
        chars' x0, x1, top, bottom and size (rows of one array) as its `document_chars`, for
        the pages' frames (x0 y0 height top each); or why not (negative: `UNSUPPORTED`)."""
        frames = np.ascontiguousarray(frames, np.float64)
        metrics = np.empty((read["texts"], 6))
        columns = np.empty((5, read["chars"]))
        status = self._char_columns(
            read.address, address(frames), address(metrics),
            *(address(column) for column in columns),
        )  # fmt: skip
        return status or (metrics, columns)

    def edges(self, read: Pages, frames: np.ndarray) -> tuple[np.ndarray, ...]:
        """As juesuan.readers.pdfium's `_document_edges`, for the pages' frames (x0 y0 height
        top each): each segment's x and y, whether each path is a line, and if so whether its
        edge is horizontal; the lines' vertical and horizontal edges (rows of x0 top x1 bottom
        length, in the paths' order), and each page's count of both and whether it has other
        paths."""
        frames = np.ascontiguousarray(frames, np.float64)
        segments, paths = read["segments"], read["paths"]
        x, y = np.empty(segments), np.empty(segments)
        lines, flat = np.empty(paths, np.uint8), np.empty(paths, np.uint8)
        vertical, horizontal = np.empty((paths, 5)), np.empty((paths, 5))
        counts = np.empty((read["pages"], 3), np.int64)
        arrays = (frames, x, y, lines, flat, vertical, horizontal, counts)
        self._edges(read.address, *map(address, arrays))
        return x, y, lines.view(bool), flat.view(bool), vertical, horizontal, counts

    def objects(self, page: int) -> tuple[np.ndarray, np.ndarray]:
        """The page's objects (handles) and their types, in content order."""
        while True:
            handles = np.empty(self._capacity, np.int64)
            kinds = np.empty(self._capacity, np.int32)
            count = self._objects(page, address(handles), address(kinds), self._capacity)
            if count <= self._capacity:
                count = max(count, 0)
                return handles[:count], kinds[:count]
            self._capacity = count

    def matrices(self, objects: np.ndarray) -> np.ndarray:
        """Each object's matrix (a b c d e f), float32 as pdfium keeps it."""
        objects = np.ascontiguousarray(objects, np.int64)
        out = np.empty((len(objects), 6), np.float32)
        self._matrices(address(objects), len(objects), address(out))
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
            address(texts), len(texts), address(sizes), address(font_of), address(descents),
            address(names), address(name_sizes), NAME_SIZE, capacity,
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
            textpage, count, address(codes), self._spaces, len(SPACES), address(texts),
            address(order), len(texts), address(owners), address(keep), address(boxes),
            address(origins),
        )  # fmt: skip
        return owners, keep.view(bool), boxes, origins

    def segments(self, paths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each path's segment count, and all their segments one after the other: point (x y,
        float32), type, whether it closes its subpath."""
        paths = np.ascontiguousarray(paths, np.int64)
        counts = np.empty(len(paths), np.int32)
        total = self._counts(address(paths), len(paths), address(counts))
        points = np.empty((total, 2), np.float32)
        types = np.empty(total, np.int32)
        closes = np.empty(total, np.uint8)
        self._segments(
            address(paths), address(counts), len(paths),
            address(points), address(types), address(closes),
        )  # fmt: skip
        return counts, points, types, closes.view(bool)


class Pages:
    """jb_document's State and arrays (one per thread, reused from document to document),
    grown when a page does not fit."""

    def __init__(self, capacity: int | None = None) -> None:
        """`capacity`: of every array to start with (tests: grown from there), else a few
        pages' worth."""
        self.state = np.zeros(len(STATE), np.int64)
        self.address = address(self.state)
        self.arrays: dict[str, np.ndarray] = {}
        self._keep = [SPACES, *_standard_fonts()]
        self["spaces"] = address(SPACES)
        self["standard_count"] = len(self._keep[1])
        self["standard_names"] = address(self._keep[1])
        self["standard_descents"] = address(self._keep[2])
        for field, size in (
            ("object_capacity", 1024), ("unit_capacity", 4096), ("text_capacity", 4096),
            ("char_capacity", 16384), ("blank_capacity", 4096), ("path_capacity", 4096),
            ("segment_capacity", 8192), ("page_capacity", 64),
        ):  # fmt: skip
            self._allocate(field, capacity or size)

    def __getitem__(self, field: str) -> int:
        return int(self.state[_FIELD[field]])

    def __setitem__(self, field: str, value: int) -> None:
        self.state[_FIELD[field]] = value

    def start(self, pages: int, min_chars: int, ocr: bool) -> None:
        """Empty, for a document of `pages` pages."""
        for field in ("texts", "chars", "blanks", "paths", "segments", "pages"):
            self[field] = 0
        self["min_chars"], self["ocr"] = min_chars, int(ocr)
        if pages > self["page_capacity"]:
            self._allocate("page_capacity", pages)

    def grow(self) -> None:
        """Every array too small for what the page jb_document stopped at needs."""
        grown = False
        for capacity, need in _NEEDS.items():
            if self[need] > self[capacity]:
                self._allocate(capacity, max(self[need], 2 * self[capacity]))
                grown = True
        if not grown:  # never expected: rather an error than reading the page forever
            raise RuntimeError(f"jb_document asks for more room on page {self['stopped'] + 1}")

    def _allocate(self, capacity: str, size: int) -> None:
        for field, dtype, width in _ARRAYS[capacity]:
            array = np.zeros(size * width, dtype)
            old = self.arrays.get(field)
            if old is not None:
                array[: len(old)] = old
            self.arrays[field] = array
            self[field] = address(array)
        self[capacity] = size

    def array(self, field: str, count: int, width: int = 1) -> np.ndarray:
        """The first `count` entries of an array (a view: copy what must outlive the reader)."""
        found = self.arrays[field][: count * width]
        return found.reshape(count, width) if width > 1 else found


@functools.cache
def _standard_fonts() -> tuple[np.ndarray, np.ndarray]:
    """pdfminer's standard font names (NAME_SIZE bytes each) and their descent per unit of
    font size, as juesuan.readers.pdfium's `_descents` takes them."""
    from pdfminer.fontmetrics import FONT_METRICS

    names = np.zeros((len(FONT_METRICS), NAME_SIZE), np.uint8)
    descents = np.empty(len(FONT_METRICS))
    for k, (name, metrics) in enumerate(FONT_METRICS.items()):
        encoded = name.encode("latin-1")
        names[k, : len(encoded)] = np.frombuffer(encoded, np.uint8)
        descents[k] = float(metrics[0].get("Descent", 0)) * 0.001
    return names, descents


@functools.cache
def compiled() -> Compiled | None:
    """The compiled calls, built if need be; `None` (logged once) where they cannot be."""
    try:
        return load(c_build.library(SOURCE))
    except BuildError as exc:
        _log.warning("PDF reader: %s; reading PDFs through ctypes instead, about 3x slower", exc)
        return None


def load(lib: ctypes.CDLL) -> Compiled:
    """The library's calls, once it has the addresses of pypdfium2's pdfium functions."""
    addresses = (_P * len(FUNCTIONS))(
        *(ctypes.cast(getattr(pdfium_c, name), _P).value for name in FUNCTIONS)
    )
    expected = lib.jb_init(addresses, len(FUNCTIONS))
    if expected != len(FUNCTIONS):
        raise BuildError(f"{lib._name} expects {expected} pdfium functions, not {len(FUNCTIONS)}")
    if lib.jb_state_size() != len(STATE):
        raise BuildError(f"{lib._name}'s State has {lib.jb_state_size()} fields, not {len(STATE)}")
    return Compiled(lib)
