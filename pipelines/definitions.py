"""The Dagster code location: assets, the resource they share, and the jobs an operator runs."""

import dagster as dg

from assets.checks import accounting_identities, quarantined_documents, schema_constraints
from assets.ingest import source_documents
from assets.parse import parsed_documents
from assets.release import release
from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from pipelines.automation import (
    WAREHOUSE_WRITER,
    annual_run,
    ingest_only_job,
    new_documents,
    update_year_job,
)

ingest_job = dg.define_asset_job(
    "ingest", selection=[source_documents], description="Copy new source files into the raw store."
)
parse_job = dg.define_asset_job(
    "parse_year",
    selection=[parsed_documents],
    description="Parse every document of one fiscal year (one run per year, not per document).",
)
publish_job = dg.define_asset_job(
    "publish",
    tags=WAREHOUSE_WRITER,
    selection=[warehouse, release],
    description="Rebuild the warehouse from all years and publish a validated release.",
)

defs = dg.Definitions(
    assets=[source_documents, parsed_documents, warehouse, release],
    asset_checks=[accounting_identities, quarantined_documents, schema_constraints],
    resources={"juesuan": JuesuanResource()},
    jobs=[ingest_job, parse_job, publish_job, update_year_job, ingest_only_job],
    sensors=[new_documents],
    schedules=[annual_run],
)
