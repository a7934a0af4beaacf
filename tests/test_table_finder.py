"""Tables are found by title and header, not by printed number or position."""

from __future__ import annotations

import re

import pytest

from juesuan.catalogue import match_title
from juesuan.parse import parse_rows, parse_source
from juesuan.readers import read_document
from juesuan.readers.text import read


@pytest.mark.parametrize(
    ("title", "table_no"),
    [
        ("收入支出决算总表", "01"),
        ("财政拨款收入支出决算总表", "04"),
        ("一般公共预算财政拨款支出决算表", "05"),
        ("一般公共预算财政拨款基本支出决算明细表", "06"),
        ("一般公共预算财政拨款基本支出决算表", "06"),
        ("国有资本经营预算财政拨款收入支出决算表", "08"),
        ("财政拨款 三公 经费支出决算表", "09"),  # quotes split off by the PDF font
        ("财政拨款“三公”经费支出决算表", "09"),
        ("某某局2023年度收入决算表", "02"),
        ("支出决算表 公开03表", "03"),
        ("一、收入支出决算总体情况说明", None),  # narrative heading, not a table
        ("部门整体支出绩效自评表", None),
    ],
)
def test_titles(title, table_no):
    spec = match_title(title)
    assert (spec.table_no if spec else None) == table_no


def test_the_table_of_contents_is_not_a_table(seed):
    # The contents list all nine titles before the tables: the finder must use the real ones.
    assert seed.tables["01"].source_ref == "L71"
    assert seed.tables["09"].source_ref == "L304"


def _blocks(text: str) -> tuple[str, list[str]]:
    """The text before the first table and the table blocks (title to next title)."""
    lines = text.split("\n")
    # The tables follow the second 第二部分 heading (the first is in the table of contents).
    begin = [i for i, line in enumerate(lines) if line.startswith("第二部分")][1]
    starts = [i for i, line in enumerate(lines) if i > begin and match_title(line.strip())]
    end = next(i for i, line in enumerate(lines) if line.startswith("第三部分") and i > begin)
    blocks = ["\n".join(lines[a:b]) for a, b in zip(starts, [*starts[1:], end], strict=True)]
    return "\n".join(lines[: starts[0]]), blocks


def test_order_and_printed_numbers_do_not_matter(tmp_path, seed_path, seed):
    head, blocks = _blocks(seed_path.read_text(encoding="utf-8"))
    assert len(blocks) == 9
    shuffled = [blocks[i] for i in (8, 3, 0, 6, 1, 5, 2, 7, 4)]
    # Drop the 公开NN表 labels too.
    text = head + "\n" + "\n".join(re.sub(r"公开 \d\d 表", "", b) for b in shuffled)
    variant = tmp_path / "shuffled.txt"
    variant.write_text(text, encoding="utf-8")
    parsed = parse_source(read(variant))
    assert {(i.key, i.amount_yuan) for i in parsed.line_items} == {
        (i.key, i.amount_yuan) for i in seed.line_items
    }
    assert parsed.tables["07"].status == "empty"
    assert parsed.tables["01"].printed_label is None


def test_a_missing_table_is_reported_missing(tmp_path, seed_path):
    head, blocks = _blocks(seed_path.read_text(encoding="utf-8"))
    variant = tmp_path / "no-06.txt"
    variant.write_text(head + "\n" + "\n".join(b for b in blocks if "明细表" not in b), "utf-8")
    parsed = parse_source(read(variant))
    assert parsed.tables["06"].status == "missing"
    assert parsed.tables["05"].status == "data"
    assert not [i for i in parsed.line_items if i.table_no == "06"]


def test_amounts_in_yuan_tables_are_not_scaled(tmp_path, seed_path, seed):
    text = seed_path.read_text(encoding="utf-8")
    _head, blocks = _blocks(text)
    block_02 = next(b for b in blocks if "公开 02 表" in b)
    in_yuan = block_02.replace("单位：万元", "单位：元").replace("2,413.52", "24,135,200.00")
    variant = tmp_path / "yuan.txt"
    variant.write_text(text.replace(block_02, in_yuan), encoding="utf-8")
    parsed = parse_source(read_document(variant))
    total = {i.key: i for i in parsed.line_items}[("02", None, None, "total", "total")]
    assert total.published_unit == "元"
    assert total.amount_yuan == 24135200
    assert parsed.published_unit == "万元"  # the other tables still say 万元


def test_a_budget_is_recognised_and_not_parsed(tmp_path):
    # Synthetic, made for this test: the cover of a budget disclosure.
    budget = tmp_path / "synthetic-budget.txt"
    budget.write_text(
        "SYNTHETIC TEST DOCUMENT\n2018 年度\n某某法院部门预算\n收入支出预算总表\n项目\t预算数\n",
        encoding="utf-8",
    )
    parsed = parse_rows(read(budget).rows)
    assert parsed.kind == "budget"
    assert parsed.fiscal_year == 2018
    assert parsed.line_items == []


# Synthetic, made for these tests: wrapped row names as text extraction leaves them.
WRAPPED = """SYNTHETIC TEST DOCUMENT
2023 年度
合成市甲区合成财务局部门决算
一般公共预算财政拨款支出决算表
单位：万元
项目\t\t本年支出\t\t
科目代码\t科目名称\t小计\t基本支出\t项目支出
栏次\t\t1\t2\t3
合计\t\t30.00\t30.00\t0.00
2080505\t机关事业单位基本养老保险\t10.00\t10.00\t0.00
\t缴费支出\t\t\t
\t机关事业单位职业年金缴费\t\t\t
2080506\t\t10.00\t10.00\t0.00
2010301\t行政运行\t10.00\t10.00\t0.00
收入支出决算总表
单位：万元
收入\t\t\t支出\t\t
项目\t行次\t决算数\t项目\t行次\t决算数
一、一般公共预算财政拨款收入\t1\t30.00\t七、文化旅游体育与传媒支\t38\t30.00
\t\t\t出\t\t
使用非财政拨款结余\t2\t\t结余分配\t39\t
"""


def test_wrapped_row_names_are_joined(tmp_path):
    path = tmp_path / "synthetic-wrapped.txt"
    path.write_text(WRAPPED, encoding="utf-8")
    parsed = parse_source(read(path))
    names = {(i.table_no, i.code or i.item): i.name for i in parsed.line_items}
    # Continued below the numbers, and started above them:
    assert names[("05", "2080505")] == "机关事业单位基本养老保险缴费支出"
    assert names[("05", "2080506")] == "机关事业单位职业年金缴费"
    # A class name wrapped in table 01 still finds its 类 code.
    assert names[("01", "207")] == "文化旅游体育与传媒支出"
    # A row printed with blank amounts is a row of its own (zeros), not a wrapped name.
    amounts = {i.key: i.amount_yuan for i in parsed.line_items}
    assert amounts[("01", "income", None, "non_appropriation_balance_used", "final")] == 0
    assert amounts[("01", "expenditure", None, "surplus_distribution", "final")] == 0
    assert parsed.findings == []
