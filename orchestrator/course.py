"""`course.toml`: the typed course configuration, loaded with errors that name file, field, fix."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from graders.errors import UserError

COURSE_FILE = "course.toml"
DEFAULT_API_URL = "https://api.github.com"
CATALOG = Path(__file__).resolve().parent.parent / "templates"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ORG_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
REPO_PATTERN = r"^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}/)?[A-Za-z0-9._-]{1,100}$"

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Assignment(_Strict):
    """One assignment of the course: its template folder, deadline and extensions."""

    title: str = ""
    template: Path | None = None
    deadline: AwareDatetime | None = None
    extensions: dict[str, AwareDatetime] = Field(default_factory=dict)
    group: bool = False

    def deadline_of(self, login: str) -> datetime | None:
        """`login`'s deadline: their extension if they have one, else the assignment's."""
        for who, moment in self.extensions.items():
            if who.lower() == login.lower():
                return moment
        return self.deadline


class Repos(_Strict):
    """How learner and template repositories are named and who may see them."""

    name: str = "{assignment}-{login}"
    template_name: str = "{assignment}-template"
    visibility: Literal["private", "internal", "public"] = "private"

    @field_validator("name")
    @classmethod
    def _name_placeholders(cls, value: str) -> str:
        if "{login}" not in value or "{assignment}" not in value:
            raise ValueError("must contain {assignment} and {login}, e.g. {assignment}-{login}")
        return value

    @field_validator("template_name")
    @classmethod
    def _template_placeholder(cls, value: str) -> str:
        if "{assignment}" not in value:
            raise ValueError("must contain {assignment}, e.g. {assignment}-template")
        return value


class Pacing(_Strict):
    """GitHub's secondary limit on content-creating requests; provisioning stays under it."""

    writes_per_minute: Annotated[int, Field(ge=1)] = 80
    writes_per_hour: Annotated[int, Field(ge=1)] = 500


class Official(_Strict):
    """How the course repository's official workflow spreads a class over GitHub Actions jobs."""

    # GitHub Free runs 20 jobs at once per organization (Team 60, Enterprise 500), shared
    # with learners' practice runs: the official run never asks for more than this.
    concurrent_jobs: Annotated[int, Field(ge=1, le=256)] = 20
    # At most this many learners per grade job: it bounds a job's length (GitHub stops a job
    # after 6 hours) and what a lost runner costs.
    learners_per_job: Annotated[int, Field(ge=1, le=1000)] = 25


class Course(_Strict):
    """The whole `course.toml`."""

    org: Annotated[str, Field(pattern=ORG_PATTERN)]
    api_url: str | None = None
    catalog: Path = CATALOG
    roster: Path = Path("roster.csv")
    grading_repo: str | None = None
    grading_visibility: Literal["public", "internal"] = "public"
    course_repo: str = Field(default="course", validate_default=True)
    release: Literal["now", "after-deadline"] = "after-deadline"
    lock: Literal["read", "archive"] = "read"
    repos: Repos = Repos()
    pacing: Pacing = Pacing()
    official: Official = Official()
    assignments: dict[Slug, Assignment] = Field(default_factory=dict)

    @field_validator("grading_repo", "course_repo")
    @classmethod
    def _repository_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(REPO_PATTERN, value):
            raise ValueError(
                "must be a repository name of the org (letters, digits, '.', '-', '_'), "
                'or OWNER/NAME, e.g. "course"'
            )
        return value

    @field_validator("course_repo")
    @classmethod
    def _apart_from_the_grading_repo(cls, value: str, info: ValidationInfo) -> str:
        org, grading = info.data.get("org", ""), info.data.get("grading_repo")

        def full(name: str) -> str:
            return (name if "/" in name else f"{org}/{name}").lower()

        if grading and full(grading) == full(value):
            raise ValueError(
                "names the same repository as grading_repo; they must differ: learners read "
                "the grading repository, never the course repository "
                '(e.g. grading_repo = "classroom", course_repo = "course")'
            )
        return value

    def full_name(self, name: str) -> str:
        """`name` as OWNER/NAME: a bare repository name lives in the course's org."""
        return name if "/" in name else f"{self.org}/{name}"

    def assignment(self, slug: str) -> Assignment:
        """The assignment `slug`, or a UserError that lists the known ones."""
        if slug not in self.assignments:
            known = ", ".join(sorted(self.assignments)) or "none yet"
            raise UserError(
                f"{COURSE_FILE}: no assignment '{slug}' (known: {known}); "
                f"add an [assignments.{slug}] table"
            )
        return self.assignments[slug]

    def repo_name(self, slug: str, login: str) -> str:
        return self.repos.name.format(assignment=slug, login=login)

    def template_name(self, slug: str) -> str:
        return self.repos.template_name.format(assignment=slug)


class CourseDir(BaseModel):
    """A loaded course: where it lives and what its `course.toml` says."""

    model_config = ConfigDict(frozen=True)

    root: Path
    course: Course

    @property
    def roster_path(self) -> Path:
        return self.root / self.course.roster

    def assignment_dir(self, slug: str) -> Path:
        """The assignment's folder: its template, or the catalog's folder of that name."""
        assignment = self.course.assignment(slug)
        folder = assignment.template or (self.course.catalog / slug)
        return folder if folder.is_absolute() else self.root / folder

    def starter(self, slug: str) -> Path:
        """The folder `classroom publish SLUG` copies into the template repository."""
        return self.assignment_dir(slug) / "starter"

    @property
    def api_url(self) -> str:
        """`GITHUB_API_URL` when set (as in Actions), else course.toml's, else GitHub's."""
        return os.environ.get("GITHUB_API_URL") or self.course.api_url or DEFAULT_API_URL


def load_course(root: Path) -> CourseDir:
    """Read `root/course.toml`; a UserError names the file, the field and the fix."""
    path = root / COURSE_FILE
    if not path.is_file():
        raise UserError(
            f"{path}: no course here; run from a course folder, pass --course DIR, "
            "or create one with `classroom init DIR --org ORG`"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix the syntax") from exc
    try:
        return CourseDir(root=root, course=Course.model_validate(data))
    except ValidationError as exc:
        raise UserError(_describe(path, exc)) from exc


def _describe(path: Path, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(file)"
        lines.append(f"{path}: {where}: {error['msg']}")
    return "\n".join(lines) + "\nfix these fields and run the command again"
