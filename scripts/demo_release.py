"""Build two releases from a synthetic multi-year warehouse, to look at the release page.

    .venv/bin/python scripts/demo_release.py OUTDIR

The bundled samples hold one document per department, so their charts have one bar each; this
writes the canonical records of synthetic disclosures (juesuan.synthetic, every name marked 合成,
"synthetic") for three departments over six fiscal years straight into the parsed Parquet layout,
with a stated budget completion rate per year (the prose fact 完成年初预算的 x%), builds the
warehouse, publishes a first release without the last year, then a second one with it, so the
page shows multi-year charts and a change log. Prints the second release's folder.
"""

from __future__ import annotations

import hashlib
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from juesuan.paths import Layout
from juesuan.schema import arrow_schema
from juesuan.synthetic.accounts import make_accounts
from juesuan.warehouse import build_warehouse
from publish.release import build_release

DEPARTMENTS = ("合成市甲区合成统计局", "合成市乙区合成档案局", "合成市丙区合成测绘局")
YEARS = range(2019, 2025)


def _write(layout: Layout, year: int, resource: str, rows: list[dict[str, Any]]) -> None:
    schema = arrow_schema(resource)
    path = layout.parsed_file(year, resource)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema)
    pq.write_table(table, path)


def _completion(doc_id: str, year: int, n: int) -> dict[str, Any]:
    """A stated budget completion rate (完成年初预算的 x%), as the narrative parser records it."""
    pct = Decimal(88 + (year * 7 + n * 5) % 17) + Decimal("0.25")
    sentence = f"（合成）一般公共预算财政拨款支出完成年初预算的{pct}%。"
    return {
        "document_id": doc_id,
        "fiscal_year": year,
        "fact_no": 1,
        "topic": "general_public_budget",
        "section": "五",
        "subject": "一般公共预算财政拨款支出",
        "measure": "completion_rate",
        "value": pct,
        "unit": "%",
        "printed": f"{pct}%",
        "unit_printed": True,
        "pattern": "synthetic",
        "sentence": sentence,
        "source_ref": "synthetic",
    }


def _year(layout: Layout, year: int) -> None:
    documents, tables, items, facts = [], [], [], []
    for n, name in enumerate(DEPARTMENTS):
        accounts = make_accounts(1000 * n + year, year, department_name=name, classes=26)
        sha = hashlib.sha256(f"synthetic {name} {year}".encode()).hexdigest()
        doc_id, dept_id = sha[:16], "dept-" + hashlib.sha256(name.encode()).hexdigest()[:12]
        present = sorted({li.table_no for li in accounts.line_items})
        facts.append(_completion(doc_id, year, n))
        documents.append(
            {
                "document_id": doc_id,
                "sha256": sha,
                "file_name": f"synthetic-{n}-{year}年度部门决算.txt",
                "source_uri": f"synthetic/{n}/{year}.txt",
                "format": "txt",
                "kind": "final_accounts",
                "fiscal_year": year,
                "department_id": dept_id,
                "department_name": name,
                "published_unit": "万元",
                "page_count": 1,
                "tables_with_data": " ".join(present),
                "tables_empty": " ".join(sorted(accounts.empty_tables)),
                "line_item_count": len(accounts.line_items),
                "parser_version": "demo",
                "status": "parsed",
            }
        )
        for no in present:
            count = sum(li.table_no == no for li in accounts.line_items)
            tables.append(
                {"document_id": doc_id, "table_no": no, "status": "data", "row_count": count}
            )
        for li in accounts.line_items:
            row = {k: getattr(li, k) for k in ("table_no", "side", "code", "item", "name")}
            row |= {"measure": li.measure, "amount_yuan": li.amount_yuan}
            items.append(
                row
                | {
                    "document_id": doc_id,
                    "fiscal_year": year,
                    "department_id": dept_id,
                    "published_unit": li.published_unit,
                    "source_ref": li.source_ref,
                }
            )
    _write(layout, year, "documents", documents)
    _write(layout, year, "document_tables", tables)
    _write(layout, year, "line_items", items)
    _write(layout, year, "narrative_facts", facts)


def main(outdir: Path) -> Path:
    layout = Layout.under(outdir)
    for year in YEARS[:-1]:
        _year(layout, year)
    build_warehouse(layout)
    build_release(layout).raise_if_invalid()
    _year(layout, YEARS[-1])
    build_warehouse(layout)
    summary = build_release(layout).raise_if_invalid()
    assert summary.path is not None
    return summary.path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(main(Path(sys.argv[1])))
