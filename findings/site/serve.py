"""``make serve``: MkDocs' live server, plus regeneration of build/ when data/ or docs/ changes.

MkDocs serves and watches the assembled source tree in build/; this loop rebuilds build/ when an
input (data/) or a prose page (docs/) changes, then touches mkdocs.yml so that MkDocs rebuilds the
site from the new tree and the browser reloads. Bad data is reported and the last good pages stay up.
"""
from __future__ import annotations

import subprocess
import sys
import time

from .. import paths
from ..errors import DataError


def _snapshot() -> dict:
    return {p: p.stat().st_mtime for folder in (paths.DATA_DIR, paths.DOCS_DIR)
            for p in folder.rglob("*") if p.is_file()}


def main() -> int:
    from ..pipeline import build

    config = paths.ROOT / "mkdocs.yml"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000"],
                              cwd=paths.ROOT)
    seen = _snapshot()
    try:
        while server.poll() is None:
            time.sleep(1)
            now = _snapshot()
            if now != seen:
                seen = now
                try:
                    report = build()
                    config.touch()
                    print(f"serve: inputs changed; regenerated in {report['seconds']} s", flush=True)
                except DataError as error:
                    print(f"serve: error: {error}\nserve: keeping the last good pages.", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
