"""Paths, and nothing else. Everything study-specific lives in ``data/study.yml``."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
STUDY_CONFIG = DATA_DIR / "study.yml"
DOCS_DIR = ROOT / "docs"  # the hand-written prose pages
# what every site has whatever its survey: stylesheet, script, a neutral logo, favicon and social
# card, laid out as in the docs folder; a survey's own prose folder may replace any of them
STATIC_DIR = ROOT / "findings" / "site" / "static"
BUILD_DIR = ROOT / "build"  # build output: the site's source tree, fragments, variables, nav
CACHE_DIR = ROOT / ".cache"  # figures drawn by earlier builds
