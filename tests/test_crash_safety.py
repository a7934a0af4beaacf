"""A build killed at any point: the warehouse stays consistent, no release is half-published,
the raw store holds no partial object, and the next build recovers by itself and publishes.

The builds are real `juesuan build` processes (`python -m juesuan.cli`), stopped with SIGKILL
while they wait at a fault-injection point (juesuan.faults: JUESUAN_PAUSE_AT=ingest, parse,
warehouse; publish.staging: JUESUAN_RELEASE_PAUSE_AFTER=export): in the middle of copying a file
into the raw store, with a year's Parquet files half-written, with the new warehouse written but
not yet moved into place, and with a release half-exported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.checks.constraints import check_warehouse
from juesuan.faults import PAUSE_ENV
from juesuan.paths import SAMPLES_DIR, Layout
from juesuan.rawstore import RawStore
from publish.descriptor import checksum_mismatches
from publish.release import list_releases, validate_release
from publish.staging import PAUSE_ENV as RELEASE_PAUSE_ENV

SEED = SAMPLES_DIR / "zhengzhou-hitech-government-service-center-2023-final-accounts.txt"
WAIT = 120  # seconds a build may take to reach its pause point


def _env(base: Path, pause: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (PAUSE_ENV, RELEASE_PAUSE_ENV)}
    env["DAGSTER_HOME"] = str(base / "dagster")
    return {**env, **(pause or {})}


def _command(base: Path) -> list[str]:
    inbox = str(base / "inbox")
    return [sys.executable, "-m", "juesuan.cli", "build", inbox, "--base-dir", str(base)]


def build_killed_at(base: Path, variable: str, point: str) -> None:
    """Run a build until it says it is paused at `point`, then kill it (and all it started)."""
    said = f"paused at {point}" if variable == PAUSE_ENV else f"paused after {point}"
    child = subprocess.Popen(
        _command(base),
        env=_env(base, {variable: point}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: killed whole, nothing else
    )
    lines: list[str] = []
    try:
        assert child.stderr is not None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = child.stderr.readline()
            if not line:
                break
            lines.append(line)
            if line.strip() == said:
                break
        assert lines and lines[-1].strip() == said, "".join(lines[-30:])
    finally:
        with contextlib.suppress(ProcessLookupError):  # ended by itself (the assert says why)
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        if child.stderr is not None:
            child.stderr.close()


def build(base: Path) -> str:
    done = subprocess.run(
        _command(base), env=_env(base), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def assert_consistent(layout: Layout) -> None:
    """What a killed build may leave: hidden temporary files only, never a partial result."""
    if layout.warehouse_path.exists():
        assert check_warehouse(layout.warehouse_path) == []
    if layout.releases_dir.exists():
        visible = sorted(p.name for p in layout.releases_dir.iterdir() if p.name[0] != ".")
        assert visible == [r.version for r in list_releases(layout)]  # each with its descriptor
        for release in list_releases(layout):
            assert checksum_mismatches(release.path) == [], release.version
    objects = layout.raw_dir / "objects"
    for path in objects.rglob("*") if objects.exists() else ():
        if path.is_file() and not path.name.startswith("."):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert path.name.split(".")[0] == digest, path  # whole, or not there at all
    for doc in RawStore(layout.raw_dir).all():  # every record has its bytes
        assert RawStore(layout.raw_dir).object_path(doc).is_file(), doc.file_name


def assert_recovered(layout: Layout, releases: int) -> None:
    assert_consistent(layout)
    published = list_releases(layout)
    assert len(published) == releases
    assert validate_release(published[-1].path) == ()
    leftovers = [
        *layout.releases_dir.glob(".tmp-*"),
        *layout.warehouse_path.parent.glob("*.tmp*"),
        *layout.raw_dir.rglob(".tmp-*"),
        *layout.parsed_dir.rglob(".tmp-*"),
    ]
    assert leftovers == [], leftovers


@pytest.fixture
def base(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SEED.name).write_bytes(SEED.read_bytes())
    (inbox / "scrambled-2023.txt").write_bytes(b"\x80\x80\xff\xff garbage")
    return tmp_path


def test_builds_killed_at_each_step_recover_by_themselves(base: Path) -> None:
    """Killed while ingesting, parsing, building the warehouse and exporting the release, one
    after the other (each build gets one step further than the last); then a build finishes.
    Then, with that release published, a build of a new document killed while its warehouse is
    being replaced leaves the warehouse and the release as they were, and the next publishes."""
    layout = Layout.under(base)
    left_midway = {  # what shows the build was killed in the middle of writing
        "ingest": lambda: list(layout.raw_dir.glob("objects/??/.tmp-*")),
        "parse": lambda: list(layout.parsed_year_dir(2023).glob(".tmp-*.parquet")),
        "warehouse": lambda: list(layout.warehouse_path.parent.glob("*.tmp")),
        "export": lambda: list(layout.releases_dir.glob(".tmp-*/line_items.csv")),
    }
    for variable, point in [
        (PAUSE_ENV, "ingest"),
        (PAUSE_ENV, "parse"),
        (PAUSE_ENV, "warehouse"),
        (RELEASE_PAUSE_ENV, "export"),
    ]:
        build_killed_at(base, variable, point)
        assert left_midway[point](), point
        assert_consistent(layout)
        assert list_releases(layout) == [], point
    assert RawStore(layout.raw_dir).all()  # kept from the builds that got past ingest
    build(base)
    assert_recovered(layout, releases=1)

    (first,) = list_releases(layout)
    before = layout.warehouse_path.read_bytes()
    seed = SEED.read_text(encoding="utf-8")
    (base / "inbox" / "corrected-2023.txt").write_text(seed + "\n（更正）\n", encoding="utf-8")
    build_killed_at(base, PAUSE_ENV, "warehouse")
    assert left_midway["warehouse"]()
    assert_consistent(layout)
    assert layout.warehouse_path.read_bytes() == before
    assert list_releases(layout) == [first]
    # A release marker cut short by a kill (it is written last) does not stop the next build.
    marker = layout.releases_dir / ".published-inputs.json"
    marker.write_text(json.dumps({"inputs": "x"})[:9])
    output = build(base)
    assert "nothing new" not in output
    assert_recovered(layout, releases=2)


def test_a_year_stamp_cut_short_is_not_trusted(base: Path) -> None:
    """The record of what a year's files were written from is written last; cut short by a
    kill, it is read as unknown and the year is written again (from the cache)."""
    from juesuan.ingest import ingest
    from juesuan.parse_year import parse_year

    layout = Layout.under(base)
    ingest(RawStore(layout.raw_dir), [base / "inbox"])
    assert parse_year(layout, 2023, workers=1).parsed_now == 1
    stamp = layout.parsed_year_dir(2023) / "_inputs.json"
    stamp.write_text(stamp.read_text()[:10])
    again = parse_year(layout, 2023, workers=1)
    assert (again.unchanged, again.parsed_now, again.documents) == (False, 0, 1)
    assert parse_year(layout, 2023, workers=1).unchanged
