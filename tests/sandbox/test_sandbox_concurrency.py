"""Concurrency groups, which act ignores: evaluated and enforced by the sandbox."""

from __future__ import annotations

import threading

import pytest

from sandbox.actions.concurrency import Groups, Handle, evaluate
from sandbox.seeding import seed


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("classroom-${{ github.head_ref || github.ref_name }}", "classroom-feature"),
        ("${{ github.workflow }}-${{ github.event.pull_request.number || 'none' }}", "ci-none"),
        ("fixed", "fixed"),
        ("${{ format('{0}', github.ref) }}", "${{ format('{0}', github.ref) }}"),
    ],
)
def test_group_expressions(template, expected):
    github = {"head_ref": "", "ref_name": "feature", "workflow": "ci", "event": {}}
    assert evaluate(template, {"github": github}) == expected


def test_a_newer_run_replaces_the_pending_one_and_waits_for_the_running_one():
    groups = Groups()
    first, second, third = (Handle("g", cancel_in_progress=False) for _ in range(3))
    groups.queue(first)
    assert groups.start(first)
    groups.queue(second)
    groups.queue(third)
    assert second.cancel.is_set() and not first.cancel.is_set()
    assert groups.start(second) is False
    started = threading.Event()
    waiter = threading.Thread(target=lambda: groups.start(third) and started.set())
    waiter.start()
    assert not started.wait(0.5)  # the third waits while the first runs
    groups.finish(first)
    waiter.join(5)
    assert started.is_set()


def test_the_first_run_holds_its_group_while_it_waits_for_a_worker():
    groups = Groups()
    first, second, third = (Handle("g", cancel_in_progress=False) for _ in range(3))
    for handle in (first, second, third):  # queued at once, none started yet
        groups.queue(handle)
    assert [h.cancel.is_set() for h in (first, second, third)] == [False, True, False]
    assert groups.start(first) and not groups.start(second)


def test_cancel_in_progress_stops_the_running_one():
    groups = Groups()
    running, newer = Handle("g", True), Handle("g", True)
    groups.queue(running)
    assert groups.start(running)
    groups.queue(newer)
    assert running.cancel.is_set()


SLOW = """\
name: slow
on: push
concurrency:
  group: slow-${{ github.ref_name }}
  cancel-in-progress: true
jobs:
  wait:
    runs-on: ubuntu-latest
    steps:
      - env:
          MESSAGE: ${{ github.event.head_commit.message }}
        run: |
          if [ "$MESSAGE" = "third push" ]; then exit 0; fi
          sleep 20
"""


@pytest.mark.slow
def test_a_push_cancels_the_run_in_progress_of_its_group(running_actions):
    school = seed(running_actions.sandbox, "school", 0, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/slow.yml", "slow", SLOW)
    for _ in range(50):  # until the first run has started
        runs = list(repo.get_workflow_runs())
        if runs and runs[0].status == "in_progress":
            break
        threading.Event().wait(0.1)
    repo.create_file("a.txt", "second push", "a\n")
    repo.create_file("b.txt", "third push", "b\n")
    assert running_actions.sandbox.runner.wait_idle(60)
    conclusions = [r.conclusion for r in repo.get_workflow_runs()]  # newest first
    assert conclusions == ["success", "cancelled", "cancelled"]


CLASSROOM_LIKE = """\
name: classroom
on:
  push:
  pull_request:
concurrency:
  group: classroom-${{ github.head_ref || github.ref_name }}
  cancel-in-progress: true
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      # A push's run outlasts the test unless the pull request's cancels it: it cannot win
      # the race by finishing first on a fast machine (or lose it on a slow one).
      - if: github.event_name == 'push' && github.ref_name == 'work'
        run: sleep 300
      - run: echo graded
"""


@pytest.mark.slow
def test_push_to_a_pull_request_branch_leaves_the_pull_request_run(running_actions):
    school = seed(running_actions.sandbox, "school", 0, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/classroom.yml", "ci", CLASSROOM_LIKE)
    repo.create_git_ref("refs/heads/work", repo.get_branch("main").commit.sha)
    repo.create_file("a.txt", "work", "a\n", branch="work")
    repo.create_pull(title="work", body="", head="work", base="main")
    assert running_actions.sandbox.runner.wait_idle(60)
    before = {r.id for r in repo.get_workflow_runs()}
    repo.create_file("b.txt", "more work", "b\n", branch="work")
    assert running_actions.sandbox.runner.wait_idle(60)
    latest = {(r.event, r.conclusion) for r in repo.get_workflow_runs() if r.id not in before}
    # the push's run is queued first and cancelled by the pull request's, in the same group
    assert latest == {("push", "cancelled"), ("pull_request", "success")}


LONG = """\
name: long
on: push
jobs:
  wait:
    runs-on: ubuntu-latest
    steps:
      - run: sleep 30
"""


@pytest.mark.slow
def test_stopping_the_server_cancels_a_running_workflow(tmp_path, contract_log):
    from sandbox.records import WorkflowRun
    from sandbox.store import Store
    from tests.sandbox.harness import Running, start, stop

    server = start(tmp_path / "data", contract_log, actions=True, workers=1)
    running = Running(server, contract_log)
    school = seed(running.sandbox, "school", 0, running.url)
    repo = (
        running.github(school.instructor.token)
        .get_organization("school")
        .create_repo("hw", auto_init=True)
    )
    repo.create_file(".github/workflows/long.yml", "long", LONG)
    for _ in range(100):
        if [r for r in running.sandbox.store.scan(WorkflowRun) if r.status == "in_progress"]:
            break
        threading.Event().wait(0.1)
    stop(server)  # must not wait out the 30 s step
    runs = Store(tmp_path / "data" / "state.sqlite3").scan(WorkflowRun)
    assert [(r.status, r.conclusion) for r in runs] == [("completed", "cancelled")]
