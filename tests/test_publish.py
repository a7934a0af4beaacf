"""Releases researchers can trust: complete, verifiable, immutable, atomic, documented, offline.

Small warehouses are written as parsed Parquet files (the helpers of test_release) and built
for real; every release is then checked from the outside: frictionless, sha256sum-style sums,
the zip, the change log against known differences, and builds killed midway.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pyarrow.parquet as pq
import pytest
from test_constraints import corrupt
from test_release import DEPT, DOC, item, warehouse, write
from typer.testing import CliRunner

from juesuan import schema
from juesuan.checks.identities import CHECKS
from juesuan.cli import app
from juesuan.paths import Layout
from juesuan.warehouse import build_warehouse
from publish import archive, export, validate
from publish.changes import compare_releases
from publish.descriptor import checksum_mismatches, file_stats, listed_files
from publish.export import UTF8_BOM
from publish.facts import execution_source
from publish.page import _execution_chart
from publish.release import ReleaseError, build_release, list_releases
from publish.staging import PAUSE_ENV, TMP_PREFIX
from publish.validate import ReleaseIssue, frictionless_issues, sql_can_check, validate_release

TESTS = Path(__file__).resolve().parent
DEPT2 = "dept-bbbbbbbbbbbb"
DOC2, DOC3 = "b" * 16, "c" * 16


def document(doc: str, dept: str, year: int, name: str, **kw: Any) -> dict[str, Any]:
    row = {
        "document_id": doc,
        "sha256": doc * 4,
        "file_name": f"{name}{year}年度部门决算.pdf",
        "source_uri": f"https://example.gov.cn/{doc}.pdf",
        "format": "pdf",
        "kind": "final_accounts",
        "fiscal_year": year,
        "department_id": dept,
        "department_name": name,
        "published_unit": "万元",
        "page_count": 20,
        "line_item_count": 3,
        "parser_version": "1.0",
        "status": "parsed",
    }
    return row | kw


def finding(doc: str, check: str, row: str, status: str, **kw: Any) -> dict[str, Any]:
    """A check_results row, with the amount fields under their old and new names."""
    values = {
        "expected": Decimal("10.00"),
        "actual": Decimal("10.02"),
        "difference": Decimal("0.02"),
    }
    return {
        "document_id": doc,
        "fiscal_year": 2023,
        "check_id": check,
        "table_no": "05",
        "row": row,
        "measure": "total",
        "unit": "元",
        **values,
        **{f"{k}_yuan": v for k, v in values.items()},
        "tolerance": Decimal("0.01"),
        "tolerance_yuan": Decimal("0.01"),
        "parts": 2,
        "status": status,
        "source_ref": f"p1 r{row}",
        **kw,
    }


def spending(doc: str, dept: str, year: int, basic: str, project: str) -> list[dict[str, Any]]:
    """Table 03 totals and table 09 budget/final, as the charts read them."""
    common = {"document_id": doc, "department_id": dept, "fiscal_year": year, "side": None}
    total = Decimal(basic) + Decimal(project)
    rows = [
        item(**common, table_no="03", item="total", name="合计", measure=m, amount_yuan=a,
             source_ref=f"p3 r{i}")
        for i, (m, a) in enumerate(
            [("total", total), ("basic", Decimal(basic)), ("project", Decimal(project))]
        )
    ]  # fmt: skip
    rows += [
        item(**common, table_no="09", item="total", name="合计", measure=m, amount_yuan=a,
             source_ref=f"p9 r{i}")
        for i, (m, a) in enumerate([("budget", Decimal("95000.00")), ("final", Decimal("41000"))])
    ]  # fmt: skip
    return rows


def multi_year(base: Path) -> Layout:
    """One department over two fiscal years, with expenditure and 三公 totals."""
    layout = Layout.under(base)
    for year, doc in ((2022, DOC2), (2023, DOC)):
        write(layout, year, "documents", [document(doc, DEPT, year, "某市财政局")])
        write(
            layout,
            year,
            "line_items",
            spending(doc, DEPT, year, "20844800.00", "3290400.00" if year == 2023 else "0.00"),
        )
    build_warehouse(layout)
    return layout


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    layout = multi_year(tmp_path_factory.mktemp("multi"))
    summary = build_release(layout, version="2025.01.0").raise_if_invalid()
    assert summary.path is not None
    return summary.path


def test_frictionless_validates_the_release(released: Path) -> None:
    report = frictionless.Package(str(released / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_checksum_matches(released: Path) -> None:
    descriptor = json.loads((released / "datapackage.json").read_text("utf-8"))
    entries = listed_files(descriptor)
    # Every resource's CSV, Parquet and Excel copy, and the warehouse, are listed ...
    assert len(entries) == 3 * len(schema.resources()) + 1
    for entry in entries:
        data = (released / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data), entry["path"]
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), entry["path"]
    assert checksum_mismatches(released) == []
    # ... SHA256SUMS covers every file but itself and the zip, in `sha256sum -c` format ...
    listed = {}
    for line in (released / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((released / name).read_bytes()).hexdigest() == digest
    files = {p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()}
    zip_name = "juesuan-2025.01.0.zip"
    assert set(listed) == files - {"SHA256SUMS", zip_name, f"{zip_name}.sha256"}
    # ... and the zip holds everything else, byte for byte, in sorted order, with its checksum.
    digest, name = (released / f"{zip_name}.sha256").read_text("utf-8").split()
    assert (name, digest) == (zip_name, file_stats(released / zip_name)[1].split(":")[1])
    with zipfile.ZipFile(released / zip_name) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {n.removeprefix("juesuan-2025.01.0/") for n in names} == files - {
            zip_name,
            f"{zip_name}.sha256",
        }
        inside = zf.read("juesuan-2025.01.0/line_items.csv")
        assert inside == (released / "line_items.csv").read_bytes()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_descriptor_is_complete(released: Path) -> None:
    d = json.loads((released / "datapackage.json").read_text("utf-8"))
    for key in ("name", "title", "description", "version", "created", "licenses", "contributors"):
        assert d[key], key
    assert d["licenses"][0]["name"] == "CC-BY-4.0" and d["x-license-rationale"]
    assert {(s["title"], s["path"], s["sha256"]) for s in d["sources"]} == {
        ("某市财政局2022年度部门决算.pdf", f"https://example.gov.cn/{DOC2}.pdf", DOC2 * 4),
        ("某市财政局2023年度部门决算.pdf", f"https://example.gov.cn/{DOC}.pdf", DOC * 4),
    }
    assert d["x-coverage"] == {
        "documents": 2,
        "documents_by_status": {"parsed": 2},
        "departments": 1,
        "fiscal_years": [2022, 2023],
    }
    assert [r["name"] for r in d["resources"]] == [r.name for r in schema.resources()]
    items = next(r for r in d["resources"] if r["name"] == "line_items")
    assert items["x-rows"] == 10
    assert items["x-fiscal"]["currency"] == "CNY"
    assert items["x-fiscal"]["phase"] == {
        "default": "executed",
        "byMeasure": {"budget": "approved"},
    }
    assert "x-fiscal" not in items["schema"]  # moved from the Table Schema to the resource
    fields = {f["name"]: f for f in items["schema"]["fields"]}
    assert fields["code"]["x-fiscal"]["classificationType"] == {
        "default": "functional",
        "byTable": {"06": "economic"},
    }
    assert fields["amount_yuan"]["x-fiscal"] == {
        "columnType": "value",
        "currency": "CNY",
        "factor": 1,
    }
    assert fields["amount_yuan"]["title_zh"] == "金额（元）"
    assert [a["format"] for a in items["x-alternates"]] == ["parquet", "csv"]


CORE = ("documents", "document_tables", "departments", "line_items", "checks", "check_results")


def test_field_titles_in_both_languages() -> None:
    """Every field of the core resources has English and Chinese titles and descriptions; any
    schema that gives Chinese titles gives them to all its fields."""
    for r in schema.resources():
        if r.name in (*CORE, "scorecards"):
            missing = [
                f.name
                for f in r.fields
                if not all(
                    (f.title, f.description, f.descriptor.get("title_zh"),
                     f.descriptor.get("description_zh"))
                )
            ]  # fmt: skip
            assert missing == [], f"{r.name}: fields without both languages: {missing}"
        titled = [bool(f.descriptor.get("title_zh")) for f in r.fields]
        assert all(titled) or not any(titled), f"{r.name}: some fields lack title_zh"


def test_parquet_and_excel_copies(released: Path) -> None:
    table = pq.read_table(released / "parquet" / "line_items.parquet")
    assert str(table.schema.field("amount_yuan").type) == "decimal128(18, 2)"
    assert table.num_rows == 10
    assert (
        pq.ParquetFile(released / "parquet" / "line_items.parquet")
        .metadata.row_group(0)
        .column(0)
        .compression
        == "ZSTD"
    )
    csv_bytes = (released / "line_items.csv").read_bytes()
    assert not csv_bytes.startswith(UTF8_BOM)
    assert (released / "excel" / "line_items.csv").read_bytes() == UTF8_BOM + csv_bytes
    assert "某市财政局" in (released / "excel" / "documents.csv").read_text("utf-8-sig")


def test_release_is_read_only_and_never_overwritten(released: Path) -> None:
    for path in [released, *released.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o555 if path.is_dir() else 0o444), path
    layout = Layout.under(released.parent.parent)
    with pytest.raises(ReleaseError, match="already exists"):
        build_release(layout, version="2025.01.0")


def test_html_page_is_offline_and_has_the_charts(released: Path) -> None:
    html = (released / "index.html").read_text("utf-8")
    for page in (html, (released / "dictionary.html").read_text("utf-8")):
        assert "://" not in page  # no external URL of any kind: nothing to fetch, nothing to follow
        assert not re.search(r"<script|<link|<img|<iframe|@import|url\(", page, re.I)
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert all(h.startswith("#") or (released / h).is_file() for h in hrefs), hrefs
    assert html.count("<svg") == 3  # documents per year, expenditure, 三公
    assert "Expenditure 支出决算 (table 03)" in html and "三公" in html
    # exact amounts in 万元 in the tooltips: 20844800.00 yuan is 2,084.48 万元
    assert "2022 basic 基本支出: 2,084.48 万元" in html
    assert "2023 project 项目支出: 329.04 万元" in html
    assert "2023 final 决算数: 4.10 万元" in html
    # No execution stated in these documents: said, not drawn.
    if execution_source() is None:
        assert "Execution against budget (预算执行): not available" in html
    else:
        assert "Execution against budget (预算执行): not stated for this department" in html


def test_execution_chart_draws_completion_against_100_percent() -> None:
    svg = _execution_chart({2022: {"completion": Decimal("79.88")}, 2023: {}})
    assert svg.startswith("<svg") and "2022 final / initial budget 完成年初预算: 79.88 %" in svg
    assert 'stroke-dasharray="4 3"' in svg  # the 100 % line
    amounts = _execution_chart({2023: {"budget": Decimal("100000"), "final": Decimal("90000")}})
    assert "2023 budget 预算数: 10.00 万元" in amounts and "2023 final 决算数: 9.00 万元" in amounts


def test_readme_and_dictionary(released: Path) -> None:
    readme = (released / "README.md").read_text("utf-8")
    assert "version 2025.01.0, released" in readme
    assert "CC-BY-4.0" in readme and "attribution" in readme
    assert re.search(r"\| 某市财政局 \(`dept-[0-9a-f]{12}`\) \| 1 \| 1 \|", readme)
    for language in ("```python", "```r"):
        assert language in readme
    dictionary = (released / "DICTIONARY.md").read_text("utf-8")
    for r in schema.resources():
        assert f"## {r.name}" in dictionary
        for f in r.fields:
            assert f"`{f.name}`" in dictionary
    assert "| `amount_yuan` | number | yes |" in dictionary and "金额（元）" in dictionary
    cff = (released / "CITATION.cff").read_text("utf-8")
    assert "version: 2025.01.0" in cff and "type: dataset" in cff


def test_readme_python_snippets_run(released: Path, monkeypatch, capsys) -> None:
    readme = (released / "README.md").read_text("utf-8")
    snippets = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(snippets) == 2
    monkeypatch.chdir(released)
    for code in snippets:
        exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "20844800.00" in out and "line_items" in out


def _csv(folder: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    key = resource["schema"].get("primaryKey") or []
    with (folder / resource["path"]).open(encoding="utf-8", newline="") as f:
        return ([key] if isinstance(key, str) else list(key)), list(csv.DictReader(f))


def differences(before: Path, after: Path, name: str) -> tuple[int, int, int]:
    """(added, removed, changed) rows of a resource between two releases, by primary key."""
    key, old = _csv(before, name)
    _, new = _csv(after, name)
    if not key:
        a, b = Counter(tuple(r.items()) for r in old), Counter(tuple(r.items()) for r in new)
        return sum((b - a).values()), sum((a - b).values()), 0
    by_key_old = {tuple(r[k] for k in key): r for r in old}
    by_key_new = {tuple(r[k] for k in key): r for r in new}
    added = len(by_key_new.keys() - by_key_old.keys())
    removed = len(by_key_old.keys() - by_key_new.keys())
    changed = sum(by_key_old[k] != by_key_new[k] for k in by_key_old.keys() & by_key_new.keys())
    return added, removed, changed


def _warehouse(layout: Layout, documents: list, items: list, findings: list, tables: list) -> None:
    for path in layout.parsed_dir.rglob("*.parquet"):
        path.unlink()
    for year in (2023, 2024):
        write(layout, year, "documents", [d for d in documents if d["fiscal_year"] == year])
        write(layout, year, "line_items", [i for i in items if i["fiscal_year"] == year])
        write(layout, year, "check_results", [f for f in findings if f["fiscal_year"] == year])
        docs = {d["document_id"] for d in documents if d["fiscal_year"] == year}
        write(layout, year, "document_tables", [t for t in tables if t["document_id"] in docs])
    build_warehouse(layout)


def test_change_log_lists_exactly_the_differences(tmp_path: Path) -> None:
    layout = Layout.under(tmp_path)
    c1, c2 = CHECKS[0].id, CHECKS[1].id
    doc1 = document(DOC, DEPT, 2023, "某市财政局")
    i1, i3 = item(), item(table_no="05", side=None, item="total", name="合计", measure="total",
                          amount_yuan=Decimal("300.00"), source_ref="p12 r3")  # fmt: skip
    i2 = item(table_no="05", side=None, item=None, code="2010301", name="行政运行",
              measure="basic", amount_yuan=Decimal("200.00"), source_ref="p12 r4")  # fmt: skip
    i4 = item(document_id=DOC2, department_id=DEPT2, table_no="03", side=None, item="total",
              name="合计", measure="total", amount_yuan=Decimal("50.00"))  # fmt: skip
    table = {"document_id": DOC, "table_no": "05", "status": "data", "row_count": 2}
    _warehouse(
        layout,
        [doc1, document(DOC2, DEPT2, 2023, "某市教育局")],
        [i1, i2, i3, i4],
        [finding(DOC, c1, "1", "error"), finding(DOC, c2, "2", "rounding")],
        [table],
    )
    before = build_release(layout, version="2024.01.0").raise_if_invalid()

    i5 = item(table_no="05", side=None, item=None, code="2010302", name="一般行政管理事务",
              measure="project", amount_yuan=Decimal("10.00"), source_ref="p12 r5")  # fmt: skip
    i6 = item(document_id=DOC3, fiscal_year=2024, table_no="03", side=None, item="total",
              name="合计", measure="total", amount_yuan=Decimal("70.00"))  # fmt: skip
    _warehouse(
        layout,
        [doc1 | {"parser_version": "2.0"}, document(DOC3, DEPT, 2024, "某市财政局")],
        [i1, i2 | {"amount_yuan": Decimal("250.00")}, i5, i6],
        [
            finding(DOC, c2, "2", "error"),
            finding(DOC3, c1, "3", "error", fiscal_year=2024),
        ],
        [table, {"document_id": DOC3, "table_no": "03", "status": "data", "row_count": 1}],
    )
    after = build_release(layout, version="2024.01.1").raise_if_invalid()
    assert after.previous == "2024.01.0"
    log = json.loads((after.path / "changes.json").read_text("utf-8"))
    assert (log["from"], log["to"]) == ("2024.01.0", "2024.01.1")
    docs = log["documents"]
    assert [d["document_id"] for d in docs["added"]] == [DOC3]
    assert [d["document_id"] for d in docs["removed"]] == [DOC2]
    assert docs["reparsed"] == [
        {
            "document_id": DOC,
            "file_name": "某市财政局2023年度部门决算.pdf",
            "sha256": DOC * 4,
            "parser_version_before": "1.0",
            "parser_version_after": "2.0",
        }
    ]
    counts = {n: (r["added"], r["removed"], r["changed"]) for n, r in log["resources"].items()}
    # Every resource, derived ones included, against a comparison of the CSVs in Python ...
    assert counts == {
        r.name: differences(before.path, after.path, r.name) for r in schema.resources()
    }
    # ... and the resources written above exactly as they were changed.
    assert {n: counts[n] for n in ("documents", "departments", "line_items")} == {
        "documents": (1, 1, 1),
        "departments": (0, 1, 0),  # 某市教育局 left with its only document
        "line_items": (2, 2, 1),
    }
    assert counts["document_tables"] == (1, 0, 0) and counts["check_results"] == (1, 1, 1)
    items = log["resources"]["line_items"]
    assert [(r["document_id"], r["code"] or r["item"]) for r in items["added_rows"]] == [
        (DOC, "2010302"),
        (DOC3, "total"),
    ]
    assert [(r["document_id"], r["table_no"], r["item"]) for r in items["removed_rows"]] == [
        (DOC, "05", "total"),
        (DOC2, "03", "total"),
    ]
    assert items["changed_rows"] == [
        {
            "key": {
                "document_id": DOC,
                "table_no": "05",
                "side": None,
                "code": "2010301",
                "item": None,
                "measure": "basic",
            },
            "changes": {"amount_yuan": ["200.00", "250.00"]},
        }
    ]
    assert log["resources"]["documents"]["changed_rows"][0]["changes"] == {
        "parser_version": ["1.0", "2.0"]
    }
    checks = log["checks"]
    assert [
        (f["document_id"], f["check_id"], f["new_document"]) for f in checks["newly_failing"]
    ] == [
        (DOC, c2, False),
        (DOC3, c1, True),
    ]
    assert [(f["document_id"], f["check_id"]) for f in checks["fixed"]] == [(DOC, c1)]
    md = (after.path / "CHANGES.md").read_text("utf-8")
    assert "# Changes in 2024.01.1 since 2024.01.0" in md
    assert "| line_items | 4 | 4 | 2 | 2 | 1 |" in md
    assert "amount_yuan: 200.00 → 250.00" in md
    first = json.loads((before.path / "changes.json").read_text("utf-8"))
    assert first["from"] is None and "first release" in (before.path / "CHANGES.md").read_text()


KILL_POINTS = ["snapshot", "export", "validated", "archive", "sealed"]


def test_a_build_killed_midway_leaves_no_partial_release(tmp_path: Path) -> None:
    layout = warehouse(tmp_path)
    first = build_release(layout, version="2024.01.0").raise_if_invalid()
    code = (
        "import sys; from pathlib import Path; from juesuan.paths import Layout; "
        "from publish.release import build_release; "
        f"build_release(Layout.under(Path({str(tmp_path)!r})), version='2024.01.1')"
    )
    for step in KILL_POINTS:
        child = subprocess.Popen(
            [sys.executable, "-c", code],
            env={**os.environ, PAUSE_ENV: step},
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stderr is not None
            said = [child.stderr.readline()]
            while said[-1] and not said[-1].startswith("paused after"):
                said.append(child.stderr.readline())  # warnings may come first
            assert said[-1].strip() == f"paused after {step}", "".join(said)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stderr.close()
        names = sorted(p.name for p in layout.releases_dir.iterdir())
        assert [n for n in names if not n.startswith(".")] == ["2024.01.0"], step
        assert any(n.startswith(TMP_PREFIX) for n in names), step  # killed mid-build indeed
        assert [r.version for r in list_releases(layout)] == ["2024.01.0"]
    # The release published before is untouched, and the next build cleans up and succeeds.
    assert checksum_mismatches(first.path) == []
    summary = build_release(layout).raise_if_invalid()
    assert summary.previous == "2024.01.0"
    assert not list(layout.releases_dir.glob(f"{TMP_PREFIX}*"))
    assert checksum_mismatches(summary.path) == []


def test_publish_and_releases_commands(tmp_path: Path) -> None:
    warehouse(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["publish", "--base-dir", str(tmp_path), "--version", "2024.02.0"])
    assert result.exit_code == 0, result.output
    assert "Release 2024.02.0 (first release)" in result.output
    assert str(tmp_path / "releases" / "2024.02.0") in result.output.replace("\n", "")
    again = runner.invoke(app, ["publish", "--base-dir", str(tmp_path), "--version", "2024.02.0"])
    assert again.exit_code == 1 and "already exists" in again.output
    listed = runner.invoke(app, ["releases", "--base-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    (info,) = list_releases(Layout.under(tmp_path))
    assert (info.version, info.documents) == ("2024.02.0", 1)
    descriptor = json.loads((info.path / "datapackage.json").read_text("utf-8"))
    assert info.rows == sum(r["x-rows"] for r in descriptor["resources"]) > 0
    line = next(x for x in listed.output.splitlines() if "2024.02.0" in x)
    assert f"{info.rows:,}" in line and (info.created or "")[:10] in listed.output


def _zip_serially(folder: Path, path: Path, top: str) -> None:
    """The zip as `zipfile` writes it, one member after the other."""
    files = archive.release_files(folder, {path.name, f"{path.name}.sha256"})
    level = archive.DEFLATE_LEVEL
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for rel in files:
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = level  # a member given as ZipInfo keeps its own (3.11)
            info.external_attr = 0o100444 << 16
            info.create_system = 3
            large = (folder / rel).stat().st_size >= archive.ZIP64_FROM
            with (folder / rel).open("rb") as src, zf.open(info, "w", force_zip64=large) as dst:
                for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                    dst.write(chunk)


def _raw(zf: zipfile.ZipFile, name: str) -> bytes:
    """A member's deflated bytes, as stored."""
    info = zf.getinfo(name)
    assert zf.fp is not None
    zf.fp.seek(info.header_offset + 26)
    skip = int.from_bytes(zf.fp.read(2), "little") + int.from_bytes(zf.fp.read(2), "little")
    zf.fp.seek(skip, os.SEEK_CUR)
    return zf.fp.read(info.compress_size)


