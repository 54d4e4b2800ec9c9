"""The whole loop, once: template, generate, invite, clone and push with git, pull request,
a workflow run through act posting a comment back through the API, seen by PyGithub."""

from __future__ import annotations

import json

import pytest
from githubkit import webhooks

from sandbox.seeding import seed
from tests.sandbox.gitcli import clone_url, commit_file, git

FEEDBACK_WORKFLOW = """\
name: feedback
on:
  pull_request:
    types: [opened, synchronize]
    paths: ["**.txt"]
permissions:
  contents: read
  pull-requests: write
jobs:
  feedback:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - name: post feedback
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
          PR_NUMBER: ${{ github.event.pull_request.number }}
        run: python .github/post_feedback.py
"""

POST_FEEDBACK = """\
import json, os, pathlib, sys, urllib.request

answer = pathlib.Path("answer.txt").read_text().strip()
url = f"{os.environ['GITHUB_API_URL']}/repos/{os.environ['GITHUB_REPOSITORY']}/issues/" \\
      f"{os.environ['PR_NUMBER']}/comments"
body = json.dumps({"body": f"answer: {answer} (python {sys.version_info[0]})"}).encode()
request = urllib.request.Request(url, data=body, method="POST", headers={
    "Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
    "Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=10).status)
"""

IGNORED_ON_PUSH = """\
name: main-only
on:
  push:
    branches: [main]
jobs:
  never:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_template_to_feedback_comment(running_actions, tmp_path):
    running = running_actions
    school = seed(running.sandbox, "school", 1, running.url)
    instructor = running.github(school.instructor.token)
    learner_login, learner_token = school.learners[0].login, school.learners[0].token

    org = instructor.get_organization("school")
    starter = org.create_repo("starter", private=True, auto_init=True, is_template=True)
    starter.create_file(".github/workflows/feedback.yml", "feedback", FEEDBACK_WORKFLOW)
    starter.create_file(".github/workflows/main-only.yml", "main only", IGNORED_ON_PUSH)
    starter.create_file(".github/post_feedback.py", "poster", POST_FEEDBACK)
    repo = org.create_repo_from_template("hw-" + learner_login, starter, private=True)
    invitation = repo.add_to_collaborators(learner_login, "push")

    learner = running.github(learner_token)
    learner.get_user().accept_invitation(invitation.id)
    work = tmp_path / "hw"
    git("clone", "-q", clone_url(running.url, repo.full_name, learner_token), str(work))
    git("checkout", "-q", "-b", "solution", cwd=work)
    commit_file(work, "answer.txt", "42\n", "my answer")
    git("push", "-q", "origin", "solution", cwd=work)
    pr = learner.get_repo(repo.full_name).create_pull(
        title="Solution", body="please grade", head="solution", base="main"
    )

    assert running.sandbox.runner.wait_idle(90), "workflow runs did not finish"
    runs = list(instructor.get_repo(repo.full_name).get_workflow_runs())
    logs = running.sandbox.config.logs_dir
    assert [(r.name, r.event, r.conclusion) for r in runs] == [
        ("feedback", "pull_request", "success")
    ], (logs / f"{runs[0].id}.log").read_text()
    comments = list(learner.get_repo(repo.full_name).get_issue(pr.number).get_comments())
    assert [c.body for c in comments] == ["answer: 42 (python 3)"]
    assert comments[0].user.login == "github-actions[bot]"
    checks = instructor.get_repo(repo.full_name).get_commit(pr.head.sha).get_check_runs()
    assert [(c.name, c.conclusion) for c in checks] == [("feedback", "success")]

    event = json.loads((logs / f"{runs[0].id}.event.json").read_text())
    webhooks.parse_obj("pull_request", event)
