"""A failing test's story is told once, with the learner's frames, not pages of packages."""

from __future__ import annotations

from datetime import UTC, datetime

from graders.feedback.comment import render_feedback
from graders.feedback.tracebacks import cause, trimmed
from graders.model.report import Check, GradeReport, StageResult, Submission

SITE = "/tmp/cache/envs/dc8a/lib/python3.11/site-packages"


def failure(test: str, line: int) -> str:
    """pytest --tb=short output of a test whose request reaches app/deps.py, which fails."""
    return f"""{SITE}/starlette/datastructures.py:696: in __getattr__
    return self._state[key]
           ^^^^^^^^^^^^^^^^
E   KeyError: 'rate_limiter'

During handling of the above exception, another exception occurred:
{test}:{line}: in {test.rsplit("/", 1)[-1][:-3]}
    task_id = client.post("/tasks", json={{"title": "Private"}}).json()["id"]
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
{SITE}/httpx2/_client.py:1198: in post
    return self.request(
{SITE}/starlette/testclient.py:518: in request
    return super().request(
{SITE}/anyio/to_thread.py:65: in run_sync
    return await get_async_backend().run_sync_in_worker_thread(
app/deps.py:53: in current_user
    limiter: RateLimiter = request.app.state.rate_limiter
                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
{SITE}/starlette/datastructures.py:699: in __getattr__
    raise AttributeError(message.format(self.__class__.__name__, key))
E   AttributeError: 'State' object has no attribute 'rate_limiter'"""


def test_the_chain_keeps_its_last_exception_and_folds_installed_frames():
    text = trimmed(failure("tests/test_tasks.py", 29))

    assert text.splitlines() == [
        "tests/test_tasks.py:29: in test_tasks",
        '    task_id = client.post("/tasks", json={"title": "Private"}).json()["id"]',
        "              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "… 3 frames in installed packages …",
        "app/deps.py:53: in current_user",
        "    limiter: RateLimiter = request.app.state.rate_limiter",
        "                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "starlette/datastructures.py:699: in __getattr__",
        "    raise AttributeError(message.format(self.__class__.__name__, key))",
        "E   AttributeError: 'State' object has no attribute 'rate_limiter'",
    ]


def test_failures_at_the_same_place_in_the_learners_code_share_a_cause():
    first = cause(failure("tests/test_tasks.py", 29))
    assert first == cause(failure("tests/test_pagination.py", 9))
    assert first.startswith("app/deps.py:53: in current_user|E   AttributeError")
    own_assert = "tests/test_a.py:3: in test_a\n    assert 1 == 2\nE   assert 1 == 2"
    other_assert = "tests/test_b.py:7: in test_b\n    assert 1 == 2\nE   assert 1 == 2"
    assert cause(own_assert) != cause(other_assert)  # each test's own line: not one story
    assert cause("no traceback at all") == ""


def test_the_comment_tells_a_shared_failure_once_naming_every_test():
    tests = [
        ("tests/test_tasks.py::test_other_users_task_is_404", 29, 3.75),
        ("tests/test_pagination.py::test_limit_and_next_cursor", 9, 3.75),
        ("tests/test_idempotency.py::test_same_key", 12, 3.0),
    ]
    checks = [
        Check(name=name, status="failed", score=0, max_score=worth,
              message=failure(name.split("::")[0], line))
        for name, line, worth in tests
    ] + [Check(name="tests/test_health.py::test_health", status="failed", score=0, max_score=1,
               message="tests/test_health.py:4: in test_health\n    assert r.status_code == 200\n"
                       "E   assert 503 == 200")]  # fmt: skip
    stage = StageResult(name="tests", status="failed", score=0, max_score=30,
                        duration_seconds=1, message="0 of 4 tests pass", checks=checks)  # fmt: skip
    report = GradeReport(
        assignment="tasks-api", assignment_title="Tasks API", score=0, max_score=30,
        submission=Submission(path="."), stages=[stage], tool_versions={},
        grader_version="test", started_at=datetime(2026, 12, 1, tzinfo=UTC), duration_seconds=1,
    )  # fmt: skip

    text = render_feedback(report)

    assert text.count("AttributeError: 'State' object has no attribute 'rate_limiter'") == 1
    assert (
        "**`tests/test_tasks.py::test_other_users_task_is_404`**, "
        "`tests/test_pagination.py::test_limit_and_next_cursor`, "
        "`tests/test_idempotency.py::test_same_key` · 10.5 points, the same failure"
    ) in text
    assert "**`tests/test_health.py::test_health`** · 1 points" in text
    assert SITE not in text and "httpx2/_client.py" not in text
