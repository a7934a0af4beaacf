"""Property-based tests (hypothesis): the number, code, unit and date parsers and the table
finder and parser, on any text and on the seed's lines mutated at random.

What must hold: no exception escapes but the documented ones (AmountError from the amount
parsers, UnreadableDocument from the readers), each example runs within its deadline, and what
comes out keeps the contract (amounts exact to the fen and within the schemas' DECIMAL(18,2),
codes of 3, 5 or 7 digits, units 元 or 万元). Examples are few enough for the file to run in
well under 30 s; the seed's rows are mutated, never replaced by noise, so the parser is pushed
through its real paths (titles, headers, shifted cells, wrapped names) with broken input.
"""

from __future__ import annotations

import string
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juesuan.amounts import (
    MAX_YUAN,
    UNIT_FACTORS,
    AmountError,
    find_unit,
    looks_like_amount,
    parse_amount,
    to_yuan,
)
from juesuan.checks.identities import run_identities
from juesuan.checks.scorecard import score_document
from juesuan.parse import parse_rows
from juesuan.parse.dates import parse_printed_date
from juesuan.parse.finder import find_tables
from juesuan.parse.metadata import COVER_ROWS, cover_rows, read_cover
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import Row, UnreadableDocument
from juesuan.readers.text import decode
from juesuan.registry import department_id
from juesuan.registry.places import place_of

SEED = SAMPLES_DIR / "zhengzhou-hitech-government-service-center-2023-final-accounts.txt"
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")

FAST = settings(max_examples=200, deadline=200)
PARSE = settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Text as printed amounts are: digits (also full-width), separators, signs, brackets, dashes,
# spaces, the letters OCR confuses with digits, a few Chinese characters.
AMOUNT_CHARS = "0123456789０１２３４５６７８９,.，．-−－—–()（） \tlIoO元万/%#"
amount_like = st.text(alphabet=AMOUNT_CHARS, max_size=24)
INSERTED = AMOUNT_CHARS + "合计表年度万元（）"
any_text = st.text(max_size=40)


@FAST
@given(st.one_of(amount_like, any_text))
def test_the_amount_parser_returns_a_decimal_or_says_why(cell: str) -> None:
    shown = looks_like_amount(cell)
    assert isinstance(shown, bool)
    try:
        value = parse_amount(cell)
    except AmountError as exc:
        assert not shown, (cell, exc)  # what looks like an amount always parses
        return
    assert isinstance(value, Decimal) and value.is_finite()
    for unit in UNIT_FACTORS:
        try:
            yuan = to_yuan(value, unit)
        except AmountError:
            continue
        assert yuan == value * UNIT_FACTORS[unit]  # exact, never rounded
        assert yuan.as_tuple().exponent == -2 and abs(yuan) <= MAX_YUAN


@FAST
@given(
    st.decimals(
        min_value=-MAX_YUAN / 10000,
        max_value=MAX_YUAN / 10000,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_a_printed_amount_reads_back_exactly(
    value: Decimal, grouped: bool, full_width: bool, bracketed: bool
) -> None:
    """2,413.52 / ２４１３.５２ / (2,413.52) for a negative / 2 413.52 (a space from extraction)."""
    text = format(abs(value), ",.2f" if grouped else ".2f")
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if value < 0:
        text = f"({text})" if bracketed else f"-{text}"
    text = text[:1] + " " + text[1:] if len(text) > 3 else text
    assert looks_like_amount(text)
    assert parse_amount(text) == value
    assert to_yuan(parse_amount(text), "万元") == value * 10000
    assert to_yuan(parse_amount(text), "元") == value


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False), st.text(max_size=4))
def test_to_yuan_refuses_but_never_fails(value: Decimal, unit: str) -> None:
    for name in (unit, "元", "万元"):
        try:
            yuan = to_yuan(value, name)
        except AmountError:
            continue
        assert name in UNIT_FACTORS and abs(yuan) <= MAX_YUAN


