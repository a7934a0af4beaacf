"""The whole pipeline, in-process on an ephemeral Dagster instance: seed → warehouse → release."""

from __future__ import annotations

import shutil
from decimal import Decimal

import dagster as dg
import duckdb
import frictionless
import pytest

from assets.resources import JuesuanResource
from juesuan import schema
from juesuan.paths import Layout
from pipelines.definitions import defs
from pipelines.run import build


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed_path):
    base = tmp_path_factory.mktemp("build")
    sources = base / "inbox"
    sources.mkdir()
    shutil.copy(seed_path, sources / seed_path.name)
    (sources / "notes.md").write_text("not a document", encoding="utf-8")
    # A document that cannot be read at all: it is quarantined and the run goes on.
    (sources / "scrambled-2023.txt").write_bytes(b"\x80\x80\xff\xff garbage")
    resource = JuesuanResource(base_dir=str(base), sources=[str(sources)])
    summary = build(resource, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    return Layout.under(base), summary


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {"source_documents", "parsed_documents", "warehouse", "release"}


def test_release_is_valid_for_frictionless(built):
    layout, summary = built
    assert summary.release_path is not None
    assert summary.release_path.parent == layout.releases_dir
    report = frictionless.validate(str(summary.release_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = {p.name for p in summary.release_path.iterdir()}
    # One CSV per resource of the schemas, and the package descriptor.
    assert {f"{r.name}.csv" for r in schema.resources()} | {"datapackage.json"} <= names


def test_warehouse_holds_the_seed(built):
    layout, _summary = built
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        names = con.execute("select table_name from duckdb_tables()").fetchall()
        tables = {row[0] for row in names}
        assert {"documents", "departments", "line_items", "document_tables"} <= tables
        assert con.execute("select count(*) from line_items").fetchone()[0] == 310
        amount = con.execute(
            "select amount_yuan from line_items where table_no = '06' and code = '30214'"
        ).fetchone()[0]
        assert amount == Decimal("11136900.00")
        empty = con.execute(
            "select table_no from document_tables where status = 'empty' order by 1"
        ).fetchall()
        assert empty == [("07",), ("08",)]
        doc = con.execute(
            "select fiscal_year, department_name, published_unit, tables_empty, status "
            "from documents where status = 'parsed'"
        ).fetchone()
        assert doc == (2023, "郑州高新技术产业开发区管委会政务服务中心", "万元", "07 08", "parsed")


def test_a_broken_document_is_kept_and_recorded_not_fatal(built):
    layout, summary = built
    from juesuan.rawstore import RawStore

    stored = {doc.file_name: doc for doc in RawStore(layout.raw_dir).all()}
    assert set(stored) == {
        "scrambled-2023.txt",
        "zhengzhou-hitech-government-service-center-2023-final-accounts.txt",
    }
    assert "neither UTF-8 nor GB18030" in stored["scrambled-2023.txt"].problem
    assert summary.steps["ingest"]["skipped"] == 1  # notes.md
    assert summary.steps["ingest"]["unidentified"] == 1
    assert summary.fiscal_years == [2023]
    # The asset checks of the run say so, as a warning; the seed's identities all hold.
    assert summary.checks == {
        "accounting_identities": True,
        "quarantined_documents": False,
        "schema_constraints": True,
    }
    # It is in the warehouse and the release, quarantined with its reason.
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        row = con.execute(
            "select status, status_reason, fiscal_year from documents "
            "where file_name = 'scrambled-2023.txt'"
        ).fetchone()
    assert row[0] == "quarantined" and row[2] is None
    assert row[1].startswith("scrambled-2023.txt: text is neither UTF-8 nor GB18030")


def test_seed_checks_and_scorecard_in_the_warehouse(built):
    layout, _summary = built
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        findings = con.execute(
            "select check_id, table_no, row, measure, difference, status "
            "from check_results where check_id not like 'narrative.%' order by all"
        ).fetchall()
        prose_errors = con.execute(
            "select check_id, row, unit, expected, actual, source_ref from check_results "
            "where check_id like 'narrative.%' and status = 'error' order by all"
        ).fetchall()
        facts = con.execute("select count(*) from narrative_facts").fetchone()[0]
        indicators = con.execute("select count(*) from performance_indicators").fetchone()[0]
        card = con.execute(
            "select tables_with_data, tables_empty, tables_missing, identities_evaluated, "
            "identities_passed, identities_rounding, identities_failed, score from scorecards"
        ).fetchone()
        checks = con.execute("select count(*) from checks").fetchone()[0]
        # A failing identity stands where its printed total stands (that line item's ref).
        refs = con.execute(
            "select c.source_ref, l.source_ref from check_results c left join line_items l "
            "on l.document_id = c.document_id and l.table_no = c.table_no "
            "and coalesce(l.code, l.item) = c.row and l.measure = c.measure "
            "and l.side is null where c.check_id not like 'narrative.%'"
        ).fetchall()
    assert len(refs) == 4 and all(ref and ref == total for ref, total in refs)
    # The seed's printed rounding (尾差): the items of 301 sum to 530.86 against 530.87, …
    assert findings == [
        ("06.parent_sum", "06", "301", "final", Decimal("100.0000"), "rounding"),
        ("06.parent_sum", "06", "302", "final", Decimal("100.0000"), "rounding"),
        ("06.personnel_total", "06", "personnel_total", "final", Decimal("-100.0000"), "rounding"),
        ("x.05_06_basic", "05", "total", "basic", Decimal("100.0000"), "rounding"),
    ]
    assert card == (7, 2, 0, 87, 83, 4, 0, Decimal("100.0"))
    # The prose contradicts itself twice: 完成年初预算的 79.88% where 2,413.52 / 2,763.5 is
    # 87.34%, and the items' initial budgets (577.4 + 2,181.1) do not add up to 2,763.5.
    assert prose_errors == [
        ("narrative.completion_rate", "一般公共预算财政拨款支出", "%", Decimal("87.3356"),
         Decimal("79.8800"), "L354"),
        ("narrative.items_initial_budget", "一般公共预算财政拨款支出", "元",
         Decimal("27585000.0000"), Decimal("27635000.0000"), "L354"),
    ]  # fmt: skip
    assert facts > 90 and indicators == 32
    assert checks >= 24


def test_partitioned_parse_asset_materialises_one_year(tmp_path, seed_path):
    from assets.ingest import source_documents
    from assets.parse import parsed_documents

    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(seed_path)])
    instance = dg.DagsterInstance.ephemeral()
    assets = [source_documents, parsed_documents]
    dg.materialize(
        assets, selection=[source_documents], resources={"juesuan": resource}, instance=instance
    )
    result = dg.materialize(
        assets,
        selection=[parsed_documents],
        partition_key="2023",
        resources={"juesuan": resource},
        instance=instance,
    )
    assert result.success
    layout = Layout.under(tmp_path)
    assert layout.parsed_file(2023, "line_items").exists()
    other = dg.materialize(
        assets,
        selection=[parsed_documents],
        partition_key="2022",
        resources={"juesuan": resource},
        instance=instance,
    )
    assert other.success
    count = duckdb.execute(
        f"select count(*) from '{layout.parsed_file(2022, 'line_items')}'"
    ).fetchone()
    assert count == (0,)


def test_a_constraint_broken_in_the_warehouse_blocks_the_release(tmp_path, seed_path, monkeypatch):
    """A parser bug that writes an invalid row (table_no '10') is caught by the blocking asset
    check on the warehouse; no release is published."""
    import juesuan.parse_year as parse_year

    original = parse_year._outcome

    def buggy(*args, **kwargs):
        outcome = original(*args, **kwargs)
        if outcome.line_items:
            outcome.line_items[0] = {**outcome.line_items[0], "table_no": "10"}
        return outcome

    monkeypatch.setattr(parse_year, "_outcome", buggy)
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(seed_path)])
    with pytest.raises(Exception, match="schema_constraints"):
        build(resource, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    layout = Layout.under(tmp_path)
    assert layout.warehouse_path.exists()
    assert not layout.releases_dir.exists() or not any(layout.releases_dir.iterdir())


def test_a_second_build_with_nothing_new_does_nothing(tmp_path, seed_path):
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(seed_path)])
    first = build(resource, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    warehouse_file = Layout.under(tmp_path).warehouse_path
    built = warehouse_file.stat().st_mtime_ns
    second = build(resource, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    assert second.steps["parse 2023"]["unchanged"] is True
    assert second.steps["parse 2023"]["parsed_now"] == 0
    assert second.steps["warehouse"]["unchanged"] is True
    assert second.steps["release"]["unchanged"] is True
    assert second.release_version == first.release_version
    assert warehouse_file.stat().st_mtime_ns == built


def test_a_build_with_nothing_new_runs_only_the_ingest(tmp_path, seed_path):
    """With the same instance, a year already parsed from the same documents needs no run; a
    new instance, which has no record of it, runs it (and finds it unchanged)."""
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(seed_path)])
    instance = dg.DagsterInstance.ephemeral()
    build(resource, instance=instance, log_level="ERROR")
    runs = len(instance.get_runs())
    again = build(resource, instance=instance, log_level="ERROR")
    assert len(instance.get_runs()) == runs + 1  # the ingest
    assert again.steps["parse 2023"] == {"documents": 1, "unchanged": True, "parsed_now": 0}
    other = dg.DagsterInstance.ephemeral()
    fresh = build(resource, instance=other, log_level="ERROR")
    assert len(other.get_runs()) == 2  # ingest, parse (nothing to publish)
    assert fresh.steps["parse 2023"]["unchanged"] is True
    assert "2023" in other.get_materialized_partitions(dg.AssetKey("parsed_documents"))


