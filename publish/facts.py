"""What a release says about itself, read once from its warehouse snapshot.

The README, the HTML page and datapackage.json's sources all describe the same snapshot the data
files were exported from, so the numbers a researcher reads (documents, years, findings) are the
numbers in the files they download.

Multi-year series use one document per department and year, so that a re-published disclosure is
never counted twice: the document the registry marks current when the documents resource has such
a boolean field (a field whose name contains "current"), else the most complete one (most parsed
amounts), ties broken by document id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from juesuan import schema

MAX_CHART_DEPARTMENTS = 24
WORST_DOCUMENTS = 10
SANGONG_ITEMS = ("overseas_travel", "vehicle_total", "official_reception")


@dataclass(frozen=True)
class SourceDocument:
    """One ingested file, as datapackage.json's `sources` lists it."""

    document_id: str
    sha256: str
    file_name: str
    source_uri: str | None
    fiscal_year: int | None
    department_name: str | None
    status: str
    parser_version: str


@dataclass(frozen=True)
class Coverage:
    """Documents, departments and years in the release."""

    documents: int
    by_status: dict[str, int]
    departments: int
    fiscal_years: tuple[int, ...]
    # department id -> (name, {fiscal year: parsed documents})
    department_years: dict[str, tuple[str, dict[int, int]]]
    # fiscal year -> {status: documents}; documents without a year are left out
    documents_by_year: dict[int, dict[str, int]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckCount:
    """Findings of one check at one status (rounding or error)."""

    check_id: str
    description: str
    status: str
    findings: int
    documents: int


@dataclass(frozen=True)
class WeakDocument:
    """A parsed document with a low quality score."""

    file_name: str
    fiscal_year: int | None
    department_name: str | None
    score: Decimal
    identities_failed: int
    tables_missing: int


@dataclass(frozen=True)
class Issues:
    """Known issues, from check_results, scorecards and documents that were not parsed."""

    by_check: list[CheckCount]
    weakest: list[WeakDocument]
    held: list[tuple[str, str, str]]  # (status, file name, reason)


@dataclass(frozen=True)
class ExecutionSource:
    """Where execution against budget comes from: a department × year panel (found by schema).

    Either a completion rate (percent of the budget spent) or a budget and a final amount.
    """

    resource: str
    completion_field: str | None = None
    budget_field: str | None = None
    final_field: str | None = None

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.completion_field, self.budget_field, self.final_field) if f]


@dataclass(frozen=True)
class DepartmentSeries:
    """The multi-year figures of one department, in yuan, by fiscal year."""

    department_id: str
    name: str
    expenditure: dict[int, dict[str, Decimal]]  # total / basic / project (table 03)
    sangong: dict[int, dict[str, Decimal]]  # budget / final / per category final (table 09)
    # completion (percent) or budget / final (yuan), from the panel when there is one
    execution: dict[int, dict[str, Decimal]]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.expenditure) | set(self.sangong) | set(self.execution)))


@dataclass(frozen=True)
class ReleaseFacts:
    """Everything the documents of a release say about its contents."""

    coverage: Coverage
    sources: list[SourceDocument]
    issues: Issues
    series: list[DepartmentSeries]
    series_departments: int  # departments with any series (charts show the first ones)
    execution_source: ExecutionSource | None
    current_rule: str


def _current_field() -> str | None:
    """A boolean field of documents marking the current version of a re-published disclosure."""
    for f in schema.resource("documents").fields:
        if f.type == "boolean" and "current" in f.name:
            return f.name
    return None