UNIT_LINES = st.tuples(
    st.sampled_from(["", "金额", "编制单位：某局 金额", "  "]),
    st.sampled_from(["：", ":", ""]),
    st.sampled_from(["", " ", "\u3000", "\t"]),
    st.sampled_from(["万元", "元", "万 元"]),
    st.sampled_from(["", " ", "）", "  公开 01 表"]),
)


@FAST
@given(UNIT_LINES, any_text)
def test_the_unit_parser(parts: tuple[str, ...], noise: str) -> None:
    lead, colon, space, unit, tail = parts
    assert find_unit(f"{lead}单位{colon}{space}{unit}{tail}") == unit.replace(" ", "")
    assert find_unit(noise) in (None, "元", "万元")


@FAST
@given(any_text)
def test_dates_covers_and_names_never_fail(text: str) -> None:
    date = parse_printed_date(text)
    assert date is None or len(date) in (7, 10)
    cover = read_cover([Row((text,), "L1"), Row(("2023年度部门决算",), "L2")])
    assert cover.kind in ("final_accounts", "budget", "template", "unknown")
    assert department_id(text or "某局").startswith("dept-")
    place_of(text)


# What a cover's rows may be: noise, the title's parts, a bare year, a table row, a blank line.
COVER_LINES = ["合成测试文件", "2023 年度", "2023", "某市财政局", "部门决算", "单位预算公开", ""]
cover_row = st.one_of(
    st.sampled_from([(line,) for line in COVER_LINES] + [("项目", "金额", "合计")]),
    st.tuples(any_text),
).map(lambda cells: Row(cells, "L"))


@FAST
@given(st.lists(cover_row, max_size=16))
@example([Row(("某市财政局部门决算",), "L"), Row(("2023",), "L")])  # the year after the title
@example([Row(("某市财政局",), "L")] * (COVER_ROWS - 1) + [Row(("2023年度部门决算",), "L")])
def test_the_rows_a_cover_depends_on(rows: list[Row]) -> None:
    # Identification reads the first page only when its rows are enough (cover_rows): then
    # the rest of the document cannot change the cover.
    for n in range(len(rows) + 1):
        if cover_rows(rows[:n]) <= n:
            assert read_cover(rows[:n]) == read_cover(rows)


# --- codes: a table 05 of random codes and amounts --------------------------------------------

HEADER = [
    Row(("一般公共预算财政拨款支出决算表",), "L1"),
    Row(("公开 05 表",), "L2"),
    Row(("金额单位：万元",), "L3"),
    Row(("科目编码", "科目名称", "合计", "基本支出", "项目支出"), "L4"),
]
code_cell = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=9),
    st.text(alphabet="0123456789０１２３ 　lO", max_size=9),
)
amount_cell = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: f"{d:,.2f}"),
    amount_like,
)


@PARSE
@given(
    st.lists(
        st.tuples(code_cell, st.text(max_size=8), amount_cell, amount_cell, amount_cell),
        max_size=12,
    )
)
def test_codes_are_three_five_or_seven_digits(rows) -> None:
    table = [Row(cells, f"L{n}") for n, cells in enumerate(rows, start=5)]
    parsed = parse_rows([Row(("2023年度某局部门决算",), "L0"), *HEADER, *table])
    for item in parsed.line_items:
        if item.code is not None:
            assert item.code.isdigit() and len(item.code) in (3, 5, 7), item
        assert abs(item.amount_yuan) <= MAX_YUAN


# --- the table finder and parser on the seed, mutated -------------------------------------------

FULL_WIDTH = str.maketrans(
    string.digits + string.ascii_letters + ",.:()",
    "".join(chr(ord(c) + 0xFEE0) for c in string.digits + string.ascii_letters + ",.:()"),
)


