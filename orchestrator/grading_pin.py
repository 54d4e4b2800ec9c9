"""Pin a starter's learner workflow to the course's grading repository at one commit.

A starter's `.github/workflows/classroom.yml` calls the reusable grading workflow and names
the grader to install. `classroom publish` rewrites both to `course.toml`'s `grading_repo` at
its current commit, so every learner repository runs exactly that grader (a commit SHA, as
zizmor asks of every `uses:`), and publishing again after the grader moves re-pins it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub

_REPO = r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"
_USES = re.compile(rf"(uses:\s*){_REPO}(/\.github/workflows/grade\.yml)@[0-9a-fA-F]{{40}}")
_GRADER_REPO = re.compile(rf"(grader-repository:\s*){_REPO}")
_GRADER_REF = re.compile(r"(grader-ref:\s*)[0-9a-fA-F]{40}")


@dataclass(frozen=True)
class Pin:
    """The grading repository and the commit learner workflows run."""

    repository: str
    sha: str

    def apply(self, text: str) -> str:
        """`text` with the grading workflow and the grader pinned here."""
        text = _USES.sub(rf"\g<1>{self.repository}\g<2>@{self.sha}", text)
        text = _GRADER_REPO.sub(rf"\g<1>{self.repository}", text)
        return _GRADER_REF.sub(rf"\g<1>{self.sha}", text)

    def apply_to(self, tree: Path) -> list[Path]:
        """Pin every workflow file under `tree`/.github/workflows; the files it changed."""
        changed = []
        for path in sorted((tree / ".github" / "workflows").glob("*.y*ml")):
            text = path.read_text(encoding="utf-8")
            pinned = self.apply(text)
            if pinned != text:
                path.write_text(pinned, encoding="utf-8")
                changed.append(path)
        return changed


def grading_pin(course: CourseDir, gh: GitHub) -> Pin | None:
    """The course's grading repository at the tip of its default branch (None: no such repo)."""
    name = course.course.grading_repo
    if not name:
        return None
    full = course.course.full_name(name)
    info = gh.repo(full)
    branch = gh.branches(full).get(info.default_branch) if info else None
    if branch is None:
        raise UserError(
            f"course.toml: grading_repo {full} does not exist or is empty; run "
            "`classroom publish-grader` first, or remove the line"
        )
    return Pin(full, branch.sha)
