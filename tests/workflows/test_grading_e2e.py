"""The grading workflows end to end on the sandbox, as `make demo` runs them: a learner pushes
a partial solution and opens a pull request, the real workflow files run through act, the
feedback comment appears; a fix updates that same comment; the check run carries annotations.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from classroom.sandbox_story import (
    feedback_comments,
    learner_push,
    make_course,
    open_pull,
    publish_and_provision,
    push_grader,
    sandbox_class,
    solution_files,
)
from orchestrator.results_channel import CHECK_NAME, extract
from orchestrator.sticky import read_stamp
from tests.conftest import SHARED_CACHE
from tests.sandbox.contract import ContractChecker, ContractLog

SCRATCH = "app/scratch.py"
# A file left over from debugging: one lint finding (F401) and one type error.
LEFTOVER = 'import os\n\n\ndef answer() -> int:\n    return "42"\n'


def run_log(story, repo: str) -> str:
    runs = story.client(story.seeded.instructor).get_repo(repo).get_workflow_runs()
    logs = story.server.sandbox.config.logs_dir
    return "\n".join((logs / f"{r.id}.log").read_text()[-3000:] for r in runs)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """One provisioned class; learner 1 pushes twice on a pull request (shared by the tests)."""
    contract = ContractLog()
    work = tmp_path_factory.mktemp("e2e")
    with sandbox_class(
        work, 1, cache=SHARED_CACHE, wrap=lambda app: ContractChecker(app, contract)
    ) as story:
        push_grader(story)
        make_course(story)
        publish_and_provision(story, Console(quiet=True))
        assert story.wait_for_runs(180)
        learner = story.seeded.learners[0]
        partial = {**solution_files(leave_out=("app/main.py",)), SCRATCH: LEFTOVER}
        story.first_sha = learner_push(story, learner, "work", partial, "Most of the ticket")
        story.number = open_pull(story, learner, "work", "Tasks API v1")
        assert story.wait_for_runs(180), "the first runs did not finish"
        story.first = feedback_comments(story, learner, story.number)
        fix = {**solution_files(), SCRATCH: None}
        story.second_sha = learner_push(story, learner, "work", fix, "Wire the middleware")
        assert story.wait_for_runs(180), "the second runs did not finish"
        story.second = feedback_comments(story, learner, story.number)
        story.learner = learner
        yield story
    assert not contract.violations, contract.violations


@pytest.mark.slow
def test_the_pull_request_gets_one_feedback_comment(story):
    repo = story.repo_of(story.learner)
    assert len(story.first) == 1, run_log(story, repo)
    author, body, url = story.first[0]
    assert author == "github-actions[bot]"
    assert read_stamp(body).sha == story.first_sha
    assert "Tests (public)" in body and "/ 100" in body
    assert f"/{repo}/" in url


@pytest.mark.slow
def test_a_second_push_updates_the_same_comment_with_the_new_score(story):
    assert len(story.second) == 1, run_log(story, story.repo_of(story.learner))
    assert story.second[0][2] == story.first[0][2]  # the same comment, edited in place
    assert read_stamp(story.second[0][1]).sha == story.second_sha
    first_score = _score(story.first[0][1])
    second_score = _score(story.second[0][1])
    assert second_score > first_score


@pytest.mark.slow
def test_the_check_run_has_the_report_and_annotations(story):
    repo = story.client(story.learner).get_repo(story.repo_of(story.learner))
    [run] = [c for c in repo.get_commit(story.first_sha).get_check_runs() if c.name == CHECK_NAME][
        :1
    ]
    report = extract(run.output.text)
    assert report is not None and report.submission.commit == story.first_sha
    found = {(a.path, a.title.split()[0]) for a in run.get_annotations()}
    assert (SCRATCH, "ruff") in found
    assert (SCRATCH, "mypy") in found


def _score(body: str) -> float:
    heading = next(line for line in body.splitlines() if line.startswith("## "))
    return float(heading.rsplit("·", 1)[1].split("/")[0])