def _assert_valid_zip(folder: Path, path: Path, top: str) -> None:
    """Every file of `folder` is a member holding its bytes, for zipfile and for `unzip -t`."""
    files = archive.release_files(folder, {path.name, f"{path.name}.sha256"})
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == [f"{top}/{rel}" for rel in files]
        for rel in files:
            assert zf.read(f"{top}/{rel}") == (folder / rel).read_bytes(), rel
    if shutil.which("unzip"):
        result = subprocess.run(["unzip", "-tq", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _without_zip(released: Path, folder: Path) -> tuple[Path, str, str]:
    """A writable copy of the release without its zip; the zip's name and top folder."""
    shutil.copytree(released, folder, copy_function=shutil.copyfile)
    name, top = "juesuan-2025.01.0.zip", "juesuan-2025.01.0"
    (folder / name).unlink()
    (folder / f"{name}.sha256").unlink()
    return folder, name, top


@pytest.mark.parametrize("zip64_from", [1 << 31, 4096], ids=["small", "zip64"])
def test_zip_holds_every_file_and_is_reproducible(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zip64_from: int
) -> None:
    """The zip is valid, holds every file's bytes, and the same files give the same zip, whether
    its members were deflated in the background during the build or all at the end."""
    monkeypatch.setattr(archive, "ZIP64_FROM", zip64_from)
    folder, name, top = _without_zip(released, tmp_path / "copy")
    archive.write_zip(folder, name, top, scratch=tmp_path)
    _assert_valid_zip(folder, folder / name, top)
    first = (folder / name).read_bytes()
    archive.write_zip(folder, name, top, scratch=tmp_path)
    assert (folder / name).read_bytes() == first
    if zip64_from == 1 << 31:  # and the published zip is that very zip
        assert (released / name).read_bytes() == first
    with zipfile.ZipFile(folder / name) as zf:  # each Excel CSV reuses its CSV's deflate
        for rel in archive.release_files(folder, {name}):
            if rel.startswith(f"{export.EXCEL_DIR}/"):
                csv_raw = _raw(zf, f"{top}/{rel.split('/', 1)[1]}")
                assert _raw(zf, f"{top}/{rel}").endswith(csv_raw) and csv_raw, rel
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("zip-")]  # scratch removed


@pytest.mark.parametrize("zip64_from", [1 << 31, 4096], ids=["small", "zip64"])
def test_zip_members_are_zipfiles_deflate_but_for_the_copies(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zip64_from: int
) -> None:
    """Without Excel copies, the zip is the very one zipfile writes member by member."""
    monkeypatch.setattr(archive, "ZIP64_FROM", zip64_from)
    folder, name, top = _without_zip(released, tmp_path / "copy")
    shutil.rmtree(folder / export.EXCEL_DIR)
    _zip_serially(folder, tmp_path / name, top)
    archive.write_zip(folder, name, top, scratch=tmp_path)
    assert (folder / name).read_bytes() == (tmp_path / name).read_bytes()


def _assert_copies_reused(folder: Path) -> None:
    _assert_valid_zip(folder, folder / "x.zip", "top")
    with zipfile.ZipFile(folder / "x.zip") as zf:
        for rel in ("big.csv", "small.csv"):
            assert _raw(zf, f"top/excel/{rel}").endswith(_raw(zf, f"top/{rel}")), rel
        assert not _raw(zf, "top/excel/other.csv").endswith(_raw(zf, "top/other.csv"))


@pytest.mark.parametrize("zip64_from", [1 << 31, 4096], ids=["small", "zip64"])
def test_copies_reuse_the_deflated_original_only_when_they_are_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zip64_from: int
) -> None:
    """An Excel CSV that is the BOM and its CSV's bytes reuses their deflate (also when it came
    after the CSV was prepared); one that is not is deflated itself; both read back exactly."""
    monkeypatch.setattr(archive, "ZIP64_FROM", zip64_from)
    folder = tmp_path / "release"
    (folder / "excel").mkdir(parents=True)
    rows = "".join(f"{i},项目{i % 97},{i * 37 % 1000}.{i % 100:02d}\n" for i in range(20000))
    data = ("a,b,c\n" + rows).encode()  # ~0.5 MB: many blocks referring back to the start
    (folder / "big.csv").write_bytes(data)
    (folder / "small.csv").write_bytes(b"x\n1\n")
    (folder / "other.csv").write_bytes(b"y\n2\n")
    (folder / "excel" / "small.csv").write_bytes(UTF8_BOM + b"x\n1\n")
    (folder / "excel" / "other.csv").write_bytes(UTF8_BOM + b"y\n3\n")  # not a copy
    with archive.Archiver(folder, scratch=tmp_path) as archiver:
        archiver.prepare(["big.csv", "small.csv", "other.csv", "excel/small.csv"])
        (folder / "excel" / "big.csv").write_bytes(UTF8_BOM + data)  # after big.csv's deflate
        archive.write_sums(folder, exclude={"x.zip", "x.zip.sha256"})
        archiver.write("x.zip", "top")
    _assert_copies_reused(folder)  # copies told by SHA256SUMS ...
    (folder / "SHA256SUMS").unlink()
    archive.write_zip(folder, "x.zip", "top", scratch=tmp_path)
    _assert_copies_reused(folder)  # ... and by their own bytes


