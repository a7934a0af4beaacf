"""Stage 4: a versioned, validated Frictionless data package built from the warehouse."""

import json
import os
import tempfile
from pathlib import Path

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
    last = _read_marker(marker)
    version = str(last.get("version") or "")
    if (
        inputs
        and last.get("inputs") == inputs
        and version
        and (layout.releases_dir / version).is_dir()
    ):
        # The warehouse has not changed since that release: publishing it again adds nothing.
        return dg.MaterializeResult(
            metadata={
                "version": last["version"],
                "path": dg.MetadataValue.path(str(layout.releases_dir / last["version"])),
                "unchanged": True,
            }
        )
    summary = build_release(layout).raise_if_invalid()
    _write_marker(marker, {"inputs": inputs, "version": summary.version})
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


def _read_marker(marker: Path) -> dict:
    """What the last release was published from; nothing when unreadable (a build killed while
    writing it publishes again rather than failing for good)."""
    try:
        last = json.loads(marker.read_text()) if marker.exists() else {}
    except (OSError, ValueError):
        return {}
    return last if isinstance(last, dict) else {}


def _write_marker(marker: Path, data: dict) -> None:
    """Through a temporary file and a rename: the marker is whole or absent."""
    fd, tmp = tempfile.mkstemp(dir=marker.parent, prefix=".published-inputs-", suffix=".part")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(data))
        os.replace(tmp, marker)
    finally:
        Path(tmp).unlink(missing_ok=True)
