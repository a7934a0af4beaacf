"""Excel workbooks (.xlsx): every visible sheet, every visible row, as printed.

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

The package is read with lxml (`_Book`, `_Sheet`), giving what openpyxl gives for it (its
`load_workbook(data_only=True)`, cell values and number formats, merged ranges, hidden rows and
sheets) at a fraction of the cost. A workbook this does not know how to read exactly as openpyxl
does (strict OOXML, cells out of order, a number format missing from the styles, a damaged
part...) is read by openpyxl itself, which reads it or says what is wrong with it.

`max_rows` stops after the row that brings the rows to at least that many: they are the first
rows of the whole workbook. Whether the workbook's formulas have saved results is still decided
on the whole workbook (a refusal does not depend on `max_rows`).
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from lxml import etree
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_MAX_SIZE,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number

from juesuan.readers import Row, SourceDocument, UnreadableDocument, limits, sniff, workbook
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
    data = path.read_bytes()
    try:
        with limits.attempt():
            return _read_lxml(path, data, max_rows)
    except UnreadableDocument:  # formulas without results, or over a limit
        raise
    except Exception:
        pass  # openpyxl reads it, or says what is wrong with it
    return _read_openpyxl(path, data, max_rows)


# --- openpyxl ------------------------------------------------------------------------------------


def _read_openpyxl(path: Path, data: bytes, max_rows: int | None = None) -> SourceDocument:
    values = _load(path, data, data_only=True)
    try:
        rows: list[Row] = []
        for page, sheet in enumerate(values.worksheets, start=1):
            if max_rows is not None and len(rows) >= max_rows:
                break
            if sheet.sheet_state != "visible":
                continue
            shown = (  # a generator: the cells limit is checked row by row as it is read
                (cells[0].row, [workbook.show(cell.value, cell.number_format) for cell in cells])
                for cells in sheet.iter_rows()
                if not _hidden(sheet, cells[0].row)
            )
            limit = None if max_rows is None else max_rows - len(rows)
            rows.extend(workbook.sheet_rows(sheet.title, page, shown, limit))
        _refuse_uncomputed_formulas(path, data, values)
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


def _load(path: Path, data: bytes, data_only: bool, read_only: bool = False) -> Any:
    try:
        # Bytes, not the name: openpyxl refuses names not ending in .xlsx (a workbook published
        # as .xls is still a workbook), and a read-only workbook reads its file lazily.
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: noise for reading.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=read_only, data_only=data_only, keep_links=False
            )
    except Exception as exc:
        raise UnreadableDocument(
            f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc}); open it "
            "in Excel or LibreOffice, save it as .xlsx and ingest that"
        ) from exc


def _hidden(sheet: Any, row: int) -> bool:
    dimension = sheet.row_dimensions.get(row)  # .get: indexing would create the entry
    return bool(dimension is not None and dimension.hidden)


def _refuse_uncomputed_formulas(path: Path, data: bytes, values: Any) -> None:
    """Refuse a workbook whose formulas were never calculated: none has a saved result.

    All or nothing, because a formula whose saved result is "" (=IF(A1=0,"",A1)) reads as None
    too; a workbook never calculated has no result for any formula, one saved by Excel or
    LibreOffice has one for every formula.
    """
    formulas = _load(path, data, data_only=False, read_only=True)
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
        raise _uncomputed(path, first)


def _uncomputed(path: Path, first: str) -> UnreadableDocument:
    return UnreadableDocument(
        f"{path.name}: no formula has a saved result (first: {first}); the workbook was "
        "written by a program and never calculated, so its totals would read as blanks; "
        "open it in Excel or LibreOffice, save it and ingest that"
    )


# --- lxml ----------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """Something the lxml reading does not read as openpyxl would: openpyxl reads the file."""


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_X = {
    name: f"{{{_MAIN}}}{name}"
    for name in (
        "sheets", "sheet", "workbookPr", "numFmts", "numFmt", "cellXfs", "xf", "sheetData",
        "row", "c", "v", "f", "is", "t", "r", "mergeCells", "mergeCell", "dimension", "si",
        "worksheet", "workbook", "styleSheet", "sst",
    )
}  # fmt: skip
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_WORKBOOK_TYPES = (  # in the order openpyxl looks for them (reader.excel._find_workbook_part)
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    f"{_SPREADSHEET}.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    f"{_SPREADSHEET}.sheet.main+xml",
)
_SHARED_STRINGS = f"{_SPREADSHEET}.sharedStrings+xml"
_STATES = frozenset({"visible", "hidden", "veryHidden"})
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")  # openpyxl.workbook.child.INVALID_TITLE_REGEX
_COORDINATE = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")
_RANGE = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)(?::([A-Z]{1,3})([1-9][0-9]*))?")
_COLUMNS: dict[str, int] = {}
# Row attributes openpyxl keeps in a RowDimension (the namespaced ones are ignored).
_ROW_ATTRIBUTES = frozenset(
    {"r", "spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel",
     "collapsed", "thickTop", "thickBot", "ph"}
)  # fmt: skip
# A formula anywhere in a sheet's XML, by its bytes (<f>, <x:f ...>): most sheets have none.
# (The patterns start with a literal: the others take ten times as long over a sheet.)
_FORMULA_BYTES = re.compile(rb"f(?<=[<:]f)[\s/>]")
_MERGE_BYTES = re.compile(rb"mergeCells[\s/>]")
# For reading a sheet's first rows alone: its root start tag, its <sheetData>, where its rows
# start, and the rows of row and cell addresses ("7" or "C7") after them.
_ROOT_BYTES = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet(?:\s[^>]*)?>")
_SHEET_DATA_BYTES = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?>")
_ROW_BYTES = re.compile(rb"<row[\s/>]")
_ADDRESS_BYTES = re.compile(
    rb"""r(?<=\sr)\s*=\s*(?:"\$?[A-Za-z]{0,3}\$?([0-9]+)"|'\$?[A-Za-z]{0,3}\$?([0-9]+)'"""
    rb"""|("[^"]*"|'[^']*'))"""
)
_PREFIX_BEFORE = re.compile(rb"<[A-Za-z_][\w.-]*:\Z")
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
_COUNT_CELLS = etree.XPath("count(m:row/m:c)", namespaces={"m": _MAIN})  # of <sheetData>
_PLAIN_ROW = ["r"]  # row.keys() of a row with nothing openpyxl keeps but its number and spans
_PLAIN_ROW_SPANS = ["r", "spans"]
_V = _X["v"]


