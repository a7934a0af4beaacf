"""Excel workbooks: one sheet per table or everything on one sheet (the layout decides).

Amounts are numbers (Decimal, written exactly) with the format "#,##0.00" or "0.00", except a
zero printed as "-" (text) or left blank (no cell), as spreadsheets exported by bureaus have them.
Header merges are real merged ranges.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from juesuan.synthetic.printed import PageBreak, PrintedDocument, PrintedTable

_WRAP = Alignment(wrap_text=True, vertical="center")


def render_xlsx(doc: PrintedDocument, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    per_table = doc.layout.xlsx_sheets == "per_table"
    sheet.title = "封面" if per_table else "部门决算"
    number_format = "#,##0.00" if doc.layout.thousands else "0.00"
    row, tables_seen = 1, 0
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            continue
        if isinstance(block, PrintedTable):
            if per_table:
                tables_seen += 1
                sheet, row = book.create_sheet(_sheet_name(block, tables_seen)), 1
            row = _write_table(sheet, block, row, number_format) + 1
            continue
        if per_table and tables_seen and block.role == "heading":
            # The part after the tables (情况说明) gets a sheet of its own.
            sheet, row, tables_seen = book.create_sheet("情况说明"), 1, 0
        sheet.cell(row=row, column=1, value=block.text)
        row += 1
    book.save(path)


def _sheet_name(table: PrintedTable, position: int) -> str:
    return (table.label or f"表{position}").replace(" ", "")[:31]


def _write_table(sheet: Worksheet, table: PrintedTable, row: int, number_format: str) -> int:
    """Write one table from `row`; returns the next free row."""
    for line in [table.title, *table.meta]:
        sheet.cell(row=row, column=1, value=line)
        row += 1
    top = row
    for grid_row in table.header:
        for col, text in enumerate(grid_row, start=1):
            if text:
                cell = sheet.cell(row=row, column=col, value=text)
                cell.alignment = _WRAP
        row += 1
    for texts, values in zip(table.data, table.values, strict=True):
        for col, (text, value) in enumerate(zip(texts, values, strict=True), start=1):
            if value is not None:
                cell = sheet.cell(row=row, column=col, value=value)
                cell.number_format = number_format
            elif text:
                cell = sheet.cell(row=row, column=col, value=text)
                if "\n" in text:
                    cell.alignment = _WRAP
        row += 1
    for merge in table.merges:
        sheet.merge_cells(
            start_row=top + merge.row,
            start_column=merge.col + 1,
            end_row=top + merge.row + merge.rowspan - 1,
            end_column=merge.col + merge.colspan,
        )
    for note in table.notes:
        sheet.cell(row=row, column=1, value=note)
        row += 1
    return row
