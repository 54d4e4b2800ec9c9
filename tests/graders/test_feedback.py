"""The feedback comment: golden files per outcome, plus the safety rules under hostile input.

Refresh the golden files after an intended change with `UPDATE_GOLDEN=1 pytest tests/graders`,
then read the diff: it is the learner's view of your change.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graders.feedback import (
    render_feedback,
    render_summary_text,
)
from graders.report import (
    Check,
    EndpointLoad,
    Finding,
    GradeReport,
    LoadMetrics,
    StageResult,
    Submission,
)

GOLDEN = Path(__file__).parent / "golden"
GITHUB_LIMIT = 65_536


# --- hand-built reports, named by outcome -----------------------------------------------------


def _report(stages: list[StageResult], **submission: object) -> GradeReport:
    score = round(sum(s.score for s in stages), 2)
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=score,
        max_score=round(sum(s.max_score for s in stages), 2),
        submission=Submission.model_validate(
            {"path": "/work/submission", "commit": "a91be07c3d2e", **submission}
        ),
        stages=stages,
        tool_versions={"ruff": "0.17.6", "mypy": "2.4.1", "pytest": "9.2.0", "locust": "2.47.0"},
        grader_version="0.4.1",
        started_at=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
        duration_seconds=41.3,
    )


def _stage(
    name: str,
    score: float,
    max_score: float,
    status: str = "passed",
    message: str = "",
    **details: object,
) -> StageResult:
    return StageResult.model_validate(
        {
            "name": name,
            "status": status,
            "score": score,
            "max_score": max_score,
            "duration_seconds": 2.5,
            "message": message,
            **details,
        }
    )


def _check(
    name: str, points: float, passed: bool = True, message: str = "", hint: str = ""
) -> Check:
    return Check(
        name=name,
        status="passed" if passed else "failed",
        score=points if passed else 0.0,
        max_score=points,
        message=message,
        hint=hint,
    )


def _install() -> StageResult:
    return _stage("install", 0, 0, message="installed 23 packages")


def _tests(failing: int = 0, total: int = 6) -> StageResult:
    names = [
        "test_create_task_returns_201",
        "test_list_tasks_is_paginated",
        "test_get_missing_task_is_404",
        "test_update_requires_owner",
        "test_delete_task_returns_204",
        "test_login_returns_token",
    ]
    checks = [
        _check(
            f"tests/test_tasks.py::{n}", 5, passed=i >= failing, message=_ASSERTION.format(name=n)
        )
        for i, n in enumerate(names[:total])
    ]
    return _stage(
        "tests",
        sum(c.score for c in checks),
        30,
        "passed" if failing == 0 else "failed",
        checks=checks,
    )


_ASSERTION = """\
client = <starlette.testclient.TestClient object at 0x7f1c>

    def {name}(client):
        response = client.post("/tasks", json={{"title": "write tests"}})
>       assert response.status_code == 201
E       assert 200 == 201
E        +  where 200 = <Response [200]>.status_code

