"""How a synthetic disclosure is printed: a field per variation in GUIDE "How disclosures differ".

A Layout changes only the printing, never the facts (accounts.py), so one set of accounts printed
under every layout must parse back to the same records. `variants()` is a small set of layouts
that together use every value of every field at least once, for round-trip tests; `random_layout`
draws any combination, for benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Literal

TableOrder = Literal["standard", "shuffled"]
LabelStyle = Literal["公开01表", "公开 01 表", "表一", "none"]
CodeStyle = Literal["joined", "three_columns", "split"]
ZeroStyle = Literal["0.00", "-", "blank"]
Units = Literal["万元", "元", "mixed"]
UnitLine = Literal["单位：", "金额单位:", "with_department"]
HeaderStyle = Literal["plain", "wrapped", "spaced"]
ThreePublicStyle = Literal["blocks", "alternating", "vertical"]
XlsxSheets = Literal["per_table", "single"]
Debris = Literal["none", "page_numbers", "stray_year", "instruction"]
Titles = Literal["standard", "alternative"]


@dataclass(frozen=True)
class Layout:
    """One way of printing the nine tables. Field values are the choices documents make."""

    name: str = "standard"
    table_order: TableOrder = "standard"  # shuffled: printed order differs from numbering
    three_public_no: int = 9  # 三公 printed as table 9 (seed) or 7 (then 07→8, 08→9)
    label: LabelStyle = "公开 01 表"
    codes: CodeStyle = "joined"  # 2010301 | 201 / 03 / 01 in three columns | 201030 1
    zero: ZeroStyle = "0.00"
    thousands: bool = True  # 2,413.52 or 2413.52
    units: Units = "万元"  # mixed: 万元 and 元 alternate table by table
    unit_line: UnitLine = "单位："
    header: HeaderStyle = "plain"  # wrapped: 本年收入合 计; spaced: 因 公 出 国
    three_public: ThreePublicStyle = "blocks"
    classes: int = 26  # expenditure classes of tables 01 and 04 (24: an older template)
    # Template debris, one kind at a time: page numbers "- 3 -" between tables (PDF: footers),
    # a year never filled in ("202 年度"), or an instruction left above the first table
    # ("注：本表为公开表样，请勿擅自修改") with XXX placeholders in the prose.
    debris: Debris = "none"
    # alternative: …基本支出决算表 (no 明细), …国有资本经营预算财政拨款收入支出决算表, and the
    # 三公 title as PDF extraction gives it, quotes split off onto a line of their own.
    titles: Titles = "standard"
    wrapped_names: bool = False  # long 项 names continue on a second row without amounts
    xlsx_sheets: XlsxSheets = "per_table"

    def unit_of(self, table_no: str) -> str:
        if self.units != "mixed":
            return self.units
        return "元" if int(table_no) % 2 == 0 else "万元"

    def describe(self) -> dict[str, object]:
        return asdict(self)


# The values each field can take, for coverage checks and random layouts.
CHOICES: dict[str, tuple[object, ...]] = {
    "table_order": ("standard", "shuffled"),
    "three_public_no": (9, 7),
    "label": ("公开01表", "公开 01 表", "表一", "none"),
    "codes": ("joined", "three_columns", "split"),
    "zero": ("0.00", "-", "blank"),
    "thousands": (True, False),
    "units": ("万元", "元", "mixed"),
    "unit_line": ("单位：", "金额单位:", "with_department"),
    "header": ("plain", "wrapped", "spaced"),
    "three_public": ("blocks", "alternating", "vertical"),
    "classes": (26, 24),
    "debris": ("none", "page_numbers", "stray_year", "instruction"),
    "titles": ("standard", "alternative"),
    "wrapped_names": (False, True),
    "xlsx_sheets": ("per_table", "single"),
}
assert set(CHOICES) == {f.name for f in fields(Layout)} - {"name"}


def variants() -> list[Layout]:
    """Named layouts that together use every value of every field at least once.

    Each known parser failure is kept to a variant of its own (template-instruction), so the
    other values are still checked by variants that parse.
    """
    return [
        Layout(name="seed-like", header="wrapped"),
        Layout(
            name="compact-shuffled-yuan",
            table_order="shuffled",
            three_public_no=7,
            label="公开01表",
            codes="three_columns",
            zero="-",
            thousands=False,
            units="元",
            unit_line="金额单位:",
            header="spaced",
            three_public="alternating",
            classes=24,
            debris="page_numbers",
            wrapped_names=True,
            xlsx_sheets="single",
            titles="alternative",
        ),
        Layout(
            name="numerals-blank-mixed",
            three_public_no=7,
            label="表一",
            codes="split",
            zero="blank",
            units="mixed",
            unit_line="with_department",
            three_public="vertical",
            debris="stray_year",
        ),
        Layout(
            name="unlabelled-vertical",
            table_order="shuffled",
            label="none",
            thousands=False,
            units="mixed",
            header="wrapped",
            three_public="vertical",
            classes=24,
            wrapped_names=True,
            xlsx_sheets="single",
            titles="alternative",
        ),
        Layout(
            name="three-columns-blank",
            label="公开01表",
            codes="three_columns",
            zero="blank",
            unit_line="with_department",
            header="spaced",
            classes=24,
            debris="page_numbers",
        ),
        Layout(
            name="split-dash-alternating",
            table_order="shuffled",
            three_public_no=7,
            codes="split",
            zero="-",
            units="元",
            unit_line="金额单位:",
            three_public="alternating",
            wrapped_names=True,
            debris="stray_year",
        ),
        Layout(name="template-instruction", debris="instruction"),
    ]


def random_layout(rng: random.Random, name: str) -> Layout:
    """Any combination of the field values, for benchmarks."""
    return Layout(name=name, **{key: rng.choice(values) for key, values in CHOICES.items()})
