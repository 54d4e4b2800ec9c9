"""Milestone issues follow the grade: the planner, then the report job against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, MilestoneResult, MilestoneStatus, Submission
from orchestrator.gateway import GitHub, IssueInfo
from orchestrator.official.model import Chunk, Entry, RunPlan
from orchestrator.official.publishing import Facts, milestones_in, post_grades
from reporter.gateway import GitHub as ReporterGateway
from reporter.milestone_issues import (
    Action,
    Kind,
    assignment_label,
    issues_at_start,
    milestone_label,
    open_issue,
    plan_sync,
)
from reporter.post import Target, report
from sandbox.seeding import seed
from tests.conftest import ROOT
from tests.sandbox.harness import sandbox_server

TASKS_API = ROOT / "templates" / "tasks-api"
IDS = ("accounts", "pages", "retries", "limits", "ready")
REPO = "school/tasks-api-school-learner-1"
SHA = "c0ffee" + "0" * 34
WRITE = {"contents": "read", "pull_requests": "write", "checks": "write", "issues": "write"}


def results(*statuses: MilestoneStatus) -> list[MilestoneResult]:
    return [
        MilestoneResult(
            id=i, title=i, status=s, passing=3 if s == "done" else 1, total=3,
            failing=[] if s == "done" else [f"tests/test_{i}.py::test_x"],
        )
        for i, s in zip(IDS, statuses, strict=False)
    ]  # fmt: skip


def issue(number: int, state: str = "open") -> IssueInfo:
    return IssueInfo(number, f"issue {number}", False, f"https://x/{number}", state)


# --- the plan ----------------------------------------------------------------------------------


def test_the_first_milestone_done_closes_its_issue_and_opens_the_next():
    actions = plan_sync(
        results("done", "in_progress", "in_progress"),
        {"accounts": issue(1)},
        commit=SHA,
        mode="one-at-a-time",
    )
    assert [(a.kind, a.milestone, a.issue) for a in actions] == [
        (Kind.CLOSE, "accounts", 1),
        (Kind.OPEN, "pages", None),
    ]
    assert actions[0].comment.startswith("Done in `c0ffee0`: 3 of 3 checks pass.")


def test_finishing_everything_at_once_opens_and_closes_every_issue():
    actions = plan_sync(
        results("done", "done", "done"), {"accounts": issue(1)}, commit=SHA, mode="one-at-a-time"
    )
    assert [(a.kind, a.milestone) for a in actions] == [
        (Kind.CLOSE, "accounts"),
        (Kind.OPEN, "pages"),
        (Kind.CLOSE, "pages"),
        (Kind.OPEN, "retries"),
        (Kind.CLOSE, "retries"),
    ]


def test_a_finished_milestone_that_breaks_is_reopened_naming_the_check():
    (action,) = plan_sync(
        results("in_progress", "in_progress"),
        {"accounts": issue(1, "closed"), "pages": issue(2)},
        commit=SHA,
        mode="one-at-a-time",
    )
    assert (action.kind, action.issue) == (Kind.REOPEN, 1)
    assert "`tests/test_accounts.py::test_x`" in action.comment


def test_closing_an_issue_by_hand_skips_nothing():
    """The learner closed milestone 1 without doing it: the grade reopens it, nothing opens."""
    actions = plan_sync(
        results("in_progress", "in_progress"),
        {"accounts": issue(1, "closed")},
        commit=SHA,
        mode="one-at-a-time",
    )
    assert actions == [Action(Kind.REOPEN, "accounts", 1, actions[0].comment)]


def test_a_milestone_whose_checks_did_not_run_is_left_as_it_is():
    actions = plan_sync(
        results("done", "waiting"),
        {"accounts": issue(1, "closed"), "pages": issue(2, "closed")},
        commit=SHA,
        mode="one-at-a-time",
    )
    assert actions == []


def test_provisioning_opens_the_first_all_or_no_milestone_issue():
    loaded = load_assignment(TASKS_API)
    assert [i for i, _ in issues_at_start(loaded, "one-at-a-time")] == ["accounts"]
    assert [i for i, _ in issues_at_start(loaded, "all")] == list(IDS)
    assert issues_at_start(loaded, "off") == []
    assert issues_at_start(None, "all") == []


# --- the report job, against the sandbox ------------------------------------------------------


def graded(*statuses: MilestoneStatus, sha: str = SHA) -> GradeReport:
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=50,
        max_score=100,
        submission=Submission(path=".", commit=sha),
        stages=[],
        tool_versions={},
        grader_version="test",
        started_at="2026-12-01T00:00:00Z",
        duration_seconds=1,
        milestones=results(*statuses),
    )


@pytest.fixture
def learner_repo(tmp_path):
    """A learner's repository with milestone 1's issue opened by the instructor's identity."""
    with sandbox_server(tmp_path) as running:
        school = seed(running.sandbox, "school", 1, running.url)
        org = running.github(school.instructor.token).get_organization("school")
        repo = org.create_repo("tasks-api-school-learner-1", private=True, auto_init=True)
        running.head = repo.get_branch("main").commit.sha
        instructor = GitHub(running.url, school.instructor.token, backoff=0.0)
        loaded = load_assignment(TASKS_API)
        open_issue(instructor, REPO, loaded, loaded.spec.milestones[0])
        token = running.sandbox.workflow_token(REPO, WRITE).token
        bot = ReporterGateway(running.url, token, backoff=0.0)
        yield running, school, bot