def test_csv_without_parquet_round_trip_is_the_same(tmp_path: Path, monkeypatch) -> None:
    """A CSV written from the table (sorted again) and one written from the Parquet file agree."""
    built = {}
    for way in ("parquet", "table"):
        layout = warehouse(tmp_path / way)
        if way == "table":  # as if some column's type did not survive Parquet
            monkeypatch.setattr(export, "_columns", lambda con, query: [query])
        built[way] = build_release(layout, version="2024.01.0").raise_if_invalid().path
    for r in schema.resources():
        assert (built["table"] / f"{r.name}.csv").read_bytes() == (
            built["parquet"] / f"{r.name}.csv"
        ).read_bytes(), r.name


def _verdicts(issues: Sequence[ReleaseIssue]) -> Counter:
    return Counter((i.resource, i.row) for i in issues if i.row)


def test_sql_validation_gives_frictionless_verdicts(tmp_path: Path) -> None:
    """On a release broken in known ways, the build's checks refuse the rows frictionless does."""
    layout = warehouse(tmp_path / "w")
    release = build_release(layout, version="2024.01.0").raise_if_invalid().path
    folder = tmp_path / "broken"
    corrupt(release, folder)
    assert sql_can_check(json.loads((folder / "datapackage.json").read_text("utf-8")))
    issues = validate_release(folder)
    assert issues and _verdicts(issues) == _verdicts(frictionless_issues(folder))
    assert _every_row_checked(folder) == issues
    assert any("violates the primary key" in i.message for i in issues)  # frictionless' wording
    # Rows were appended without updating x-rows: said too, without a row.
    assert {i.resource for i in issues if not i.row} == {"line_items", "documents", "departments"}
    assert all("x-rows" in i.message for i in issues if not i.row)


