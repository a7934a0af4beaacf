"""The accounting identities of a final-accounts disclosure (GUIDE.md, "Arithmetic …").

Each identity is a named check comparing a printed total with the sum of the printed amounts it
restates. Tables are rounded to the printed unit ("因四舍五入可能存在尾差"), so a sum of n printed
items may differ from its printed total by up to n × half a unit of the last printed digit; such a
difference is `rounding`, a larger one is an `error`. A check whose rows are not printed is not
evaluated (a missing table is reported by the table census, not here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import groupby
from operator import attrgetter, itemgetter

from juesuan.amounts import UNIT_FACTORS
from juesuan.records import LineItem
from juesuan.textnorm import MEMO_SIZE

HALF_CENT = Decimal("0.005")  # half of the last printed digit (two decimals)

Key = tuple[str, str | None, str | None, str | None, str]


@dataclass(frozen=True)
class Check:
    id: str
    description: str
    severity: str  # error | warning


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    table_no: str | None
    row: str  # code or item of the total checked
    measure: str
    total_key: Key | None  # the line item key of the printed total (None: a prose statement)
    expected: Decimal  # the sum of the parts, in yuan
    actual: Decimal  # the printed total, in yuan
    parts: int
    tolerance: Decimal
    unit: str = "元"
    source_ref: str | None = None  # where the checked value stands, when not a line item

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def status(self) -> str:
        if self.difference == 0:
            return "pass"
        return "rounding" if abs(self.difference) <= self.tolerance else "error"

    @property
    def holds(self) -> bool:
        return self.status != "error"


class _Codes(dict):
    """The codes printed per (table, side, measure): those of a table worked out when one of
    them is first asked for; none (an empty set) for what is not printed."""

    def __init__(self, tables: dict[str, list[Key]]) -> None:
        super().__init__()
        self.tables = tables
        self.done: set[str] = set()

    def __missing__(self, wanted: tuple[str, str | None, str]) -> set[str]:
        table = wanted[0]
        if table not in self.done:
            self.done.add(table)
            # grouped in one pass: sorting the keys by (measure, side) compares tuples, and
            # costs several times more
            by_group: dict[tuple[str | None, str], list[str]] = {}
            for _table, side, code, _item, measure in filter(_CODE, self.tables.get(table, ())):
                if (codes := by_group.get((side, measure))) is None:
                    by_group[(side, measure)] = [code]
                else:
                    codes.append(code)
            for (side, measure), codes in by_group.items():
                self[(table, side, measure)] = set(codes)
            if wanted in self:
                return self[wanted]
        codes = self[wanted] = set()
        return codes


_CODE = itemgetter(2)
_CODE_ITEM = itemgetter(2, 3)


class Amounts:
    """The printed amounts of one document, by canonical key, with their units.

    Grouped by table, so that each check looks up what it needs instead of scanning every
    amount: a document prints some five hundred.
    """

    def __init__(self, items: Iterable[LineItem]) -> None:
        # item.key, spelled out: this runs for every amount of every document
        self.by_key: dict[Key, LineItem] = {
            (i.table_no, i.side, i.code, i.item, i.measure): i for i in items
        }
        # The parser gives the amounts table by table: a group per table, as a rule.
        self._tables: dict[str, list[Key]] = {}
        for table, keys in groupby(self.by_key, itemgetter(0)):
            self._tables.setdefault(table, []).extend(keys)
        self.codes: dict[tuple[str, str | None, str], set[str]] = _Codes(self._tables)
        self._measures: dict[str, set[str]] = {}

    def get(self, table: str, side: str | None, code: str | None, item: str | None, measure: str):
        return self.by_key.get((table, side, code, item, measure))

    def measures(self, table: str) -> set[str]:
        if (found := self._measures.get(table)) is None:
            found = self._measures[table] = set(map(itemgetter(4), self._tables.get(table, ())))
        return set(found)

    def has_table(self, table: str) -> bool:
        return table in self._tables

    def rows(self, table: str, *sides: str | None) -> set[tuple[str | None, str | None]]:
        """The (code, item) rows printed in a table: on the given sides, or on any."""
        keys = self._tables.get(table, ())
        if not sides:
            return set(map(_CODE_ITEM, keys))
        return {(key[2], key[3]) for key in keys if key[1] in sides}


_TOLERANCES: dict[tuple[int, Decimal], Decimal] = {}


def _tolerance(parts: int, unit: Decimal) -> Decimal:
    """parts × half a cent × the unit factor (a handful of distinct values: memoised)."""
    found = _TOLERANCES.get((parts, unit))
    if found is None:
        found = _TOLERANCES[(parts, unit)] = parts * HALF_CENT * unit
    return found


class Comparison(tuple):
    """(check_id, total, parts, same_value): a printed total and the printed amounts it
    restates, as a check yields them. Made into a `CheckResult` (`_result`) only where one is
    wanted: a document's outcome keeps the results that do not pass, and most pass."""

    __slots__ = ()
    check_id = property(itemgetter(0))


