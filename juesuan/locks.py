"""One writer at a time: an exclusive lock on a file beside the data.

DuckDB allows one read-write process per file, and two builds publishing at once would race for
a release version. Builds therefore take this lock around the warehouse and the release; a
second build waits for the first instead of failing or corrupting anything. Readers take no lock:
the warehouse is replaced by renaming a finished file, so they never block a writer.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(TimeoutError):
    pass


@contextmanager
def exclusive(
    folder: Path, name: str, timeout: float = 3600.0, poll: float = 0.2
) -> Iterator[None]:
    """Hold `<folder>/.locks/<name>.lock` exclusively; wait up to `timeout` seconds for it."""
    path = Path(folder) / ".locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"another build has held {path} for over {timeout:.0f} s; "
                        "if none is running, delete the file and try again"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