def execution_source() -> ExecutionSource | None:
    """The first resource keyed by (department_id, fiscal_year) that states budget execution.

    Fields are recognised by name: a number field naming "completion" (the share of the budget
    spent, in percent; a "recomputed" one first) is preferred; else a number field naming
    "budget" and one naming "final"
    or "executed", the shortest names winning (the overall figures, not a part such as 三公).
    """
    for r in schema.resources():
        if set(r.primary_key) != {"department_id", "fiscal_year"}:
            continue
        numbers = [f.name for f in r.fields if f.type == "number"]
        numbers.sort(key=lambda n: (len(n), n))
        # A rate recomputed from the amounts beats the rate the prose states (often wrong).
        completion = sorted(
            (n for n in numbers if "completion" in n), key=lambda n: "recomputed" not in n
        )
        if completion:
            return ExecutionSource(r.name, completion_field=completion[0])
        budget = [n for n in numbers if "budget" in n]
        final = [n for n in numbers if ("final" in n or "executed" in n) and "budget" not in n]
        if budget and final:
            return ExecutionSource(r.name, budget_field=budget[0], final_field=final[0])
    return None


def _sources(con: duckdb.DuckDBPyConnection) -> list[SourceDocument]:
    rows = con.execute(
        "SELECT document_id, sha256, file_name, source_uri, fiscal_year, department_name, "
        "status, parser_version FROM documents ORDER BY fiscal_year NULLS LAST, file_name, "
        "document_id"
    ).fetchall()
    return [SourceDocument(*row) for row in rows]


