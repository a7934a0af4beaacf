"""The words a synthetic disclosure is made of: class lists, functional and economic codes.

Kept apart from the generator so the numbers (accounts.py) and the vocabulary can be read and
changed separately. Codes and names are real ones from the 2023 classification (as printed in
the seed disclosure and the Putuo sample), so a parser is exercised on the labels it will meet;
only the department and the amounts are made up.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

# 01/04 expenditure classes of the 2023 template (the seed), in printed order.
CLASSES_26 = (
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234",
)  # fmt: skip
# Older templates had neither 灾害防治及应急管理支出 (224, from 2019) nor 抗疫特别国债 (234).
CLASSES_24 = tuple(code for code in CLASSES_26 if code not in {"224", "234"})


@cache
def _class_rows() -> dict[str, dict[str, str]]:
    with (
        resources.files("juesuan.data")
        .joinpath("function_classes.csv")
        .open(encoding="utf-8") as handle
    ):
        return {row["code"]: row for row in csv.DictReader(handle)}


def class_codes(classes: int) -> tuple[str, ...]:
    if classes not in (24, 26):
        raise ValueError(f"classes must be 24 or 26, not {classes}")
    return CLASSES_26 if classes == 26 else CLASSES_24


def class_name(code: str, *, older: bool = False) -> str:
    """The class name; `older` picks the first earlier name, as older templates printed it."""
    row = _class_rows()[code]
    earlier = [name for name in row["earlier_names"].split(";") if name.strip()]
    return earlier[0] if older and earlier else row["name"]


@dataclass(frozen=True)
class FunctionItem:
    """A functional 项 with its 款, and what kind of money usually pays for it."""

    code: str  # 7 digits
    name: str
    kuan_name: str
    fund: str  # gpb | gf | sc: general public budget, government fund, state capital
    kind: str  # basic | project | mixed: the usual split of its spending


# 款 names, by 5-digit code.
KUAN = {
    "20101": "人大事务",
    "20103": "政府办公厅（室）及相关机构事务",
    "20106": "财政事务",
    "20601": "科学技术管理事务",
    "20701": "文化和旅游",
    "21201": "城乡社区管理事务",
    "21301": "农业农村",
    "20805": "行政事业单位养老支出",
    "21011": "行政事业单位医疗",
    "22102": "住房改革支出",
    "21208": "国有土地使用权出让收入安排的支出",
    "22960": "彩票公益金安排的支出",
    "20822": "大中型水库移民后期扶持基金支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "22302": "国有企业资本金注入",
}


def _item(code: str, name: str, fund: str, kind: str) -> FunctionItem:
    return FunctionItem(code, name, KUAN[code[:5]], fund, kind)


# A department's own function: its 行政运行 and the project items beside it, per 款.
MAIN_FUNCTIONS: tuple[tuple[FunctionItem, ...], ...] = (
    (
        _item("2010301", "行政运行", "gpb", "basic"),
        _item("2010302", "一般行政管理事务", "gpb", "project"),
        _item("2010303", "机关服务", "gpb", "mixed"),
        _item("2010350", "事业运行", "gpb", "basic"),
        _item("2010399", "其他政府办公厅（室）及相关机构事务支出", "gpb", "project"),
    ),
    (
        _item("2010601", "行政运行", "gpb", "basic"),
        _item("2010607", "信息化建设", "gpb", "project"),
        _item("2010608", "财政委托业务支出", "gpb", "project"),
    ),
    (
        _item("2060101", "行政运行", "gpb", "basic"),
        _item("2060199", "其他科学技术管理事务支出", "gpb", "project"),
    ),
    (
        _item("2070101", "行政运行", "gpb", "basic"),
        _item("2070109", "群众文化", "gpb", "project"),
    ),
    (
        _item("2120101", "行政运行", "gpb", "basic"),
        _item("2120199", "其他城乡社区管理事务支出", "gpb", "project"),
    ),
    (
        _item("2130101", "行政运行", "gpb", "basic"),
        _item("2130199", "其他农业农村支出", "gpb", "project"),
    ),
)

# Paid by every employer: pensions, health insurance, housing fund.
STAFF_ITEMS: tuple[FunctionItem, ...] = (
    _item("2080505", "机关事业单位基本养老保险缴费支出", "gpb", "basic"),
    _item("2080506", "机关事业单位职业年金缴费支出", "gpb", "basic"),
    _item("2101101", "行政单位医疗", "gpb", "basic"),
    _item("2210201", "住房公积金", "gpb", "basic"),
    _item("2210203", "购房补贴", "gpb", "basic"),
)

GOVERNMENT_FUND_ITEMS: tuple[FunctionItem, ...] = (
    _item("2120801", "征地和拆迁补偿支出", "gf", "project"),
    _item("2120803", "城市建设支出", "gf", "project"),
    _item("2296002", "用于社会福利的彩票公益金支出", "gf", "project"),
    _item("2082201", "移民补助", "gf", "project"),
)

STATE_CAPITAL_ITEMS: tuple[FunctionItem, ...] = (
    _item("2230105", "国有企业退休人员社会化管理补助支出", "sc", "project"),
    _item("2230201", "国有经济结构调整支出", "sc", "project"),
)

# Table 06: the economic classes and their 款, as the 2023 template prints them, by segment.
ECONOMIC_SEGMENTS: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"), ("30103", "奖金"),
        ("30106", "伙食补助费"), ("30107", "绩效工资"),
        ("30108", "机关事业单位基本养老保险缴费"), ("30109", "职业年金缴费"),
        ("30110", "职工基本医疗保险缴费"), ("30111", "公务员医疗补助缴费"),
        ("30112", "其他社会保障缴费"), ("30113", "住房公积金"), ("30114", "医疗费"),
        ("30199", "其他工资福利支出"), ("303", "对个人和家庭的补助"), ("30301", "离休费"),
        ("30302", "退休费"), ("30303", "退职（役）费"), ("30304", "抚恤金"),
        ("30305", "生活补助"), ("30306", "救济费"), ("30307", "医疗费补助"),
        ("30308", "助学金"), ("30309", "奖励金"), ("30310", "个人农业生产补贴"),
        ("30311", "代缴社会保险费"), ("30399", "其他对个人和家庭的补助"),
    ),
    (
        ("302", "商品和服务支出"), ("30201", "办公费"), ("30202", "印刷费"), ("30203", "咨询费"),
        ("30204", "手续费"), ("30205", "水费"), ("30206", "电费"), ("30207", "邮电费"),
        ("30208", "取暖费"), ("30209", "物业管理费"), ("30211", "差旅费"),
        ("30212", "因公出国（境）费用"), ("30213", "维修（护）费"), ("30214", "租赁费"),
        ("30215", "会议费"), ("30216", "培训费"), ("30217", "公务接待费"),
        ("30218", "专用材料费"), ("30224", "被装购置费"), ("30225", "专用燃料费"),
        ("30226", "劳务费"), ("30227", "委托业务费"), ("30228", "工会经费"), ("30229", "福利费"),
        ("30231", "公务用车运行维护费"), ("30239", "其他交通费用"), ("30240", "税金及附加费用"),
        ("30299", "其他商品和服务支出"),
    ),
    (
        ("307", "债务利息及费用支出"), ("30701", "国内债务付息"), ("30702", "国外债务付息"),
        ("310", "资本性支出"), ("31001", "房屋建筑物购建"), ("31002", "办公设备购置"),
        ("31003", "专用设备购置"), ("31005", "基础设施建设"), ("31006", "大型修缮"),
        ("31007", "信息网络及软件购置更新"), ("31008", "物资储备"), ("31009", "土地补偿"),
        ("31010", "安置补助"), ("31011", "地上附着物和青苗补偿"), ("31012", "拆迁补偿"),
        ("31013", "公务用车购置"), ("31019", "其他交通工具购置"),
        ("31021", "文物和陈列品购置"), ("31022", "无形资产购置"), ("31099", "其他资本性支出"),
        ("399", "其他支出"), ("39907", "国家赔偿费用支出"),
        ("39908", "对民间非营利组织和群众性自治组织补贴"), ("39909", "经常性赠与"),
        ("39910", "资本性赠与"), ("39999", "其他支出"),
    ),
)  # fmt: skip
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "307", "310", "399")

# Rows of tables 01 and 04 that carry no code, in printed order, with their labels.
INCOME_SOURCES_01 = (
    ("general_public_budget_appropriation", "一般公共预算财政拨款收入"),
    ("government_fund_appropriation", "政府性基金预算财政拨款收入"),
    ("state_capital_appropriation", "国有资本经营预算财政拨款收入"),
    ("superior_subsidy", "上级补助收入"),
    ("business_income", "事业收入"),
    ("operating_income", "经营收入"),
    ("affiliate_remittance", "附属单位上缴收入"),
    ("other_income", "其他收入"),
)
APPROPRIATIONS_04 = (
    ("general_public_budget_appropriation", "一般公共预算财政拨款"),
    ("government_fund_appropriation", "政府性基金预算财政拨款"),
    ("state_capital_appropriation", "国有资本经营预算财政拨款"),
)
THREE_PUBLIC = (
    ("total", "合计"),
    ("overseas_travel", "因公出国（境）费"),
    ("vehicle_total", "公务用车购置及运行维护费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
    ("official_reception", "公务接待费"),
)

CHINESE_NUMERALS = "一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 26 → 二十六: the enumeration printed before row labels."""
    if n < 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")