def _compare(
    check_id: str,
    total: LineItem | None,
    parts: Sequence[LineItem | None],
    same_value: bool = False,
) -> Comparison | None:
    """Printed `total` against the sum of the printed `parts`: None when the total is not
    printed (nor is a result made when none of the parts is, `_result`)."""
    if total is None:
        return None
    return _comparison(Comparison, (check_id, total, parts, same_value))


_comparison = tuple.__new__


def _result(
    check_id: str,
    total: LineItem,
    parts: Sequence[LineItem | None],
    same_value: bool = False,
) -> CheckResult | None:
    """The result of a comparison, or None when none of its parts is printed.

    `same_value`: one amount printed in two tables. Either printing may be a sum of rounded
    items, so they may differ by one unit of the last digit (two halves), not half of one.
    """
    present = list(filter(None, parts))  # the parts that are printed
    if not present:
        return None
    unit = total.published_unit
    for part in present:
        if part.published_unit != unit:  # mixed units: the tolerance of the largest
            factor = max(UNIT_FACTORS[p.published_unit] for p in [total, *present])
            break
    else:
        factor = UNIT_FACTORS[unit]
    # CheckResult(...), built without the frozen dataclass's __init__ (object.__setattr__ per
    # field): a document has hundreds of results, and that __init__ costs more than the check.
    result = _new(CheckResult)
    result.__dict__.update(
        {
            "check_id": check_id,
            "table_no": total.table_no,
            "row": total.code or total.item or "",
            "measure": total.measure,
            "total_key": (total.table_no, total.side, total.code, total.item, total.measure),
            "expected": sum(map(_AMOUNT, present), _ZERO),
            "actual": total.amount_yuan,
            "parts": len(present),
            "tolerance": _tolerance(2 if same_value else len(present), factor),
            "unit": "元",
            "source_ref": None,
        }
    )
    return result


_AMOUNT = attrgetter("amount_yuan")
_ZERO = Decimal(0)
_new = object.__new__


CheckFunction = Callable[[Amounts], Iterator[Comparison | None]]
REGISTRY: list[tuple[Check, CheckFunction]] = []


def check(check_id: str, description: str, severity: str = "error"):
    def register(function: CheckFunction) -> CheckFunction:
        REGISTRY.append((Check(check_id, description, severity), function))
        return function

    return register


INCOME_SOURCES_01 = [
    "general_public_budget_appropriation", "government_fund_appropriation",
    "state_capital_appropriation", "superior_subsidy", "business_income", "operating_income",
    "affiliate_remittance", "other_income",
]  # fmt: skip
APPROPRIATIONS = [
    "general_public_budget_appropriation", "government_fund_appropriation",
    "state_capital_appropriation",
]  # fmt: skip
ROW_SUMS = {
    "02": ("total", ["fiscal_appropriation", "superior_subsidy", "business", "operating",
                     "affiliate_remittance", "other"]),
    "03": ("total", ["basic", "project", "remit_to_superior", "operating",
                     "subsidy_to_affiliates"]),
    "05": ("total", ["basic", "project"]),
    "07": ("expenditure_total", ["basic", "project"]),
    "08": ("total", ["basic", "project"]),
}  # fmt: skip
FUNCTIONAL_TABLES = ("02", "03", "05", "07", "08")


