"""SHA256SUMS and the zip of a whole release, both byte-for-byte reproducible.

SHA256SUMS lists every file of the release (except itself and the zip) in the format
`sha256sum -c` reads, so a researcher can verify a download with standard tools. The zip holds
every file, SHA256SUMS included, under one top folder named after the release, in sorted order
with fixed timestamps and permissions: the same files always give the same zip. Its own checksum
cannot be inside it, so it is written beside it as `<zip>.sha256`.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from publish.descriptor import file_stats

SUMS_FILE = "SHA256SUMS"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record


def archive_name(package: str, version: str) -> str:
    return f"{package}-{version}.zip"


def release_files(folder: Path, exclude: set[str]) -> list[str]:
    """Every file below `folder` as a POSIX relative path, sorted, without `exclude`."""
    found = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(f for f in found if f not in exclude)


def write_sums(folder: Path, exclude: set[str]) -> Path:
    """SHA256SUMS of every file but `exclude` (and itself)."""
    lines = []
    for rel in release_files(folder, exclude | {SUMS_FILE}):
        _, digest = file_stats(folder / rel)
        lines.append(f"{digest.removeprefix('sha256:')}  {rel}")
    path = folder / SUMS_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_zip(folder: Path, name: str, top: str) -> Path:
    """The zip of every file of `folder` (but the zip and its checksum), under `top/`."""
    path = folder / name
    files = release_files(folder, {name, f"{name}.sha256"})
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for rel in files:
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100444 << 16  # a regular, read-only file
            info.create_system = 3  # Unix, so that the permissions above are honoured
            large = (folder / rel).stat().st_size >= 1 << 31  # zip64 only where it is needed
            with (folder / rel).open("rb") as src, zf.open(info, "w", force_zip64=large) as dst:
                for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                    dst.write(chunk)
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    (folder / f"{name}.sha256").write_text(f"{digest.hexdigest()}  {name}\n", encoding="utf-8")
    return path
