"""What one document may cost before it is refused: the zip-bomb guard of the zip-based formats,
and budgets of pages, cells and time per document.

An .xlsx or .docx is a zip archive that openpyxl and python-docx inflate in memory. A file from a
web site can claim gigabytes in a few kilobytes; the central directory says so before anything
is inflated, so the archive is refused on its own declaration. Real disclosures are far below
both limits (a 20,000-row sheet is about 7 MB and compresses about 17 to 1).

Every other format is bounded while it is read (`read_document` opens a `document_budget`, the
readers call `checkpoint` between pages, sheets and rows): a document is refused when it has
more than MAX_PAGES pages, more than MAX_CELLS cells (rows × cells of its grids: a hostile
colspan or a sheet of empty columns), or takes longer than MAX_SECONDS to read (a scan read by
OCR page by page). A disclosure of the nine tables and its prose has tens of pages and a few
thousand cells; the limits are two or three orders above that. Each can be set in the
environment (JUESUAN_MAX_PAGES, JUESUAN_MAX_CELLS, JUESUAN_MAX_SECONDS). A refusal for time
depends on the machine, so it is not final: such an outcome is not cached, and the next build
tries the document again.
"""

from __future__ import annotations

import functools
import os
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from juesuan.readers import UnreadableDocument


def _setting(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r}: expected a number") from None
    if value <= 0:
        raise ValueError(f"{name}={text!r}: expected a number above 0")
    return value


MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_PAGES = int(_setting("JUESUAN_MAX_PAGES", 1000))
MAX_CELLS = int(_setting("JUESUAN_MAX_CELLS", 2_000_000))
MAX_SECONDS = _setting("JUESUAN_MAX_SECONDS", 900.0)
# Where a complete PDF has its end-of-file marker: within its last bytes (servers may pad).
_PDF_TAIL = 8192


class LimitExceeded(UnreadableDocument):
    """A document refused because it is larger, or slower to read, than a limit allows.

    `final` is False for the time limit: it depends on the machine and the load, so the outcome
    should not be kept as the document's for good.
    """

    def __init__(self, message: str, final: bool = True) -> None:
        super().__init__(message)
        self.final = final


def _check_hand(what: str) -> str:
    return f"{what}; check the file by hand"


class DocumentBudget:
    """The pages, cells and time one document has used while it is read."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.started = time.monotonic()
        self.cells = 0
        self.current_page = 1

    def pages(self, count: int) -> None:
        """Refuse a document of more pages than MAX_PAGES (its page count known up front)."""
        if count > MAX_PAGES:
            raise LimitExceeded(
                _check_hand(
                    f"{self.name}: refused: {count} pages (or sheets), more than the limit of "
                    f"{MAX_PAGES} per document (JUESUAN_MAX_PAGES)"
                )
            )

    def page(self, number: int) -> None:
        """Before reading page (or sheet) `number`: within the page and time limits?"""
        self.pages(number)
        self.current_page = number
        self.elapsed()

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise LimitExceeded(
                _check_hand(
                    f"{self.name}: refused: more than {MAX_CELLS:,} cells (rows × cells of its "
                    "tables, JUESUAN_MAX_CELLS) in one document, a table no disclosure prints "
                    "(or a cell bomb)"
                )
            )

    def elapsed(self) -> None:
        seconds = time.monotonic() - self.started
        if seconds > MAX_SECONDS:
            raise LimitExceeded(
                f"{self.name}: refused: reading took more than {MAX_SECONDS:g} s, the limit per "
                f"document (JUESUAN_MAX_SECONDS), stopped at page {self.current_page}; it is "
                "tried again by the next build",
                final=False,
            )


_CURRENT: ContextVar[DocumentBudget | None] = ContextVar("juesuan_document_budget", default=None)


@contextmanager
def document_budget(name: str) -> Iterator[DocumentBudget]:
    """The budget of the document being read; a reader called by another shares its budget."""
    outer = _CURRENT.get()
    if outer is not None:
        yield outer
        return
    budget = DocumentBudget(name)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


@contextmanager
def attempt() -> Iterator[None]:
    """A reading that may be abandoned midway for another way of reading the same document:
    the cells it counted are not counted when it fails (the other way counts them again)."""
    budget = _CURRENT.get()
    cells = budget.cells if budget is not None else 0
    try:
        yield
    except LimitExceeded:
        raise
    except Exception:
        if budget is not None:
            budget.cells = cells
        raise


def checkpoint(page: int | None = None, cells: int = 0) -> None:
    """Called by readers between pages (sheets) and rows: refuse the document being read when
    it goes over a limit. Without a budget (a reader called directly) it does nothing."""
    budget = _CURRENT.get()
    if budget is None:
        return
    if cells:
        budget.add_cells(cells)
    if page is not None:
        budget.page(page)
    else:
        budget.elapsed()


def check_pdf(path: Path) -> None:
    """Before a PDF is read: refuse it when it is truncated (a download cut short: readers
    would recover some pages and the rest would go missing silently), needs a password, or
    declares more pages than MAX_PAGES. Anything else wrong with it is for the reader to say.
    """
    with checked_pdf(path):
        pass


@contextmanager
def checked_pdf(path: Path) -> Iterator[OpenedPdf | None]:
    """`check_pdf`, giving the document it opened in pdfium (None where pdfium cannot open the
    file: the reader says why), open until the block ends: the reader reads that document
    instead of opening the file a second time (~0.15 ms of a PDF's reading).

    pdfium opens a document from its cross-reference table without reading its pages: a tenth
    of a millisecond, where pdfminer took two. It is opened by pdfium's own calls (`OpenedPdf`),
    not pypdfium2's PdfDocument, which resolves the path and sets up its finalizers: ~0.1 ms of
    every PDF read, at ingest and again at parse.
    """
    name = Path(path).name
    if not _ends_with_eof(path):
        raise UnreadableDocument(
            f"{name}: the PDF is truncated (it does not end with %%EOF): the download was "
            "cut short; download it again"
        )
    document = OpenedPdf.load(path)
    if isinstance(document, int):
        if document == _pdfium_calls().password_error:
            raise UnreadableDocument(
                f"{name}: the PDF is encrypted with a password; ask the publisher for a copy "
                "without one, or remove it with the password, and ingest that"
            )
        yield None
        return
    try:
        budget = _CURRENT.get() or DocumentBudget(name)
        budget.pages(len(document))
        yield document
    finally:
        document.close()


def _ends_with_eof(path: Path) -> bool:
    """Whether the file's last _PDF_TAIL bytes hold the end-of-file marker (one open, a read
    at the end)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        return b"%%EOF" in os.pread(fd, _PDF_TAIL, max(size - _PDF_TAIL, 0))
    finally:
        os.close(fd)


