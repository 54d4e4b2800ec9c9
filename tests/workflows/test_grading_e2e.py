"""The grading workflows end to end on the sandbox, as `make demo` runs them: a learner pushes
a partial solution and opens a pull request, the real workflow files run through act, the
feedback comment appears; a fix updates that same comment; the check run carries annotations.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
    wait_for_feedback,
    warm_environment,
)
from graders.commands.grade import grade
from graders.model.report import GradeReport
from reporter.results_channel import CHECK_NAME, extract
from reporter.sticky import read_stamp
from reporter.wait import GRADE_JOB
from tests.conftest import SHARED_CACHE
from tests.sandbox.contract import ContractChecker, ContractLog

HOSTILE = Path(__file__).parent / "hostile"
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
        make_course(story)
        push_grader(story)
        warm_environment(story, SHARED_CACHE)
        publish_and_provision(story, Console(quiet=True))
        assert story.wait_for_runs(180)
        learner = story.seeded.learners[0]
        story.learner = learner
        partial = {**solution_files(leave_out=("app/main.py",)), SCRATCH: LEFTOVER}
        story.first_sha = learner_push(story, learner, "work", partial, "Most of the ticket")
        story.number = open_pull(story, learner, "work", "Tasks API v1")
        story.hostile = {name: _hostile_pull(story, name) for name in ("lies", "steal")}
        story.first = wait_for_feedback(story, learner, story.number, story.first_sha, 180)
        for sha, number in story.hostile.values():
            wait_for_feedback(story, learner, number, sha, 60)
        fix = {**solution_files(), SCRATCH: None}
        story.second_sha = learner_push(story, learner, "work", fix, "Wire the middleware")
        story.second = wait_for_feedback(story, learner, story.number, story.second_sha, 180)
        assert story.wait_for_runs(60)
        repo = story.client(learner).get_repo(story.repo_of(learner))
        story.merge_sha = repo.get_pull(story.number).merge().sha  # its push grades main
        assert story.wait_for_runs(180)
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
    change = _heading(story.second[0][1])[2]  # e.g. "+12.5 since `1a2b3c4`"
    gained, since = change.split(" ", 1)
    assert float(gained) == pytest.approx(second_score - first_score, abs=0.01)
    assert since == f"since `{story.first_sha[:7]}`"


@pytest.mark.slow
def test_the_check_run_has_the_report_and_annotations(story):
    run = _grade_checks(story, story.first_sha)[-1]
    report = extract(run.output.text)
    assert report is not None and report.submission.commit == story.first_sha
    found = {(a.path, a.title.split()[0]) for a in run.get_annotations()}
    assert (SCRATCH, "ruff") in found
    assert (SCRATCH, "mypy") in found


def _hostile_pull(story, name: str) -> tuple[str, int]:
    """A branch off main adding tests/test_zz_<name>.py; (head sha, pull request number)."""
    text = (HOSTILE / f"{name}.py").read_text()
    text = text.replace("__API_URL__", story.url).replace("__REPO__", story.repo_of(story.learner))
    sha = learner_push(
        story, story.learner, name, {f"tests/test_zz_{name}.py": text}, name, base="main"
    )
    return sha, open_pull(story, story.learner, name, name)


def _heading(body: str) -> list[str]:
    """The comment's heading, in parts: title, "score / max", maybe the change since last."""
    heading = next(line for line in body.splitlines() if line.startswith("## "))
    return [part.strip() for part in heading.split("·")]


def _score(body: str) -> float:
    return float(_heading(body)[1].split("/")[0])


@pytest.mark.slow
def test_printed_lies_change_neither_the_score_nor_the_comment(story, tmp_path):
    lies = _only_feedback(story, story.hostile["lies"][1])
    honest = _grade_locally(story, "lies", tmp_path)
    assert _score(lies) == pytest.approx(honest.score)
    assert honest.score < 100
    assert read_stamp(lies).sha == story.hostile["lies"][0]
    assert lies.count("<!-- classroom:") == 2  # the marker and the stamp, nothing forged
    assert _report(story, "lies").score == pytest.approx(honest.score)
    for run in _grade_checks(story, story.hostile["lies"][0]):  # the push's run and the PR's
        assert extract(run.output.text).score == pytest.approx(honest.score)
        assert "fake finding" not in {a.message for a in run.get_annotations()}


