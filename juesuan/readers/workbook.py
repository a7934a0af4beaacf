"""What the two spreadsheet readers (.xlsx, .xls) share: cells shown as a person sees them.

A workbook stores 2413.52 as a binary float and shows it through a number format; the parser
reads printed text, so a cell becomes the text on the screen: `#,##0.00` gives "2,413.52" and
0 gives "0.00". A float without a format is stored to 17 digits (0.30000000000000004) and is shown
without that binary noise. Negatives always carry a leading minus, whatever colour or
parentheses the format's negative section asks for: the sign is meaning, the colour is not text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal

from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter

from juesuan.readers import Row, limits

# Amounts are money in 元 or 万元, where a billionth is far below a fen: what is left below it
# is the residue of float arithmetic (Excel's own 1.13686837721616E-13 for a zero difference).
_NOISE = Decimal("1e-9")
_MAX_PLACES = 9
_SIGNIFICANT = 15  # Excel keeps and shows at most 15 significant digits
_WIDE = Context(prec=400)  # enough for any float written out in full
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(64))
_PATTERNS: dict[str | None, tuple[int, int, bool, int, int] | None] = {}
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")

# Parts of a format section that print no digits: "literal", \x, _x (padding), *x (fill),
# [Red] / [>=100] / [$-804] (colour, condition, locale).
_NON_DIGIT = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_PLACEHOLDERS = re.compile(r"[0#?][0#?,]*(?:\.([0#?]*))?|\.([0#?]+)")
_NOT_PLAIN = re.compile(r"[eE][+-]|/|[yYmMdDhHsS@]")


def builtin_format(format_id: int) -> str:
    """Excel's built-in number format by id (xls files refer to them without spelling them)."""
    return BUILTIN_FORMATS.get(format_id, "General")


def show(value: object, number_format: str | None = None) -> str:
    """A cell's value as the text a person sees in the spreadsheet program."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return clean_text(value)  # type: ignore[arg-type]
    if kind is float or kind is int:
        return show_number(value, number_format)  # type: ignore[arg-type]
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return show_number(value, number_format)
    return clean_text(str(value))


def clean_text(text: str) -> str:
    """Cell text on one line: a wrapped header (`本年收入\\n合计`) is one cell, not two lines."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    return _LINE_BREAKS.sub(" ", text).strip()


def show_number(value: int | float | Decimal, number_format: str | None = None) -> str:
    """A number through its format's decimals, grouping, percent and scaling; else General."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        pattern = _PATTERNS[number_format]
    except KeyError:
        pattern = _pattern(number_format)
        if len(_PATTERNS) < 10_000:
            _PATTERNS[number_format] = pattern
    if pattern is None:
        return _general(value)
    places, min_places, grouping, percents, scale = pattern
    number = _exact(value)
    # Scaled in the default context (28 digits), as always; by 1, a float's or a small int's
    # digits stay as they are, so the scaling is left out for them.
    if percents or scale or not (type(value) is float or (type(value) is int and _small(value))):
        number = number * Decimal(100) ** percents / Decimal(1000) ** scale
    shown = number.quantize(_quantum(places), rounding=ROUND_HALF_UP, context=_WIDE)
    while places > min_places and shown == shown.quantize(_quantum(places - 1), context=_WIDE):
        places -= 1
        shown = shown.quantize(_quantum(places), context=_WIDE)
    if shown == 0:
        shown = abs(shown)  # no "-0.00"
    text = format(shown, ",f" if grouping else "f")
    return text + "%" * percents if percents else text


def _small(value: int) -> bool:
    return -(10**27) < value < 10**27


def _quantum(places: int) -> Decimal:
    """Decimal(1).scaleb(-places): 1, 0.1, 0.01 ..."""
    if 0 <= places < len(_QUANTA):
        return _QUANTA[places]
    return Decimal(1).scaleb(-places, context=_WIDE)


def address(sheet: str, row: int, column: int) -> str:
    """`Sheet1!C7`; a sheet name with spaces or punctuation is quoted as Excel does."""
    return f"{sheet_prefix(sheet)}!{get_column_letter(column)}{row}"


def sheet_prefix(sheet: str) -> str:
    plain = sheet.replace("_", "").isalnum() and not sheet[:1].isdigit()
    return sheet if plain else "'" + sheet.replace("'", "''") + "'"


def sheet_rows(
    sheet: str, page: int, rows: Iterable[tuple[int, list[str]]], limit: int | None = None
) -> list[Row]:
    """The rows of one sheet, from (row number, shown cells from column A); empty rows dropped;
    no more than `limit` of them when it is given (the rest of `rows` is not consumed).

    A row runs from column A to its last filled cell: blanks before and between filled cells
    stay in place, so a cell's position is its column (A is 0) in every row. Trailing blanks are
    dropped: a sheet holding several tables (or a wide note) would otherwise widen every table
    to the sheet, and the parser reads blank columns right of a table's header as more columns
    of its last merged header.
    """
    kept: list[Row] = []
    limits.checkpoint(page=page)
    if limit is not None and limit <= 0:
        return kept
    prefix = sheet_prefix(sheet) + "!"
    letters: list[str] = []
    for number, cells in rows:
        width = len(cells)
        while width and not cells[width - 1]:
            width -= 1
        limits.checkpoint(cells=width)
        if width:
            while len(letters) < width:
                letters.append(prefix + get_column_letter(len(letters) + 1))
            row = str(number)
            kept.append(
                Row(
                    tuple(cells) if width == len(cells) else tuple(cells[:width]),
                    letters[0] + row,
                    page,
                    tuple([letter + row for letter in letters[:width]]),
                )
            )
            if limit is not None and len(kept) >= limit:
                break
    return kept


def _exact(value: int | float | Decimal) -> Decimal:
    # repr() is the shortest text that reads back as the same float: 2413.52, not its binary
    # expansion 2413.51999999999998181010596454143524169921875.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _general(value: int | float | Decimal) -> str:
    """General format: the value without float noise, in as few decimals as it needs."""
    if isinstance(value, int):
        return str(value)
    number = _exact(value)
    wide = _WIDE
    if number:
        number = number.quantize(_quantum(_SIGNIFICANT - 1 - number.adjusted()), context=wide)
    for places in range(_MAX_PLACES + 1):
        shown = number.quantize(_QUANTA[places], rounding=ROUND_HALF_UP, context=wide)
        if wide.abs(wide.subtract(shown, number)) <= _NOISE:
            break
    if shown == 0:
        shown = abs(shown)
    return format(shown, "f")


def _pattern(number_format: str | None) -> tuple[int, int, bool, int, int] | None:
    """(places, minimum places, grouping, percent signs, thousands scaling) of a plain numeric
    format; None for General, text, dates, fractions and scientific formats (shown as General)."""
    if not number_format:
        return None
    section = _first_section(number_format)
    if section.strip().lower() in {"", "general"}:
        return None
    digits = _NON_DIGIT.sub("", section)
    if _NOT_PLAIN.search(digits.replace("General", "")):
        return None
    match = _PLACEHOLDERS.search(digits)
    if match is None:
        return None
    fraction = match.group(1) or match.group(2) or ""
    integer = match.group(0).split(".")[0]
    scale = len(integer) - len(integer.rstrip(","))
    grouping = "," in integer.rstrip(",")
    return len(fraction), fraction.count("0"), grouping, digits.count("%"), scale


def _first_section(number_format: str) -> str:
    """The positive section of `pos;neg;zero;text`, semicolons inside quotes not counted."""
    quoted = False
    for index, char in enumerate(number_format):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return number_format[:index]
    return number_format
