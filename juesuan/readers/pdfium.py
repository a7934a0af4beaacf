"""PDF text layer and ruled tables read with pypdfium2 alone: the rows of the pdfplumber reader,
about 15× faster.

Why: reading dominated the pipeline (issue 9). pdfplumber parses PDFs in pure Python (pdfminer)
and costs ~30–60× a plain pdfium text extraction of the same file. pdfium parses in C++; this
module takes from it what pdfplumber takes from pdfminer — characters with their boxes, the
page's path objects — and redoes the steps of pdfplumber 0.11 that juesuan.readers.pdf uses,
with the same comparisons and the same arithmetic, so that the rows come out the same:

- chars: pdfminer's box (x0 at the glyph origin, x1 at its advance; top and bottom from the font
  size and the font descriptor's /Descent, or pdfminer's own metrics for standard font names),
  in pdfplumber's top-down coordinates;
- edges: path objects classified as pdfminer does (line, rectangle, curve), turned into edges as
  pdfplumber does, then its table finder (`lines` strategy): snap, join, intersections, cells,
  tables, rows with `None` where a merged cell spans;
- text: `Table.extract()` (chars whose centre is in a cell, words, lines) and
  `extract_text_lines` for the chars outside the tables.

How, for speed: a page's chars are numpy columns (`_Chars`), not one object per char, and
pdfplumber's per-object loops are redone on whole columns — the edges snapped and joined, the
intersections, the cells where the next point down and across close one (the others through
pdfplumber's search, also on columns), the tables as connected cells, the cell of each char,
the words and lines of cells and of the text outside tables, the rows' order. Pages are read
one by one (pdfium's calls); their tables are found, and the text of all their cells and lines
grouped, for the whole document at once (~1 ms and ~2 ms per synthetic disclosure), as numpy's
cost is per call more than per element: a few dozen calls per step, not per page or table.
Sorts by two keys are one stable sort of complex numbers (ordered by real, then imaginary
part), not np.lexsort (one slower sort per key). tests/test_pdfium_reader.py checks these
against pdfplumber's own functions on random rules and chars. The same steps are compiled
(juesuan.readers.pdf_tables: ~0.1 ms and ~0.4 ms of C per document, the same comparisons and
float operations in loops), used where they build; tests/test_pdf_tables.py checks that they
give the numpy code's cells and rows, which stays the fallback.

pdfium answers one character, page object or path segment per call: those calls are made in
C (juesuan.readers.pdfium_bulk): all pages of a document by one Python call into the
document's arrays, their chars and their lines' edges by one call each (`_read_compiled`),
the rare pages that need Python (possible scans) sending the document through `read_page`,
page by page. Without a C compiler they are made through ctypes as `_CtypesBulk` does (and the
tables found with numpy), about three times as slow in all; what pages give is kept as arrays
(`_RawChars`, `_RawPaths`) and turned into chars and edges for the whole document at once, with
the same arithmetic. What is left (synthetic disclosures of 16 pages, ~7,500 chars, ~1,600
cells, ~8.5 ms in all, CPU): about 6 ms is pdfium loading pages and text pages (a plain text
extraction's whole cost), ~0.5 ms the other calls and the arrays, ~1.2 ms the tables and rows,
the rest building the rows in Python.

Where pdfium and pdfminer differ, and nothing tells: widths are pdfium's (integer font units, so
positions drift by hundredths of a point along a line where a font declares fractional widths;
a glyph whose ink reaches past its advance widens x1); pdfium keeps one space of a run of spaces
in a text object, and leaves out text objects without extent (blanks), put back here as spaces
of an estimated advance; text in a form XObject inherits the caller's character spacing and
scaling in pdfium, not in pdfminer. What this module does not reproduce — rotated pages,
rotated, mirrored or slanted text, a text object with ink that pdfium dropped (a repeated one) —
raises `Unsupported`, and juesuan.readers.pdf reads the document with pdfplumber instead.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import os
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from juesuan.readers import Row, limits, made_rows, pdf_tables, pdfium_bulk

# pdfplumber's defaults, as juesuan.readers.pdf uses them.
SNAP_TOLERANCE = 3  # edges this close across their axis are moved to their average
JOIN_TOLERANCE = 3  # collinear edges with a gap up to this are joined
EDGE_MIN_LENGTH_PREFILTER = 1
EDGE_MIN_LENGTH = 3
INTERSECTION_TOLERANCE = 3
X_TOLERANCE = 3  # a gap wider than this between two chars starts a new word
Y_TOLERANCE = 3  # chars of a table cell whose tops chain within this are one line
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
)
# Blanks pdfium leaves out are put back one per this advance (in em): the width of a space in
# the CJK fonts of the samples; the count only weighs in a page's median character size.
SPACE_ADVANCE_EM = 0.5


class Unsupported(Exception):
    """A page this module would not read as pdfplumber does: read the document with pdfplumber."""


# A char is a plain tuple (a document has ~12,000): x0, x1, top, bottom, size, text, and its
# place in the page's text. An edge: x0, top, x1, bottom, and pdfplumber's width (horizontal
# edge) or height (vertical edge), which its length filters use.
X0, X1, TOP, BOTTOM, SIZE, TEXT, ORDER = range(7)
Char = tuple[float, float, float, float, float, str, int]
Edge = tuple[float, float, float, float, float]
Box = tuple[float, float, float, float]
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]


_NO_INDEX = np.empty(0, np.int64)
_NO_FLOAT = np.empty(0, np.float64)


# --- pdfium through ctypes -----------------------------------------------------------------------

_P = ctypes.c_void_p  # handles and out-pointers are passed and returned as plain ints
_I = ctypes.c_int


def _c(name: str, restype, *argtypes) -> Callable:
    """A pdfium function with plain ctypes types: fewer conversions per call. For the calls
    made once per page or per font; those per character, page object or path segment, a large
    part of this reader's cost, are `_U`'s: made with `map`, without argument types, writing
    into arrays read once per page (`_Scratch`)."""
    function = getattr(pdfium_c, name)
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, _P).value)


class _C:
    count_chars = _c("FPDFText_CountChars", _I, _P)
    get_text = _c("FPDFText_GetText", _I, _P, _I, _I, _P)
    unicode = _c("FPDFText_GetUnicode", ctypes.c_uint, _P, _I)
    is_generated = _c("FPDFText_IsGenerated", _I, _P, _I)
    descent = _c("FPDFFont_GetDescent", _I, _P, ctypes.c_float, _P)
    base_font_name = _c("FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, _P, ctypes.c_size_t)
    bounds = _c("FPDFPageObj_GetBounds", _I, _P, _P, _P, _P, _P)
    matrix = _c("FPDFPageObj_GetMatrix", _I, _P, _P)
    count_objects = _c("FPDFPage_CountObjects", _I, _P)
    count_form_objects = _c("FPDFFormObj_CountObjects", _I, _P)
    form_object = _c("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
    object_type = _c("FPDFPageObj_GetType", _I, _P)
    # Pages by handle: pypdfium2's page objects cost ~40 us a page more.
    load_page = _c("FPDF_LoadPage", _P, _P, _I)
    close_page = _c("FPDF_ClosePage", None, _P)
    load_textpage = _c("FPDFText_LoadPage", _P, _P)
    close_textpage = _c("FPDFText_ClosePage", None, _P)
    rotation = _c("FPDFPage_GetRotation", _I, _P)
    mediabox = _c("FPDFPage_GetMediaBox", _I, _P, _P, _P, _P, _P)


class _Obj(ctypes.c_void_p):
    """A pdfium handle as `_U`'s calls return it: a ctypes object, passed back as it is."""


def _u(name: str, restype) -> Callable:
    """A pdfium function called without argument types: nothing is converted, so it is about a
    third cheaper than with them (the calls in bulk); handles and pointers must be passed as
    ctypes objects (`_Obj`, `c_void_p`) and other arguments be C ints."""
    function = getattr(pdfium_c, name)
    call = ctypes.CFUNCTYPE(restype)(ctypes.cast(function, _P).value)
    call.argtypes = None
    return call


class _U:
    text_object = _u("FPDFText_GetTextObject", ctypes.c_size_t)  # 0 when generated
    loose_box = _u("FPDFText_GetLooseCharBox", _I)
    origin = _u("FPDFText_GetCharOrigin", _I)
    page_object = _u("FPDFPage_GetObject", _Obj)
    object_type = _u("FPDFPageObj_GetType", _I)
    matrix = _u("FPDFPageObj_GetMatrix", _I)
    font_size = _u("FPDFTextObj_GetFontSize", _I)
    font = _u("FPDFTextObj_GetFont", _Obj)
    count_segments = _u("FPDFPath_CountSegments", _I)
    segment = _u("FPDFPath_GetPathSegment", _Obj)
    segment_point = _u("FPDFPathSegment_GetPoint", _I)
    segment_type = _u("FPDFPathSegment_GetType", _I)
    segment_close = _u("FPDFPathSegment_GetClose", _I)


