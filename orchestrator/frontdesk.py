"""The front desk, the pure part: the issue form, reading a request, deciding who may join.

Learners ask for an assignment by opening an issue with the form `.github/ISSUE_TEMPLATE/
join.yml` of the course's public front-desk repository. GitHub writes a submitted form into
the issue body as `### Label` sections, each followed by the value; nothing on GitHub's side
checks that body afterwards (an author may edit it, or open an issue through the API with any
text), so it is read here as data and nothing else: split into sections, the assignment must
be exactly one of course.toml's slugs, and no text of it is ever run, interpolated or quoted
back. Who asks is never read from the text either: it is the issue's author as GitHub records
it (`Request.author`).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from orchestrator.course import Course, Join
from orchestrator.gateway import Request
from orchestrator.grading_pin import Pin
from orchestrator.roster import LOGIN_PATTERN, Learner, Roster

FORM_FILE = "join.yml"
ASSIGNMENT_FIELD = "assignment"  # the form's field ids, also the keys of a prefilled link
CODE_FIELD = "section-code"
ASSIGNMENT_LABEL = "Assignment"  # the headings GitHub writes into the issue body
CODE_LABEL = "Section code"
NO_RESPONSE = "_No response_"  # what GitHub writes for a field left empty
ANSWER_MARK = "<!-- classroom:join -->"
HEADING = re.compile(r"^### (.+?)[ \t]*$", re.MULTILINE)
NOREPLY = "users.noreply.github.com"


class Verdict(StrEnum):
    """How a request ends. The first two close it as done, FAILED leaves it open."""

    JOINED = "joined"
    ALREADY = "already has a repository"
    MALFORMED = "malformed"
    CLOSED = "assignment closed"
    NOT_ON_ROSTER = "not on the roster"
    WRONG_CODE = "wrong section code"
    FAILED = "failed"

    @property
    def granted(self) -> bool:
        return self in (Verdict.JOINED, Verdict.ALREADY)


@dataclass(frozen=True)
class Admission:
    """What a request's text and the roster decide before anything is provisioned:
    a refusal (`verdict`), or the learner and assignment to provision (`verdict` None)."""

    verdict: Verdict | None
    slug: str = ""
    learner: Learner | None = None
    by_code: bool = False  # open enrolment: admitted by a section code, not on the roster
    deadline: datetime | None = None


def form_values(body: str) -> dict[str, list[str]]:
    """The `### Label` sections of a form-written body: label -> the value of each section
    under that label (a label written twice keeps both, so the reader can refuse it)."""
    parts = HEADING.split(body.replace("\r\n", "\n"))  # [before, label, value, label, …]
    sections: dict[str, list[str]] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        sections.setdefault(label, []).append(value.strip())
    return sections


def answer_of(values: dict[str, list[str]], label: str) -> str | None:
    """The one answer under `label`; None when missing, empty, or given twice."""
    found = values.get(label, [])
    if len(found) != 1 or found[0] in ("", NO_RESPONSE):
        return None
    return found[0]


def offered(course: Course, now: datetime) -> list[str]:
    """The assignments the form lists: `[join] assignments`, else every one not yet due
    (none without a `[join]` table: the front desk is off)."""
    if course.join is None:
        return []
    if course.join.assignments is not None:
        return list(course.join.assignments)
    due = {slug: a.deadline for slug, a in course.assignments.items()}
    return [slug for slug, moment in due.items() if moment is None or moment > now]


def admit(course: Course, roster: Roster, request: Request, now: datetime) -> Admission:
    """Decide a request from its form answers, the author's login and course.toml."""
    values = form_values(request.body)
    slug = answer_of(values, ASSIGNMENT_LABEL)
    if slug is None or slug not in course.assignments:
        return Admission(Verdict.MALFORMED)
    desk = course.join
    if desk is None:  # the [join] table is gone: the desk is closed for everything
        return Admission(Verdict.CLOSED, slug)
    learner, by_code = _who(desk, roster, request.author, answer_of(values, CODE_LABEL))
    if learner is None:
        refused = Verdict.WRONG_CODE if desk.enrolment == "open" else Verdict.NOT_ON_ROSTER
        return Admission(refused, slug)
    if desk.assignments is not None and slug not in desk.assignments:
        return Admission(Verdict.CLOSED, slug, learner)
    deadline = course.assignments[slug].deadline_of(learner.login)
    if deadline is not None and deadline <= now:
        return Admission(Verdict.CLOSED, slug, learner, deadline=deadline)
    return Admission(None, slug, learner, by_code)


def _who(desk: Join, roster: Roster, login: str, code: str | None) -> tuple[Learner | None, bool]:
    """The roster's learner for `login`; in open enrolment, one made up for a valid code."""
    for learner in roster.learners:
        if learner.login.lower() == login.lower():
            return learner, False
    section = section_of(desk, code) if desk.enrolment == "open" else None
    if section is None or not re.fullmatch(LOGIN_PATTERN, login):  # a bot has no seat
        return None, False
    email = f"{login}@{NOREPLY}"
    return Learner(github_username=login, name=login, email=email, section=section), True


def section_of(desk: Join, code: str | None) -> str | None:
    """The section whose code is `code` (trimmed, any case); None for no match."""
    if code is None:
        return None
    typed = code.strip().lower().encode()
    for section, wanted in desk.sections.items():
        if hmac.compare_digest(typed, wanted.strip().lower().encode()):
            return section
    return None


def form_link(web: str, desk: str) -> str:
    """The empty form."""
    return f"{web}/{desk}/issues/new?" + urlencode({"template": FORM_FILE})


def join_link(web: str, desk: str, slug: str) -> str:
    """The form with the assignment already picked (GitHub's prefill: `?<field id>=value`)."""
    return f"{web}/{desk}/issues/new?" + urlencode({"template": FORM_FILE, ASSIGNMENT_FIELD: slug})


# --- the workflow file -------------------------------------------------------------------------

_PINNED = re.compile(r"^(  (GRADER_REPOSITORY|GRADER_REF|COURSE_REPOSITORY): )\S+(.*)$", re.M)


def pin_workflow(text: str, grader: Pin, course_repo: str) -> str:
    """The desk's workflow with the grader (repository and commit) and course repository set."""
    values = {
        "GRADER_REPOSITORY": grader.repository,
        "GRADER_REF": grader.sha,
        "COURSE_REPOSITORY": course_repo,
    }
    return _PINNED.sub(lambda m: f"{m[1]}{values[m[2]]}{m[3]}", text)
