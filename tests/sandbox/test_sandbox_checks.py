"""Check runs and commit statuses, written with a workflow token as on GitHub."""

from __future__ import annotations

import pytest
from github import Github, GithubException


@pytest.fixture
def hw(instructor: Github):
    return instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)


@pytest.fixture
def actions(running, hw) -> Github:
    """A client holding a workflow run's token for school/hw with checks and statuses write."""
    token = running.sandbox.workflow_token(
        hw.full_name,
        {
            "contents": "read",
            "checks": "write",
            "statuses": "write",
            "issues": "write",
            "pull_requests": "write",
            "metadata": "read",
        },
    )
    return running.github(token.token)


def test_check_run_with_annotations_round_trips(hw, actions: Github):
    sha = hw.get_branch("main").commit.sha
    repo = actions.get_repo("school/hw")
    run = repo.create_check_run("grade", sha, status="in_progress")
    assert run.status == "in_progress" and run.app.slug == "github-actions"
    run.edit(
        conclusion="failure",
        output={
            "title": "2 of 3 tests pass",
            "summary": "see annotations",
            "annotations": [
                {
                    "path": "app.py",
                    "start_line": 3,
                    "end_line": 3,
                    "annotation_level": "failure",
                    "message": "test_add failed",
                }
            ],
        },
    )
    again = hw.get_check_run(run.id)
    assert (again.status, again.conclusion) == ("completed", "failure")
    assert [a.message for a in again.get_annotations()] == ["test_add failed"]
    assert [c.name for c in hw.get_commit(sha).get_check_runs()] == ["grade"]


def test_personal_token_cannot_create_check_runs(hw):
    sha = hw.get_branch("main").commit.sha
    with pytest.raises(GithubException) as exc:
        hw.create_check_run("grade", sha)
    assert exc.value.status == 403


def test_statuses_combine_latest_per_context(hw, actions: Github):
    sha = hw.get_branch("main").commit.sha
    commit = actions.get_repo("school/hw").get_commit(sha)
    commit.create_status("pending", context="grade")
    commit.create_status("success", context="grade", description="10/10")
    commit.create_status("success", context="lint")
    combined = hw.get_commit(sha).get_combined_status()
    assert combined.state == "success" and combined.total_count == 2
    assert len(list(hw.get_commit(sha).get_statuses())) == 3


def test_read_only_workflow_token_cannot_comment(running, hw):
    token = running.sandbox.workflow_token(hw.full_name, {"contents": "read"})
    issue = hw.create_issue("x")
    with pytest.raises(GithubException) as exc:
        running.github(token.token).get_repo("school/hw").get_issue(issue.number).create_comment(
            "hi"
        )
    assert exc.value.status == 403
    assert exc.value.data["message"] == "Resource not accessible by integration"


def test_required_status_check_blocks_merge_until_it_passes(
    running, hw, actions: Github, school, tmp_path
):
    from tests.sandbox.gitcli import clone_url, commit_file, git

    hw.get_branch("main").edit_protection(strict=False, contexts=["grade"])
    work = tmp_path / "w"
    git("clone", "-q", clone_url(running.url, "school/hw", school.instructor.token), str(work))
    sha = commit_file(work, "a.py", "a = 1\n", "a")
    git("push", "-q", "origin", "HEAD:refs/heads/feature", cwd=work)
    pr = hw.create_pull(title="a", body="", head="feature", base="main")
    with pytest.raises(GithubException) as blocked:
        pr.merge()
    assert blocked.value.status == 405
    assert 'Required status check "grade"' in blocked.value.data["message"]
    actions.get_repo("school/hw").get_commit(sha).create_status("success", context="grade")
    assert pr.merge().merged
