"""The reporter (`classroom-report`, `classroom report`) against the real sandbox: one sticky
comment, the check run, its batches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from classroom.cli import main
from graders.feedback.comment import FEEDBACK_COMMENT_MARKER
from graders.model.report import Finding, GradeReport
from reporter.deadline_notice import Notice, notice_block
from reporter.gateway import GatewayError, GitHub
from reporter.moments import format_moment
from reporter.post import (
    Target,
    comment_body,
    post_check_run,
    post_comment,
    report,
)
from reporter.results_channel import CHECK_NAME, extract
from reporter.sticky import Stamp, is_stale, read_stamp
from sandbox.seeding import seed
from tests.conftest import ROOT
from tests.sandbox.harness import sandbox_server

DATA = Path(__file__).parent / "data"
REPO = "school/hw"
WRITE = {"contents": "read", "pull_requests": "write", "checks": "write", "issues": "write"}


def starter_report() -> GradeReport:
    return GradeReport.model_validate_json((DATA / "starter-results.json").read_bytes())


@pytest.fixture
def pull(tmp_path):
    """A repo with an open pull request; yields (running, learner's PyGithub, PR, bot gateway)."""
    with sandbox_server(tmp_path) as running:
        school = seed(running.sandbox, "school", 1, running.url)
        org = running.github(school.instructor.token).get_organization("school")
        repo = org.create_repo("hw", private=False, auto_init=True)  # learners may comment
        main_sha = repo.get_branch("main").commit.sha
        repo.create_git_ref("refs/heads/work", main_sha)
        repo.create_file("app.py", "work", "x = 1\n", branch="work")
        pr = repo.create_pull(title="work", body="", head="work", base="main")
        bot = running.sandbox.workflow_token(REPO, WRITE).token
        running.learner_token = school.learners[0].token
        yield running, repo, pr, GitHub(running.url, bot, backoff=0.0)


def feedback_comments(repo, number):
    return [
        c
        for c in repo.get_issue(number).get_comments()
        if c.body.startswith(FEEDBACK_COMMENT_MARKER)
    ]


def test_first_report_comments_and_second_edits_the_same_comment(pull):
    _running, repo, pr, gh = pull
    first = starter_report()
    target = Target(REPO, pr.head.sha, pr.number)
    assert "commented on" in post_comment(gh, target, first)
    better = first.model_copy(update={"score": 90.0, "started_at": first.started_at + timedelta(1)})
    assert "updated" in post_comment(gh, target, better)

    [comment] = feedback_comments(repo, pr.number)
    assert comment.user.login == "github-actions[bot]"
    assert "· 90 / 100" in comment.body
    assert read_stamp(comment.body) == Stamp(pr.head.sha, better.started_at)


def graded_at(report: GradeReport, sha: str, score: float, days: int) -> GradeReport:
    submission = report.submission.model_copy(update={"commit": sha})
    later = report.started_at + timedelta(days)
    return report.model_copy(update={"score": score, "started_at": later, "submission": submission})


def graded_then_pushed(pull, score: float, *, check_run: bool = True) -> tuple[str, str]:
    """The PR's head graded (comment, and the check run unless told not to), then a new
    commit pushed to it; (first sha, second sha)."""
    _running, repo, pr, gh = pull
    first_sha = pr.head.sha
    first = graded_at(starter_report(), first_sha, score, 0)
    if check_run:
        post_check_run(gh, Target(REPO, first_sha), first)
    post_comment(gh, Target(REPO, first_sha, pr.number), first)
    repo.create_file("more.py", "more", "y = 2\n", branch="work")
    return first_sha, repo.get_pull(pr.number).head.sha


def test_a_new_commits_comment_says_what_changed_since_the_grade_it_replaces(pull):
    _running, repo, pr, gh = pull
    first_sha, second_sha = graded_then_pushed(pull, 14.36)

    second = graded_at(starter_report(), second_sha, 40.0, 1)
    post_comment(gh, Target(REPO, second_sha, pr.number), second)

    [comment] = feedback_comments(repo, pr.number)
    assert f"· 40 / 100 · +25.64 since `{first_sha[:7]}`" in comment.body


def test_the_change_line_is_left_out_when_the_old_commit_has_no_readable_grade(pull):
    _running, repo, pr, gh = pull
    _first_sha, second_sha = graded_then_pushed(pull, 10, check_run=False)

    second = graded_at(starter_report(), second_sha, 40, 1)
    post_comment(gh, Target(REPO, second_sha, pr.number), second)

    [comment] = feedback_comments(repo, pr.number)
    assert "since" not in comment.body.split("\n", 3)[2]
    assert "· 40 / 100" in comment.body


def test_a_failed_read_of_the_old_grade_costs_the_change_line_not_the_comment(pull, monkeypatch):
    _running, repo, pr, gh = pull
    _first_sha, second_sha = graded_then_pushed(pull, 10)

    def unreachable(*_args: object) -> None:
        raise GatewayError("school/hw: could not read check runs (timed out); run again")

    monkeypatch.setattr(gh, "check_runs", unreachable)  # the gateway seam
    second = graded_at(starter_report(), second_sha, 40, 1)
    assert "updated" in post_comment(gh, Target(REPO, second_sha, pr.number), second)

    [comment] = feedback_comments(repo, pr.number)
    assert "· 40 / 100\n" in comment.body
    assert read_stamp(comment.body).sha == second_sha


def test_a_learners_fake_marker_comment_is_neither_edited_nor_trusted(pull):
    running, repo, pr, gh = pull
    learner = running.github(running.learner_token)
    later = starter_report().started_at + timedelta(days=365)
    fake = comment_body(starter_report().model_copy(update={"score": 100.0}), pr.head.sha)
    fake = fake.replace(starter_report().started_at.isoformat(), later.isoformat())
    learner.get_repo(REPO).get_issue(pr.number).create_comment(fake)

    post_comment(gh, Target(REPO, pr.head.sha, pr.number), starter_report())

    comments = feedback_comments(repo, pr.number)
    assert [c.body for c in comments if c.user.login != "github-actions[bot]"] == [fake]
    [ours] = [c for c in comments if c.user.login == "github-actions[bot]"]
    assert "· 14.36 / 100" in ours.body


def test_racing_runs_leave_one_comment_with_the_newer_grade(pull):
    _running, repo, pr, gh = pull
    older = starter_report()
    newer = older.model_copy(update={"score": 55.0, "started_at": older.started_at + timedelta(1)})
    # Both runs created a comment before either re-listed (the race), newer one first.
    gh.create_comment(REPO, pr.number, comment_body(newer, "b" * 40))
    gh.create_comment(REPO, pr.number, comment_body(older, "a" * 40))

    said = post_comment(gh, Target(REPO, "a" * 40, pr.number), older)

    [comment] = feedback_comments(repo, pr.number)
    assert "newer commit" in said
    assert "· 55 / 100" in comment.body


def test_an_older_commit_never_replaces_the_heads_grade():
    head, old = Stamp("h" * 40, _t(0)), Stamp("o" * 40, _t(5))
    assert is_stale(old, head, head="h" * 40)
    assert not is_stale(head, old, head="h" * 40)
    assert not is_stale(Stamp("h" * 40, _t(9)), Stamp("h" * 40, _t(1)), head="h" * 40)
    assert is_stale(Stamp("x" * 40, _t(1)), Stamp("y" * 40, _t(2)), head=None)


def test_check_run_carries_the_report_and_every_annotation_in_batches(pull):
    _running, repo, pr, gh = pull
    base = starter_report()
    finding = Finding(tool="ruff", file="app.py", line=1, rule="F401", message="unused")
    many = [finding.model_copy(update={"line": n}) for n in range(1, 121)]
    stages = [
        s.model_copy(update={"findings": many}) if s.name == "lint" else s for s in base.stages
    ]
    graded = base.model_copy(update={"stages": stages})
    check_id = post_check_run(gh, Target(REPO, pr.head.sha), graded)

    run = repo.get_check_run(check_id)
    expected = sum(len(s.findings) for s in stages)
    assert run.name == CHECK_NAME
    assert run.output.annotations_count == expected == 124
    assert extract(run.output.text) == graded
    lines = sorted(a.start_line for a in run.get_annotations() if a.path == "app.py")
    assert lines == list(range(1, 121))


def test_the_cli_reports_a_missing_grade_as_a_failed_check(pull, tmp_path, monkeypatch, capsys):
    running, repo, pr, _gh = pull
    monkeypatch.setenv("GITHUB_API_URL", running.url)
    monkeypatch.setenv("GITHUB_TOKEN", running.sandbox.workflow_token(REPO, WRITE).token)
    sha = pr.head.sha

    assert main(["report", str(tmp_path / "empty"), "--repo", REPO, "--sha", sha]) == 1
    assert [(c.name, c.conclusion) for c in repo.get_commit(sha).get_check_runs()] == [
        (CHECK_NAME, "failure")
    ]
    shutil.copy(DATA / "starter-results.json", tmp_path / "results.json")
    args = ["report", str(tmp_path), "--repo", REPO, "--sha", sha, "--pull-request", str(pr.number)]
    assert main(args) == 0
    assert "14.36 / 100" in capsys.readouterr().out
    assert len(feedback_comments(repo, pr.number)) == 1


def test_dry_run_posts_nothing(pull, tmp_path):
    _running, repo, pr, gh = pull
    shutil.copy(DATA / "starter-results.json", tmp_path / "results.json")
    assert report(tmp_path, Target(REPO, pr.head.sha, pr.number), gh, dry_run=True) == 0
    assert list(repo.get_issue(pr.number).get_comments()) == []


def _t(minutes: int):
    return starter_report().started_at + timedelta(minutes=minutes)


def test_the_comment_shows_the_deadline_of_the_instructors_issue_never_a_learners(pull):
    running, repo, pr, gh = pull
    report = starter_report()
    due = report.started_at + timedelta(days=2, hours=5)
    forged = Notice(deadline=due + timedelta(days=30))
    learner = running.github(running.learner_token).get_repo(REPO)
    learner.create_issue("Assignment: hw", notice_block(forged))  # a learner's look-alike
    policy = "late work accepted for 1 day (10% of full marks per late day)"
    real = Notice(
        deadline=due, timezone="America/New_York", late_until=due + timedelta(days=1), policy=policy
    )
    repo.create_issue("Assignment: hw", "The brief.\n\n" + notice_block(real))

    target = Target(REPO, pr.head.sha, pr.number)
    post_comment(gh, target, report)
    [comment] = feedback_comments(repo, pr.number)
    assert "⏰ Due " in comment.body and ", in 2 days." in comment.body
    assert format_moment(due, "America/New_York") in comment.body

    late = report.model_copy(update={"started_at": due + timedelta(hours=3)})
    post_comment(gh, target, late)
    [comment] = feedback_comments(repo, pr.number)
    assert "⏰ Pushed 3 h after the deadline (due " in comment.body
    assert "late policy applies (late work accepted for 1 day" in comment.body


# What the report job installs (grade.yml): the reporter alone, with these dependencies.
REPORTER_PROJECT = ROOT / "reporter" / "pyproject.toml"
# Everything else the grader or the instructor's side depends on, and the other parts of this
# project: none may be imported.
NOT_INSTALLED = (
    "locust", "mypy", "ruff", "pytest", "uv", "httpx", "packaging", "rich", "fastapi",
    "uvicorn", "yaml", "croniter", "graphql", "copydetect", "act", "orchestrator", "sandbox",
    "classroom",
)  # fmt: skip


def test_the_report_job_needs_only_the_reporters_dependencies(pull, tmp_path):
    """The report job installs the reporter alone (reporter/pyproject.toml: PyGithub,
    pydantic, jinja2): `classroom-report` posts the comment and the check run with every
    grading tool, every instructor-side package and the orchestrator out of reach."""
    running, repo, pr, _gh = pull
    needs = {re.split(r"[<>=!~ ]", line)[0].lower() for line in _requirements()}
    assert needs == {"pygithub", "pydantic", "jinja2"}
    shutil.copy(DATA / "starter-results.json", tmp_path / "results.json")
    args = [str(tmp_path), "--repo", REPO, "--sha", pr.head.sha]
    code = "\n".join(
        [
            "import sys",
            *(f"sys.modules[{name!r}] = None" for name in NOT_INSTALLED),
            "from reporter.cli import main",
            f"sys.exit(main({[*args, '--pull-request', str(pr.number)]!r}))",
        ]
    )
    env = {
        **os.environ,
        "GITHUB_API_URL": running.url,
        "GITHUB_TOKEN": running.sandbox.workflow_token(REPO, WRITE).token,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
        check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(feedback_comments(repo, pr.number)) == 1
    assert [r.name for r in repo.get_commit(pr.head.sha).get_check_runs()] == [CHECK_NAME]


def _requirements() -> list[str]:
    project = tomllib.loads(REPORTER_PROJECT.read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])
