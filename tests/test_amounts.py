from decimal import Decimal

import pytest

from juesuan.amounts import AmountError, find_unit, looks_like_amount, parse_amount, to_yuan


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("2,413.52", "2413.52"),
        ("2413.52", "2413.52"),
        ("0.00", "0"),
        ("-", "0"),
        ("—", "0"),
        ("-5.0 0", "-5.00"),  # a negative split by extraction (GUIDE item 4)
        ("(5.00)", "-5.00"),
        ("１，２３４．５６", "1234.56"),  # full-width digits and separators
        ("1,113.69", "1113.69"),
    ],
)
def test_parse_amount(printed, value):
    assert parse_amount(printed) == Decimal(value)


@pytest.mark.parametrize("printed", ["abc", "1.2.3", "12,34.5", "万元", ""])
def test_parse_amount_refuses_what_is_not_a_number(printed):
    with pytest.raises(AmountError):
        parse_amount(printed)
    assert not looks_like_amount(printed)


def test_to_yuan_is_exact():
    assert to_yuan(Decimal("2413.52"), "万元") == Decimal("24135200.00")
    assert str(to_yuan(Decimal("0.2"), "万元")) == "2000.00"
    assert to_yuan(Decimal("12.34"), "元") == Decimal("12.34")
    assert to_yuan(Decimal("0.000001"), "万元") == Decimal("0.01")
    with pytest.raises(AmountError):
        to_yuan(Decimal("0.001"), "元")  # not a whole number of fen
    with pytest.raises(AmountError):
        to_yuan(Decimal("1"), "千元")


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("单位：万元", "万元"),
        ("金额单位：万元", "万元"),
        ("单位:元", "元"),
        ("部门：某某局 单位：元", "元"),
        ("附属单位上缴收入", None),
        ("单位名称：某某局", None),
    ],
)
def test_find_unit(line, unit):
    assert find_unit(line) == unit
