"""The real Putuo PDF (samples/putuo-finance-bureau-2024-final-accounts.pdf) parses completely.

Expected amounts were read off the rendered pages by hand (pdftoppm -r 90: pages 6–7 for table
01, 10–11 for 03, 16–17 for 06, 18 for 三公), not taken from the parser. Blank cells are zeros.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.parse import parse_source
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import read_document

PUTUO = SAMPLES_DIR / "putuo-finance-bureau-2024-final-accounts.pdf"
W = Decimal(10000)

CLASSES_2024 = [
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234",
]  # fmt: skip


@pytest.fixture(scope="module")
def putuo():
    return parse_source(read_document(PUTUO))


def amounts(parsed, table_no):
    return {i.key[1:]: i.amount_yuan for i in parsed.line_items if i.table_no == table_no}


def expect(printed: dict, keys) -> dict:
    """Every key of the table: the printed value where one is printed, else zero (blank)."""
    return {key: Decimal(printed.get(key, "0")) * W for key in keys}


def test_document_facts(putuo):
    assert putuo.kind == "final_accounts"
    assert putuo.fiscal_year == 2024
    assert putuo.department_name == "上海市普陀区财政局"
    assert putuo.published_unit == "万元"
    assert putuo.page_count == 25
    assert putuo.findings == []


def test_rows_per_table(putuo):
    counts = {no: (t.status, t.row_count) for no, t in putuo.tables.items()}
    assert counts == {
        "01": ("data", 42), "02": ("data", 140), "03": ("data", 120), "04": ("data", 125),
        "05": ("data", 60), "06": ("data", 66), "07": ("empty", 0), "08": ("empty", 0),
        "09": ("data", 12),
    }  # fmt: skip


def test_table_01(putuo):
    income = ["general_public_budget_appropriation", "government_fund_appropriation",
              "state_capital_appropriation", "superior_subsidy", "business_income",
              "operating_income", "affiliate_remittance", "other_income", "income_subtotal",
              "non_appropriation_balance_used", "opening_balance", "grand_total"]  # fmt: skip
    spending = ["expenditure_subtotal", "surplus_distribution", "closing_balance", "grand_total"]
    keys = [("income", None, item, "final") for item in income]
    keys += [("expenditure", code, None, "final") for code in CLASSES_2024]
    keys += [("expenditure", None, item, "final") for item in spending]
    printed = {
        ("income", None, "general_public_budget_appropriation", "final"): "2940.05",
        ("income", None, "other_income", "final"): "6.20",
        ("income", None, "income_subtotal", "final"): "2946.25",
        ("income", None, "opening_balance", "final"): "49.14",
        ("income", None, "grand_total", "final"): "2995.39",
        ("expenditure", "201", None, "final"): "2106.66",
        ("expenditure", "208", None, "final"): "326.71",
        ("expenditure", "210", None, "final"): "60.99",
        ("expenditure", "221", None, "final"): "445.69",
        ("expenditure", None, "expenditure_subtotal", "final"): "2940.05",
        ("expenditure", None, "closing_balance", "final"): "55.34",
        ("expenditure", None, "grand_total", "final"): "2995.39",
    }
    assert amounts(putuo, "01") == expect(printed, keys)


# Table 03, pages 10–11: code → (total, basic, project); 上缴上级/经营/对附属单位补助 all blank.
TABLE_03 = {
    None: ("2940.05", "2336.91", "603.14"),
    "201": ("2106.66", "1503.52", "603.14"),
    "20106": ("2106.66", "1503.52", "603.14"),
    "2010601": ("1511.89", "1503.52", "8.37"),
    "2010602": ("10.00", "0", "10.00"),
    "2010607": ("135.25", "0", "135.25"),
    "2010608": ("449.52", "0", "449.52"),
    "208": ("326.72", "326.72", "0"),
    "20805": ("326.72", "326.72", "0"),
    "2080501": ("84.65", "84.65", "0"),
    "2080505": ("160.75", "160.75", "0"),
    "2080506": ("80.38", "80.38", "0"),
    "2080599": ("0.94", "0.94", "0"),
    "210": ("60.99", "60.99", "0"),
    "21011": ("60.99", "60.99", "0"),
    "2101101": ("60.99", "60.99", "0"),
    "221": ("445.69", "445.69", "0"),
    "22102": ("445.69", "445.69", "0"),
    "2210201": ("187.19", "187.19", "0"),
    "2210203": ("258.50", "258.50", "0"),
}


def test_table_03(putuo):
    expected = {}
    for code, (total, basic, project) in TABLE_03.items():
        item = "total" if code is None else None
        for measure, value in [("total", total), ("basic", basic), ("project", project),
                               ("remit_to_superior", "0"), ("operating", "0"),
                               ("subsidy_to_affiliates", "0")]:  # fmt: skip
            expected[(None, code, item, measure)] = Decimal(value) * W
    assert amounts(putuo, "03") == expected


# Table 06, pages 16–17, by economic code; every other code listed on the pages is blank.
TABLE_06_PRINTED = {
    "301": "2082.85", "30101": "262.33", "30102": "1238.58", "30108": "160.75", "30109": "80.38",
    "30110": "60.99", "30112": "1.61", "30113": "187.19", "30199": "91.03",
    "303": "69.41", "30302": "69.10", "30309": "0.31",
    "302": "171.07", "30201": "21.21", "30202": "7.61", "30204": "0.09", "30207": "4.88",
    "30211": "1.20", "30213": "2.83", "30216": "4.05", "30226": "2.01", "30228": "24.42",
    "30229": "42.77", "30239": "48.49", "30299": "11.53",
    "310": "13.58", "31002": "13.58",
}  # fmt: skip
TABLE_06_BLANK = """
30103 30106 30107 30111 30114 30301 30303 30304 30305 30307 30308 30310 30311 30399
30203 30205 30206 30208 30209 30212 30214 30215 30217 30218 30224 30225 30227 30231 30240
31001 31003 31007 31013 31019 31021 31022 31099
""".split()  # noqa: SIM905 - as the pages list them


def test_table_06(putuo):
    expected = {(None, code, None, "final"): Decimal(v) * W for code, v in TABLE_06_PRINTED.items()}
    expected |= {(None, code, None, "final"): Decimal(0) for code in TABLE_06_BLANK}
    expected[(None, None, "personnel_total", "final")] = Decimal("2152.26") * W
    expected[(None, None, "public_total", "final")] = Decimal("184.65") * W
    assert amounts(putuo, "06") == expected


def test_table_09_three_public(putuo):
    items = ["total", "overseas_travel", "vehicle_total", "vehicle_purchase",
             "vehicle_operation", "official_reception"]  # fmt: skip
    keys = [(None, None, item, m) for item in items for m in ("budget", "final")]
    printed = {(None, None, "total", "budget"): "0.95",
               (None, None, "official_reception", "budget"): "0.95"}  # fmt: skip
    assert amounts(putuo, "09") == expect(printed, keys)
    # The printed label was 表7's place in this document; the canonical number is 09.
    assert putuo.tables["09"].printed_title == "财政拨款“三公”经费支出决算表"


def test_source_refs_name_page_and_row(putuo):
    by_key = {i.key: i for i in putuo.line_items}
    assert by_key[("01", "income", None, "opening_balance", "final")].source_ref.startswith("p7 ")
    assert by_key[("06", None, "31002", None, "final")].source_ref.startswith("p17 ")
    assert by_key[("03", None, "2210203", None, "total")].source_ref.startswith("p11 ")