def _read_lxml(path: Path, data: bytes, max_rows: int | None) -> SourceDocument:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = _Book(archive)
        try:
            rows = _book_rows(book, max_rows)
            first = book.first_uncomputed_formula()
        finally:
            book.close()
    if first is not None:
        raise _uncomputed(path, first)
    return SourceDocument(
        path=path, format="xlsx", rows=tuple(rows), page_count=max(len(book.sheets), 1)
    )


def _book_rows(book: _Book, max_rows: int | None) -> list[Row]:
    rows: list[Row] = []
    for page, (title, state, part) in enumerate(book.sheets, start=1):
        if max_rows is not None and len(rows) >= max_rows:
            break
        if state != "visible":
            continue
        limit = None if max_rows is None else max_rows - len(rows)
        shown = None if limit is None else book.first_rows(part, limit)
        if shown is None:
            shown = book.sheet(part).shown()
        rows.extend(workbook.sheet_rows(title, page, shown, limit))
    return rows


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    return etree.fromstring(archive.read(name), _PARSER)


def _bool(value: str | None) -> bool:
    """An attribute as openpyxl's Bool descriptor reads it."""
    if value is None or value in ("false", "f", "0"):
        return False
    return bool(value)


class _Book:
    """What openpyxl reads of a workbook before its sheets: the worksheets (title, state, part
    name), shared strings, number formats and the date system."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        types = _xml(archive, "[Content_Types].xml")
        overrides = [
            (o.get("PartName"), o.get("ContentType")) for o in types.iter(f"{_CT}Override")
        ]
        part = next(
            (name for kind in _WORKBOOK_TYPES for name, ct in overrides if ct == kind), None
        )
        if part is None:
            defaults = {d.get("ContentType") for d in types.iter(f"{_CT}Default")}
            if not defaults & set(_WORKBOOK_TYPES):
                raise _Unsupported("no workbook part")
            part = "/xl/workbook.xml"
        if not part or not part.startswith("/"):
            raise _Unsupported("workbook part name")
        part = part[1:]
        strings = next((name for name, ct in overrides if ct == _SHARED_STRINGS), None)
        self.shared = self._shared_strings(strings[1:]) if strings else []
        self.sheets = self._sheets(part)
        self._styles()
        self._parsed: dict[str, _Sheet] = {}
        # Cells as shown, by (<v> text, style) for numbers and by <v> text for shared strings;
        # style indexes by `s` attribute.
        self.numbers: dict[tuple[str, int], str] = {}
        self.strings: dict[str, str] = {}
        self.styles: dict[str | None, int] = {}

    def close(self) -> None:
        """Let the parsed sheets go: each refers to its book, a cycle only the garbage collector
        would break, and it then frees every sheet's tree in one pause."""
        self._parsed.clear()

    def style(self, text: str | None) -> int:
        """The style index of a cell's `s` attribute, as openpyxl takes it (0 without one)."""
        style = int(text) if text else 0
        if text == "" or not 0 <= style < len(self.formats):
            raise _Unsupported("cell style")
        self.styles[text] = style
        return style

    def number(self, text: str, style: int) -> Any:
        """The value of a number cell's <v> text in that style: a date in a date style."""
        value = _cast_number(text)
        if style in self.dates:
            try:
                value = from_excel(value, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                value = "#VALUE!"
        return value

    def show_number(self, text: str, style: int) -> str:
        return workbook.show(self.number(text, style), self.formats[style])

    def _sheets(self, part: str) -> list[tuple[str, str, str]]:
        root = _xml(self.archive, part)
        if root.tag != _X["workbook"]:
            raise _Unsupported("workbook root")
        properties = root.find(_X["workbookPr"])
        date1904 = properties is not None and _bool(properties.get("date1904"))
        self.epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
        # As openpyxl.packaging.relationship.get_rels_path and get_dependents resolve them.
        folder = posixpath.dirname(part)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")
        parent = posixpath.split(posixpath.dirname(rels_name))[0]
        rels = {}
        for rel in _xml(self.archive, rels_name).iter(_PKG_RELS):
            target = rel.get("Target")
            if rel.get("TargetMode") != "External":
                target = (
                    target[1:]
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(parent, target))
                )
            rels[rel.get("Id")] = (rel.get("Type") or "", target)
        containers = root.findall(_X["sheets"])
        if len(containers) != 1:
            raise _Unsupported("sheets")
        sheets: list[tuple[str, str, str]] = []
        titles: set[str] = set()
        for element in containers[0]:
            if element.tag != _X["sheet"]:
                raise _Unsupported("sheets child")
            title, state = element.get("name"), element.get("state", "visible")
            kind, target = rels[element.get(f"{{{_REL}}}id")]
            if (
                not title
                or state not in _STATES
                or _INVALID_TITLE.search(title)
                or title.lower() in titles
            ):
                raise _Unsupported("sheet title or state")
            titles.add(title.lower())
            if target not in self.names or "chartsheet" in kind:
                continue  # openpyxl skips a missing part, and a chart sheet is no worksheet
            sheets.append((title, state, target))
        return sheets

    def _shared_strings(self, part: str) -> list[str]:
        root = _xml(self.archive, part)
        if root.tag != _X["sst"]:
            raise _Unsupported("shared strings root")
        return [_text_content(si).replace("x005F_", "") for si in root.iter(_X["si"])]

    def _styles(self) -> None:
        """Each cell style's number format, as `cell.number_format` gives it, and the styles
        openpyxl reads as dates and durations."""
        root = _xml(self.archive, "xl/styles.xml")
        if root.tag != _X["styleSheet"]:
            raise _Unsupported("styles root")
        custom: dict[int, str] = {}
        containers = root.findall(_X["numFmts"])
        if len(containers) > 1:
            raise _Unsupported("numFmts")
        for container in containers:
            for element in container.iterchildren(_X["numFmt"]):
                custom[int(element.get("numFmtId"))] = element.get("formatCode")
        containers = root.findall(_X["cellXfs"])
        if len(containers) > 1:
            raise _Unsupported("cellXfs")
        xfs = list(containers[0].iterchildren(_X["xf"])) if containers else []
        if not xfs:
            raise _Unsupported("no cell styles")
        self.formats: list[str] = []
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        for index, xf in enumerate(xfs):
            number = int(xf.get("numFmtId", 0))
            if number in custom:
                shown = code = custom[number]
                if not isinstance(code, str):
                    raise _Unsupported("format code")
            elif number < BUILTIN_FORMATS_MAX_SIZE:
                shown, code = BUILTIN_FORMATS.get(number, "General"), BUILTIN_FORMATS.get(number)
            else:
                raise _Unsupported("number format missing")
            self.formats.append(shown)
            if is_date_format(code):
                self.dates.add(index)
            if is_timedelta_format(code):
                self.durations.add(index)

    def first_rows(self, part: str, wanted: int) -> list[tuple[int, list[str]]] | None:
        """`_Sheet.shown()` of the sheet's first rows, at least `wanted` of them that are not
        empty, from its first rows alone; None when that cannot be done exactly."""
        data = self.archive.read(part)
        if _may_have_formulas(data):
            return None  # the formulas are checked on the whole sheet
        starts = [match.start() for match in _ROW_BYTES.finditer(data)]
        count = wanted + 8
        while count < len(starts):
            sheet = _Sheet.up_to(self, data, starts[count])
            if sheet is None:
                return None
            lines = list(sheet.shown())
            if sum(1 for _number, line in lines if any(line)) >= wanted:
                return lines
            count *= 4
        return None

    def sheet(self, part: str) -> _Sheet:
        if part not in self._parsed:
            self._parsed[part] = _Sheet(self, self.archive.read(part))
        return self._parsed[part]

    def first_uncomputed_formula(self) -> str | None:
        """As `_refuse_uncomputed_formulas` decides on the whole workbook: the address of the
        first formula when no formula has a saved result, else None."""
        first: str | None = None
        for title, _state, part in self.sheets:
            if part in self._parsed:
                sheet = self._parsed[part]
            else:
                data = self.archive.read(part)
                if not _may_have_formulas(data):
                    continue
                sheet = self._parsed[part] = _Sheet(self, data)
            for row, column, computed in sheet.formulas():
                if computed:
                    return None
                first = first or workbook.address(title, row, column)
        return first


