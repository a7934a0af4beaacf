"""Stage 4: a versioned, validated Frictionless data package built from the warehouse."""

import dagster as dg

from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from publish.release import build_release


@dg.asset(group_name="publish", deps=[warehouse], kinds={"csv", "parquet"})
def release(juesuan: JuesuanResource) -> dg.MaterializeResult:
    """CSV, Parquet and datapackage.json, validated by frictionless, with the documents a
    researcher needs (README, data dictionary, change log, index.html) and one zip."""
    summary = build_release(juesuan.layout).raise_if_invalid()
    return dg.MaterializeResult(
        metadata={
            "version": summary.version,
            "path": dg.MetadataValue.path(str(summary.path)),
            "previous": summary.previous or "",
            "archive": summary.archive or "",
            **{f"rows_{name}": count for name, count in summary.resources.items()},
        }
    )