tests/test_tasks.py:14: AssertionError"""


def _hidden(failing: list[str]) -> StageResult:
    checks = [
        _check(
            "hidden/test_authz.py::test_cannot_read_another_users_task",
            6,
            "authorization" not in failing,
            "GET /tasks/2 returned 200",
            "A user can read another user's task by id. Only owners and admins may.",
        ),
        _check(
            "hidden/test_pagination.py::test_cursor_past_last_page",
            4,
            "pagination" not in failing,
            "assert resp.status_code == 200",
            "A cursor past the last page should return an empty page, not 404.",
        ),
        _check(
            "hidden/test_idempotency.py::test_replayed_create",
            5,
            "idempotency" not in failing,
            "",
            "Replaying a create with the same Idempotency-Key must return the first result.",
        ),
        _check(
            "hidden/test_rate_limit.py::test_rate_limiting",
            5,
            "rate limiting" not in failing,
            "",
            "After 100 requests a minute a client gets 429 with a Retry-After header.",
        ),
    ]
    score = sum(c.score for c in checks)
    return _stage("hidden", score, 20, "passed" if score == 20 else "failed", checks=checks)


def _lint(findings: list[Finding]) -> StageResult:
    return _stage(
        "lint",
        max(0, 10 - len(findings)),
        10,
        "passed" if not findings else "failed",
        findings=findings,
    )


def _types(findings: list[Finding]) -> StageResult:
    return _stage(
        "types",
        max(0, 10 - len(findings)),
        10,
        "passed" if not findings else "failed",
        findings=findings,
    )


def _ruff(rule: str, slug: str, file: str, line: int, message: str) -> Finding:
    return Finding(
        tool="ruff",
        file=file,
        line=line,
        rule=rule,
        message=message,
        url=f"https://docs.astral.sh/ruff/rules/{slug}/",
    )


def _mypy(code: str, file: str, line: int, message: str) -> Finding:
    return Finding(tool="mypy", file=file, line=line, rule=code, message=message)


def _load(p95_list: float, errors: int = 0) -> StageResult:
    checks = [
        _check("GET /tasks", 10, p95_list <= 150, f"p95 ≤ 150 ms (measured {p95_list:.0f} ms)"),
        _check("POST /tasks", 10, errors == 0, "errors ≤ 1%"),
    ]
    metrics = LoadMetrics(
        users=50,
        duration_seconds=20,
        endpoints=[
            EndpointLoad(
                endpoint="GET /tasks",
                requests=4240,
                failures=0,
                rps=212.0,
                p50_ms=88,
                p95_ms=p95_list,
                p99_ms=max(690, p95_list * 1.5),
            ),
            EndpointLoad(
                endpoint="POST /tasks",
                requests=1280,
                failures=errors,
                rps=64.0,
                p50_ms=21,
                p95_ms=45,
                p99_ms=71,
            ),
        ],
    )
    score = sum(c.score for c in checks)
    return _stage(
        "load", score, 20, "passed" if score == 20 else "failed", checks=checks, load=metrics
    )


def full_marks() -> GradeReport:
    return _report([_install(), _tests(), _hidden([]), _lint([]), _types([]), _load(38)])


def starter_partial() -> GradeReport:
    lint = [
        _ruff(
            "S105",
            "hardcoded-password-string",
            "app/auth.py",
            17,
            'Possible hardcoded password assigned to: "SECRET_KEY"',
        ),
        _ruff(
            "B008",
            "function-call-in-default-argument",
            "app/routes/tasks.py",
            9,
            "Do not perform function call `Depends` in argument defaults",
        ),
        _ruff("F401", "unused-import", "app/db.py", 3, "`os` imported but unused"),
        _ruff("F401", "unused-import", "app/main.py", 1, "`sys` imported but unused"),
    ]
    types = [
        _mypy(
            "union-attr",
            "app/routes/tasks.py",
            42,
            'Item "None" of "Task | None" has no attribute "owner_id"',
        )
    ]
    return _report(
        [
            _install(),
            _tests(failing=2),
            _hidden(["authorization", "pagination"]),
            _lint(lint),
            _types(types),
            _load(412),
        ]
    )


def service_never_started() -> GradeReport:
    reason = "the service did not answer GET /health within 30 s (it exited with code 1)"
    log = (
        'Traceback (most recent call last):\n  File "app/main.py", line 4, in <module>\n'
        "    from app.settings import DATABASE_URL\nImportError: cannot import name "
        "'DATABASE_URL' from 'app.settings'"
    )
    return _report(
        [
            _install(),
            _tests(failing=6),
            _stage("hidden", 0, 20, "error", reason, log_excerpt=log),
            _lint([]),
            _types([]),
            _stage("load", 0, 20, "error", reason, log_excerpt=log),
        ]
    )


def improved_since_previous() -> tuple[GradeReport, GradeReport]:
    before = _report(
        [
            _install(),
            _tests(failing=1),
            _hidden(["rate limiting", "pagination"]),
            _lint([]),
            _types([]),
            _load(412),
        ],
        commit="3f2a1c0b9e",
    )
    after = _report(
        [_install(), _tests(failing=0), _hidden(["pagination"]), _lint([]), _types([]), _load(412)],
        previous_commit="3f2a1c0b9e",
        previous_score=before.score,
    )
    return after, before


HOSTILE = [
    "```\n</details>\n<!-- hide everything -->\n```",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "-->  </details></summary> <!--",
    "@octocat @github/security please look",
    "[click to fix your grade](https://evil.example/phish) https://evil.example www.evil.example",
    "cell | breaker | \n| --- |\n\n# Heading\n\n***",
    "\x1b[31mred\x1b[0m \x00nul \u202eevil bidi\u202c \u200bzero-width",
    "~~~~\nclosing tilde fence\n~~~~",
    "`single` ``double`` ````quad````",
    "fixes #1 and octo/repo#2 ![img](https://evil.example/x.png)",
    "$$\\begin{matrix}x\\end{matrix}$$ and $x$",
]


def hostile_output() -> GradeReport:
    bad = " ".join(HOSTILE)
    tests = _stage(
        "tests",
        0,
        30,
        "failed",
        bad,
        checks=[
            Check(
                name=f"tests/test_x.py::test_{i}[{text}]",
                status="failed",
                score=0,
                max_score=5,
                message=text * 3,
            )
            for i, text in enumerate(HOSTILE[:6])
        ],
    )
    hidden = _stage(
        "hidden",
        0,
        20,
        "failed",
        bad,
        checks=[
            Check(name=text, status="failed", score=0, max_score=5, message=text, hint=text)
            for text in HOSTILE[6:]
        ],
    )
    lint = _lint(
        [
            Finding(
                tool="ruff",
                file=text,
                line=1,
                rule=text[:20],
                message=text,
                url="javascript:alert(1)",
            )
            for text in HOSTILE
        ]
    )
    types = _types(
        [
            Finding(tool="mypy", file="app/x.py", line=2, rule="arg-type)](evil", message=text)
            for text in HOSTILE
        ]
    )
    load = _stage(
        "load",
        0,
        20,
        "failed",
        bad,
        checks=[Check(name=HOSTILE[5], status="failed", score=0, max_score=20, message=HOSTILE[0])],
        load=LoadMetrics(
            users=5,
            duration_seconds=5,
            endpoints=[
                EndpointLoad(
                    endpoint=text, requests=10, failures=1, rps=2, p50_ms=1, p95_ms=2, p99_ms=3
                )
                for text in HOSTILE
            ],
        ),
    )
    report = _report([_install(), tests, hidden, lint, types, load], commit="`@x <b>`")
    return report.model_copy(update={"assignment_title": HOSTILE[1], "grader_version": HOSTILE[3]})


def huge_report() -> GradeReport:
    megabyte = ("E   assert x == y " + "```" * 3 + "\n") * 50_000
    tests = _stage(
        "tests",
        0,
        30,
        "failed",
        "x" * 100_000,
        checks=[
            Check(
                name=f"tests/test_big.py::test_{i}",
                status="failed",
                score=0,
                max_score=0.01,
                message=megabyte,
            )
            for i in range(300)
        ],
    )
    hidden = _stage(
        "hidden",
        0,
        20,
        "failed",
        "",
        checks=[
            Check(
                name=f"hidden::test_{i}", status="failed", score=0, max_score=0.01, hint="h" * 5000
            )
            for i in range(2000)
        ],
    )
    findings = [
        Finding(
            tool="ruff", file=f"app/m{i % 97}.py", line=i, rule=f"E{i % 300}", message="m" * 2000
        )
        for i in range(10_000)
    ]
    load = _load(900)
    many = [
        EndpointLoad(
            endpoint=f"GET /r/{i}", requests=1, failures=0, rps=1, p50_ms=1, p95_ms=1, p99_ms=1
        )
        for i in range(2000)
    ]
    assert load.load is not None
    load = load.model_copy(update={"load": load.load.model_copy(update={"endpoints": many})})
    return _report(
        [
            _stage("install", 0, 0, message="ok", log_excerpt=megabyte),
            tests,
            hidden,
            _lint(findings),
            _types(findings[:5000]),
            load,
        ]
    )


# --- golden files -----------------------------------------------------------------------------

OUTCOMES = {
    "full_marks": lambda: render_feedback(full_marks()),
    "starter_partial": lambda: render_feedback(
        starter_partial(), assignment_brief_url="https://github.com/course/tasks-api#brief"
    ),
    "service_never_started": lambda: render_feedback(service_never_started()),
    "hostile_output": lambda: render_feedback(hostile_output()),
    "huge_report": lambda: render_feedback(huge_report()),
    "improved_since_previous": lambda: render_feedback(
        improved_since_previous()[0], previous=improved_since_previous()[1]
    ),
    "starter_partial_summary": lambda: render_summary_text(starter_partial()),
    "service_never_started_summary": lambda: render_summary_text(service_never_started()),
}


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_rendering_matches_the_golden_file(outcome: str) -> None:
    rendered = OUTCOMES[outcome]()
    path = GOLDEN / f"{outcome}{'.txt' if outcome.endswith('_summary') else '.md'}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == rendered