class OpenedPdf:
    """A document opened by pdfium (`raw`: its handle, an int), as pypdfium2's PdfDocument
    opens a file (a document without pages is not opened either), for what the readers ask of
    it: its page count (`len`) and handle."""

    __slots__ = ("_pages", "raw")

    def __init__(self, raw: int, pages: int) -> None:
        self.raw = raw
        self._pages = pages

    @classmethod
    def load(cls, path: Path) -> OpenedPdf | int:
        """The document, or why pdfium cannot open it (its FPDF_GetLastError code)."""
        calls = _pdfium_calls()
        raw = calls.load(os.fsencode(path), None)
        pages = calls.page_count(raw) if raw else 0
        if pages < 1:
            error = calls.last_error()
            if raw:
                calls.close(raw)
            return error
        return cls(raw, pages)

    def __len__(self) -> int:
        return self._pages

    def close(self) -> None:
        if self.raw:
            _pdfium_calls().close(self.raw)
            self.raw = 0


@functools.cache
def _pdfium_calls() -> SimpleNamespace:
    """pdfium's document calls with plain ctypes types (handles as ints), from pypdfium2's
    library (imported here: it initialises pdfium)."""
    import ctypes

    import pypdfium2  # noqa: F401  (initialises the library)
    import pypdfium2.raw as pdfium_c

    def typed(name: str, restype: Any, *argtypes: Any) -> Any:
        pointer = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
        return ctypes.CFUNCTYPE(restype, *argtypes)(pointer)

    handle = ctypes.c_void_p
    return SimpleNamespace(
        password_error=pdfium_c.FPDF_ERR_PASSWORD,
        load=typed("FPDF_LoadDocument", handle, ctypes.c_char_p, ctypes.c_char_p),
        page_count=typed("FPDF_GetPageCount", ctypes.c_int, handle),
        last_error=typed("FPDF_GetLastError", ctypes.c_ulong),
        close=typed("FPDF_CloseDocument", None, handle),
    )


def check_zip(path: Path) -> None:
    """Refuse a corrupt archive, or one that would inflate past the limits; else return."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(
            f"{name}: not a readable zip archive ({exc}); the file is corrupt or truncated: "
            "download it again, or open it in its office program and save it anew"
        ) from exc
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise LimitExceeded(
            f"{name}: refused unopened: the archive would inflate to {total / 2**20:.0f} MB, "
            f"more than the {MAX_UNCOMPRESSED_BYTES // 2**20} MB limit (a zip bomb, or not a "
            "disclosure); check the file by hand"
        )
    for member in members:
        if member.file_size and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size / max(member.compress_size, 1)
            raise LimitExceeded(
                f"{name}: refused unopened: member {member.filename!r} is compressed {ratio:.0f} "
                f"to 1, more than the limit of {MAX_COMPRESSION_RATIO} (a zip bomb); check the "
                "file by hand"
            )
