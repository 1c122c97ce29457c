"""What the benchmark scripts share: build the site, serve it on 127.0.0.1, update RESULTS.md.

The server has two modes. "pages" (the default of every script) serves like GitHub Pages, where
the site is deployed: text files gzip-compressed when the request accepts gzip (with
``Content-Encoding: gzip`` and ``Vary: Accept-Encoding``) and every response with
``Cache-Control: max-age=600``. "plain" (``--plain``) is Python's http.server as it is: no
compression, no caching headers.

The benchmarks are scripts run by hand (see RESULTS.md for the commands), not tests: pytest does
not collect this folder's files (their names do not start with ``test_``).
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
sys.path.insert(0, str(HERE.parent))  # tests/: the shared Chromium launch settings
from chromium_launch import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (re-exported to the scripts)


def build_site(site: Path | None) -> Path:
    """Return ``site`` if given (already built); else build the site into a temporary folder."""
    if site:
        if not (site / "index.html").is_file():
            sys.exit(f"{site} holds no index.html: build the site first (make site)")
        return site
    out = Path(tempfile.mkdtemp(prefix="findings-site-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    for command in ([sys.executable, "build_tables.py"],
                    [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)]):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return out


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as a path relative to its root ("" for the home page)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        if relative != "404":
            pages.append("" if relative == "." else relative + "/")
    return pages


# What GitHub Pages compresses, of what this site holds, and the caching header it sends.
GZIP_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv")
CACHE_CONTROL = "max-age=600"
SERVER_MODES = {
    "pages": "served on 127.0.0.1 like GitHub Pages (text files gzip-compressed, Cache-Control: max-age=600)",
    "plain": "served on 127.0.0.1 by Python's plain http.server (no compression, no caching headers)",
}


def add_server_option(parser: argparse.ArgumentParser) -> None:
    """``--plain``: serve without compression or caching headers (default: like GitHub Pages)."""
    parser.add_argument("--plain", dest="mode", action="store_const", const="plain", default="pages",
                        help="serve with Python's plain http.server: no compression, no caching headers "
                             "(default: like GitHub Pages, gzip and Cache-Control: max-age=600)")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value allows gzip (listed, or by ``*``, and not with q=0)."""
    allowed = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            allowed[name.strip().lower()] = quality
    return allowed.get("gzip", allowed.get("*", 0.0)) > 0


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """The file at ``path`` gzip-compressed (level 6, zlib's default); cached per modification time."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class _Quiet(SimpleHTTPRequestHandler):
    """Python's http.server without the request log: the "plain" mode."""

    def log_message(self, format, *args):  # noqa: A002
        pass


class _PagesLike(_Quiet):
    """Serves like GitHub Pages: gzip for text files when accepted, Cache-Control on every response."""

    def end_headers(self):
        self.send_header("Cache-Control", CACHE_CONTROL)
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].split("#")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not (os.path.isfile(path) and path.lower().endswith(GZIP_SUFFIXES)):
            return super().send_head()  # redirects, directories, 404s, images: as http.server does
        stat = os.stat(path)
        compress = accepts_gzip(self.headers.get("Accept-Encoding", ""))
        body = _gzipped(path, stat.st_mtime_ns) if compress else Path(path).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site: Path, mode: str = "pages"):
    """Serve ``site`` on 127.0.0.1 on a free port in ``mode`` ("pages" or "plain"); yield the base URL."""
    handler = {"pages": _PagesLike, "plain": _Quiet}[mode]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def write_section(name: str, text: str) -> None:
    """Replace the part of RESULTS.md between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{text.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    updated = pattern.sub(lambda _: block, current) if pattern.search(current) else current.rstrip() + "\n\n" + block
    RESULTS.write_text(updated.rstrip() + "\n", encoding="utf-8")
