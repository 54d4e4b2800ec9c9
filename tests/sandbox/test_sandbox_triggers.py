"""The trigger filters act ignores, and the token permissions a workflow asks for."""

from __future__ import annotations

import pytest

from sandbox.actions.triggers import Trigger, WorkflowError, parse_workflow, triggers


def wf(text: str):
    return parse_workflow(".github/workflows/w.yml", text)


@pytest.mark.parametrize(
    ("on", "trigger", "expected"),
    [
        ("on: push", Trigger("push", ref="refs/heads/x"), True),
        ("on: [push, pull_request]", Trigger("pull_request", action="opened"), True),
        ("on: pull_request", Trigger("pull_request", action="closed"), False),
        ("on: {pull_request: {types: [closed]}}", Trigger("pull_request", action="closed"), True),
        ("on: {push: {branches: [main]}}", Trigger("push", ref="refs/heads/main"), True),
        ("on: {issues: {types: [opened]}}", Trigger("issues", action="opened"), True),
        ("on: {issues: {types: [opened]}}", Trigger("issues", action="closed"), False),
        ("on: issues", Trigger("issues", action="reopened"), True),
        ("on: {push: {branches: [main]}}", Trigger("push", ref="refs/heads/dev"), False),
        (
            "on: {push: {branches: ['releases/**', '!releases/old']}}",
            Trigger("push", ref="refs/heads/releases/old"),
            False,
        ),
        ("on: {push: {branches: ['feat/*']}}", Trigger("push", ref="refs/heads/feat/a/b"), False),
        ("on: {push: {branches-ignore: [wip]}}", Trigger("push", ref="refs/heads/wip"), False),
        ("on: {push: {tags: ['v*']}}", Trigger("push", ref="refs/heads/main"), False),
        ("on: {push: {tags: ['v*']}}", Trigger("push", ref="refs/tags/v1"), True),
        (
            "on: {push: {paths: ['src/**']}}",
            Trigger("push", ref="refs/heads/m", paths=("a.md",)),
            False,
        ),
        (
            "on: {push: {paths: ['src/**']}}",
            Trigger("push", ref="refs/heads/m", paths=("a.md", "src/x/y.py")),
            True,
        ),
        (
            "on: {push: {paths-ignore: ['**.md']}}",
            Trigger("push", ref="refs/heads/m", paths=("README.md",)),
            False,
        ),
        (
            "on: {pull_request: {branches: [main]}}",
            Trigger("pull_request", action="opened", base_ref="dev"),
            False,
        ),
        (
            "on: {repository_dispatch: {types: [grade]}}",
            Trigger("repository_dispatch", dispatch_type="grade"),
            True,
        ),
        (
            "on: {repository_dispatch: {types: [grade]}}",
            Trigger("repository_dispatch", dispatch_type="other"),
            False,
        ),
        ("on: workflow_dispatch", Trigger("push", ref="refs/heads/main"), False),
    ],
)
def test_filters(on, trigger, expected):
    assert triggers(wf(f"{on}\njobs: {{}}\n"), trigger) is expected


def test_a_job_without_permissions_gets_the_read_only_default():
    assert wf("on: push\njobs: {a: {runs-on: x}}\n").job_grants["a"] == {
        "contents": "read",
        "metadata": "read",
        "packages": "read",
    }


def test_each_job_gets_its_own_grant_and_an_empty_block_gets_nothing():
    text = """
on: push
permissions: {contents: read}
jobs:
  a: {permissions: {pull-requests: write}}
  b: {permissions: {}}
  c: {runs-on: x}
"""
    grants = wf(text).job_grants
    assert grants["a"] == {"metadata": "read", "pull_requests": "write"}
    assert grants["b"] == {"metadata": "read"}
    assert grants["c"] == {"contents": "read", "metadata": "read"}


def test_the_run_wide_token_carries_only_what_reusable_workflow_callers_grant():
    text = """
on: push
jobs:
  a: {permissions: {issues: write}}
  b: {uses: o/r/.github/workflows/x.yml@v1, permissions: {pull-requests: write}}
"""
    assert wf(text).permissions == {"metadata": "read", "pull_requests": "write"}
    assert wf("on: push\njobs: {a: {permissions: write-all}}\n").permissions == {"metadata": "read"}


def test_unreadable_workflow_is_an_error():
    with pytest.raises(WorkflowError):
        wf("on: [push\n")
