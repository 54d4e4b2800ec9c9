"""Clone, fetch and push with the real git client over smart HTTP, authenticated by token."""

from __future__ import annotations

import pytest
from github import Github, GithubException

from sandbox.seeding import SeedResult
from tests.sandbox.gitcli import clone_url, commit_file, git


@pytest.fixture
def homework(instructor: Github, school: SeedResult):
    """school/hw: private, README on main, learner 1 a collaborator with push."""
    repo = instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)
    inv = repo.add_to_collaborators(school.learners[0].login, "push")
    return repo, inv


def test_collaborator_clones_and_pushes_a_branch(running, school, homework, tmp_path):
    repo, invitation = homework
    running.github(school.learners[0].token).get_user().accept_invitation(invitation.id)
    work = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, "school/hw", school.learners[0].token), str(work))
    sha = commit_file(work, "app.py", "print('hi')\n", "first")
    git("push", "-q", "origin", "HEAD:refs/heads/feature", cwd=work)
    assert repo.get_branch("feature").commit.sha == sha
    assert repo.get_contents("app.py", ref="feature").decoded_content == b"print('hi')\n"


@pytest.mark.usefixtures("homework")
def test_outsider_cannot_clone_private_repo(running, school, tmp_path):
    outsider = school.learners[1].token
    failed = git(
        "clone",
        "-q",
        clone_url(running.url, "school/hw", outsider),
        str(tmp_path / "x"),
        check=False,
    )
    assert failed.returncode != 0
    assert "not found" in failed.stderr.lower()


@pytest.mark.usefixtures("homework")
def test_clone_without_token_asks_for_credentials(running, tmp_path):
    failed = git(
        "clone", "-q", clone_url(running.url, "school/hw", None), str(tmp_path / "x"), check=False
    )
    assert failed.returncode != 0
    assert "could not read Username" in failed.stderr or "Authentication" in failed.stderr


def test_protected_branch_rejects_direct_push_but_admin_may(running, school, homework, tmp_path):
    repo, invitation = homework
    running.github(school.learners[0].token).get_user().accept_invitation(invitation.id)
    repo.get_branch("main").edit_protection(required_approving_review_count=1, enforce_admins=False)
    work = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, "school/hw", school.learners[0].token), str(work))
    commit_file(work, "x.txt", "x\n", "direct")
    refused = git("push", "origin", "HEAD:main", cwd=work, check=False)
    assert refused.returncode != 0
    assert "GH006: Protected branch update failed" in refused.stderr
    git(
        "remote",
        "set-url",
        "origin",
        clone_url(running.url, "school/hw", school.instructor.token),
        cwd=work,
    )
    git("push", "-q", "origin", "HEAD:main", cwd=work)


def test_ruleset_blocks_force_push(running, school, homework, tmp_path):
    repo, _ = homework
    repo._requester.requestJsonAndCheck(  # PyGithub has no ruleset API: its raw requester
        "POST",
        f"{repo.url}/rulesets",
        input={
            "name": "main",
            "enforcement": "active",
            "target": "branch",
            "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
            "rules": [{"type": "non_fast_forward"}, {"type": "deletion"}],
        },
    )
    work = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, "school/hw", school.instructor.token), str(work))
    git("commit", "-q", "--amend", "-m", "rewritten", cwd=work)
    refused = git("push", "-f", "origin", "HEAD:main", cwd=work, check=False)
    assert refused.returncode != 0
    assert "force-push" in refused.stderr


def test_contents_api_writes_then_git_sees_it(running, school, homework, tmp_path):
    repo, _ = homework
    created = repo.create_file("docs/a.md", "add a", "A\n", branch="main")
    repo.update_file("docs/a.md", "edit a", "B\n", created["content"].sha, branch="main")
    work = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, "school/hw", school.instructor.token), str(work))
    assert (work / "docs" / "a.md").read_text() == "B\n"
    with pytest.raises(GithubException) as stale:
        repo.update_file("docs/a.md", "stale", "C\n", created["content"].sha, branch="main")
    assert stale.value.status == 409