def _classes(a: Amounts, table: str, side: str, measure: str) -> list[LineItem | None]:
    get = a.by_key.get
    return [
        get((table, side, code, None, measure)) for code in sorted(a.codes[(table, side, measure)])
    ]


@check("01.income_subtotal", "01: 本年收入合计 = Σ income sources")
def _01_income_subtotal(a: Amounts):
    parts = [a.get("01", "income", None, item, "final") for item in INCOME_SOURCES_01]
    yield _compare(
        "01.income_subtotal", a.get("01", "income", None, "income_subtotal", "final"), parts
    )


@check("01.income_total", "01: 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余")
def _01_income_total(a: Amounts):
    items = ["income_subtotal", "non_appropriation_balance_used", "opening_balance"]
    parts = [a.get("01", "income", None, item, "final") for item in items]
    yield _compare("01.income_total", a.get("01", "income", None, "grand_total", "final"), parts)


@check("01.expenditure_total", "01: 总计 = 本年支出合计 + 结余分配 + 年末结转和结余")
def _01_expenditure_total(a: Amounts):
    items = ["expenditure_subtotal", "surplus_distribution", "closing_balance"]
    parts = [a.get("01", "expenditure", None, item, "final") for item in items]
    total = a.get("01", "expenditure", None, "grand_total", "final")
    yield _compare("01.expenditure_total", total, parts)


@check("01.balance", "01: 总计 of income = 总计 of expenditure")
def _01_balance(a: Amounts):
    income = a.get("01", "income", None, "grand_total", "final")
    total = a.get("01", "expenditure", None, "grand_total", "final")
    yield _compare("01.balance", total, [income], True)


@check("01.expenditure_subtotal", "01: 本年支出合计 = Σ expenditure classes")
def _01_expenditure_subtotal(a: Amounts):
    total = a.get("01", "expenditure", None, "expenditure_subtotal", "final")
    yield _compare("01.expenditure_subtotal", total, _classes(a, "01", "expenditure", "final"))


@check("04.income_subtotal", "04: 本年收入合计 = Σ fiscal appropriations")
def _04_income_subtotal(a: Amounts):
    parts = [a.get("04", "income", None, item, "final") for item in APPROPRIATIONS]
    yield _compare(
        "04.income_subtotal", a.get("04", "income", None, "income_subtotal", "final"), parts
    )


@check("04.opening_balance", "04: 年初财政拨款结转和结余 = Σ its funds")
def _04_opening_balance(a: Amounts):
    funds = ["general_public_budget", "government_fund", "state_capital"]
    parts = [a.get("04", "income", None, f"opening_balance_{fund}", "final") for fund in funds]
    yield _compare(
        "04.opening_balance", a.get("04", "income", None, "opening_balance", "final"), parts
    )


@check("04.income_total", "04: 总计 = 本年收入合计 + 年初财政拨款结转和结余")
def _04_income_total(a: Amounts):
    parts = [
        a.get("04", "income", None, item, "final")
        for item in ["income_subtotal", "opening_balance"]
    ]
    yield _compare("04.income_total", a.get("04", "income", None, "grand_total", "final"), parts)


@check("04.expenditure_total", "04: 总计 = 本年支出合计 + 年末财政拨款结转和结余, per column")
def _04_expenditure_total(a: Amounts):
    for measure in sorted(a.measures("04") - {"final"}):
        parts = [
            a.get("04", "expenditure", None, item, measure)
            for item in ["expenditure_subtotal", "closing_balance"]
        ]
        total = a.get("04", "expenditure", None, "grand_total", measure)
        yield _compare("04.expenditure_total", total, parts)


@check("04.balance", "04: 总计 of income = 总计 of expenditure")
def _04_balance(a: Amounts):
    income = a.get("04", "income", None, "grand_total", "final")
    total = a.get("04", "expenditure", None, "grand_total", "total")
    yield _compare("04.balance", total, [income], True)


@check("04.expenditure_subtotal", "04: 本年支出合计 = Σ expenditure classes, per column")
def _04_expenditure_subtotal(a: Amounts):
    for measure in sorted(a.measures("04") - {"final"}):
        total = a.get("04", "expenditure", None, "expenditure_subtotal", measure)
        yield _compare("04.expenditure_subtotal", total, _classes(a, "04", "expenditure", measure))


