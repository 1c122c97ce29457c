"""``make serve``: MkDocs' live server, plus regeneration of docs/generated/ when data/ changes.

MkDocs reloads the browser when docs/ changes; this loop makes a change in data/ become a change in
docs/generated/. Bad data is reported and the last good pages stay up.
"""
from __future__ import annotations

import subprocess
import sys
import time

from . import config
from .errors import DataError


def _snapshot() -> dict:
    return {p: p.stat().st_mtime for p in config.DATA_DIR.rglob("*") if p.is_file()}


def main() -> int:
    from .build import build

    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000"],
                              cwd=config.ROOT)
    seen = _snapshot()
    try:
        while server.poll() is None:
            time.sleep(1)
            now = _snapshot()
            if now != seen:
                seen = now
                try:
                    report = build()
                    print(f"serve: data changed; regenerated in {report['seconds']} s", flush=True)
                except DataError as error:
                    print(f"serve: error: {error}\nserve: keeping the last good pages.", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
