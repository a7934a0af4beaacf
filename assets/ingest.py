"""Stage 1: copy source documents into the content-addressed raw store and identify them."""

import dagster as dg

from assets.resources import JuesuanResource
from juesuan.ingest import ingest
from juesuan.parse_year import record_unidentified
from juesuan.rawstore import RawStore, display_name


@dg.asset(group_name="ingest", kinds={"python"})
def source_documents(
    context: dg.AssetExecutionContext, juesuan: JuesuanResource
) -> dg.MaterializeResult:
    """Every source file, kept by its sha256 in the raw store, with its kind and fiscal year."""
    store = RawStore(juesuan.layout.raw_dir)
    summary = ingest(store, juesuan.source_paths)
    unidentified = record_unidentified(juesuan.layout, store)
    for path, reason in summary.skipped:
        context.log.info(f"skipped {path}: {reason}")
    for doc in summary.added:
        if doc.problem:
            name = display_name(doc.file_name)  # problems of a reader start with the name
            problem = doc.problem if doc.problem.startswith(name) else f"{name}: {doc.problem}"
            context.log.warning(problem)
    return dg.MaterializeResult(
        metadata={
            "added": len(summary.added),
            "already_stored": len(summary.known),
            "skipped": len(summary.skipped),
            "unidentified": unidentified,
            "fiscal_years": dg.MetadataValue.json(summary.fiscal_years),
            "raw_store": dg.MetadataValue.path(str(store.root)),
        }
    )
