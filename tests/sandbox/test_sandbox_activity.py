"""Repository activity: every ref update with the server's time, whatever the commit says,
listed and paged as GitHub's `GET /repos/{owner}/{repo}/activity`."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.sandbox.gitcli import clone_url, commit_file, git


@pytest.fixture
def work(running, school, instructor, tmp_path):
    instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)
    instructor.get_repo("school/hw").add_to_collaborators(school.learners[0].login, "push")
    invitation = running.github(school.learners[0].token).get_user().get_invitations()[0]
    running.github(school.learners[0].token).get_user().accept_invitation(invitation)
    folder = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, "school/hw", school.learners[0].token), str(folder))
    return folder


def _activity(running, token, **params) -> httpx.Response:
    return httpx.get(
        f"{running.url}/repos/school/hw/activity",
        params=params,
        headers={"Authorization": f"token {token}"},
    )


def test_every_kind_of_ref_update_is_recorded(running, school, instructor, work):
    learner = school.learners[0]
    commit_file(work, "a.py", "a = 1\n", "a")
    git("push", "-q", "origin", "HEAD:refs/heads/main", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/topic", cwd=work)
    commit_file(work, "b.py", "b = 1\n", "b")
    git("push", "-q", "origin", "HEAD:refs/heads/topic", cwd=work)
    git("commit", "-q", "--amend", "-m", "b again", cwd=work)
    git("push", "-q", "-f", "origin", "HEAD:refs/heads/topic", cwd=work)
    repo = instructor.get_repo("school/hw")
    assert repo.create_pull(title="t", body="", head="topic", base="main").merge().merged
    repo.get_git_ref("heads/topic").delete()
    items = _activity(running, learner.token).json()
    kinds = [(i["activity_type"], i["ref"], i["actor"]["login"]) for i in items]
    assert kinds == [
        ("branch_deletion", "refs/heads/topic", school.instructor.login),
        ("pr_merge", "refs/heads/main", school.instructor.login),
        ("force_push", "refs/heads/topic", learner.login),
        ("push", "refs/heads/topic", learner.login),
        ("branch_creation", "refs/heads/topic", learner.login),
        ("push", "refs/heads/main", learner.login),
    ]
    assert items[0]["after"] == "0" * 40 and items[-1]["before"] != "0" * 40


def test_a_commit_dated_in_the_past_shows_its_real_push_time(running, school, work):
    assert running.admin("POST", "clock", {"now": "2031-03-01T12:00:00Z"}).status_code == 200
    forged = {
        "GIT_AUTHOR_DATE": "2001-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2001-01-01T00:00:00Z",
    }
    commit_file(work, "late.py", "x = 1\n", "on time, honest")
    git("commit", "-q", "--amend", "--no-edit", cwd=work, env=forged)
    git("push", "-q", "origin", "HEAD:refs/heads/main", cwd=work)
    [item] = _activity(running, school.learners[0].token).json()
    assert item["timestamp"].startswith("2031-03-01T12:00")
    log = git("log", "-1", "--format=%cI", cwd=work).stdout
    assert log.startswith("2001-01-01")


def test_filters_and_cursor_pages(running, school, work):
    learner = school.learners[0]
    for n in range(5):
        commit_file(work, f"f{n}.py", "x = 1\n", f"f{n}")
        git("push", "-q", "origin", "HEAD:refs/heads/main", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/other", cwd=work)
    token = learner.token
    assert len(_activity(running, token, ref="main").json()) == 5
    assert len(_activity(running, token, ref="refs/heads/other").json()) == 1
    assert len(_activity(running, token, activity_type="branch_creation").json()) == 1
    assert _activity(running, token, actor="nobody").json() == []
    assert len(_activity(running, token, time_period="day").json()) == 6
    oldest_first = [i["id"] for i in _activity(running, token, direction="asc").json()]
    assert oldest_first == sorted(oldest_first)
    first = _activity(running, token, per_page=4)
    assert 'rel="next"' in first.headers["link"] and 'rel="prev"' not in first.headers["link"]
    following = re.search(r'<([^>]+)>; rel="next"', first.headers["link"])[1]
    second = httpx.get(following, headers={"Authorization": f"token {token}"})
    assert [i["id"] for i in first.json() + second.json()] == sorted(oldest_first, reverse=True)
    back = re.search(r'<([^>]+)>; rel="prev"', second.headers["link"])[1]
    again = httpx.get(back, headers={"Authorization": f"token {token}"})
    assert again.json() == first.json()
    assert _activity(running, token, time_period="fortnight").status_code == 422


def test_the_clock_answers_only_the_admin_token_and_never_runs_backwards(running, school):
    url = f"{running.url}/_sandbox/clock"
    assert httpx.get(url).status_code == 401
    assert (
        httpx.get(url, headers={"Authorization": f"token {school.instructor.token}"}).status_code
        == 401
    )
    assert running.admin("POST", "clock", {"now": "2030-01-01T00:00:00Z"}).status_code == 200
    behind = running.admin("POST", "clock", {"now": "2029-01-01T00:00:00Z"})
    assert behind.status_code == 422 and "only moves forward" in behind.json()["message"]
    assert running.admin("GET", "clock").json()["now"].startswith("2030-01-01T00:00")
