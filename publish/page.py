"""index.html: one page per release with coverage, downloads and multi-year charts, offline.

Charts are inline SVG drawn in Python (publish.svg); links point only at files of the release;
the page loads nothing from anywhere, so it works from a downloaded zip, an archive or a USB
stick, and it still renders the same in ten years.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from publish.facts import DepartmentSeries, ReleaseFacts
from publish.htmlkit import esc, page, table
from publish.readme import citation
from publish.svg import Series, bar_chart

COLORS = {
    "basic": "#3b7dd8",
    "project": "#f0a202",
    "other": "#9aa5b1",
    "budget": "#bcccdc",
    "final": "#1f5f8b",
    "parsed": "#2f9e44",
    "refused": "#f0a202",
    "quarantined": "#d64545",
}
STATUS_LABELS = {
    "parsed": "parsed 已解析",
    "refused": "refused 拒收",
    "quarantined": "quarantined 隔离",
}


def _size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def _link(path: str, label: str | None = None) -> str:
    return f'<a href="{esc(path)}">{esc(label or path)}</a>'


def _quick_links(descriptor: dict[str, Any], archive: str) -> str:
    """The few links most readers want, at the top of the page."""
    warehouse = descriptor.get("x-warehouse", {})
    files = [
        f"<li><b>{_link(archive)}</b>: the whole release in one zip "
        f"(checksum: {_link(archive + '.sha256')})</li>",
        f"<li>{_link('datapackage.json')}: the Frictionless Data Package descriptor</li>",
        f"<li>{_link(warehouse.get('path', 'juesuan.duckdb'))}: the DuckDB warehouse "
        f"<span class='muted'>{_size(warehouse.get('bytes'))}</span></li>",
        f"<li>{_link('README.md')} · {_link('dictionary.html', 'data dictionary')} "
        f"({_link('DICTIONARY.md', 'Markdown')}) · {_link('CHANGES.md')} · "
        f"{_link('changes.json')} · {_link('CITATION.cff')} · {_link('SHA256SUMS')} · "
        f"<a href='#files'>every file</a></li>",
    ]
    return "<ul>" + "".join(files) + "</ul>"


def _files(descriptor: dict[str, Any]) -> str:
    """Per resource: rows, and the CSV, Parquet and Excel files with their sizes."""
    rows = []
    for r in descriptor["resources"]:
        alternates = r.get("x-alternates", [])
        parquet = next((a for a in alternates if a["format"] == "parquet"), {})
        excel = next((a for a in alternates if a["path"].startswith("excel/")), {})
        rows.append(
            [
                f"<b>{esc(r['name'])}</b><br><span class='muted'>{esc(r['title'])}</span>",
                f"{r.get('x-rows', ''):,}" if isinstance(r.get("x-rows"), int) else "",
                _link(r["path"], "CSV") + f" <span class='muted'>{_size(r['bytes'])}</span>",
                _link(parquet.get("path", ""), "Parquet")
                + f" <span class='muted'>{_size(parquet.get('bytes'))}</span>",
                _link(excel.get("path", ""), "Excel CSV")
                + f" <span class='muted'>{_size(excel.get('bytes'))}</span>",
            ]
        )
    return table(["resource", "rows", "CSV (UTF-8)", "Parquet (zstd)", "for Excel"], rows, {1})


def _cards(facts: ReleaseFacts) -> str:
    """Coverage at a glance: documents, departments, years, amounts."""
    c = facts.coverage
    years = f"{c.fiscal_years[0]}–{c.fiscal_years[-1]}" if c.fiscal_years else "–"
    parsed = c.by_status.get("parsed", 0)
    cards = [
        ("documents 文件", f"{c.documents:,}", f"{parsed:,} parsed"),
        ("departments 部门", f"{c.departments:,}", ""),
        ("fiscal years 年度", years, f"{len(c.fiscal_years)} years"),
        ("line items 金额", f"{c.rows.get('line_items', 0):,}", "amounts in 元, exact"),
    ]
    html = ['<div class="cards">']
    html += [
        f'<div class="card">{esc(label)}<b>{esc(value)}</b>'
        f'<span class="muted">{esc(note)}</span></div>'
        for label, value, note in cards
    ]
    html.append("</div>")
    return "".join(html)


def _coverage(facts: ReleaseFacts) -> str:
    """Documents per year (chart) and parsed documents per department and year (table)."""
    c = facts.coverage
    html = []
    if c.documents_by_year:
        years_all = sorted(c.documents_by_year)
        statuses = sorted({s for per in c.documents_by_year.values() for s in per})
        series = [
            Series(
                STATUS_LABELS.get(s, s),
                COLORS.get(s, "#9aa5b1"),
                tuple(Decimal(c.documents_by_year[y].get(s, 0)) for y in years_all),
            )
            for s in statuses
        ]
        html.append(
            bar_chart(
                "Documents per fiscal year 各年度文件数",
                [str(y) for y in years_all],
                series,
                stacked=True,
                unit="documents",
                divisor=Decimal(1),
            )
        )
    if c.department_years:
        years_all = list(c.fiscal_years)
        rows = [
            [f"{esc(name)} <span class='muted'>{esc(dept)}</span>"]
            + [esc(per.get(y, "")) for y in years_all]
            for dept, (name, per) in list(c.department_years.items())[:300]
        ]
        html.append("<h3>Parsed documents per department and year</h3>")
        numeric = set(range(1, len(years_all) + 1))
        html.append(table(["department"] + [str(y) for y in years_all], rows, numeric))
        if len(c.department_years) > 300:
            html.append(f"<p class='muted'>… and {len(c.department_years) - 300} more.</p>")
    return "".join(html)


def _expenditure_chart(s: DepartmentSeries) -> str:
    years = sorted(s.expenditure)
    if not years:
        return "<p class='note'>No expenditure table (03) parsed for this department.</p>"
    basic = tuple(s.expenditure[y].get("basic") for y in years)
    project = tuple(s.expenditure[y].get("project") for y in years)
    other = []
    for y in years:
        amounts = s.expenditure[y]
        parts = amounts.get("basic", Decimal(0)) + amounts.get("project", Decimal(0))
        rest = amounts.get("total", Decimal(0)) - parts
        other.append(rest if rest > 0 else None)
    series = [
        Series("basic 基本支出", COLORS["basic"], basic),
        Series("project 项目支出", COLORS["project"], project),
    ]
    if any(v is not None for v in other):
        series.append(Series("other 其他", COLORS["other"], tuple(other)))
    return bar_chart(
        "Expenditure 支出决算 (table 03)", [str(y) for y in years], series, stacked=True
    )


def _budget_final_chart(title: str, data: dict[int, dict[str, Decimal]]) -> str:
    years = sorted(data)
    return bar_chart(
        title,
        [str(y) for y in years],
        [
            Series("budget 预算数", COLORS["budget"], tuple(data[y].get("budget") for y in years)),
            Series("final 决算数", COLORS["final"], tuple(data[y].get("final") for y in years)),
        ],
    )


def _execution_chart(data: dict[int, dict[str, Decimal]]) -> str:
    """Completion rate against 100 %, or budget against final amounts."""
    years = sorted(data)
    if any("completion" in data[y] for y in years):
        return bar_chart(
            "Execution against budget 预算完成率",
            [str(y) for y in years],
            [
                Series(
                    "final / initial budget 完成年初预算",
                    COLORS["final"],
                    tuple(data[y].get("completion") for y in years),
                )
            ],
            unit="%",
            divisor=Decimal(1),
            reference=100.0,
        )
    return _budget_final_chart("Execution against budget 预算执行", data)


def _department(s: DepartmentSeries, facts: ReleaseFacts) -> str:
    charts = [_expenditure_chart(s)]
    if s.sangong:
        charts.append(_budget_final_chart('"三公" budget vs final 三公经费 (table 09)', s.sangong))
    else:
        charts.append("<p class='note'>No 三公 table (09) parsed for this department.</p>")
    if s.execution:
        charts.append(_execution_chart(s.execution))
    elif facts.execution_source is not None:
        source = facts.execution_source
        charts.append(
            f"<p class='note'>Execution against budget (预算执行): not stated for this department "
            f"({esc(source.resource)}: {esc(', '.join(source.fields))} empty).</p>"
        )
    years = ", ".join(str(y) for y in s.years)
    return (
        f"<div class='dept'><h3>{esc(s.name)} <span class='muted'>{esc(s.department_id)} · "
        f"{esc(years)}</span></h3><div class='charts'>{''.join(charts)}</div></div>"
    )


def _comparison(facts: ReleaseFacts) -> str:
    if not facts.series:
        return "<p>No parsed expenditure or 三公 tables in this release.</p>"
    source = (
        f"Execution against budget: <code>{esc(facts.execution_source.resource)}</code> "
        f"(<code>{esc(', '.join(facts.execution_source.fields))}</code>)."
        if facts.execution_source
        else "Execution against budget (预算执行): not available in this release — it has no "
        "department × year panel with budget and final amounts; the 三公 charts compare budget "
        "and final for that part of spending."
    )
    shown = len(facts.series)
    more = (
        f" Showing the {shown} departments with the most years of {facts.series_departments};"
        " the others are in the data."
        if facts.series_departments > shown
        else ""
    )
    intro = (
        f"<p>One document per department and year: {esc(facts.current_rule)}. Amounts in 万元 "
        f"(hover a bar for the exact figure). {source}{more}</p>"
    )
    return intro + "".join(_department(s, facts) for s in facts.series)


def _issues(facts: ReleaseFacts) -> str:
    issues = facts.issues
    html = []
    if issues.by_check:
        html.append(
            table(
                ["check", "status", "findings", "documents", "what it asserts"],
                [
                    [
                        f"<code>{esc(c.check_id)}</code>",
                        esc(c.status),
                        str(c.findings),
                        str(c.documents),
                        esc(c.description),
                    ]
                    for c in issues.by_check
                ],
                {2, 3},
            )
        )
    else:
        html.append("<p>No check found a difference in this release.</p>")
    if issues.weakest:
        html.append("<h3>Lowest-scoring documents</h3>")
        html.append(
            table(
                ["document", "year", "department", "score", "identities failed", "tables missing"],
                [
                    [
                        esc(w.file_name),
                        esc(w.fiscal_year),
                        esc(w.department_name),
                        esc(w.score),
                        str(w.identities_failed),
                        str(w.tables_missing),
                    ]
                    for w in issues.weakest
                ],
                {3, 4, 5},
            )
        )
    if issues.held:
        html.append(f"<h3>Documents not parsed ({len(issues.held)})</h3><ul>")
        html += [
            f"<li>{esc(status)}: {esc(name)} — <span class='muted'>{esc(reason)}</span></li>"
            for status, name, reason in issues.held[:30]
        ]
        html.append("</ul>")
    return "".join(html)


def _changes(log: dict[str, Any]) -> str:
    if log.get("from") is None:
        return "<p>The first release: nothing to compare with.</p>"
    docs = log["documents"]
    rows = [
        [esc(name), str(r["rows_before"]), str(r["rows_after"]), str(r["added"]),
         str(r["removed"]), str(r["changed"])]
        for name, r in log["resources"].items()
    ]  # fmt: skip
    return (
        f"<p>Since <b>{esc(log['from'])}</b>: {len(docs['added'])} documents added, "
        f"{len(docs['removed'])} removed, {len(docs['reparsed'])} re-parsed; "
        f"{len(log['checks']['newly_failing'])} findings newly failing, "
        f"{len(log['checks']['fixed'])} fixed. Details: {_link('CHANGES.md')}.</p>"
        + table(
            ["resource", "before", "after", "added", "removed", "changed"],
            rows,
            {1, 2, 3, 4, 5},
        )
    )


def index_html(
    descriptor: dict[str, Any],
    facts: ReleaseFacts,
    log: dict[str, Any],
    package: dict[str, Any],
    archive: str,
) -> str:
    """The release's index.html."""
    version, created = descriptor["version"], descriptor["created"]
    license_ = (package.get("licenses") or [{}])[0]
    body = [
        f"<p>{esc(package.get('description', ''))}</p>",
        _cards(facts),
        _quick_links(descriptor, archive),
        "<h2>Multi-year comparison 多年度比较</h2>",
        _comparison(facts),
        "<h2>Coverage 覆盖范围</h2>",
        _coverage(facts),
        '<h2 id="files">Files 下载</h2>',
        _files(descriptor),
        "<h2>Known issues 已知问题</h2>",
        _issues(facts),
        "<h2>Changes 变更</h2>",
        _changes(log),
        "<h2>How to cite 引用</h2>",
        f"<p>{esc(citation(package, version, created, with_url=False))}</p>",
        f"<p class='muted'>License: {esc(license_.get('title', license_.get('name', '')))} "
        f"({esc(license_.get('name', ''))}); see {_link('README.md')} for the reasons, the "
        "project's address and how to load the data in pandas, DuckDB and R.</p>",
    ]
    return page(
        str(package.get("title", "")),
        f"Release {version} · created {created}",
        "\n".join(body),
    )
