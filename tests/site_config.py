"""The project's mkdocs.yml for a site built in another folder (a test's temporary project): the
paths it names relative to the project (the macros module, the theme overrides) made absolute."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELATIVE = {"module_name: findings/site/macros": f"module_name: {ROOT}/findings/site/macros",
            "custom_dir: overrides": f"custom_dir: {ROOT}/overrides"}


def mkdocs_config_elsewhere() -> str:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for relative, absolute in RELATIVE.items():
        assert relative in config, f"mkdocs.yml no longer says {relative!r}: update tests/site_config.py"
        config = config.replace(relative, absolute)
    return config
