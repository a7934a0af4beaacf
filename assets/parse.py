"""Stage 2: parse the documents of one fiscal year into that year's Parquet files."""

import dagster as dg

from assets.ingest import source_documents
from assets.partitions import fiscal_years
from assets.resources import JuesuanResource
from juesuan.parse_year import parse_year


@dg.asset(
    group_name="parse", partitions_def=fiscal_years, deps=[source_documents], kinds={"parquet"}
)
def parsed_documents(
    context: dg.AssetExecutionContext, juesuan: JuesuanResource
) -> dg.MaterializeResult:
    """Canonical records (documents, document_tables, line_items) of one fiscal year."""
    year = int(context.partition_key)
    summary = parse_year(juesuan.layout, year)
    for problem in summary.problems:
        context.log.warning(problem)
    return dg.MaterializeResult(
        metadata={
            "documents": summary.documents,
            "unchanged": summary.unchanged,
            "parsed_now": summary.parsed_now,
            "parsed": summary.statuses.get("parsed", 0),
            "quarantined": summary.statuses.get("quarantined", 0),
            "refused": summary.statuses.get("refused", 0),
            "line_items": summary.line_items,
            "folder": dg.MetadataValue.path(str(juesuan.layout.parsed_year_dir(year))),
        }
    )
