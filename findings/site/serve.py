"""``make serve``: MkDocs' live server, plus regeneration of build/ when data/ or docs/ changes.

MkDocs serves and watches the assembled source tree in build/; this loop rebuilds build/ when an
input (data/) or a prose page (docs/) changes, then touches mkdocs.yml so that MkDocs rebuilds the
site from the new tree and the browser reloads. Bad data is reported and the last good pages stay up.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from .. import paths
from ..errors import DataError


def _snapshot(folders) -> dict:
    return {p: p.stat().st_mtime for folder in folders if folder.is_dir()
            for p in folder.rglob("*") if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    from ..pipeline import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, metavar="FOLDER",
                        help="a survey folder (default: data/ with the project's docs/)")
    args = parser.parse_args(argv)
    study = args.data / "study.yml" if args.data else paths.STUDY_CONFIG
    docs = args.data / "docs" if args.data else paths.DOCS_DIR
    watched = (study.parent, docs)
    config = paths.ROOT / "mkdocs.yml"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000"],
                              cwd=paths.ROOT)
    seen = _snapshot(watched)
    try:
        while server.poll() is None:
            time.sleep(1)
            now = _snapshot(watched)
            if now != seen:
                seen = now
                try:
                    report = build(study, prose_dir=docs)
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
