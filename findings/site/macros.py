"""mkdocs-macros module: gives prose pages the build's numbers and generated fragments.

It computes nothing and rewrites nothing. Variables come from ``build/variables.yml``
(``include_yaml`` in mkdocs.yml); fragments are markdown the build wrote under ``build/fragments/``,
with links from the docs root that MkDocs resolves for the page that includes them. A missing
variable or fragment fails the build (``on_undefined: strict``, ``on_error_fail``).
"""
from pathlib import Path


def define_env(env):
    fragments = Path(env.project_dir) / "build" / "fragments"

    @env.macro
    def fragment(name: str) -> str:
        """The generated markdown fragment ``name`` (e.g. 'questions/Q11')."""
        path = fragments / f"{name}.md"
        if not path.is_file():
            raise FileNotFoundError(
                f"no generated fragment '{name}' ({path}); run `python build_tables.py` first, "
                "and check the name against data/study.yml")
        return path.read_text(encoding="utf-8")

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
