"""One writer at a time: an exclusive lock on a file beside the data.

DuckDB allows one read-write process per file, and two builds publishing at once would race for
a release version. Builds therefore take this lock around the warehouse and the release; a
second build waits for the first instead of failing or corrupting anything. Readers take no lock:
the warehouse is replaced by renaming a finished file, so they never block a writer.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(TimeoutError):
    pass


def wait_for_lock(fd: int, timeout: float, timed_out: Exception, poll: float = 0.2) -> None:
    """Take an exclusive flock on `fd`, waiting up to `timeout` seconds, else raise `timed_out`.

    The kernel releases the lock when the process dies, however it dies, so a killed build
    never blocks the next one."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise timed_out from None
            time.sleep(poll)


@contextmanager
def exclusive(
    folder: Path, name: str, timeout: float = 3600.0, poll: float = 0.2
) -> Iterator[None]:
    """Hold `<folder>/.locks/<name>.lock` exclusively; wait up to `timeout` seconds for it."""
    path = Path(folder) / ".locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        wait_for_lock(
            fd,
            timeout,
            LockTimeout(
                f"another build has held {path} for over {timeout:.0f} s; "
                "if none is running, delete the file and try again"
            ),
            poll,
        )
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- what a process that died left behind ----------------------------------------------------
#
# Files are written under a temporary name and renamed into place, so a process killed midway
# leaves only its temporary file. Temporary names carry their writer (host and process id), so
# the next writer can tell a dead process's leftovers from a live writer's file, on this host
# or (over a shared filesystem) another one, and removes only the former.

TMP_PREFIX = ".tmp-"


def owner_tag() -> str:
    """`host-pid` of this process, for the names of its temporary files."""
    return f"{socket.gethostname()}-{os.getpid()}"


def temporary_prefix() -> str:
    """The prefix of this process's temporary files: `.tmp-<host>-<pid>~`."""
    return f"{TMP_PREFIX}{owner_tag()}~"


def process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def is_stale(tag: str) -> bool:
    """Whether the writer `host-pid` is a process of this host that is gone."""
    host, _, pid = tag.rpartition("-")
    return host == socket.gethostname() and pid.isdigit() and not process_running(int(pid))


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the `.tmp-<host>-<pid>~…` files of dead processes in `folder`."""
    removed = []
    for path in Path(folder).glob(f"{TMP_PREFIX}*~*"):
        if is_stale(path.name[len(TMP_PREFIX) :].split("~", 1)[0]) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
