"""The raw store: every ingested file, kept by content (sha256), never overwritten or lost.

Layout: `objects/ab/abcdef….<ext>` holds the bytes; `meta/abcdef….json` what we know of them
(names and sources it arrived under, its format, what identification read from it). Writes go
through a temporary file and a rename, so a crash never leaves a half-written object.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_from_bytes

from juesuan.faults import pause_point
from juesuan.locks import remove_stale_temporaries, temporary_prefix
from juesuan.paths import REPO_ROOT
from juesuan.readers import detect_format

_CHUNK = 1 << 20
# Files up to this size are read into memory once (hashed, then stored from the same bytes);
# larger ones are hashed, then copied, never held whole.
_IN_MEMORY = 64 << 20
# The extension an object is stored under: a plain one, or none (the name never makes a path).
_OBJECT_SUFFIX = re.compile(r"[a-z0-9]{1,10}")


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    file_name: str
    source_uri: str
    format: str
    size: int
    ingested_at: str
    object_name: str
    other_names: tuple[str, ...] = field(default_factory=tuple)
    # What identification read (kind, fiscal year, department), or why it could not.
    kind: str = "unknown"
    fiscal_year: int | None = None
    department_name: str | None = None
    problem: str | None = None

    @property
    def document_id(self) -> str:
        return self.sha256[:16]


def file_name_of(path: Path) -> str:
    """The name a file arrived under, as text: bytes that are not UTF-8 (names of a zip made on
    a Chinese Windows, unpacked on Linux) are read as GB18030, else kept as escapes."""
    raw = os.fsencode(Path(path).name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")  # pragma: no cover - GB18030 takes all


def display_name(name: str) -> str:
    """A file name as reports print it: control and format characters (newlines, tabs, the
    right-to-left override) shown as escapes, so a name stays on its line and reads as it is."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs"}
        else char
        for char in name
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read_small(path: Path) -> bytes | None:
    """The file's bytes when it is at most _IN_MEMORY long (None: larger). A file read whole
    is hashed and stored from the same bytes: read once, not once to hash and once to copy."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > _IN_MEMORY:
            return None
        return handle.read()


def _temporary(folder: Path) -> tuple[int, str]:
    """A new hidden temporary file in `folder`, open for writing. The folder is made only
    when it is missing (found out by the failed create, not by a call per file)."""
    try:
        return tempfile.mkstemp(dir=folder, prefix=temporary_prefix())
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=folder, prefix=temporary_prefix())


def _atomic_write(target: Path, content: bytes | Path, pause: str | None = None) -> None:
    """Write `content` (bytes, or a file to copy) through a hidden temporary file and a
    rename: the target is whole or absent. `pause` names a fault-injection point (juesuan.faults)
    between the write and the rename."""
    fd, tmp = _temporary(target.parent)
    try:
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        else:
            os.close(fd)
            shutil.copyfile(content, tmp)
        if pause:
            pause_point(pause)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _meta_path(self, sha256: str) -> Path:
        return self.root / "meta" / f"{sha256}.json"

    def object_path(self, doc: StoredDocument) -> Path:
        return self.root / "objects" / doc.sha256[:2] / doc.object_name

    def remove_stale_temporaries(self) -> list[Path]:
        """Remove the half-copied files of ingests that died; objects are never touched."""
        folders = [self.root / "meta", *sorted((self.root / "objects").glob("??"))]
        return [path for folder in folders for path in remove_stale_temporaries(folder)]

    def add(
        self,
        path: Path,
        source_uri: str | None = None,
        describe: Callable[[RawStore, StoredDocument], StoredDocument] | None = None,
    ) -> tuple[StoredDocument, bool]:
        """Store a file; returns its record and whether its bytes were new to the store.

        `describe` completes a new record (kind, year, department) before it is saved: a
        record becomes visible to other processes only once it is complete.
        """
        doc, is_new = self.stage(path, source_uri)
        if is_new:
            if describe is not None:
                doc = describe(self, doc)
            self.save(doc)
        return doc, is_new

    def stage(self, path: Path, source_uri: str | None = None) -> tuple[StoredDocument, bool]:
        """Store a file's bytes; returns its record and whether the bytes were new.

        A new record is returned unsaved: the caller describes it and `save`s it, so that
        the description can happen elsewhere (a worker process) and a record is never seen
        half complete. Until then the store does not know the bytes, and storing them again
        is harmless (the object is replaced by the same bytes).
        """
        path = Path(path)
        name = file_name_of(path)
        data = _read_small(path)
        sha = sha256_of(path) if data is None else hashlib.sha256(data).hexdigest()
        content = path if data is None else data
        known = self.get(sha)
        if known is not None:
            if not self.object_path(known).is_file():  # removed by hand: the bytes come back
                _atomic_write(self.object_path(known), content, "ingest")
            if name != known.file_name and name not in known.other_names:
                known = replace(known, other_names=(*known.other_names, name))
                self.save(known)
            return known, False
        uri = source_uri or _local_uri(path)
        fmt = detect_format(path)
        object_name = sha + (f".{fmt}" if _OBJECT_SUFFIX.fullmatch(fmt) else "")
        _atomic_write(self.root / "objects" / sha[:2] / object_name, content, "ingest")
        doc = StoredDocument(
            sha256=sha,
            file_name=name,
            source_uri=uri,
            format=fmt,
            size=path.stat().st_size if data is None else len(data),
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            object_name=object_name,
        )
        return doc, True

    def save(self, doc: StoredDocument) -> None:
        # The fields are text, numbers and a tuple of names: no deep copy (asdict) needed.
        data = {f.name: getattr(doc, f.name) for f in fields(doc)}
        data["other_names"] = list(doc.other_names)
        _atomic_write(
            self._meta_path(doc.sha256),
            json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
        )

    def get(self, sha256: str) -> StoredDocument | None:
        try:
            return _load(self._meta_path(sha256))
        except FileNotFoundError:
            return None

    def all(self) -> list[StoredDocument]:
        meta_dir = self.root / "meta"
        if not meta_dir.exists():
            return []
        return sorted(
            (_load(path) for path in meta_dir.glob("*.json")), key=lambda d: (d.file_name, d.sha256)
        )

    def for_year(self, fiscal_year: int) -> list[StoredDocument]:
        return self.by_year().get(fiscal_year, [])

    def by_year(self) -> dict[int | None, list[StoredDocument]]:
        """The documents of each fiscal year (None: not identified), in `all`'s order: the
        records read once for every year of a build, not once per year."""
        years: dict[int | None, list[StoredDocument]] = {}
        for doc in self.all():
            years.setdefault(doc.fiscal_year, []).append(doc)
        return years


def _local_uri(path: Path) -> str:
    """A checkout-relative path for bundled files (no machine paths in a release), else file://."""
    return _uri_of(path.resolve())