def _coverage(con: duckdb.DuckDBPyConnection, rows: dict[str, int]) -> Coverage:
    by_status = dict(
        con.execute("SELECT status, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall()
    )
    years = [
        y
        for (y,) in con.execute(
            "SELECT DISTINCT fiscal_year FROM documents "
            "WHERE status = 'parsed' AND fiscal_year IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    matrix: dict[str, tuple[str, dict[int, int]]] = {}
    for dept, name, year, n in con.execute(
        "SELECT d.department_id, coalesce(any_value(dep.name), any_value(d.department_name)), "
        "d.fiscal_year, count(*) FROM documents d "
        "LEFT JOIN departments dep USING (department_id) "
        "WHERE d.status = 'parsed' AND d.department_id IS NOT NULL AND d.fiscal_year IS NOT NULL "
        "GROUP BY d.department_id, d.fiscal_year ORDER BY 2, 1, 3"
    ).fetchall():
        matrix.setdefault(dept, (name or dept, {}))[1][year] = n
    (departments,) = con.execute("SELECT count(*) FROM departments").fetchone()
    by_year: dict[int, dict[str, int]] = {}
    for year, status, n in con.execute(
        "SELECT fiscal_year, status, count(*) FROM documents WHERE fiscal_year IS NOT NULL "
        "GROUP BY ALL ORDER BY 1, 2"
    ).fetchall():
        by_year.setdefault(year, {})[status] = n
    return Coverage(
        documents=sum(by_status.values()),
        by_status=by_status,
        departments=departments,
        fiscal_years=tuple(years),
        department_years=matrix,
        documents_by_year=by_year,
        rows=dict(rows),
    )


def _issues(con: duckdb.DuckDBPyConnection) -> Issues:
    by_check = [
        CheckCount(*row)
        for row in con.execute(
            "SELECT r.check_id, coalesce(any_value(c.description), ''), r.status, count(*), "
            "count(DISTINCT r.document_id) FROM check_results r "
            "LEFT JOIN checks c USING (check_id) GROUP BY r.check_id, r.status "
            "ORDER BY r.status = 'error' DESC, count(*) DESC, r.check_id"
        ).fetchall()
    ]
    weakest = [
        WeakDocument(*row)
        for row in con.execute(
            "SELECT d.file_name, s.fiscal_year, d.department_name, s.score, "
            "s.identities_failed, s.tables_missing FROM scorecards s "
            "JOIN documents d USING (document_id) "
            f"ORDER BY s.score, s.identities_failed DESC, d.file_name LIMIT {WORST_DOCUMENTS}"
        ).fetchall()
    ]
    held = [
        (status, name, reason or "")
        for status, name, reason in con.execute(
            "SELECT status, file_name, status_reason FROM documents WHERE status <> 'parsed' "
            "ORDER BY status, file_name"
        ).fetchall()
    ]
    return Issues(by_check=by_check, weakest=weakest, held=held)


def _chosen_documents_sql(current: str | None) -> str:
    prefer = f"{schema.quote_ident(current)} DESC NULLS LAST, " if current else ""
    return (
        "SELECT department_id, fiscal_year, document_id FROM documents "
        "WHERE status = 'parsed' AND department_id IS NOT NULL AND fiscal_year IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY department_id, fiscal_year ORDER BY "
        f"{prefer}coalesce(line_item_count, 0) DESC, document_id) = 1"
    )


def _series(
    con: duckdb.DuckDBPyConnection, current: str | None, source: ExecutionSource | None
) -> tuple[list[DepartmentSeries], int]:
    chosen = _chosen_documents_sql(current)
    expenditure: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    sangong: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    execution: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for dept, year, measure, amount in con.execute(
        f"WITH chosen AS ({chosen}) SELECT c.department_id, c.fiscal_year, li.measure, "
        "li.amount_yuan FROM chosen c JOIN line_items li USING (document_id) "
        "WHERE li.table_no = '03' AND li.item = 'total' AND li.code IS NULL "
        "AND li.measure IN ('total', 'basic', 'project')"
    ).fetchall():
        expenditure[dept].setdefault(year, {})[measure] = amount
    categories = ", ".join(f"'{c}'" for c in SANGONG_ITEMS)
    for dept, year, item, measure, amount in con.execute(
        f"WITH chosen AS ({chosen}) SELECT c.department_id, c.fiscal_year, li.item, li.measure, "
        "li.amount_yuan FROM chosen c JOIN line_items li USING (document_id) "
        "WHERE li.table_no = '09' AND li.code IS NULL AND li.measure IN ('budget', 'final') "
        f"AND li.item IN ('total', {categories})"
    ).fetchall():
        key = measure if item == "total" else f"{item}:{measure}"
        sangong[dept].setdefault(year, {})[key] = amount
    if source:
        q = schema.quote_ident
        keys = ["completion"] if source.completion_field else ["budget", "final"]
        for dept, year, *amounts in con.execute(
            f"SELECT department_id, fiscal_year, {', '.join(q(f) for f in source.fields)} "
            f"FROM {q(source.resource)} "
            "WHERE department_id IS NOT NULL AND fiscal_year IS NOT NULL"
        ).fetchall():
            values = {k: v for k, v in zip(keys, amounts, strict=True) if v is not None}
            if values:
                execution[dept][year] = values
    names = dict(con.execute("SELECT department_id, name FROM departments").fetchall())
    found = []
    for dept in set(expenditure) | set(sangong) | set(execution):
        found.append(
            DepartmentSeries(
                department_id=dept,
                name=names.get(dept) or dept,
                expenditure=dict(expenditure.get(dept, {})),
                sangong=dict(sangong.get(dept, {})),
                execution=dict(execution.get(dept, {})),
            )
        )

    def rank(s: DepartmentSeries) -> tuple:
        latest = s.expenditure[max(s.expenditure)].get("total") if s.expenditure else None
        return (-len(s.years), -(latest or Decimal(0)), s.name, s.department_id)

    found.sort(key=rank)
    return found[:MAX_CHART_DEPARTMENTS], len(found)


def read_facts(con: duckdb.DuckDBPyConnection, rows: dict[str, int]) -> ReleaseFacts:
    """Read coverage, sources, known issues and chart series from a warehouse connection."""
    current = _current_field()
    source = execution_source()
    series, total = _series(con, current, source)
    rule = (
        f"the document marked current (documents.{current})"
        if current
        else "the most complete document (most parsed amounts)"
    )
    return ReleaseFacts(
        coverage=_coverage(con, rows),
        sources=_sources(con),
        issues=_issues(con),
        series=series,
        series_departments=total,
        execution_source=source,
        current_rule=rule,
    )
