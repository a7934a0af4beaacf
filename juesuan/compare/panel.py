"""One department's multi-year panel, read from the warehouse (for `juesuan compare`).

A department is asked for the way a user knows it: its id, any name it was printed under, a
curated alias, or a name normalised the same way (spaces, full-width forms, 管委会). Failing
those, a unique part of a name will do; several candidates are listed rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from juesuan.compare.reference import panel_measures
from juesuan.registry import CURATED, name_key, resolve


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str
    region: str | None
    admin_level: str | None
    printed_names: str | None


@dataclass(frozen=True)
class Cell:
    amount_yuan: Decimal
    change_yuan: Decimal | None
    change_pct: Decimal | None


@dataclass
class Panel:
    department: Department
    years: list[int]
    documents: dict[int, str]  # year → current document id
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)  # (measure, year)
    completion_pct: dict[int, Decimal] = field(default_factory=dict)  # as the prose states
    recomputed_pct: dict[int, Decimal] = field(default_factory=dict)  # from the amounts


class DepartmentNotFound(LookupError):
    """No department, or several, answer to the name; the message lists candidates."""


def _department(con: duckdb.DuckDBPyConnection, department_id: str) -> Department | None:
    row = con.execute(
        "SELECT department_id, name, region, admin_level, printed_names FROM departments "
        "WHERE department_id = ?",
        [department_id],
    ).fetchone()
    return Department(*row) if row else None


def find_department(con: duckdb.DuckDBPyConnection, query: str) -> Department:
    """The department `query` names (id, printed name, alias, normalised name, unique part)."""
    text = query.strip()
    by_id = _department(con, text)
    if by_id:
        return by_id
    rows = con.execute(
        "SELECT DISTINCT department_id FROM department_names WHERE name = ? OR name_key = ?",
        [text, name_key(text)],
    ).fetchall()
    if len(rows) == 1:
        return _department(con, rows[0][0])  # type: ignore[return-value]
    resolution = resolve(text)
    if resolution.match == CURATED and (found := _department(con, resolution.department_id)):
        return found
    candidates = con.execute(
        "SELECT department_id, name FROM departments "
        "WHERE contains(lower(printed_names), lower(?)) OR contains(department_id, ?) "
        "ORDER BY name",
        [text, text],
    ).fetchall()
    if len(candidates) == 1:
        return _department(con, candidates[0][0])  # type: ignore[return-value]
    if not candidates:
        raise DepartmentNotFound(f"no department answers to {query!r}")
    listed = "; ".join(f"{dept} {name}" for dept, name in candidates[:20])
    raise DepartmentNotFound(f"{len(candidates)} departments answer to {query!r}: {listed}")


def read_panel(con: duckdb.DuckDBPyConnection, department: Department) -> Panel:
    years = con.execute(
        "SELECT fiscal_year, document_id, budget_completion_pct, "
        "budget_completion_recomputed_pct FROM department_years "
        "WHERE department_id = ? ORDER BY fiscal_year",
        [department.department_id],
    ).fetchall()
    panel = Panel(department, [y for y, *_ in years], {y: d for y, d, *_ in years})
    panel.completion_pct = {y: pct for y, _, pct, _ in years if pct is not None}
    panel.recomputed_pct = {y: pct for y, _, _, pct in years if pct is not None}
    for measure, year, amount, change, pct in con.execute(
        "SELECT measure, fiscal_year, amount_yuan, change_yuan, change_pct "
        "FROM department_year_changes WHERE department_id = ?",
        [department.department_id],
    ).fetchall():
        panel.cells[(measure, year)] = Cell(amount, change, pct)
    return panel


def measure_titles() -> list[tuple[str, str]]:
    """(measure, title) of the panel, in the order of panel_measures.csv."""
    return [(m.measure, m.title) for m in panel_measures()]
