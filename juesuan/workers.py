"""The process pool that reads documents, shared by identification (ingest) and parsing.

Reading is CPU-bound Python: only processes use every core. Starting workers costs seconds
(spawn re-imports the library), so a pool is started only for enough documents and is kept for
the rest of the process: ingest and every year of a build share it.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

# Fewer documents than this are read in this process: a pool would cost more than it saves.
MIN_POOL_DOCUMENTS = 8
_POOLS: dict[int, ProcessPoolExecutor] = {}


def cores() -> int:
    """The cores this process may use (a container's or a job's limit, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def pool(workers: int) -> ProcessPoolExecutor:
    if workers not in _POOLS:
        context = multiprocessing.get_context("spawn")  # no fork of a threaded Dagster process
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        atexit.register(_POOLS[workers].shutdown, wait=False, cancel_futures=True)
    return _POOLS[workers]


def map_documents(
    function: Callable[..., Any],
    *arguments: Iterable[Any],
    count: int,
    workers: int | None = None,
    chunksize: int = 4,
) -> Iterator[Any]:
    """`map(function, *arguments)`, in order and lazily, in the pool when `count` items are
    worth it. `function` must be a top-level function (the pool pickles it)."""
    workers = workers or cores()
    if count >= MIN_POOL_DOCUMENTS and workers > 1:
        task = partial(_in_worker, function)
        return pool(workers).map(task, *arguments, chunksize=chunksize)
    return map(function, *arguments)


_settled: set[Callable[..., Any]] = set()  # in a worker: the functions run once already


_in_pool = False  # set by a worker's first task


def in_pool_worker() -> bool:
    """Whether this process is a worker of the pool (`map_documents`): where a task may set up
    the process for its own kind of work, which the caller's process must be spared."""
    return _in_pool


def _in_worker(function: Callable[..., Any], *arguments: Any) -> Any:
    """`function(*arguments)` in a worker. After the worker's first task of each function
    (identifying, parsing), what lives on (the modules that task imported, pyarrow among
    them; memos; some 100,000 objects) is moved out of the cyclic garbage collector's
    sight (`gc.freeze`): the collections a document's many short-lived objects trigger scanned
    them again and again (some 1.3 ms of a document's 20 ms of reading and parsing; 0.6 ms
    once frozen). Frozen objects are still freed when no longer referenced; only cycles among
    them would stay."""
    global _in_pool
    _in_pool = True
    try:
        return function(*arguments)
    finally:
        if function not in _settled:
            _settled.add(function)
            gc.collect()
            gc.freeze()