class _Scratch:
    """Out-parameter arrays for `_U`'s calls in bulk, with a pointer object to each row made
    once and reused from page to page and document to document (making them costs about what
    the untyped call saves): one per thread, see `_scratch`."""

    def __init__(self) -> None:
        self._rows: dict[tuple, tuple[np.ndarray, list[list[ctypes.c_void_p]]]] = {}

    def filled(
        self, function: Callable, args: tuple, dtype: type, width: int, offsets: tuple[int, ...]
    ) -> np.ndarray:
        """`function(*args[i], *out-pointers)` for every i, its results in row i of an array."""
        count = len(args[0])
        key = (dtype, width, offsets)
        array, pointers = self._rows.get(key, (None, []))
        if array is None or len(array) < width * count:
            capacity = max(count, 256, 2 * len(array) // width if array is not None else 0)
            array = np.empty(width * capacity, dtype)
            at, stride = array.ctypes.data, width * array.itemsize
            pointers = [
                list(map(ctypes.c_void_p, range(at + offset, at + offset + stride * capacity,
                                                stride)))
                for offset in offsets
            ]  # fmt: skip
            self._rows[key] = (array, pointers)
        list(map(function, *args, *(p[:count] for p in pointers)))
        return array[: width * count].copy()


_THREAD = threading.local()


def _scratch() -> _Scratch:
    """This thread's `_Scratch`."""
    scratch = getattr(_THREAD, "scratch", None)
    if scratch is None:
        scratch = _THREAD.scratch = _Scratch()
    return scratch


class _CtypesBulk:
    """pdfium_bulk's calls made through ctypes (`_U`, `_Scratch`): the same arrays, where the
    compiled ones cannot be built (no C compiler) or JUESUAN_PDF_BULK=ctypes asks for them."""

    def __init__(self) -> None:
        self.scratch = _scratch()

    def objects(self, page: int) -> tuple[np.ndarray, np.ndarray]:
        count = _C.count_objects(page)
        objects = list(map(_U.page_object, [ctypes.c_void_p(page)] * count, range(count)))
        kinds = np.fromiter(map(_U.object_type, objects), np.int32, count)
        return np.array([obj.value or 0 for obj in objects], np.int64), kinds

    def matrices(self, objects: np.ndarray) -> np.ndarray:
        return self.scratch.filled(_U.matrix, (_objs(objects),), np.float32, 6, (0,)).reshape(-1, 6)

    def fonts(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        objects = _objs(texts)
        sizes = self.scratch.filled(_U.font_size, (objects,), np.float32, 1, (0,))
        handles = [font.value or 0 for font in map(_U.font, objects)]
        fonts = list(dict.fromkeys(handles))  # in order of first use
        index = {font: k for k, font in enumerate(fonts)}
        font_of = np.array([index[font] for font in handles], np.int32)
        out, descents, names = _Out(), [], []
        for font in fonts:
            ok = font and _C.descent(font, 1.0, out.at)
            descents.append(out.floats[0] if ok else np.nan)
            name = ctypes.create_string_buffer(pdfium_bulk.NAME_SIZE)
            size = _C.base_font_name(font, name, len(name)) if font else 0
            names.append(name.raw[: max(size - 1, 0)].decode("latin-1"))
        return sizes, font_of, np.array(descents, np.float32), names

    def chars(self, textpage: int, count: int, codes: np.ndarray, texts: np.ndarray):
        handles = [ctypes.c_void_p(textpage)] * count
        indices = range(count)
        objects = np.fromiter(map(_U.text_object, handles, indices), np.int64, count)  # 0: none
        boxes = self.scratch.filled(_U.loose_box, (handles, indices), np.float32, 4, (0,))
        origins = self.scratch.filled(_U.origin, (handles, indices), np.float64, 2, (0, 8))
        keep = objects != 0
        # pdfium's own spaces and line breaks (some with an object)
        maybe = np.flatnonzero(keep & ((codes < 0x20) | _blank(codes))).tolist()
        keep[[i for i in maybe if _C.is_generated(textpage, i)]] = False
        return self._owners(texts, objects), keep, boxes.reshape(-1, 4), origins.reshape(-1, 2)

    @staticmethod
    def _owners(texts: np.ndarray, objects: np.ndarray) -> np.ndarray:
        """For each char's text object (0: none), its index in `texts` (-1: none)."""
        if not len(texts):
            return np.full(len(objects), -1, np.int32)
        order = np.argsort(texts)
        found = order[np.searchsorted(texts, objects, sorter=order).clip(0, len(order) - 1)]
        return np.where((objects != 0) & (texts[found] == objects), found, -1).astype(np.int32)

    def segments(self, paths: np.ndarray):
        objects = _objs(paths)
        counts = np.fromiter(map(_U.count_segments, objects), np.int32, len(objects)).clip(0)
        owners = itertools.chain.from_iterable(map(itertools.repeat, objects, counts.tolist()))
        indices = itertools.chain.from_iterable(map(range, counts.tolist()))
        segments = list(map(_U.segment, owners, indices))
        points = self.scratch.filled(_U.segment_point, (segments,), np.float32, 2, (0, 4))
        types = np.fromiter(map(_U.segment_type, segments), np.int32, len(segments))
        closes = np.fromiter(map(_U.segment_close, segments), np.int32, len(segments)) != 0
        return counts, points.reshape(-1, 2), types, closes

    def owners(self, texts: np.ndarray, objects: np.ndarray) -> np.ndarray:
        """For each char's text object (0: none), its index in `texts` (-1: none)."""
        if not len(texts):
            return np.full(len(objects), -1, np.int32)
        order = np.argsort(texts)
        found = order[np.searchsorted(texts, objects, sorter=order).clip(0, len(order) - 1)]
        return np.where((objects != 0) & (texts[found] == objects), found, -1).astype(np.int32)


def _objs(handles: np.ndarray) -> list[ctypes.c_void_p]:
    return list(map(ctypes.c_void_p, handles.tolist()))


def _bulk():
    """The compiled calls (juesuan.readers.pdfium_bulk), or the same through ctypes where they
    cannot be built or JUESUAN_PDF_BULK=ctypes asks for them."""
    if os.environ.get(pdfium_bulk.MODE_VARIABLE, "").strip().lower() == "ctypes":
        return _CtypesBulk()
    return pdfium_bulk.compiled() or _CtypesBulk()


def _handle(raw) -> int:
    """A document's handle as an int: `limits.OpenedPdf`'s is one already, pypdfium2's not."""
    return raw if isinstance(raw, int) else ctypes.cast(raw, _P).value or 0


class _Out:
    """Reusable out-parameters (six floats)."""

    def __init__(self) -> None:
        self.floats = (ctypes.c_float * 6)()
        self.at = ctypes.addressof(self.floats)

    def matrix(self, getter: Callable, *args: int) -> Matrix:
        getter(*args, self.at)
        return tuple(self.floats)  # type: ignore[return-value]

    def bounds(self, obj: int) -> Box:
        at = self.at
        _C.bounds(obj, at, at + 4, at + 8, at + 12)
        return tuple(self.floats[:4])  # type: ignore[return-value]


def _multiply(m: Matrix, n: Matrix | None) -> Matrix:
    """m then n, as pdfminer's mult_matrix."""
    if n is None:
        return m
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (
        a * a1 + b * c1,
        a * b1 + b * d1,
        c * a1 + d * c1,
        c * b1 + d * d1,
        e * a1 + f * c1 + e1,
        e * b1 + f * d1 + f1,
    )


# pypdfium2's get_mediabox: US Letter where the page has no MediaBox of its own.
LETTER = (0, 0, 612, 792)


@dataclass(frozen=True)
class _Frame:
    """pdfplumber's page coordinates: x as in the PDF, top measured down from the MediaBox top.

    pdfminer works relative to the MediaBox origin and pdfplumber adds it back; the arithmetic
    is kept in the same order so that equal inputs give equal floats.
    """

    x0: float
    y0: float
    height: float
    top: float  # pdfplumber's mediabox[1]

    @classmethod
    def of(cls, page: int) -> _Frame:
        if _C.rotation(page):  # 1, 2, 3: quarter turns; -1: unknown
            raise Unsupported("rotated page")
        out = _Out()
        at = out.at
        found = _C.mediabox(page, at, at + 4, at + 8, at + 12)
        return cls.of_box(tuple(out.floats[:4]) if found else LETTER)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def of_box(box: tuple[float, ...]) -> _Frame:
        """The frame of a MediaBox (left bottom right top) as pdfium gives it: the pages of a
        document mostly share one."""
        # pdfium keeps floats; the PDF has decimals, which 7 significant digits give back.
        left, bottom, right, top = (float(f"{v:.7g}") for v in box)
        x0, y0, y1 = min(left, right), min(bottom, top), max(bottom, top)
        mb_height = y1 - y0
        box_top, box_bottom = mb_height - y1, mb_height - y0
        return _Frame(x0, y0, box_bottom - box_top, box_top)

    def x(self, x: float) -> float:
        return (x - self.x0) + self.x0 if self.x0 else x

    def top_of(self, y: float) -> float:
        """pdfplumber's top (or bottom) of a PDF y, from a box's upper (or lower) y."""
        return (self.height - (y - self.y0)) + self.top


# --- page objects --------------------------------------------------------------------------------


@dataclass
class _Objects:
    """A page's text and path objects (handles) in content order, forms' inline; each with its
    form's matrix where the page has forms (`None` where it has none, the common case)."""

    texts: np.ndarray
    paths: np.ndarray
    images: bool = False
    text_forms: list[Matrix | None] | None = None
    path_forms: list[Matrix | None] | None = None


_TEXT, _PATH = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH
_IMAGE, _FORM = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM


def _page_objects(page: int, bulk) -> _Objects:
    """The page's text and path objects, in content order, forms' inline."""
    handles, kinds = bulk.objects(page)
    if not (kinds == _FORM).any():  # the common case, at once
        images = bool((kinds == _IMAGE).any())
        return _Objects(handles[kinds == _TEXT], handles[kinds == _PATH], images)
    found: dict[int, list] = {_TEXT: [], _PATH: [], _IMAGE: []}
    _walk(handles.tolist(), kinds.tolist(), None, found)
    texts, paths = ([obj for obj, _ in found[kind]] for kind in (_TEXT, _PATH))
    return _Objects(
        np.array(texts, np.int64), np.array(paths, np.int64), bool(found[_IMAGE]),
        [matrix for _, matrix in found[_TEXT]], [matrix for _, matrix in found[_PATH]],
    )  # fmt: skip


def _walk(handles: list[int], kinds: list[int], container: Matrix | None, found: dict) -> None:
    """Objects by kind with their form's matrix, a form's objects in its place."""
    for obj, kind in zip(handles, kinds, strict=True):
        if kind == _FORM:
            inner = _multiply(_Out().matrix(_C.matrix, obj), container)
            count = _C.count_form_objects(obj)
            objects = [_C.form_object(obj, i) or 0 for i in range(count)]
            _walk(objects, [_C.object_type(o) for o in objects], inner, found)
        elif kind in found:
            found[kind].append((obj, container))


# --- characters ----------------------------------------------------------------------------------


def _codes(textpage: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The code point of each char of the text page, and the places of the chars to leave out:
    the second halves of surrogate pairs (`_paired`)."""
    units = np.zeros(count + 1, np.uint16)
    _C.get_text(textpage, 0, count, units.ctypes.data)
    units = units[:count]
    if ((units & 0xF800) == 0xD800).any():  # outside the BMP: one char, two UTF-16 units
        return _paired(
            np.array([_C.unicode(textpage, i) or 0xFFFD for i in range(count)], np.uint32)
        )
    return units.astype(np.uint32), _NO_INDEX


def _paired(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pdfium's text page holds a char outside the BMP as two chars (a high then a low UTF-16
    surrogate, one glyph: the same object, box and origin), pdfminer as one: the code point put
    in the first, the places of the seconds returned to be left out. Lone surrogates stay."""
    high = (codes >= 0xD800) & (codes < 0xDC00)
    low = (codes >= 0xDC00) & (codes < 0xE000)
    first = np.flatnonzero(high[:-1] & low[1:])  # a low is never a high: pairs cannot overlap
    codes[first] = 0x10000 + ((codes[first] - 0xD800) << 10) + (codes[first + 1] - 0xDC00)
    return codes, first + 1


def _metrics(matrices: np.ndarray, sizes: np.ndarray, descents: np.ndarray) -> np.ndarray:
    """pdfminer's box of the chars of each text object, from their baseline origin: a row of
    (down to the bottom, up to the top, widening left, widening right, x, y of the origin).

    The box is the font size high, from the font descriptor's /Descent (per 1000, forced
    negative) below the baseline, through the text matrix (form matrices included); slanted
    (italic) text widens it. Upright text only, as pdfplumber reads it in lines.
    """
    a, b, c, d = (matrices[:, k] for k in range(4))
    if (b != 0).any() or (a <= 0).any() or (d <= 0).any():
        raise Unsupported("rotated or mirrored text")
    low = -np.abs(descents) * sizes
    high = low + sizes
    return np.stack(
        [d * low, d * high, np.minimum(c * low, c * high), np.maximum(c * low, c * high),
         matrices[:, 4], matrices[:, 5]],
        axis=1,
    )  # fmt: skip


def _descents(descents: np.ndarray, names: list[str]) -> np.ndarray:
    """pdfminer's descent per unit of font size of each font: the font descriptor's, as pdfium
    reads it (NaN: none), except for the standard font names pdfminer takes from its own
    metrics (Helvetica, Arial, Times-Roman, TimesNewRoman, Courier… whatever the PDF declares)."""
    values = descents.astype(np.float64)
    if np.isnan(values).any():
        raise Unsupported("text without a font")
    for k, name in enumerate(names):
        standard = _standard_fonts().get(name)
        if standard is not None:
            values[k] = float(standard[0].get("Descent", 0)) * 0.001
    return values


@functools.cache
def _standard_fonts() -> dict:
    from pdfminer.fontmetrics import FONT_METRICS

    return FONT_METRICS


_SPACES = pdfium_bulk.SPACES.view(bool)  # whether each code point up to U+3000 is whitespace
_LIGATURE_CODES = np.array(list(_LIGATURES), np.uint32)
_LIGATURE_RANGE = (int(_LIGATURE_CODES.min()), int(_LIGATURE_CODES.max()))


def _blank(codes: np.ndarray) -> np.ndarray:
    """Whether each code point is whitespace (str.isspace)."""
    return (codes <= 0x3000) & _SPACES[codes.clip(max=0x3000)]


def _decode(codes: np.ndarray) -> str:
    """The text of the code points. A surrogate left alone (its pair is joined where the chars
    are read) comes from a broken ToUnicode map: it is U+FFFD, as no UTF-8 file can hold it."""
    return codes.astype("<u4").tobytes().decode("utf-32-le", errors="replace")


@dataclass
class _Chars:
    """A page's chars as columns (numpy, float64): pdfminer's boxes in pdfplumber's coordinates,
    the font size, the text (a code point each) and the place in the page's text.

    Kept as arrays rather than one tuple per char: cell assignment and the texts of cells and
    lines work on whole columns; tuples (`Char`) are made only for the chars that the per-char
    code still needs.
    """

    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    codes: np.ndarray
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def empty(cls) -> _Chars:
        return cls(*(_NO_FLOAT,) * 5, np.empty(0, np.uint32), _NO_INDEX)

    def blank(self) -> np.ndarray:
        """Whether each char is a blank (whitespace), as pdfplumber's words test it."""
        return _blank(self.codes)

    def ligatures(self) -> bool:
        codes = self.codes
        return bool(len(codes)) and bool(
            ((codes >= _LIGATURE_CODES.min()) & (codes <= _LIGATURE_CODES.max())).any()
        )

    @classmethod
    def joined(cls, parts: list[_Chars]) -> _Chars:
        """The chars of several pages, one after the other."""
        if len(parts) == 1:
            return parts[0]
        columns = ("x0", "x1", "top", "bottom", "size", "codes", "order")
        return cls(*(np.concatenate([getattr(p, c) for p in parts]) for c in columns))

    def tuples(self, indices: list[int]) -> list[Char]:
        """The chars at these places as `Char` tuples."""
        if not indices:
            return []
        columns = (self.x0, self.x1, self.top, self.bottom, self.size)
        x0, x1, top, bottom, size = (column[indices].tolist() for column in columns)
        text = list(_decode(self.codes[indices]))
        order = self.order[indices].tolist()
        return list(zip(x0, x1, top, bottom, size, text, order, strict=True))


@dataclass
class _RawChars:
    """What pdfium gives of a page's chars and text objects, taken while the page is open; the
    chars themselves are worked out for the whole document at once (`document_chars`), as
    numpy's cost is per call more than per element."""

    frame: _Frame
    matrices: np.ndarray  # each text object's, its form's included (float64)
    sizes: np.ndarray  # font size (float64)
    descents: np.ndarray  # its font's descent per unit of font size
    codes: np.ndarray  # each char's code point
    owners: np.ndarray  # each char's text object (-1: none)
    keep: np.ndarray  # the chars kept: with a text object, not generated by pdfium
    boxes: np.ndarray  # pdfium's loose box (l t r b, float32)
    origins: np.ndarray  # baseline origin (x y)
    blanks: np.ndarray  # text objects none of whose chars pdfium kept
    blank_bounds: list[Box]  # their bounds

    @classmethod
    def empty(cls, frame: _Frame) -> _RawChars:
        none = np.empty(0, np.int64)
        return cls(
            frame, np.empty((0, 6)), _NO_FLOAT, _NO_FLOAT, np.empty(0, np.uint32), none,
            np.empty(0, bool), np.empty((0, 4), np.float32), np.empty((0, 2)), none, [],
        )  # fmt: skip

    @property
    def kept(self) -> int:
        """How many chars pdfium kept (blanks put back come on top)."""
        return int(self.keep.sum())


def raw_chars(textpage: int, frame: _Frame, objects: _Objects, bulk) -> _RawChars:
    """The page's chars and text objects as pdfium gives them: what `document_chars` needs."""
    texts = objects.texts
    if not len(texts):
        return _RawChars.empty(frame)
    matrices = bulk.matrices(texts).astype(np.float64)
    for j, container in enumerate(objects.text_forms or ()):
        if container is not None:
            matrices[j] = _multiply(tuple(matrices[j].tolist()), container)  # type: ignore[arg-type]
    sizes, font_of, descents, names = bulk.fonts(texts)
    descents = _descents(descents, names)[font_of]
    count = _C.count_chars(textpage)
    if count < 0:
        raise Unsupported("pdfium has no text page")
    codes, seconds = _codes(textpage, count)
    # boxes: left top right bottom; origins: x, y
    owners, keep, boxes, origins = bulk.chars(textpage, count, codes, texts)
    if len(seconds):
        keep[seconds] = False
    if (owners[keep] < 0).any():  # kept chars are those with an object, less generated ones
        raise Unsupported("a character outside the page's text objects")
    # Text objects none of whose chars pdfium kept (blanks): put back (`_blanks`).
    has_chars = np.zeros(len(texts), bool)
    has_chars[owners[owners >= 0]] = True
    blanks = np.flatnonzero(~has_chars)
    out = _Out()
    bounds = [out.bounds(obj) for obj in texts[blanks].tolist()]
    return _RawChars(
        frame, matrices, sizes.astype(np.float64), descents, codes, owners, keep, boxes,
        origins, blanks, bounds,
    )  # fmt: skip


def document_chars(pages: list[_RawChars]) -> list[_Chars]:
    """Each page's chars with pdfminer's boxes, in pdfium's text order, without generated ones:
    computed for all pages at once, with the same arithmetic as page by page."""
    if not pages:
        return []
    metrics = _metrics(
        np.concatenate([p.matrices for p in pages]),
        np.concatenate([p.sizes for p in pages]),
        np.concatenate([p.descents for p in pages]),
    )
    firsts = np.cumsum([0] + [len(p.sizes) for p in pages])
    keep = np.concatenate([p.keep for p in pages])
    page_of = np.repeat(np.arange(len(pages)), [len(p.keep) for p in pages])[keep]
    owners = (np.concatenate([p.owners for p in pages])[keep] + firsts[:-1][page_of]).astype(
        np.int64
    )
    per_char = metrics[owners]
    if per_char[:, 2].any() or per_char[:, 3].any():
        # pdfium slants its own box (with its own ascent): pdfminer's right edge is unknown.
        raise Unsupported("slanted text")
    frames = [p.frame for p in pages]
    # x0 is the glyph origin (pdfium's box reaches further left where a glyph overhangs), x1
    # the right of pdfium's box: origin plus advance, or the glyph's ink if it reaches further.
    origins = np.concatenate([p.origins for p in pages])[keep]
    x0 = origins[:, 0]
    x1 = np.concatenate([p.boxes for p in pages])[keep, 2]
    if any(f.x0 for f in frames):  # x1 stays float32 here, as numpy computes it
        fx0 = np.array([f.x0 for f in frames])[page_of]
        shift = fx0 != 0
        x0 = np.where(shift, (x0 - fx0) + fx0, x0)
        fx0 = fx0.astype(np.float32)
        x1 = np.where(shift, (x1 - fx0) + fx0, x1)
    x1 = x1.astype(np.float64)
    height, top, y0 = (
        np.array([getattr(f, name) for f in frames])[page_of] for name in ("height", "top", "y0")
    )
    base = origins[:, 1] - y0
    low, high = base + per_char[:, 0], base + per_char[:, 1]
    tops = (height - high) + top
    bottoms = (height - low) + top
    sizes = high - low
    codes = np.concatenate([p.codes for p in pages])[keep]
    order = np.concatenate([np.flatnonzero(p.keep) for p in pages])
    columns = (x0, x1, tops, bottoms, sizes, codes, order)
    ends = np.cumsum([p.kept for p in pages])
    found = []
    for k, (page, start, end) in enumerate(zip(pages, [0, *ends[:-1]], ends, strict=True)):
        chars = _Chars(*(column[start:end] for column in columns))
        if len(page.blanks):
            blank = page.blanks + firsts[k]
            chars = _with_blanks(chars, _blanks(page.blank_bounds, metrics[blank], page.frame))
        found.append(chars)
    return found


def _with_blanks(chars: _Chars, extra: list[Char]) -> _Chars:
    if not extra:
        return chars
    columns = list(zip(*extra, strict=True))
    x0, x1, tops, bottoms, sizes = (
        np.concatenate([array, np.array(column, np.float64)])
        for array, column in zip(
            (chars.x0, chars.x1, chars.top, chars.bottom, chars.size), columns[:5], strict=True
        )
    )
    codes = np.concatenate([chars.codes, np.array([ord(t) for t in columns[TEXT]], np.uint32)])
    order = np.concatenate([chars.order, np.array(columns[ORDER], np.int64)])
    return _Chars(x0, x1, tops, bottoms, sizes, codes, order)


def _blanks(bounds: list[Box], metrics: np.ndarray, frame: _Frame) -> list[Char]:
    """The text objects pdfium's text page leaves out, put back; refuse what cannot be known.

    pdfium skips a text object whose box is empty — blanks, which pdfminer keeps and pdfplumber
    uses to split words and to measure lines. It also drops a text object that repeats the
    previous one (fake bold), which pdfminer keeps twice: not reproducible here.
    """
    chars: list[Char] = []
    for box, (down, up, left, right, x, y) in zip(bounds, metrics.tolist(), strict=True):
        size = up - down
        x_min, y_min, x_max, y_max = box
        if y_max - y_min > 0.25 * size:  # glyphs with ink, not blanks
            raise Unsupported("pdfium left out a text object (a repeated one?)")
        advance = size * SPACE_ADVANCE_EM
        count = 1 + round((x_max - x_min) / advance)
        step = (x_max - x_min) / (count - 1) if count > 1 else 0.0
        base = y - frame.y0
        top, bottom = frame.top_of(base + up), frame.top_of(base + down)
        for k in range(count):
            start = x + k * step
            order = 1_000_000 + len(chars)
            chars.append(
                (
                    frame.x(start + left),
                    frame.x(start + advance + right),
                    top,
                    bottom,
                    size,
                    " ",
                    order,
                )
            )
    return chars


# --- edges: pdfminer's paths, pdfplumber's edges -------------------------------------------------

_OPERATORS = {
    pdfium_c.FPDF_SEGMENT_MOVETO: "m",
    pdfium_c.FPDF_SEGMENT_LINETO: "l",
    pdfium_c.FPDF_SEGMENT_BEZIERTO: "c",
}


class _Edges:
    """pdfplumber's `page.edges` by orientation: line edges, then rectangle edges, then curve
    edges, each in content order."""

    def __init__(self, frame: _Frame) -> None:
        self.frame = frame
        self.lines: tuple[list[Edge], list[Edge]] = ([], [])  # vertical, horizontal
        self.rects: tuple[list[Edge], list[Edge]] = ([], [])
        self.curves: tuple[list[Edge], list[Edge]] = ([], [])

    def line(self, ax: float, ay: float, bx: float, by: float) -> None:
        # pdfplumber's line_to_edge: horizontal if flat, else vertical (a slanted line too).
        f = self.frame
        x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
        y0, y1 = (ay, by) if ay <= by else (by, ay)
        top, bottom = (f.height - y1) + f.top, (f.height - y0) + f.top
        if f.x0:
            x0, x1, width = x0 + f.x0, x1 + f.x0, x1 - x0
        else:
            width = x1 - x0
        if top == bottom:
            self.lines[1].append((x0, top, x1, bottom, width))
        else:
            self.lines[0].append((x0, top, x1, bottom, y1 - y0))

    def rect(self, points: list[Point]) -> None:
        f = self.frame
        (ax, ay), (bx, by) = points[0], points[2]
        x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
        y0, y1 = (ay, by) if ay <= by else (by, ay)
        width, height = x1 - x0, y1 - y0
        top, bottom = (f.height - y1) + f.top, (f.height - y0) + f.top
        if f.x0:
            x0, x1 = x0 + f.x0, x1 + f.x0
        self.rects[1].extend(((x0, top, x1, top, width), (x0, top + height, x1, bottom, width)))
        self.rects[0].extend(((x0, top, x0, bottom, height), (x1, top, x1, bottom, height)))

    def curve(self, points: list[Point]) -> None:
        f = self.frame  # pdfplumber's point2coord: (mediabox x0 + x, mediabox top + height - y)
        page = [(f.x0 + x, f.top + f.height - y) for x, y in points]
        for (ax, ay), (bx, by) in itertools.pairwise(page):
            edge = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
            if ax == bx:
                self.curves[0].append((*edge, abs(ay - by)))
            elif ay == by:
                self.curves[1].append((*edge, abs(ax - bx)))

    def by_orientation(self) -> tuple[list[Edge], list[Edge]]:
        vertical = self.lines[0] + self.rects[0] + self.curves[0]
        return vertical, self.lines[1] + self.rects[1] + self.curves[1]


@dataclass
class _RawPaths:
    """A page's path objects as pdfium gives them, taken while the page is open; their edges
    are worked out for the whole document at once (`document_edges`)."""

    frame: _Frame
    counts: np.ndarray  # each path's segments
    points: np.ndarray  # each segment's point (x y, float32), the paths one after the other
    types: np.ndarray  # each segment's type (FPDF_SEGMENT_*)
    closes: np.ndarray  # whether it closes its subpath
    matrices: np.ndarray  # each path's, its form's included (float64)


def raw_paths(objects: _Objects, frame: _Frame, bulk) -> _RawPaths:
    """The page's path objects as pdfium gives them: what `document_edges` needs."""
    paths = objects.paths
    counts, points, types, closes = bulk.segments(paths)
    full = bulk.matrices(paths).astype(np.float64)
    for j, container in enumerate(objects.path_forms or ()):
        if container is not None:
            full[j] = _multiply(tuple(full[j].tolist()), container)  # type: ignore[arg-type]
    return _RawPaths(frame, counts.astype(np.int64), points, types, closes, full)


def document_edges(pages: list[_RawPaths]) -> list[tuple[list[Edge], list[Edge]]]:
    """pdfplumber's vertical and horizontal edges of each page's path objects, worked out for
    all pages at once (paths that are a line, most of them) with the same arithmetic as page by
    page."""
    if not pages:
        return []
    return _document_edges(
        [p.frame for p in pages], [len(p.counts) for p in pages],
        *(np.concatenate([getattr(p, name) for p in pages])
          for name in ("counts", "matrices", "points", "types", "closes")),
    )  # fmt: skip


def _document_edges(
    frames: list[_Frame],
    per_page: list[int],
    counts: np.ndarray,
    matrices: np.ndarray,
    points: np.ndarray,
    types: np.ndarray,
    closes: np.ndarray,
) -> list[tuple[list[Edge], list[Edge]]]:
    """`document_edges` of the pages' paths one after the other (`per_page` of them on each):
    their segment counts (int64), matrices (float64), segments' points (float32), types and
    closes."""
    if not len(counts):
        return [([], []) for _ in frames]
    pages = range(len(frames))
    path_page = np.repeat(np.arange(len(frames)), per_page)
    x_origin, y_origin, height, top = (
        np.array([getattr(f, name) for f in frames])[path_page]
        for name in ("x0", "y0", "height", "top")
    )
    # pdfminer's apply_matrix_pt, then relative to the MediaBox origin as its page CTM does.
    owner = np.repeat(np.arange(len(counts)), counts)
    m = matrices[owner]
    px, py = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    x = m[:, 0] * px + m[:, 2] * py + m[:, 4] - x_origin[owner]
    y = m[:, 1] * px + m[:, 3] * py + m[:, 5] - y_origin[owner]
    starts = np.concatenate([[0], np.cumsum(counts[:-1])])
    # Most paths are a move and a line: pdfium starts every path with a move, so a line is two
    # segments whose second is a line.
    pairs = np.flatnonzero(counts == 2)
    is_line = types[starts[pairs] + 1] == pdfium_c.FPDF_SEGMENT_LINETO
    lines = np.zeros(len(counts), bool)
    lines[pairs[is_line]] = True
    line = np.flatnonzero(lines)
    vertical, horizontal, flat = _line_edges(
        x, y, starts[line], height[line], top[line], x_origin[line]
    )
    # Each page's share of the line edges, in the paths' order.
    line_page = path_page[line]
    ends = [np.cumsum(np.bincount(line_page[which], minlength=len(pages))).tolist()
            for which in (~flat, flat)]  # fmt: skip
    found = []
    mixed = np.flatnonzero(np.bincount(path_page[~lines], minlength=len(pages))).tolist()
    for k in range(len(pages)):
        v = vertical[ends[0][k - 1] if k else 0 : ends[0][k]]
        h = horizontal[ends[1][k - 1] if k else 0 : ends[1][k]]
        found.append((v, h))
    if mixed:
        columns = (x.tolist(), y.tolist(), types.tolist(), closes.tolist())
        first_path = np.cumsum([0, *per_page]).tolist()
        for k in mixed:
            paths = range(first_path[k], first_path[k + 1])
            found[k] = _page_edges(frames[k], paths, starts, counts, lines, flat, found[k],
                                   line, columns)  # fmt: skip
    return found


def _page_edges(
    frame: _Frame,
    paths: range,
    starts: np.ndarray,
    counts: np.ndarray,
    lines: np.ndarray,
    flat: np.ndarray,
    line_edges: tuple[list[Edge], list[Edge]],
    line: np.ndarray,
    columns: tuple[list, list, list, list],
) -> tuple[list[Edge], list[Edge]]:
    """The edges of a page with paths other than a line, path by path: pdfplumber's line
    edges, then rectangle edges, then curve edges."""
    xs, ys, kinds, closing = columns
    vertical, horizontal = iter(line_edges[0]), iter(line_edges[1])
    orientation = iter(flat[np.searchsorted(line, paths.start) :].tolist())
    edges = _Edges(frame)
    for k in paths:
        start = int(starts[k])
        end = start + int(counts[k])
        if lines[k]:
            if next(orientation):
                edges.lines[1].append(next(horizontal))
            else:
                edges.lines[0].append(next(vertical))
        else:
            operations = _operations(
                kinds[start:end], closing[start:end], xs[start:end], ys[start:end]
            )
            for shape, points in _subpaths(operations):
                if shape in ("mlh", "ml"):
                    edges.line(*points[0], *points[1])
                elif shape in ("mlllh", "mllll") and _is_rect(points):
                    edges.rect(points)
                else:
                    edges.curve(points)
    return edges.by_orientation()


def _line_edges(
    x: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    height: np.ndarray,
    top: np.ndarray,
    x_origin: np.ndarray,
) -> tuple[list[Edge], list[Edge], np.ndarray]:
    """`_Edges.line` of the paths that are a line (from their two points at `starts`, with
    their page's frame), on whole columns: the vertical and the horizontal edges in the paths'
    order, and whether each path's edge is horizontal."""
    ax, bx, ay, by = x[starts], x[starts + 1], y[starts], y[starts + 1]
    x0, x1 = np.where(ax <= bx, ax, bx), np.where(ax <= bx, bx, ax)
    y0, y1 = np.where(ay <= by, ay, by), np.where(ay <= by, by, ay)
    tops, bottoms = (height - y1) + top, (height - y0) + top
    width = x1 - x0
    shift = x_origin != 0
    if shift.any():
        x0, x1 = np.where(shift, x0 + x_origin, x0), np.where(shift, x1 + x_origin, x1)
    flat = tops == bottoms
    columns = (x0, tops, x1, bottoms)
    horizontal = list(zip(*(c[flat].tolist() for c in (*columns, width)), strict=True))
    upright = ~flat
    vertical = list(zip(*(c[upright].tolist() for c in (*columns, y1 - y0)), strict=True))
    return vertical, horizontal, flat


def _operations(
    kinds: list[int], closing: list[bool], xs: list[float], ys: list[float]
) -> list[tuple[str, Point]]:
    """The path as pdfminer records it: (operator, end point); `h` closes a subpath.

    pdfium closes a subpath by adding a line back to its start (unless already there) and
    flagging the last point; pdfminer keeps the `h`. Writing the flag as an `h` gives the shapes
    pdfminer classifies the same way once it drops a redundant `l` before `h`.
    """
    operations: list[tuple[str, Point]] = []
    bezier = 0
    for kind, closes, x, y in zip(kinds, closing, xs, ys, strict=True):
        operator = _OPERATORS.get(kind)
        if operator is None:
            raise Unsupported("unknown path segment")
        if operator == "c":  # a Bézier is three points; pdfminer keeps its end point
            bezier += 1
            if bezier < 3:
                continue
            bezier = 0
        operations.append((operator, (x, y)))
        if closes:
            operations.append(("h", (x, y)))
    return operations


def _subpaths(operations: list[tuple[str, Point]]) -> Iterable[tuple[str, list[Point]]]:
    """pdfminer's paint_path: (shape, points) per subpath; `h` stands at its start point."""
    if not operations or operations[0][0] != "m":
        return
    starts = [i for i, (operator, _) in enumerate(operations) if operator == "m"]
    for begin, end in itertools.pairwise([*starts, len(operations)]):
        if end - begin < 2:
            continue
        part = operations[begin:end]
        shape = "".join(operator for operator, _ in part)
        first = part[0][1]
        points = [first if operator == "h" else point for operator, point in part]
        if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
            shape = shape[:-2] + "h"
            points.pop()
        yield shape, points


def _is_rect(points: list[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )
    return points[0] == points[4] and square


# --- tables: pdfplumber's TableFinder, "lines" strategy ------------------------------------------
#
# The edges, points, cells and tables of all the pages of a document at once: numpy's cost is per
# call more than per element, and a page has few edges.


def _order(major: np.ndarray, *minor: np.ndarray) -> np.ndarray:
    """np.lexsort((*reversed(minor), major)): the order by these keys (ties in the given
    order), faster. numpy orders complex numbers by real part, then imaginary part: two keys
    are sorted as one, by a stable sort that takes advantage of runs (values often come in
    order), where lexsort sorts once per key, each slower."""
    if len(minor) == 2:
        order = _order(minor[0], minor[1])
        return order[np.argsort(major[order], kind="stable")]
    return np.argsort(_keys(major, minor[0]), kind="stable")


def _keys(page: np.ndarray, value: np.ndarray) -> np.ndarray:
    """(page, value) pairs as complex numbers, which numpy orders by real part, then imaginary
    part: pairs sorted and searched in one call each, the values compared exactly."""
    keys = np.empty(len(value), np.complex128)
    keys.real = page
    keys.imag = value
    return keys


def _edge_array(pages: list[list[Edge]]) -> tuple[np.ndarray, np.ndarray]:
    """The edges of several pages as one (n, 5) array, and the place of each one's page."""
    counts = [len(edges) for edges in pages]
    if not sum(counts):
        return np.empty((0, 5)), _NO_INDEX
    values = itertools.chain.from_iterable(itertools.chain.from_iterable(pages))
    edges = np.fromiter(values, np.float64, 5 * sum(counts)).reshape(-1, 5)
    if not np.isfinite(edges).all():
        raise Unsupported("a ruling line without finite coordinates")
    return edges, np.repeat(np.arange(len(pages)), counts)


def _sums(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """The sum of the values of each group (numbered 0.. in the values' order), added one after
    the other from 0.0 as Python's `sum` adds floats: a row per group, padded with zeros."""
    starts = np.searchsorted(group, np.arange(groups))
    place = np.arange(len(values)) - starts[group]
    width = int(place.max()) + 2
    if groups * width > 8 * len(values) + 100_000:  # a large group among many: in Python
        bounds, listed = [*starts.tolist(), len(values)], values.tolist()
        return np.array([sum(listed[a:b]) for a, b in itertools.pairwise(bounds)])
    table = np.zeros((groups, width))
    table[group, place + 1] = values
    return np.add.accumulate(table, axis=1)[:, -1]


def _snap(edges: np.ndarray, page: np.ndarray, axis: int) -> np.ndarray:
    """pdfplumber's snap_objects on each page: each cluster of positions (distinct values in
    order, chained within the tolerance) moved to its average (axis 0: x0 and x1 of vertical
    edges; axis 1: top and bottom of horizontal ones), with pdfplumber's arithmetic."""
    value = edges[:, axis]
    order = _order(page, value)
    ordered, on = value[order], page[order]
    new = np.ones(len(order), bool)
    new[1:] = (on[1:] != on[:-1]) | (ordered[1:] > ordered[:-1] + SNAP_TOLERANCE)
    cluster = np.empty(len(order), np.int64)
    cluster[order] = np.cumsum(new) - 1
    by_cluster = np.argsort(cluster, kind="stable")  # each cluster in the edges' order
    count = int(cluster[order[-1]]) + 1
    average = _sums(value[by_cluster], cluster[by_cluster], count) / np.bincount(cluster)
    shift = average[cluster] - value
    snapped = edges.copy()
    snapped[:, axis] += shift
    snapped[:, axis + 2] += shift
    return snapped


def _joined(edges: np.ndarray, page: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """pdfplumber's join_edge_group on each line (edges of a page at the same position): in
    order along the line, an edge that starts within the tolerance of the end reached so far
    joins the previous one (extended to its end if it reaches further), else starts anew.

    The end reached so far is the running maximum of the ends along the line: an edge that
    starts anew ends past every edge before it (edges do not end before they start).
    """
    low, high = (1, 3) if axis == 0 else (0, 2)
    order = _order(page, edges[:, axis], edges[:, low])
    ordered, on = edges[order], page[order]
    start, end = ordered[:, low], ordered[:, high]
    line_new = np.ones(len(order), bool)
    line_new[1:] = (on[1:] != on[:-1]) | (ordered[1:, axis] != ordered[:-1, axis])
    line = np.cumsum(line_new) - 1
    # The running maximum of the ends of each line: on ranks, the lines kept apart.
    by_end = np.argsort(end, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[by_end] = np.arange(len(order))
    reached = end[by_end[np.maximum.accumulate(line * len(order) + rank) - line * len(order)]]
    before = np.empty(len(order))
    before[1:] = reached[:-1]
    new = line_new.copy()
    new[1:] |= start[1:] > before[1:] + JOIN_TOLERANCE
    firsts = np.flatnonzero(new)
    joined = ordered[firsts]
    last = np.append(firsts[1:], len(order)) - 1
    grown = reached[last] > joined[:, high]
    joined[:, high] = reached[last]
    if axis == 1:  # resize_object: the width from x0
        joined[grown, 4] = (joined[:, high] - joined[:, 0])[grown]
    else:  # the height grown by each difference, in turn
        extends = ~new & (end > before)
        grows = np.flatnonzero(extends)
        if len(grows):
            group = np.cumsum(new)[grows] - 1
            steps = np.concatenate([joined[:, 4], end[grows] - before[grows]])
            owner = np.concatenate([np.arange(len(firsts)), group])
            by_owner = np.argsort(owner, kind="stable")
            joined[:, 4] = _sums(steps[by_owner], owner[by_owner], len(firsts))
    return joined, on[firsts]


def table_edges(edges: np.ndarray, page: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """pdfplumber's TableFinder.get_edges for the edges of one orientation (axis 0: vertical,
    1: horizontal) of several pages (edges ordered by page): filter, snap, join, filter again.
    The edges and their pages, ordered by page."""
    keep = edges[:, 4] >= EDGE_MIN_LENGTH_PREFILTER
    edges, page = edges[keep], page[keep]
    if not len(edges):
        return edges, page
    low, high = (1, 3) if axis == 0 else (0, 2)
    if (edges[:, high] < edges[:, low]).any():
        raise Unsupported("a ruling line that ends before it starts")
    joined, on = _joined(_snap(edges, page, axis), page, axis)
    keep = joined[:, 4] >= EDGE_MIN_LENGTH
    return joined[keep], on[keep]


@dataclass
class _Points:
    """pdfplumber's intersections: points where edges meet (ordered by page, x, then y), each
    with the vertical and the horizontal edge there when it is on one only (else -1), and
    every (point, vertical edge, horizontal edge) that meets there. Edges are numbers (their
    places: joined edges have distinct boxes). `row`: a number per (page, y), in that order."""

    page: np.ndarray
    x: np.ndarray
    y: np.ndarray
    v_id: np.ndarray
    h_id: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    @classmethod
    def empty(cls) -> _Points:
        return cls(
            _NO_INDEX, _NO_FLOAT, _NO_FLOAT, _NO_INDEX, _NO_INDEX, (_NO_INDEX,) * 3, _NO_INDEX
        )

    def sets(self) -> dict[tuple[int, float, float], tuple[set[int], set[int]]]:
        """pdfplumber's form: each point's (page, x, y) vertical and horizontal edges, as sets."""
        page, x, y = self.page.tolist(), self.x.tolist(), self.y.tolist()
        found: dict[tuple[int, float, float], tuple[set[int], set[int]]] = {}
        for i, v, h in zip(*(column.tolist() for column in self.pairs), strict=True):
            vs, hs = found.setdefault((page[i], x[i], y[i]), (set(), set()))
            vs.add(v)
            hs.add(h)
        return found


def intersections(v: np.ndarray, pv: np.ndarray, h: np.ndarray, ph: np.ndarray) -> _Points:
    """pdfplumber's edges_to_intersections: points where edges meet, with the vertical and the
    horizontal edges there; of several pages at once (edges as `table_edges` gives them: the
    vertical ones `v` on pages `pv`, the horizontal ones `h` on pages `ph`)."""
    tol = INTERSECTION_TOLERANCE
    if not len(v) or not len(h):
        return _Points.empty()
    # pdfplumber tests every pair of a page, as here: the same comparisons, on whole columns of
    # the pairs of each page (edges are ordered by page).
    first = np.searchsorted(ph, pv, "left")  # each vertical edge's page's horizontal ones
    v_index, h_index = _spans(first, np.searchsorted(ph, pv, "right"))
    vx, vtop, vbottom = v[v_index, 0], v[v_index, 1], v[v_index, 3]
    hy, hx0, hx1 = h[h_index, 1], h[h_index, 0], h[h_index, 2]
    meet = (hy >= vtop - tol) & (hy - tol <= vbottom) & (hx0 - tol <= vx) & (vx <= hx1 + tol)
    v_index, h_index = v_index[meet], h_index[meet]
    if not len(v_index):
        return _Points.empty()
    # Points by page, x, then y: by the ranks of the edges' (page, x) and (page, y).
    column, row = _ranks(pv, v[:, 0])[v_index], _ranks(ph, h[:, 1])[h_index]
    key = column * (int(row.max()) + 1) + row
    order = np.argsort(key, kind="stable")  # in the pairs' order, mostly: quick
    key, v_ids, h_ids = key[order], v_index[order], h_index[order]
    new = np.ones(len(key), bool)
    new[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(new)

    def single(ids: np.ndarray) -> np.ndarray:
        low, high = np.minimum.reduceat(ids, starts), np.maximum.reduceat(ids, starts)
        return np.where(low == high, low, -1)

    at = order[starts]
    return _Points(
        pv[v_index[at]],
        v[v_index[at], 0],
        h[h_index[at], 1],
        single(v_ids),
        single(h_ids),
        (np.cumsum(new) - 1, v_ids, h_ids),
        row[at],
    )


def _ranks(page: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The rank of each (page, value) among the distinct ones."""
    order = _order(page, value)
    new = np.ones(len(order), bool)
    new[1:] = (value[order][1:] != value[order][:-1]) | (page[order][1:] != page[order][:-1])
    ranks = np.empty(len(order), np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks


@dataclass
class _Cells:
    """Cells found at intersections, in pdfplumber's order: each by its corners (places in the
    points: top left, top right, bottom left, bottom right), its box and page; once grouped by
    `tables`, the table of each (numbered in the document; -1 before), a table's cells together.
    """

    corners: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    x0: np.ndarray
    top: np.ndarray
    x1: np.ndarray
    bottom: np.ndarray
    page: np.ndarray  # of each cell
    table: np.ndarray

    def __len__(self) -> int:
        return len(self.x0)

    @classmethod
    def empty(cls) -> _Cells:
        return cls((_NO_INDEX,) * 4, *(_NO_FLOAT,) * 4, _NO_INDEX, _NO_INDEX)  # type: ignore[arg-type]

    def part(self, which: np.ndarray | slice) -> _Cells:
        corners = tuple(c[which] for c in self.corners)
        columns = (self.x0, self.top, self.x1, self.bottom, self.page, self.table)
        return _Cells(corners, *(column[which] for column in columns))  # type: ignore[arg-type]

    @classmethod
    def joined(cls, parts: list[_Cells]) -> _Cells:
        """The cells of several pages, one after the other."""
        parts = [part for part in parts if len(part)]
        if len(parts) < 2:
            return parts[0] if parts else cls.empty()
        corners = tuple(np.concatenate([p.corners[k] for p in parts]) for k in range(4))
        columns = ("x0", "top", "x1", "bottom", "page", "table")
        return cls(corners, *(np.concatenate([getattr(p, c) for p in parts]) for c in columns))  # type: ignore[arg-type]

    def tables(self) -> list[list[Box]]:
        """The boxes of each table's cells."""
        boxes = zip(*(c.tolist() for c in (self.x0, self.top, self.x1, self.bottom)), strict=True)
        found: dict[int, list[Box]] = {}
        for table, box in zip(self.table.tolist(), boxes, strict=True):
            found.setdefault(table, []).append(box)
        return list(found.values())


def cells(points: _Points) -> _Cells:
    """pdfplumber's intersections_to_cells: at each point (in order), the smallest cell whose
    corners are points joined by common edges (vertical ones down, horizontal ones across).

    pdfplumber tries the points below (joined to it) one by one, and for each the points to its
    right (joined to it): the first pair it tries is the next point down and the next point
    across. Where both are joined to the point, by one edge each, and the fourth corner is
    joined to them, the cell is found at once (on whole columns, for every point); the other
    points go through pdfplumber's search.
    """
    n = len(points)
    page, x, y, v_id, h_id = points.page, points.x, points.y, points.v_id, points.h_id
    if n < 2:
        return _Cells.empty()
    # Points are ordered by page, x, then y; `across`, by page, y, then x. A column (a row) is
    # the points of one page with the same x (y): each has a rank among them.
    x_new = (x[1:] != x[:-1]) | (page[1:] != page[:-1])
    x_rank = np.zeros(n, np.int64)
    x_rank[1:] = np.cumsum(x_new)
    y_rank = points.row
    across = np.argsort(y_rank, kind="stable")  # by page, y, then x
    y_new = y_rank[across[1:]] != y_rank[across[:-1]]
    below = np.full(n, -1, np.int64)  # the next point down
    same_x = np.flatnonzero(~x_new)
    below[same_x] = same_x + 1
    right = np.full(n, -1, np.int64)  # the next point across
    same_y = np.flatnonzero(~y_new)
    right[across[same_y]] = across[same_y + 1]
    rows = int(y_rank.max()) + 1
    key = x_rank * rows + y_rank  # increasing with the points' order
    b, r = below.clip(0), right.clip(0)
    wanted = x_rank[r] * rows + y_rank[b]
    c = np.searchsorted(key, wanted).clip(0, n - 1)
    quick = (below >= 0) & (right >= 0) & (key[c] == wanted)
    quick &= (v_id >= 0) & (v_id[b] == v_id) & (h_id >= 0) & (h_id[r] == h_id)
    quick &= (v_id[c] >= 0) & (v_id[c] == v_id[r]) & (h_id[c] >= 0) & (h_id[c] == h_id[b])
    corners = [np.flatnonzero(quick), r[quick], b[quick], c[quick]]
    # Without a point below or across there is no cell; the others are searched.
    search = np.flatnonzero(~quick & (below >= 0) & (right >= 0))
    if len(search):
        if (v_id >= 0).all() and (h_id >= 0).all():
            found = _search_tried(points, search, across, key, x_rank, y_rank, rows)
        else:
            found = _search_sets(points, search.tolist())
        if len(found):
            extra = np.array(found, np.int64).reshape(-1, 4)
            order = np.argsort(np.concatenate([corners[0], extra[:, 0]]), kind="stable")
            corners = [np.concatenate([a, extra[:, k]])[order] for k, a in enumerate(corners)]
    top_left, top_right, bottom_left, _ = corners
    return _Cells(
        tuple(corners),  # type: ignore[arg-type]
        x[top_left],
        y[top_left],
        x[top_right],
        y[bottom_left],
        page[top_left],
        np.full(len(top_left), -1, np.int64),
    )


# Above this many (point, below, across) trials, `_search_tried` leaves the search to the loop of
# `_search_single`, which stops at each point's cell.
_MAX_TRIALS = 200_000


def _spans(first: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The places first..end-1 of each span, one after the other, and the span of each."""
    count = np.maximum(end - first, 0)
    span = np.repeat(np.arange(len(first)), count)
    return span, np.arange(len(span)) + np.repeat(first - (np.cumsum(count) - count), count)


def _search_tried(
    points: _Points,
    search: np.ndarray,
    across: np.ndarray,
    key: np.ndarray,
    x_rank: np.ndarray,
    y_rank: np.ndarray,
    rows: int,
) -> np.ndarray:
    """`_search_single` on whole columns: for each point, every (point below on its vertical
    edge, point across on its horizontal edge) pair in pdfplumber's order (down, then across)
    is tried at once; the first whose fourth corner is a point on the edges of both closes the
    cell. Their cells' corners, a row each."""
    v_id, h_id = points.v_id, points.h_id
    at = np.empty(len(across), np.int64)
    at[across] = np.arange(len(across))
    end = np.searchsorted(y_rank[across], y_rank[search], "right")
    r_point, right = _spans(at[search] + 1, end)
    right = across[right]
    joined = h_id[right] == h_id[search[r_point]]
    r_point, right = r_point[joined], right[joined]
    b_point, below = _spans(search + 1, np.searchsorted(x_rank, x_rank[search], "right"))
    joined = v_id[below] == v_id[search[b_point]]
    b_point, below = b_point[joined], below[joined]
    first = np.searchsorted(r_point, np.arange(len(search)))  # each point's rights
    count = np.diff(np.append(first, len(r_point)))[b_point]
    if int(count.sum()) > _MAX_TRIALS:
        return np.array(_search_single(points, search.tolist(), across, key, x_rank, y_rank, rows))
    tried, place = _spans(first[b_point], first[b_point] + count)
    point, b, r = b_point[tried], below[tried], right[place]
    wanted = x_rank[r] * rows + y_rank[b]
    corner = np.searchsorted(key, wanted).clip(0, len(key) - 1)
    closed = (key[corner] == wanted) & (v_id[corner] == v_id[r]) & (h_id[corner] == h_id[b])
    hits = np.flatnonzero(closed)
    if not len(hits):
        return np.empty((0, 4), np.int64)
    first_hit = hits[np.concatenate(([True], point[hits][1:] != point[hits][:-1]))]
    return np.stack([search[point[first_hit]], r[first_hit], b[first_hit], corner[first_hit]], 1)


def _search_single(
    points: _Points,
    search: list[int],
    across: np.ndarray,
    key: np.ndarray,
    x_rank: np.ndarray,
    y_rank: np.ndarray,
    rows: int,
) -> list[tuple[int, int, int, int]]:
    """pdfplumber's find_smallest_cell at these points, where every point is on one vertical
    and one horizontal edge (joined points: the same edge). Their cells' corners."""
    v_id, h_id = points.v_id.tolist(), points.h_id.tolist()
    keys = key.tolist()  # increasing: a point is found by bisection

    def place(wanted: int) -> int | None:
        k = bisect_left(keys, wanted)
        return k if k < len(keys) and keys[k] == wanted else None

    x_rank_, y_rank_ = x_rank.tolist(), y_rank.tolist()
    across_ = across.tolist()
    at = np.empty(len(across), np.int64)
    at[across] = np.arange(len(across))
    at_across = at.tolist()
    found = []
    for i in search:
        k = at_across[i] + 1
        rights = []
        while k < len(across_) and y_rank_[across_[k]] == y_rank_[i]:
            if h_id[across_[k]] == h_id[i]:
                rights.append(across_[k])
            k += 1
        if not rights:
            continue
        below = i + 1
        while below < len(v_id) and x_rank_[below] == x_rank_[i]:
            if v_id[below] == v_id[i]:
                for right in rights:
                    corner = place(x_rank_[right] * rows + y_rank_[below])
                    if (
                        corner is not None
                        and v_id[corner] == v_id[right]
                        and h_id[corner] == h_id[below]
                    ):
                        found.append((i, right, below, corner))
                        break
                else:
                    below += 1
                    continue
                break
            below += 1
    return found


def _search_sets(points: _Points, search: list[int]) -> list[tuple[int, int, int, int]]:
    """pdfplumber's find_smallest_cell at these points, on its sets of edges. Their cells'
    corners."""
    pages, xs, ys = points.page.tolist(), points.x.tolist(), points.y.tolist()
    wanted = {pages[i] for i in search}
    place: dict[tuple[int, float, float], int] = {}
    sets: dict[int, dict[Point, tuple[set[int], set[int]]]] = {p: {} for p in wanted}
    down: dict[int, dict[float, list[float]]] = {p: {} for p in wanted}
    across: dict[int, dict[float, list[float]]] = {p: {} for p in wanted}
    for i, (page, x, y) in enumerate(zip(pages, xs, ys, strict=True)):
        if page in wanted:
            place[(page, x, y)] = i
            down[page].setdefault(x, []).append(y)
            across[page].setdefault(y, []).append(x)
    for (page, x, y), edges in points.sets().items():
        if page in wanted:
            sets[page][(x, y)] = edges
    found = []
    for i in search:
        page, px, py = pages[i], xs[i], ys[i]
        end = _smallest_cell(sets[page], (px, py), down[page], across[page])
        if end is not None:
            ex, ey = end
            found.append((i, place[(page, ex, py)], place[(page, px, ey)], place[(page, ex, ey)]))
    return found


def _smallest_cell(
    points: dict[Point, tuple[set[int], set[int]]],
    point: Point,
    down: dict[float, list[float]],
    across: dict[float, list[float]],
) -> Point | None:
    """pdfplumber's find_smallest_cell: the cell's bottom-right corner, if any."""
    x, y = point
    vertical, horizontal = points[point]
    xs = across[y]
    rights = [
        x1 for x1 in xs[bisect_right(xs, x) :] if not horizontal.isdisjoint(points[(x1, y)][1])
    ]
    if not rights:
        return None
    ys = down[x]
    for y1 in ys[bisect_right(ys, y) :]:
        below = points[(x, y1)]
        if vertical.isdisjoint(below[0]):
            continue
        for x1 in rights:
            if (
                (x1, y1) in points
                and not points[(x1, y1)][0].isdisjoint(points[(x1, y)][0])
                and not points[(x1, y1)][1].isdisjoint(below[1])
            ):
                return (x1, y1)
    return None


def tables(found: _Cells) -> _Cells:
    """pdfplumber's cells_to_tables: cells joined by shared corners (transitively), each table
    with more than one cell; the tables' cells by page, then table (top-to-bottom: by their
    top-left cell, top then x0), numbered in `table`.

    pdfplumber grows a table from the first cell left by adding cells with a corner among its
    corners until none is added; that is the connected component of that cell, found here by
    joining the corners of every cell (union-find on whole columns). The order of the cells in
    a table does not matter to what is read from it.
    """
    if not len(found):
        return _Cells.empty()
    top_left, top_right, bottom_left, bottom_right = found.corners
    size = int(max(a.max() for a in found.corners)) + 1
    u = np.concatenate([top_left, top_left, top_left])
    w = np.concatenate([top_right, bottom_left, bottom_right])
    label = np.arange(size)
    while True:
        lu, lw = label[u], label[w]
        apart = lu != lw
        if not apart.any():
            break
        lu, lw = lu[apart], lw[apart]
        np.minimum.at(label, np.maximum(lu, lw), np.minimum(lu, lw))  # hook roots to lower ones
        while True:
            deeper = label[label]
            if (deeper == label).all():
                break
            label = deeper
    group = label[top_left]
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    new = np.ones(len(order), bool)
    new[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    # Tables by page, then top-left cell (top, then x0); ties in the groups' order.
    top, x0 = found.top[order], found.x0[order]
    first_top = np.minimum.reduceat(top, starts)
    at_top = top == first_top[np.cumsum(new) - 1]
    first_x0 = np.minimum.reduceat(np.where(at_top, x0, np.inf), starts)
    by_key = _order(found.page[order[starts]], first_top, first_x0)
    by_key = by_key[np.diff(np.append(starts, len(order)))[by_key] > 1]
    number = np.full(len(starts), len(by_key), np.int64)
    number[by_key] = np.arange(len(by_key))
    table = number[np.cumsum(new) - 1]
    by_table = np.argsort(table, kind="stable")
    kept = by_table[: np.searchsorted(table[by_table], len(by_key))]
    cells = found.part(order[kept])
    cells.table = table[kept]
    return cells


# --- text: pdfplumber's words, cell text and text lines ------------------------------------------


def _words(
    chars: _Chars, char: np.ndarray, group: np.ndarray, blank: np.ndarray, tolerance: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """pdfplumber's words (upright, blanks not kept) of each group of chars (`char`: their
    places, in page order within each group; a group and a tolerance for each), on whole
    columns: the non-blank chars in the words' order, whether each starts a word, and the
    group and tolerance of each.

    pdfplumber's words: chars clustered by top (within the tolerance, chained), each cluster
    sorted by x0 (ties in page order); a word ends at a blank, before a gap wider than
    X_TOLERANCE or a change of top beyond the tolerance.
    """
    cluster = _cluster_numbers(chars.top[char], tolerance, group)
    order = _order(cluster, chars.x0[char])
    words = np.flatnonzero(~blank[char[order]])  # places in the sorted chars of the non-blank
    order = order[words]
    char, cluster, tolerance = char[order], cluster[order], tolerance[order]
    x0, x1, top = chars.x0[char], chars.x1[char], chars.top[char]
    new = np.ones(len(char), bool)
    new[1:] = (
        (cluster[1:] != cluster[:-1])
        | (words[1:] - words[:-1] > 1)
        | (x0[1:] > x1[:-1] + X_TOLERANCE)
        | (np.abs(top[1:] - top[:-1]) > tolerance[1:])
    )
    return char, new, group[order], tolerance


def _cell_texts(
    count: int, chars: _Chars, blank: np.ndarray, char_index: np.ndarray, cell_index: np.ndarray
) -> np.ndarray:
    """pdfplumber's extract_text of each of `count` cells, as juesuan.readers.pdf cleans it
    (no line breaks), from (char, cell) pairs (in page order within each cell), on whole
    columns (an object array).

    A cell's words (`_words`, tolerance Y_TOLERANCE) are grouped into lines by their tops
    (chained within the tolerance); each line's words joined by spaces, the lines without.
    """
    texts = np.full(count, "", object)
    if not len(char_index):
        return texts
    tolerance = np.full(len(char_index), float(Y_TOLERANCE))
    char, new, cell, tolerance = _words(chars, char_index, cell_index, blank, tolerance)
    if not len(char):
        return texts
    word_starts = np.flatnonzero(new)
    word_tops = np.minimum.reduceat(chars.top[char], word_starts)
    line = _cluster_numbers(word_tops, tolerance[word_starts], cell[word_starts])
    if (line[1:] < line[:-1]).any():
        # Words of one cluster of chars can be on lines apart: each line's words together.
        by_line = np.argsort(line, kind="stable")
        lengths = np.diff(np.append(word_starts, len(char)))[by_line]
        moved = np.cumsum(lengths) - lengths
        take = np.arange(len(char)) + np.repeat(word_starts[by_line] - moved, lengths)
        char, cell, line, word_starts = char[take], cell[take], line[by_line], moved
        new = np.zeros(len(char), bool)
        new[word_starts] = True
    line_first = np.ones(len(word_starts), bool)
    line_first[1:] = line[1:] != line[:-1]
    spaced = new.copy()
    spaced[word_starts[line_first]] = False
    starts = np.flatnonzero(np.concatenate(([True], cell[1:] != cell[:-1])))
    texts[cell[starts]] = _spaced_text(chars.codes[char], spaced, starts, chars.ligatures())
    return texts


def _spaced_text(
    codes: np.ndarray, spaced: np.ndarray, starts: np.ndarray, ligatures: bool
) -> list[str]:
    """The text of these code points (none a blank) with a space before each that is `spaced`,
    cut at `starts` (none of which is spaced), ligatures spelled out if any: one string, split
    at line feeds put at the cuts (a line feed is a blank)."""
    cut = np.zeros(len(codes), bool)
    cut[starts[1:]] = True
    before = spaced | cut
    shift = np.cumsum(before)
    places = np.arange(len(codes)) + shift
    out = np.empty(len(codes) + int(shift[-1]), np.uint32)
    out[places] = codes
    out[places[before] - 1] = np.where(spaced[before], 32, 10)
    text = _decode(out)
    return (text.translate(_LIGATURES) if ligatures else text).split("\n")


def _text_lines(
    chars: _Chars, which: np.ndarray, blank: np.ndarray, y_tolerance: np.ndarray, page: np.ndarray
) -> list[tuple[int, str, float]]:
    """pdfplumber's extract_text_lines (not layout) of the chars at these places (in page
    order), each page with its own tolerance (given for each char), on whole columns: (page,
    text, top) of each line: consecutive words (`_words`) whose tops cluster together.
    """
    if not len(which):
        return []
    char, new, group, tolerance = _words(chars, which, page[which], blank, y_tolerance[which])
    if not len(char):
        return []
    top = chars.top[char]
    word_starts = np.flatnonzero(new)
    word_tops = np.minimum.reduceat(top, word_starts)
    word_pages = group[word_starts]
    line = _cluster_numbers(word_tops, tolerance[word_starts], word_pages)
    line_new = np.ones(len(word_starts), bool)
    line_new[1:] = line[1:] != line[:-1]
    line_starts = np.flatnonzero(line_new)
    line_tops = np.minimum.reduceat(word_tops, line_starts).tolist()
    spaced = new.copy()
    spaced[word_starts[line_starts]] = False
    texts = _spaced_text(chars.codes[char], spaced, word_starts[line_starts], chars.ligatures())
    return list(zip(word_pages[line_starts].tolist(), texts, line_tops, strict=True))


def _cluster_numbers(values: np.ndarray, tolerance: np.ndarray, group: np.ndarray) -> np.ndarray:
    """pdfplumber's make_cluster_dict of the values of each group (a page, a cell), numbered
    across groups: distinct values in order, chained within the tolerance (given for each)."""
    order = _order(group, values)
    ordered = values[order]
    numbers = np.empty(len(values), np.int64)
    numbers[order[0]] = 0
    # Equal values are not more than the tolerance apart: as if distinct values were chained.
    later = order[1:]
    new = (ordered[1:] > ordered[:-1] + tolerance[later]) | (group[later] != group[order[:-1]])
    numbers[later] = np.cumsum(new)
    return numbers


# --- the page ------------------------------------------------------------------------------------


_Lines = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _lines(page: np.ndarray, value: np.ndarray, pages: int) -> _Lines:
    """The distinct values of each of `pages` pages (the rows or columns of its cells) as
    sorted `_keys`; the place of each value among them; each page's first place and count."""
    lines, place, first, count, _ = _distinct(_keys(page, value), page, pages)
    return lines, place, first, count


def _distinct(
    keys: np.ndarray, group: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys (sorted; keys that order by `group` first), the place of each key
    among them, each group's first place and count, and the first key of each (its place)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.ones(len(keys), bool)
    new[1:] = ordered[1:] != ordered[:-1]
    place = np.empty(len(keys), np.int64)
    place[order] = np.cumsum(new) - 1
    firsts = order[new]
    first = np.searchsorted(group[firsts], np.arange(groups + 1))
    return ordered[new], place, first[:-1], np.diff(first), firsts


# A page's grid of cells (rows × columns of all its tables) is made up to this size; beyond, every
# cell of the page is tested, in chunks of chars of this many (char, cell) pairs.
_MAX_GRID = 1_000_000


def _cell_chars(
    found: _Cells,
    cell_page: np.ndarray,
    grid_lines: tuple[_Lines, _Lines],
    chars: _Chars,
    char_page: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Table.extract's chars of each cell: those whose centre is in it, as (char, cell) pairs,
    in page order within each cell.

    Each centre is looked up in its page's grid (rows at the cells' tops, columns at their
    lefts, of all the page's tables; a merged cell covers every place it spans). On a page
    where cells overlap, every cell is tested, as pdfplumber does.
    """
    (rows, r0, row_first, row_count), (columns, c0, column_first, column_count) = grid_lines
    r1 = np.searchsorted(rows, _keys(cell_page, found.bottom))  # rows above the bottom
    c1 = np.searchsorted(columns, _keys(cell_page, found.x1))
    size = row_count * column_count
    tested = size > _MAX_GRID  # a page whose grid would be too large: every cell tested
    size[tested] = 0
    base = np.cumsum(size) - size  # each page's grid, row after row, in one array
    height, width = r1 - r0, c1 - c0
    spanned = np.where(tested[cell_page], 0, height * width)
    cell = np.repeat(np.arange(len(found)), spanned)
    k = np.arange(len(cell)) - np.repeat(np.cumsum(spanned) - spanned, spanned)
    on = cell_page[cell]
    row, column = r0[cell] - row_first[on] + k // width[cell], c0[cell] - column_first[on]
    place = base[on] + row * column_count[on] + column + k % width[cell]
    total = max(int(size.sum()), 1)
    grid = np.full(total, -1, np.int64)
    grid[place] = cell
    h, v = (chars.x0 + chars.x1) / 2, (chars.top + chars.bottom) / 2
    row = np.searchsorted(rows, _keys(char_page, v), "right") - 1 - row_first[char_page]
    column = np.searchsorted(columns, _keys(char_page, h), "right") - 1 - column_first[char_page]
    known = (row >= 0) & (column >= 0)
    at = (base[char_page] + row * column_count[char_page] + column).clip(0, total - 1)
    cell_index = np.where(known, grid[at], -1)
    k = cell_index.clip(0)
    known &= (cell_index >= 0) & (h < found.x1[k]) & (v < found.bottom[k])
    covered = np.bincount(place, minlength=total)
    if covered.max() < 2 and not tested.any():
        char_index = np.flatnonzero(known)
        return char_index, cell_index[char_index]
    tested[cell_page[cell[covered[place] > 1]]] = True
    char_index = np.flatnonzero(known & ~tested[char_page])
    pairs = [(char_index, cell_index[char_index])]
    for p in np.flatnonzero(tested).tolist():
        on_page, cells_on_page = np.flatnonzero(char_page == p), np.flatnonzero(cell_page == p)
        step = max(1, _MAX_GRID // len(cells_on_page))
        for a in range(0, len(on_page), step):
            char, cell = _inside(found.part(cells_on_page), h[on_page[a : a + step]],
                                 v[on_page[a : a + step]])  # fmt: skip
            pairs.append((on_page[a + char], cells_on_page[cell]))
    return np.concatenate([c for c, _ in pairs]), np.concatenate([c for _, c in pairs])


def _inside(cells: _Cells, h: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, cell) where the point (h, v) is in the cell, by point."""
    inside = (h[:, None] >= cells.x0) & (h[:, None] < cells.x1)
    inside &= (v[:, None] >= cells.top) & (v[:, None] < cells.bottom)
    point, cell = np.nonzero(inside)
    return point, cell


def _table_rows(
    found: _Cells, table: np.ndarray, texts: np.ndarray, cell_page: np.ndarray, grid_lines: tuple
) -> list[tuple[int, float, tuple[str, ...]]]:
    """pdfplumber's Table.rows with the cells' texts, of every table in order: (page, row
    top, texts by column), "" where a merged cell spans (pdfplumber's None). A table's rows
    (columns) are its cells' distinct places among their page's (`grid_lines`)."""
    tables = int(table[-1]) + 1
    (_, page_row, _, _), (_, page_column, _, _) = grid_lines
    keys = table * (int(page_row.max()) + 1) + page_row
    _, row, _, _, row_firsts = _distinct(keys, table, tables)
    keys = table * (int(page_column.max()) + 1) + page_column
    _, column, column_first, column_count, _ = _distinct(keys, table, tables)
    row_table = table[row_firsts]
    width = column_count[row_table]
    start = np.cumsum(width) - width
    grid = np.full(int(width.sum()), "", object)
    grid[start[row] + column - column_first[table]] = texts
    cells = grid.tolist()
    pages = cell_page[row_firsts].tolist()
    tops, starts, widths = found.top[row_firsts].tolist(), start.tolist(), width.tolist()
    return [
        (page, top, tuple(cells[a : a + n]))
        for page, top, a, n in zip(pages, tops, starts, widths, strict=True)
    ]


def _outside(
    chars: _Chars, char_page: np.ndarray, found: _Cells, table: np.ndarray, cell_page: np.ndarray
) -> np.ndarray:
    """The chars that overlap no table of their page (their places): pdfplumber's
    outside_bbox, where touching counts."""
    if not len(chars):
        return _NO_INDEX
    starts = np.flatnonzero(np.concatenate(([True], table[1:] != table[:-1])))
    b0, b1 = np.minimum.reduceat(found.x0, starts), np.minimum.reduceat(found.top, starts)
    b2, b3 = np.maximum.reduceat(found.x1, starts), np.maximum.reduceat(found.bottom, starts)
    box_page = cell_page[starts]
    # Every (char, table) pair of a page (tables are ordered by page).
    pages = np.arange(int(char_page[-1]) + 1)
    first, end = np.searchsorted(box_page, pages), np.searchsorted(box_page, pages, "right")
    char, box = _spans(first[char_page], end[char_page])
    width = np.minimum(chars.x1[char], b2[box]) - np.maximum(chars.x0[char], b0[box])
    height = np.minimum(chars.bottom[char], b3[box]) - np.maximum(chars.top[char], b1[box])
    keep = np.ones(len(chars), bool)
    keep[char[(width >= 0) & (height >= 0) & (width + height > 0)]] = False
    return np.flatnonzero(keep)


def _tolerances(chars: _Chars, which: np.ndarray, char_page: np.ndarray, pages: int) -> np.ndarray:
    """Each page's tolerance for its lines, as juesuan.readers.pdf: half the median size of
    its chars outside tables (10 without), at least 3, so that figures set a few points lower
    than their sentence rejoin it."""
    page, size = char_page[which], chars.size[which]
    count = np.bincount(page, minlength=pages)
    if not len(which):
        return np.full(pages, 5.0)
    sizes = size[_order(page, size)]
    middle = (np.cumsum(count) - count + count // 2).clip(max=len(sizes) - 1)
    return np.maximum(3.0, 0.5 * np.where(count > 0, sizes[middle], 10.0))


@dataclass
class _PageRead:
    """A page's chars and tables (`find_tables`), before the document's rows are made."""

    number: int
    chars: _Chars
    tables: _Cells


def document_rows(pages: list[_PageRead]) -> dict[int, list[Row]]:
    """The rows of juesuan.readers.pdf._page_rows of each page, from chars and tables instead of
    pdfplumber (`_document_rows` of the pages' chars and cells joined)."""
    if not pages:
        return {}
    count = len(pages)
    chars = _Chars.joined([page.chars for page in pages])
    char_page = np.repeat(np.arange(count), [len(page.chars) for page in pages])
    found = _Cells.joined([page.tables for page in pages])
    cell_page = np.repeat(np.arange(count), [len(page.tables) for page in pages])
    return _document_rows([page.number for page in pages], chars, char_page, found, cell_page)


def _document_rows(
    numbers: list[int], chars: _Chars, char_page: np.ndarray, found: _Cells, cell_page: np.ndarray
) -> dict[int, list[Row]]:
    """`document_rows` of the pages `numbers`, given the chars and the cells of all of them, one
    page after the other (char_page, cell_page: each one's place in `numbers`): grouped into
    text at once, by pdf_tables.c where it is built (`_compiled_rows`), else by numpy below."""
    if not numbers:
        return {}
    compiled = pdf_tables.active()
    if compiled is not None:
        rows = _compiled_rows(compiled, numbers, chars, char_page, found, cell_page)
        if rows is not None:
            return rows
    count = len(numbers)
    blank = chars.blank()
    placed: list[_Placed] = []
    outside = np.arange(len(chars))
    if len(found):
        table = _renumbered(found.table, cell_page)
        grid_lines = (_lines(cell_page, found.top, count), _lines(cell_page, found.x0, count))
        char_index, cell_index = _cell_chars(found, cell_page, grid_lines, chars, char_page)
        texts = _cell_texts(len(found), chars, blank, char_index, cell_index)
        rows = _table_rows(found, table, texts, cell_page, grid_lines)
        placed += [(k, top, 0, row) for k, top, row in rows if any(row)]
        outside = _outside(chars, char_page, found, table, cell_page)
    tolerance = _tolerances(chars, outside, char_page, count)[char_page]
    # A line is words of non-blank chars joined by single spaces: never blank, never padded.
    lines = _text_lines(chars, outside, blank, tolerance, char_page)
    placed += [(k, top, 1, (text,)) for k, text, top in lines]
    return _ordered_rows(placed, numbers)


def _compiled_rows(
    compiled: pdf_tables.Compiled,
    numbers: list[int],
    chars: _Chars,
    char_page: np.ndarray,
    found: _Cells,
    cell_page: np.ndarray,
) -> dict | None:
    """`_document_rows` by pdf_tables.c (`None` where it leaves the pages to the numpy code):
    the same rows, the strings and `Row`s made here."""
    columns = (chars.x0, chars.x1, chars.top, chars.bottom, chars.size, chars.codes)
    cells = (found.x0, found.top, found.x1, found.bottom, cell_page, found.table)
    grouped = compiled.rows(columns, char_page, len(numbers), cells, _LIGATURE_RANGE)
    if grouped is None:
        return None
    widths = grouped.row_width.tolist()
    texts = _texts(grouped.codes, grouped.ligatures) if sum(widths) + len(grouped.line_page) else []
    starts = itertools.accumulate(widths, initial=0)
    cells = [tuple(texts[a : a + n]) for a, n in zip(starts, widths, strict=False)]
    cells += [(text,) for text in texts[sum(widths) :]]
    rows, lines = len(widths), len(grouped.line_page)
    page = np.concatenate([grouped.row_page, grouped.line_page])
    tops = np.concatenate([grouped.row_top, grouped.line_top])
    kind = np.repeat(np.arange(2), [rows, lines])
    if not len(page):
        return {number: [] for number in numbers}
    order, counts, number, kinds, bounds = compiled.order(page, _rounded(tops), kind, numbers)
    refs = [f"p{p} {_MARKS[k]}{n}" for p, k, n in zip(number, kinds, counts, strict=True)]
    made = made_rows([cells[i] for i in order], refs, number)
    return {n: made[bounds[k] : bounds[k + 1]] for k, n in enumerate(numbers)}


_MARKS = ("r", "l")  # refs' marks of table rows (kind 0) and text lines (kind 1)


def _texts(codes: np.ndarray, ligatures: bool) -> list[str]:
    """Texts of code points cut by line feeds (none is in a text: a line feed is a blank),
    ligatures spelled out if any (as `_spaced_text`)."""
    text = _decode(codes)
    return (text.translate(_LIGATURES) if ligatures else text).split("\n")


def _renumbered(table: np.ndarray, page: np.ndarray) -> np.ndarray:
    """Tables numbered 0.. in the order of their cells (a table's cells together)."""
    new = np.ones(len(table), bool)
    new[1:] = (table[1:] != table[:-1]) | (page[1:] != page[:-1])
    return np.cumsum(new) - 1


# What is placed on the pages, in order: table rows (kind 0), then text lines (kind 1); each
# with its page (a place in the document's pages), its top and its cells.
_Placed = tuple[int, float, int, tuple[str, ...]]


def _ordered_rows(placed: list[_Placed], numbers: list[int]) -> dict[int, list[Row]]:
    """Each page's rows (`numbers`: the pages' numbers) in reading order: by top rounded to 0.1
    pt, then in the order placed; refs count table rows (r) and lines (l) apart."""
    if not placed:
        return {number: [] for number in numbers}
    pages, tops, kinds, cells = zip(*placed, strict=True)
    return _ordered(np.array(pages), np.array(tops), np.array(kinds), cells, numbers)


def _ordered(
    page: np.ndarray, tops: np.ndarray, kind: np.ndarray, cells: Sequence, numbers: list[int]
) -> dict[int, list[Row]]:
    """`_ordered_rows` of what is placed, as columns (page, top, kind) and the cells of each."""
    rows: dict[int, list[Row]] = {number: [] for number in numbers}
    if not len(page):
        return rows
    order = _order(page, _rounded(tops))
    key = (page * 2 + kind)[order]
    by_key = np.argsort(key, kind="stable")
    ordered = key[by_key]
    new = np.ones(len(key), bool)
    new[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    counts = np.empty(len(key), np.int64)
    counts[by_key] = np.arange(1, len(key) + 1) - np.repeat(starts, np.diff([*starts, len(key)]))
    on = page[order]
    number = np.array(numbers)[on].tolist()
    marks = np.array(["r", "l"])[kind[order]].tolist()
    refs = [f"p{p} {k}{n}" for p, k, n in zip(number, marks, counts.tolist(), strict=True)]
    made = made_rows([cells[i] for i in order.tolist()], refs, number)
    bounds = np.searchsorted(on, np.arange(len(numbers) + 1)).tolist()
    for k, number in enumerate(numbers):
        rows[number] = made[bounds[k] : bounds[k + 1]]
    return rows


_FEW = 16  # values Python rounds faster than numpy's calls on them


def _rounded(values: np.ndarray) -> np.ndarray:
    """round(value, 1) of each: numpy's rounding, but Python's where they could differ (near a
    tie, or beyond the integers a float holds: Python rounds the exact decimal value). A few
    values (a cover page's rows) are rounded by Python at once: cheaper than numpy's calls."""
    if len(values) <= _FEW:
        return np.array([round(value, 1) for value in values.tolist()], np.float64)
    tens = values * 10
    rounded = np.rint(tens) / 10
    near = np.abs(tens - np.floor(tens) - 0.5) < 1e-9 * np.maximum(1.0, np.abs(tens))
    near |= ~(np.abs(tens) < 2.0**52)
    if near.any():
        rounded[near] = [round(value, 1) for value in values[near].tolist()]
    return rounded


def find_tables(pages: list[tuple[list[Edge], list[Edge]]]) -> list[_Cells]:
    """pdfplumber's find_tables (`lines` strategy) of each page, from its edges: the cells of
    its tables (`document_tables` of the pages' edges, split by page)."""
    found = document_tables(
        *_edge_array([edges[0] for edges in pages]), *_edge_array([edges[1] for edges in pages])
    )
    bounds = np.searchsorted(found.page, np.arange(len(pages) + 1)).tolist()
    empty = _Cells.empty()
    return [found.part(slice(a, b)) if b > a else empty for a, b in itertools.pairwise(bounds)]


def document_tables(v: np.ndarray, pv: np.ndarray, h: np.ndarray, ph: np.ndarray) -> _Cells:
    """The cells of the tables of several pages, from their vertical and horizontal edges (rows
    of x0 top x1 bottom length) and the place of each one's page: `tables`, ordered by page.
    Found at once, by pdf_tables.c where it is built, else by numpy (`table_edges` .. `tables`).
    """
    compiled = pdf_tables.active()
    if compiled is None:
        v, pv = table_edges(v, pv, 0)
        h, ph = table_edges(h, ph, 1)
        return tables(cells(intersections(v, pv, h, ph)))
    try:
        corners, box, page, table = compiled.find_tables(v, pv, h, ph)
    except pdf_tables.Refused as exc:
        raise Unsupported(str(exc)) from None
    return _Cells(tuple(corners), *box, page, table)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Read:
    """What read_pages finds on the pages not to OCR, for the whole document: their numbers;
    their chars, one page after the other, and each one's page (a place in `numbers`); their
    ruling lines' vertical and horizontal edges and each one's page (`_edge_array`)."""

    numbers: list[int]
    chars: _Chars
    char_page: np.ndarray
    edges: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # v, pv, h, ph


def _read_by_page(pages: list) -> _Read:
    """The chars and edges of pages read one by one (`read_page`), scans left out."""
    read = [(n, page) for n, page in enumerate(pages, 1) if not isinstance(page, PageText)]
    chars = document_chars([raw for _, (raw, _) in read])
    edges = document_edges([paths for _, (_, paths) in read])
    char_page = np.repeat(np.arange(len(chars)), [len(page) for page in chars])
    joined = _Chars.joined(chars) if chars else _Chars.empty()
    arrays = (*_edge_array([e[0] for e in edges]), *_edge_array([e[1] for e in edges]))
    return _Read([n for n, _ in read], joined, char_page, arrays)  # type: ignore[arg-type]


def _read_compiled(
    bulk: pdfium_bulk.Compiled, document: int, count: int, min_chars: int, ocr: bool
) -> _Read | None:
    """The chars and edges of the document's first `count` pages, read by one C call for all
    pages, one for their chars and one for their edges (pdfium_bulk's jb_document,
    jb_char_columns, jb_edges); `None` where a page needs `read_page` (a possible scan, too
    many fonts, forms nested too deep)."""
    read = bulk.document(document, count, min_chars, ocr)
    if isinstance(read, int):
        if read == pdfium_bulk.FALLBACK:
            return None
        raise Unsupported(pdfium_bulk.UNSUPPORTED[read])
    table = read.array("page_table", count, 7)
    boxes = read.array("page_boxes", count, 4).tolist()
    found = table[:, pdfium_bulk.P_FOUND].tolist()
    frames = [
        _Frame.of_box(tuple(box) if f else LETTER) for box, f in zip(boxes, found, strict=True)
    ]
    values = np.array([(f.x0, f.y0, f.height, f.top) for f in frames], np.float64).reshape(-1, 4)
    chars, char_page = _compiled_chars(bulk, read, table, frames, values)
    edges = _compiled_edges(bulk, read, table, frames, values)
    return _Read(list(range(1, count + 1)), chars, char_page, edges)


def _compiled_chars(
    bulk: pdfium_bulk.Compiled,
    read: pdfium_bulk.Pages,
    table: np.ndarray,
    frames: list[_Frame],
    values: np.ndarray,
) -> tuple[_Chars, np.ndarray]:
    """`document_chars` of the pages jb_document read (jb_char_columns), blanks put back after
    their page's chars, as one page after the other (`_Chars.joined`), and each char's page:
    jb_char_columns gives them so, no page's columns are cut out and joined again."""
    found = bulk.char_columns(read, values)
    if isinstance(found, int):
        raise Unsupported(pdfium_bulk.UNSUPPORTED[found])
    metrics, (x0, x1, top, bottom, size) = found
    count, blank_count = read["chars"], read["blanks"]
    codes = read.array("char_codes", count).copy()
    order = read.array("char_orders", count).copy()
    chars = _Chars(x0, x1, top, bottom, size, codes, order)
    starts = [*table[:, pdfium_bulk.P_CHARS].tolist(), count]  # (the first page's: 0)
    per_page = np.array([b - a for a, b in itertools.pairwise(starts)], np.int64)
    if not blank_count:
        return chars, np.repeat(np.arange(len(frames)), per_page)
    blank_starts = [*table[:, pdfium_bulk.P_BLANKS].tolist(), blank_count]
    blanks = read.array("blank_texts", blank_count)
    bounds = read.array("blank_bounds", blank_count, 4)
    extra: list[Char] = []
    at: list[int] = []  # where each blank goes: after its page's chars
    for k, frame in enumerate(frames):
        c, d = blank_starts[k], blank_starts[k + 1]
        if d > c:
            page_bounds = [tuple(box) for box in bounds[c:d].tolist()]
            made = _blanks(page_bounds, metrics[blanks[c:d]], frame)
            extra += made
            at += [starts[k + 1]] * len(made)
            per_page[k] += len(made)
    return _inserted(chars, at, extra), np.repeat(np.arange(len(frames)), per_page)


def _inserted(chars: _Chars, at: list[int], extra: list[Char]) -> _Chars:
    """The chars with `extra` inserted before the places `at` (in order where places are the
    same): `_with_blanks` of each page, joined."""
    if not extra:
        return chars
    columns = list(zip(*extra, strict=True))
    codes = [ord(text) for text in columns[TEXT]]
    values = (*columns[:5], codes, columns[ORDER])
    names = ("x0", "x1", "top", "bottom", "size", "codes", "order")
    return _Chars(
        *(
            np.insert(getattr(chars, name), at, np.array(column, getattr(chars, name).dtype))
            for name, column in zip(names, values, strict=True)
        )
    )


def _compiled_edges(
    bulk: pdfium_bulk.Compiled,
    read: pdfium_bulk.Pages,
    table: np.ndarray,
    frames: list[_Frame],
    values: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`document_edges` of the pages jb_document read, as `_edge_array`s (vertical, horizontal):
    their lines' edges by jb_edges, the pages with other paths (rectangles, curves) by
    `_page_edges`."""
    x, y, lines, flat, vertical, horizontal, counts = bulk.edges(read, values)
    mixed = np.flatnonzero(counts[:, 2]).tolist()
    if not mixed:  # the lines' edges are the pages' (most documents): as arrays already
        v, h = vertical[: counts[:, 0].sum()], horizontal[: counts[:, 1].sum()]
        return (*_edges_of_pages(v, counts[:, 0]), *_edges_of_pages(h, counts[:, 1]))
    ends = np.cumsum(counts[:, :2], axis=0)
    vertical = list(map(tuple, vertical[: ends[-1, 0] if len(ends) else 0].tolist()))
    horizontal = list(map(tuple, horizontal[: ends[-1, 1] if len(ends) else 0].tolist()))
    bounds = [0, *ends[:, 0].tolist()], [0, *ends[:, 1].tolist()]
    found = [
        (vertical[bounds[0][k] : bounds[0][k + 1]], horizontal[bounds[1][k] : bounds[1][k + 1]])
        for k in range(len(frames))
    ]
    paths, segments = read["paths"], read["segments"]
    path_counts = read.array("path_counts", paths).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(path_counts[:-1])])
    line = np.flatnonzero(lines)
    types = read.array("segment_types", segments)
    closes = read.array("segment_closes", segments).view(bool)
    columns = (x.tolist(), y.tolist(), types.tolist(), closes.tolist())
    first_path = [*table[:, pdfium_bulk.P_PATHS].tolist(), paths]
    for k in mixed:
        found[k] = _page_edges(
            frames[k], range(first_path[k], first_path[k + 1]), starts, path_counts, lines,
            flat[line], found[k], line, columns,
        )  # fmt: skip
    return (*_edge_array([f[0] for f in found]), *_edge_array([f[1] for f in found]))


def _edges_of_pages(edges: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_edge_array` of edges in an array already, `counts` of them on each page."""
    if not len(edges):
        return np.empty((0, 5)), _NO_INDEX
    if not np.isfinite(edges).all():
        raise Unsupported("a ruling line without finite coordinates")
    return edges, np.repeat(np.arange(len(counts)), counts)


@dataclass(frozen=True)
class PageText:
    """A page read by pdfium: its rows, or `None` for a scan to OCR."""

    number: int
    rows: list[Row] | None


def read_page(
    page: int, number: int, min_chars: int, ocr: bool, bulk=None
) -> tuple[_RawChars, _RawPaths] | PageText:
    """One page's chars and paths as pdfium gives them (see `document_chars` and
    `document_edges`), as juesuan.readers.pdf reads it; `None` rows where it would OCR the
    page: fewer than `min_chars` characters and an image (and `ocr`)."""
    bulk = bulk or _bulk()
    frame = _Frame.of(page)
    objects = _page_objects(page, bulk)
    textpage = _C.load_textpage(page)
    if not textpage:
        raise Unsupported(f"pdfium cannot read the text of page {number}")
    try:
        raw = raw_chars(textpage, frame, objects, bulk)
    finally:
        _C.close_textpage(textpage)
    # Blanks put back only add chars: a page with enough kept chars is not a scan.
    scan = ocr and objects.images and raw.kept < min_chars
    if scan and len(document_chars([raw])[0]) < min_chars:
        return PageText(number, None)
    return raw, raw_paths(objects, frame, bulk)


def read_pages(
    path: Path,
    min_chars: int,
    ocr: bool = True,
    max_pages: int | None = None,
    document: pdfium.PdfDocument | limits.OpenedPdf | None = None,
) -> tuple[list[PageText], int]:
    """The pages of a PDF (the first `max_pages`), and its page count. The pages are read by
    one C call (`_read_compiled`), or one by one (`read_page`); their chars worked out, their
    tables found and their chars grouped into rows for the whole document at once.
    `document`: the file opened already (by `limits.checked_pdf`; left open), else opened and
    closed here."""
    opened = document is None
    if document is None:
        document = pdfium.PdfDocument(str(path))
    try:
        page_count = len(document)
        pages: list = []
        bulk = _bulk()
        handle = _handle(document.raw)
        count = len(range(page_count)[:max_pages])
        read = None
        if isinstance(bulk, pdfium_bulk.Compiled):
            read = _read_compiled(bulk, handle, count, min_chars, ocr)
        for index in range(count if read is None else 0):
            page = _C.load_page(handle, index)
            if not page:
                raise Unsupported(f"pdfium cannot load page {index + 1}")
            try:
                pages.append(read_page(page, index + 1, min_chars, ocr, bulk))
            finally:
                _C.close_page(page)
    finally:
        if opened:
            document.close()
    if read is None:
        read = _read_by_page(pages)
    else:
        pages = [None] * count
    found = document_tables(*read.edges)  # ordered by page, as `find_tables` splits them
    rows = _document_rows(read.numbers, read.chars, read.char_page, found, found.page)
    texts = [
        page if isinstance(page, PageText) else PageText(n, rows[n])
        for n, page in enumerate(pages, 1)
    ]
    return texts, page_count