def local_uris() -> Callable[[Path], str]:
    """`_local_uri` of the files of one ingest, by their paths' text: each folder resolved once
    (a file's path resolved is its folder's and its name, unless it is itself a link), not
    every folder of each file again, nor each made a Path (~15 us of ~23 a file)."""
    folders: dict[Path, str] = {}
    checkout = str(REPO_ROOT).rstrip("/") + "/"  # (a file is never the checkout itself)

    def uri(path: Path) -> str:
        path = Path(path)
        if path.name in ("", "..") or os.path.islink(path):
            return _local_uri(path)
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = str(path.parent.resolve())
        resolved = os.path.join(folder, path.name)
        if resolved.startswith(checkout):
            relative = resolved[len(checkout) :]
            return os.fsencode(relative).decode("utf-8", errors="backslashreplace")
        return "file://" + quote_from_bytes(os.fsencode(resolved))  # as Path.as_uri

    return uri


def _uri_of(resolved: Path) -> str:
    if resolved.is_relative_to(REPO_ROOT):
        relative = resolved.relative_to(REPO_ROOT).as_posix()
        return os.fsencode(relative).decode("utf-8", errors="backslashreplace")
    return resolved.as_uri()  # percent-encodes every byte a name holds


def _load(path: Path) -> StoredDocument:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["other_names"] = tuple(data.get("other_names", ()))
    return StoredDocument(**data)
