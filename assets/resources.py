"""The one resource the assets share: where the installation keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from juesuan.paths import SAMPLES_DIR, Layout


class JuesuanResource(dg.ConfigurableResource):
    """Locations of the raw store, parsed files, warehouse and releases, and the sources to ingest.

    `base_dir` empty means the checkout's own folders, moved by JUESUAN_* variables if set;
    `sources` empty means JUESUAN_SOURCES (os.pathsep-separated), else the bundled samples.
    """

    base_dir: str = ""
    sources: list[str] = []  # noqa: RUF012 - a pydantic field: copied per instance

    @property
    def layout(self) -> Layout:
        return Layout.under(Path(self.base_dir)) if self.base_dir else Layout.from_env()

    @property
    def source_paths(self) -> list[Path]:
        if self.sources:
            return [Path(s) for s in self.sources]
        env = os.environ.get("JUESUAN_SOURCES")
        if env:
            return [Path(s) for s in env.split(os.pathsep) if s]
        return [SAMPLES_DIR]
