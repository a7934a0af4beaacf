"""What the narrative parts of a disclosure become: typed records, each with where it was printed.

Every record keeps the printed sentence (or table row) and its source ref, so that a reader of the
data can always go back to the words the number came from. Money is in 元 (exact Decimal, converted
from 万元 × 10000); percentages, scores and counts are kept as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Fact:
    """One number stated in the 情况说明 prose, typed.

    `subject` is what the number is about, in canonical form where subjects.csv knows the wording
    (收、支总计 → 收入支出总计), otherwise the printed noun phrase in `printed_name` form (NFKC,
    no spaces). `measure` is one of MEASURES. `unit` is 元 for money (whatever was printed), % for
    percentages, 分 for scores, or the counting unit (辆, 个, 人次, 台(套), 项 …).
    """

    topic: str
    section: str  # the heading numbers the sentence stands under: "五(三)", "十一(二)", "一"
    subject: str
    measure: str
    value: Decimal
    unit: str
    printed: str  # the number as printed, with its unit when one was printed ("577.4万元")
    unit_printed: bool  # False when the unit was inferred (a missing % or 万元)
    sentence: str
    ref: str
    pattern: str  # id of the cue or phrase (cues.csv / phrases.csv) that gave the meaning
    parent: str | None = None  # the whole this is part of ("其中"), same unit kind
    base: str | None = None  # what a share is a share of ("支出合计"), when printed
    class_name: str | None = None  # 类 of an expenditure item path
    subclass_name: str | None = None  # 款
    item_name: str | None = None  # 项


@dataclass(frozen=True, slots=True)
class Reason:
    """An explanation printed for a change over last year or for final versus budget."""

    topic: str
    section: str
    subject: str | None
    kind: str  # change_reason | variance_reason
    text: str  # as printed, without the "主要原因是" lead and the final 。
    sentence: str
    ref: str


@dataclass(frozen=True, slots=True)
class Composition:
    """A "主要包括：a、b、c" list: what an amount (人员经费, 公用经费) consists of."""

    topic: str
    section: str
    subject: str
    items: tuple[str, ...]  # in printed_name form, in printed order
    sentence: str
    ref: str


@dataclass(frozen=True, slots=True)
class ItemExecution:
    """A numbered item of a budget-versus-final explanation (五（三）具体情况, also 三公 items).

    Only what the prose states: a completion rate is never computed here (checks do that).
    """

    topic: str
    section: str
    number: str  # the printed item number ("1")
    subject: str
    class_name: str | None
    subclass_name: str | None
    item_name: str | None
    initial_budget: Decimal | None  # 元
    adjusted_budget: Decimal | None
    budget: Decimal | None  # "预算为…" without saying initial or adjusted
    final: Decimal | None
    completion_rate: Decimal | None  # % as printed
    purpose: str | None  # "主要用于：…"
    reason: str | None  # the variance reason, as printed
    ref: str


@dataclass(frozen=True, slots=True)
class Funding:
    """A funding row of a self-evaluation table header (部门预算总额 / 财政拨款 / 单位资金 …)."""

    source: str
    initial_budget: Decimal | None  # 元
    adjusted_budget: Decimal | None
    executed: Decimal | None
    execution_rate: Decimal | None  # %
    weight: Decimal | None  # None where the table prints "-"
    score: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class Task:
    """A row of 年度主要任务 in a department self-evaluation table."""

    name: str
    content: str
    outcome: str
    ref: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The header of one performance self-evaluation table (第五部分 附件)."""

    level: str  # department | project
    title: str
    name: str | None  # 部门(单位)名称 or 项目名称
    competent_department: str | None  # 主管部门
    implementing_unit: str | None  # 实施单位
    published_unit: str  # the unit the table prints its amounts in (万元 as a rule)
    initial_budget: Decimal | None  # 元, of the total row (部门预算总额 / 年度资金总额)
    adjusted_budget: Decimal | None
    executed: Decimal | None
    weight: Decimal | None
    execution_rate: Decimal | None
    score: Decimal | None
    total_weight: Decimal | None  # 总分 row
    total_score: Decimal | None
    funding: tuple[Funding, ...]  # the total row first, then the sources
    goal: str | None  # 预期目标 of 年度履职目标 / 年度总体目标
    goal_outcome: str | None
    tasks: tuple[Task, ...]
    ref: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scored row of a self-evaluation table: a performance indicator or a 资金管理情况 row."""

    evaluation: str  # the Evaluation's name (or title when unnamed)
    level: str  # department | project
    block: str  # indicator | fund_management
    level1: str | None  # 一级指标 (merged cells carried down)
    level2: str | None
    level3: str | None
    target: str | None  # 年度指标值, as printed ("≥90%", "=4824700元")
    actual: str | None  # 实际完成值, as printed
    weight: Decimal | None
    score: Decimal | None
    deviation: Decimal | None  # 偏差度 ("-5.0 0" → -5.00)
    remedy: str | None  # 偏差原因分析及改进措施 / 存在问题和改进措施
    ref: str


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A sentence or row holding numbers that no pattern understood: kept, never dropped."""

    topic: str
    section: str
    sentence: str
    ref: str
    reason: str
    text: str  # the clause or cell text that failed


@dataclass(frozen=True, slots=True)
class Heading:
    """A numbered heading of 第三部分: 一、… or （一）…, with its canonical topic."""

    section: str  # "五" or "五(三)"
    title: str
    topic: str
    ref: str


@dataclass(frozen=True)
class NarrativeResult:
    headings: tuple[Heading, ...]
    facts: tuple[Fact, ...]
    reasons: tuple[Reason, ...]
    compositions: tuple[Composition, ...]
    item_executions: tuple[ItemExecution, ...]
    evaluations: tuple[Evaluation, ...]
    indicators: tuple[Indicator, ...]
    unparsed: tuple[Unparsed, ...]
