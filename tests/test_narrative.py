"""The narrative parts as data: every number of 情况说明 with its sentence, and the 附件 tables.

Expected values are the printed ones, read off the seed text and the rows of the Putuo PDF
(pages 21–24), not taken from the extractor. Money is asserted in 元 (万元 × 10000).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.narrative import Fact, NarrativeResult, extract_narrative
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import Row, read_document

SEED = SAMPLES_DIR / "zhengzhou-hitech-government-service-center-2023-final-accounts.txt"
PUTUO = SAMPLES_DIR / "putuo-finance-bureau-2024-final-accounts.pdf"
W = Decimal(10000)
PCT = "%"


def wan(printed: str) -> Decimal:
    return Decimal(printed) * W


@pytest.fixture(scope="module")
def seed() -> NarrativeResult:
    return extract_narrative(read_document(SEED).rows)


@pytest.fixture(scope="module")
def putuo() -> NarrativeResult:
    return extract_narrative(read_document(PUTUO).rows)


def fact(result: NarrativeResult, subject: str, measure: str, section: str | None = None) -> Fact:
    found = [
        f
        for f in result.facts
        if f.subject == subject and f.measure == measure and section in (None, f.section)
    ]
    assert len(found) == 1, (subject, measure, section, found)
    return found[0]


def expect(result, section, subject, measure, value, ref, unit="元", **fields):
    """The one fact of (section, subject, measure): its value, unit, ref and other fields."""
    found = fact(result, subject, measure, section)
    assert (found.value, found.unit, found.ref) == (Decimal(value), unit, ref), found
    for name, wanted in fields.items():
        assert getattr(found, name) == wanted, (name, found)
    return found


def reason(result, section, kind):
    found = [r for r in result.reasons if r.section == section and r.kind == kind]
    return [(r.subject, r.text, r.ref) for r in found]


# -- the seed: 第三部分 ---------------------------------------------------------------------------


def test_seed_headings_skip_the_table_of_contents(seed):
    assert [h.section for h in seed.headings][:5] == ["一", "二", "三", "四", "五"]
    assert seed.headings[0].ref == "L326"  # not L28 of the table of contents
    topics = {h.section: h.topic for h in seed.headings}
    assert topics == {
        "一": "overall", "二": "income", "三": "expenditure", "四": "appropriation_overall",
        "五": "general_public_budget", "五(一)": "general_public_budget",
        "五(二)": "general_public_budget", "五(三)": "general_public_budget",
        "六": "basic_expenditure", "七": "government_fund", "八": "state_capital",
        "九": "three_public", "九(一)": "three_public", "九(二)": "three_public",
        "十": "agency_operating", "十一": "procurement", "十二": "assets", "十三": "performance",
        "十三(一)": "performance", "十三(二)": "performance", "十三(三)": "performance",
    }  # fmt: skip


def test_seed_overall_income_expenditure(seed):
    # 一: 收、支总计均为 2413.52 万元 … 各增加 547.92 万元，增长 29.37%。
    total = expect(seed, "一", "收入支出总计", "total", wan("2413.52"), "L328")
    assert total.printed == "2413.52万元"
    assert total.topic == "overall" and "收、支总计均为" in total.sentence
    expect(seed, "一", "收入支出总计", "change_amount", wan("547.92"), "L328")
    expect(seed, "一", "收入支出总计", "change_percent", "29.37", "L328", PCT)
    assert reason(seed, "一", "change_reason") == [
        ("收入支出总计", "增加物业管理费，项目支出增加", "L328")
    ]
    # 二
    expect(seed, "二", "收入合计", "total", wan("2413.52"), "L332")
    expect(seed, "二", "财政拨款收入", "amount", wan("2413.52"), "L332", parent="收入合计")
    expect(seed, "二", "财政拨款收入", "share_percent", "100.00", "L332", PCT)
    # 三
    expect(seed, "三", "支出合计", "total", wan("2413.52"), "L336")
    expect(seed, "三", "基本支出", "amount", wan("2084.48"), "L336", parent="支出合计")
    expect(seed, "三", "基本支出", "share_percent", "86.37", "L336", PCT)
    expect(seed, "三", "项目支出", "amount", wan("329.04"), "L336")
    expect(seed, "三", "项目支出", "share_percent", "13.63", "L336", PCT)


def test_seed_appropriations_and_general_public_budget(seed):
    # 四
    expect(seed, "四", "财政拨款收入支出总计", "total", wan("2413.52"), "L340")
    expect(seed, "四", "财政拨款收入支出总计", "change_amount", wan("547.92"), "L340")
    expect(seed, "四", "财政拨款收入支出总计", "change_percent", "29.37", "L340", PCT)
    # 五（一）
    subject = "一般公共预算财政拨款支出"
    expect(seed, "五(一)", subject, "amount", wan("2413.52"), "L346")
    expect(seed, "五(一)", subject, "share_percent", "100.00", "L346", PCT, base="支出合计")
    expect(seed, "五(一)", subject, "change_amount", wan("547.92"), "L346")
    expect(seed, "五(一)", subject, "change_percent", "29.37", "L346", PCT)
    # 五（二） structure
    expect(seed, "五(二)", "行政运行支出", "amount", wan("2084.48"), "L350", parent=subject)
    expect(seed, "五(二)", "行政运行支出", "share_percent", "86.37", "L350", PCT)
    expect(seed, "五(二)", "一般行政管理事务支出", "amount", wan("329.04"), "L350")
    expect(seed, "五(二)", "一般行政管理事务支出", "share_percent", "13.63", "L350", PCT)
    # 五（三） overall budget versus final
    expect(seed, "五(三)", subject, "initial_budget", wan("2763.5"), "L354")
    expect(seed, "五(三)", subject, "final", wan("2413.52"), "L354")
    expect(seed, "五(三)", subject, "completion_rate", "79.88", "L354", PCT)


def test_seed_items_budget_versus_final(seed):
    items = [i for i in seed.item_executions if i.topic == "general_public_budget"]
    assert [
        (i.number, i.class_name, i.subclass_name, i.item_name, i.initial_budget, i.final,
         i.completion_rate, i.reason, i.ref)
        for i in items
    ] == [
        ("1", "一般公共服务支出", "政府办公厅(室)及相关机构事务", "一般行政管理事务",
         wan("577.4"), wan("329.04"), Decimal("56.99"), "政务能力提升项目未全部支出", "L356"),
        ("2", "一般公共服务支出", "政府办公厅(室)及相关机构事务", "行政运行",
         wan("2181.1"), wan("2084.48"), Decimal("95.57"), "因为部分科目支出存在结余", "L358"),
    ]  # fmt: skip
    path = "一般公共服务支出(类)政府办公厅(室)及相关机构事务(款)一般行政管理事务(项)"
    first = expect(seed, "五(三)", path, "initial_budget", wan("577.4"), "L356")
    assert (first.class_name, first.item_name) == ("一般公共服务支出", "一般行政管理事务")
    assert reason(seed, "五(三)", "variance_reason")[0] == (
        path,
        "政务能力提升项目未全部支出",
        "L356",
    )


def test_seed_basic_expenditure_and_its_lists(seed):
    expect(seed, "六", "一般公共预算财政拨款基本支出", "amount", wan("2084.48"), "L362")
    expect(seed, "六", "人员经费", "amount", wan("531.08"), "L362")
    expect(seed, "六", "公用经费", "amount", wan("1553.39"), "L362")
    lists = {c.subject: c.items for c in seed.compositions}
    assert lists["人员经费"] == (
        "基本工资", "奖金", "伙食补助费", "机关事业单位基本养老保险缴费", "职工基本医疗保险缴费",
        "其他社会保障缴费", "住房公积金", "医疗费", "其他工资福利支出", "退休费",
    )  # fmt: skip
    assert lists["公用经费"] == (
        "办公费", "印刷费", "水费", "电费", "邮电费", "物业管理费", "差旅费", "维修(护)费",
        "租赁费", "培训费", "福利费", "其他商品和服务支出",
    )  # fmt: skip
    assert {c.ref for c in seed.compositions} == {"L362"}


def test_seed_government_fund_and_state_capital_say_none(seed):
    none = {(f.section, f.subject, f.value, f.pattern) for f in seed.facts if f.section in "七八"}
    assert none == {
        ("七", "政府性基金收入", 0, "absent"), ("七", "政府性基金安排的支出", 0, "absent"),
        ("八", "国有资本经营收入", 0, "absent"), ("八", "国有资本经营安排的支出", 0, "absent"),
    }  # fmt: skip


def test_seed_three_public(seed):
    expect(seed, "九(一)", "三公经费", "budget", wan("0.2"), "L376")
    expect(seed, "九(一)", "三公经费", "final", 0, "L376")
    expect(seed, "九(一)", "三公经费", "completion_rate", 0, "L376", PCT)
    assert reason(seed, "九(一)", "variance_reason") == [("三公经费", "未发生“三公”支出", "L376")]
    for category in ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费"):
        found = [f for f in seed.facts if f.subject == category and f.ref == "L380"]
        assert {(f.measure, f.value) for f in found} == {
            ("final", 0),
            ("completion_rate", 0),
            ("share_percent", 0),
        }
    items = {i.subject: (i.budget, i.final, i.completion_rate, i.ref)
             for i in seed.item_executions if i.topic == "three_public"}  # fmt: skip
    assert items == {
        "因公出国(境)费": (0, 0, 0, "L382"),
        "公务用车购置及运行维护费": (0, 0, 0, "L384"),
        "公务接待费": (wan("0.2"), 0, 0, "L390"),
    }
    expect(seed, "九(二)", "公务用车购置", "amount", 0, "L386")
    expect(seed, "九(二)", "公务用车购置", "count", 0, "L386", "辆")
    expect(seed, "九(二)", "公务用车运行维护", "amount", 0, "L388")
    expect(seed, "九(二)", "公务用车保有量", "count", 0, "L388", "辆")
    expect(seed, "九(二)", "外宾接待", "amount", 0, "L392")
    expect(seed, "九(二)", "国(境)外来访团组", "count", 0, "L392", "个")
    expect(seed, "九(二)", "来访外宾", "count", 0, "L392", "人次")
    expect(seed, "九(二)", "国内公务接待", "amount", 0, "L394", printed="0万元")
    expect(seed, "九(二)", "国内来访团组", "count", 0, "L394", "个")
    expect(seed, "九(二)", "国内来宾", "count", 0, "L394", "人次")


def test_seed_agency_procurement_assets(seed):
    expect(seed, "十", "机关运行经费", "amount", wan("1553.39"), "L398")
    expect(seed, "十", "机关运行经费", "change_amount", wan("261.59"), "L398")
    expect(seed, "十", "机关运行经费", "change_percent", "20.25", "L398", PCT)
    assert reason(seed, "十", "change_reason") == [("机关运行经费", "增加物业管理费支出", "L398")]

    expect(seed, "十一", "政府采购支出总额", "total", 0, "L402")
    for kind in ("货物", "工程", "服务"):
        expect(seed, "十一", f"政府采购{kind}", "amount", 0, "L402", parent="政府采购支出总额")
    expect(seed, "十一", "授予中小企业合同金额", "amount", 0, "L402")
    expect(seed, "十一", "授予中小企业合同金额", "share_percent", 0, "L402", PCT,
           base="政府采购支出总额")  # fmt: skip
    expect(seed, "十一", "授予小微企业合同金额", "amount", 0, "L402",
           parent="授予中小企业合同金额")  # fmt: skip
    expect(seed, "十一", "授予小微企业合同金额", "share_percent", 0, "L402", PCT)

    expect(seed, "十二", "车辆", "count", 0, "L406", "辆")
    vehicle_types = [f.subject for f in seed.facts if f.parent == "车辆"]
    assert vehicle_types == [
        "省级领导干部用车", "主要领导干部用车", "机要通信用车", "应急保障车", "执法执勤用车",
        "特种专业技术用车", "离退休干部用车", "其他用车",  # wrapped over L406/L408: 离 / 退休
    ]  # fmt: skip
    assert {f.value for f in seed.facts if f.parent == "车辆"} == {0}
    # After the ； on L408 (台(套) of equipment are no part of the 辆 of vehicles).
    expect(seed, "十二", "单位价值50万元以上通用设备", "count", 0, "L408", "台(套)", parent=None)
    expect(seed, "十二", "单位价值100万元以上设备", "count", 0, "L408", "台(套)")


def test_seed_performance_prose(seed):
    expect(seed, "十三(一)", "部门整体支出绩效自评", "amount", wan("2413.52"), "L414")
    expect(seed, "十三(一)", "财政拨款", "amount", wan("2413.52"), "L414",
           parent="部门整体支出绩效自评")  # fmt: skip
    expect(seed, "十三(一)", "部门整体支出绩效自评", "score", "99.70", "L414", "分")
    expect(seed, "十三(二)", "绩效自评等级为优的项目", "count", 1, "L420", "个")


def test_seed_has_no_unparsed_sentence(seed):
    assert seed.unparsed == ()


# -- the seed: 第五部分 附件 -----------------------------------------------------------------------


def test_seed_department_evaluation(seed):
    department = next(e for e in seed.evaluations if e.level == "department")
    assert department.name == "郑州高新技术产业开发区管委会政务服务中心"
    assert department.published_unit == "万元"
    assert (department.initial_budget, department.adjusted_budget, department.executed) == (
        wan("2763.51"),
        wan("2516.79"),
        wan("2413.52"),
    )
    assert (department.weight, department.execution_rate, department.score) == (
        Decimal(10),
        Decimal("95.9"),
        Decimal(10),
    )
    assert (department.total_weight, department.total_score) == (Decimal(100), Decimal("99.7"))
    assert [(f.source, f.initial_budget, f.adjusted_budget, f.executed, f.execution_rate,
             f.weight, f.score, f.ref) for f in department.funding] == [
        ("部门预算总额", wan("2763.51"), wan("2516.79"), wan("2413.52"), Decimal("95.9"),
         Decimal(10), Decimal(10), "L476"),
        ("财政拨款", wan("2763.51"), wan("2516.79"), wan("2413.52"), Decimal("95.9"), None, None,
         "L477"),
        ("财政专户管理资金", 0, 0, 0, Decimal("0.00"), None, None, "L478"),
        ("单位资金", 0, 0, 0, Decimal("0.00"), None, None, "L479"),
    ]  # fmt: skip
    assert department.goal_outcome == "已完成" and len(department.tasks) == 8


def test_seed_department_indicators(seed):
    rows = [i for i in seed.indicators if i.level == "department"]
    assert len(rows) == 23
    # The printed rows weigh 90 and score 89.7 while 总分 prints 100 / 99.7: kept as printed,
    # for the checks to report.
    assert sum(i.weight for i in rows) == 90 and sum(i.score for i in rows) == Decimal("89.7")
    complete = next(i for i in rows if i.level3 == "预算编制完整性")
    assert (complete.level1, complete.level2, complete.target, complete.actual) == (
        "投入管理指标",
        "预算和财务管理",
        "完整",
        "95%",
    )
    assert (complete.weight, complete.score, complete.deviation) == (
        Decimal(2),
        Decimal("1.9"),
        Decimal("-5.00"),  # printed "-5.0 0"
    )
    assert complete.remedy.startswith("加强政策学习") and complete.ref == "L499"
    # A name wrapped onto a row of its own (L505), and rows with their leading blank dropped.
    control = next(i for i in rows if i.ref == "L503")
    assert control.level3 == "“三公经费”控制率"
    shifted = next(i for i in rows if i.ref == "L512")
    assert (shifted.level1, shifted.level2, shifted.level3, shifted.deviation) == (
        "投入管理指标",
        "绩效管理",
        "绩效目标编制完成率",
        Decimal("-10.00"),
    )
    last = rows[-1]
    assert (last.level1, last.level2, last.target, last.actual, last.weight, last.score) == (
        "效益指标",
        "群众满意度",
        "≥90%",
        "95%",
        Decimal(15),
        Decimal(15),
    )


def test_seed_project_evaluation(seed):
    project = next(e for e in seed.evaluations if e.level == "project")
    assert (project.name, project.competent_department, project.implementing_unit) == (
        "政务服务能力提升", "郑州高新技术产业开发区管委会政务服务中心",
        "郑州高新技术产业开发区管委会政务服务中心",
    )  # fmt: skip
    assert (project.initial_budget, project.adjusted_budget, project.executed) == (
        wan("481.38"),
        wan("632.21"),
        wan("250.83"),
    )
    assert (project.weight, project.execution_rate, project.score) == (
        Decimal(10),
        Decimal("39.68"),
        Decimal("3.97"),
    )
    assert (project.total_weight, project.total_score) == (Decimal(100), Decimal("91.47"))
    assert [f.source for f in project.funding] == [
        "年度资金总额",
        "财政拨款",
        "财政专户管理资金",
        "单位资金",
    ]
    rows = [i for i in seed.indicators if i.evaluation == "政务服务能力提升"]
    fund = [(i.level3, i.actual, i.weight, i.score) for i in rows if i.block == "fund_management"]
    assert fund == [
        ("安排科学性", "科学", 5, 5), ("拨付合规性", "合规", 5, 5), ("使用规范性", "规范", 5, 5),
        ("预算绩效管理情况", "建立健全相关制度，规范预算绩效管理工作行为", 5, 5),
    ]  # fmt: skip
    indicators = [
        (i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score, i.deviation, i.remedy)
        for i in rows
        if i.block == "indicator"
    ]
    assert indicators == [
        ("成本指标", "经济成本指标", "资金标准", "=4824700元", "2508300元", 10, 10, 0, None),
        ("产出指标", "数量指标", "项目内容", "=8项", "8项", 10, 10, 0, None),
        ("产出指标", "质量指标", "办事效率", "≥100%", "95%", 10, Decimal("9.5"), -5,
         "提高办事效率"),
        ("产出指标", "时效指标", "办事速度", "≥100%", "95%", 10, Decimal("9.5"), -5,
         "提高办事速度"),
        ("效益指标", "社会效益指标", "办事群众感受", "群众满意度", "95%", 30, Decimal("28.5"), -5,
         "进一步提升群众满意度"),
    ]  # fmt: skip


# -- the real Putuo PDF (prose wrapped mid-sentence; 其他重要事项; no annex) ---------------------


def test_putuo_totals_income_expenditure(putuo):
    expect(putuo, "一", "收入支出总计", "total", wan("2995.39"), "p21 l5")
    expect(putuo, "一", "收入支出总计", "change_amount", wan("-56.95"), "p21 l5")
    expect(putuo, "一", "收入支出总计", "change_percent", "-1.87", "p21 l5", PCT)
    assert reason(putuo, "一", "change_reason") == [
        ("收入支出总计",
         "基本支出中人员进出及退休变化，以及项目支出中合同支付进度条款等原因减少支付", "p21 l6")
    ]  # fmt: skip
    expect(putuo, "二", "收入合计", "total", wan("2946.25"), "p21 l9")
    expect(putuo, "二", "财政拨款收入", "amount", wan("2940.05"), "p21 l9")
    expect(putuo, "二", "财政拨款收入", "share_percent", "99.79", "p21 l9", PCT)
    expect(putuo, "二", "其他收入", "amount", wan("6.2"), "p21 l9", parent="收入合计")
    expect(putuo, "二", "其他收入", "share_percent", "0.21", "p21 l9", PCT)
    expect(putuo, "三", "支出合计", "total", wan("2940.05"), "p21 l12")
    expect(putuo, "三", "基本支出", "amount", wan("2336.91"), "p21 l12")
    expect(putuo, "三", "基本支出", "share_percent", "79.49", "p21 l12", PCT)
    expect(putuo, "三", "项目支出", "amount", wan("603.14"), "p21 l12")
    expect(putuo, "三", "项目支出", "share_percent", "20.51", "p21 l12", PCT)
    # 四 prints 0.3 万元 (the tables say otherwise: that is for checks to find) and 持平.
    expect(putuo, "四", "财政拨款收入支出总计", "total", wan("0.3"), "p21 l15")
    expect(putuo, "四", "财政拨款收入支出总计", "change_amount", 0, "p21 l15", pattern="flat")
    expect(putuo, "四", "财政拨款收入支出总计", "change_percent", 0, "p21 l15", PCT)


def test_putuo_general_public_budget(putuo):
    subject = "一般公共预算财政拨款支出"
    expect(putuo, "五(一)", subject, "amount", wan("2940.05"), "p21 l21")
    expect(putuo, "五(一)", subject, "share_percent", "100.00", "p21 l21", PCT, base="支出合计")
    expect(putuo, "五(一)", subject, "change_amount", wan("-63.14"), "p21 l21")
    expect(putuo, "五(一)", subject, "change_percent", "-2.10", "p21 l21", PCT)
    structure = {
        f.class_name: (f.value, f.ref)
        for f in putuo.facts
        if f.section == "五(二)" and f.measure == "amount" and f.class_name
    }
    assert structure == {
        "一般公共服务支出": (wan("2106.66"), "p21 l25"),
        "社会保障和就业支出": (wan("326.72"), "p21 l26"),
        "卫生健康支出": (wan("60.99"), "p21 l27"),
        "住房保障支出": (wan("445.69"), "p21 l27"),
    }
    shares = [
        f.value
        for f in putuo.facts
        if f.section == "五(二)" and f.class_name and f.measure == "share_percent"
    ]
    assert shares == [Decimal("71.73"), Decimal("11.11"), Decimal("2.07"), Decimal("15.16")]
    expect(putuo, "五(三)", subject, "initial_budget", wan("2993.92"), "p21 l30")
    expect(putuo, "五(三)", subject, "final", wan("2940.05"), "p21 l30")
    expect(putuo, "五(三)", subject, "completion_rate", "98.20", "p21 l30", PCT)
    assert reason(putuo, "五(三)", "variance_reason")[0] == (
        subject,
        "因年度工作计划安排，个别信息化项目和中介机构服务调减",
        "p21 l31",
    )


def test_putuo_items(putuo):
    items = [
        (i.number, i.class_name, i.subclass_name, i.item_name, i.initial_budget, i.final, i.ref)
        for i in putuo.item_executions
    ]
    assert items == [
        ("1", "一般公共服务支出", "财政事务", "行政运行", wan("1560.05"), wan("1511.89"), "p22 l1"),
        ("2", "一般公共服务支出", "财政事务", "一般行政管理事务", wan("10.00"), wan("10.00"),
         "p22 l4"),
        ("3", "一般公共服务支出", "财政事务", "信息化建设", wan("135.90"), wan("135.25"), "p22 l7"),
        ("4", "一般公共服务支出", "财政事务", "财政委托业务支出", wan("450.52"), wan("449.52"),
         "p22 l10"),
        ("5", "社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休", wan("85.55"),
         wan("84.65"), "p22 l14"),
        ("6", "社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出",
         wan("161.62"), wan("160.75"), "p22 l17"),
        ("7", "社会保障和就业支出", "行政事业单位养老支出", "机关事业单位职业年金缴费支出",
         wan("80.81"), wan("80.38"), "p22 l21"),
        ("8", "社会保障和就业支出", "行政事业单位养老支出", "其他行政事业单位养老支出",
         wan("0.94"), wan("0.94"), "p22 l25"),
        ("9", "卫生健康支出", "行政事业单位医疗", "行政单位医疗", wan("62.29"), wan("60.99"),
         "p22 l28"),
        ("10", "住房保障支出", "住房改革支出", "住房公积金", wan("187.75"), wan("187.19"),
         "p22 l31"),
        ("11", "住房保障支出", "住房改革支出", "购房补贴", wan("258.50"), wan("258.50"), "p22 l34"),
    ]  # fmt: skip
    first = putuo.item_executions[0]
    assert first.completion_rate is None  # not printed: never computed here
    assert first.purpose == "局本部人员经费及公用经费等的基本支出"
    assert first.reason == "人员进出及退休变化，减少人员经费开支"
    assert putuo.item_executions[1].reason is None  # 决算数与预算数基本持平: no reason given


def test_putuo_basic_expenditure_and_three_public(putuo):
    expect(putuo, "六", "一般公共预算财政拨款基本支出", "amount", wan("2336.91"), "p23 l2")
    expect(putuo, "六", "人员经费", "amount", wan("2152.26"), "p23 l2")
    expect(putuo, "六", "公用经费", "amount", wan("184.65"), "p23 l5")
    lists = {c.subject: c.items for c in putuo.compositions}
    assert len(lists["人员经费"]) == 10 and lists["人员经费"][-1] == "个人农业生产补贴"
    assert len(lists["公用经费"]) == 13 and lists["公用经费"][-1] == "办公设备购置"

    expect(putuo, "七(一)", "三公经费", "initial_budget", wan("0.95"), "p23 l10")
    expect(putuo, "七(一)", "三公经费", "final", 0, "p23 l10")
    expect(putuo, "七(一)", "三公经费", "completion_rate", 0, "p23 l10", PCT)
    for category, ref in (
        ("因公出国(境)费", "p23 l10"), ("公务用车购置及运行维护费", "p23 l11"),
        ("公务接待费", "p23 l12"),
    ):  # fmt: skip
        expect(putuo, "七(一)", category, "final", 0, ref, parent="三公经费")
        flat = fact(putuo, category, "change_amount")  # 因公出国（境）费支出决算持平 …
        assert (flat.value, flat.pattern, flat.parent) == (0, "flat", "三公经费")
    expect(putuo, "七(一)", "三公经费", "change_amount", 0, "p23 l15", pattern="flat")
    assert reason(putuo, "七(一)", "variance_reason") == [
        ("三公经费", "当年度无“三公”经费支出", "p23 l13")
    ]
    expect(putuo, "七(二)", "三公经费", "amount", 0, "p23 l19", pattern="absent")


def test_putuo_performance(putuo):
    expect(putuo, "十", "编报绩效目标的项目", "count", 4, "p23 l26", "个")
    expect(putuo, "十", "编报绩效目标的项目", "amount", wan("598.42"), "p23 l26")
    expect(putuo, "十", "绩效跟踪评价的项目", "count", 4, "p23 l28", "个")
    expect(putuo, "十", "绩效自评的项目", "count", 4, "p23 l28", "个")
    expect(putuo, "十", "绩效自评的项目", "amount", wan("598.42"), "p23 l28")
    expect(putuo, "十", "绩效自评的项目", "average_score", "99.43", "p23 l28", "分")
    grades = {f.subject: (f.value, f.parent) for f in putuo.facts if "等级为" in f.subject}
    assert grades == {
        "绩效自评等级为优的项目": (4, "绩效自评的项目"),
        "绩效自评等级为良的项目": (0, "绩效自评的项目"),
        "绩效自评等级为合格的项目": (0, "绩效自评的项目"),
        "绩效自评等级为不合格的项目": (0, "绩效自评的项目"),
    }
    expect(putuo, "十", "绩效自评发现问题", "count", 0, "p23 l31", "个")
    assert putuo.evaluations == () and putuo.indicators == ()  # no 第五部分 附件


def test_putuo_other_matters(putuo):
    expect(putuo, "十一(一)", "机关运行经费", "amount", wan("184.65"), "p24 l1",
           topic="agency_operating")  # fmt: skip
    expect(putuo, "十一(一)", "机关运行经费", "change_amount", wan("2.55"), "p24 l1")
    expect(putuo, "十一(一)", "机关运行经费", "change_percent", "1.40", "p24 l1", PCT)
    assert reason(putuo, "十一(一)", "change_reason")[0][1].startswith("优化办公环境")

    expect(putuo, "十一(二)", "政府采购支出总额", "total", wan("251.25"), "p24 l4",
           topic="procurement")  # fmt: skip
    expect(putuo, "十一(二)", "政府采购货物", "amount", wan("4.79"), "p24 l4")
    expect(putuo, "十一(二)", "政府采购工程", "amount", 0, "p24 l4")
    expect(putuo, "十一(二)", "政府采购服务", "amount", wan("246.47"), "p24 l4")
    expect(putuo, "十一(二)", "面向中小企业预留项目预算金额", "amount", wan("246.47"), "p24 l6")
    expect(putuo, "十一(二)", "面向小微企业预留项目预算金额", "amount", 0, "p24 l6")
    expect(putuo, "十一(二)", "面向中小企业预留项目中小企业中标成交金额", "amount",
           wan("246.47"), "p24 l7")  # fmt: skip
    expect(putuo, "十一(二)", "面向小微企业预留项目小微企业中标成交金额", "amount", 0, "p24 l8")
    expect(putuo, "十一(二)", "其他政府采购项目中小企业中标成交金额", "amount", wan("4.79"),
           "p24 l9")  # fmt: skip

    expect(putuo, "十一(三)", "车辆", "count", 0, "p24 l12", "辆", topic="assets")
    assert len([f for f in putuo.facts if f.parent == "车辆"]) == 8
    expect(putuo, "十一(三)", "单位价值100万元以上设备", "count", 2, "p24 l14", "台(套)")


def test_putuo_every_numbered_sentence_understood(putuo):
    assert putuo.unparsed == ()
    assert {f.topic for f in putuo.facts} >= {
        "overall", "income", "expenditure", "appropriation_overall", "general_public_budget",
        "basic_expenditure", "three_public", "government_fund", "state_capital", "performance",
        "agency_operating", "procurement", "assets",
    }  # fmt: skip


# -- wording variations (synthetic sentences, not from a real disclosure) --------------------------

SYNTHETIC = """\
第三部分 2024年度部门决算情况说明
一、收入支出决算总体情况说明
某单位2024年度收入支出总计 1,234.56 万元。与上年度相比，收入支出总计增加 10.00 万元，增长 0.82。主要原因是人员增加。
二、收入决算情况说明
本年收入合计 12345600.00 元，其中：财政拨款收入 １２３４５６００．００ 元，占 １００．００％。
四、财政拨款收入支出决算总体情况说明
2024年度财政拨款收入支出总计 500.00 万元。与上年度相比，财政拨款收入支出总计持平。
五、一般公共预算财政拨款支出决算情况说明
（三）具体情况
1、教育支出（类）普通教育（款）初中教育（项）。年初预算为 120.00 万元，支出决算为
130.00 万元，完成年初预算的 108.33%。决算数大于预算数的主要原因是学生人数增加。
2、教育支出（类）普通教育（款）高中教育（项）。年初预算为 80.00 万元，支出决算为 60.00 万元，完成年初预算的 75。决算数与年初预算数存在差异的主要原因是项目延期。
十、机关运行经费支出情况说明
机关运行经费支出 50 万元，比上年减少 5 万元，减少 9.09。主要原因是厉行节约。
十一、其他重要事项说明
本单位编制人数 12，实有人数 10。
第四部分 名词解释
"""  # noqa: E501  (synthetic prose lines are one sentence each, as printed)


@pytest.fixture(scope="module")
def synthetic() -> NarrativeResult:
    rows = [Row((line,), f"L{n}") for n, line in enumerate(SYNTHETIC.splitlines(), start=1)]
    return extract_narrative(rows)


def test_synthetic_wording_variations(synthetic):
    # "收入支出总计 X 万元" with a thousands separator; the department's name is not a subject.
    expect(synthetic, "一", "收入支出总计", "total", wan("1234.56"), "L3")
    # 增长 0.82 without %: a percentage, its unit marked as inferred.
    expect(synthetic, "一", "收入支出总计", "change_percent", "0.82", "L3", PCT, unit_printed=False)
    # 元 instead of 万元, and full-width digits.
    expect(synthetic, "二", "收入合计", "total", "12345600.00", "L5", printed="12345600.00元")
    expect(synthetic, "二", "财政拨款收入", "amount", "12345600.00", "L5")
    expect(synthetic, "二", "财政拨款收入", "share_percent", "100.00", "L5", PCT)
    # 持平
    expect(synthetic, "四", "财政拨款收入支出总计", "change_amount", 0, "L7", pattern="flat")
    expect(synthetic, "四", "财政拨款收入支出总计", "change_percent", 0, "L7", PCT)
    # 减少 5 万元，减少 9.09: the second is the percentage.
    expect(synthetic, "十", "机关运行经费", "change_amount", wan("-5"), "L14")
    expect(synthetic, "十", "机关运行经费", "change_percent", "-9.09", "L14", PCT)


def test_synthetic_variance_reasons_and_items(synthetic):
    assert [(r.kind, r.text, r.ref) for r in synthetic.reasons if r.section == "五(三)"] == [
        ("variance_reason", "学生人数增加", "L11"),  # 决算数大于预算数的主要原因
        ("variance_reason", "项目延期", "L12"),  # 存在差异的主要原因
    ]
    assert [
        (i.item_name, i.initial_budget, i.final, i.completion_rate, i.reason)
        for i in synthetic.item_executions
    ] == [
        ("初中教育", wan("120"), wan("130"), Decimal("108.33"), "学生人数增加"),
        ("高中教育", wan("80"), wan("60"), Decimal("75"), "项目延期"),  # 75 without %
    ]


def test_synthetic_unparsed_sentence_is_kept(synthetic):
    assert [(u.section, u.ref, u.reason, u.sentence) for u in synthetic.unparsed] == [
        ("十一", "L16", "no pattern matched", "本单位编制人数 12，实有人数 10。")
    ]
