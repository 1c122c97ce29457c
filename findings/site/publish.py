"""``make site``: MkDocs builds the site into a fresh folder; it replaces ``site/`` only when the
build succeeded and the privacy scan of everything it would publish found nothing.

    python -m findings.site.publish [--config mkdocs.yml] [--site site]

Run after ``build_tables.py``, which writes ``build/privacy.json`` (the allow-list of study.yml and
the input files a hit can be traced to). One publish at a time (a lock); a crash at any moment
leaves the last good ``site/`` in place.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .. import atomic, paths, privacy
from ..errors import DataError, Problem, display_path, failure


def _looks_like_a_site(entries: set[str]) -> bool:
    return {"index.html", "sitemap.xml"} <= entries


def _site_fingerprint(config: Path, build_dir: Path) -> str | None:
    """What a published site is made from: the build's own fingerprint (its inputs), the MkDocs
    configuration and the theme overrides. None when the build folder has no fingerprint."""
    from ..fingerprint import STAMP, files_under

    try:
        parts = [(build_dir / STAMP).read_bytes(), Path(config).read_bytes()]
        parts += [p.read_bytes() for p in files_under(paths.ROOT / "overrides")]
    except OSError:
        return None
    import hashlib

    return hashlib.blake2b(b"\0".join(parts), digest_size=20).hexdigest()


def publish(config: Path, site: Path, build_dir: Path = paths.BUILD_DIR) -> bool:
    """Build the site into ``site``; False when it was already built from the same build and
    configuration (nothing is done then)."""
    atomic.check_output_dir(site, inputs={"the prose pages": paths.DOCS_DIR, "the build folder": build_dir},
                            containers={"the project": paths.ROOT, "the survey folder": paths.DATA_DIR},
                            legacy=_looks_like_a_site)
    settings_file = build_dir / "privacy.json"
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(Problem(display_path(settings_file), None, "missing or unreadable; run "
                                "`python build_tables.py` before publishing the site")) from None
    stamp = site.with_name(f".{site.name}.sha256")  # beside the site, never published
    made_from = _site_fingerprint(config, build_dir)
    with atomic.lock(site.with_name(f".{site.name}.lock"), display_path(site)):
        atomic.recover(site)
        try:
            if made_from and (site / "index.html").is_file() and stamp.read_text().strip() == made_from:
                return False
        except OSError:
            pass
        stamp.unlink(missing_ok=True)
        tmp = atomic.new_dir(site)
        try:
            done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                                   str(config), "--site-dir", str(tmp)],
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            if done.returncode != 0:
                raise DataError(Problem(display_path(config), None,
                                        "MkDocs could not build the site (its messages are above)"))
            sources = {name: paths.ROOT / name for name in settings["sources"]}
            privacy.check_site(tmp, settings["allow"], sources)
            atomic.replace_dir(tmp, site)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if made_from:
            stamp.write_text(made_from + "\n", encoding="ascii")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=paths.ROOT / "mkdocs.yml")
    parser.add_argument("--site", type=Path, default=paths.ROOT / "site")
    args = parser.parse_args(argv)
    try:
        built = publish(args.config, args.site)
    except (DataError, Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - never a traceback
        print(f"publish: error: {error if isinstance(error, DataError) else failure(error)}",
              file=sys.stderr)
        print(f"publish: {args.site} was left as it was.", file=sys.stderr)
        return 1
    print(f"publish: the site is in {args.site}" if built else
          f"publish: nothing changed since the last publish; {args.site} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
