"""Reading one table block: its metadata lines, its header, and its rows as typed entries.

Columns get their roles (code, label, line number, measure) from the header, read deepest level
first because merged cells print their text once, on the top level, and the specific header
(小计, 基本支出) sits below the general one (本年支出). A row is read by position when its cells
fit the columns' roles; when extraction shifted the cells (GUIDE: blank cells collapse, labels
slip into the line-number column) it is read by the order of its typed tokens instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import itemgetter

from juesuan.amounts import find_unit, has_decimal_point, is_blank, looks_like_amount
from juesuan.catalogue import (
    ITEM_COLUMN_TABLES,
    TWO_SIDED_TABLES,
    match_item_in_header,
    match_measure,
)
from juesuan.parse.lines import lines
from juesuan.readers import Row
from juesuan.textnorm import MEMO_SIZE, compact, label_key

_LABEL = re.compile(r"公开\s*\d+\s*表|表[一二三四五六七八九]")
_DEPARTMENT = re.compile(
    r"^(?:部门名称|部门|单位名称|编制单位|预算单位)[:：]\s*(?P<name>.+?)\s*(?:(?:金额)?单位[:：].*)?$"
)
_YEAR_LINE = re.compile(r"^\d{4}年度?$")
_NOTE = re.compile(r"^(注|说明|备注)\s*[:：]?")
_META_PREFIX = re.compile(r"^(预算代码|单位编码|部门编码)[:：]")
_CODE_DIGITS = re.compile(r"^\d+$")

_CODE_HEADERS = {"科目编码", "科目代码", "功能分类科目编码", "经济分类科目编码", "编码", "代码"}
_CODE_PART_HEADERS = {"类", "款", "项"}
_LABEL_HEADERS = {"项目", "科目名称", "名称", "项目名称", "科目"}
_SIDES = {"收入": "income", "支出": "expenditure"}


@dataclass
class BlockMeta:
    printed_label: str | None = None
    department_name: str | None = None
    unit: str | None = None
    year_text: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """An amount column: its measure and, where the columns are the items (三公), its item."""

    index: int
    measure: str
    item: str | None = None
    header: str = ""


@dataclass
class Segment:
    """A run of columns that describes one entry per row (tables 01, 04 and 06 have several)."""

    side: str | None = None
    code_cols: list[int] = field(default_factory=list)
    label_col: int | None = None
    lineno_col: int | None = None
    amount_cols: list[Column] = field(default_factory=list)

    @cached_property
    def columns_are_items(self) -> bool:
        """(Asked for once the segment is complete: the header's columns are all read.)"""
        return any(column.item for column in self.amount_cols)


@dataclass(slots=True)
class Entry:
    """One labelled entry of a row: its code or label and its amount cells."""

    segment: Segment
    code: str | None
    label: str | None
    cells: list[tuple[Column, str]]  # the printed cell, '' when blank
    ref: str
    positional: bool
    cell_refs: dict[int, str] = field(default_factory=dict)  # column index -> cell reference
    # `printed`, once known (the reader knows it when it makes the entry)
    known_printed: bool | None = field(default=None, init=False, repr=False, compare=False)

    def ref_of(self, column: Column) -> str:
        return self.cell_refs.get(column.index, self.ref)

    @property
    def printed(self) -> bool:
        if self.known_printed is None:
            self.known_printed = any(not is_blank(cell) for _column, cell in self.cells)
        return self.known_printed


def split_meta(rows: Sequence[Row]) -> tuple[BlockMeta, list[Row]]:
    """Separate the metadata lines (label, department, unit, year, notes) from the table rows.

    A note (注：/说明：) after the data has started ends the table; a note before it is template
    debris (`注：本表为公开表样…`) and the grid that follows is still the table.
    """
    found = lines(rows)
    return split_meta_lines(rows, found.filled, found.keys)


def split_meta_lines(
    rows: Sequence[Row], filled_cells: Sequence[Sequence[str]], keys: Sequence[str]
) -> tuple[BlockMeta, list[Row]]:
    """`split_meta`, given each row's filled cells and compact text (see parse.lines)."""
    meta = BlockMeta()
    table_rows: list[Row] = []
    over = False
    for row, filled, text in zip(rows, filled_cells, keys, strict=True):
        if filled and _is_note(filled[0]):
            meta.notes.append(row.text)  # later notes still matter (本表无数据)
            over = over or any(_has_data(r) for r in table_rows)
            continue
        if over:
            continue
        if not table_rows or len(filled) <= 2:
            consumed = False
            if label := _LABEL.search(text):
                meta.printed_label = meta.printed_label or label.group(0)
                consumed = True
            for cell in filled:
                if dept := _DEPARTMENT.match(compact(cell)):
                    meta.department_name = meta.department_name or dept.group("name")
                    consumed = True
                if unit := _unit(cell):
                    meta.unit = meta.unit or unit
                    consumed = True
            if _YEAR_LINE.match(text):
                meta.year_text = text
                consumed = True
            if filled and _META_PREFIX.match(compact(filled[0])):
                consumed = True
            if consumed:
                continue
        if meta.notes and len(filled) < 2 and not _has_data(row):
            continue  # prose between an instruction note and the grid
        table_rows.append(row)
    return meta, table_rows


_unit = lru_cache(maxsize=MEMO_SIZE)(find_unit)


@lru_cache(maxsize=MEMO_SIZE)
def _is_note(cell: str) -> bool:
    """Whether a row whose first filled cell this is is a note (注：/说明：): asked of every row
    of every table, of the same few first cells (codes, labels)."""
    return _NOTE.match(compact(cell)) is not None


# An amount as most cells print it: ASCII digits, thousands commas, a decimal point, no space.
# Such a cell is an amount to `looks_like_amount` and reads as `parse_amount` reads it (its
# digits without the commas): the parser takes that short way for it (tests/test_fast_paths.py).
PLAIN_AMOUNT = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})*|[0-9]+)(?:\.[0-9]+)?")