def _every_row_checked(folder: Path) -> tuple[ReleaseIssue, ...]:
    """validate_release with every row screened in: each check reads every row, the long way."""
    real = validate.screen
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "screen", lambda con, rel, _, table: real(con, rel, "TRUE", table))
        patch.setattr(validate, "is_empty", lambda con, relation: False)
        patch.setattr(validate, "_probe", lambda *_: None)  # every CSV stored and checked
        return validate_release(folder)


def test_only_csvs_that_may_have_findings_are_stored(tmp_path: Path) -> None:
    """A valid CSV is probed and counted, never stored; a broken one is stored and checked."""
    layout = warehouse(tmp_path / "w")
    release = build_release(layout, version="2024.01.0").raise_if_invalid().path
    folder = tmp_path / "broken"
    corrupt(release, folder)
    for path, broken in ((release, set()), (folder, {"line_items", "documents", "departments"})):
        descriptor = json.loads((path / "datapackage.json").read_text("utf-8"))
        con = duckdb.connect()
        loaded, issues = validate.load_csvs(con, path, descriptor, "__t_")
        assert not issues and {n for n, c in loaded.items() if c.rows is None} == broken
        for r in descriptor["resources"]:
            assert loaded[r["name"]].rows == (None if r["name"] in broken else r["x-rows"])


