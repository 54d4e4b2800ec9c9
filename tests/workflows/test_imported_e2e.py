"""Assignments that are not web services, end to end on the sandbox: three GitHub Classroom
templates imported with `classroom import` into the course's own folder (course-local, not the
catalog), published by `publish-grader` and `publish`, provisioned, and graded on a learner's
push by the real grading workflow through act: one without a service (public tests only),
one with io checks, one with command checks.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from github import GithubException
from rich.console import Console

from classroom.sandbox_story import learner_push, push_grader, sandbox_class
from graders.commands.grade import grade
from graders.model.report import GradeReport
from orchestrator.commands.collect import collect
from orchestrator.commands.dashboard import dashboard
from orchestrator.commands.import_classroom import import_classroom
from orchestrator.commands.init import init
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.roster import Learner, write_roster
from reporter.results_channel import CHECK_NAME, extract
from tests.conftest import FIXTURES, SHARED_CACHE

CLASSROOM = FIXTURES / "classroom"
TRIGGERS = "on:\n  push:\n  pull_request:\n"
# slug → (fixture template, submission pushed, what GitHub Classroom gives it, out of)
CASES = {
    "calculator": ("fix-the-calculator", "fixes_arithmetic_only", 13, 25),
    "fizzbuzz": ("fizzbuzz-io", "shouts_the_greeting", 9, 11),
    "notes-cli": ("notes-cli-commands", "leaves_a_debug_print", 12, 15),
}


def _course_toml(text: str) -> str:
    """init's course.toml with the grading repository on and our three course-local
    assignments instead of the catalog's example."""
    text = text.replace('# grading_repo = "classroom"', 'grading_repo = "classroom"')
    text = text[: text.index("[assignments.tasks-api]")]
    for slug in CASES:
        text += f'[assignments.{slug}]\ntemplate = "assignments/{slug}"\n\n'
    return text


def _only_the_learners_pushes(assignment: Path) -> None:
    """Cheap runs: the starter's workflow grades pushes to the learner's `work` branch only,
    not the template's publish, provisioning's commits or the feedback pull request (twelve
    runs that would grade the starter again)."""
    workflow = assignment / "starter" / ".github" / "workflows" / "classroom.yml"
    text = workflow.read_text()
    assert TRIGGERS in text
    workflow.write_text(text.replace(TRIGGERS, "on:\n  push:\n    branches: [work]\n"))


def _warm(course_root: Path, work: Path) -> None:
    """Build the submission environment here once (these assignments share it)."""
    before = os.environ.get("CLASSROOM_CACHE_DIR")
    os.environ["CLASSROOM_CACHE_DIR"] = str(SHARED_CACHE)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assignment = course_root / "assignments" / "fizzbuzz"
            grade(
                submission=assignment / "starter",
                assignment_dir=assignment,
                hidden_tests=None,
                out=work / "warm-up",
                skip=frozenset({"io", "commands"}),
                output_format="text",
            )
    finally:
        if before is None:
            os.environ.pop("CLASSROOM_CACHE_DIR")
        else:
            os.environ["CLASSROOM_CACHE_DIR"] = before


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """A class of one whose learner pushed a submission to each imported assignment."""
    work = tmp_path_factory.mktemp("imported-e2e")
    with sandbox_class(work, 1, cache=SHARED_CACHE) as story:
        root = work / "course"
        init(root, org="school", api_url=story.url)
        toml = root / "course.toml"
        toml.write_text(_course_toml(toml.read_text()))
        learner = story.seeded.learners[0]
        write_roster(root / "roster.csv", [
            Learner(github_username=learner.login, name="L", email="l@example.edu", section="A")
        ])  # fmt: skip
        for slug, (fixture, *_rest) in CASES.items():
            with contextlib.redirect_stdout(io.StringIO()):
                import_classroom(CLASSROOM / fixture / "template", root / "assignments" / slug,
                                 slug=slug)  # fmt: skip
            _only_the_learners_pushes(root / "assignments" / slug)
        story.course = load_course(root)
        _warm(root, work)
        push_grader(story)
        gh, quiet = story.instructor, Console(quiet=True)
        for slug in CASES:
            assert publish(story.course, gh, slug) == 0
            assert provision(story.course, gh, slug, console=quiet) == 0
        me = story.client(learner).get_user()
        for invitation in me.get_invitations():
            me.accept_invitation(invitation)
        assert story.wait_for_runs(240)
        story.pushed = {}
        for slug, (fixture, outcome, *_rest) in CASES.items():
            files = _files(CLASSROOM / fixture / "submissions" / outcome)
            repo = story.course.course.repo_name(slug, learner.login)
            story.pushed[slug] = learner_push(
                story, learner, "work", files, f"My {slug}", repo=f"school/{repo}"
            )
        assert story.wait_for_runs(300)
        story.learner = learner
        yield story


def _files(folder: Path) -> dict[str, str | None]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _graded(story, slug: str) -> GradeReport:
    repo_name = story.course.course.repo_name(slug, story.learner.login)
    repo = story.client(story.learner).get_repo(f"school/{repo_name}")
    runs = [c for c in repo.get_commit(story.pushed[slug]).get_check_runs() if c.name == CHECK_NAME]
    assert runs, f"no {CHECK_NAME} check run on {slug}'s push"
    report = extract(sorted(runs, key=lambda c: c.id)[-1].output.text)
    assert report is not None
    return report


@pytest.mark.slow
@pytest.mark.parametrize("slug", list(CASES))
def test_a_push_to_an_imported_assignment_is_graded_by_the_workflow_as_github_classroom_did(
    story, slug
):
    _fixture, _outcome, expected, out_of = CASES[slug]
    report = _graded(story, slug)

    assert (report.score, report.max_score) == (expected, out_of)
    assert report.submission.commit == story.pushed[slug]
    stages = {s.name: s.status for s in report.stages}
    assert "hidden" not in stages and "load" not in stages  # no [app]: nothing to start
    assert all(status != "error" for status in stages.values()), report.stages


@pytest.mark.slow
def test_the_grading_repository_carries_the_course_local_assignments_but_no_hidden_tests(story):
    grading = story.client(story.learner).get_repo("school/classroom")
    for slug in CASES:
        assert grading.get_contents(f"templates/{slug}/assignment.toml").decoded_content
        with pytest.raises(GithubException) as missing:
            grading.get_contents(f"templates/{slug}/hidden_tests/README.md")
        assert missing.value.status == 404


@pytest.mark.slow
def test_collect_and_the_dashboard_take_the_course_local_assignments(story, tmp_path):
    course = story.course
    for slug in CASES:
        csv = tmp_path / f"{slug}.csv"
        assert collect(course, story.instructor, slug, out=csv, console=Console(quiet=True)) == 0
        header, row = csv.read_text().splitlines()[:2]
        assert "io" in header.split(",") and "commands" in header.split(",")
        assert story.learner.login in row
    site = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()):
        assert dashboard(course.root, out=site) == 0
    overview = (site / "index.html").read_text()
    assert all(slug in overview for slug in CASES)