def run_report(
    gh: ReporterGateway, folder: Path, report_: GradeReport, ref: str = "refs/heads/main"
):
    folder.mkdir(exist_ok=True)
    (folder / "results.json").write_text(report_.model_dump_json())
    sha = report_.submission.commit or SHA
    return report(folder, Target(REPO, sha, None, ref), gh, assignment=TASKS_API)


def milestone_issues(gh: GitHub) -> dict[str, tuple[str, int]]:
    """milestone id -> (state, number of comments), from the issues as GitHub has them."""
    found = {}
    for i in gh.issues(REPO, assignment_label("tasks-api")):
        mid = next(label.split(":", 1)[1] for label in i.labels if label.startswith("milestone:"))
        found[mid] = (i.state, len(gh.comments(REPO, i.number)))
    return found


def test_pushes_to_main_move_the_milestone_issues_and_other_branches_do_not(learner_repo, tmp_path):
    running, _school, bot = learner_repo
    instructor = bot  # the report job's token: it reads and writes as the workflow's bot
    head = running.head
    assert run_report(instructor, tmp_path / "a", graded("done", sha=head), "refs/heads/work") == 0
    assert milestone_issues(instructor) == {"accounts": ("open", 0)}

    run_report(instructor, tmp_path / "b", graded("done", "in_progress", sha=head))
    assert milestone_issues(instructor) == {"accounts": ("closed", 1), "pages": ("open", 0)}
    (opened,) = [i for i in instructor.issues(REPO) if milestone_label("pages") in i.labels]
    assert opened.title == "Milestone 2 of 5: A list that scales: cursor pages and filters"

    run_report(instructor, tmp_path / "c", graded("in_progress", "in_progress", sha=head))
    assert milestone_issues(instructor) == {"accounts": ("open", 2), "pages": ("open", 0)}

    run_report(instructor, tmp_path / "d", graded(*["done"] * 5, sha=head))
    assert {state for state, _ in milestone_issues(instructor).values()} == {"closed"}
    assert set(milestone_issues(instructor)) == set(IDS)


def test_a_learners_look_alike_issue_is_neither_closed_nor_believed(learner_repo, tmp_path):
    running, school, instructor = learner_repo
    learner = running.github(school.learners[0].token)
    running.github(school.instructor.token).get_repo(REPO).add_to_collaborators(
        school.learners[0].login, "push"
    )
    for invitation in learner.get_user().get_invitations():
        learner.get_user().accept_invitation(invitation)
    fake = learner.get_repo(REPO).create_issue(
        "Milestone 2 of 5: done already", labels=["assignment:tasks-api", "milestone:pages"]
    )

    run_report(instructor, tmp_path / "a", graded("done", "done", "in_progress", sha=running.head))

    assert learner.get_repo(REPO).get_issue(fake.number).state == "open"
    mine = [i for i in instructor.issues(REPO, "milestone:pages") if i.number != fake.number]
    assert [i.state for i in mine] == ["closed"]


def test_a_repository_without_milestone_issues_is_left_alone(tmp_path):
    with sandbox_server(tmp_path) as running:
        school = seed(running.sandbox, "school", 1, running.url)
        org = running.github(school.instructor.token).get_organization("school")
        repo = org.create_repo("tasks-api-school-learner-1", private=True, auto_init=True)
        token = running.sandbox.workflow_token(REPO, WRITE).token
        gh = ReporterGateway(running.url, token, backoff=0.0)
        head = repo.get_branch("main").commit.sha

        run_report(gh, tmp_path / "a", graded("done", "done", sha=head))

        assert gh.issues(REPO) == []


# --- the official record job ------------------------------------------------------------------


def official_entry(sha: str) -> Entry:
    return Entry(
        assignment="tasks-api",
        seat="school-learner-1",
        members=("school-learner-1",),
        repo=REPO,
        clone_url=f"https://example.test/{REPO}.git",
        html_url=f"https://example.test/{REPO}",
        commit=sha,
    )


def official_plan(sha: str) -> RunPlan:
    chunk = Chunk(index=0, entries=(official_entry(sha),))
    return RunPlan(
        course_repo="school/course",
        course_commit="c" * 40,
        grading_repo="school/classroom",
        grader_commit="b" * 40,
        event="workflow_dispatch",
        planned_at=datetime(2026, 12, 7, tzinfo=UTC),
        plans=(),
        chunks=(chunk,),
        max_parallel=1,
        seats={"tasks-api": chunk.entries},
        titles={"tasks-api": "Tasks API"},
    )


def test_the_official_grade_moves_the_milestones_practice_grades_could_not(learner_repo):
    """Practice grades run no hidden checks: a milestone they judge waits for the official
    grade, whose record job closes it (and opens the next) on the instructor's behalf."""
    running, school, _bot = learner_repo
    instructor = GitHub(running.url, school.instructor.token, backoff=0.0)
    plan, facts = official_plan(running.head), Facts()
    report_ = graded("done", "done", "in_progress", sha=running.head)

    (unmoved,) = post_grades(instructor, plan, [(official_entry(running.head), report_, facts)])
    assert unmoved.url and unmoved.milestones == ()  # without the catalog: the grade alone
    assert milestone_issues(instructor) == {"accounts": ("open", 1)}  # the grade's comment

    catalog = milestones_in(lambda slug: ROOT / "templates" / slug)
    (posted,) = post_grades(
        instructor, plan, [(official_entry(running.head), report_, facts)], catalog
    )
    assert posted.problem == ""
    assert len(posted.milestones) == 4  # closed, opened, closed, opened
    assert milestone_issues(instructor) == {
        "accounts": ("closed", 2),  # the official grade's comment, then "Done in ..."
        "pages": ("closed", 1),
        "retries": ("open", 0),
    }