def test_a_build_parses_consecutive_years_in_one_run(tmp_path, seed_path):
    """2023 and 2024 in one run, 2018 in another: a run per year would cost a second each; the
    years between, without documents, are not marked as parsed."""
    from juesuan.paths import SAMPLES_DIR

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_path, inbox / seed_path.name)  # 2023
    for name in (
        "putuo-finance-bureau-2024-final-accounts.pdf",
        "jiangsu-high-court-2018-budget.pdf",
    ):
        shutil.copy(SAMPLES_DIR / name, inbox / name)
    resource = JuesuanResource(base_dir=str(tmp_path / "run"), sources=[str(inbox)])
    instance = dg.DagsterInstance.ephemeral()
    summary = build(resource, instance=instance, log_level="ERROR")
    ranges = {
        (
            run.tags["dagster/asset_partition_range_start"],
            run.tags["dagster/asset_partition_range_end"],
        )
        for run in instance.get_runs()
        if "dagster/asset_partition_range_start" in run.tags
    }
    assert ranges == {("2018", "2018"), ("2023", "2024")}
    assert len(instance.get_runs()) == 4  # ingest, two parse runs, warehouse and release
    assert instance.get_materialized_partitions(dg.AssetKey("parsed_documents")) == {
        "2018", "2023", "2024",
    }  # fmt: skip
    assert summary.steps["parse 2023"]["line_items"] == 310
    assert summary.steps["parse 2024"]["line_items"] == 565
    assert summary.steps["parse 2018"]["refused"] == 1