@lru_cache(maxsize=MEMO_SIZE)
def _is_decimal_amount(cell: str) -> bool:
    if PLAIN_AMOUNT.fullmatch(cell):
        return "." in cell
    return has_decimal_point(cell) and looks_like_amount(cell)


@lru_cache(maxsize=MEMO_SIZE)
def _is_data_cell(cell: str) -> bool:
    """An amount with decimals, or a total label."""
    return _is_decimal_amount(cell) or label_key(cell) in {"合计", "总计"}


def _has_data(row: Row) -> bool:
    """A data row: an amount with decimals, or a total label (an empty table's 合计 row)."""
    return any(map(_is_data_cell, row.cells))  # a blank cell is neither


def _is_column_numbers(row: Row) -> bool:
    """The 栏次 row: labelled 栏次, or nothing but the column numbers 1, 2, 3 …"""
    filled = list(filter(str.strip, row.cells))
    # 栏 is printed where 栏次 is (no other character is 栏 in NFKC); most rows are not numbers
    # only, which their first cells that are not digits tell
    if "栏" in "".join(filled) and "栏次" in map(compact, filled):
        return True
    if len(filled) < 2 or not all(map(str.isdigit, map(compact, filled))):
        return False
    keys = list(map(compact, filled))
    return keys == [str(n) for n in range(int(keys[0]), int(keys[0]) + len(keys))]


