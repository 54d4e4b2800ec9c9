"""Workflow runs: push filters, dispatches, GITHUB_TOKEN rules, reusable workflows, logs."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest
from githubkit import webhooks

from sandbox.seeding import seed

ON_PUSH = """\
name: on-push
on:
  push:
    branches: [main]
    paths-ignore: ["docs/**"]
  workflow_dispatch:
  repository_dispatch:
    types: [grade]
jobs:
  echo:
    runs-on: ubuntu-latest
    steps:
      - run: echo "event=$GITHUB_EVENT_NAME ref=$GITHUB_REF"
"""

WRITES_BACK = """\
name: writes-back
on: push
permissions:
  contents: write
jobs:
  commit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - run: |
          date > stamp.txt
          git add stamp.txt
          git commit -qm "stamp"
          git push -q origin HEAD:refs/heads/main
"""

CALLS_SHARED = """\
name: calls-shared
on: workflow_dispatch
jobs:
  grade:
    uses: school/shared/.github/workflows/grade.yml@main
"""

SHARED = """\
name: grade
on: workflow_call
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      - run: echo "graded by the shared workflow"
"""


def _auth(repo) -> dict[str, str]:
    return {"Authorization": f"token {repo._requester.auth.token}"}


@pytest.fixture
def org(running_actions):
    school = seed(running_actions.sandbox, "school", 0, running_actions.url)
    gh = running_actions.github(school.instructor.token)
    return gh.get_organization("school")


def _settle(running) -> None:
    assert running.sandbox.runner.wait_idle(60)


def _runs(repo):
    return sorted((r.name, r.event, r.conclusion) for r in repo.get_workflow_runs())


@pytest.mark.slow
def test_push_filters_and_dispatches(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/on-push.yml", "ci", ON_PUSH)
    _settle(running_actions)
    repo.create_file("docs/notes.md", "docs only", "ignored by paths-ignore\n")
    repo.create_file("x.py", "other branch", "x\n", branch="main")
    _settle(running_actions)
    assert _runs(repo) == [("on-push", "push", "success")] * 2
    assert repo.get_workflow("on-push.yml").create_dispatch("main")
    repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/dispatches", input={"event_type": "grade"}
    )
    repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/dispatches", input={"event_type": "ignored"}
    )
    _settle(running_actions)
    events = sorted(r.event for r in repo.get_workflow_runs())
    assert events == ["push", "push", "repository_dispatch", "workflow_dispatch"]
    logs = running_actions.sandbox.config.logs_dir
    for run in repo.get_workflow_runs():
        payload = json.loads((logs / f"{run.id}.event.json").read_text())
        webhooks.parse_obj(run.event, payload)


@pytest.mark.slow
def test_logs_download_as_zip(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/on-push.yml", "ci", ON_PUSH)
    _settle(running_actions)
    run = next(iter(repo.get_workflow_runs()))
    token = repo._requester.auth.token
    response = httpx.get(
        run.logs_url, headers={"Authorization": f"token {token}"}, follow_redirects=True
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "event=push ref=refs/heads/main" in archive.read(archive.namelist()[0]).decode()


@pytest.mark.slow
def test_push_made_with_github_token_starts_no_run(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/writes-back.yml", "ci", WRITES_BACK)
    _settle(running_actions)
    assert _runs(repo) == [("writes-back", "push", "success")]
    assert repo.get_contents("stamp.txt").decoded_content


@pytest.mark.slow
def test_reusable_workflow_needs_the_access_level(running_actions, org):
    shared = org.create_repo("shared", private=True, auto_init=True)
    shared.create_file(".github/workflows/grade.yml", "shared", SHARED)
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/calls-shared.yml", "ci", CALLS_SHARED)
    workflow = repo.get_workflow("calls-shared.yml")
    workflow.create_dispatch("main")
    _settle(running_actions)
    assert _runs(repo) == [("calls-shared", "workflow_dispatch", "failure")]
    shared._requester.requestJsonAndCheck(
        "PUT", f"{shared.url}/actions/permissions/access", input={"access_level": "organization"}
    )
    workflow.create_dispatch("main")
    _settle(running_actions)
    assert ("calls-shared", "workflow_dispatch", "success") in _runs(repo)


TWO_JOBS = """\
name: two-jobs
on: push
permissions: {}
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p out/deep && echo '{"score": 7}' > out/deep/results.json
      - uses: actions/upload-artifact@v4
        with:
          name: results
          path: out/
  report:
    needs: grade
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: results
          path: got
      - run: |
          test "$(cat got/deep/results.json)" = '{"score": 7}'
"""


@pytest.mark.slow
def test_artifacts_pass_between_jobs_of_a_run(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/two-jobs.yml", "ci", TWO_JOBS)
    _settle(running_actions)
    run = next(iter(repo.get_workflow_runs()))
    log = (running_actions.sandbox.config.logs_dir / f"{run.id}.log").read_text()
    assert run.conclusion == "success", log
    jobs = list(run.jobs())
    assert [(j.name, j.conclusion) for j in jobs] == [("grade", "success"), ("report", "success")]
    assert "download" in httpx.get(jobs[1].logs_url(), headers=_auth(repo)).text


COMMENTS_BACK = """\
name: comments-back
on: pull_request
permissions:
  pull-requests: write
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          test -f fork.txt
          code=$(curl -s -o /dev/null -w "%{http_code}" -X POST \\
            -H "Authorization: Bearer $GITHUB_TOKEN" -d '{"body": "thanks"}' \\
            "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/issues/$PR/comments")
          echo "comment answered $code"
          test "$code" = 201