@pytest.mark.slow
def test_the_grade_job_holds_no_token_that_can_write(story):
    assert _only_feedback(story, story.hostile["steal"][1])  # the hostile test did run
    repo = story.client(story.seeded.instructor).get_repo(story.repo_of(story.learner))
    assert "pwned" not in {b.name for b in repo.get_branches()}
    for issue in repo.get_issues(state="all"):
        assert all(c.body != "pwned" for c in issue.get_comments())
    # The hostile test ran: pytest collected the file (a broken one fails every test).
    steal, lies = (_stage(_report(story, name), "tests") for name in ("steal", "lies"))
    assert steal.score == lies.score > 0, steal.message


def _only_feedback(story, number: int) -> str:
    [(author, body, _url)] = feedback_comments(story, story.learner, number)
    assert author == "github-actions[bot]"
    return body


def _stage(report, name: str):
    return next(s for s in report.stages if s.name == name)


def _grade_checks(story, sha: str):
    repo = story.client(story.learner).get_repo(story.repo_of(story.learner))
    runs = [c for c in repo.get_commit(sha).get_check_runs() if c.name == CHECK_NAME]
    return sorted(runs, key=lambda c: c.id)


def _report(story, name: str):
    return extract(_grade_checks(story, story.hostile[name][0])[-1].output.text)


def _grade_locally(story, name: str, tmp_path):
    """The same commit graded here, outside any workflow: the honest score."""
    tree = tmp_path / name
    shutil.copytree(story.work / "catalog" / "tasks-api" / "starter", tree)
    text = (HOSTILE / f"{name}.py").read_text()
    text = text.replace("__API_URL__", story.url).replace("__REPO__", story.repo_of(story.learner))
    (tree / "tests" / f"test_zz_{name}.py").write_text(text)
    assignment = story.work / "catalog" / "tasks-api"
    out = tmp_path / "out"
    code = grade(
        submission=tree,
        assignment_dir=assignment,
        hidden_tests=None,
        out=out,
        skip=frozenset({"load"}),
        output_format="json",
    )
    assert code == 0
    return GradeReport.model_validate_json((out / "results.json").read_bytes())


@pytest.mark.slow
def test_merging_the_work_closes_every_milestone_issue_with_the_commit_that_did_it(story):
    """Provisioning opened milestone 1's issue; the push of the merge to main is graded, and
    its report job closes it and opens and closes the others: all done, each saying so."""
    repo = story.client(story.seeded.instructor).get_repo(story.repo_of(story.learner))
    issues = sorted(repo.get_issues(state="all", labels=["assignment:tasks-api"]),
                    key=lambda i: i.number)  # fmt: skip
    titles = [i.title for i in issues]
    assert [t.split(":", 1)[0] for t in titles] == [f"Milestone {n} of 5" for n in range(1, 6)]
    assert issues[0].user.login == story.seeded.instructor.login  # opened by provisioning
    for issue in issues:
        assert issue.state == "closed", run_log(story, repo.full_name)
        comments = [c.body for c in issue.get_comments()]
        assert len(comments) == 1
        assert comments[0].startswith(f"Done in `{story.merge_sha[:7]}`")


@pytest.mark.slow
def test_the_report_job_starts_beside_the_grade_job_and_waits_for_it(story):
    """The report job sets up while grading runs (no `needs:`), then waits for the grade job:
    in every run it started before the grade job ended, and posted only after it ended."""
    repo = story.client(story.seeded.instructor).get_repo(story.repo_of(story.learner))
    logs = story.server.sandbox.config.logs_dir
    runs = list(repo.get_workflow_runs())
    assert len(runs) >= 4
    for run in runs:
        jobs = {j.name: j for j in run.jobs()}
        grade_job, report_job = jobs[f"grade / {GRADE_JOB}"], jobs["grade / Report the grade"]
        assert (grade_job.conclusion, report_job.conclusion) == ("success", "success")
        steps = [s.name for s in report_job.steps]
        assert steps.index("Wait for the grade job") < steps.index("Fetch the results")
        events = [_event(json.loads(line)) for line in (logs / f"{run.id}.jsonl").open()]
        report_starts = events.index(("Report the grade", "Set up job"))
        grade_ends = events.index((GRADE_JOB, "ended"))
        posts = events.index(("Report the grade", "Post the feedback comment and the check run"))
        assert report_starts < grade_ends < posts, run_log(story, repo.full_name)


def _event(record: dict) -> tuple[str, str]:
    """(the job's name, the step it began or "ended") of one record of act's JSON log."""
    job = str(record.get("job", "")).rpartition("/")[2].strip()  # act pads it
    return job, "ended" if record.get("jobResult") else str(record.get("step", ""))
