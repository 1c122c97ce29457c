"""The project's mkdocs.yml for a site built in another folder (a test's temporary project): the
paths it names relative to the project (the macros module, the theme overrides) made absolute."""
from __future__ import annotations

import os
import subprocess
import sys
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


def mkdocs_build_elsewhere(project: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of a temporary project (its ``build/`` made by a test) into
    ``project/site``, with the project's mkdocs.yml written beside it; the finished process."""
    (project / "mkdocs.yml").write_text(mkdocs_config_elsewhere(), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "site")],
                          capture_output=True, text=True, cwd=project,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
