"""Issues, comments, labels and pull requests through PyGithub."""

from __future__ import annotations

import pytest
from github import Github, GithubException

from sandbox.seeding import SeedResult
from tests.sandbox.gitcli import clone_url, commit_file, git


@pytest.fixture
def hw(instructor: Github, learner: Github, school: SeedResult):
    """school/hw with learner 1 as an accepted collaborator (push)."""
    repo = instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)
    inv = repo.add_to_collaborators(school.learners[0].login, "push")
    learner.get_user().accept_invitation(inv.id)
    return repo


def test_issue_lifecycle_with_labels_and_comments(hw, learner: Github, school):
    issue = hw.create_issue("Task 1", body="Build it", labels=["assignment"])
    assert issue.number == 1 and [lb.name for lb in issue.labels] == ["assignment"]
    mine = learner.get_repo("school/hw").get_issue(1)
    comment = mine.create_comment("on it")
    comment.edit("on it, really")
    assert [c.body for c in hw.get_issue(1).get_comments()] == ["on it, really"]
    assert comment.user.login == school.learners[0].login
    issue.add_to_labels("week-1")
    issue.remove_from_labels("assignment")
    issue.edit(state="closed")
    assert [i.number for i in hw.get_issues(state="closed")] == [1]
    assert [lb.name for lb in hw.get_labels()] == ["assignment", "week-1"]
    comment.delete()
    assert hw.get_issue(1).comments == 0


def test_outsider_cannot_comment_on_private_repo(hw, running, school):
    del hw
    outsider = running.github(school.learners[1].token)
    with pytest.raises(GithubException) as exc:
        outsider.get_repo("school/hw")
    assert exc.value.status == 404


def _push_branch(running, school, tmp_path, branch: str, text: str) -> str:
    work = tmp_path / "w"
    if not work.exists():
        git("clone", "-q", clone_url(running.url, "school/hw", school.learners[0].token), str(work))
    commit_file(work, "solution.py", text, f"work on {branch}")
    git("push", "-q", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).stdout.strip()


def test_pull_request_files_sync_and_merge(hw, learner: Github, running, school, tmp_path):
    first = _push_branch(running, school, tmp_path, "feature", "x = 1\n")
    repo = learner.get_repo("school/hw")
    pr = repo.create_pull(title="Solution", body="please grade", head="feature", base="main")
    assert pr.head.sha == first and pr.mergeable is True
    assert [(f.filename, f.status, f.additions) for f in pr.get_files()] == [
        ("solution.py", "added", 1)
    ]
    second = _push_branch(running, school, tmp_path, "feature", "x = 2\n")
    assert repo.get_pull(pr.number).head.sha == second
    assert [p.number for p in repo.get_pulls(state="open")] == [pr.number]
    result = hw.get_pull(pr.number).merge(merge_method="squash")
    assert result.merged
    assert hw.get_contents("solution.py").decoded_content == b"x = 2\n"
    merged = hw.get_pull(pr.number)
    assert merged.merged and merged.state == "closed"


def test_pull_request_without_commits_is_422(hw):
    with pytest.raises(GithubException) as exc:
        hw.create_pull(title="nothing", body="", head="main", base="main")
    assert exc.value.status == 422
