"""The read-only HTML pages behind the API's html_url links."""

from __future__ import annotations

import httpx
import pytest

from sandbox.records import WorkflowRun


@pytest.fixture
def hw(instructor):
    repo = instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)
    issue = repo.create_issue("Task 1", body="Build **it**")
    issue.create_comment("<script>alert(1)</script> looks *good*")
    return repo


def _get(running, path: str, token: str | None) -> httpx.Response:
    auth = ("me", token) if token else None
    return httpx.get(f"{running.url}{path}", auth=auth, timeout=10)


def test_issue_page_renders_markdown_and_escapes_html(running, school, hw):
    page = _get(running, "/school/hw/issues/1", school.instructor.token)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Build <strong>it</strong>" in page.text
    assert "&lt;script&gt;" in page.text and "<script>" not in page.text
    assert hw.get_issue(1).html_url == f"{running.url}/school/hw/issues/1"


def test_private_pages_ask_the_browser_for_a_token(running, school, hw):
    del hw
    anonymous = _get(running, "/school/hw", None)
    assert anonymous.status_code == 401 and "Basic" in anonymous.headers["www-authenticate"]
    outsider = _get(running, "/school/hw", school.learners[1].token)
    assert outsider.status_code == 404


def test_repo_and_run_pages_list_runs_and_show_logs(running, school, hw):
    run = running.sandbox.store.add(
        WorkflowRun(
            repo="school/hw",
            path=".github/workflows/ci.yml",
            name="ci",
            run_number=1,
            event="push",
            head_sha=hw.get_branch("main").commit.sha,
            actor="someone",
            status="completed",
            conclusion="success",
        )
    )
    running.sandbox.config.logs_dir.mkdir(parents=True, exist_ok=True)
    (running.sandbox.config.logs_dir / f"{run.id}.log").write_text("[ci/test] all <good>\n")
    overview = _get(running, "/school/hw", school.instructor.token)
    assert "Task 1" in overview.text and "ci #1" in overview.text
    log = _get(running, f"/school/hw/actions/runs/{run.id}", school.instructor.token)
    assert "[ci/test] all &lt;good&gt;" in log.text
