"""Where the parsed Parquet files live: a local folder, or any fsspec filesystem (s3://, gs://,
abfs://, memory:// …) named by JUESUAN_PARSED_URL — configuration, not a rewrite.

Paths are pathlib.Path locally and universal_pathlib's UPath elsewhere, which speak the same
API. Files are written to a local temporary file first, then moved (a rename locally, one `put`
on object storage, where an object appears whole or not at all). DuckDB reads remote files
through the same fsspec filesystem, registered on its connection.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from upath import UPath

from juesuan.locks import temporary_prefix

AnyPath = Any  # Path | UPath


def location(url: str) -> AnyPath:
    return (
        UPath(url)
        if "://" in url and not url.startswith("file://")
        else Path(url.removeprefix("file://"))
    )


def is_local(path: AnyPath) -> bool:
    if isinstance(path, UPath):
        return path.protocol in ("", "file", "local")
    return True


def local_temp(target: AnyPath, suffix: str = "") -> Path:
    """A temporary file from which `target` will be published (same folder when local, so the
    final rename is atomic)."""
    folder = Path(target).parent if is_local(target) else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=temporary_prefix(), suffix=suffix)
    os.close(fd)
    return Path(name)


def publish(temporary: Path, target: AnyPath) -> None:
    """Move a finished local file into place, atomically where the filesystem allows."""
    if is_local(target):
        os.replace(temporary, target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.fs.put_file(str(temporary), target.path)
    temporary.unlink(missing_ok=True)


def duckdb_path(path: AnyPath) -> str:
    """How DuckDB names a file: a local path, or the URL of a registered fsspec filesystem."""
    if is_local(path):
        return str(path)
    return f"{path.protocol}://{path.path.lstrip('/')}"


def register(con, paths) -> None:
    """Register on a DuckDB connection the fsspec filesystems of the remote paths among `paths`."""
    seen = set()
    for path in paths:
        if not is_local(path) and path.protocol not in seen:
            con.register_filesystem(path.fs)
            seen.add(path.protocol)


def copy_local(path: AnyPath, folder: Path) -> Path:
    """A local copy of a file (for tools that need one)."""
    if is_local(path):
        return Path(path)
    target = folder / Path(path.path).name
    with path.open("rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink)
    return target
