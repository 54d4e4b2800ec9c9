"""Hand submissions in on the sandbox and record their grades, as a class would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator.grades_store import GradedSubmission, Tier, record_lines
from orchestrator.roster import Learner, write_roster
from tests.orchestrator.conftest import ORG, Classroom
from tests.orchestrator.repo_files import git

SLUG = "tasks-api"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def enrol(room: Classroom, logins: list[str]) -> None:
    """The roster of the room's course: `logins`."""
    people = [Learner(github_username=x, name=x, email=f"{x}@example.edu") for x in logins]
    write_roster(room.course.roster_path, people)


def hand_in(room: Classroom, login: str, folder: Path, message: str = "My work") -> str:
    """Commit `folder` as it is now to `login`'s repository's main (created if missing)."""
    name = room.course.course.repo_name(SLUG, login)
    if not (folder / ".git").is_dir():
        room.gateway().create_repo(ORG, name, private=True, template=False)
        git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("-c", "user.name=L", "-c", "user.email=l@example.edu", "commit", "-qm", message,
        "--allow-empty", cwd=folder)  # fmt: skip
    url = f"{room.url}/{ORG}/{name}.git"
    git("push", "-q", url, "HEAD:refs/heads/main", cwd=folder, token=room.token)
    return git("rev-parse", "HEAD", cwd=folder).strip()


def grade(room: Classroom, login: str, commit: str, *, tier: Tier = "practice", minutes: int = 0,
          score: float = 50, pushed_at: datetime | None = None,
          deadline: datetime | None = None) -> None:  # fmt: skip
    """Record a grade of `commit` for `login` in the course's store (an official grade judged
    against a deadline keeps when its commit was pushed and that deadline)."""
    line = GradedSubmission(
        learner=login,
        assignment=SLUG,
        commit=commit,
        graded_at=START + timedelta(minutes=minutes),
        tier=tier,
        score=score,
        max_score=100,
        stages=(),
        pushed_at=pushed_at,
        deadline=deadline,
    )
    record_lines(room.course.root, [line])
