"""The printed document: what every renderer draws, built once from (accounts, layout).

All the decisions of a Layout are taken here and in grids.py (labels, order, codes, zeros,
units, header wording, debris), so the five renderers only draw blocks and cannot disagree
about content.
Header cells are a grid with merged positions left "" plus the list of merges; a "\\n" inside
a cell is a line break within that cell (a wrapped header or a wrapped row name).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.synthetic import vocab
from juesuan.synthetic.accounts import SyntheticAccounts
from juesuan.synthetic.grids import BUILDERS, Merge, header_grid
from juesuan.synthetic.layout import Layout

SYNTHETIC_MARK = "合成测试文件 SYNTHETIC TEST DOCUMENT — 非真实数据"

ALTERNATIVE_TITLES = {
    "06": "一般公共预算财政拨款基本支出决算表",
    "08": "国有资本经营预算财政拨款收入支出决算表",
    "09": "财政拨款 三公 经费支出决算表",  # PDF fonts split the quotes off …
}
SPLIT_QUOTES = "“ ”"  # … onto a line of their own
TITLES = {
    "01": "收入支出决算总表",
    "02": "收入决算表",
    "03": "支出决算表",
    "04": "财政拨款收入支出决算总表",
    "05": "一般公共预算财政拨款支出决算表",
    "06": "一般公共预算财政拨款基本支出决算明细表",
    "07": "政府性基金预算财政拨款收入支出决算表",
    "08": "国有资本经营预算财政拨款支出决算表",
    "09": "财政拨款“三公”经费支出决算表",
}
NOTES = {
    "01": "注：本表反映部门本年度的总收支和年末结转结余情况。",
    "02": "注：本表反映部门本年度取得的各项收入情况。",
    "03": "注：本表反映部门本年度各项支出情况。",
    "04": "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营"
    "预算财政拨款的总收支和年末结转结余情况。",
    "05": "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "06": "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "07": "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "08": "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
    "09": "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。",
}
EMPTY_NOTES = {
    "07": "说明：本部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。",
    "08": "说明：本部门没有使用国有资本经营预算安排的支出，故本表无数据。",
}
TEMPLATE_INSTRUCTION = "注：本表为公开表样，请勿擅自修改"


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "body"  # cover | heading | toc | body | page_number


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class PrintedTable:
    table_no: str  # canonical
    title: str
    meta: list[str]  # the lines between the title and the grid, in printed order
    header: list[list[str]]  # header rows, the 栏次 row last when there is one
    data: list[list[str]]
    values: list[list[Decimal | None]]  # per data cell: the number printed, in the table's unit
    merges: list[Merge]
    notes: list[str]
    unit: str
    empty: bool
    label: str | None = None

    @property
    def width(self) -> int:
        return len(self.header[0])

    @property
    def grid(self) -> list[list[str]]:
        return self.header + self.data


Block = Paragraph | PageBreak | PrintedTable


@dataclass
class PrintedDocument:
    accounts: SyntheticAccounts
    layout: Layout
    blocks: list[Block] = field(default_factory=list)

    @property
    def tables(self) -> list[PrintedTable]:
        return [block for block in self.blocks if isinstance(block, PrintedTable)]


# --- building ----------------------------------------------------------------------------------


def build(accounts: SyntheticAccounts, layout: Layout) -> PrintedDocument:
    """The whole document: cover, contents, the nine tables in printed order, short prose."""
    if layout.classes != accounts.classes:
        raise ValueError(
            f"layout {layout.name!r} prints {layout.classes} classes, the accounts have "
            f"{accounts.classes}: make the accounts with classes={layout.classes}"
        )
    numbers = printed_numbers(layout)
    order = sorted(numbers, key=numbers.__getitem__)
    if layout.table_order == "shuffled":
        random.Random(accounts.seed).shuffle(order)
    year, dept = accounts.fiscal_year, accounts.department_name
    doc = PrintedDocument(accounts, layout)
    add = doc.blocks.append
    for line in (SYNTHETIC_MARK, f"{year} 年度", dept, "部门决算", "合成日期：二〇〇〇年一月"):
        add(Paragraph(line, "cover"))
    add(PageBreak())
    add(Paragraph("目 录", "heading"))
    add(Paragraph(f"第一部分 {dept}概况", "toc"))
    add(Paragraph(f"第二部分 {year} 年度部门决算表", "toc"))
    for position, table_no in enumerate(order, start=1):
        title = TITLES[table_no]
        if layout.titles == "alternative":
            title = ALTERNATIVE_TITLES.get(table_no, title).replace(" 三公 ", "“三公”")
        add(Paragraph(f"- {vocab.chinese_number(position)}、{title}", "toc"))
    add(Paragraph(f"第三部分 {year} 年度部门决算情况说明", "toc"))
    add(PageBreak())
    add(Paragraph(f"第一部分 {dept}概况", "heading"))
    add(Paragraph("本文件由程序生成，仅供软件测试使用，其中的部门、机构与金额均为虚构。"))
    add(PageBreak())
    add(Paragraph(f"第二部分 {year} 年度部门决算表", "heading"))
    for position, table_no in enumerate(order):
        add(_table(accounts, layout, table_no, numbers[table_no], first=position == 0))
        if layout.debris == "page_numbers":
            add(Paragraph(f"- {position + 3} -", "page_number"))  # after cover and contents
        add(PageBreak())
    add(Paragraph(f"第三部分 {year} 年度部门决算情况说明", "heading"))
    for text in _narrative(accounts):
        add(Paragraph(text))
    if layout.debris == "instruction":
        add(Paragraph("主要原因：XXXXXXXX。（如持平作持平表述）"))
    return doc


def printed_numbers(layout: Layout) -> dict[str, int]:
    """Canonical table → the number it is printed under (三公 as 7 moves 07/08 down one)."""
    numbers = {f"{n:02d}": n for n in range(1, 10)}
    if layout.three_public_no == 7:
        numbers |= {"09": 7, "07": 8, "08": 9}
    return numbers


def _label(layout: Layout, number: int) -> str | None:
    return {
        "公开01表": f"公开{number:02d}表",
        "公开 01 表": f"公开 {number:02d} 表",
        "表一": f"表{vocab.chinese_number(number)}",
        "none": None,
    }[layout.label]


def _meta(
    accounts: SyntheticAccounts,
    layout: Layout,
    table_no: str,
    label: str | None,
    unit: str,
    first: bool,
) -> list[str]:
    """The lines between a table's title and its grid: label, department, year, unit, debris."""
    dept = f"部门：{accounts.department_name}"
    unit_text = {"单位：": f"单位：{unit}", "金额单位:": f"金额单位:{unit}"}.get(
        layout.unit_line, f"单位：{unit}"
    )
    lines = [label] if label else []
    if layout.debris == "instruction" and first:
        lines.append(TEMPLATE_INSTRUCTION)
    if layout.unit_line == "with_department":
        lines.append(f"{dept}   {unit_text}")
    else:
        lines.append(dept)
    year = f"{accounts.fiscal_year} 年度"
    if layout.debris == "stray_year" and table_no == "05":
        year = "202 年度"  # a template's year never filled in
    if table_no != "01":
        lines.append(year)
    if layout.unit_line != "with_department":
        lines.append(unit_text)
    return lines


