"""Legacy Excel workbooks (.xls, BIFF2-BIFF8) with xlrd, in the conventions of the .xlsx reader.

Government sites publish many ".xls" files that are no BIFF at all: web pages saved by Excel or
by a reporting system, .xlsx workbooks renamed, tab-separated exports. The bytes decide
(`sniff`): those go to the html, xlsx or text reader, and only real BIFF comes here.

As in `xlsx`: visible sheets and visible rows only, numbers through their format, a merged
range's text in its top-left cell only, `page` the sheet's position, `ref` `Sheet1!A7` and
`cell_refs` `Sheet1!C7`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import xlrd
from xlrd.biffh import XLRDError, error_text_from_code

from juesuan.readers import Row, SourceDocument, UnreadableDocument, sniff, workbook

_EXPECTED = "an Excel 97-2003 workbook (.xls)"


def read(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read an .xls; a file whose bytes are another format goes to the reader of that format."""
    path = Path(path)
    kind = sniff.kind_of(path)
    if kind not in {"ole2-workbook", "biff", "ole2"}:
        return sniff.read_by_content(path, kind, _EXPECTED, max_rows=max_rows)
    return read_biff(path, max_rows=max_rows)


def read_biff(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a file known to be BIFF (bare, or in an OLE2 container); `max_rows` stops after the
    sheet row that brings the rows to that many (`page_count` stays the workbook's sheets)."""
    path = Path(path)
    book = _open(path)
    try:
        rows: list[Row] = []
        for page, sheet in enumerate(book.sheets(), start=1):
            if max_rows is not None and len(rows) >= max_rows:
                break
            if sheet.visibility:  # 1 hidden, 2 very hidden
                continue
            covered = _merge_covered(sheet)
            shown = (  # a generator: the cells limit is checked row by row as it is read
                (
                    number + 1,
                    [
                        "" if (number, col) in covered else _show(book, sheet.cell(number, col))
                        for col in range(sheet.row_len(number))
                    ],
                )
                for number in range(sheet.nrows)
                if not getattr(sheet.rowinfo_map.get(number), "hidden", 0)
            )
            limit = None if max_rows is None else max_rows - len(rows)
            rows.extend(workbook.sheet_rows(sheet.name, page, shown, limit))
    except UnreadableDocument:
        raise
    except Exception as exc:  # a malformed sheet: say so, never a library traceback
        raise UnreadableDocument(
            f"{path.name}: the workbook is damaged ({type(exc).__name__}: {exc}); open it in "
            "Excel or LibreOffice, save it as .xlsx and ingest that"
        ) from exc
    finally:
        book.release_resources()
    return SourceDocument(
        path=path, format="xls", rows=tuple(rows), page_count=max(book.nsheets, 1)
    )


def _open(path: Path) -> Any:
    try:
        # formatting_info: number formats, merged ranges and hidden rows are only read with it.
        # xlrd writes its warnings to a log file; they are not ours to print.
        return xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO())
    except Exception as exc:
        encrypted = isinstance(exc, XLRDError) and "encrypted" in str(exc).lower()
        problem = (
            "it is password-protected; ask the publisher for a copy without a password, or "
            "remove it in Excel, and ingest that"
            if encrypted
            else f"not a readable Excel 97-2003 workbook ({type(exc).__name__}: {exc}); open it "
            "in Excel or LibreOffice, save it as .xlsx and ingest that"
        )
        raise UnreadableDocument(f"{path.name}: {problem}") from exc


def _merge_covered(sheet: Any) -> set[tuple[int, int]]:
    """Cells inside a merged range other than its top-left one: their text is printed once."""
    covered: set[tuple[int, int]] = set()
    for first_row, end_row, first_col, end_col in sheet.merged_cells:
        for row in range(first_row, end_row):
            for col in range(first_col, end_col):
                if (row, col) != (first_row, first_col):
                    covered.add((row, col))
    return covered


def _show(book: Any, cell: Any) -> str:
    kind, value = cell.ctype, cell.value
    if kind in {xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK}:
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return workbook.clean_text(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return workbook.show(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return error_text_from_code.get(value, "#ERR")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return workbook.show(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError):
            pass  # not a valid date after all: show the number
    return workbook.show_number(value, _number_format(book, cell.xf_index))


def _number_format(book: Any, xf_index: int | None) -> str | None:
    if xf_index is None or xf_index >= len(book.xf_list):
        return None
    key = book.xf_list[xf_index].format_key
    found = book.format_map.get(key)
    if found is not None and found.format_str:
        return found.format_str
    # xlrd leaves some built-ins unspelled (the locale-dependent ones, mostly CJK dates).
    return workbook.builtin_format(key)
