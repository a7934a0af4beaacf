"""Every amount of the seed's nine tables, exactly, keyed as in shared/domain/TABLES.md.

The expected values were read off the seed by hand. The seed prints every zero as 0.00, so the
non-zero amounts are listed and every other expected key must come out as exactly zero.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.catalogue import function_class_names

W = Decimal(10000)  # 万元 → 元

CLASS_CODES_2023 = [
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234",
]  # fmt: skip
INCOME_ITEMS_01 = [
    "general_public_budget_appropriation", "government_fund_appropriation",
    "state_capital_appropriation", "superior_subsidy", "business_income", "operating_income",
    "affiliate_remittance", "other_income", "income_subtotal", "non_appropriation_balance_used",
    "opening_balance", "grand_total",
]  # fmt: skip
EXPENDITURE_ITEMS_01 = [
    "expenditure_subtotal",
    "surplus_distribution",
    "closing_balance",
    "grand_total",
]
INCOME_ITEMS_04 = [
    "general_public_budget_appropriation", "government_fund_appropriation",
    "state_capital_appropriation", "income_subtotal", "opening_balance",
    "opening_balance_general_public_budget", "opening_balance_government_fund",
    "opening_balance_state_capital", "grand_total",
]  # fmt: skip
MEASURES_04 = ["total", "general_public_budget", "government_fund", "state_capital"]
MEASURES_02 = ["total", "fiscal_appropriation", "superior_subsidy", "business", "operating",
               "affiliate_remittance", "other"]  # fmt: skip
MEASURES_03 = [
    "total",
    "basic",
    "project",
    "remit_to_superior",
    "operating",
    "subsidy_to_affiliates",
]
ECONOMIC_CODES_06 = """
301 30101 30102 30103 30106 30107 30108 30109 30110 30111 30112 30113 30114 30199
303 30301 30302 30303 30304 30305 30306 30307 30308 30309 30310 30311 30399
302 30201 30202 30203 30204 30205 30206 30207 30208 30209 30211 30212 30213 30214 30215 30216
30217 30218 30224 30225 30226 30227 30228 30229 30231 30239 30240 30299
307 30701 30702 310 31001 31002 31003 31005 31006 31007 31008 31009 31010 31011 31012 31013
31019 31021 31022 31099 399 39907 39908 39909 39910 39999
""".split()  # noqa: SIM905 - laid out as the table prints them
ITEMS_09 = ["total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation",
            "official_reception"]  # fmt: skip

Key = tuple[str, str | None, str | None, str | None, str]


def expected_keys() -> set[Key]:
    keys: set[Key] = set()
    keys |= {("01", "income", None, item, "final") for item in INCOME_ITEMS_01}
    keys |= {("01", "expenditure", code, None, "final") for code in CLASS_CODES_2023}
    keys |= {("01", "expenditure", None, item, "final") for item in EXPENDITURE_ITEMS_01}
    for code_or_item in ["total", "2010301", "2010302"]:
        code, item = (None, code_or_item) if code_or_item == "total" else (code_or_item, None)
        keys |= {("02", None, code, item, m) for m in MEASURES_02}
        keys |= {("03", None, code, item, m) for m in MEASURES_03}
        keys |= {("05", None, code, item, m) for m in ["total", "basic", "project"]}
    keys |= {("04", "income", None, item, "final") for item in INCOME_ITEMS_04}
    keys |= {("04", "expenditure", c, None, m) for c in CLASS_CODES_2023 for m in MEASURES_04}
    keys |= {
        ("04", "expenditure", None, item, m)
        for item in ["expenditure_subtotal", "closing_balance", "grand_total"]
        for m in MEASURES_04
    }
    keys |= {("06", None, code, None, "final") for code in ECONOMIC_CODES_06}
    keys |= {("06", None, None, item, "final") for item in ["personnel_total", "public_total"]}
    keys |= {("09", None, None, item, m) for item in ITEMS_09 for m in ["budget", "final"]}
    return keys


NON_ZERO_WAN: dict[Key, str] = {
    ("01", "income", None, "general_public_budget_appropriation", "final"): "2413.52",
    ("01", "income", None, "income_subtotal", "final"): "2413.52",
    ("01", "income", None, "grand_total", "final"): "2413.52",
    ("01", "expenditure", "201", None, "final"): "2413.52",
    ("01", "expenditure", None, "expenditure_subtotal", "final"): "2413.52",
    ("01", "expenditure", None, "grand_total", "final"): "2413.52",
    ("02", None, None, "total", "total"): "2413.52",
    ("02", None, None, "total", "fiscal_appropriation"): "2413.52",
    ("02", None, "2010302", None, "total"): "329.04",
    ("02", None, "2010302", None, "fiscal_appropriation"): "329.04",
    ("02", None, "2010301", None, "total"): "2084.48",
    ("02", None, "2010301", None, "fiscal_appropriation"): "2084.48",
    ("03", None, None, "total", "total"): "2413.52",
    ("03", None, None, "total", "basic"): "2084.48",
    ("03", None, None, "total", "project"): "329.04",
    ("03", None, "2010301", None, "total"): "2084.48",
    ("03", None, "2010301", None, "basic"): "2084.48",
    ("03", None, "2010302", None, "total"): "329.04",
    ("03", None, "2010302", None, "project"): "329.04",
    ("04", "income", None, "general_public_budget_appropriation", "final"): "2413.52",
    ("04", "income", None, "income_subtotal", "final"): "2413.52",
    ("04", "income", None, "grand_total", "final"): "2413.52",
    ("04", "expenditure", "201", None, "total"): "2413.52",
    ("04", "expenditure", "201", None, "general_public_budget"): "2413.52",
    ("04", "expenditure", None, "expenditure_subtotal", "total"): "2413.52",
    ("04", "expenditure", None, "expenditure_subtotal", "general_public_budget"): "2413.52",
    ("04", "expenditure", None, "grand_total", "total"): "2413.52",
    ("04", "expenditure", None, "grand_total", "general_public_budget"): "2413.52",
    ("05", None, None, "total", "total"): "2413.52",
    ("05", None, None, "total", "basic"): "2084.48",
    ("05", None, None, "total", "project"): "329.04",
    ("05", None, "2010302", None, "total"): "329.04",
    ("05", None, "2010302", None, "project"): "329.04",
    ("05", None, "2010301", None, "total"): "2084.48",
    ("05", None, "2010301", None, "basic"): "2084.48",
    **{
        ("06", None, code, None, "final"): value
        for code, value in {
            "301": "530.87",
            "30101": "289.71",
            "30103": "63.55",
            "30106": "62.15",
            "30108": "29.54",
            "30110": "24.61",
            "30112": "2.20",
            "30113": "30.78",
            "30114": "3.04",
            "30199": "25.28",
            "303": "0.22",
            "30302": "0.22",
            "302": "1553.39",
            "30201": "35.68",
            "30202": "2.04",
            "30205": "2.30",
            "30206": "90.27",
            "30207": "0.50",
            "30209": "297.51",
            "30211": "0.93",
            "30213": "7.87",
            "30214": "1113.69",
            "30216": "0.54",
            "30229": "1.82",
            "30299": "0.23",
        }.items()
    },
    ("06", None, None, "personnel_total", "final"): "531.08",
    ("06", None, None, "public_total", "final"): "1553.39",
    ("09", None, None, "total", "budget"): "0.20",
    ("09", None, None, "official_reception", "budget"): "0.20",
}


def test_every_key_of_the_nine_tables_is_found_once(seed):
    keys = [item.key for item in seed.line_items]
    assert len(keys) == len(set(keys)), "a key was produced twice"
    assert set(keys) == expected_keys()


def test_every_amount_is_exact(seed):
    amounts = {item.key: item.amount_yuan for item in seed.line_items}
    for key in expected_keys():
        expected = Decimal(NON_ZERO_WAN.get(key, "0")) * W
        assert amounts[key] == expected, key
        assert str(amounts[key]).endswith(".00")  # exact cents, no float artefacts


def test_rows_per_table(seed):
    counts = {no: table.row_count for no, table in seed.tables.items()}
    assert counts == {
        "01": 42, "02": 21, "03": 18, "04": 125, "05": 9, "06": 83, "07": 0, "08": 0, "09": 12,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("key", "yuan"),
    [
        (("06", None, "30214", None, "final"), "11136900.00"),  # 1,113.69 万元
        (("04", "expenditure", "201", None, "general_public_budget"), "24135200.00"),
        (("09", None, None, "official_reception", "budget"), "2000.00"),
    ],
)
def test_examples_of_the_issue(seed, key, yuan):
    amounts = {item.key: item.amount_yuan for item in seed.line_items}
    assert amounts[key] == Decimal(yuan)


def test_tables_07_and_08_are_present_and_empty(seed):
    assert seed.tables["07"].status == "empty"
    assert seed.tables["08"].status == "empty"
    assert seed.tables["07"].printed_title == "政府性基金预算财政拨款收入支出决算表"
    assert seed.tables_with_status("data") == ["01", "02", "03", "04", "05", "06", "09"]
    assert seed.tables_with_status("missing") == []


def test_document_facts_are_read_from_the_document(seed):
    assert seed.kind == "final_accounts"
    assert seed.fiscal_year == 2023
    assert seed.department_name == "郑州高新技术产业开发区管委会政务服务中心"
    assert seed.published_unit == "万元"
    assert {item.published_unit for item in seed.line_items} == {"万元"}
    assert seed.findings == []


def test_split_codes_are_joined(seed):
    # Table 03 prints `201030 1` and `201030 2`.
    codes_03 = {item.code for item in seed.line_items if item.table_no == "03" and item.code}
    assert codes_03 == {"2010301", "2010302"}


def test_class_names_of_tables_01_and_04_get_their_codes(seed):
    names = function_class_names()
    for item in seed.line_items:
        if item.table_no in {"01", "04"} and item.side == "expenditure" and item.code:
            assert names[item.code] == item.name, item


def test_names_are_printed_labels_without_enumeration(seed):
    by_key = {item.key: item for item in seed.line_items}
    assert by_key[("01", "income", None, "general_public_budget_appropriation", "final")].name == (
        "一般公共预算财政拨款收入"
    )
    assert by_key[("01", "expenditure", "201", None, "final")].name == "一般公共服务支出"
    assert by_key[("09", None, None, "overseas_travel", "final")].name == "因公出国(境)费"


@pytest.mark.parametrize(
    ("key", "ref"),
    [
        (("01", "income", None, "general_public_budget_appropriation", "final"), "L82"),
        (("02", None, None, "total", "total"), "L129"),
        (("06", None, "30214", None, "final"), "L248"),
        (("09", None, None, "total", "budget"), "L320"),
    ],
)
def test_source_refs_point_at_the_printed_line(seed, seed_path, key, ref):
    by_key = {item.key: item for item in seed.line_items}
    assert by_key[key].source_ref == ref
    line = seed_path.read_text(encoding="utf-8").split("\n")[int(ref[1:]) - 1]
    wan = by_key[key].amount_yuan / W
    assert f"{wan:,.2f}" in line