def _table(
    accounts: SyntheticAccounts, layout: Layout, table_no: str, number: int, first: bool
) -> PrintedTable:
    unit = layout.unit_of(table_no)
    builder = BUILDERS[table_no]
    tree, rows, extra_merges, column_numbers = builder(accounts, layout, unit)
    header, merges = header_grid(tree)
    header = [[_header_text(cell, layout) for cell in row] for row in header]
    if column_numbers is not None:
        header.append(column_numbers)
    offset = len(header)
    data = [[cell.text for cell in row] for row in rows]
    values = [[cell.value for cell in row] for row in rows]
    merges += [Merge(m.row + offset, m.col, m.rowspan, m.colspan) for m in extra_merges]
    empty = table_no in accounts.empty_tables
    notes = [NOTES[table_no]] + ([EMPTY_NOTES[table_no]] if empty else [])
    label = _label(layout, number)
    meta = _meta(accounts, layout, table_no, label, unit, first)
    title = TITLES[table_no]
    if layout.titles == "alternative":
        title = ALTERNATIVE_TITLES.get(table_no, title)
        if table_no == "09":
            meta.insert(0, SPLIT_QUOTES)
    return PrintedTable(
        table_no=table_no,
        title=title,
        meta=meta,
        header=header,
        data=data,
        values=values,
        merges=merges,
        notes=notes,
        unit=unit,
        empty=empty,
        label=label,
    )


def _header_text(text: str, layout: Layout) -> str:
    if not text:
        return text
    if layout.header == "spaced":
        return " ".join(text)
    if layout.header == "wrapped" and len(text) >= 5:
        return "\n".join(text[i : i + 5] for i in range(0, len(text), 5))
    return text


def _narrative(accounts: SyntheticAccounts) -> list[str]:
    """A few sentences restating the totals, as 情况说明 does (in 万元, like real ones)."""
    income = {row.item: row for row in accounts.rows("01", "income")}
    total = income["grand_total"].amounts["final"] / Decimal(10000)
    subtotal = income["income_subtotal"].amounts["final"] / Decimal(10000)
    year = accounts.fiscal_year
    return [
        "一、收入支出决算总体情况说明",
        f"{year} 年度收、支总计均为 {total:.2f} 万元。",
        "二、收入决算情况说明",
        f"{year} 年度收入合计 {subtotal:.2f} 万元。",
    ]
