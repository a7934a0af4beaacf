"""The facts of a synthetic disclosure: every amount of the nine tables, consistent by construction.

Amounts are drawn as whole hundredths of 万元 (multiples of 100 yuan) and every total is derived
by exact integer sums, never by rounding, so the identities of GUIDE.md "Arithmetic a disclosure
must satisfy" hold exactly and any difference after a round trip is the parser's, not ours.
The rows keep the printed order, so the printed document (printed.py) needs nothing else.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.records import LineItem
from juesuan.synthetic import vocab
from juesuan.synthetic.vocab import FunctionItem

UNIT = "万元"
_HUNDRED_YUAN = Decimal(100)  # one hundredth of 万元: the smallest printed amount
SOURCE_REF = "synthetic"

MEASURES = {
    "02": ("total", "fiscal_appropriation", "superior_subsidy", "business", "operating",
           "affiliate_remittance", "other"),
    "03": ("total", "basic", "project", "remit_to_superior", "operating",
           "subsidy_to_affiliates"),
    "05": ("total", "basic", "project"),
    "07": ("opening_balance", "income", "expenditure_total", "basic", "project",
           "closing_balance"),
    "08": ("total", "basic", "project"),
}  # fmt: skip
MEASURES_04_EXPENDITURE = ("total", "general_public_budget", "government_fund", "state_capital")


@dataclass(frozen=True)
class AccountRow:
    """One printed row: its code or item, its name as printed, its amounts by measure."""

    code: str | None
    item: str | None
    name: str
    amounts: dict[str, Decimal]  # measure -> yuan


@dataclass(frozen=True)
class SyntheticAccounts:
    """What a synthetic document states. `tables` maps (table_no, side) to rows in printed order."""

    seed: int
    fiscal_year: int
    department_name: str
    unit: str
    classes: int
    tables: dict[tuple[str, str | None], tuple[AccountRow, ...]]
    empty_tables: frozenset[str]  # 07 / 08 printed empty ("本表无数据"): no line items
    line_items: tuple[LineItem, ...]

    def rows(self, table_no: str, side: str | None = None) -> tuple[AccountRow, ...]:
        return self.tables.get((table_no, side), ())


@dataclass
class _Spend:
    """One functional 项 and its money, in hundredths of 万元."""

    item: FunctionItem
    basic: dict[str, int] = field(default_factory=dict)  # fund -> amount (gpb, gf, sc, other)
    project: dict[str, int] = field(default_factory=dict)
    opening: dict[str, int] = field(default_factory=dict)  # appropriation balances by fund
    closing: dict[str, int] = field(default_factory=dict)
    remit: int = 0
    operating: int = 0
    subsidy: int = 0
    other_income: dict[str, int] = field(default_factory=dict)  # 02 measure -> amount

    def spent(self, fund: str) -> int:
        return self.basic.get(fund, 0) + self.project.get(fund, 0)

    def income(self, fund: str) -> int:
        """Appropriation received this year: spent plus closing minus opening balance."""
        return self.spent(fund) + self.closing.get(fund, 0) - self.opening.get(fund, 0)


def make_accounts(
    seed: int,
    fiscal_year: int,
    department_name: str | None = None,
    classes: int = 26,
    *,
    government_fund: bool | None = None,
    state_capital: bool | None = None,
) -> SyntheticAccounts:
    """A complete, consistent set of the nine tables, the same for the same arguments.

    `government_fund` / `state_capital` force tables 07 / 08 to have data (True) or to be printed
    empty (False); None lets the seed decide.
    """
    rng = random.Random(seed)
    codes = vocab.class_codes(classes)
    older = classes == 24
    # Drawn whether or not given, so a given name or flag changes nothing else.
    name = _department_name(rng)
    drawn_fund, drawn_capital = rng.random() < 0.4, rng.random() < 0.25
    name = department_name or name
    government_fund = drawn_fund if government_fund is None else government_fund
    state_capital = drawn_capital if state_capital is None else state_capital
    spends = _spending(rng, government_fund, state_capital)
    tables: dict[tuple[str, str | None], tuple[AccountRow, ...]] = {}
    for table_no, fund in (("02", None), ("03", None), ("05", "gpb"), ("07", "gf"), ("08", "sc")):
        chosen = [s for s in spends if fund is None or s.item.fund == fund]
        if chosen:
            tables[(table_no, None)] = _tree(table_no, chosen, older)
    tables.update(_summary_tables(rng, spends, codes, older))
    three_public = _three_public(rng)
    basic = sum(s.basic.get("gpb", 0) for s in spends)
    tables[("06", None)] = _economic(rng, basic, _three_public_final(three_public))
    tables[("09", None)] = three_public
    empty = frozenset(no for no in ("07", "08") if (no, None) not in tables)
    return SyntheticAccounts(
        seed=seed,
        fiscal_year=fiscal_year,
        department_name=name,
        unit=UNIT,
        classes=classes,
        tables=tables,
        empty_tables=empty,
        line_items=_line_items(tables, UNIT),
    )


def _department_name(rng: random.Random) -> str:
    district = rng.choice("甲乙丙丁戊己庚辛")
    bureau = rng.choice(["财务", "文书", "档案", "测绘", "统计", "后勤"])
    return f"合成市{district}区合成{bureau}局"


def _yuan(hundredths: int) -> Decimal:
    return (hundredths * _HUNDRED_YUAN).quantize(Decimal("0.01"))


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Non-negative integers summing exactly to `total`, roughly proportional to `weights`."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum <= 0:
        return [0] * len(weights)
    parts = [int(total * w / weight_sum) for w in weights]
    parts[max(range(len(weights)), key=lambda i: weights[i])] += total - sum(parts)
    return parts


# --- functional spending ---------------------------------------------------------------------


def _spending(rng: random.Random, government_fund: bool, state_capital: bool) -> list[_Spend]:
    """2–8 functional 项 with their money by fund; sorted by code as tables print them."""
    gf_items = rng.sample(vocab.GOVERNMENT_FUND_ITEMS, rng.randint(1, 2)) if government_fund else []
    sc_items = rng.sample(vocab.STATE_CAPITAL_ITEMS, 1) if state_capital else []
    main = rng.choice(vocab.MAIN_FUNCTIONS)
    room = 8 - 2 - len(gf_items) - len(sc_items)
    extra_main = rng.sample(main[1:], rng.randint(0, min(2, room, len(main) - 1)))
    room -= len(extra_main)
    extra_staff = rng.sample(vocab.STAFF_ITEMS[1:], rng.randint(0, min(3, room)))
    items = [main[0], *extra_main, vocab.STAFF_ITEMS[0], *extra_staff, *gf_items, *sc_items]
    spends = [_spend(rng, item, item is main[0]) for item in items]
    _add_non_appropriation(rng, spends)
    return sorted(spends, key=lambda s: s.item.code)


def _spend(rng: random.Random, item: FunctionItem, main: bool) -> _Spend:
    spend = _Spend(item)
    fund = item.fund
    scale = 300_000 if main else 40_000
    if item.kind in {"basic", "mixed"}:
        spend.basic[fund] = rng.randint(scale // 50, scale)
    if item.kind in {"project", "mixed"}:
        spend.project[fund] = rng.randint(500, 120_000)
    if fund == "gf" and rng.random() < 0.3:
        spend.basic[fund] = rng.randint(100, 5_000)
    if item.kind != "basic" and fund != "sc" and rng.random() < 0.5:
        spend.opening[fund] = rng.randint(0, spend.spent(fund))
        spend.closing[fund] = rng.choice([0, rng.randint(0, 30_000)])
    return spend


def _add_non_appropriation(rng: random.Random, spends: list[_Spend]) -> None:
    """Some departments also spend money of their own (事业收入, 上级补助, 经营收入 …)."""
    if rng.random() < 0.5:
        return
    for spend in rng.sample(spends, rng.randint(1, len(spends))):
        if rng.random() < 0.6:
            spend.basic["other"] = rng.randint(0, 20_000)
        if rng.random() < 0.5:
            spend.project["other"] = rng.randint(0, 20_000)
    for attribute in ("remit", "operating", "subsidy"):
        if rng.random() < 0.25:
            setattr(rng.choice(spends), attribute, rng.randint(100, 10_000))
    measures = ["superior_subsidy", "business", "operating", "affiliate_remittance", "other"]
    for spend in spends:
        spent = spend.spent("other") + spend.remit + spend.operating + spend.subsidy
        if spent == 0 and rng.random() < 0.7:
            continue
        income = spent + rng.randint(0, 8_000)
        weights = [rng.random() if rng.random() < 0.5 else 0.0 for _ in measures]
        weights[rng.randrange(len(measures))] += 1.0
        spend.other_income = dict(zip(measures, _split(income, weights), strict=True))


def _row_amounts(table_no: str, spend: _Spend) -> dict[str, int]:
    """The measures of one 项 in one functional table."""
    if table_no == "02":
        fiscal = sum(spend.income(fund) for fund in ("gpb", "gf", "sc"))
        amounts = {"fiscal_appropriation": fiscal}
        for measure in MEASURES["02"][2:]:
            amounts[measure] = spend.other_income.get(measure, 0)
    elif table_no == "03":
        amounts = {
            "basic": sum(spend.basic.values()),
            "project": sum(spend.project.values()),
            "remit_to_superior": spend.remit,
            "operating": spend.operating,
            "subsidy_to_affiliates": spend.subsidy,
        }
    elif table_no == "07":
        basic, project = spend.basic.get("gf", 0), spend.project.get("gf", 0)
        return {
            "opening_balance": spend.opening.get("gf", 0),
            "income": spend.income("gf"),
            "expenditure_total": basic + project,
            "basic": basic,
            "project": project,
            "closing_balance": spend.closing.get("gf", 0),
        }
    else:  # 05 and 08: one fund, basic and project
        fund = "gpb" if table_no == "05" else "sc"
        amounts = {"basic": spend.basic.get(fund, 0), "project": spend.project.get(fund, 0)}
    return {"total": sum(amounts.values()), **amounts}


def _tree(table_no: str, spends: Sequence[_Spend], older: bool) -> tuple[AccountRow, ...]:
    """合计, then each 类 with its 款 and their 项, parents summing their children exactly."""
    leaves = {s.item.code: _row_amounts(table_no, s) for s in spends}
    names = {s.item.code: s.item.name for s in spends}
    for s in spends:
        names[s.item.code[:5]] = s.item.kuan_name
        names[s.item.code[:3]] = vocab.class_name(s.item.code[:3], older=older)
    measures = MEASURES[table_no]

    def total(prefix: str) -> dict[str, Decimal]:
        return {
            m: _yuan(sum(a[m] for code, a in leaves.items() if code.startswith(prefix)))
            for m in measures
        }

    rows = [AccountRow(None, "total", "合计", total(""))]
    for code in sorted({c[:3] for c in leaves} | {c[:5] for c in leaves} | set(leaves)):
        rows.append(AccountRow(code, None, names[code], total(code)))
    # Parents sort before their children: "201" < "20103" < "2010301".
    return tuple(rows)


# --- tables 01 and 04 ------------------------------------------------------------------------


_FUNDS = ("gpb", "gf", "sc")
_APPROPRIATION_ITEMS = {
    "gpb": "general_public_budget_appropriation",
    "gf": "government_fund_appropriation",
    "sc": "state_capital_appropriation",
}
_OPENING_ITEMS = {
    "gpb": "opening_balance_general_public_budget",
    "gf": "opening_balance_government_fund",
    "sc": "opening_balance_state_capital",
}


def _summary_tables(
    rng: random.Random, spends: Sequence[_Spend], codes: Sequence[str], older: bool
) -> dict[tuple[str, str | None], tuple[AccountRow, ...]]:
    return {**_table_01(rng, spends, codes, older), **_table_04(spends, codes, older)}


def _spent_by_class(spends: Sequence[_Spend]) -> dict[str, int]:
    """Everything spent, by 类, whatever paid for it (01 expenditure = 03 by class)."""
    return _by_class(
        spends,
        lambda s: sum(s.basic.values()) + sum(s.project.values()) + s.remit + s.operating
        + s.subsidy,
    )  # fmt: skip


def _table_01(
    rng: random.Random, spends: Sequence[_Spend], codes: Sequence[str], older: bool
) -> dict[tuple[str, str | None], tuple[AccountRow, ...]]:
    """01: income by source, balances, expenditure by class; both 总计 equal by construction."""
    received = {f: sum(s.income(f) for s in spends) for f in _FUNDS}
    other_measures = MEASURES["02"][2:]
    other = {m: sum(s.other_income.get(m, 0) for s in spends) for m in other_measures}
    by_class = _spent_by_class(spends)
    spent_appropriations = sum(s.spent(f) for s in spends for f in _FUNDS)
    other_spent = sum(by_class.values()) - spent_appropriations
    # The department's own money: opening balance + income - spending never goes negative.
    other_opening = rng.choice([0, rng.randint(0, 50_000)])
    other_margin = other_opening + sum(other.values()) - other_spent
    used = rng.choice([0, 0, rng.randint(0, 10_000)])
    distribution = rng.choice([0, 0, rng.randint(0, other_margin + used)])
    appropriation_opening = sum(s.opening.get(f, 0) for s in spends for f in _FUNDS)
    appropriation_closing = sum(s.closing.get(f, 0) for s in spends for f in _FUNDS)
    income_subtotal = sum(received.values()) + sum(other.values())
    opening = appropriation_opening + other_opening
    closing = appropriation_closing + other_margin + used - distribution
    grand = income_subtotal + used + opening
    sources = [received["gpb"], received["gf"], received["sc"], *other.values()]
    income = [
        (item, label, value)
        for (item, label), value in zip(vocab.INCOME_SOURCES_01, sources, strict=True)
    ]
    income += [
        ("income_subtotal", "本年收入合计", income_subtotal),
        ("non_appropriation_balance_used", "使用非财政拨款结余", used),
        ("opening_balance", "年初结转和结余", opening),
        ("grand_total", "总计", grand),
    ]
    classes = tuple(
        AccountRow(code, None, vocab.class_name(code, older=older),
                   {"final": _yuan(by_class.get(code, 0))})
        for code in codes
    )  # fmt: skip
    expenditure = [
        ("expenditure_subtotal", "本年支出合计", sum(by_class.values())),
        ("surplus_distribution", "结余分配", distribution),
        ("closing_balance", "年末结转和结余", closing),
        ("grand_total", "总计", sum(by_class.values()) + distribution + closing),
    ]
    return {
        ("01", "income"): _item_rows(income, "final"),
        ("01", "expenditure"): classes + _item_rows(expenditure, "final"),
    }


def _table_04(
    spends: Sequence[_Spend], codes: Sequence[str], older: bool
) -> dict[tuple[str, str | None], tuple[AccountRow, ...]]:
    """04: appropriations only; expenditure by class in one column per fund, and their total."""
    received = {f: sum(s.income(f) for s in spends) for f in _FUNDS}
    opening = {f: sum(s.opening.get(f, 0) for s in spends) for f in _FUNDS}
    closing = {f: sum(s.closing.get(f, 0) for s in spends) for f in _FUNDS}
    spent = {f: sum(s.spent(f) for s in spends) for f in _FUNDS}
    by_class = {f: _by_class(spends, lambda s, f=f: s.spent(f)) for f in _FUNDS}
    labels = dict(vocab.APPROPRIATIONS_04)
    income = [
        (_APPROPRIATION_ITEMS[f], labels[_APPROPRIATION_ITEMS[f]], received[f]) for f in _FUNDS
    ]
    income += [
        ("income_subtotal", "本年收入合计", sum(received.values())),
        ("opening_balance", "年初财政拨款结转和结余", sum(opening.values())),
    ]
    income += [(_OPENING_ITEMS[f], labels[_APPROPRIATION_ITEMS[f]], opening[f]) for f in _FUNDS]
    income.append(("grand_total", "总计", sum(received.values()) + sum(opening.values())))

    def row(code: str | None, item: str | None, name: str, by_fund: dict[str, int]) -> AccountRow:
        columns = dict(zip(MEASURES_04_EXPENDITURE[1:], (by_fund[f] for f in _FUNDS), strict=True))
        amounts = {"total": sum(columns.values()), **columns}
        return AccountRow(code, item, name, {m: _yuan(v) for m, v in amounts.items()})

    expenditure = [
        row(code, None, vocab.class_name(code, older=older),
            {f: by_class[f].get(code, 0) for f in _FUNDS})
        for code in codes
    ]  # fmt: skip
    expenditure += [
        row(None, "expenditure_subtotal", "本年支出合计", spent),
        row(None, "closing_balance", "年末财政拨款结转和结余", closing),
        row(None, "grand_total", "总计", {f: spent[f] + closing[f] for f in _FUNDS}),
    ]
    return {
        ("04", "income"): _item_rows(income, "final"),
        ("04", "expenditure"): tuple(expenditure),
    }


def _by_class(spends: Iterable[_Spend], amount) -> dict[str, int]:
    totals: dict[str, int] = {}
    for spend in spends:
        code = spend.item.code[:3]
        totals[code] = totals.get(code, 0) + amount(spend)
    return totals


def _item_rows(rows: Iterable[tuple[str, str, int]], measure: str) -> tuple[AccountRow, ...]:
    return tuple(AccountRow(None, item, name, {measure: _yuan(v)}) for item, name, v in rows)


# --- tables 06 and 09 ------------------------------------------------------------------------


# 06 款 that pay for the "three public" categories (09), where basic spending covers them.
_THREE_PUBLIC_CODES = {
    "302": {"30212": "overseas_travel", "30217": "official_reception",
            "30231": "vehicle_operation"},
    "310": {"31013": "vehicle_purchase"},
}  # fmt: skip


def _three_public_final(rows: Sequence[AccountRow]) -> dict[str, int]:
    return {row.item: int(row.amounts["final"] / _HUNDRED_YUAN) for row in rows if row.item}


def _economic(
    rng: random.Random, basic: int, three_public: dict[str, int]
) -> tuple[AccountRow, ...]:
    """06: the general public budget's basic spending by economic class and 款.

    The 款 of the "three public" categories get the 09 final amounts when the class can hold
    them (otherwise the money came from projects and they stay zero), so 06 and 09 agree.
    """
    personnel = int(basic * rng.uniform(0.35, 0.8))
    public = basic - personnel
    class_totals = dict(zip(vocab.PERSONNEL_CLASSES, _split(personnel, [rng.uniform(0.9, 1.0),
                                                                       rng.uniform(0, 0.06)]),
                            strict=True))  # fmt: skip
    capital = rng.choice([0.0, rng.uniform(0, 0.15)])
    class_totals |= dict(
        zip(vocab.PUBLIC_CLASSES, _split(public, [1.0 - capital, 0.0, capital, 0.0]), strict=True)
    )
    amounts: dict[str, int] = {}
    names: dict[str, str] = {}
    for segment in vocab.ECONOMIC_SEGMENTS:
        for code, name in segment:
            names[code] = name
    for parent, total in class_totals.items():
        pays_for = _THREE_PUBLIC_CODES.get(parent, {})
        fixed = {code: three_public[item] for code, item in pays_for.items()}
        if sum(fixed.values()) > total:
            fixed = dict.fromkeys(fixed, 0)
        amounts.update(fixed)
        children = [c for c in names if len(c) == 5 and c.startswith(parent) and c not in fixed]
        weights = [rng.expovariate(1.0) if rng.random() < 0.45 else 0.0 for _ in children]
        weights[rng.randrange(len(children))] += 0.5
        amounts[parent] = total
        amounts.update(zip(children, _split(total - sum(fixed.values()), weights), strict=True))
    rows = [
        AccountRow(code, None, name, {"final": _yuan(amounts[code])})
        for segment in vocab.ECONOMIC_SEGMENTS
        for code, name in segment
    ]
    rows.append(AccountRow(None, "personnel_total", "人员经费合计", {"final": _yuan(personnel)}))
    rows.append(AccountRow(None, "public_total", "公用经费合计", {"final": _yuan(public)}))
    return tuple(rows)


def _three_public(rng: random.Random) -> tuple[AccountRow, ...]:
    """09: budget and final per category; the vehicle line and the total are sums."""
    budget = {
        "overseas_travel": rng.choice([0, 0, rng.randint(0, 800)]),
        "vehicle_purchase": rng.choice([0, 0, rng.randint(0, 3_000)]),
        "vehicle_operation": rng.choice([0, rng.randint(0, 2_500)]),
        "official_reception": rng.randint(0, 600),
    }
    final = {key: rng.randint(0, value) if value else 0 for key, value in budget.items()}
    rows = []
    for item, name in vocab.THREE_PUBLIC:
        amounts = {}
        for measure, values in (("budget", budget), ("final", final)):
            if item == "total":
                value = sum(values.values())
            elif item == "vehicle_total":
                value = values["vehicle_purchase"] + values["vehicle_operation"]
            else:
                value = values[item]
            amounts[measure] = _yuan(value)
        rows.append(AccountRow(None, item, name, amounts))
    return tuple(rows)


# --- line items --------------------------------------------------------------------------------


def _line_items(
    tables: dict[tuple[str, str | None], tuple[AccountRow, ...]], unit: str
) -> tuple[LineItem, ...]:
    """One canonical record per amount, in table order (what the parser should give back)."""
    return tuple(
        LineItem(
            table_no=table_no,
            side=side,
            code=row.code,
            item=row.item,
            name=unicodedata.normalize("NFKC", row.name),  # TABLES.md: names are NFKC
            measure=measure,
            amount_yuan=amount,
            published_unit=unit,
            source_ref=SOURCE_REF,
        )
        for (table_no, side) in sorted(tables, key=lambda key: (key[0], key[1] or ""))
        for row in tables[(table_no, side)]
        for measure, amount in row.amounts.items()
    )
