"""`course.toml`: the typed course configuration, loaded with errors that name file, field, fix."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from basis.errors import UserError
from orchestrator.course_checks import (
    MAX_LATE_DAYS,
    check_extensions,
    check_login,
    require_offset,
    require_offsets,
)
from reporter.moments import Zone

COURSE_FILE = "course.toml"
DEFAULT_API_URL = "https://api.github.com"
CATALOG = Path(__file__).resolve().parent.parent / "templates"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ORG_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
REPO_PATTERN = r"^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}/)?[A-Za-z0-9._-]{1,100}$"

MIN_CODE = 6  # characters: a shorter section code is too easy to guess

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
LoginKey = Annotated[str, AfterValidator(check_login)]
Counts = Literal["on-time", "best", "latest"]
Deadline = Annotated[AwareDatetime | None, BeforeValidator(require_offset)]
Extensions = Annotated[
    dict[LoginKey, AwareDatetime],
    BeforeValidator(require_offsets),
    AfterValidator(check_extensions),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LatePolicy(_Strict):
    """Late work on an assignment: accepted for `max_late_days` late days after the learner's
    deadline, each costing `penalty_per_day` percent of the full marks."""

    penalty_per_day: float | None = None
    max_late_days: int | None = None

    @field_validator("penalty_per_day")
    @classmethod
    def _percent(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 100:
            raise ValueError(
                f"is {value:g}; it is the percent of full marks taken per late day, "
                "from 0 to 100 (e.g. penalty_per_day = 10)"
            )
        return value

    @field_validator("max_late_days")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_LATE_DAYS:
            raise ValueError(
                f"is {value}; late work is accepted for 0 to {MAX_LATE_DAYS} late days "
                "(e.g. max_late_days = 3; 0 accepts none)"
            )
        return value

    @model_validator(mode="after")
    def _both_given(self) -> LatePolicy:
        missing = [
            f"{name} = {example}"
            for name, example in (("penalty_per_day", 10), ("max_late_days", 3))
            if getattr(self, name) is None
        ]
        if missing:
            raise ValueError(
                f"a late policy names both the penalty and how long late work is accepted; "
                f"add {' and '.join(missing)} (penalty_per_day = 0 accepts late work unpenalised)"
            )
        return self

    @property
    def penalty(self) -> float:
        """Percent of full marks per late day."""
        return self.penalty_per_day or 0.0

    @property
    def days(self) -> int:
        """Late days accepted after the learner's deadline."""
        return self.max_late_days or 0


class Assignment(_Strict):
    """One assignment of the course: its template folder, deadline, extensions, late policy."""

    title: str = ""
    template: Path | None = None
    deadline: Deadline = None
    extensions: Extensions = Field(default_factory=dict)
    group: bool = False
    # Overrides the course's `milestone_issues` for this assignment.
    milestone_issues: Literal["one-at-a-time", "all", "off"] | None = None
    late: LatePolicy | None = None  # replaces the course's [late] table for this assignment
    counts: Counts | None = None  # None: the course's `counts`

    def deadline_of(self, login: str) -> datetime | None:
        """`login`'s deadline: their extension if they have one, else the assignment's."""
        return self.extension_of(login) or self.deadline

    def extension_of(self, login: str) -> datetime | None:
        """`login`'s extended deadline, if they have one (logins compare case-insensitively)."""
        for who, moment in self.extensions.items():
            if who.lower() == login.lower():
                return moment
        return None


class Repos(_Strict):
    """How learner and template repositories are named, who may see them, and what
    provisioning sets up in each."""

    name: str = "{assignment}-{login}"
    template_name: str = "{assignment}-template"
    visibility: Literal["private", "internal", "public"] = "private"
    # How `main` of learner repositories is kept to pull requests: one organization ruleset per
    # assignment matching its repositories by name (one write for the class), a branch
    # protection per repository (one write per learner: for a plan without org rulesets),
    # or not at all.
    protection: Literal["ruleset", "branch", "off"] = "ruleset"
    # GitHub Classroom's "Feedback" pull request (main -> a `feedback` branch at the starter):
    # three writes per learner; off by default (see the instructor guide).
    feedback_pull_request: bool = False

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


class Join(_Strict):
    """The front desk (`[join]`): who may join by themselves, and which assignments it offers."""

    enrolment: Literal["roster", "open"] = "roster"
    assignments: list[Slug] | None = None  # None: every assignment whose deadline is ahead
    sections: dict[str, str] = Field(default_factory=dict)  # section -> the code learners type

    @field_validator("sections")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        codes = [code.strip().lower() for code in value.values()]
        if any(len(code) < MIN_CODE for code in codes):
            raise ValueError(
                f"every section code needs at least {MIN_CODE} characters, e.g. "
                'sections = { A = "blue-heron-42" }'
            )
        if len(set(codes)) != len(codes):
            raise ValueError("two sections share a code; give each section its own")
        return value

    @model_validator(mode="after")
    def _open_needs_codes(self) -> Join:
        if self.enrolment == "open" and not self.sections:
            raise ValueError(
                'enrolment = "open" needs section codes: add sections = { A = "blue-heron-42" } '
                '(anyone who types a section\'s code may join), or use enrolment = "roster"'
            )
        return self


class Official(_Strict):
    """How the course repository's official workflow spreads a class over GitHub Actions jobs."""

    # GitHub Free runs 20 jobs at once per organization (Team 60, Enterprise 500), shared
    # with learners' practice runs: the official run never asks for more than this.
    concurrent_jobs: Annotated[int, Field(ge=1, le=256)] = 20
    # At most this many learners per grade job: it bounds a job's length (GitHub stops a job
    # after 6 hours) and what a lost runner costs.
    learners_per_job: Annotated[int, Field(ge=1, le=1000)] = 25
    # The scheduled run at a learner's last grading moment (the end of the late work accepted)
    # also locks their repository, as `classroom lock` would (course.toml's `lock`).
    lock: bool = False


