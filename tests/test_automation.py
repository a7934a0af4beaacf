"""The sensor and the schedule request runs only for the fiscal years with new documents."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import dagster as dg

from assets.resources import JuesuanResource
from juesuan.ingest import ingest
from juesuan.paths import SAMPLES_DIR, Layout
from juesuan.rawstore import RawStore
from pipelines.automation import annual_run, new_documents
from pipelines.definitions import defs

PUTUO = SAMPLES_DIR / "putuo-finance-bureau-2024-final-accounts.pdf"


def evaluate(resource, cursor=None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"juesuan": resource}, definitions=defs
    )
    result = new_documents.evaluate_tick(context)
    return result.run_requests or [], result.cursor, result.skip_message


def test_the_sensor_requests_one_run_for_the_year_of_a_new_file(tmp_path, seed_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_path, inbox / "a.txt")
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(inbox)])

    requests, cursor, _ = evaluate(resource)
    assert [(r.job_name, r.partition_key) for r in requests] == [("update_year", "2023")]

    requests, _same, skipped = evaluate(resource, cursor)
    assert requests == [] and "no new or changed documents" in skipped

    shutil.copy(PUTUO, inbox / "putuo.pdf")  # a 2024 disclosure arrives
    requests, cursor3, _ = evaluate(resource, cursor)
    assert [(r.job_name, r.partition_key) for r in requests] == [("update_year", "2024")]
    assert cursor3 != cursor


def test_an_unreadable_file_requests_an_ingest_run(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.txt").write_bytes(b"\x80\x80\xff\xff")
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(inbox)])
    requests, _cursor, _ = evaluate(resource)
    assert [(r.job_name, r.partition_key) for r in requests] == [("ingest_sources", None)]


def test_the_schedule_requests_years_not_yet_ingested(tmp_path, seed_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_path, inbox / "a.txt")
    shutil.copy(PUTUO, inbox / "putuo.pdf")
    resource = JuesuanResource(base_dir=str(tmp_path), sources=[str(inbox)])
    context = dg.build_schedule_context(
        resources={"juesuan": resource},
        repository_def=defs.get_repository_def(),
        scheduled_execution_time=datetime(2026, 9, 7, 3, tzinfo=UTC),
    )
    requests = annual_run.evaluate_tick(context).run_requests
    assert sorted(r.partition_key for r in requests) == ["2023", "2024"]
    # Once the seed is ingested, only 2024 is left to do.
    ingest(RawStore(Layout.under(tmp_path).raw_dir), [inbox / "a.txt"])
    requests = annual_run.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2024"]


def test_definitions_hold_the_sensor_schedule_and_jobs():
    repo = defs.get_repository_def()
    assert repo.has_sensor_def("new_documents")
    assert repo.has_schedule_def("annual_run")
    assert repo.get_schedule_def("annual_run").cron_schedule == "0 3 * 9 1"
    assert {"update_year", "ingest_sources", "publish"} <= {j.name for j in repo.get_all_jobs()}


def test_the_instance_queues_warehouse_writers_one_at_a_time(tmp_path, monkeypatch):
    from pipelines.run import prepare_home

    monkeypatch.setenv("DAGSTER_HOME", str(prepare_home(tmp_path / "home")))
    instance = dg.DagsterInstance.get()
    coordinator = instance.run_coordinator
    assert type(coordinator).__name__ == "QueuedRunCoordinator"
    limits = coordinator.get_run_queue_config().tag_concurrency_limits
    assert {"key": "juesuan/warehouse-writer", "limit": 1} in limits
    assert coordinator.get_run_queue_config().max_concurrent_runs > 1  # years parse side by side
    repo = defs.get_repository_def()
    tagged = {j.name for j in repo.get_all_jobs() if "juesuan/warehouse-writer" in (j.tags or {})}
    assert {"update_year", "publish"} <= tagged and "parse_year" not in tagged
