"""Running the pipeline from the command line: the same assets, materialised in order.

Ingest once, then one run per fiscal year that received documents (never one per document),
then the warehouse and the release. Runs are recorded in a persistent Dagster instance under
the data folder (or $DAGSTER_HOME), so `dagster dev` shows them afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from assets.checks import accounting_identities, quarantined_documents, schema_constraints
from assets.ingest import source_documents
from assets.parse import parsed_documents
from assets.release import release
from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from juesuan.locks import exclusive
from juesuan.parse_year import is_current as year_is_current
from juesuan.paths import Layout
from juesuan.rawstore import RawStore
from juesuan.warehouse import count_rows, fingerprint_file, is_current

ALL_ASSETS = [source_documents, parsed_documents, warehouse, release]
ALL_CHECKS = [accounting_identities, quarantined_documents, schema_constraints]


@dataclass
class BuildSummary:
    layout: Layout
    fiscal_years: list[int] = field(default_factory=list)
    steps: dict[str, dict] = field(default_factory=dict)
    release_version: str | None = None
    release_path: Path | None = None
    checks: dict[str, bool] = field(default_factory=dict)


def last_release_for_current_warehouse(layout: Layout) -> Path | None:
    """The release published from a warehouse built from exactly today's inputs, if any."""
    marker = layout.releases_dir / ".published-inputs.json"
    if not (is_current(layout) and marker.exists()):
        return None
    last = json.loads(marker.read_text())
    folder = layout.releases_dir / last.get("version", "")
    same = last.get("inputs") == fingerprint_file(layout).read_text().strip()
    return folder if same and folder.is_dir() else None


def persistent_instance(layout: Layout) -> dg.DagsterInstance:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(layout.data_dir / "dagster")))
    # Two builds creating a new instance at once race on its SQLite schema: one at a time.
    with exclusive(home.parent, f"{home.name}-instance"):
        prepare_home(home)
        return dg.DagsterInstance.get()


def prepare_home(home: Path) -> Path:
    """A DAGSTER_HOME with the project's instance settings (its run queue), unless the
    operator has put a dagster.yaml of their own there."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(Path(__file__).with_name("dagster.yaml"), config)
    return home


def _metadata(result: dg.ExecuteInJobResult, node: str) -> dict:
    events = result.asset_materializations_for_node(node)
    return {key: value.value for key, value in events[-1].metadata.items()} if events else {}


def consecutive_ranges(years: Sequence[int]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive years: 2018, 2020, 2021 → (2018, 2018),
    (2020, 2021)."""
    ranges: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if ranges and year == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def build(
    resource: JuesuanResource,
    instance: dg.DagsterInstance | None = None,
    on_step: Callable[[str], None] = lambda _message: None,
    years: Sequence[int] | None = None,
    log_level: str = "INFO",
) -> BuildSummary:
    """Ingest the sources, parse their fiscal years, rebuild the warehouse, publish a release."""
    layout = resource.layout
    instance = instance or persistent_instance(layout)
    resources = {"juesuan": resource}
    summary = BuildSummary(layout)

    def run(
        selection: list, partition_range: tuple[str, str] | None = None
    ) -> dg.ExecuteInJobResult:
        tags = {}
        if partition_range:
            tags = {
                "dagster/asset_partition_range_start": partition_range[0],
                "dagster/asset_partition_range_end": partition_range[1],
            }
        result = dg.materialize(
            [*ALL_ASSETS, *ALL_CHECKS],
            selection=selection,
            tags=tags,
            resources=resources,
            instance=instance,
            raise_on_error=True,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
        return result

    on_step("ingesting sources")
    ingested = _metadata(run([source_documents]), "source_documents")
    summary.steps["ingest"] = ingested
    summary.fiscal_years = sorted(years if years is not None else ingested["fiscal_years"])
    # A year whose files are current, and recorded as parsed by this instance, needs no run (a
    # run costs ~0.5 s of Dagster's own work: most of a build with nothing new).
    stored = RawStore(layout.raw_dir).by_year()
    recorded = instance.get_materialized_partitions(parsed_documents.key)
    to_parse = []
    for year in summary.fiscal_years:
        docs = stored.get(year, [])
        if str(year) in recorded and year_is_current(layout, year, docs):
            summary.steps[f"parse {year}"] = {"documents": len(docs), "unchanged": True,
                                              "parsed_now": 0}  # fmt: skip
        else:
            to_parse.append(year)
    # One run per run of consecutive years (the asset's backfill policy), not a run per year:
    # a year without documents is never marked as materialized.
    for first, last in consecutive_ranges(to_parse):
        on_step(f"parsing fiscal years {first}–{last}" if first != last else f"parsing {first}")
        parsed = _metadata(
            run([parsed_documents], partition_range=(str(first), str(last))), "parsed_documents"
        )
        for year in range(first, last + 1):  # a year asked for without documents: not parsed
            nothing = {"documents": 0, "unchanged": True}
            summary.steps[f"parse {year}"] = parsed["years"].get(str(year), nothing)
    with exclusive(layout.data_dir, "publish"):  # a second build waits: one release at a time
        published = last_release_for_current_warehouse(layout)
        if published is not None:
            # Nothing new since that release: no run, no rebuild, no checks to repeat.
            on_step(f"nothing new since release {published.name}")
            summary.steps["warehouse"] = {
                "path": str(layout.warehouse_path), "unchanged": True,
                **{f"rows_{n}": c for n, c in count_rows(layout.warehouse_path).items()},
            }  # fmt: skip
            summary.steps["release"] = {"version": published.name, "path": str(published),
                                        "unchanged": True}  # fmt: skip
            summary.release_version, summary.release_path = published.name, published
            return summary
        on_step("building the warehouse and the release")
        result = run([warehouse, release])
    summary.steps["warehouse"] = _metadata(result, "warehouse")
    summary.steps["release"] = released = _metadata(result, "release")
    summary.release_version = released.get("version")
    summary.release_path = Path(released["path"]) if released.get("path") else None
    summary.checks = {
        evaluation.check_name: evaluation.passed
        for evaluation in result.get_asset_check_evaluations()
    }
    return summary