class Similarity(_Strict):
    """`[similarity]`: where `classroom similarity`'s findings may be shown."""

    # The flagged pairs (and the report with learners' code side by side) appear on the
    # dashboard built for the instructor; the published site (GitHub Pages, often public)
    # shows them only when this is true.
    publish: bool = False


class Course(_Strict):
    """The whole `course.toml`."""

    org: Annotated[str, Field(pattern=ORG_PATTERN)]
    api_url: str | None = None
    catalog: Path = CATALOG
    roster: Path = Path("roster.csv")
    grading_repo: str | None = None
    grading_visibility: Literal["public", "internal"] = "public"
    course_repo: str = Field(default="course", validate_default=True)
    join_repo: str = Field(default="join", validate_default=True)
    release: Literal["now", "after-deadline"] = "after-deadline"
    # Assignments with milestones: open the first milestone's issue at provisioning and the
    # next as each is done ("one-at-a-time"), all of them at once ("all"), or none: the one
    # issue with the whole brief ("off").
    milestone_issues: Literal["one-at-a-time", "all", "off"] = "one-at-a-time"
    lock: Literal["read", "archive"] = "read"
    timezone: Zone = "UTC"  # how deadlines are shown (an IANA name); they are kept with offsets
    late_days: int = 0  # free late days each learner spends across the course's assignments
    counts: Counts = "latest"  # which official grade counts; an assignment may override it
    late: LatePolicy | None = None  # the late policy of every assignment without its own
    repos: Repos = Repos()
    pacing: Pacing = Pacing()
    join: Join | None = None  # the front desk is on when course.toml has a [join] table
    official: Official = Official()
    similarity: Similarity = Similarity()
    assignments: dict[Slug, Assignment] = Field(default_factory=dict)

    @field_validator("late_days")
    @classmethod
    def _budget(cls, value: int) -> int:
        if not 0 <= value <= MAX_LATE_DAYS:
            raise ValueError(
                f"is {value}; a learner's budget of free late days is 0 to {MAX_LATE_DAYS} "
                "(e.g. late_days = 5)"
            )
        return value

    @field_validator("grading_repo", "course_repo", "join_repo")
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

        if grading and _full(org, grading) == _full(org, value):
            raise ValueError(
                "names the same repository as grading_repo; they must differ: learners read "
                "the grading repository, never the course repository "
                '(e.g. grading_repo = "classroom", course_repo = "course")'
            )
        return value

    @field_validator("join_repo")
    @classmethod
    def _apart_from_the_other_two(cls, value: str, info: ValidationInfo) -> str:
        org = info.data.get("org", "")
        others = [info.data.get("grading_repo"), info.data.get("course_repo")]
        if any(n and _full(org, n) == _full(org, value) for n in others):
            raise ValueError(
                "names the same repository as grading_repo or course_repo; the front desk is "
                'a public repository of its own (e.g. join_repo = "join")'
            )
        return value

    @model_validator(mode="after")
    def _offered_assignments_exist(self) -> Course:
        offered = (self.join.assignments if self.join else None) or ()
        unknown = sorted(set(offered) - set(self.assignments))
        if unknown:
            raise ValueError(
                f"join.assignments names {', '.join(unknown)}, which [assignments] lacks; "
                "add their tables or drop them from the list"
            )
        return self

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

    def milestone_mode(self, slug: str) -> Literal["one-at-a-time", "all", "off"]:
        """How `slug`'s milestones become issues: its own setting, else the course's."""
        return self.assignment(slug).milestone_issues or self.milestone_issues

    def late_policy(self, slug: str) -> LatePolicy | None:
        """The late policy of `slug`: its own `[late]` table, else the course's, else none."""
        return self.assignment(slug).late or self.late

    def counts_of(self, slug: str) -> Counts:
        """Which grade counts on `slug`: its own `counts`, else the course's."""
        return self.assignment(slug).counts or self.counts

    def repo_name(self, slug: str, login: str) -> str:
        return self.repos.name.format(assignment=slug, login=login)

    def template_name(self, slug: str) -> str:
        return self.repos.template_name.format(assignment=slug)


def _full(org: str, name: str) -> str:
    return (name if "/" in name else f"{org}/{name}").lower()


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

    @property
    def web_url(self) -> str:
        """Where people browse: github.com for GitHub's API, the server itself otherwise."""
        return web_url(self.api_url)


def web_url(api_url: str) -> str:
    """The web address behind an API address (`https://api.github.com` -> github.com;
    Enterprise Server's `https://host/api/v3` -> `https://host`; a sandbox serves both)."""
    url = api_url.rstrip("/")
    if url == DEFAULT_API_URL:
        return "https://github.com"
    return url.removesuffix("/api/v3")


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
        course = Course.model_validate(data, context={"timezone": _zone_name(data)})
        return CourseDir(root=root, course=course)
    except ValidationError as exc:
        raise UserError(_describe(path, exc)) from exc


def _zone_name(data: dict[str, Any]) -> str | None:
    """The raw `timezone` of a course file, to suggest offsets in messages (checked later)."""
    zone = data.get("timezone")
    return zone if isinstance(zone, str) else None


def _describe(path: Path, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(file)"
        lines.append(f"{path}: {where}: {error['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines) + "\nfix these fields and run the command again"