"""


@pytest.mark.slow
def test_fork_pull_request_runs_with_a_read_only_token(running_actions, tmp_path):
    from tests.sandbox.gitcli import clone_url, commit_file, git

    school = seed(running_actions.sandbox, "school", 1, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    upstream = org.create_repo("course", private=False, auto_init=True)
    upstream.create_file(".github/workflows/comments-back.yml", "ci", COMMENTS_BACK)
    outsider = running_actions.github(school.learners[0].token)
    fork = outsider.get_repo("school/course").create_fork()
    assert fork.fork and fork.parent.full_name == "school/course"
    work = tmp_path / "fork"
    git(
        "clone",
        "-q",
        clone_url(running_actions.url, fork.full_name, school.learners[0].token),
        str(work),
    )
    commit_file(work, "fork.txt", "from a fork\n", "fork change")
    git("push", "-q", "origin", "HEAD:refs/heads/idea", cwd=work)
    pr = outsider.get_repo("school/course").create_pull(
        title="idea", body="", head=f"{fork.owner.login}:idea", base="main"
    )
    assert pr.head.repo.full_name == fork.full_name
    commit_file(work, "fork.txt", "again\n", "second")
    git("push", "-q", "origin", "HEAD:refs/heads/idea", cwd=work)
    _settle(running_actions)
    runs = list(upstream.get_workflow_runs())
    assert [r.conclusion for r in runs] == ["failure", "failure"]
    log = (running_actions.sandbox.config.logs_dir / f"{runs[0].id}.log").read_text()
    assert "403" in log or "error: 22" in log or "returned error" in log, log
    assert (
        upstream.get_pull(pr.number).head.sha == git("rev-parse", "HEAD", cwd=work).stdout.strip()
    )
    assert list(upstream.get_issue(pr.number).get_comments()) == []


USES_SECRETS = """\
name: uses-secrets
on: push
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - env:
          FROM_ORG: ${{ secrets.GRADER_TOKEN }}
          FROM_REPO: ${{ secrets.LOCAL_ONE }}
        run: |
          test "$FROM_ORG" = "org-wide-value" && test "$FROM_REPO" = "repo-value"
          echo "org secret is $FROM_ORG"
"""


@pytest.mark.slow
def test_org_and_repo_secrets_reach_runs_masked(running_actions, org):
    org.create_secret("GRADER_TOKEN", "org-wide-value", visibility="all")
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_secret("local_one", "repo-value")
    assert [s.name for s in repo.get_secrets()] == ["LOCAL_ONE"]
    repo.create_file(".github/workflows/uses-secrets.yml", "ci", USES_SECRETS)
    _settle(running_actions)
    run = next(iter(repo.get_workflow_runs()))
    log = (running_actions.sandbox.config.logs_dir / f"{run.id}.log").read_text()
    assert run.conclusion == "success", log
    assert "org secret is ***" in log and "org-wide-value" not in log


ON_CLOSE = """\
name: on-close
on:
  pull_request:
    types: [closed]
jobs:
  tidy:
    runs-on: ubuntu-latest
    steps:
      - run: echo "merged=${{ github.event.pull_request.merged }}"
"""


@pytest.mark.slow
def test_merge_sends_closed_to_workflows_that_ask(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/on-close.yml", "ci", ON_CLOSE)
    main = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/topic", main)
    repo.create_file("t.txt", "topic", "t\n", branch="topic")
    pr = repo.create_pull(title="t", body="", head="topic", base="main")
    _settle(running_actions)
    assert _runs(repo) == []
    pr.merge()
    _settle(running_actions)
    run = next(iter(repo.get_workflow_runs()))
    assert (run.event, run.conclusion) == ("pull_request", "success")
    payload = json.loads(
        (running_actions.sandbox.config.logs_dir / f"{run.id}.event.json").read_text()
    )
    webhooks.parse_obj("pull_request", payload)
    assert payload["action"] == "closed" and payload["pull_request"]["merged"] is True


GRADE_JOB = """\
name: ci
on: pull_request
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      - run: echo graded
"""


@pytest.mark.slow
def test_required_check_named_after_a_job_lets_the_merge_through(running_actions, org):
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/ci.yml", "ci", GRADE_JOB)
    repo.get_branch("main").edit_protection(strict=False, contexts=["grade"])
    repo.create_git_ref("refs/heads/topic", repo.get_branch("main").commit.sha)
    repo.create_file("t.txt", "topic", "t\n", branch="topic")
    pr = repo.create_pull(title="t", body="", head="topic", base="main")
    _settle(running_actions)
    assert [
        (c.name, c.status, c.conclusion) for c in repo.get_commit(pr.head.sha).get_check_runs()
    ] == [("grade", "completed", "success")]
    assert pr.merge().merged


HELLO_ACTION = """\
name: hello
inputs:
  who: {default: world}
runs:
  using: composite
  steps:
    - run: echo "hello $WHO"
      shell: bash
      env:
        WHO: ${{ inputs.who }}
"""

USES_HELLO = """\
name: uses-hello
on: push
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/hello@v1
        with:
          who: sandbox
"""


@pytest.mark.slow
def test_any_action_can_be_served_from_a_sandbox_repository(running_actions, org):
    acme = seed(running_actions.sandbox, "acme", 0, running_actions.url)
    vendor = running_actions.github(acme.instructor.token).get_organization("acme")
    action = vendor.create_repo("hello", private=False, auto_init=True)
    action.create_file("action.yml", "action", HELLO_ACTION)
    action.create_git_ref("refs/tags/v1", action.get_branch("main").commit.sha)
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/uses-hello.yml", "ci", USES_HELLO)
    _settle(running_actions)
    run = next(iter(repo.get_workflow_runs()))
    log = (running_actions.sandbox.config.logs_dir / f"{run.id}.log").read_text()
    assert run.conclusion == "success" and "hello sandbox" in log, log
