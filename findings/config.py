"""Paths, and nothing else. Everything study-specific lives in ``data/study.yml``."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
STUDY_CONFIG = DATA_DIR / "study.yml"
DOCS_DIR = ROOT / "docs"
GENERATED_DIR = DOCS_DIR / "generated"
SITE_DIR = ROOT / "site"
CACHE_DIR = ROOT / ".cache"
