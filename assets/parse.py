"""Stage 2: parse the documents of fiscal years into each year's Parquet files."""

import warnings

import dagster as dg

from assets.ingest import source_documents
from assets.partitions import fiscal_years
from assets.resources import JuesuanResource
from juesuan.parse_year import YearSummary, parse_years
from juesuan.rawstore import RawStore

# backfill_policy is marked beta in Dagster 1.13; it is used as documented, and the warning would
# reach every user of the command line at import.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=dg.BetaWarning)

    @dg.asset(
        group_name="parse",
        partitions_def=fiscal_years,
        deps=[source_documents],
        kinds={"parquet"},
        # A range of years is one run, not a run per year: each run costs about a second of
        # Dagster's own work, and the years share one process pool.
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def parsed_documents(
        context: dg.AssetExecutionContext, juesuan: JuesuanResource
    ) -> dg.MaterializeResult:
        """Canonical records (documents, document_tables, line_items…) of each fiscal year."""
        years = [int(key) for key in context.partition_keys]
        stored = RawStore(juesuan.layout.raw_dir).by_year()
        # A year inside a range with no documents has nothing to write.
        todo = {y: stored.get(y, []) for y in years if len(years) == 1 or y in stored}
        by_year: dict[str, dict] = {}
        for summary in parse_years(juesuan.layout, todo):
            year = summary.fiscal_year
            for problem in summary.problems:
                context.log.warning(problem)
            by_year[str(year)] = year_metadata(summary)
        totals = {
            key: sum(y[key] for y in by_year.values())
            for key in ("documents", "parsed_now", "parsed", "quarantined", "refused", "line_items")
        }
        return dg.MaterializeResult(
            metadata={
                **totals,
                "unchanged": all(y["unchanged"] for y in by_year.values()),
                "years": dg.MetadataValue.json(by_year),
                "folder": dg.MetadataValue.path(str(juesuan.layout.parsed_dir)),
            }
        )


def year_metadata(summary: YearSummary) -> dict:
    return {
        "documents": summary.documents,
        "unchanged": summary.unchanged,
        "parsed_now": summary.parsed_now,
        "parsed": summary.statuses.get("parsed", 0),
        "quarantined": summary.statuses.get("quarantined", 0),
        "refused": summary.statuses.get("refused", 0),
        "line_items": summary.line_items,
    }
