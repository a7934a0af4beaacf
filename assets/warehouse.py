"""Stage 3: the DuckDB warehouse, rebuilt from every year's Parquet files by its one writer."""

import dagster as dg

from assets.parse import parsed_documents
from assets.resources import JuesuanResource
from juesuan.locks import exclusive
from juesuan.warehouse import build_warehouse, count_rows, is_current


@dg.asset(group_name="warehouse", deps=[parsed_documents], kinds={"duckdb"})
def warehouse(juesuan: JuesuanResource) -> dg.MaterializeResult:
    """Every resource of schemas/ and its views, from all years: the cross-year work (department
    registry, current versions, code lists, panel, prior-year check) happens here, unpartitioned,
    so a new year's documents re-parse that year only."""
    layout = juesuan.layout
    with exclusive(layout.data_dir, "warehouse"):  # one writer, whoever else builds
        if is_current(layout):  # built from exactly these inputs already: nothing to do
            return dg.MaterializeResult(
                metadata={
                    "path": dg.MetadataValue.path(str(layout.warehouse_path)),
                    "unchanged": True,
                    **{f"rows_{n}": c for n, c in count_rows(layout.warehouse_path).items()},
                }
            )
        summary = build_warehouse(layout)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(summary.path)),
            "unchanged": False,
            **{f"rows_{name}": count for name, count in summary.row_counts.items()},
        }
    )
