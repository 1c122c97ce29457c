#!/usr/bin/env python3
"""Build the site's generated pages: data/ -> build/ (then `mkdocs build` publishes them).

    python build_tables.py [--data FOLDER] [--out build] [--cache .cache]
    python build_tables.py init --qsf SURVEY.qsf --responses EXPORT.csv --out FOLDER

``--data FOLDER`` builds the survey in FOLDER (its study.yml, and its docs/ prose pages if it has
any); without it, this project's study: data/study.yml with the prose pages of docs/.

Bad input stops the build with one message naming the file, the line or row and the problem, exit
status 1, and the previous build/ left as it was.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from findings import paths
from findings.errors import DataError, failure


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["init"]:  # draft a survey folder from a .qsf and its export
        from findings.qualtrics.init import main as init

        return init(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, metavar="FOLDER",
                        help="a survey folder: FOLDER/study.yml, and FOLDER/docs/ for any "
                             "hand-written pages (default: data/ with the project's docs/)")
    parser.add_argument("--study", type=Path, default=None,
                        help="the study's configuration file (default: data/study.yml)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_DIR,
                        help="where to write the site's source tree (default: build)")
    parser.add_argument("--cache", type=Path, default=paths.CACHE_DIR,
                        help="where figures drawn by earlier builds are kept (default: .cache)")
    parser.add_argument("--docs", type=Path, default=None,
                        help="the hand-written prose pages (default: docs, or FOLDER/docs with --data)")
    parser.add_argument("--force", action="store_true",
                        help="build even when no input changed since the last build")
    args = parser.parse_args(argv)
    if args.data is not None and args.study is not None:
        parser.error("give --data FOLDER or --study FILE, not both")
    study = args.study or (args.data / "study.yml" if args.data else paths.STUDY_CONFIG)
    docs = args.docs or (args.data / "docs" if args.data else paths.DOCS_DIR)
    try:
        from findings.fingerprint import fingerprint, unchanged  # standard library only

        inputs = fingerprint(study, docs)
        if not args.force and unchanged(args.out, inputs):
            print(f"build_tables: nothing changed since the last build; {args.out} is up to date "
                  "(--force builds anyway)")
            return 0
        from findings.pipeline import build  # only now: pandas and matplotlib cost ~0.6 s to import

        report = build(study, args.out, args.cache, docs, inputs)
    except DataError as error:
        print(f"build_tables: error: {error}", file=sys.stderr)
        print("build_tables: nothing was written; the previous output is unchanged.", file=sys.stderr)
        return 1
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - one message, never a traceback
        print(f"build_tables: error: {failure(error)}", file=sys.stderr)
        print("build_tables: the previous output is unchanged.", file=sys.stderr)
        return 1
    for notice in report["notices"]:
        print(f"build_tables: note: {notice}", file=sys.stderr)
    for warning in report["warnings"]:
        print(f"build_tables: warning: {warning}", file=sys.stderr)
    print(f"build_tables: wrote {report['files']} files and {report['figures']} figures "
          f"({report['drawn']} drawn, {report['cached']} from cache) to {args.out} "
          f"in {report['seconds']} s")
    print(f"build_tables: stages: {report['timing']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
