"""Amounts as printed, to exact yuan.

Money never passes through a float: a printed `2,413.52` in a 万元 table is Decimal('24135200.00').
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext

from juesuan.textnorm import compact

UNIT_FACTORS: dict[str, Decimal] = {"万元": Decimal(10000), "元": Decimal(1)}
CENT = Decimal("0.01")
# The largest amount the schemas hold (DECIMAL(18,2)): ten thousand trillion yuan, far above any
# budget; a larger number is a misread (cells run together), not an amount.
MAX_YUAN = Decimal("9999999999999999.99")
_EXACT = Context(prec=64, traps=[Inexact, InvalidOperation])

# Zero printed as a dash of some kind (GUIDE: "Zero printed as 0.00, -, or a blank cell").
_ZERO_DASHES = {"-", "—", "——", "–", "−", "－", "/"}
_AMOUNT = re.compile(r"^[-−]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-−]?\d+(\.\d+)?$")
_UNIT = re.compile(r"(?:金额)?单位[:：]?\s*(万元|元)")


class AmountError(ValueError):
    """A cell that should hold an amount holds something else."""


def is_blank(cell: str | None) -> bool:
    return cell is None or compact(cell) == ""


def looks_like_amount(cell: str) -> bool:
    """True for a printed amount or a zero dash; blanks are not amounts."""
    text = _clean(cell)
    return text in _ZERO_DASHES or bool(_AMOUNT.match(text.strip("()")))


def has_decimal_point(cell: str) -> bool:
    return "." in _clean(cell)


def parse_amount(cell: str) -> Decimal:
    """The printed number, exactly, in the table's own unit.

    Accepts thousands separators, full-width digits, `-5.0 0` (spaces inside the number),
    `(5.00)` for a negative, and a dash for zero.
    """
    text = _clean(cell)
    if text in _ZERO_DASHES:
        return Decimal("0")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").replace("−", "-")
    if not _AMOUNT.match(text):
        raise AmountError(f"not an amount: {cell!r}")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above prevents it
        raise AmountError(f"not an amount: {cell!r}") from exc
    return -value if negative else value


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert to yuan, kept to the cent; refuses a value that would need rounding."""
    try:
        factor = UNIT_FACTORS[unit]
    except KeyError:
        raise AmountError(
            f"unknown unit {unit!r}; expected one of {sorted(UNIT_FACTORS)}"
        ) from None
    if abs(value) * factor > MAX_YUAN:
        raise AmountError(f"{value} {unit} is too large to be an amount (cells run together?)")
    try:
        with localcontext(_EXACT):  # never rounded silently: a digit beyond the fen is an error
            cents = (value * factor).quantize(CENT)
    except (Inexact, InvalidOperation):
        raise AmountError(f"{value} {unit} is not a whole number of fen (分)") from None
    return cents


def find_unit(text: str) -> str | None:
    """The unit a line declares (单位：万元, 金额单位:元, …), if any."""
    match = _UNIT.search(compact(text))
    return match.group(1) if match else None


def _clean(cell: str) -> str:
    return compact(cell).replace("，", ",")