@check("04.row_sum", "04: 合计 = general public budget + government fund + state capital, per row")
def _04_row_sum(a: Amounts):
    funds = ["general_public_budget", "government_fund", "state_capital"]
    get = a.by_key.get
    for code, item in sorted(a.rows("04", "expenditure"), key=_row_order):
        parts = [get(("04", "expenditure", code, item, fund)) for fund in funds]
        yield _compare("04.row_sum", get(("04", "expenditure", code, item, "total")), parts)


# Rows are checked in the order of their (code, item) printed as text, as they always were; the
# same rows come back in every document.
_row_order = lru_cache(maxsize=MEMO_SIZE)(str)


def _families(codes: Iterable[str]) -> dict[str, list[str]]:
    """The direct children of each printed code, in the order given: 201 → 20106, 20106 →
    2010601."""
    families: dict[str, list[str]] = {}
    for code in codes:
        if len(code) in (5, 7):
            families.setdefault(code[:-2], []).append(code)
    return families


@check("functional.parent_sum", "02/03/05/07/08: each 类 = Σ its 款, each 款 = Σ its 项")
def _parent_sum(a: Amounts):
    get = a.by_key.get
    for table in FUNCTIONAL_TABLES:
        printed: set[str] | None = None
        for measure in sorted(a.measures(table)):
            if (found := a.codes[(table, None, measure)]) != printed:  # as a rule, not
                printed, codes = found, sorted(found)
                families = _families(codes)  # each family in order
            for parent in codes:
                if len(parent) in (3, 5) and (children := families.get(parent)):
                    parts = [get((table, None, c, None, measure)) for c in children]
                    total = get((table, None, parent, None, measure))
                    yield _compare("functional.parent_sum", total, parts)


@check("functional.total_sum", "02/03/05/07/08: 合计 = Σ 类 rows")
def _total_sum(a: Amounts):
    for table in FUNCTIONAL_TABLES:
        for measure in sorted(a.measures(table)):
            codes = a.codes[(table, None, measure)]
            classes = [c for c in codes if len(c) == 3]
            if not classes:  # some documents print only 项 rows
                classes = [c for c in codes if len(c) == 7]
            parts = [a.by_key.get((table, None, c, None, measure)) for c in sorted(classes)]
            total = a.by_key.get((table, None, None, "total", measure))
            yield _compare("functional.total_sum", total, parts)


@check("functional.row_sum", "02/03/05/07/08: each row's total = Σ its columns")
def _row_sum(a: Amounts):
    get = a.by_key.get
    for table, (total_measure, measures) in ROW_SUMS.items():
        for code, item in sorted(a.rows(table), key=_row_order):
            parts = [get((table, None, code, item, m)) for m in measures]
            total = get((table, None, code, item, total_measure))
            yield _compare("functional.row_sum", total, parts)


@check("06.parent_sum", "06: each economic 类 = Σ its 款")
def _06_parent_sum(a: Amounts):
    codes = sorted(a.codes[("06", None, "final")])
    families = _families(codes)  # each family in order
    for parent in codes:
        if len(parent) == 3 and (children := families.get(parent)):
            parts = [a.get("06", None, c, None, "final") for c in children]
            yield _compare("06.parent_sum", a.get("06", None, parent, None, "final"), parts)


@check("06.personnel_total", "06: 人员经费合计 = 工资福利支出 (301) + 对个人和家庭的补助 (303)")
def _06_personnel(a: Amounts):
    parts = [a.get("06", None, code, None, "final") for code in ("301", "303")]
    yield _compare("06.personnel_total", a.get("06", None, None, "personnel_total", "final"), parts)


@check(
    "06.public_total",
    "06: 公用经费合计 = 商品和服务支出 (302) + 债务利息 (307) + 资本性支出 (310) + 其他 (399)",
)
def _06_public(a: Amounts):
    parts = [a.get("06", None, code, None, "final") for code in ("302", "307", "310", "399")]
    yield _compare("06.public_total", a.get("06", None, None, "public_total", "final"), parts)


