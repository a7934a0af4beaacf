"""Fault injection for the tests that kill a build at a chosen point (tests/test_crash_safety.py).

With JUESUAN_PAUSE_AT=<point> in its environment, a build stops at that point (ingest, parse,
warehouse; publish.staging has the release's own points), says `paused at <point>` on stderr,
and sleeps until it is killed. Never set outside tests.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "JUESUAN_PAUSE_AT"


def pause_point(point: str) -> None:
    """If JUESUAN_PAUSE_AT names `point`, announce it and wait to be killed."""
    if os.environ.get(PAUSE_ENV) == point:
        sys.stderr.write(f"paused at {point}\n")
        sys.stderr.flush()
        while True:  # pragma: no cover - ended by SIGKILL
            time.sleep(60)
