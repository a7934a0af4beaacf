"""Parse once: each document's parsed rows kept by its sha256 and the parser's cache key, and
the Parquet files of a year written in batches.

The cache is internal (pickles of our own rows, never published or read from elsewhere) and can
be deleted at any time: it only saves re-parsing.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

# pyarrow.parquet and juesuan.storage (fsspec: ~0.1 s of CPU to import) are imported by the
# BatchWriter, in the main process: a pool worker only puts outcomes in the cache.

BATCH_ROWS = 50_000


class OutcomeCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.pickle"

    def has(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def get(self, sha256: str) -> Any:
        with self._path(sha256).open("rb") as handle:
            return pickle.load(handle)

    def put(self, sha256: str, outcome: Any) -> None:
        target = self._path(sha256)
        try:  # the folder made only when missing: asking for it every time costs a syscall
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class BatchWriter:
    """Rows to one Parquet file in batches, through a temporary file renamed on commit: readers
    see the old file or the new one, and memory holds one batch at a time."""

    def __init__(self, target, schema: pa.Schema) -> None:
        import pyarrow.parquet as pq

        from juesuan.storage import local_temp

        self.target = target  # a Path, or a UPath on object storage (juesuan/storage.py)
        self.schema = schema
        self.tmp = local_temp(target, suffix=".parquet")
        self.writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self.tmp, schema, compression="zstd"
        )
        self.batches: list[pa.RecordBatch] = []
        self.rows = 0

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.add_batch(pa.RecordBatch.from_pylist(rows, schema=self.schema))

    def add_batch(self, batch: pa.RecordBatch) -> None:
        self.batches.append(batch)
        self.rows += batch.num_rows
        if self.rows >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.batches and self.writer is not None:
            self.writer.write_table(pa.Table.from_batches(self.batches, schema=self.schema))
            self.batches, self.rows = [], 0

    def commit(self) -> None:
        from juesuan.storage import publish

        self._flush()
        assert self.writer is not None
        self.writer.close()
        self.writer = None
        publish(self.tmp, self.target)

    def discard(self) -> None:
        """After commit, nothing; after a failure, remove the temporary file."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        Path(self.tmp).unlink(missing_ok=True)
