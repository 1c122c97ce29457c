"""What the benchmark scripts share: build the site, serve it on 127.0.0.1, update RESULTS.md.

The benchmarks are scripts run by hand (see RESULTS.md for the commands), not tests: pytest does
not collect this folder's files (their names do not start with ``test_``).
"""
from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build_site(site: Path | None) -> Path:
    """Return ``site`` if given (already built); else build the site into a temporary folder."""
    if site:
        if not (site / "index.html").is_file():
            sys.exit(f"{site} holds no index.html: build the site first (make site)")
        return site
    out = Path(tempfile.mkdtemp(prefix="findings-site-"))
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


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve ``site`` on 127.0.0.1 on a free port; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
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
