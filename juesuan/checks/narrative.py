"""Cross-checks of the prose against the tables and against itself.

Every number the explanatory sections restate is a check on the tables: a restated amount is
compared with the table's amount (juesuan/data/narrative_restates.csv says which); every stated
percentage — a share, a change over last year, a completion rate — is recomputed from the
amounts it relates; sums the prose states or implies are added up (the items' initial budgets
against the stated total, procurement by kind against its total, 人员经费 + 公用经费 against
basic expenditure).

Amounts printed to 0.01 万元 carry ±50 元 of rounding each; a percentage printed to two decimals
carries ±0.005 points, plus what the rounding of the amounts it divides does to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from importlib import resources

from juesuan.catalogue import function_class_codes
from juesuan.checks.identities import Check, CheckResult, Key
from juesuan.narrative.records import Fact, ItemExecution, NarrativeResult
from juesuan.records import LineItem
from juesuan.textnorm import label_key

HALF_UNIT = Decimal(50)  # half of 0.01 万元, in 元
HALF_POINT = Decimal("0.005")  # half of the last printed digit of a percentage
HUNDRED = Decimal(100)

CHECKS: tuple[Check, ...] = tuple(
    Check(check_id, description, severity)
    for check_id, severity, description in [
        ("narrative.restates_table", "error",
         "A figure of the prose equals the table amount it restates"),
        ("narrative.share", "warning", "A stated share (占 …%) equals the amount over its whole"),
        ("narrative.change_percent", "warning",
         "A stated change (增长/下降 …%) equals the change over last year's amount"),
        ("narrative.completion_rate", "warning",
         "A stated completion rate equals final over budget"),
        ("narrative.item_final", "error",
         "An item's stated final amount equals its row of table 05"),
        ("narrative.items_initial_budget", "warning",
         "The items' initial budgets add up to the stated total initial budget"),
        ("narrative.parts_sum", "warning",
         "Parts stated with 其中 add up to their stated whole (procurement, 人员+公用经费 …)"),
    ]
)  # fmt: skip


@cache
def _restates() -> dict[tuple[str, str, str], tuple[str, str | None, list[str], str]]:
    with (
        resources.files("juesuan.data")
        .joinpath("narrative_restates.csv")
        .open(encoding="utf-8") as f
    ):
        return {
            (row["topic"], label_key(row["subject"]), row["measure"]): (
                row["table_no"],
                row["side"] or None,
                row["items"].split("+"),
                row["table_measure"],
            )
            for row in csv.DictReader(f)
        }


def _result(check_id, row, measure, unit, expected, actual, tolerance, parts, ref, table_no=None):
    return CheckResult(
        check_id=check_id,
        table_no=table_no,
        row=row,
        measure=measure,
        total_key=None,
        expected=expected,
        actual=actual,
        parts=parts,
        tolerance=tolerance,
        unit=unit,
        source_ref=ref,
    )


def _percent_tolerance(numerator: Decimal, denominator: Decimal, parts: int = 2) -> Decimal:
    """±0.005 points for the printed percentage, plus the effect of ±50 元 on each amount."""
    if denominator == 0:
        return HALF_POINT
    a, b = abs(numerator), abs(denominator)
    return HALF_POINT + HUNDRED * HALF_UNIT * (1 / b + a / (b * b)) * parts / 2


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else numerator / denominator * HUNDRED


def restated_amounts(facts: Iterable[Fact], items: dict) -> Iterator[CheckResult]:
    for fact in facts:
        if fact.unit != "元":
            continue
        target = _restates().get((fact.topic, label_key(fact.subject), fact.measure))
        if target is None:
            target = _class_or_item(fact, items)
        if target is None:
            continue
        table, side, keys, measure = target
        found = [
            items.get((table, side, k, None, measure)) or items.get((table, side, None, k, measure))
            for k in keys
        ]
        found = [f for f in found if f is not None]
        if not found:
            continue
        yield _result(
            "narrative.restates_table",
            fact.subject,
            fact.measure,
            "元",
            sum(f.amount_yuan for f in found),
            fact.value,
            2 * HALF_UNIT * len(found),
            len(found),
            fact.ref,
            table,
        )


def _class_or_item(fact: Fact, items: dict):
    """A structure statement of 五（二）: a 类 (一般公共服务支出（类）) or a 项 (行政运行支出) of
    the general public budget, restated from table 05."""
    if fact.topic != "general_public_budget" or fact.measure != "amount" or not fact.parent:
        return None
    name = label_key(fact.subject).removesuffix("(类)")
    code = function_class_codes().get(name)
    if code:
        return ("05", None, [code], "total")
    names = {
        label_key(li.name): li.code for li in items.values() if li.table_no == "05" and li.code
    }
    for candidate in (name, name.removesuffix("支出")):
        if candidate in names:
            return ("05", None, [names[candidate]], "total")
    return None


def _by_subject(facts: list[Fact]) -> dict[tuple[str, str], list[Fact]]:
    found: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        found.setdefault((label_key(fact.subject), fact.measure), []).append(fact)
    return found


def _amount_of(subject: str, facts_by: dict, near: Fact) -> Fact | None:
    """The stated amount of a subject, the one nearest the fact that needs it (same section)."""
    candidates = [
        f
        for m in ("total", "amount", "final")
        for f in facts_by.get((label_key(subject), m), [])
        if f.unit == "元"
    ]
    same = [f for f in candidates if f.section == near.section]
    return (same or candidates or [None])[0]


def percentages(facts: list[Fact]) -> Iterator[CheckResult]:
    by = _by_subject(facts)
    for fact in facts:
        if fact.unit != "%":
            continue
        if fact.measure == "share_percent":
            whole_name = fact.base or fact.parent
            part = _amount_of(fact.subject, by, fact)
            whole = _amount_of(whole_name, by, fact) if whole_name else None
            if part and whole and (expected := _percent(part.value, whole.value)) is not None:
                yield _result(
                    "narrative.share",
                    fact.subject,
                    fact.measure,
                    "%",
                    expected,
                    fact.value,
                    _percent_tolerance(part.value, whole.value),
                    2,
                    fact.ref,
                )
        elif fact.measure == "change_percent":
            subject = label_key(fact.subject)
            changes = by.get((subject, "change_amount"), [])
            change = next((f for f in changes if f.section == fact.section), None)
            now = _amount_of(fact.subject, by, fact)
            if change and now:
                before = now.value - change.value
                expected = _percent(change.value, before)
                if expected is not None:
                    tolerance = _percent_tolerance(change.value, before)
                    yield _result("narrative.change_percent", fact.subject, fact.measure, "%",
                                  expected, fact.value, tolerance, 2, fact.ref)  # fmt: skip
        elif fact.measure == "completion_rate":
            subject = label_key(fact.subject)
            same = [f for m in ("final",) for f in by.get((subject, m), []) if f.ref == fact.ref]
            final = next(iter(same), None)
            budgets = [
                f
                for m in ("initial_budget", "budget", "adjusted_budget")
                for f in by.get((subject, m), [])
                if f.ref == fact.ref
            ]
            budget = next(iter(budgets), None)
            if final and budget and (expected := _percent(final.value, budget.value)) is not None:
                tolerance = _percent_tolerance(final.value, budget.value)
                yield _result("narrative.completion_rate", fact.subject, fact.measure, "%",
                              expected, fact.value, tolerance, 2, fact.ref)  # fmt: skip


def items(
    executions: Iterable[ItemExecution], facts: list[Fact], table: dict
) -> Iterator[CheckResult]:
    executions = [e for e in executions if e.topic == "general_public_budget"]
    names = {}
    for li in table.values():
        if li.table_no == "05" and li.code and li.measure == "total":
            names.setdefault(label_key(li.name), []).append(li)
    for e in executions:
        rows = names.get(label_key(e.item_name or ""), [])
        if len(rows) == 1 and e.final is not None:
            yield _result(
                "narrative.item_final",
                e.subject,
                "final",
                "元",
                rows[0].amount_yuan,
                e.final,
                2 * HALF_UNIT,
                1,
                e.ref,
                "05",
            )
    budgets = [e.initial_budget for e in executions if e.initial_budget is not None]
    total = next(
        (
            f
            for f in facts
            if f.topic == "general_public_budget"
            and f.measure == "initial_budget"
            and f.item_name is None
            and f.class_name is None
        ),
        None,
    )
    if total and len(budgets) >= 2:
        yield _result(
            "narrative.items_initial_budget",
            total.subject,
            "initial_budget",
            "元",
            sum(budgets, Decimal(0)),
            total.value,
            HALF_UNIT * (len(budgets) + 1),
            len(budgets),
            total.ref,
        )


def parts_sums(facts: list[Fact]) -> Iterator[CheckResult]:
    """Parts stated under a whole in the same section (其中 …): 政府采购 goods + works + services
    = total; 人员经费 + 公用经费 = 基本支出. Shares and counts are not summed (only money)."""
    wholes = {}
    for fact in facts:
        if fact.unit == "元" and fact.measure in ("total", "amount"):
            wholes.setdefault((fact.section, label_key(fact.subject)), fact)
    groups: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.parent and fact.unit == "元" and fact.measure == "amount":
            groups.setdefault((fact.section, label_key(fact.parent)), []).append(fact)
    for key, parts in groups.items():
        whole = wholes.get(key)
        # Only a complete breakdown adds up: at least two parts, none a sub-part of another.
        if whole is None or len(parts) < 2 or any(p.parent != parts[0].parent for p in parts):
            continue
        names = {label_key(p.subject) for p in parts}
        if any(label_key(p.parent or "") in names for p in parts):
            continue
        yield _result(
            "narrative.parts_sum",
            whole.subject,
            whole.measure,
            "元",
            sum((p.value for p in parts), Decimal(0)),
            whole.value,
            HALF_UNIT * (len(parts) + 1),
            len(parts),
            whole.ref,
        )


def run_narrative_checks(
    narrative: NarrativeResult,
    line_items: Iterable[LineItem],
    table: dict[Key, LineItem] | None = None,
) -> list[CheckResult]:
    """`table`: the line items by key, when the caller has them already (`Amounts.by_key`)."""
    if table is None:
        table = {(li.table_no, li.side, li.code, li.item, li.measure): li for li in line_items}
    facts = list(narrative.facts)
    results: list[CheckResult] = []
    results.extend(restated_amounts(facts, table))
    results.extend(percentages(facts))
    results.extend(items(narrative.item_executions, facts, table))
    results.extend(parts_sums(facts))
    return results
