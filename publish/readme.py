"""The package README.md and CITATION.cff: what a researcher reads first.

Coverage and known issues come from the release's own warehouse snapshot (publish.facts), the
license and its rationale from schemas/package.yaml, so the README cannot drift from the data.
The loading snippets are run by the tests against a real release.
"""

from __future__ import annotations

from typing import Any

import yaml

from juesuan.rawstore import display_name
from publish.facts import ReleaseFacts

MAX_COVERAGE_ROWS = 100

PANDAS = """```python
import pandas as pd
from decimal import Decimal

# Parquet keeps the schema's types: amounts are exact decimal.Decimal values, codes are text.
items = pd.read_parquet("parquet/line_items.parquet")
spending = items[(items.table_no == "03") & (items.item == "total")]
print(spending.pivot_table(index=["department_id", "fiscal_year"], columns="measure",
                           values="amount_yuan", aggfunc="first"))

# The CSV: read every column as text (codes keep leading zeros), then amounts as Decimal.
items_csv = pd.read_csv("line_items.csv", dtype=str, keep_default_na=False)
items_csv["amount_yuan"] = items_csv["amount_yuan"].map(Decimal)
print(items_csv.groupby("table_no")["amount_yuan"].count())
```"""

DUCKDB = '''```python
import duckdb

# Query the Parquet files directly ...
con = duckdb.connect()  # an in-memory database
print(con.sql("""
    SELECT department_id, fiscal_year, measure, amount_yuan
    FROM 'parquet/line_items.parquet'
    WHERE table_no = '03' AND item = 'total' AND measure IN ('total', 'basic', 'project')
    ORDER BY department_id, fiscal_year, measure
"""))

# ... or open the warehouse shipped with the release (tables and views), read-only.
warehouse = duckdb.connect("juesuan.duckdb", read_only=True)
print(warehouse.sql("SELECT count(*) AS line_items FROM line_items"))
warehouse.close()
```

From the DuckDB command line: `duckdb -readonly juesuan.duckdb`, or
`SELECT * FROM 'line_items.csv'` on the CSVs.'''

R = """```r
# install.packages(c("arrow", "readr"))
library(arrow)
items <- read_parquet("parquet/line_items.parquet")  # decimals arrive as doubles in R

# The CSV with every column as text (codes keep leading zeros), then amounts as numbers:
items <- readr::read_csv("line_items.csv", col_types = readr::cols(.default = "c"))
items$amount_yuan <- as.numeric(items$amount_yuan)  # exact to the fen below 10^13 yuan

# Or the warehouse: install.packages("duckdb"), at least the DuckDB version that wrote it
# (datapackage.json, x-warehouse.duckdb_version)
con <- DBI::dbConnect(duckdb::duckdb(), dbdir = "juesuan.duckdb", read_only = TRUE)
DBI::dbGetQuery(con, "SELECT fiscal_year, count(*) FROM line_items GROUP BY 1")
```"""

EXCEL = """Excel decodes a CSV without a byte-order mark in the computer's legacy code page (GBK on
Chinese Windows, Windows-1252 elsewhere), which garbles every Chinese character. The files under
`excel/` are the same CSVs with a UTF-8 byte-order mark: double-click them and the Chinese stays
intact. Excel still reads text that looks like a number as a number (`table_no` 01 shows as 1,
long codes may lose digits): to keep them, import instead with Data → From Text/CSV and set those
columns to Text. For analysis, prefer the Parquet files or the CSVs with the loaders below."""


def authors(package: dict[str, Any]) -> list[str]:
    """The contributors with role author (the data package's citation authors)."""
    found = [c["title"] for c in package.get("contributors", []) if c.get("role") == "author"]
    return found or [package.get("name", "juesuan")]


def citation(package: dict[str, Any], version: str, created: str, with_url: bool = True) -> str:
    """A plain-text citation naming the version and its release date."""
    date = created[:10]
    text = (
        f"{', '.join(authors(package))} ({date[:4]}). {package.get('title', '')}. "
        f"Data package, version {version}, released {date}."
    )
    if with_url and package.get("homepage"):
        text += f" {package['homepage']}"
    return text


