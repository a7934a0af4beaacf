"""Two builds at once on the same folders: both finish, the warehouse is consistent, and the
second, finding nothing new, publishes no second release."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from juesuan.checks.constraints import check_warehouse
from juesuan.paths import Layout
from publish.release import list_releases, validate_release


def test_two_concurrent_builds(tmp_path, seed_path):
    command = [
        sys.executable,
        "-m",
        "juesuan.cli",
        "build",
        str(seed_path),
        "--base-dir",
        str(tmp_path),
    ]
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    builds = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [b.communicate(timeout=300)[0].decode() for b in builds]
    assert [b.returncode for b in builds] == [0, 0], outputs
    layout = Layout.under(tmp_path)
    assert check_warehouse(layout.warehouse_path) == []
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from line_items").fetchone() == (310,)
        assert con.execute("select count(*) from documents").fetchone() == (1,)
    # The build that waited found the warehouse built from the same inputs: one release.
    releases = list_releases(layout)
    assert len(releases) == 1 and validate_release(releases[0].path) == ()
    assert sum("nothing new since this release" in out for out in outputs) == 1
