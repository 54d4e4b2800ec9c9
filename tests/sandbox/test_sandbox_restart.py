"""Restarting the server keeps repositories, issues, comments, runs and tokens."""

from __future__ import annotations

from sandbox.records import WorkflowRun
from sandbox.seeding import seed
from tests.sandbox.gitcli import clone_url, git
from tests.sandbox.harness import Running, start, stop


def test_state_survives_a_restart(tmp_path, contract_log):
    data = tmp_path / "data"
    first = Running(start(data, contract_log), contract_log)
    school = seed(first.sandbox, "school", 1, first.url)
    gh = first.github(school.instructor.token)
    repo = gh.get_organization("school").create_repo("hw", private=True, auto_init=True)
    issue = repo.create_issue("Task", body="do it")
    issue.create_comment("hello")
    first.sandbox.store.add(
        WorkflowRun(
            repo="school/hw",
            path=".github/workflows/x.yml",
            name="x",
            run_number=1,
            event="push",
            head_sha="0" * 40,
            actor="someone",
            status="in_progress",
        )
    )
    stop(first.server)

    second = Running(start(data, contract_log, actions=True), contract_log)
    try:
        gh = second.github(school.instructor.token)
        again = gh.get_repo("school/hw")
        assert again.private
        assert [c.body for c in again.get_issue(issue.number).get_comments()] == ["hello"]
        runs = second.sandbox.store.scan(WorkflowRun)
        assert [(r.status, r.conclusion) for r in runs] == [("completed", "cancelled")]
        git(
            "clone",
            "-q",
            clone_url(second.url, "school/hw", school.instructor.token),
            str(tmp_path / "clone"),
        )
        assert (tmp_path / "clone" / "README.md").read_text() == "# hw\n"
    finally:
        stop(second.server)