def test_empty_csvs_lines_are_counted(tmp_path: Path) -> None:
    """A CSV with no row is not checked row by row, but its empty lines are still found."""
    layout = warehouse(tmp_path / "w")
    release = build_release(layout, version="2024.01.0").raise_if_invalid().path
    folder = tmp_path / "broken"
    shutil.copytree(release, folder, copy_function=shutil.copyfile)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    empty = [r for r in descriptor["resources"] if r["x-rows"] == 0]
    assert empty
    with (folder / empty[0]["path"]).open("a", encoding="utf-8") as f:
        f.write("\n\n")
    for resource in descriptor["resources"]:
        resource["bytes"], resource["hash"] = file_stats(folder / resource["path"])
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    issues = validate_release(folder)
    assert [i.resource for i in issues if "2 empty lines" in i.message] == [empty[0]["name"]]
    assert _every_row_checked(folder) == issues


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("\n", "empty lines"),
        (",,,,,,,,,,,\n", "blank"),
        ("a,b\n", "source-error"),
        # cells that pass every cell check (only the foreign keys fail): screened for line feeds
        ('ffffffffffffffff,2023,d,01,,101,,"n\n1",basic,1.00,元,"p\nq"\n\n', "1 empty lines"),
        # in cells whose checks fail (an enum, a number): screened by those
        ('ffffffffffffffff,2023,d,"0\n1",,101,,n,basic,"1\n",元,p\n\n', "1 empty lines"),
    ],
    ids=[
        "empty line",
        "blank row",
        "too few cells",
        "line feeds in cells and an empty line",
        "line feeds in checked cells",
    ],
)
def test_malformed_csv_lines_are_refused(tmp_path: Path, line: str, kind: str) -> None:
    """What DuckDB reads differently from frictionless (it skips empty lines) is refused too."""
    layout = warehouse(tmp_path / "w")
    release = build_release(layout, version="2024.01.0").raise_if_invalid().path
    folder = tmp_path / "broken"
    shutil.copytree(release, folder, copy_function=shutil.copyfile)
    with (folder / "line_items.csv").open("a", encoding="utf-8") as f:
        f.write(line)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:  # the hashes match: only the rows are at fault
        resource["bytes"], resource["hash"] = file_stats(folder / resource["path"])
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    assert frictionless_issues(folder)
    issues = validate_release(folder)
    assert any(kind in i.message for i in issues), issues
    assert _every_row_checked(folder) == issues


