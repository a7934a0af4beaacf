"""Stage 4: a versioned, validated Frictionless data package built from the warehouse."""

import json

import dagster as dg

from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from juesuan.warehouse import fingerprint_file
from publish.release import build_release


@dg.asset(group_name="publish", deps=[warehouse], kinds={"csv", "parquet"})
def release(juesuan: JuesuanResource) -> dg.MaterializeResult:
    """CSV, Parquet and datapackage.json, validated by frictionless, with the documents a
    researcher needs (README, data dictionary, change log, index.html) and one zip."""
    layout = juesuan.layout
    marker = layout.releases_dir / ".published-inputs.json"
    inputs = (
        fingerprint_file(layout).read_text().strip() if fingerprint_file(layout).exists() else ""
    )
    last = json.loads(marker.read_text()) if marker.exists() else {}
    if inputs and last.get("inputs") == inputs and (layout.releases_dir / last["version"]).is_dir():
        # The warehouse has not changed since that release: publishing it again adds nothing.
        return dg.MaterializeResult(
            metadata={
                "version": last["version"],
                "path": dg.MetadataValue.path(str(layout.releases_dir / last["version"])),
                "unchanged": True,
            }
        )
    summary = build_release(layout).raise_if_invalid()
    marker.write_text(json.dumps({"inputs": inputs, "version": summary.version}))
    return dg.MaterializeResult(
        metadata={
            "version": summary.version,
            "unchanged": False,
            "path": dg.MetadataValue.path(str(summary.path)),
            "previous": summary.previous or "",
            "archive": summary.archive or "",
            **{f"rows_{name}": count for name, count in summary.resources.items()},
        }
    )
