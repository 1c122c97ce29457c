"""mkdocs-macros module: gives prose pages the build's numbers and generated fragments.

It computes nothing. Variables come from ``docs/generated/variables.yml`` (``include_yaml`` in
mkdocs.yml); fragments are markdown files the build wrote under ``docs/generated/fragments/``.
A missing variable or fragment fails the build (``on_undefined: strict``, ``on_error_fail``).
"""
from pathlib import Path
import posixpath

ROOT_MARK = "@@ROOT@@/"


def define_env(env):
    generated = Path(env.project_dir) / "docs" / "generated"

    def root_prefix() -> str:
        src = env.page.file.src_uri if env.page is not None else ""
        depth = posixpath.dirname(src).count("/") + (1 if posixpath.dirname(src) else 0)
        return "../" * depth

    @env.macro
    def fragment(name: str) -> str:
        """The generated markdown fragment ``name`` (e.g. 'questions/Q11'), links fixed for this page."""
        path = generated / "fragments" / f"{name}.md"
        if not path.is_file():
            raise FileNotFoundError(
                f"no generated fragment '{name}' ({path}); run `python build_tables.py` first, "
                "and check the name against data/study.yml")
        return path.read_text(encoding="utf-8").replace(ROOT_MARK, root_prefix())

    @env.macro
    def question(qid: str) -> str:
        """Table, chart and downloads of one question."""
        return fragment(f"questions/{qid}")

    @env.macro
    def theme_summary(analysis_id: str) -> str:
        """Participants per theme and sub-theme of one analysis."""
        return fragment(f"themes/{analysis_id}")

    @env.macro
    def reconstructed_notice() -> str:
        """The visible notice every results page carries while the responses are reconstructed."""
        return fragment("reconstructed")

    @env.macro
    def pct(value) -> str:
        return f"{value}%"
