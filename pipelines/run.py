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
from juesuan.paths import Layout
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

    def run(selection: list, partition_key: str | None = None) -> dg.ExecuteInJobResult:
        result = dg.materialize(
            [*ALL_ASSETS, *ALL_CHECKS],
            selection=selection,
            partition_key=partition_key,
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
    for year in summary.fiscal_years:
        on_step(f"parsing fiscal year {year}")
        parsed = _metadata(run([parsed_documents], partition_key=str(year)), "parsed_documents")
        summary.steps[f"parse {year}"] = parsed
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
