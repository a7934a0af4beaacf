"""Excel workbooks (.xlsx) with openpyxl: every visible sheet, every visible row, as printed.

- Values are the results Excel saved (data_only): a 合计 computed by =SUM() reads as its sum. A
  workbook written by a program and never calculated has no saved results: its totals would read
  as blanks, which the parser takes for printed zeros, so it is refused instead.
- Numbers are shown through their number format (`workbook.show`): "2,413.52", "0.00".
- A merged range keeps its text in its top-left cell only, "" elsewhere (as openpyxl gives it),
  exactly as a text extraction prints a merged header once.
- Hidden sheets and hidden rows are skipped: they are not part of the published table (helper
  rows, earlier versions, lookup lists), and a person reading the file does not see them. Hidden
  columns are kept, so that every cell keeps its column position.
- `page` is the sheet's position among the workbook's worksheets (1-based), `ref` is the row's
  first cell (`Sheet1!A7`) and `cell_refs` the address of every cell (`Sheet1!C7`).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import openpyxl

from juesuan.readers import Row, SourceDocument, UnreadableDocument, sniff, workbook
from juesuan.readers.limits import check_zip

_EXPECTED = "an Excel workbook (.xlsx)"


def read(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read an .xlsx; a file whose bytes are another format goes to the reader of that format."""
    path = Path(path)
    kind = sniff.kind_of(path)
    if kind not in {"xlsx", "zip"}:
        return sniff.read_by_content(path, kind, _EXPECTED, max_rows=max_rows)
    return read_workbook(path, max_rows=max_rows)


def read_workbook(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a file known to be a zip archive as an .xlsx workbook."""
    path = Path(path)
    check_zip(path)
    values = _load(path, data_only=True)
    try:
        rows: list[Row] = []
        for page, sheet in enumerate(values.worksheets, start=1):
            if sheet.sheet_state != "visible":
                continue
            shown = (  # a generator: the cells limit is checked row by row as it is read
                (cells[0].row, [workbook.show(cell.value, cell.number_format) for cell in cells])
                for cells in sheet.iter_rows()
                if not _hidden(sheet, cells[0].row)
            )
            rows.extend(workbook.sheet_rows(sheet.title, page, shown))
        _refuse_uncomputed_formulas(path, values)
    except UnreadableDocument:
        raise
    except Exception as exc:  # a malformed sheet: say so, never a library traceback
        raise UnreadableDocument(
            f"{path.name}: the workbook is damaged ({type(exc).__name__}: {exc}); open it in "
            "Excel or LibreOffice, save it again and ingest that"
        ) from exc
    finally:
        values.close()
    return SourceDocument(
        path=path, format="xlsx", rows=tuple(rows), page_count=max(len(values.worksheets), 1)
    )


def _load(path: Path, data_only: bool, read_only: bool = False) -> Any:
    try:
        # Bytes, not the name: openpyxl refuses names not ending in .xlsx (a workbook published
        # as .xls is still a workbook), and a read-only workbook reads its file lazily.
        data = io.BytesIO(path.read_bytes())
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: noise for reading.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(
                data, read_only=read_only, data_only=data_only, keep_links=False
            )
    except Exception as exc:
        raise UnreadableDocument(
            f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc}); open it "
            "in Excel or LibreOffice, save it as .xlsx and ingest that"
        ) from exc


def _hidden(sheet: Any, row: int) -> bool:
    dimension = sheet.row_dimensions.get(row)  # .get: indexing would create the entry
    return bool(dimension is not None and dimension.hidden)


def _refuse_uncomputed_formulas(path: Path, values: Any) -> None:
    """Refuse a workbook whose formulas were never calculated: none has a saved result.

    All or nothing, because a formula whose saved result is "" (=IF(A1=0,"",A1)) reads as None
    too; a workbook never calculated has no result for any formula, one saved by Excel or
    LibreOffice has one for every formula.
    """
    formulas = _load(path, data_only=False, read_only=True)
    first: str | None = None
    try:
        for sheet in formulas.worksheets:
            computed = values[sheet.title]
            for cells in sheet.iter_rows():
                for cell in cells:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    if computed.cell(cell.row, cell.column).value is not None:
                        return
                    first = first or workbook.address(sheet.title, cell.row, cell.column)
    finally:
        formulas.close()
    if first is not None:
        raise UnreadableDocument(
            f"{path.name}: no formula has a saved result (first: {first}); the workbook was "
            "written by a program and never calculated, so its totals would read as blanks; "
            "open it in Excel or LibreOffice, save it and ingest that"
        )