def test_other_schemas_are_validated_by_frictionless(released: Path, tmp_path: Path, monkeypatch):
    """A release whose Table Schemas are not those of schemas/ (an older one) is read row by row
    by frictionless, as the SQL checks read the current schemas."""
    folder = tmp_path / "older"
    shutil.copytree(released, folder, copy_function=shutil.copyfile)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["description"] = "changed since"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    called = []
    real = validate.frictionless_issues
    monkeypatch.setattr(validate, "frictionless_issues", lambda f: called.append(f) or real(f))
    assert validate_release(folder) == () and called == [folder]
    assert validate_release(released) == () and called == [folder]  # the fast path otherwise


def test_change_log_of_unchanged_data(tmp_path: Path) -> None:
    """CSVs identical to the previous release's are not compared row by row, with the same log."""
    layout = multi_year(tmp_path)
    first = build_release(layout, version="2024.01.0").raise_if_invalid().path
    second = build_release(layout, version="2024.01.1").raise_if_invalid().path
    log = json.loads((second / "changes.json").read_text("utf-8"))
    assert log == json.loads(json.dumps(compare_releases(first, second, "2024.01.0")))
    items = log["resources"]["line_items"]
    assert (items["rows_before"], items["rows_after"], items["added"], items["changed"]) == (
        10,
        10,
        0,
        0,
    )
    assert not list(layout.releases_dir.glob(f"{TMP_PREFIX}*"))  # no staging or work folder left