@check("09.total", "09: 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费")
def _09_total(a: Amounts):
    for measure in ("budget", "final"):
        parts = [
            a.get("09", None, None, item, measure)
            for item in ("overseas_travel", "vehicle_total", "official_reception")
        ]
        yield _compare("09.total", a.get("09", None, None, "total", measure), parts)


@check("09.vehicle_total", "09: 公务用车购置及运行维护费 = 购置费 + 运行维护费")
def _09_vehicle(a: Amounts):
    for measure in ("budget", "final"):
        parts = [
            a.get("09", None, None, item, measure)
            for item in ("vehicle_purchase", "vehicle_operation")
        ]
        yield _compare("09.vehicle_total", a.get("09", None, None, "vehicle_total", measure), parts)


# --- across tables ------------------------------------------------------------------------


@check("x.02_01_income", "02 合计 = 01 本年收入合计")
def _x_02_01(a: Amounts):
    income = a.get("01", "income", None, "income_subtotal", "final")
    yield _compare("x.02_01_income", a.get("02", None, None, "total", "total"), [income], True)


@check("x.03_01_expenditure", "03 合计 = 01 本年支出合计")
def _x_03_01(a: Amounts):
    spent = a.get("01", "expenditure", None, "expenditure_subtotal", "final")
    yield _compare("x.03_01_expenditure", a.get("03", None, None, "total", "total"), [spent], True)


@check("x.04_05_general_public_budget", "04 general public budget column = 05, per class and total")
def _x_04_05(a: Amounts):
    total = a.get("05", None, None, "total", "total")
    yield _compare(
        "x.04_05_general_public_budget",
        total,
        [a.get("04", "expenditure", None, "expenditure_subtotal", "general_public_budget")],
        same_value=True,
    )
    for code in sorted(c for c in a.codes[("05", None, "total")] if len(c) == 3):
        in_04 = a.get("04", "expenditure", code, None, "general_public_budget")
        yield _compare(
            "x.04_05_general_public_budget",
            a.get("05", None, code, None, "total"),
            [in_04],
            same_value=True,
        )


@check("x.05_06_basic", "05 basic = 06 人员经费合计 + 公用经费合计")
def _x_05_06(a: Amounts):
    parts = [a.get("06", None, None, item, "final") for item in ("personnel_total", "public_total")]
    yield _compare("x.05_06_basic", a.get("05", None, None, "total", "basic"), parts)


CHECKS: tuple[Check, ...] = tuple(c for c, _ in REGISTRY)


def run_identities(items: Iterable[LineItem] | Amounts) -> list[CheckResult]:
    """Every identity that the printed amounts allow to evaluate, under its registered id (the
    table a result concerns is in its `table_no`). Given the `Amounts` of the items, the caller
    can look amounts up by key afterwards (the narrative checks do) without keying them again."""
    amounts = items if isinstance(items, Amounts) else Amounts(items)
    results: list[CheckResult] = []
    append = results.append
    for _registered, function in REGISTRY:  # each yields under its own id
        for comparison in filter(None, function(amounts)):
            if (result := _result(*comparison)) is not None:
                append(result)
    return results


def identity_statuses(amounts: Amounts) -> tuple[list[str], list[tuple[CheckResult, str]]]:
    """The status of each result of `run_identities(amounts)`, in its order, and the results
    that do not pass with their statuses: what a document's outcome keeps. A comparison whose
    sum is its total passes, and its result is not built (most pass)."""
    statuses: list[str] = []
    failing: list[tuple[CheckResult, str]] = []
    passed = statuses.append
    for _registered, function in REGISTRY:
        for comparison in filter(None, function(amounts)):
            _check_id, total, parts, _same_value = comparison
            present = list(filter(None, parts))
            if not present:
                continue
            # CheckResult.status: the difference (actual - expected) is zero
            if total.amount_yuan - sum(map(_AMOUNT, present), _ZERO) == 0:
                passed("pass")
                continue
            result = _result(*comparison)
            assert result is not None
            status = result.status
            statuses.append(status)
            failing.append((result, status))
    return statuses, failing
