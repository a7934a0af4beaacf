"""Where things live on disk.

Defaults follow DESIGN.md (warehouse file under warehouse/, releases under publish/releases/);
every location can be moved with an environment variable so that tests, CI and deployments can
point the same code elsewhere without touching it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = REPO_ROOT / "schemas"
DATA_DIR = Path(__file__).resolve().parent / "data"  # the parser's reference tables
SAMPLES_DIR = REPO_ROOT / "samples"
WAREHOUSE_SQL_DIR = REPO_ROOT / "warehouse"

# What the explanatory prose and the performance annexes become (juesuan/narrative/).
NARRATIVE_RESOURCES = (
    "narrative_facts",
    "narrative_reasons",
    "narrative_lists",
    "budget_execution",
    "performance_evaluations",
    "performance_funding",
    "performance_indicators",
    "narrative_unparsed",
)

# Documents whose fiscal year could not be read (unreadable files) are recorded here.
UNIDENTIFIED = "unidentified"

# The published resources that come out of parsing, in the order they are loaded.
PARSED_RESOURCES = (
    "documents",
    "document_tables",
    "line_items",
    "check_results",
    "scorecards",
    *NARRATIVE_RESOURCES,
)


@dataclass(frozen=True)
class Layout:
    """The working directories of one installation."""

    data_dir: Path
    warehouse_path: Path
    releases_dir: Path
    # Where the parsed Parquet files go when not under data_dir: any fsspec URL (s3://…),
    # from JUESUAN_PARSED_URL. The files exchanged between the year runs and the warehouse.
    parsed_url: str = ""

    @property
    def raw_dir(self) -> Path:
        """Content-addressed store of every ingested file; never overwritten."""
        return self.data_dir / "raw"

    @property
    def parsed_dir(self) -> Path:
        """Parsed records as Parquet, one folder per fiscal year (a UPath when remote)."""
        if self.parsed_url:
            from juesuan.storage import location

            return location(self.parsed_url)
        return self.data_dir / "parsed"

    @property
    def cache_dir(self) -> Path:
        """Parsed outcomes by document, to parse each document once; always local."""
        return self.data_dir / "cache"

    def parsed_year_dir(self, fiscal_year: int) -> Path:
        return self.parsed_dir / f"fiscal_year={fiscal_year}"

    def parsed_file(self, fiscal_year: int, resource: str) -> Path:
        return self.parsed_year_dir(fiscal_year) / f"{resource}.parquet"

    @property
    def unidentified_dir(self) -> Path:
        return self.parsed_dir / UNIDENTIFIED

    @classmethod
    def from_env(cls, base: Path | None = None) -> Layout:
        """The layout under `base` (default: the checkout), overridden by JUESUAN_* variables."""
        root = Path(base) if base else REPO_ROOT
        env = os.environ
        return cls(
            data_dir=Path(env.get("JUESUAN_DATA_DIR", root / "data")),
            warehouse_path=Path(
                env.get("JUESUAN_WAREHOUSE", root / "warehouse" / "juesuan.duckdb")
            ),
            releases_dir=Path(env.get("JUESUAN_RELEASES", root / "publish" / "releases")),
            parsed_url=env.get("JUESUAN_PARSED_URL", ""),
        )

    @classmethod
    def under(cls, base: Path) -> Layout:
        """A self-contained layout below one folder (tests, throw-away runs)."""
        base = Path(base)
        return cls(
            data_dir=base / "data",
            warehouse_path=base / "warehouse" / "juesuan.duckdb",
            releases_dir=base / "releases",
        )
