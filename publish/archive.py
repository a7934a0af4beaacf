"""SHA256SUMS and the zip of a whole release, both byte-for-byte reproducible.

SHA256SUMS lists every file of the release (except itself and the zip) in the format
`sha256sum -c` reads, so a researcher can verify a download with standard tools. The zip holds
every file, SHA256SUMS included, under one top folder named after the release, in sorted order
with fixed timestamps and permissions: the same files always give the same zip. Its own checksum
cannot be inside it, so it is written beside it as `<zip>.sha256`.

Deflating is most of the time of a zip, so the members are deflated in parallel (zlib works
outside the GIL), each into a scratch file, and then written into the zip in sorted order, with
`zipfile`'s own headers and central directory. A member is deflated as `zipfile` deflates it at
`DEFLATE_LEVEL` (the same settings fed the same chunks), with one exception: an Excel CSV is a UTF-8
BOM followed by the bytes of the CSV of the same name (publish.export), and deflating its 100 MB
again would repeat work already done. Its member is the BOM deflated and flushed to a byte boundary
without ending the stream, followed by the CSV member's own deflate stream: a valid stream of the
BOM and the CSV, since the CSV's stream never refers back before its own start. Whether a file is
such a copy is decided from its bytes (its sha256, as SHA256SUMS lists it or hashed, against that of
the BOM and the CSV), so the zip still depends only on the files, and every member decompresses to
exactly its file's bytes (zipfile, `unzip -t`; the tests check both).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from publish.descriptor import file_stats
from publish.export import EXCEL_DIR, UTF8_BOM

SUMS_FILE = "SHA256SUMS"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record
_CHUNK = 1 << 20
# zlib's level for every member: its default (6). Level 4 would deflate a release's files in
# 0.55 of the time (2,000 documents: 0.76 s of CPU instead of 1.35 s, some 0.3 s of a build) for
# a zip 5% larger (26.1 MB instead of 24.8 MB): every researcher downloads the zip, so the
# build pays, not the download.
DEFLATE_LEVEL = 6
ZIP64_FROM = 1 << 31  # members from this size get zip64 headers, and only those
# Folders of copies: `<folder>/<path>` may hold the prefix followed by the bytes of `<path>`.
COPIES = {EXCEL_DIR: UTF8_BOM}


def archive_name(package: str, version: str) -> str:
    return f"{package}-{version}.zip"


def release_files(folder: Path, exclude: set[str]) -> list[str]:
    """Every file below `folder` as a POSIX relative path, sorted, without `exclude`."""
    found = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(f for f in found if f not in exclude)


def write_sums(
    folder: Path, exclude: set[str], known: Mapping[str, tuple[int, str]] | None = None
) -> Path:
    """SHA256SUMS of every file but `exclude` (and itself).

    `known` gives (bytes, `sha256:<hex>`) of files already hashed and verified (those listed in
    datapackage.json); a file whose size differs from it is hashed again.
    """
    known = known or {}
    files = release_files(folder, exclude | {SUMS_FILE})

    def digest(rel: str) -> str:
        size, sha = known.get(rel, (-1, ""))
        if size != (folder / rel).stat().st_size:
            _, sha = file_stats(folder / rel)
        return sha.removeprefix("sha256:")

    with ThreadPoolExecutor(2) as pool:
        lines = [f"{d}  {rel}" for rel, d in zip(files, pool.map(digest, files), strict=True)]
    path = folder / SUMS_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100444 << 16  # a regular, read-only file
    info.create_system = 3  # Unix, so that the permissions above are honoured
    return info


class _Sums:
    """CRC-32, size and sha256 of bytes fed in chunks, after `start`: what a member records."""

    def __init__(self, start: bytes = b"") -> None:
        self.crc = self.size = 0
        self.sha256 = hashlib.sha256()
        self.update(start)

    def update(self, chunk: bytes) -> None:
        self.crc = zlib.crc32(chunk, self.crc)
        self.size += len(chunk)
        self.sha256.update(chunk)

    def of(self, path: Path) -> _Sums:
        """The sums continued over a file's bytes (for a copy whose prefix was not foreseen)."""
        with path.open("rb") as src:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                self.update(chunk)
        return self


