"""The parser's short ways give exactly what the general code gives.

For speed the parser memoises pure functions of a cell and reads plainly printed amounts
(`1,753.74`) without the general tests; line items and check results are built without their
frozen dataclasses' __init__. Each short way is checked here against the long one.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from juesuan import textnorm
from juesuan.amounts import (
    AmountError,
    has_decimal_point,
    is_blank,
    looks_like_amount,
    parse_amount,
    to_yuan,
)
from juesuan.parse import grid, tables
from juesuan.records import LineItem, new_line_item
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
