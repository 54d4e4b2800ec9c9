"""The front desk's pure part: reading a form-written issue body, admitting or refusing a
request from course.toml and the roster, the links and the pinned workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from basis.errors import UserError
from orchestrator.course import Course, load_course, web_url
from orchestrator.frontdesk import (
    Verdict,
    admit,
    answer_of,
    form_values,
    join_link,
    offered,
    pin_workflow,
)
from orchestrator.gateway import Request
from orchestrator.grading_pin import Pin
from orchestrator.rendering import TEMPLATES
from orchestrator.roster import Learner, Roster

NOW = datetime(2030, 3, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=7)
EARLIER = NOW - timedelta(days=1)


def course(**join: object) -> Course:
    return Course.model_validate(
        {
            "org": "school",
            "assignments": {
                "tasks-api": {"title": "Tasks API", "deadline": LATER},
                "legacy-inventory": {
                    "deadline": EARLIER,
                    "extensions": {"late-ada": LATER},
                },
                "bookings-api": {},
            },
            "join": join,
        }
    )


ROSTER = Roster(
    Path("roster.csv"),
    tuple(
        Learner(github_username=x, name=x, email=f"{x}@example.edu", section="A")
        for x in ("ada", "late-ada")
    ),
)


def form(assignment: str, code: str | None = None) -> str:
    """A body as GitHub writes a submitted issue form (`### Label`, blank line, value)."""
    body = f"### Assignment\n\n{assignment}"
    return body if code is None else body + f"\n\n### Section code\n\n{code}"


def request(body: str, author: str = "ada") -> Request:
    return Request(7, author, "Join an assignment", body, "http://x/school/join/issues/7")


def test_a_form_body_splits_into_its_sections() -> None:
    body = "### Assignment\r\n\r\ntasks-api\r\n\r\n### Section code\r\n\r\n_No response_\r\n"
    values = form_values(body)
    assert values == {"Assignment": ["tasks-api"], "Section code": ["_No response_"]}
    assert answer_of(values, "Assignment") == "tasks-api"
    assert answer_of(values, "Section code") is None  # GitHub's mark for a field left empty


@pytest.mark.parametrize(
    "body",
    [
        "",
        "please add me to tasks-api",
        "### Assignment\n\n_No response_",
        "### Assignment\n\ntasks-api\n\n### Assignment\n\nbookings-api",  # which one?
        "### Assignment\n\nTasks-API",
        "### Assignment\n\ntasks-api; rm -rf /",
        "### Assignment\n\n../tasks-api",
        "### Assignment\n\nno-such-assignment",
        "#### Assignment\n\ntasks-api",
    ],
)
def test_anything_but_one_known_slug_is_malformed(body: str) -> None:
    assert admit(course(), ROSTER, request(body), NOW).verdict is Verdict.MALFORMED


def test_a_learner_on_the_roster_is_admitted_with_their_roster_row() -> None:
    admitted = admit(course(), ROSTER, request(form("tasks-api"), author="ADA"), NOW)
    assert admitted.verdict is None and admitted.slug == "tasks-api"
    assert admitted.learner == ROSTER.learners[0]  # the login as the roster spells it


def test_who_asks_is_the_author_never_the_text() -> None:
    body = form("tasks-api") + "\n\n### GitHub username\n\nada"
    assert admit(course(), ROSTER, request(body, author="mallory"), NOW).verdict is (
        Verdict.NOT_ON_ROSTER
    )


def test_an_assignment_past_its_deadline_is_closed_unless_extended() -> None:
    late = admit(course(), ROSTER, request(form("legacy-inventory")), NOW)
    assert late.verdict is Verdict.CLOSED and late.deadline == EARLIER
    extended = request(form("legacy-inventory"), author="late-ada")
    assert admit(course(), ROSTER, extended, NOW).verdict is None


def test_without_a_join_table_nothing_is_offered_and_every_request_is_closed() -> None:
    off = Course.model_validate({"org": "school", "assignments": {"tasks-api": {}}})
    assert off.join is None and offered(off, NOW) == []
    assert admit(off, ROSTER, request(form("tasks-api")), NOW).verdict is Verdict.CLOSED
    assert admit(off, ROSTER, request("hi"), NOW).verdict is Verdict.MALFORMED


def test_an_assignment_the_desk_does_not_offer_is_closed() -> None:
    desk = course(assignments=["tasks-api"])
    closed = admit(desk, ROSTER, request(form("bookings-api")), NOW)
    assert (closed.verdict, closed.deadline) == (Verdict.CLOSED, None)  # not for its deadline
    assert offered(desk, NOW) == ["tasks-api"]
    assert offered(course(), NOW) == ["tasks-api", "bookings-api"]  # not the one past due


def test_open_enrolment_admits_a_stranger_with_a_sections_code() -> None:
    desk = course(enrolment="open", sections={"B": "blue-heron-42", "C": "red-fox-17"})
    admitted = admit(desk, ROSTER, request(form("tasks-api", " Red-Fox-17 "), "zoe"), NOW)
    assert admitted.verdict is None and admitted.by_code
    assert admitted.learner is not None
    assert (admitted.learner.login, admitted.learner.section) == ("zoe", "C")
    wrong = admit(desk, ROSTER, request(form("tasks-api", "blue-heron"), "zoe"), NOW)
    assert wrong.verdict is Verdict.WRONG_CODE
    missing = admit(desk, ROSTER, request(form("tasks-api"), "zoe"), NOW)
    assert missing.verdict is Verdict.WRONG_CODE
    bot = admit(desk, ROSTER, request(form("tasks-api", "red-fox-17"), "dependabot[bot]"), NOW)
    assert bot.verdict is Verdict.WRONG_CODE
    on_roster = admit(desk, ROSTER, request(form("tasks-api"), "ada"), NOW)
    assert on_roster.verdict is None and not on_roster.by_code


def test_a_stranger_is_refused_in_roster_enrolment_whatever_code_they_type() -> None:
    body = form("tasks-api", "blue-heron-42")
    assert admit(course(), ROSTER, request(body, "zoe"), NOW).verdict is Verdict.NOT_ON_ROSTER


def test_the_prefilled_link_uses_githubs_query_form() -> None:
    link = join_link(web_url("https://api.github.com"), "school/join", "tasks-api")
    assert (
        link == "https://github.com/school/join/issues/new?template=join.yml&assignment=tasks-api"
    )
    assert web_url("https://ghe.example.edu/api/v3") == "https://ghe.example.edu"
    assert web_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"


def test_the_workflow_is_pinned_to_the_grader_and_the_course() -> None:
    text = (TEMPLATES / "join" / "join.yml").read_text()
    pinned = pin_workflow(text, Pin("school/classroom", "a" * 40), "school/course")
    assert "  GRADER_REPOSITORY: school/classroom\n" in pinned
    assert f"  GRADER_REF: {'a' * 40}\n" in pinned
    assert "  COURSE_REPOSITORY: school/course\n" in pinned
    assert pinned.count("\n") == text.count("\n")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ('join_repo = "course"\n', "join_repo"),
        ('grading_repo = "desk"\njoin_repo = "desk"\n', "join_repo"),
        ('[join]\nenrolment = "open"\n', "join"),
        ('[join]\nenrolment = "open"\nsections = { A = "abc" }\n', "join.sections"),
        ('[join]\nsections = { A = "same-code", B = "Same-Code" }\n', "join.sections"),
        ('[join]\nassignments = ["nope"]\n', "(file)"),
    ],
)
def test_bad_front_desk_settings_name_the_field(tmp_path: Path, extra: str, field: str) -> None:
    (tmp_path / "course.toml").write_text('org = "school"\n' + extra)
    with pytest.raises(UserError) as caught:
        load_course(tmp_path)
    assert f"course.toml: {field}:" in str(caught.value)