@dataclass(frozen=True)
class _Deflated:
    """One member deflated into a scratch file, with what its headers record, and its sha256.

    `head` is written before the scratch file's bytes (a copy's prefix, deflated); `prefixed`
    holds the sums of each copy's prefix followed by these bytes, keyed by the prefix.
    """

    data: Path
    crc: int
    size: int
    compressed: int
    sha256: str
    head: bytes = b""
    prefixed: Mapping[bytes, _Sums] = field(default_factory=dict)


def _deflate(source: Path, target: Path, prefixes: tuple[bytes, ...] = ()) -> _Deflated:
    """What zipfile's writer does with a member's bytes: the same compressor, the same chunks.

    The sums of each prefix followed by the same bytes are kept for the copies (`_copy`).
    """
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    sums = [_Sums(), *(_Sums(p) for p in prefixes)]
    compressed = 0
    with source.open("rb") as src, target.open("wb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            for s in sums:
                s.update(chunk)
            data = compressor.compress(chunk)
            compressed += len(data)
            out.write(data)
        data = compressor.flush()
        compressed += len(data)
        out.write(data)
    own = sums[0]
    prefixed = dict(zip(prefixes, sums[1:], strict=True))
    return _Deflated(target, own.crc, own.size, compressed, own.sha256.hexdigest(), b"", prefixed)


def _copy(original: _Deflated, prefix: bytes, sums: _Sums) -> _Deflated:
    """The member of `prefix` followed by `original`'s bytes, from `original`'s deflated bytes.

    The prefix is deflated and sync-flushed: non-final blocks ending on a byte boundary, after
    which `original`'s stream (which refers back to nothing before its start) continues it.
    """
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_SYNC_FLUSH)
    compressed = len(head) + original.compressed
    return _Deflated(original.data, sums.crc, sums.size, compressed, sums.sha256.hexdigest(), head)


def _copy_of(rel: str) -> tuple[str, bytes] | None:
    """The file `rel` may be a copy of, behind which prefix; None if it is no copy's place."""
    top, _, rest = rel.partition("/")
    return (rest, COPIES[top]) if rest and top in COPIES else None


def _add_deflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: _Deflated) -> None:
    """Append a deflated member as `ZipFile.open(info, "w")` followed by its close would.

    zipfile has no public call for data deflated elsewhere; this does what its writer does on
    a seekable file (header with the final CRC and sizes, the data, the bookkeeping for the
    central directory that `close()` writes). The tests compare the bytes with `zipfile`'s.
    """
    zip64 = member.size >= ZIP64_FROM
    if not zip64 and max(member.size, member.compressed) > zipfile.ZIP64_LIMIT:
        raise zipfile.LargeZipFile(f"{info.filename}: too large without zip64")
    info.flag_bits = 0
    info.CRC, info.file_size, info.compress_size = member.crc, member.size, member.compressed
    fp = zf.fp
    assert fp is not None
    fp.seek(zf.start_dir)
    info.header_offset = fp.tell()
    zf._writecheck(info)  # as ZipFile.open does
    zf._didModify = True
    fp.write(info.FileHeader(zip64))
    fp.write(member.head)
    with member.data.open("rb") as data:
        shutil.copyfileobj(data, fp, _CHUNK)
    zf.start_dir = fp.tell()
    zf.filelist.append(info)
    zf.NameToInfo[info.filename] = info