class _Sheet:
    """One worksheet's cells as openpyxl's data-only workbook has them."""

    def __init__(self, book: _Book, data: bytes, root: Any = None, merged: Any = None) -> None:
        self.book = book
        self.may_have_formulas = _may_have_formulas(data)
        if root is None:
            root = etree.fromstring(data, _PARSER)
        if root.tag != _X["worksheet"]:
            raise _Unsupported("worksheet root")
        self.root = root
        containers = root.findall(_X["sheetData"])
        self.data = containers[0] if len(containers) == 1 else None
        rows = list(root.iter(_X["row"]))
        if any(row.getparent() is not self.data for row in rows):
            raise _Unsupported("row outside sheetData")
        # (row number, hidden, [column], [cell element]) in order, checked as openpyxl reads them
        self.rows: list[tuple[int, bool, list[int], list[Any]]] = []
        # Every child of every row is a cell (len() counts comments and the like too): counted
        # in C rather than checked cell by cell.
        if rows and sum(map(len, rows)) != _COUNT_CELLS(self.data):
            raise _Unsupported("row child")
        self._read_rows(rows)
        self.covered = self._merged(data, merged)

    def _read_rows(self, rows: list[Any]) -> None:
        """Each row's number, hidden state, cells and their columns, checked as openpyxl reads
        them: numbers increasing, cells left to right, no attribute openpyxl would not keep."""
        letters_to_column, kept = _COLUMNS, self.rows
        number = 0
        for row in rows:
            text = row.get("r")
            if text is not None and text.isdecimal() and text.isascii() and int(text) > 0:
                number = int(text)
            else:
                number = self._row_number(row, number)
            if kept and number <= kept[-1][0]:
                raise _Unsupported("rows out of order")
            hidden = False
            keys = row.keys()
            if keys != _PLAIN_ROW and keys != _PLAIN_ROW_SPANS:
                keys = [key for key in keys if not key.startswith("{")]
                if any(key not in ("r", "spans") for key in keys):
                    if any(key not in _ROW_ATTRIBUTES for key in keys):
                        raise _Unsupported("row attribute")
                    hidden = _bool(row.get("hidden"))
            cells = row.getchildren()
            columns: list[int] = []
            column = 0
            digits = str(number)
            width = len(digits)
            for cell in cells:
                coordinate = cell.get("r")
                if coordinate:
                    # "C7": its column, in the row it stands in
                    index = letters_to_column.get(coordinate[:-width])
                    if index is None or not coordinate.endswith(digits):
                        index = _column(coordinate, number)
                    if index <= column:
                        raise _Unsupported("cells out of order")
                    column = index
                else:
                    column += 1
                columns.append(column)
            kept.append((number, hidden, columns, cells))

    @staticmethod
    def _row_number(row: Any, previous: int) -> int:
        """As openpyxl's WorkSheetParser.parse_row numbers a row."""
        text = row.get("r")
        if text is None:
            return previous + 1
        try:
            number = int(text)
        except ValueError:
            value = float(text)
            if not value.is_integer():
                raise
            number = int(value)
        if number < 1:
            raise _Unsupported("row number")
        return number

    @classmethod
    def up_to(cls, book: _Book, data: bytes, cut: int) -> _Sheet | None:
        """The sheet as far as the row starting at byte `cut` (its rows before that one), when
        nothing after it can change them for openpyxl: every row and cell after it stands
        below them; None when that is not sure."""
        root_tag = _ROOT_BYTES.search(data)
        sheet_data = _SHEET_DATA_BYTES.search(data)
        if (
            root_tag is None
            or sheet_data is None
            or sheet_data.start() > cut
            or sheet_data.group(0).endswith(b"/>")
        ):
            return None
        found = _ADDRESS_BYTES.findall(data, cut)  # r="7" and r="C7" after the cut
        if any(other for _double, _single, other in found):
            return None  # an address written some other way
        below = [int(double or single) for double, single, _other in found]
        merges = _merge_starts(data)
        closing = b"</" + sheet_data.group(1) + b"sheetData></" + root_tag.group(1) + b"worksheet>"
        try:
            root = etree.fromstring(data[:cut] + closing, _PARSER)
            merged = None
            if len(merges) == 1 and merges[0] >= cut:
                merged = _merge_cells(data, merges[0], root_tag)
            sheet = cls(book, data, root, merged)
        except (etree.XMLSyntaxError, _Unsupported):
            return None
        last = sheet.rows[-1][0] if sheet.rows else 0
        if below and min(below) <= last:
            return None
        return sheet

    def _merged(self, data: bytes, container: Any = None) -> set[tuple[int, int]]:
        """The cells (present in the sheet) a merged range covers, its top-left one excepted:
        openpyxl makes them MergedCells, whose value is None."""
        tags = len(_merge_starts(data))  # <mergeCells> wherever it stands
        if not tags:
            return set()
        containers = [container] if container is not None else []
        containers += list(self.root.iterchildren(_X["mergeCells"]))
        if tags != 1 or len(containers) != 1:
            raise _Unsupported("mergeCells")
        ranges = []
        for element in containers[0]:
            if not isinstance(element.tag, str):
                continue
            if element.tag != _X["mergeCell"]:
                raise _Unsupported("mergeCells child")
            min_col, min_row, max_col, max_row = _boundaries(element.get("ref"))
            if min_col > max_col or min_row > max_row:
                raise _Unsupported("merged range")
            ranges.append((min_row, min_col, max_row, max_col))
        covered: set[tuple[int, int]] = set()
        if not ranges:
            return covered
        # A cell is covered when it is in a range without being that range's top-left cell,
        # whatever the order of the ranges. Only the cells the sheet has matter: the positions
        # of small ranges are taken whole, large ones are looked for among the sheet's cells.
        present: set[tuple[int, int]] | None = None
        for min_row, min_col, max_row, max_col in ranges:
            if (max_row - min_row + 1) * (max_col - min_col + 1) <= 4096:
                inside: Any = (
                    (row, column)
                    for row in range(min_row, max_row + 1)
                    for column in range(min_col, max_col + 1)
                )
            else:
                if present is None:
                    present = {
                        (n, column) for n, _hidden, columns, _ in self.rows for column in columns
                    }
                inside = (
                    (row, column)
                    for row, column in present
                    if min_row <= row <= max_row and min_col <= column <= max_col
                )
            top_left = (min_row, min_col)
            covered.update(cell for cell in inside if cell != top_left)
        return covered

    def shown(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells from column A as shown) for every visible row, in order.

        `_value` then `workbook.show`, with the common cells (numbers, shared and inline
        strings) shown inline: a number or shared string is shown once per workbook and style
        (`_Book.numbers`, `_Book.strings`), the same text showing the same way every time."""
        book, covered = self.book, self.covered
        styles, numbers, strings = book.styles, book.numbers, book.strings
        tag_v, tag_is, tag_t, clean_text = _V, _X["is"], _X["t"], workbook.clean_text
        for number, hidden, columns, cells in self.rows:
            if hidden:
                continue
            line: list[str] = []
            for column, cell in zip(columns, cells, strict=True):
                if column > len(line) + 1:
                    line += [""] * (column - 1 - len(line))
                if covered and (number, column) in covered:
                    line.append("")
                    continue
                style = styles.get(cell.get("s"))  # checked first, as _value does
                if style is None:
                    style = book.style(cell.get("s"))
                kind = cell.get("t")
                if kind is None or kind == "n" or kind == "s":
                    text = None
                    for child in cell:
                        if child.tag == tag_v:
                            text = child.text
                            break
                    if not text:
                        shown = ""
                    elif kind == "s":
                        shown = strings.get(text)
                        if shown is None:
                            shown = strings[text] = clean_text(book.shared[int(text)])
                    else:
                        shown = numbers.get((text, style))
                        if shown is None:
                            shown = numbers[text, style] = book.show_number(text, style)
                elif kind == "inlineStr":  # _text_content of its first <is>, inlined
                    shown = ""
                    for child in cell:
                        if child.tag == tag_is:
                            if len(child) == 1 and (first := child[0]).tag == tag_t:
                                shown = clean_text(first.text or "")
                            else:
                                shown = clean_text(_text_content(child))
                            break
                else:
                    value, _style = self._value(cell)
                    shown = workbook.show(value, book.formats[style])
                line.append(shown)
            yield number, line

    def _value(self, cell: Any) -> tuple[Any, int]:
        """(value, style index) of a cell as openpyxl's data-only WorkSheetParser.parse_cell
        gives them."""
        kind = cell.get("t", "n")
        style = self.book.style(cell.get("s"))
        if kind == "inlineStr":
            child = _first_child(cell, _X["is"])
            return (None if child is None else _text_content(child)), style
        value = None
        for child in cell:
            if child.tag == _V:
                value = child.text or None
                break
        if value is None:
            return None, style
        if kind == "n":
            value = self.book.number(value, style)
        elif kind == "s":
            value = self.book.shared[int(value)]
        elif kind == "b":
            value = bool(int(value))
        elif kind == "d":
            value = from_ISO8601(value)
        return value, style

    def formulas(self) -> Iterator[tuple[int, int, bool]]:
        """(row, column, has a saved result) of each formula openpyxl's read-only reading of the
        sheet meets (within the sheet's declared dimension, when it has one), in order."""
        if not self.may_have_formulas:
            return
        bounds = self._dimension()
        for number, _hidden, columns, cells in self.rows:
            if bounds is not None and number > bounds[0]:
                return
            for column, cell in zip(columns, cells, strict=True):
                if bounds is not None and column > bounds[1]:
                    break
                if _first_child(cell, _X["f"]) is None:
                    continue
                if (number, column) in self.covered:
                    yield number, column, False
                else:
                    yield number, column, self._value(cell)[0] is not None

    def _dimension(self) -> tuple[int, int] | None:
        """(max row, max column) of the sheet's <dimension>, as a read-only worksheet sizes
        itself; None without one."""
        element = next(self.root.iter(_X["dimension"]), None)
        if element is None:
            return None
        if element.getparent() is not self.root or self.data is None:
            raise _Unsupported("dimension")
        if self.root.index(element) > self.root.index(self.data):
            return None  # openpyxl stops looking at the end of sheetData
        _min_col, _min_row, max_col, max_row = _boundaries(element.get("ref"))
        return max_row, max_col


def _merge_starts(data: bytes) -> list[int]:
    """Where the <mergeCells> start tags of a sheet's XML begin (a namespace prefix or not)."""
    starts = []
    for match in _MERGE_BYTES.finditer(data):
        at = match.start()
        if data[at - 1 : at] == b"<":
            starts.append(at - 1)
        elif data[at - 1 : at] == b":":
            prefix = _PREFIX_BEFORE.search(data, max(at - 64, 0), at)
            if prefix is not None:
                starts.append(prefix.start())
    return starts


def _merge_cells(data: bytes, start: int, root_tag: Any) -> Any:
    """The <mergeCells> starting at byte `start`, parsed alone (within the sheet's root tag, for
    its namespaces)."""
    end = data.find(b">", start)
    if end < 0:
        raise _Unsupported("mergeCells")
    if data[end - 1 : end] != b"/":
        closing = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?mergeCells\s*>").search(data, end)
        if closing is None:
            raise _Unsupported("mergeCells")
        end = closing.end() - 1
    fragment = data[start : end + 1]
    if b"<!" in fragment or b"<?" in fragment:
        raise _Unsupported("mergeCells")
    root = etree.fromstring(
        root_tag.group(0) + fragment + b"</" + root_tag.group(1) + b"worksheet>", _PARSER
    )
    if len(root) != 1 or root[0].tag != _X["mergeCells"]:
        raise _Unsupported("mergeCells")
    return root[0]


def _boundaries(reference: str) -> tuple[int, int, int, int]:
    """(min col, min row, max col, max row) of "A1:C3" or "B2", as openpyxl's
    range_boundaries gives them; a range of whole rows or columns is not taken."""
    match = _RANGE.fullmatch(reference)
    if match is None:
        found = range_boundaries(reference)
        if None in found:
            raise _Unsupported("range of whole rows or columns")
        return found
    first, row, last, last_row = match.groups()
    min_col = _COLUMNS.get(first) or _letters(first)
    max_col = (_COLUMNS.get(last) or _letters(last)) if last else min_col
    return min_col, int(row), max_col, int(last_row) if last_row else int(row)


def _may_have_formulas(data: bytes) -> bool:
    """False when the XML holds no formula element: its bytes say so before any parsing."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:256]:
        raise _Unsupported("XML in UTF-16")
    return _FORMULA_BYTES.search(data) is not None


def _first_child(element: Any, tag: str) -> Any:
    for child in element:
        if child.tag == tag:
            return child
    return None


def _column(coordinate: str, row: int) -> int:
    """The column of a cell's coordinate ("C7": 3), which must be in `row`."""
    match = _COORDINATE.fullmatch(coordinate)
    if match is None or int(match.group(2)) != row:
        raise _Unsupported("cell coordinate")
    return _letters(match.group(1))


def _letters(letters: str) -> int:
    """The column of its letters ("C": 3)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    _COLUMNS[letters] = index
    return index


def _local(tag: Any) -> str | None:
    return tag.rpartition("}")[2] if isinstance(tag, str) else None


def _text_content(element: Any) -> str:
    """openpyxl's Text.from_tree(element).content: the plain <t> (the last one), then each
    rich-text run's <t>, phonetic runs left out; children matched by local name."""
    if len(element) == 1 and element[0].tag == _X["t"]:
        return element[0].text or ""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return (plain or "") + "".join(runs) if plain is not None else "".join(runs)
