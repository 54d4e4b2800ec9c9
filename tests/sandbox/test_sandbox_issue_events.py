"""`issues` events start workflows as on GitHub: with GitHub's payload, on the default branch,
never for an issue a workflow's own token opened; a concurrency group keeps one run pending."""

from __future__ import annotations

import json
import threading

import pytest
from githubkit import webhooks

from sandbox.seeding import seed

ON_OPENED = """\
name: desk
on:
  issues:
    types: [opened]
permissions: {}
jobs:
  read:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - env:
          AUTHOR: ${{ github.event.issue.user.login }}
        run: echo "opened by $AUTHOR on $GITHUB_REF"
"""

OPENS_AN_ISSUE = """\
name: opener
on: workflow_dispatch
permissions: {}
jobs:
  open:
    runs-on: ubuntu-latest
    permissions:
      issues: write
    steps:
      - env:
          GITHUB_TOKEN: ${{ github.token }}
        run: |
          python3 - <<'PY'
          import json, os, urllib.request
          url = f"{os.environ['GITHUB_API_URL']}/repos/{os.environ['GITHUB_REPOSITORY']}/issues"
          request = urllib.request.Request(
              url,
              data=json.dumps({"title": "from a workflow"}).encode(),
              headers={"Authorization": f"token {os.environ['GITHUB_TOKEN']}"},
              method="POST",
          )
          print(urllib.request.urlopen(request).status)
          PY
"""

ONE_AT_A_TIME = """\
name: desk
on:
  issues:
    types: [opened]
concurrency:
  group: desk
  cancel-in-progress: false
permissions: {}
jobs:
  wait:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: sleep 3
"""


@pytest.fixture
def desk(running_actions):
    """A public repository of org `school` and a learner who is no collaborator of it."""
    school = seed(running_actions.sandbox, "school", 1, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    repo = org.create_repo("join", private=False, auto_init=True)
    learner = running_actions.github(school.learners[0].token).get_repo("school/join")
    return repo, learner, school


def _settle(running) -> None:
    assert running.sandbox.runner.wait_idle(60)


@pytest.mark.slow
def test_opening_an_issue_starts_the_workflow_with_githubs_payload(running_actions, desk):
    repo, learner, school = desk
    repo.create_file(".github/workflows/desk.yml", "desk", ON_OPENED)
    _settle(running_actions)
    issue = learner.create_issue(title="Join an assignment", body="### Assignment\n\nx")
    _settle(running_actions)
    [run] = list(repo.get_workflow_runs())
    assert (run.event, run.conclusion, run.head_branch) == ("issues", "success", "main")
    assert run.head_sha == repo.get_branch("main").commit.sha
    logs = running_actions.sandbox.config.logs_dir
    payload = json.loads((logs / f"{run.id}.event.json").read_text())
    parsed = webhooks.parse_obj("issues", payload)
    assert parsed.action == "opened"
    assert parsed.issue.number == issue.number
    assert parsed.issue.user.login == parsed.sender.login == school.learners[0].login
    log = (logs / f"{run.id}.log").read_text()
    assert f"opened by {school.learners[0].login} on refs/heads/main" in log
    issue.edit(state="closed")  # `types: [opened]`: closing starts nothing
    _settle(running_actions)
    assert len(list(repo.get_workflow_runs())) == 1


@pytest.mark.slow
def test_an_issue_a_workflows_token_opens_starts_no_run(running_actions, desk):
    repo, _learner, _school = desk
    repo.create_file(".github/workflows/desk.yml", "desk", ON_OPENED)
    repo.create_file(".github/workflows/opener.yml", "opener", OPENS_AN_ISSUE)
    _settle(running_actions)
    assert repo.get_workflow("opener.yml").create_dispatch("main")
    _settle(running_actions)
    assert [i.title for i in repo.get_issues()] == ["from a workflow"]
    assert [(r.event, r.conclusion) for r in repo.get_workflow_runs()] == [
        ("workflow_dispatch", "success")
    ]


@pytest.mark.slow
def test_a_group_keeps_one_pending_run_and_cancels_the_older_pending_one(running_actions, desk):
    repo, learner, _school = desk
    repo.create_file(".github/workflows/desk.yml", "desk", ONE_AT_A_TIME)
    _settle(running_actions)
    learner.create_issue(title="first")
    for _ in range(100):  # until the first run holds the group
        runs = list(repo.get_workflow_runs())
        if runs and runs[0].status == "in_progress":
            break
        threading.Event().wait(0.1)
    learner.create_issue(title="second")
    learner.create_issue(title="third")
    _settle(running_actions)
    conclusions = [r.conclusion for r in repo.get_workflow_runs()]  # newest first
    assert conclusions == ["success", "cancelled", "success"]
