"""Synthetic disclosures of one department over several years, with the answers a panel must give.

For tests of the comparison tables: accounts of any year under a chosen name (make_accounts),
a grand total set exactly (so a stated change over the previous year can be made to agree), a
publication date printed on the cover (so a correction can be told from its original), and the
panel amounts the warehouse must compute from them. Every file stays marked synthetic, in its
name and on its first line.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from juesuan.compare.reference import panel_measures
from juesuan.synthetic.accounts import AccountRow, SyntheticAccounts, _line_items
from juesuan.synthetic.layout import Layout
from juesuan.synthetic.printed import Paragraph, build
from juesuan.synthetic.render import _renderer

# The cover line printed.py writes where a real cover prints its publication date.
_COVER_DATE_PREFIX = "合成日期"


def panel_amounts(accounts: SyntheticAccounts) -> dict[str, Decimal]:
    """What department_years must hold for these accounts: measure → yuan (table measures)."""
    found: dict[str, Decimal] = {}
    for m in panel_measures():
        if m.table_no is None or m.line_measure is None:
            continue
        for row in accounts.rows(m.table_no, m.side):
            if row.code is None and row.item == m.item and m.line_measure in row.amounts:
                found[m.measure] = row.amounts[m.line_measure]
    return found


def _shift(rows: tuple[AccountRow, ...], items: dict[str, Decimal]) -> tuple[AccountRow, ...]:
    return tuple(
        dataclasses.replace(r, amounts={k: v + items[r.item] for k, v in r.amounts.items()})
        if r.code is None and r.item in items
        else r
        for r in rows
    )


def with_grand_total(accounts: SyntheticAccounts, grand_total_yuan: Decimal) -> SyntheticAccounts:
    """The same accounts with table 01's 总计 set to `grand_total_yuan`, still consistent.

    The difference goes to the department's own balances (年初结转和结余 on the income side,
    年末结转和结余 on the expenditure side), which no other table restates; it must not make a
    balance negative.
    """
    income = {r.item: r for r in accounts.rows("01", "income") if r.item}
    delta = grand_total_yuan - income["grand_total"].amounts["final"]
    closing = next(r for r in accounts.rows("01", "expenditure") if r.item == "closing_balance")
    if min(income["opening_balance"].amounts["final"], closing.amounts["final"]) + delta < 0:
        raise ValueError(f"cannot lower the grand total by {-delta}: a balance would be negative")
    tables = dict(accounts.tables)
    tables[("01", "income")] = _shift(
        tables[("01", "income")], {"opening_balance": delta, "grand_total": delta}
    )
    tables[("01", "expenditure")] = _shift(
        tables[("01", "expenditure")], {"closing_balance": delta, "grand_total": delta}
    )
    return dataclasses.replace(
        accounts, tables=tables, line_items=_line_items(tables, accounts.unit)
    )


def write_disclosure(
    accounts: SyntheticAccounts,
    path: Path,
    *,
    cover_date: str | None = None,
    layout: Layout | None = None,
    fmt: str = "txt",
) -> Path:
    """Render the accounts to `path` (named synthetic-…), with `cover_date` (e.g. 2023年10月)
    printed on the cover in place of the generator's own date line."""
    path = Path(path)
    if not path.name.startswith("synthetic-"):
        raise ValueError(f"{path.name}: synthetic documents are named synthetic-…")
    doc = build(accounts, layout or Layout(classes=accounts.classes))
    if cover_date is not None:
        doc.blocks = [
            Paragraph(cover_date, "cover")
            if isinstance(b, Paragraph) and b.text.startswith(_COVER_DATE_PREFIX)
            else b
            for b in doc.blocks
        ]
    _renderer(fmt)(doc, path)
    return path
