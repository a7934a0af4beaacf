"""The performance self-evaluation tables of 第五部分 附件 (部门整体 / 项目支出绩效自评表).

A table is a block of labelled sub-blocks: the name rows, the money header (年初预算数 …) with its
funding rows, goals, tasks, 资金管理情况, the indicator grid, and 总分. Blocks are recognised by
their first-cell labels and columns by their header cells, not by position: the grids arrive
with merged cells blank and, in plain text, with leading blanks dropped (rows shorter than their
header are aligned on the right, where the numbers are).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from juesuan.amounts import AmountError, parse_amount, to_yuan
from juesuan.narrative.records import Evaluation, Funding, Indicator, Task, Unparsed
from juesuan.narrative.sections import part_span
from juesuan.parse.lines import lines
from juesuan.readers import Row
from juesuan.textnorm import compact, label_key, strip_enumeration

_TITLE = re.compile(r"自评.*表$")
_DATE = re.compile(r"^\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?$")
_UNIT = re.compile(r"[(（](万元|元)[)）]")
_NAME_LABELS = ("部门(单位)名称", "部门名称", "单位名称", "项目名称")
_DASHES = {"-", "—", "——", "–", "/", "－"}
_MONEY_HEADERS = {
    "initial": ("年初预算",),
    "adjusted": ("全年预算", "调整后预算", "调整预算"),
    "executed": ("全年执行", "执行数"),
    "weight": ("分值",),
    "rate": ("执行率",),
    "score": ("得分",),
}
_INDICATOR_HEADERS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "target": ("年度指标值", "指标值", "目标值"),
    "actual": ("实际完成值", "实际值", "实际完成"),
    "weight": ("分值",),
    "score": ("得分",),
    "deviation": ("偏差度",),
    "remedy": ("偏差原因", "改进措施"),
}
_FUND_HEADERS = {"weight": ("分值",), "score": ("得分",), "remedy": ("存在问题", "改进措施")}


@dataclass(frozen=True)
class AnnexResult:
    evaluations: tuple[Evaluation, ...]
    indicators: tuple[Indicator, ...]
    unparsed: tuple[Unparsed, ...]


def _columns(cells: Sequence[str], headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each header key's column: the first cell starting with one of its words."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = label_key(cell)
        for name, words in headers.items():
            if name not in found and key and any(key.startswith(w) for w in words):
                found[name] = index
                break
    return found


def _number(cell: str | None) -> Decimal | None:
    """A score, weight, rate or deviation; None for a blank or a dash (not applicable)."""
    text = compact(cell or "").rstrip("%")
    if not text or text in _DASHES:
        return None
    return parse_amount(text)


def _money(cell: str | None, unit: str) -> Decimal | None:
    text = compact(cell or "")
    if not text:
        return None
    return to_yuan(parse_amount(text), unit)


@dataclass
class _Table:
    """One self-evaluation table being read."""

    title: str
    ref: str
    level: str = ""
    name: str | None = None
    competent: str | None = None
    implementing: str | None = None
    unit: str = "万元"
    block: str = ""
    money_columns: dict[str, int] = field(default_factory=dict)
    grid_columns: dict[str, int] = field(default_factory=dict)
    width: int = 0
    funding: list[Funding] = field(default_factory=list)
    goal: tuple[str, str] | None = None
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    total: tuple[Decimal | None, Decimal | None] = (None, None)
    carry: tuple[str | None, str | None] = (None, None)
    unparsed: list[Unparsed] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.money_columns or self.grid_columns)

    def cell(self, cells: Sequence[str], key: str) -> str | None:
        index = self.grid_columns.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    def aligned(self, row: Row) -> list[str]:
        cells = list(row.cells)
        if len(cells) < self.width:
            cells = [""] * (self.width - len(cells)) + cells
        return cells

    # -- rows -----------------------------------------------------------------------------------
    def read(self, row: Row) -> None:
        cells = [c.strip() for c in row.cells]
        keys = [label_key(c) for c in cells]
        filled = [c for c in cells if c]
        first = next((k for k in keys if k), "")
        if all(_DATE.match(compact(c)) for c in filled):
            return
        if any(k.startswith("年初预算") for k in keys) and "executed" in _columns(
            cells, _MONEY_HEADERS
        ):
            self.block, self.money_columns = "money", _columns(cells, _MONEY_HEADERS)
            unit = _UNIT.search(row.text)
            self.unit = unit.group(1) if unit else self.unit
        elif first.startswith(_NAME_LABELS):
            self.level = self.level or ("project" if first.startswith("项目") else "department")
            self.name = _after(cells, keys, first)
        elif "主管部门" in keys or "实施单位" in keys:
            self.competent = _after(cells, keys, "主管部门")
            self.implementing = _after(cells, keys, "实施单位")
        elif first.startswith(("年度履职目标", "年度总体目标", "总体目标")):
            self.block = "goal"
        elif first.startswith("年度主要任务") or "任务名称" in keys:
            self.block = "tasks"
        elif first == "资金管理情况":
            self.block, self.grid_columns = "fund", _columns(cells, _FUND_HEADERS)
            self.width = len(cells)
        elif "一级指标" in keys:
            self.block, self.grid_columns = "indicators", _columns(cells, _INDICATOR_HEADERS)
            self.width, self.carry = len(cells), (None, None)
        elif first == "绩效指标" and len(filled) == 1:
            self.block = ""
        elif first == "总分":
            self.read_total(row)
        elif self.block == "money":
            self.read_funding(row, cells)
        elif self.block == "goal" and filled:
            self.goal = (filled[0], filled[-1] if len(filled) > 1 else "")
        elif self.block == "tasks" and filled:
            content = filled[1] if len(filled) > 2 else ""
            self.tasks.append(Task(filled[0], content, filled[-1], row.ref))
        elif self.block == "fund" and filled:
            self.read_fund(row)
        elif self.block == "indicators" and filled:
            self.read_indicator(row)

    def read_funding(self, row: Row, cells: list[str]) -> None:
        columns = self.money_columns
        label_end = min(columns.values())
        label = next((c for c in cells[:label_end] if c), "")
        source = strip_enumeration(re.sub(r"^资金来源[:：]?", "", compact(label))).rstrip(":：")
        try:
            self.funding.append(
                Funding(
                    source=source,
                    initial_budget=_money(_at(cells, columns.get("initial")), self.unit),
                    adjusted_budget=_money(_at(cells, columns.get("adjusted")), self.unit),
                    executed=_money(_at(cells, columns.get("executed")), self.unit),
                    execution_rate=_number(_at(cells, columns.get("rate"))),
                    weight=_number(_at(cells, columns.get("weight"))),
                    score=_number(_at(cells, columns.get("score"))),
                    ref=row.ref,
                )
            )
        except AmountError as error:
            self.fail(row, f"funding row: {error}")

    def read_fund(self, row: Row) -> None:
        cells = self.aligned(row)
        end = self.grid_columns.get("weight", len(cells))
        words = [c.strip() for c in cells[1:end] if c.strip()]
        try:
            weight = _number(self.cell(cells, "weight"))
            score = _number(self.cell(cells, "score"))
        except AmountError as error:
            self.fail(row, f"资金管理情况 row: {error}")
            return
        self.indicators.append(
            Indicator(self.label, self.level, "fund_management", "资金管理情况", None,
                      words[0] if words else None, None, " ".join(words[1:]) or None,
                      weight, score, None, self.cell(cells, "remedy"), row.ref)
        )  # fmt: skip

    def read_indicator(self, row: Row) -> None:
        cells = self.aligned(row)
        names = [self.cell(cells, key) for key in ("level1", "level2", "level3")]
        values = [self.cell(cells, k) for k in ("target", "actual", "weight", "score", "deviation")]
        if not any(values):
            self.continue_names(names)
            return
        try:
            weight, score = _number(values[2]), _number(values[3])
            deviation = _number(values[4])
        except AmountError as error:
            self.fail(row, f"indicator row does not align with its header: {error}")
            return
        level1, level2 = self.carry
        if names[0]:
            level1, level2 = names[0], None
        level2 = names[1] or level2
        self.carry = (level1, level2)
        self.indicators.append(
            Indicator(self.label, self.level, "indicator", level1, level2, names[2],
                      values[0], values[1], weight, score, deviation,
                      self.cell(cells, "remedy"), row.ref)
        )  # fmt: skip

    def continue_names(self, names: list[str | None]) -> None:
        """A row with names only: the names of the row above, wrapped onto a second line."""
        if not self.indicators or self.indicators[-1].block != "indicator":
            return
        last = self.indicators[-1]
        joined = [
            (old or "") + new if new else old
            for old, new in zip((last.level1, last.level2, last.level3), names, strict=True)
        ]
        self.indicators[-1] = replace(last, level1=joined[0], level2=joined[1], level3=joined[2])
        self.carry = (joined[0], joined[1])

    def read_total(self, row: Row) -> None:
        cells = self.aligned(row)
        try:
            weight, score = _number(self.cell(cells, "weight")), _number(self.cell(cells, "score"))
            if weight is None and score is None:
                numbers = [_number(c) for c in cells[1:] if compact(c)]
                weight, score = [*numbers, None, None][:2]
        except AmountError as error:
            self.fail(row, f"总分 row: {error}")
            return
        self.total = (weight, score)

    def fail(self, row: Row, reason: str) -> None:
        self.unparsed.append(Unparsed("performance", "附件", row.text, row.ref, reason, row.text))

    # -- result ---------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return self.name or self.title

    def evaluation(self) -> Evaluation:
        total = next((f for f in self.funding if re.search(r"总额|合计|总计", f.source)), None)
        total = total or (self.funding[0] if self.funding else None)
        level = self.level or ("project" if "项目" in self.title else "department")
        return Evaluation(
            level=level,
            title=self.title,
            name=self.name,
            competent_department=self.competent,
            implementing_unit=self.implementing,
            published_unit=self.unit,
            initial_budget=total.initial_budget if total else None,
            adjusted_budget=total.adjusted_budget if total else None,
            executed=total.executed if total else None,
            weight=total.weight if total else None,
            execution_rate=total.execution_rate if total else None,
            score=total.score if total else None,
            total_weight=self.total[0],
            total_score=self.total[1],
            funding=tuple(self.funding),
            goal=self.goal[0] if self.goal else None,
            goal_outcome=self.goal[1] if self.goal else None,
            tasks=tuple(self.tasks),
            ref=self.ref,
        )


def _at(cells: Sequence[str], index: int | None) -> str | None:
    return cells[index] if index is not None and index < len(cells) else None


def _after(cells: Sequence[str], keys: Sequence[str], label: str) -> str | None:
    """The first filled cell after the cell labelled `label`."""
    if label not in keys:
        return None
    return next((c for c in cells[keys.index(label) + 1 :] if c.strip()), None)


def _is_title(row: Row) -> bool:
    text = compact(row.text)
    return len(row.filled) == 1 and len(text) <= 40 and bool(_TITLE.search(text))


def read_annex(rows: Sequence[Row]) -> AnnexResult:
    """Every self-evaluation table after 第五部分 (or anywhere, when there is no such part)."""
    span = part_span(rows, "五")
    text = lines(rows)
    keys, filled = text.keys, text.filled
    tables: list[_Table] = []
    current: _Table | None = None
    for index in span if span is not None else range(len(rows)):
        row = rows[index]
        key = keys[index]
        if len(filled[index]) == 1 and len(key) <= 40 and _TITLE.search(key):  # _is_title
            if current is not None and not current.has_content:
                current.title, current.ref = row.text.strip(), row.ref
                continue
            current = _Table(row.text.strip(), row.ref)
            tables.append(current)
        elif current is not None:
            current.read(row)
    read = [table for table in tables if table.has_content]
    return AnnexResult(
        evaluations=tuple(table.evaluation() for table in read),
        indicators=tuple(i for table in read for i in table.indicators),
        unparsed=tuple(u for table in read for u in table.unparsed),
    )
