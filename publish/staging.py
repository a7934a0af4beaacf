"""Where a release is assembled before it exists: a hidden folder beside the published ones.

A release folder appears by one `rename` of a complete, validated folder, so readers never see a
half-written release. Builds hold an exclusive lock on the releases folder (flock on the folder
itself, so no lock file is left behind), which makes every hidden `.tmp-*` folder found by a
build the leftover of a build that died: it is removed before anything else happens.

Published files are made read-only: a release is immutable, and a stray write (or an editor's
save) should fail loudly rather than silently invalidate the checksums researchers rely on.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from juesuan.locks import wait_for_lock

TMP_PREFIX = ".tmp-"

# Fault injection for the tests that kill a build midway: the build stops after the named step
# (snapshot, export, datapackage, validated, documents, archive, sealed; see publish.release),
# says so on stderr, and sleeps until it is killed. Never set outside tests.
PAUSE_ENV = "JUESUAN_RELEASE_PAUSE_AFTER"


class ReleaseBusyError(RuntimeError):
    """Another process is building a release in the same folder."""


@contextmanager
def build_lock(releases_dir: Path, timeout: float = 3600.0, poll: float = 0.2) -> Iterator[None]:
    """Hold an exclusive lock on `releases_dir` while a release is built; wait for another build.

    The kernel releases the lock when the process dies, however it dies, so a killed build never
    blocks the next one. A second build waits (up to `timeout` seconds) and then takes the next
    free version.
    """
    fd = os.open(releases_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        busy = ReleaseBusyError(
            f"another release has been building in {releases_dir} for over "
            f"{timeout:.0f} s; try again when it ends"
        )
        wait_for_lock(fd, timeout, busy, poll)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def staging_dir(releases_dir: Path, version: str) -> Path:
    """The hidden folder a release is assembled in (unique per process)."""
    return releases_dir / f"{TMP_PREFIX}{version}-{os.getpid()}"


def remove_stale(releases_dir: Path) -> list[Path]:
    """Remove the staging folders of builds that died; call only while holding `build_lock`."""
    removed = []
    for path in sorted(releases_dir.glob(f"{TMP_PREFIX}*")):
        force_rmtree(path)
        removed.append(path)
    return removed


def force_rmtree(path: Path) -> None:
    """Remove a tree even where it was already made read-only (a build killed while sealing)."""

    def retry(func, failed: str, _info: object) -> None:
        parent = os.path.dirname(failed)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
        if os.path.isdir(failed) and not os.path.islink(failed):
            os.chmod(failed, os.stat(failed).st_mode | stat.S_IRWXU)
        func(failed)

    if path.exists() or path.is_symlink():
        shutil.rmtree(path, onerror=retry)  # Python 3.11: onexc arrives in 3.12


def seal(folder: Path) -> None:
    """Make every file read-only (0444) and every folder below `folder` read-only (0555).

    `folder` itself stays writable until it has been renamed into place; `seal_top` finishes.
    """
    for root, dirs, files in os.walk(folder):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o555)


def seal_top(folder: Path) -> None:
    """Make the published folder itself read-only: no file can be added or removed."""
    os.chmod(folder, 0o555)


def pause_point(step: str) -> None:
    """If the fault-injection variable names `step`, announce it and wait to be killed."""
    if os.environ.get(PAUSE_ENV) == step:
        sys.stderr.write(f"paused after {step}\n")
        sys.stderr.flush()
        while True:  # pragma: no cover - ended by SIGKILL
            time.sleep(60)
