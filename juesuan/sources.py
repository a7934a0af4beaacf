"""Where documents come from: an inbox folder, paths, URLs, or a manifest (YAML) of them.

Downloads are polite and defensive: a timeout on every request, retries with exponential
backoff on connection errors and 5xx answers, a limit on redirects and on size, a check of the
content type and (when the manifest gives one) of the sha256, and a minimum interval between
two requests to the same host. A failed download says what failed and leaves no file behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import requests
import yaml

# Content types a disclosure may be served as; text/plain and octet-stream are common for PDFs.
ACCEPTED_TYPES = (
    "application/pdf",
    "application/x-pdf",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.ms-excel",
    "application/msword",
    "application/zip",
    "application/x-zip-compressed",
    "text/html",
    "text/plain",
    "application/xhtml+xml",
)


class SourceError(Exception):
    """A source that cannot be fetched or read: the message names it and says why."""


@dataclass(frozen=True)
class SourceEntry:
    """One document to ingest, with the hints a manifest may give about it."""

    location: str  # a URL or a path
    sha256: str | None = None
    department: str | None = None
    fiscal_year: int | None = None

    @property
    def is_url(self) -> bool:
        return urlparse(self.location).scheme in {"http", "https"}


@dataclass
class DownloadPolicy:
    timeout: float = 30.0  # seconds, for connecting and for each read
    retries: int = 3
    backoff: float = 1.0  # seconds, doubled after each failed attempt
    max_bytes: int = 200 * 1024 * 1024
    max_redirects: int = 5
    min_interval: float = 1.0  # seconds between two requests to the same host
    user_agent: str = "juesuan/0.1 (open data of government final accounts)"  # ASCII: a header
    _last_request: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait_for(self, host: str) -> None:
        with self._lock:
            wait = self._last_request.get(host, 0.0) + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_request[host] = time.monotonic()


def read_manifest(path: Path) -> list[SourceEntry]:
    """The documents a manifest lists: `documents: [{url|path, sha256?, department?,
    fiscal_year?}]`.

    Relative paths are relative to the manifest's folder.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"{path}: not a readable YAML manifest ({exc})") from None
    items = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceError(f"{path}: a manifest needs a 'documents:' list")
    entries = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not (item.get("url") or item.get("path")):
            raise SourceError(f"{path}: document {number} needs a 'url' or a 'path'")
        location = str(item.get("url") or item.get("path"))
        if not item.get("url") and not Path(location).is_absolute():
            location = str((path.parent / location).resolve())
        year = item.get("fiscal_year")
        if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
            raise SourceError(f"{path}: document {number}: fiscal_year {year!r} is not a year")
        sha = item.get("sha256")
        if sha is not None and not (isinstance(sha, str) and len(sha) == 64):
            raise SourceError(f"{path}: document {number}: sha256 must be 64 hex digits")
        entries.append(
            SourceEntry(location, sha.lower() if sha else None, item.get("department"), year)
        )
    return entries


def download(entry: SourceEntry, folder: Path, policy: DownloadPolicy | None = None) -> Path:
    """Fetch a URL into `folder`; returns the file. Raises SourceError, leaving no partial file."""
    policy = policy or DownloadPolicy()
    folder.mkdir(parents=True, exist_ok=True)
    url = entry.location
    host = urlparse(url).netloc
    last_error = "no attempt made"
    for attempt in range(policy.retries + 1):
        if attempt:
            time.sleep(policy.backoff * 2 ** (attempt - 1))
        policy.wait_for(host)
        try:
            return _fetch(entry, folder, policy)
        except _Retryable as exc:
            last_error = str(exc)
    raise SourceError(f"{url}: download failed after {policy.retries + 1} attempts: {last_error}")


class _Retryable(Exception):
    pass


def _fetch(entry: SourceEntry, folder: Path, policy: DownloadPolicy) -> Path:
    url = entry.location
    session = requests.Session()
    session.max_redirects = policy.max_redirects
    session.headers["User-Agent"] = policy.user_agent
    try:
        response = session.get(url, stream=True, timeout=(policy.timeout, policy.timeout))
    except requests.TooManyRedirects:
        raise SourceError(f"{url}: more than {policy.max_redirects} redirects") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}") from None
    except requests.RequestException as exc:
        raise SourceError(f"{url}: {exc}") from None
    with response:
        if response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise SourceError(f"{url}: HTTP {response.status_code} {response.reason}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and not kind.startswith(ACCEPTED_TYPES):
            raise SourceError(f"{url}: served as {kind!r}, not a document type")
        declared = response.headers.get("Content-Length")
        if declared and int(declared) > policy.max_bytes:
            raise SourceError(
                f"{url}: {int(declared)} bytes is over the limit of {policy.max_bytes}"
            )
        target = folder / _file_name(response.url or url)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    size += len(chunk)
                    if size > policy.max_bytes:
                        raise SourceError(
                            f"{url}: larger than the limit of {policy.max_bytes} bytes"
                        )
                    digest.update(chunk)
                    handle.write(chunk)
            if declared and size != int(declared):
                raise _Retryable(f"truncated: {size} of {declared} bytes received")
            if entry.sha256 and digest.hexdigest() != entry.sha256:
                raise SourceError(
                    f"{url}: sha256 {digest.hexdigest()} does not match the manifest's "
                    f"{entry.sha256}"
                )
            os.replace(tmp, target)
        except requests.RequestException as exc:
            Path(tmp).unlink(missing_ok=True)
            raise _Retryable(f"{type(exc).__name__}: {exc}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return target


def _file_name(url: str) -> str:
    """A safe local name from the URL's last path segment (no traversal, no odd characters)."""
    name = unquote(Path(urlparse(url).path).name) or "download"
    name = "".join(c for c in name if c.isalnum() or c in "._-（）()").lstrip(".")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return f"{digest}-{name or 'download'}"[:150]


def resolve(
    sources: Iterable[str | Path], download_dir: Path, policy: DownloadPolicy | None = None
) -> Iterator[tuple[Path, SourceEntry]]:
    """Every local file the sources stand for: folders and files as they are, manifests expanded,
    URLs downloaded. A failed download raises SourceError naming it."""
    policy = policy or DownloadPolicy()
    for source in sources:
        text = str(source)
        entry = SourceEntry(text)
        if entry.is_url:
            yield download(entry, download_dir, policy), entry
        elif text.endswith((".yaml", ".yml")) and Path(text).is_file():
            for item in read_manifest(Path(text)):
                local = download(item, download_dir, policy) if item.is_url else Path(item.location)
                yield local, item
        else:
            yield Path(text), entry
