"""The parser's short ways give exactly what the general code gives.

For speed the parser memoises pure functions of a cell and reads plainly printed amounts
(`1,753.74`) without the general tests; line items and check results are built without their
frozen dataclasses' __init__, and a row's entries slot by slot; a document's line items become
Arrow column by column, without a dict per row, and its few other rows as one array of structs;
narrative records are read field by field, without asdict. Each short way is checked here
against the long one.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from juesuan import parse_year, textnorm
from juesuan.amounts import (
    AmountError,
    has_decimal_point,
    is_blank,
    looks_like_amount,
    parse_amount,
    to_yuan,
)
from juesuan.parse import grid, tables
from juesuan.paths import PARSED_RESOURCES
from juesuan.records import LineItem, new_line_item
from juesuan.schema import arrow_schema
from juesuan.textnorm import compact, label_key, printed_name

# Cells as documents print them, and near misses: digits (ASCII, full-width, other scripts),
# separators, signs, brackets, spaces of several kinds, units and words.
_CHARACTERS = st.sampled_from(
    list("0123456789,.-−()—–/ ")
    + list("１２，．")
    + ["\u3000", "\xa0", "\t", "٣", "万", "元", "合计"]
)
cells = st.lists(_CHARACTERS, max_size=14).map("".join)


def _kind(cell: str) -> str:
    """grid._kind before its short way."""
    if is_blank(cell):
        return "blank"
    if looks_like_amount(cell):
        return "amount" if has_decimal_point(cell) or not compact(cell).isdigit() else "int"
    if grid._BROKEN_AMOUNT.fullmatch(compact(cell)):
        return "broken"
    return "text"


def _in_yuan(cell: str, unit: str) -> str:
    try:
        return repr(to_yuan(parse_amount(cell) if not is_blank(cell) else Decimal(0), unit))
    except AmountError as exc:
        return str(exc)


@settings(max_examples=3000)
@given(cells)
@example("1,753.74")
@example("-0.5")
@example("0123")
@example("99999999999999999999.99")
@example("1.001")
def test_a_cell_reads_the_same_by_the_short_way(cell):
    assert grid._kind.__wrapped__(cell) == _kind(cell)
    assert grid._is_decimal_amount.__wrapped__(cell) == (
        has_decimal_point(cell) and looks_like_amount(cell)
    )
    for unit in ("万元", "元", "千元"):
        found = tables._in_yuan(cell, unit)
        assert (found if isinstance(found, str) else repr(found)) == _in_yuan(cell, unit)


_SPACES = re.compile(r"\s+")


@settings(max_examples=2000)
@given(st.text(max_size=12))
@example("本年收入合 计")
@example("（一）\u3000基本支出")
def test_text_forms_are_those_of_the_regular_expressions(text):
    compacted = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    assert compact(text) == compacted
    unquoted = textnorm._QUOTES.sub("", compacted)
    assert label_key(text) == textnorm._ENUMERATION.sub("", unquoted, count=1)
    assert printed_name(text) == textnorm._ENUMERATION.sub("", compacted, count=1)


def test_a_line_item_made_the_short_way_is_a_line_item():
    fields = ("01", None, "201", None, "一般公共服务支出", "final", Decimal("1.00"), "万元", "L1")
    made, built = new_line_item(*fields), LineItem(*fields)
    assert type(made) is LineItem
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert dataclasses.replace(made, name="x") == dataclasses.replace(built, name="x")
    try:
        made.name = "x"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a line item must stay frozen")


_TEXT = st.one_of(st.none(), st.sampled_from(["01", "201", "万元", "一般公共服务支出", "", "L1"]))
line_items = st.builds(
    LineItem,
    table_no=st.sampled_from(["01", "05", "09"]),
    side=_TEXT,
    code=_TEXT,
    item=_TEXT,
    name=_TEXT,  # None does not fit (a required column): both ways must say so alike
    measure=st.sampled_from(["final", "budget"]),
    amount_yuan=st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**17),
        st.sampled_from([Decimal("1.001"), Decimal("1E+20"), Decimal("-0.00")]),
    ),
    published_unit=st.sampled_from(["万元", "元"]),
    source_ref=st.sampled_from(["p1:r2", ""]),
)


def _arrow(make):
    try:
        return make()
    except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=300, deadline=None)  # the first Arrow call imports pandas
@given(st.lists(line_items, max_size=8), st.sampled_from([None, "D1"]))
def test_line_items_by_column_are_the_rows_as_dicts(items, department):
    """The columns hold the dicts `_outcome` made per line item, and become the same table
    (or fail with the same error) as `pa.Table.from_pylist` of those dicts."""
    rows = [
        {"document_id": "d", "fiscal_year": 2023, "department_id": department}
        | {f.name: getattr(li, f.name) for f in dataclasses.fields(LineItem)}
        for li in items
    ]
    columns = parse_year._line_item_columns("d", 2023, department, items)
    assert len(columns) == len(rows) and list(columns) == rows and columns[:] == rows
    if rows:  # a row replaced, as in the list (tests make a parser bug so)
        rows[-1] = columns[-1] = {**rows[-1], "table_no": "10", "extra": 1}
        del rows[-1]["extra"]
        assert list(columns) == rows
    made = _arrow(lambda: parse_year._table("line_items", columns))
    expected = _arrow(lambda: pa.Table.from_pylist(rows, schema=arrow_schema("line_items")))
    assert type(made) is type(expected)
    assert made == expected if isinstance(expected, str) else made.equals(expected)


def test_a_resource_without_rows_is_its_empty_table():
    for name in PARSED_RESOURCES:
        empty = parse_year._table(name, [])
        assert empty.equals(pa.Table.from_pylist([], schema=arrow_schema(name)))
        assert empty.schema == arrow_schema(name) and empty.num_rows == 0


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["d", "", "\udc80", b"x", 2023, 2023.5, True, 2**70, Decimal("0.5")]),
    st.sampled_from([Decimal("1.0000"), Decimal("100.0"), Decimal("10.05"), Decimal("NaN"), 10]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["documents", "scorecards", "document_tables", "narrative_facts"]),
    st.lists(st.dictionaries(st.sampled_from(["document_id", "fiscal_year", "status",
                                              "score", "completeness", "row_count", "value",
                                              "unit_printed", "extra"]), _VALUES), max_size=3),
)  # fmt: skip
def test_rows_as_one_struct_array_are_their_table(name, rows):
    """A few rows become Arrow as one array of structs: the same table as from_pylist's, or
    the same error."""
    made = _arrow(lambda: parse_year._table(name, rows))
    expected = _arrow(lambda: pa.Table.from_pylist(rows, schema=arrow_schema(name)))
    assert type(made) is type(expected)
    if isinstance(expected, str):
        assert made == expected
    else:
        assert made.equals(expected) and made.schema.equals(expected.schema, check_metadata=True)


def test_an_entry_read_at_positions_is_the_dataclass_it_would_be_built_as():
    """Entries are made slot by slot, without the dataclass's __init__: the same objects."""
    segment = grid.Segment(
        code_cols=[0], label_col=1, amount_cols=[grid.Column(2, "final"), grid.Column(3, "budget")]
    )
    row = grid.Row(cells=("201", "一般公共服务支出", "1.00", ""), ref="p1 r2")
    kinds = [grid._kind(cell) for cell in row.cells]
    made = grid._at_positions(grid._plan(segment), row, kinds)
    built = grid.Entry(segment, "201", "一般公共服务支出", list(zip(segment.amount_cols,
                       ("1.00", ""), strict=True)), "p1 r2", True, {})  # fmt: skip
    built.known_printed = True
    for field in dataclasses.fields(grid.Entry):  # every slot set (one unset would raise)
        assert getattr(made, field.name) == getattr(built, field.name), field.name
    assert made == built and repr(made) == repr(built)
    blank = grid.Row(cells=("", "", "", ""), ref="p1 r3")
    kinds = [grid._kind(cell) for cell in blank.cells]
    assert grid._at_positions(grid._plan(segment), blank, kinds, True) is grid._BLANK
    assert not grid._at_positions(grid._plan(segment), blank, kinds).printed  # as it was


def test_a_narrative_record_as_a_dict_is_its_asdict():
    """Narrative rows read a record's fields directly: what dataclasses.asdict gives."""
    from juesuan.narrative import records, tabulate

    for kind in (records.Fact, records.Reason, records.Indicator):
        values = {
            f.name: Decimal("1.50") if "Decimal" in str(f.type) else
            True if f.type == "bool" else None if "None" in str(f.type) else f"{f.name}!"
            for f in dataclasses.fields(kind)
        }  # fmt: skip
        record = kind(**values)
        assert tabulate._as_dict(record) == dataclasses.asdict(record)
        assert list(tabulate._as_dict(record)) == list(dataclasses.asdict(record))