def test_archiver_deflates_again_what_changed_and_checks_the_sums(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("a\n1\n", "utf-8")
    (folder / "sub" / "b.txt").write_text("b" * 5000, "utf-8")
    with archive.Archiver(folder, scratch=tmp_path) as archiver:
        archiver.prepare(["a.csv", "sub/b.txt"])
        (folder / "a.csv").write_text("a\n1\n2\n", "utf-8")  # changed after prepare
        archive.write_sums(folder, exclude={"x.zip", "x.zip.sha256"})
        archiver.write("x.zip", "top")
    with zipfile.ZipFile(folder / "x.zip") as zf:
        assert zf.read("top/a.csv") == b"a\n1\n2\n"
        assert zf.namelist() == ["top/SHA256SUMS", "top/a.csv", "top/sub/b.txt"]
    (folder / "x.zip").unlink()
    (folder / "SHA256SUMS").write_text("0" * 64 + "  a.csv\n", "utf-8")
    with (
        archive.Archiver(folder, scratch=tmp_path) as archiver,
        pytest.raises(RuntimeError, match=r"a\.csv: not the bytes SHA256SUMS lists"),
    ):
        archiver.write("x.zip", "top")
    assert [p.name for p in tmp_path.iterdir()] == ["release"]  # no scratch left


def test_duckdb_works_within_a_fixed_memory_budget(tmp_path: Path) -> None:
    """The build's DuckDB gets a fixed budget (more with many threads) and spills where told."""
    import duckdb

    con = duckdb.connect()
    try:
        validate.limit_memory(con, tmp_path / "spill")
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    finally:
        con.close()
    assert limit.endswith(" MiB")  # a few hundred MB, whatever the machine has
    assert Path(folder) == tmp_path / "spill"


def test_the_operators_duckdb_bound_applies_to_the_release_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    monkeypatch.setenv("JUESUAN_DUCKDB_MEMORY", "2GB")
    con = duckdb.connect()
    try:
        validate.limit_memory(con, tmp_path / "spill")
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    assert limit in ("1.8 GiB", "2.0 GB")
