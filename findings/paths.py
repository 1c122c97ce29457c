"""Paths, and nothing else. Everything study-specific lives in ``data/study.yml``."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
STUDY_CONFIG = DATA_DIR / "study.yml"
DOCS_DIR = ROOT / "docs"  # the hand-written prose pages
BUILD_DIR = ROOT / "build"  # build output: the site's source tree, fragments, variables, nav
CACHE_DIR = ROOT / ".cache"  # figures drawn by earlier builds