def _listed_sums(path: Path) -> dict[str, str]:
    """SHA256SUMS read back: file -> hex digest."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {rel: digest for digest, rel in (line.split("  ", 1) for line in lines if line)}


class Archiver:
    """Deflates the members of a release's zip in the background, then writes the zip.

    `prepare` hands over files that are final (the data files, once exported): they are
    deflated by worker threads while the build goes on (validation, change log), and `write`
    deflates whatever is left and writes the zip. A file that changed after `prepare` (its size
    or time differ) is deflated again, and every member must have the sha256 SHA256SUMS lists
    (hashed as it is deflated). A file in a copies' folder (COPIES) waits for `write`: if it holds
    the prefix followed by its original's bytes, its member reuses the original's deflated bytes,
    else it is deflated then. Scratch files go to a folder outside the release.
    """

    def __init__(self, folder: Path, scratch: Path | None = None, workers: int = 2) -> None:
        self.folder = folder
        self._tmp = tempfile.TemporaryDirectory(prefix="zip-", dir=scratch)
        self._pool = ThreadPoolExecutor(max(1, workers))
        self._jobs: dict[str, tuple[tuple[int, int], Future[_Deflated]]] = {}
        self._submitted = 0  # names the scratch files

    def _stamp(self, rel: str) -> tuple[int, int]:
        st = (self.folder / rel).stat()
        return st.st_size, st.st_mtime_ns

    def prepare(self, files: list[str]) -> None:
        """Start deflating `files` (relative paths), the largest first; copies wait for `write`."""
        stamps = {rel: self._stamp(rel) for rel in files if rel not in self._jobs}
        for rel in sorted(stamps, key=lambda r: (-stamps[r][0], r)):
            copy = _copy_of(rel)
            if not (copy and (self.folder / copy[0]).is_file()):
                self._deflate(rel, stamps[rel])

    def _deflate(self, rel: str, stamp: tuple[int, int]) -> None:
        """Deflate `rel` in the background, with the sums of the copies of it that exist."""
        self._submitted += 1
        target = Path(self._tmp.name) / str(self._submitted)
        prefixes = tuple(p for top, p in COPIES.items() if (self.folder / top / rel).is_file())
        job = self._pool.submit(_deflate, self.folder / rel, target, prefixes)
        self._jobs[rel] = (stamp, job)

    def _member(self, rel: str, listed: Mapping[str, str]) -> _Deflated:
        """The member of `rel`: its deflated bytes, or the reused ones of its original.

        A copy's sha256 is the one SHA256SUMS lists (hashed from the file by the build), else
        the file is hashed now; a file that is not the copy it could be is deflated itself.
        """
        copy = _copy_of(rel)
        if rel not in self._jobs and copy and copy[0] in self._jobs:
            source, prefix = copy
            original = self._jobs[source][1].result()
            sums = original.prefixed.get(prefix) or _Sums(prefix).of(self.folder / source)
            digest = listed.get(rel) or file_stats(self.folder / rel)[1].removeprefix("sha256:")
            if digest == sums.sha256.hexdigest():
                return _copy(original, prefix, sums)
        if rel not in self._jobs:
            self._deflate(rel, self._stamp(rel))
        return self._jobs[rel][1].result()

    def write(self, name: str, top: str) -> Path:
        """The zip of every file of the folder (but the zip and its checksum), under `top/`."""
        path = self.folder / name
        files = release_files(self.folder, {name, f"{name}.sha256"})
        for rel in [r for r in self._jobs if r not in files or self._jobs[r][0] != self._stamp(r)]:
            del self._jobs[rel]  # gone or changed since: deflate it again
        self.prepare(files)
        listed = _listed_sums(self.folder / SUMS_FILE) if SUMS_FILE in files else {}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=DEFLATE_LEVEL) as zf:
            for rel in files:
                member = self._member(rel, listed)
                if listed.get(rel, member.sha256) != member.sha256:  # a bug of ours
                    raise RuntimeError(f"{rel}: not the bytes {SUMS_FILE} lists")
                _add_deflated(zf, _info(f"{top}/{rel}"), member)
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                digest.update(chunk)
        (self.folder / f"{name}.sha256").write_text(
            f"{digest.hexdigest()}  {name}\n", encoding="utf-8"
        )
        return path

    def close(self) -> None:
        """Stop: pending members are dropped, running ones finish, scratch files are removed."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._tmp.cleanup()

    def __enter__(self) -> Archiver:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def write_zip(folder: Path, name: str, top: str, scratch: Path | None = None) -> Path:
    """The zip of every file of `folder` (but the zip and its checksum), under `top/`.

    Members are deflated two at a time, the largest first, into scratch files in `scratch` (a
    folder outside the release; a temporary one by default), and written in sorted order.
    """
    with Archiver(folder, scratch, workers=min(2, os.cpu_count() or 1)) as archiver:
        return archiver.write(name, top)
