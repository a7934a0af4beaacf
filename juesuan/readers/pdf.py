"""PDF: the text layer with pdfplumber, its ruled tables as grids; OCR for pages without text.

Tables are read from their ruling lines (pdfplumber's `lines` strategy): each cell keeps its
column, blanks included, which plain-text extraction loses (STACK.md: it interleaves cells).
Text outside the tables becomes one-cell rows. Both are ordered by their position on the page.
Refs: `p8 r5` is the 5th table row of page 8, `p8 l3` its 3rd line of text outside tables.

pdfplumber (pure Python) costs 30–70× a plain text extraction (issue 9), so text-layer pages
are read by juesuan.readers.pdfium, which gives the same rows from pdfium ~15× faster.
pdfplumber stays the reference and the fallback: for a document the pdfium reader cannot read as
pdfplumber would (it raises), and for every document with JUESUAN_PDF_ENGINE=pdfplumber. Pages
without a text layer go to OCR (of a pdfplumber page) either way.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from juesuan.readers import Row, SourceDocument, UnreadableDocument

if TYPE_CHECKING:
    from juesuan.readers.pdfium import PageText

# pdfminer warns loudly about harmless font quirks of real government PDFs.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A page with fewer characters than this in its text layer is treated as a scan.
_MIN_TEXT_CHARS = 10
ENGINE_VARIABLE = "JUESUAN_PDF_ENGINE"  # "pdfplumber" forces the reference reader

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Placed:
    top: float
    order: int
    cells: tuple[str, ...]
    kind: str  # "r" table row, "l" text line


def _clean(cell: str | None) -> str:
    # Cells wrap inside their box; Chinese needs no space where a line was broken.
    return "".join((cell or "").split("\n")).strip()


def _page_rows(page, number: int) -> list[Row]:
    placed: list[_Placed] = []
    tables = page.find_tables()
    for table in tables:
        extracted = table.extract()
        for row, texts in zip(table.rows, extracted, strict=False):
            cells = tuple(_clean(text) for text in texts)
            if any(cells):
                placed.append(_Placed(row.bbox[1], len(placed), cells, "r"))
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    # Numbers in prose are often separate text runs set a few points lower than their sentence
    # (STACK.md: "年初预算为 万元" with the figures on a line of their own): group characters
    # into lines with a tolerance of half a character's height so they rejoin their sentence.
    sizes = sorted(char["size"] for char in outside.chars) or [10.0]
    tolerance = max(3.0, 0.5 * sizes[len(sizes) // 2])
    for line in outside.extract_text_lines(keep_blank_chars=False, y_tolerance=tolerance):
        text = line["text"].strip()
        if text:
            placed.append(_Placed(line["top"], len(placed), (text,), "l"))
    placed.sort(key=lambda p: (round(p.top, 1), p.order))
    rows: list[Row] = []
    counters = {"r": 0, "l": 0}
    for item in placed:
        counters[item.kind] += 1
        rows.append(Row(item.cells, f"p{number} {item.kind}{counters[item.kind]}", page=number))
    return rows


def read(
    path: Path, ocr: bool = True, max_pages: int | None = None, document: Any = None
) -> SourceDocument:
    """The rows of a PDF, by the pdfium reader unless it cannot or JUESUAN_PDF_ENGINE says not.
    `document`: the file opened already (`limits.checked_pdf`; left open), else opened here."""
    path = Path(path)
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() != "pdfplumber":
        from juesuan.readers import pdfium

        try:
            pages, page_count = pdfium.read_pages(
                path, _MIN_TEXT_CHARS, ocr, max_pages, document=document
            )
        except Exception as exc:  # pdfplumber reads it, or says why it cannot
            _log.info("%s: read with pdfplumber (%s: %s)", path.name, type(exc).__name__, exc)
        else:
            return _with_ocr(path, pages, page_count)
    return _read_pdfplumber(path, ocr, max_pages)


def _with_ocr(path: Path, pages: list[PageText], page_count: int) -> SourceDocument:
    """The pdfium reader's rows, its scanned pages (rows None) read by OCR from pdfplumber pages."""
    scans = [page.number for page in pages if page.rows is None]
    scanned: dict[int, list[Row]] = {}
    if scans:
        import pdfplumber

        from juesuan.readers.ocr import ocr_page

        try:
            with pdfplumber.open(path) as pdf:
                scanned = {n: ocr_page(pdf.pages[n - 1], n, path.name) for n in scans}
        except UnreadableDocument:
            raise
        except Exception as exc:
            raise _damaged(path, exc) from None
    rows = [row for page in pages for row in (page.rows or scanned.get(page.number, []))]
    return SourceDocument(path=path, format="pdf", rows=tuple(rows), page_count=page_count)


def _read_pdfplumber(path: Path, ocr: bool, max_pages: int | None) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    path = Path(path)
    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect:
        raise UnreadableDocument(
            f"{path.name}: the PDF is encrypted with a password; obtain an unprotected copy"
        ) from None
    except (PDFSyntaxError, Exception) as exc:
        raise UnreadableDocument(
            f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc}); "
            "check the download is complete"
        ) from None
    rows: list[Row] = []
    try:
        with pdf:
            for number, page in enumerate(pdf.pages[:max_pages], start=1):
                if len(page.chars) >= _MIN_TEXT_CHARS or not ocr or not _has_ink(page):
                    rows.extend(_page_rows(page, number))
                else:
                    from juesuan.readers.ocr import ocr_page

                    rows.extend(ocr_page(page, number, path.name))
            page_count = len(pdf.pages)
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise _damaged(path, exc) from None
    return SourceDocument(path=path, format="pdf", rows=tuple(rows), page_count=page_count)


def _damaged(path: Path, exc: Exception) -> UnreadableDocument:
    return UnreadableDocument(
        f"{path.name}: the PDF is damaged ({type(exc).__name__}: {exc}); "
        "check the download is complete"
    )


def _has_ink(page) -> bool:
    """A page worth OCR: it shows an image (a scan), not just ruling lines or nothing."""
    return bool(page.images)
