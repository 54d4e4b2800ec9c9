"""`classroom init DIR --org ORG`: scaffold a course repository."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from basis.errors import UserError
from orchestrator.course import CATALOG, COURSE_FILE
from orchestrator.rendering import render

FILES = {
    "course.toml": "course/course.toml.j2",
    "roster.csv": "course/roster.csv.j2",
    "README.md": "course/README.md.j2",
    ".gitignore": "course/gitignore.j2",
}


def render_scaffold(org: str, api_url: str | None, now: datetime) -> dict[str, str]:
    """The files of a new course folder, by name."""
    deadline = (now + timedelta(days=14)).replace(hour=23, minute=59, second=0, microsecond=0)
    values = {
        "org": org,
        "api_url": api_url,
        "catalog": CATALOG.as_posix(),
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return {name: render(t, **values) for name, t in FILES.items()}


def init(target: Path, *, org: str, api_url: str | None = None) -> int:
    """Write course.toml, an example roster.csv and a README into `target`."""
    if (target / COURSE_FILE).exists():
        raise UserError(f"{target / COURSE_FILE} exists already; pick an empty folder")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in render_scaffold(org, api_url, datetime.now(UTC)).items():
        path = target / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    print(f"course for {org} written to {target}")
    print("next: edit roster.csv, then `classroom roster check`; uncomment grading_repo in")
    print("      course.toml, then `classroom publish-grader`, `classroom course push`,")
    print("      `classroom publish tasks-api`, `classroom provision tasks-api --dry-run`")
    print("      (README.md says more)")
    return 0
