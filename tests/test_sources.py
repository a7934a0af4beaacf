"""Downloads against a local HTTP server on 127.0.0.1: the good case and every failure."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from juesuan.sources import DownloadPolicy, SourceEntry, SourceError, download, read_manifest

BODY = b"%PDF-1.4 SYNTHETIC TEST DOCUMENT " + b"x" * 2000
calls: dict[str, int] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        calls[self.path] = calls.get(self.path, 0) + 1
        if self.path == "/ok.pdf":
            self._send(200, BODY, "application/pdf")
        elif self.path == "/missing.pdf":
            self._send(404, b"not here", "text/html")
        elif self.path == "/slow.pdf":
            time.sleep(1.5)
            self._send(200, BODY, "application/pdf")
        elif self.path == "/truncated.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[:100])
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/loop.pdf":
            self.send_response(302)
            self.send_header("Location", "/loop.pdf")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/flaky.pdf":
            if calls[self.path] == 1:
                self._send(503, b"busy", "text/plain")
            else:
                self._send(200, BODY, "application/pdf")
        elif self.path == "/picture.png":
            self._send(200, b"\x89PNG....", "image/png")
        else:
            self._send(404, b"", "text/plain")

    def _send(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def policy(**changes) -> DownloadPolicy:
    base = dict(timeout=0.5, retries=1, backoff=0.05, min_interval=0.0, max_bytes=10_000)
    return DownloadPolicy(**{**base, **changes})


def only_files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_good_download_is_checked_and_kept(server, tmp_path):
    sha = hashlib.sha256(BODY).hexdigest()
    path = download(SourceEntry(f"{server}/ok.pdf", sha256=sha), tmp_path, policy())
    assert path.read_bytes() == BODY
    assert path.name.endswith("-ok.pdf")
    assert only_files(tmp_path) == [path.name]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.pdf", "HTTP 404"),
        ("/slow.pdf", "download failed after 2 attempts: .*Timeout"),
        (
            "/truncated.pdf",
            "download failed after 2 attempts: .*(truncated|IncompleteRead|Connection)",
        ),
        ("/loop.pdf", "more than 5 redirects"),
        ("/picture.png", "served as 'image/png', not a document type"),
    ],
)
def test_failures_end_in_a_clear_error_and_no_file(server, tmp_path, path, message):
    with pytest.raises(SourceError, match=message) as error:
        download(SourceEntry(f"{server}{path}"), tmp_path, policy())
    assert f"{server}{path}" in str(error.value)
    assert only_files(tmp_path) == []  # no partial file, no temporary left


def test_a_checksum_mismatch_is_refused(server, tmp_path):
    with pytest.raises(SourceError, match="does not match the manifest"):
        download(SourceEntry(f"{server}/ok.pdf", sha256="0" * 64), tmp_path, policy())
    assert only_files(tmp_path) == []


def test_too_large_is_refused(server, tmp_path):
    with pytest.raises(SourceError, match="over the limit"):
        download(SourceEntry(f"{server}/ok.pdf"), tmp_path, policy(max_bytes=100))
    assert only_files(tmp_path) == []


def test_a_server_error_is_retried_with_backoff(server, tmp_path):
    calls.pop("/flaky.pdf", None)
    path = download(SourceEntry(f"{server}/flaky.pdf"), tmp_path, policy(retries=2))
    assert path.read_bytes() == BODY
    assert calls["/flaky.pdf"] == 2


def test_requests_to_one_host_are_spaced(server, tmp_path):
    slow = policy(min_interval=0.3)
    started = time.monotonic()
    for _ in range(3):
        download(SourceEntry(f"{server}/ok.pdf"), tmp_path, slow)
    assert time.monotonic() - started >= 0.6


def test_manifest(tmp_path):
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "documents:\n"
        "  - url: https://example.org/a.pdf\n    fiscal_year: 2023\n    department: 某局\n"
        "  - path: local/b.txt\n",
        encoding="utf-8",
    )
    a, b = read_manifest(manifest)
    assert a.is_url and a.fiscal_year == 2023 and a.department == "某局"
    assert b.location == str(tmp_path / "local" / "b.txt") and not b.is_url
    manifest.write_text("documents:\n  - fiscal_year: 2023\n", encoding="utf-8")
    with pytest.raises(SourceError, match="document 1 needs a 'url' or a 'path'"):
        read_manifest(manifest)


def test_ingest_command_downloads_urls_into_the_raw_store(server, tmp_path, seed_path):
    from typer.testing import CliRunner

    from juesuan.cli import app
    from juesuan.paths import Layout
    from juesuan.rawstore import RawStore

    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        f"documents:\n  - url: {server}/ok.pdf\n  - path: {seed_path}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["ingest", str(manifest), "--base-dir", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    stored = {doc.sha256 for doc in RawStore(Layout.under(tmp_path / "b").raw_dir).all()}
    assert hashlib.sha256(BODY).hexdigest() in stored
    failed = CliRunner().invoke(
        app, ["ingest", f"{server}/missing.pdf", "--base-dir", str(tmp_path)]
    )
    assert (
        failed.exit_code == 1 and "HTTP 404" in failed.output and "Traceback" not in failed.output
    )
