"""The operator's automation: a sensor on the sources and the annual schedule.

Both request one run per fiscal year with new or changed documents: the run ingests the sources,
parses that year only (the other years' files are untouched), and rebuilds the warehouse and the
release. Runs go through a queue with one run at a time (dagster.yaml), so the warehouse has one
writer; the build lock (juesuan/locks.py) also keeps command-line builds out of its way.
"""

from __future__ import annotations

import os

import dagster as dg

from assets.ingest import source_documents
from assets.parse import parsed_documents
from assets.release import release
from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from juesuan.rawstore import RawStore
from juesuan.watch import UNKNOWN_YEAR, changes, unstored_years

# September, when the past year's final accounts appear: every Monday at 03:00 (server time).
ANNUAL_CRON = os.environ.get("JUESUAN_SCHEDULE", "0 3 * 9 1")

# Runs that write the warehouse carry this tag; the instance lets one such run at a time.
WAREHOUSE_WRITER = {"juesuan/warehouse-writer": "true"}

update_year_job = dg.define_asset_job(
    "update_year",
    selection=[source_documents, parsed_documents, warehouse, release],
    tags=WAREHOUSE_WRITER,
    description="Ingest the sources, parse one fiscal year, rebuild the warehouse, publish.",
)
ingest_only_job = dg.define_asset_job(
    "ingest_sources",
    tags={"juesuan/raw-store-writer": "true"},
    selection=[source_documents],
    description="Ingest sources whose fiscal year is not known before reading them.",
)


def _requests(juesuan: JuesuanResource, cursor: str | None, tag: str):
    found = changes(juesuan.source_paths, cursor)
    requests = [
        dg.RunRequest(
            run_key=f"{tag}:{year}:{hash(found.cursor)}",
            job_name=update_year_job.name,
            partition_key=str(year),
            tags={"juesuan/trigger": tag},
        )
        for year in sorted(found.years - {UNKNOWN_YEAR})
    ]
    if UNKNOWN_YEAR in found.years:
        requests.append(
            dg.RunRequest(
                run_key=f"{tag}:unknown:{hash(found.cursor)}", job_name=ingest_only_job.name
            )
        )
    return found, requests


@dg.sensor(
    jobs=[update_year_job, ingest_only_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches the inbox and manifests; one run per fiscal year with new documents.",
)
def new_documents(context: dg.SensorEvaluationContext, juesuan: JuesuanResource):
    found, requests = _requests(juesuan, context.cursor, "sensor")
    if not requests:
        return dg.SkipReason("no new or changed documents")
    context.update_cursor(found.cursor)
    return requests


@dg.schedule(
    cron_schedule=ANNUAL_CRON,
    job=update_year_job,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="The annual run (default: Mondays of September, 03:00; JUESUAN_SCHEDULE).",
)
def annual_run(context: dg.ScheduleEvaluationContext, juesuan: JuesuanResource):
    years = unstored_years(juesuan.source_paths, RawStore(juesuan.layout.raw_dir))
    if not years:
        return dg.SkipReason("no document in the sources that is not ingested already")
    when = context.scheduled_execution_time
    requests = [
        dg.RunRequest(run_key=f"schedule:{when}:{y}", partition_key=str(y))
        for y in sorted(years - {UNKNOWN_YEAR})
    ]
    # Files whose year cannot be read are ingested by any year's run (and quarantined there).
    if not requests:
        return dg.SkipReason("new files, but none with a readable fiscal year: see juesuan build")
    return requests