def citation_cff(package: dict[str, Any], version: str, created: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0), read by GitHub, Zenodo and reference managers."""
    license_name = (package.get("licenses") or [{}])[0].get("name")
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this data, please cite it as below.",
        "type": "dataset",
        "title": package.get("title", ""),
        "version": version,
        "date-released": created[:10],
        "authors": [{"name": a} for a in authors(package)],
        "license": license_name,
        "abstract": package.get("description", ""),
        "keywords": package.get("keywords", []),
    }
    if package.get("homepage"):
        data["url"] = package["homepage"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _coverage(facts: ReleaseFacts) -> list[str]:
    c = facts.coverage
    statuses = ", ".join(f"{n} {s}" for s, n in c.by_status.items()) or "none"
    years = (
        f"{c.fiscal_years[0]}–{c.fiscal_years[-1]} ({len(c.fiscal_years)} years)"
        if c.fiscal_years
        else "none"
    )
    out = [
        f"- **Documents:** {c.documents} ({statuses})",
        f"- **Departments:** {c.departments}",
        f"- **Fiscal years with parsed documents:** {years}",
        "- **Rows:** " + ", ".join(f"{name} {n}" for name, n in c.rows.items()),
        "",
    ]
    if c.department_years:
        years_all = list(c.fiscal_years)
        out += ["Parsed documents per department and fiscal year:", ""]
        out.append("| department | " + " | ".join(str(y) for y in years_all) + " |")
        out.append("|---|" + "---:|" * len(years_all))
        for i, (dept, (name, per_year)) in enumerate(c.department_years.items()):
            if i == MAX_COVERAGE_ROWS:
                rest = len(c.department_years) - MAX_COVERAGE_ROWS
                out.append(f"\n… and {rest} more departments (see documents.csv).")
                break
            cells = " | ".join(str(per_year.get(y, "")) for y in years_all)
            out.append(f"| {name} (`{dept}`) | {cells} |")
        out.append("")
    return out


def _md(text: str) -> str:
    """Text from a document (a file name, a reason) in Markdown: on one line, and not read as
    a table cell border, a link or HTML."""
    shown = display_name(text)
    for char in "\\|[]<>`":
        shown = shown.replace(char, "\\" + char)
    return shown


def _issues(facts: ReleaseFacts) -> list[str]:
    issues = facts.issues
    out = [
        "Findings are data: every check that did not hold exactly is a row of "
        "`check_results` (`rounding`: within the rounding tolerance, 尾差; `error`: beyond "
        "it), and `scorecards` rates every parsed document.",
        "",
    ]
    if issues.by_check:
        out += [
            "| check | status | findings | documents | what it asserts |",
            "|---|---|---:|---:|---|",
        ]
        out += [
            f"| `{c.check_id}` | {c.status} | {c.findings} | {c.documents} | {c.description} |"
            for c in issues.by_check
        ]
        out.append("")
    else:
        out += ["No check found a difference in this release.", ""]
    if issues.weakest:
        out += ["Lowest-scoring documents:", "", "| document | year | department | score | "
                "identities failed | tables missing |", "|---|---|---|---:|---:|---:|"]  # fmt: skip
        out += [
            f"| {_md(w.file_name)} | {w.fiscal_year or ''} | {_md(w.department_name or '')} | "
            f"{w.score} | "
            f"{w.identities_failed} | {w.tables_missing} |"
            for w in issues.weakest
        ]
        out.append("")
    if issues.held:
        out += [f"Documents not parsed ({len(issues.held)}):", ""]
        out += [
            f"- {status}: {_md(name)} — {_md(reason or '')}"
            for status, name, reason in issues.held[:30]
        ]
        if len(issues.held) > 30:
            out.append(f"- … and {len(issues.held) - 30} more (documents.csv, status_reason)")
        out.append("")
    return out


def _changes(log: dict[str, Any]) -> list[str]:
    if log.get("from") is None:
        return ["The first release: nothing to compare with.", ""]
    docs = log["documents"]
    rows = log["resources"]
    summary = ", ".join(
        f"{name} +{r['added']} −{r['removed']} ~{r['changed']}"
        for name, r in rows.items()
        if r["added"] or r["removed"] or r["changed"]
    )
    return [
        f"Since {log['from']}: {len(docs['added'])} documents added, {len(docs['removed'])} "
        f"removed, {len(docs['reparsed'])} re-parsed; rows {summary or 'unchanged'}; "
        f"{len(log['checks']['newly_failing'])} findings newly failing, "
        f"{len(log['checks']['fixed'])} fixed. Details: CHANGES.md and changes.json.",
        "",
    ]


def _files(descriptor: dict[str, Any], archive: str) -> list[str]:
    out = ["| file | what |", "|---|---|"]
    out.append(f"| `{archive}` | everything below, in one zip (checksum in `{archive}.sha256`) |")
    out.append("| `datapackage.json` | Frictionless Data Package: schemas, sources, checksums |")
    for r in descriptor["resources"]:
        out.append(
            f"| `{r['path']}`, `parquet/{r['name']}.parquet`, `excel/{r['name']}.csv` | "
            f"{r['title']}: {r.get('x-rows', '?')} rows |"
        )
    out += [
        "| `juesuan.duckdb` | the DuckDB warehouse the files were exported from (tables, views) |",
        "| `DICTIONARY.md`, `dictionary.html` | the data dictionary, English and Chinese |",
        "| `CHANGES.md`, `changes.json` | what changed since the previous release |",
        "| `index.html` | an overview page with charts, readable offline |",
        "| `CITATION.cff` | citation metadata |",
        "| `SHA256SUMS` | checksums of every file: `sha256sum -c SHA256SUMS` |",
        "",
    ]
    return out


def readme_markdown(
    descriptor: dict[str, Any],
    facts: ReleaseFacts,
    log: dict[str, Any],
    package: dict[str, Any],
    archive: str,
) -> str:
    """The package README.md."""
    version, created = descriptor["version"], descriptor["created"]
    license_ = (package.get("licenses") or [{}])[0]
    exec_note = (
        f"Execution against budget comes from `{facts.execution_source.resource}` "
        f"({', '.join(facts.execution_source.fields)})."
        if facts.execution_source
        else "No department × year panel with budget and final amounts is in this release, so "
        "the page shows execution against budget only for 三公 (table 09)."
    )
    out = [
        f"# {package.get('title', '')}",
        "",
        f"Release **{version}**, created {created}.",
        "",
        package.get("description", ""),
        "",
        "## Files",
        "",
        *_files(descriptor, archive),
        "## Coverage",
        "",
        *_coverage(facts),
        "## How to cite",
        "",
        citation(package, version, created),
        "",
        "Cite the version you used: releases are immutable, so the version and its date identify "
        "the exact data. `CITATION.cff` has the same in machine-readable form. The source "
        "documents are listed with their addresses and SHA-256 in `datapackage.json` (`sources`).",
        "",
        "## License",
        "",
        f"The data are published under **{license_.get('title', license_.get('name'))}** "
        f"({license_.get('name')}, {license_.get('path')}).",
        "",
        package.get("x-license-rationale", ""),
        "",
        "## Fiscal Data Package annotations",
        "",
        "`datapackage.json` carries Fiscal Data Package (OpenSpending) annotations as `x-fiscal` "
        "properties: currency CNY and factor 1 (amounts in 元); phase `executed` (决算), with the "
        "budget columns (预算数) `approved`; the direction of each row (revenue, expenditure or "
        "balance) as rules on its fields; and the classification type of `code` (functional "
        "功能分类, economic 经济分类 in table 06). DICTIONARY.md explains each one.",
        "",
        "## How to load it",
        "",
        "### Python (pandas)",
        "",
        PANDAS,
        "",
        "### DuckDB",
        "",
        DUCKDB,
        "",
        "### R",
        "",
        R,
        "",
        "### Excel",
        "",
        EXCEL,
        "",
        "## Verifying a download",
        "",
        "```sh",
        "sha256sum -c SHA256SUMS                # every file against its checksum",
        "frictionless validate datapackage.json  # schemas, keys and hashes of the CSVs",
        "```",
        "",
        "## Known issues",
        "",
        *_issues(facts),
        "## Changes",
        "",
        *_changes(log),
        "## Charts",
        "",
        "`index.html` charts each department's expenditure by year (basic and project, table 03), "
        f"三公 budget against final (table 09) and execution against budget, using "
        f"{facts.current_rule} for each department and year. {exec_note}",
        "",
        "Amounts on the page are in 万元; in the data they are in 元.",
        "",
    ]
    return "\n".join(out)