def split_header(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """Header rows and data rows: the header ends at the 栏次 row, or at the first amount."""
    for index, row in enumerate(rows):
        if _is_column_numbers(row):
            return list(rows[:index]), list(rows[index + 1 :])
    for index, row in enumerate(rows):
        if any(map(_is_decimal_amount, row.cells)):  # a blank cell is no amount
            return list(rows[:index]), list(rows[index:])
    # No amount at all: the header is what has no total label in it (an empty table's 合计 row).
    for index, row in enumerate(rows):
        if any(label_key(cell) in {"合计", "总计"} for cell in row.filled):
            return list(rows[:index]), list(rows[index:])
    return list(rows), []


def _merged(levels: list[list[str]], depth: int, col: int) -> str:
    """The text a merged header cell spreads over `col`: the nearest cell to its left on the
    same level, unless a cell of a level above starts a new group in between."""
    for c in range(col, -1, -1):
        if levels[depth][c]:
            return levels[depth][c]
        if any(levels[above][c] for above in range(depth)):
            return ""
    return ""


def _resolve(
    levels: list[list[str]], col: int, attribute: Callable[[str], str | None]
) -> tuple[str, str] | None:
    """(value, header cell) of a column's attribute: its own cells deepest first, then the
    merged cells spreading over it."""
    for level in reversed(levels):
        cell = level[col]
        if cell and (value := attribute(cell)):
            return value, cell
    for depth in range(len(levels) - 1, -1, -1):
        cell = _merged(levels, depth, col)
        if cell and (value := attribute(cell)):
            return value, cell
    return None


@lru_cache(maxsize=MEMO_SIZE)
def _role(cell: str) -> str | None:
    key = label_key(cell)
    if key in _CODE_PART_HEADERS:
        return "code"
    if key in _CODE_HEADERS or key.endswith(("科目编码", "科目代码")):
        return "code"
    if key in _LABEL_HEADERS:
        return "label"
    if key == "行次":
        return "lineno"
    return None


def columns(table_no: str, header: Sequence[Row], width: int) -> list[Segment]:
    """The segments of a table, from its header rows.

    Documents of one template print the same headers: the segments of a header are worked out
    once (they are not changed afterwards; the entries of each table refer to them)."""
    return list(_columns(table_no, tuple(row.cells for row in header), width))


@lru_cache(maxsize=1 << 10)
def _columns(table_no: str, header: tuple[tuple[str, ...], ...], width: int) -> list[Segment]:
    levels = [list(cells) + [""] * (width - len(cells)) for cells in header]
    if not levels:
        return []
    segments: list[Segment] = []
    current: Segment | None = None
    two_sided = table_no in TWO_SIDED_TABLES
    for col in range(width):
        side = None
        if two_sided and (found := _resolve(levels, col, lambda c: _SIDES.get(label_key(c)))):
            side = found[0]

        def kind_of(cell: str, side: str | None = side) -> str | None:
            # A column is what its deepest header cell says it is: a role or a measure.
            measure = match_measure(table_no, side, cell)
            return _role(cell) or (f"measure:{measure}" if measure else None)

        found = _resolve(levels, col, kind_of)
        if found is None:
            continue
        kind = found[0]
        role = None if kind.startswith("measure:") else kind
        starts_new = current is None or (role is not None and bool(current.amount_cols))
        if current is not None and side != current.side:
            starts_new = True
        if starts_new:
            current = Segment(side=side)
            segments.append(current)
        assert current is not None
        if role == "code":
            current.code_cols.append(col)
        elif role == "label":
            current.label_col = col
        elif role == "lineno":
            current.lineno_col = col
        else:
            item, name = None, ""
            if table_no in ITEM_COLUMN_TABLES:
                named = _resolve(levels, col, lambda c: match_item_in_header(table_no, c))
                if named:
                    item, name = named[0], label_key(named[1])
                    if name == "小计":  # name the subtotal by its group: 公务用车购置及运行维护费
                        groups = (_merged(levels, depth, col) for depth in range(len(levels)))
                        name = next(
                            (
                                label_key(cell)
                                for cell in groups
                                if cell
                                and label_key(cell) != "小计"
                                and match_item_in_header(table_no, cell) == item
                            ),
                            name,
                        )
            column = Column(col, kind.removeprefix("measure:"), item, name)
            # A blank column right of a merged header resolves to that header again: one
            # column per (measure, item) in a segment, the first.
            if all(
                (c.measure, c.item) != (column.measure, column.item) for c in current.amount_cols
            ):
                current.amount_cols.append(column)
    return [s for s in segments if s.amount_cols]


# --- reading rows ---------------------------------------------------------------------------

_CODE_LENGTHS = {3, 5, 7}


@lru_cache(maxsize=MEMO_SIZE)
def _digits(cell: str) -> str | None:
    key = compact(cell)
    return key if _CODE_DIGITS.match(key) else None


# Where an amount was meant but none can be read: a mistyped or misread number (`2,4l3.52`,
# `2.413.52`), a spreadsheet's error value, an amount in words (大写). Such a cell stays in its
# column, and line_items reports it as not an amount, instead of the row being read as shifted
# (the cell taken for a label, the amounts after it moved or read as blank zeros).
_BROKEN_AMOUNT = re.compile(
    r"[-−(]?[\d,.lIoO]*\d[\d,.lIoO]*\)?"
    r"|#(?:REF!|VALUE!|DIV/0!|N/A|NAME\?|NUM!|NULL!|####+)"
    r"|(?=.*[壹贰叁肆伍陆柒捌玖])[零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整点负]{2,}"
)


@lru_cache(maxsize=MEMO_SIZE)
def _kind(cell: str) -> str:
    """blank | amount | int | broken | text: a pure function of the cell, so memoised (a
    document has a few thousand cells, many of them alike: `-`, `0.00`, its labels)."""
    if PLAIN_AMOUNT.fullmatch(cell):  # what the general tests below say of it
        return "amount" if "." in cell or not cell.isdigit() else "int"
    if is_blank(cell):
        return "blank"
    if looks_like_amount(cell):
        return "amount" if has_decimal_point(cell) or not compact(cell).isdigit() else "int"
    if _BROKEN_AMOUNT.fullmatch(compact(cell)):
        return "broken"
    return "text"


_NO_LABEL = frozenset({"amount", "int"})
_LINENO = frozenset({"blank", "int"})


def _positional(segment: Segment, row: Row, kinds: Sequence[str] | None = None) -> Entry | None:
    """The entry at fixed positions, or None when a cell does not fit its column's role.

    `kinds` are the kinds of the row's cells, when the caller has them already."""
    if kinds is None:
        kinds = [_kind(cell) for cell in row.cells]
    return _at_positions(_plan(segment), row, kinds)  # type: ignore[return-value]


# What `_at_positions` needs of a segment, worked out once per table: the segment, its label,
# line-number and code columns, its amount columns, their indices, a getter of the cells at
# those indices, one past the largest, and whether the columns are the items (三公).
_Plan = tuple[
    Segment,
    int | None,
    int | None,
    tuple[int, ...],
    tuple[Column, ...],
    tuple[int, ...],
    Callable[[Sequence[str]], Sequence[str]],
    int,
    bool,
]


def _plan(segment: Segment) -> _Plan:
    indices = tuple(column.index for column in segment.amount_cols)
    if len(indices) > 1:
        pick = itemgetter(*indices)
    else:  # the cells at those indices in a sequence (a slice), as itemgetter gives several
        only = indices[0] if indices else 0
        pick = itemgetter(slice(only, only + len(indices)))
    return (
        segment,
        segment.label_col,
        segment.lineno_col,
        tuple(segment.code_cols),
        tuple(segment.amount_cols),
        indices,
        pick,
        max(indices, default=-1) + 1,
        segment.columns_are_items,
    )


class _Blank:
    """What `_at_positions` says of a segment of a row that holds nothing (no code, no label, no
    amount), when asked to skip it: the entry it would be is dropped by the readers of rows."""


_BLANK = _Blank()
_new = object.__new__


def _at_positions(
    plan: _Plan, row: Row, kinds: Sequence[str], skip_blank: bool = False
) -> Entry | _Blank | None:
    segment, label_col, lineno_col, code_cols, columns, indices, pick, reach, items = plan
    cells = row.cells
    width = len(cells)
    if label_col is not None and label_col < width:
        label = cells[label_col]
        kind = kinds[label_col]
        if kind in _NO_LABEL:
            return None
        label_blank = kind == "blank"
    else:
        label, label_blank = "", True
    if lineno_col is not None and lineno_col < width and kinds[lineno_col] not in _LINENO:
        return None
    amounts: list[tuple[Column, str]]
    if width >= reach:
        amount_kinds = pick(kinds)
        if "text" in amount_kinds:
            return None
        printed = amount_kinds.count("blank") != len(amount_kinds)
        amounts = list(zip(columns, pick(cells), strict=True))
    else:
        amounts = []
        printed = False
        for column in columns:
            index = column.index
            if index < width:
                kind = kinds[index]
                if kind == "text":
                    return None
                printed = printed or kind != "blank"
                amounts.append((column, cells[index]))
            else:
                amounts.append((column, ""))
    code = None
    # 类/款/项 header cells can share a physical row with the 合计 row (a merged label cell):
    # such a cell is no code part. (A cell of digits never is one.)
    if len(code_cols) == 1:  # as below, for the one code column most tables have
        col = code_cols[0]
        if col < width and kinds[col] != "blank":
            part = cells[col]
            if digits := _digits(part):
                code = digits
            elif label_key(part) in _CODE_PART_HEADERS:
                pass
            elif label_blank:
                label = part  # 合计 printed in the code column
                label_blank = False
            else:
                return None
        filled_parts = []
    elif not code_cols:
        filled_parts = []
    else:
        filled_parts = [
            cells[c]
            for c in code_cols
            if c < width
            and kinds[c] != "blank"
            and (_digits(cells[c]) or label_key(cells[c]) not in _CODE_PART_HEADERS)
        ]
    if filled_parts:
        digits = [_digits(part) for part in filled_parts]
        if all(digits):
            code = digits[0] if len(digits) == 1 else "".join(d for d in digits if d)
        elif len(filled_parts) == 1 and label_blank:
            label = filled_parts[0]  # 合计 printed in the code column
            label_blank = False
        else:
            return None
    if code is not None and len(code) not in _CODE_LENGTHS:
        return None
    if printed and code is None and label_blank and not items:
        return None  # an amount with nothing to say what it is: the cells have shifted
    if skip_blank and code is None and not label and not printed:
        return _BLANK
    if not row.cell_refs:  # every cell is referenced by the row's ref, as ref_of gives
        refs = {}
    elif len(row.cell_refs) >= reach:
        refs = dict(zip(indices, pick(row.cell_refs), strict=True))
    else:
        refs = {index: row.cell_ref(index) for index in indices}
    # Entry(segment, code, label or None, amounts, row.ref, True, refs), printed known: set
    # slot by slot, a third faster than the dataclass's __init__, for every row of every table
    entry = _new(Entry)
    entry.segment = segment
    entry.code = code
    entry.label = label or None
    entry.cells = amounts
    entry.ref = row.ref
    entry.positional = True
    entry.cell_refs = refs
    entry.known_printed = printed
    return entry


def _by_tokens(
    segments: Sequence[Segment], row: Row, kinds: Sequence[str] | None = None
) -> list[Entry]:
    """Entries from the typed tokens in order, for rows whose cells have shifted."""
    if kinds is None:
        kinds = [_kind(cell) for cell in row.cells]
    filled = [index for index, kind in enumerate(kinds) if kind != "blank"]
    tokens = [row.cells[index] for index in filled]
    types = [kinds[index] for index in filled]
    entries: list[Entry] = []
    position = 0
    for segment in segments:
        code_parts: list[str] = []
        while (
            position < len(tokens)
            and segment.code_cols
            and (digits := _digits(tokens[position]))
            and (len(digits) in _CODE_LENGTHS or len(segment.code_cols) > 1)
            and len(code_parts) < len(segment.code_cols)
        ):
            code_parts.append(digits)
            position += 1
        label = None
        if position < len(tokens) and types[position] == "text":
            label = tokens[position]
            position += 1
        if segment.lineno_col is not None and position < len(tokens) and types[position] == "int":
            position += 1
        amounts: list[tuple[Column, str]] = []
        refs: dict[int, str] = {}
        for column in segment.amount_cols:
            if position < len(tokens) and types[position] in {"amount", "int", "broken"}:
                amounts.append((column, tokens[position]))
                refs[column.index] = row.cell_ref(filled[position])
                position += 1
            else:
                amounts.append((column, ""))
        code = "".join(code_parts) or None
        if code or label or any(cell for _column, cell in amounts):
            entries.append(
                Entry(segment, code, label, amounts, row.ref, positional=False, cell_refs=refs)
            )
    return entries


def read_rows(segments: Sequence[Segment], rows: Sequence[Row]) -> list[Entry]:
    plans = [_plan(segment) for segment in segments]
    if len(plans) == 1:
        return _read_one_segment(segments, plans[0], rows)
    entries: list[Entry] = []
    for row in rows:
        kinds = list(map(_kind, row.cells))
        positional = []
        for plan in plans:
            entry = _at_positions(plan, row, kinds, True)
            if entry is None:  # the cells have shifted: read by their tokens
                entries.extend(_by_tokens(segments, row, kinds))
                break
            positional.append(entry)
        else:
            for entry in positional:
                if entry is not _BLANK:  # (an entry with a code, a label or an amount)
                    entries.append(entry)  # type: ignore[arg-type]
    return entries


def _read_one_segment(segments: Sequence[Segment], plan: _Plan, rows: Sequence[Row]) -> list[Entry]:
    """`read_rows` of a table of one segment (most are): an entry per row, no list of the
    row's entries to gather first."""
    entries: list[Entry] = []
    append = entries.append
    for row in rows:
        kinds = list(map(_kind, row.cells))
        entry = _at_positions(plan, row, kinds, True)
        if entry is None:  # the cells have shifted: read by their tokens
            entries.extend(_by_tokens(segments, row, kinds))
        elif entry is not _BLANK:  # (an entry with a code, a label or an amount)
            append(entry)  # type: ignore[arg-type]
    return entries
