"""Readers turn a file of any format into one shape: a sequence of rows in reading order.

A row is a line of text (one cell) or a row of a table grid (several cells, blanks kept in
place), with a reference to where it stands in the source (`L96` for text, `p8 r5` for a PDF
page and table row, `Sheet1!C7` for a workbook). The parser works on that shape only, so a new
format is a new reader, never a new parser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]
    ref: str
    page: int = 1
    # Where each cell stands, for formats that address cells (`Sheet1!C7`); empty otherwise,
    # and then every amount of the row is referenced by `ref`.
    cell_refs: tuple[str, ...] = ()

    def cell_ref(self, index: int) -> str:
        return self.cell_refs[index] if index < len(self.cell_refs) else self.ref

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell)

    @property
    def filled(self) -> list[str]:
        return [cell for cell in self.cells if cell.strip()]


_new = object.__new__
_SET_CELLS, _SET_REF, _SET_PAGE, _SET_CELL_REFS = (
    Row.cells.__set__,  # type: ignore[attr-defined]
    Row.ref.__set__,  # type: ignore[attr-defined]
    Row.page.__set__,  # type: ignore[attr-defined]
    Row.cell_refs.__set__,  # type: ignore[attr-defined]
)


def made_rows(
    cells: Iterable[tuple[str, ...]], refs: Iterable[str], pages: Iterable[int]
) -> list[Row]:
    """`[Row(c, r, p) for c, r, p in zip(cells, refs, pages)]`, each row's slots set directly:
    a frozen dataclass's __init__ sets each field through `object.__setattr__`, five times
    slower (~0.3 ms of a PDF's few hundred rows)."""
    made = []
    append = made.append
    for cell, ref, page in zip(cells, refs, pages, strict=True):
        row = _new(Row)
        _SET_CELLS(row, cell)
        _SET_REF(row, ref)
        _SET_PAGE(row, page)
        _SET_CELL_REFS(row, ())
        append(row)
    return made


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    format: str
    rows: tuple[Row, ...]
    page_count: int


class UnreadableDocument(Exception):
    """A file that cannot be read at all: the message names the file and what is wrong."""


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"htm": "html", "text": "txt"}.get(suffix, suffix)


# Each format's reader: its module, imported when a file of that format is read. A build of
# PDFs never imports the office formats' libraries (openpyxl, python-docx, lxml: ~0.3 s of CPU
# in each process without bytecode caches).
_READER_MODULES = {
    "txt": "text",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "xls": "xls",
    "docx": "docx",
    "html": "html",
}


def _reader(fmt: str) -> Callable[..., SourceDocument] | None:
    module = _READER_MODULES.get(fmt)
    return None if module is None else import_module(f"juesuan.readers.{module}").read


def supported_formats() -> list[str]:
    return sorted(_READER_MODULES)


def read_document(
    path: Path, max_pages: int | None = None, max_rows: int | None = None
) -> SourceDocument:
    """Read any supported file; raises UnreadableDocument with a message naming the file.

    `max_pages` reads only the first pages where a format has pages worth skipping (PDF): enough
    to identify a document from its cover without reading its tables. `max_rows` lets the other
    formats stop once they have at least that many rows: the rows are then the first rows of the
    whole document, exactly (there may be more than `max_rows` of them, and `page_count` is the
    pages or sheets reached, not the document's). PDFs ignore it. Every document is read within
    the limits of `limits` (pages, cells, time): one over a limit is refused with
    `limits.LimitExceeded`.
    """
    from juesuan.readers import limits

    path = Path(path)
    fmt = detect_format(path)
    reader = _reader(fmt)
    if reader is None:
        raise UnreadableDocument(
            f"{path.name}: format '{fmt or '(no extension)'}' is not supported yet; "
            f"supported: {', '.join(supported_formats())}"
        )
    with limits.document_budget(path.name) as budget:
        if fmt == "pdf":
            document = read_pdf(path, max_pages=max_pages)
        elif max_rows is None:
            document = reader(path)
        else:
            document = reader(path, max_rows=max_rows)
        # What the readers did not count as they went (PDF pages and rows), counted once.
        budget.pages(document.page_count)
        budget.cells = 0
        budget.add_cells(sum(len(row.cells) for row in document.rows))
        budget.elapsed()
    return document


def read_pdf(
    path: Path, max_pages: int | None = None, max_rows: int | None = None
) -> SourceDocument:
    """A file named .pdf: refused before reading when it needs a password or has too many
    pages; a file whose bytes are not a PDF (a web page saved as .pdf, an empty download) goes
    to the reader its bytes call for, or is refused saying what it is."""
    from juesuan.readers import limits, pdf, sniff

    kind = sniff.kind_of(path)
    if kind != "pdf":
        return sniff.read_by_content(path, kind, "a PDF", max_rows=max_rows)
    with limits.checked_pdf(path) as document:  # opened once, to check and to read
        return pdf.read(path, max_pages=max_pages, document=document)
