"""`make demo`: grade the tasks-api solution and its starter, print both feedback comments."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.rule import Rule

from graders.commands.grade import grade

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "templates" / "tasks-api"
OUT = ROOT / "demo-out"


def main() -> int:
    """Grade both submissions for real (install, tests, hidden checks, lint, types, load)."""
    console = Console()
    for name in ("solution", "starter"):
        console.print(Rule(f"grading templates/tasks-api/{name}"))
        out = OUT / name
        code = grade(
            submission=ASSIGNMENT / name,
            assignment_dir=ASSIGNMENT,
            hidden_tests=ASSIGNMENT / "hidden_tests",
            out=out,
            skip=frozenset(),
            output_format="text",
        )
        if code != 0:
            return code
        console.print(Rule(f"the feedback comment a learner would see ({name})"))
        console.print(Markdown((out / "feedback.md").read_text(encoding="utf-8")))
        console.print(
            f"[dim]raw markdown: {out / 'feedback.md'} · report: {out / 'results.json'}[/dim]\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