@st.composite
def mutated_seed(draw) -> list[str]:
    """The seed's lines with random edits: characters inserted, deleted and swapped, cells
    swapped, tabs added, full-width forms, lines dropped, repeated and exchanged."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        line = lines[index]
        edit = draw(
            st.sampled_from(
                ["insert", "delete", "swap", "cells", "tab", "wide", "drop", "repeat", "move"]
            )
        )
        at = draw(st.integers(min_value=0, max_value=len(line)))
        if edit == "insert":
            line = line[:at] + draw(st.text(alphabet=INSERTED, max_size=3)) + line[at:]
        elif edit == "delete":
            line = line[:at] + line[at + draw(st.integers(1, 3)) :]
        elif edit == "swap" and at + 1 < len(line):
            line = line[:at] + line[at + 1] + line[at] + line[at + 2 :]
        elif edit == "cells" and "\t" in line:
            cells = line.split("\t")
            i, j = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[i], cells[j] = cells[j], cells[i]
            line = "\t".join(cells)
        elif edit == "tab":
            line = line[:at] + "\t" * draw(st.integers(1, 3)) + line[at:]
        elif edit == "wide":
            line = line.translate(FULL_WIDTH)
        elif edit == "drop":
            del lines[index]
            continue
        elif edit == "repeat":
            lines.insert(index, line)
        elif edit == "move":
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(index))
            continue
        lines[index] = line
    return lines


def _rows(lines: list[str]) -> list[Row]:
    rows = []
    for number, line in enumerate(lines, start=1):
        cells = tuple(cell.strip() for cell in line.split("\t"))
        if any(cells):
            rows.append(Row(cells, f"L{number}"))
    return rows


@PARSE
@given(mutated_seed())
def test_the_table_parser_survives_mutated_text(lines: list[str]) -> None:
    rows = _rows(lines)
    blocks, _duplicates = find_tables(rows)
    assert len({b.spec.table_no for b in blocks}) == len(blocks)
    parsed = parse_rows(rows)
    if parsed.kind != "final_accounts":
        return
    assert set(parsed.tables) == {f"{n:02d}" for n in range(1, 10)}
    keys = [item.key for item in parsed.line_items]
    assert len(keys) == len(set(keys))  # one amount per key, never two
    for item in parsed.line_items:
        assert item.amount_yuan == item.amount_yuan.quantize(Decimal("0.01"))
        assert abs(item.amount_yuan) <= MAX_YUAN
        assert item.published_unit in UNIT_FACTORS
    card = score_document(parsed, run_identities(parsed.line_items))
    assert 0 <= card.score <= 100


@PARSE
@given(mutated_seed())
def test_the_narrative_survives_mutated_text(lines: list[str]) -> None:
    from juesuan.narrative import extract_narrative

    extract_narrative(_rows(lines))


# --- the text and web page readers on any bytes -------------------------------------------------


@settings(max_examples=100, deadline=500)
@given(st.binary(max_size=200), st.sampled_from([None, "utf-8", "gbk", "latin-1", "utf-16"]))
def test_decoding_any_bytes_reads_or_refuses(data: bytes, declared: str | None) -> None:
    try:
        text = decode(data, "x.txt", declared=declared)
    except UnreadableDocument as exc:
        assert str(exc).startswith("x.txt: ")
        return
    assert isinstance(text, str)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pages")


TAGS = [
    *("<table>", "</table>", "<tr>", "<td>", "</td>", "<th>", "<p>", "<br>", "<caption>"),
    *("<script>", "</script>", "<style>", "<div hidden>", "</div>", "<!--", "-->", "&nbsp;"),
    *('<td colspan="3">', '<td rowspan="9">', "\t", "\n"),
    *("合计", "2,413.52", "单位：万元", "收入决算表"),
]
MARKUP = st.lists(st.sampled_from(TAGS), max_size=60).map("".join)


@settings(max_examples=60, deadline=1000)
@given(MARKUP)
def test_any_web_page_reads_or_is_refused(scratch: Path, markup: str) -> None:
    from juesuan.readers import read_document

    path = scratch / "page.html"
    path.write_text("<html><body>" + markup, encoding="utf-8")
    try:
        document = read_document(path)
    except UnreadableDocument:
        return
    for row in document.rows:
        assert all(isinstance(cell, str) and "\n" not in cell for cell in row.cells)
        assert not any(unicodedata.category(c) == "Cs" for cell in row.cells for c in cell)
    parse_rows(document.rows)
