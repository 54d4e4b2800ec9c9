"""The feedback comment: golden files per outcome, plus the safety rules under hostile input.

Refresh the golden files after an intended change with `UPDATE_GOLDEN=1 pytest tests/graders`,
then read the diff: it is the learner's view of your change.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graders.feedback.advice import next_step, score_delta
from graders.feedback.comment import (
    COMMENT_LIMIT,
    FEEDBACK_COMMENT_MARKER,
    render_feedback,
    render_summary_text,
)
from graders.feedback.mdsafe import code_span, fenced, md_inline
from graders.model.report import (
    Check,
    EndpointLoad,
    Finding,
    GradeReport,
    LoadFailure,
    LoadMetrics,
    LoadMiss,
    LoadRound,
    RaisedGoal,
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
            f"tests/test_tasks.py::{n}",
            5,
            passed=i >= failing,
            message=_ASSERTION.format(name=n),
            hint="Creating a resource answers 201 Created, not 200." if i == 0 else "",
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
        _check(
            "GET /tasks: p95 ≤ 150 ms",
            10,
            p95_list <= 150,
            "met" if p95_list <= 150 else f"p95 {p95_list:.0f} ms > goal 150 ms",
            "Listing is the page every user opens first.",
        ),
        _check(
            "POST /tasks: errors ≤ 1%",
            10,
            errors == 0,
            "met" if errors == 0 else f"errors {errors / 1280:.1%} > goal 1%",
        ),
    ]
    # What the load stage records as typed fields next to the words (advice reads these).
    measures: tuple[LoadMiss, LoadMiss] = ("p95", "errors")
    for check, measure in zip(checks, measures, strict=True):
        if check.status == "failed":
            check.missed.append(measure)
    p50 = p95_list / 4
    metrics = LoadMetrics(
        users=50,
        duration_seconds=20,
        endpoints=[
            EndpointLoad(
                endpoint="GET /tasks",
                requests=4240,
                failures=0,
                rps=212.0,
                p50_ms=p50,
                p95_ms=p95_list,
                p99_ms=p95_list * (1.2 if p95_list < 150 else 5),
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
        failures=[
            LoadFailure(endpoint="POST /tasks", error="status 500", occurrences=errors - 1),
            LoadFailure(endpoint="POST /tasks", error="no id in the task created", occurrences=1),
        ]
        if errors
        else [],
    )
    score = sum(c.score for c in checks)
    return _stage(
        "load", score, 20, "passed" if score == 20 else "failed", checks=checks, load=metrics
    )


def full_marks() -> GradeReport:
    return _report([_install(), _tests(), _hidden([]), _lint([]), _types([]), _load(38)])


def judged_against_reference() -> GradeReport:
    """An official grade whose latency goal was met at a bar the reference raised, with a CPU
    goal missed (CPU per request on the Aggregated row)."""
    load = _load(190)
    assert load.load is not None
    raised = load.checks[0].model_copy(
        update={
            "status": "passed",
            "score": 10.0,
            "missed": [],
            "message": "met (p95 judged at 210 ms: the reference solution's 140 ms in this job "
            "x 1.5)",
        }
    )
    cpu = _check(
        "Aggregated: CPU ≤ 2 ms per request", 10, False, "CPU 3.40 ms per request > goal 2 ms"
    )
    cpu.missed.append("cpu")
    total = EndpointLoad(
        endpoint="Aggregated", requests=5520, failures=0, rps=276.0, p50_ms=40, p95_ms=180,
        p99_ms=300, cpu_ms=3.4,
    )  # fmt: skip
    theirs = [e.model_copy(update={"p95_ms": 140}) for e in load.load.endpoints]
    theirs.append(total.model_copy(update={"p50_ms": 31, "cpu_ms": 1.6}))
    rounds = [
        LoadRound(service=which, duration_seconds=6.5, endpoints=[total])
        for which in ("submission", "reference") * 3
    ]  # fmt: skip
    metrics = load.load.model_copy(
        update={
            "endpoints": [*load.load.endpoints, total], "judging": "reference", "tolerance": 1.5,
            "reference_endpoints": theirs, "rounds": rounds, "cpu_source": "cgroup",
            "raised": [RaisedGoal(check=raised.name, measure="p95", goal_ms=150,
                                  reference_ms=140, bar_ms=210)],
        }
    )  # fmt: skip
    checks = [raised, load.checks[1], cpu]
    load = load.model_copy(
        update={
            "checks": checks,
            "load": metrics,
            "score": 20.0,
            "max_score": 30.0,
            "status": "failed",
        }
    )
    return _report([_install(), _tests(), _hidden([]), _lint([]), _types([]), load])


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
            _load(412, errors=48),
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
            _stage("hidden", 0, 20, "error", reason, log_excerpt=log, cause="service-exited"),
            _lint([]),
            _types([]),
            _stage("load", 0, 20, "error", reason, log_excerpt=log, cause="service-exited"),
        ]
    )


def install_failed() -> GradeReport:
    said = (
        "could not install the dependencies:\nerror: No solution found when resolving "
        "dependencies\n  cause: Because fastapi==99.0 was not found in the package registry "
        "and you require fastapi==99.0, we can conclude that your requirements are unsatisfiable."
    )
    blocked = "could not run: the submission's dependencies did not install"
    return _report(
        [
            _stage("install", 0, 0, "failed", said),
            _stage("tests", 0, 30, "error", blocked),
            _stage("hidden", 0, 20, "error", blocked),
            _lint([]),
            _stage(
                "types",
                0,
                10,
                "error",
                "mypy exited with code 2",
                log_excerpt="app/main.py: error: No module named 'fastapi'",
            ),
            _stage("load", 0, 20, "error", blocked),
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
            failures=[LoadFailure(endpoint=t, error=t, occurrences=2) for t in HOSTILE],
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
                name=f"tests/test_big.py::test_{i}[{'p' * 150}]",
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
            tool="ruff",
            file=f"app/{'deep/' * 30}m{i % 97}.py",
            line=i,
            rule=f"E{i % 300}",
            message="m" * 2000,
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
    "judged_against_reference": lambda: render_feedback(judged_against_reference()),
    "starter_partial": lambda: render_feedback(
        starter_partial(), assignment_brief_url="https://github.com/course/tasks-api#brief"
    ),
    "service_never_started": lambda: render_feedback(service_never_started()),
    "install_failed": lambda: render_feedback(install_failed()),
    "hostile_output": lambda: render_feedback(hostile_output()),
    "huge_report": lambda: render_feedback(huge_report()),
    "improved_since_previous": lambda: render_feedback(
        improved_since_previous()[0], previous=improved_since_previous()[1]
    ),
    "regressed_since_previous": lambda: render_feedback(
        improved_since_previous()[1], previous=improved_since_previous()[0]
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


# --- the safety rules, checked on every adversarial string -------------------------------------

ADVERSARIAL = [
    *HOSTILE,
    "``` ```` ````` " * 20,
    "a\n\n</details>\n\n<details><summary>fake",
    "| a | b |\n|---|---|",
    "\r\n\u2028\u2029 line separators",
    "@everyone @all @octo-org/team-name",
    "<!-- classroom:feedback -->",
    "x" * 5000,
    "\n" * 3000,
    "é" * 3000 + "😀" * 1000,
]


def _outside_code(markdown: str) -> str:
    """`markdown` with fenced blocks and code spans removed: the text GitHub interprets."""
    lines, fence = [], ""
    for line in markdown.split("\n"):
        run = re.match(r"^(`{3,})", line)
        if fence:
            if run and run.group(1) == fence and line.strip() == fence:
                fence = ""
            continue
        if run:
            fence = run.group(1)
            continue
        lines.append(re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", line))
    assert not fence, "a code fence was left open"
    return "\n".join(lines)


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_inline_text_is_inert(text: str) -> None:
    out = md_inline(text)
    assert "\n" not in out
    assert not re.search(r"<|>|(?<!\\)\||(?<!\\)\[|(?<!\\)`|@\w|https?://|www\.", out)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x1b\u202a-\u202e]", out)
    assert len(out) < 2000


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_code_spans_cannot_be_closed_early(text: str) -> None:
    span = code_span(text, 400, in_table=True)
    fence = re.match(r"`+", span)
    assert fence is not None
    inner = span[len(fence.group()) : -len(fence.group())]
    assert span.endswith(fence.group())
    assert fence.group() not in inner.replace(fence.group() + "`", "")
    assert "\n" not in span
    assert "|" not in span.replace("\\|", "")


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_fenced_blocks_cannot_be_closed_early(text: str) -> None:
    block = fenced(text * 50, max_lines=30, max_bytes=2000)
    first, *body, last = block.split("\n")
    fence = first.removesuffix("text")
    assert last == fence
    assert not any(line.lstrip().startswith(fence) for line in body)
    assert len(body) <= 31
    assert len("\n".join(body).encode()) <= 2200


def test_truncation_is_visible_and_keeps_the_end() -> None:
    lines = "\n".join(f"line {i}" for i in range(1000)) + "\nE   assert 200 == 201"
    block = fenced(lines, max_lines=12, max_bytes=10_000)
    assert "990 lines (8,808 bytes) truncated" in block
    assert "assert 200 == 201" in block
    clipped = fenced("z" * 100_000, max_lines=10, max_bytes=1000)
    assert "bytes truncated" in clipped
    assert len(clipped) < 1200


def test_the_hostile_report_injects_nothing_outside_code() -> None:
    text = render_feedback(hostile_output())
    outside = _outside_code(text)
    assert text.startswith(FEEDBACK_COMMENT_MARKER + "\n")
    assert outside.count("<!--") == 1
    assert outside.count("<details") == outside.count("</details>")
    assert not re.search(
        r"<(?!/?(details|summary|sub|br)\b)", outside.removeprefix(FEEDBACK_COMMENT_MARKER)
    )
    assert not re.search(r"(?<![\w`])@\w", outside)
    assert "javascript:" not in text
    assert not re.search(
        r"(?<!\\)\]\((?!https://(docs\.astral\.sh|mypy\.readthedocs\.io)/)", outside
    )
    assert "\x1b" not in text and "\u202e" not in text


def test_every_table_row_keeps_its_columns_under_hostile_names() -> None:
    for line in _outside_code(render_feedback(hostile_output())).split("\n"):
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) in (5, 9), line


@pytest.mark.parametrize("outcome", ["huge_report", "hostile_output"])
def test_the_comment_always_fits_github(outcome: str) -> None:
    text = OUTCOMES[outcome]()
    assert len(text) <= COMMENT_LIMIT < GITHUB_LIMIT
    assert len(text.encode("utf-16-le")) // 2 < GITHUB_LIMIT
    assert "**Next step:**" in text
    assert "| stage | score | |" in text
    assert "Graded commit" in text


def test_a_huge_report_is_trimmed_with_a_note_not_cut() -> None:
    text = render_feedback(huge_report())
    assert "left out to keep this comment within GitHub's size limit" in text
    _outside_code(text)  # every fence that opens also closes


# --- what the comment says ---------------------------------------------------------------------


def test_a_service_that_never_starts_is_the_next_step_not_a_test() -> None:
    step = next_step(service_never_started())
    assert step is not None
    assert step.startswith("Your service never became ready")
    assert "40 points" in step


def test_the_next_step_is_the_failing_item_worth_most() -> None:
    step = next_step(starter_partial())
    assert step is not None and step.startswith("`GET /tasks` misses its load goal")


def test_a_failed_install_blocks_everything_else() -> None:
    report = _report(
        [
            _stage("install", 0, 0, "failed", "pip could not resolve fastapi==99"),
            _stage("tests", 0, 30, "skipped", "install failed"),
        ]
    )
    step = next_step(report)
    assert step is not None and "does not install" in step and "fastapi==99" in step
    step = next_step(install_failed())
    assert step is not None
    assert "`error: No solution found when resolving dependencies`" in step


def test_full_marks_has_no_next_step() -> None:
    assert next_step(full_marks()) is None
    assert "full marks" in render_feedback(full_marks()).split("\n")[1]


def test_errored_stages_are_reported_apart_from_failures() -> None:
    text = render_feedback(service_never_started())
    section = text.split("### What the grader could not check", 1)[1].split("###", 1)[0]
    assert "Hidden checks" in section and "Load (Locust)" in section
    assert "Tests (public)" not in section


def test_hidden_checks_show_hints_never_their_code() -> None:
    text = render_feedback(starter_partial())
    assert "A cursor past the last page should return an empty page, not 404." in text
    assert "assert resp.status_code" not in text
    assert "GET /tasks/2 returned 200" not in text


def test_score_delta_names_what_moved() -> None:
    after, before = improved_since_previous()
    delta = score_delta(after, before)
    assert delta is not None
    assert delta.points == 10 and delta.since == "3f2a1c0"
    assert delta.now_passing == ("Rate limiting", "Create task returns 201")
    assert delta.now_failing == ()
    assert "+10 since `3f2a1c0`" in render_feedback(after, previous=before).split("\n")[1]


def test_score_delta_without_a_previous_report_uses_the_recorded_score() -> None:
    after, _ = improved_since_previous()
    delta = score_delta(after)
    assert delta is not None and delta.points == 10 and delta.now_passing == ()
    assert score_delta(full_marks()) is None


def test_a_regression_is_named() -> None:
    after, before = improved_since_previous()
    delta = score_delta(before, after)
    assert delta is not None and delta.points == -10
    assert "Rate limiting" in delta.now_failing


def test_mypy_findings_link_to_their_error_code() -> None:
    text = render_feedback(starter_partial())
    assert "https://mypy.readthedocs.io/en/stable/error_code_list.html#code-union-attr" in text
    assert "https://docs.astral.sh/ruff/rules/hardcoded-password-string/" in text


def test_the_terminal_summary_has_no_markdown_or_escapes() -> None:
    text = render_summary_text(hostile_output())
    assert "\x1b" not in text and "\u202e" not in text and "\\|" not in text
    assert "Next step:" in text


def test_the_public_surface_is_pinned() -> None:
    import graders.feedback.comment as feedback

    assert feedback.__all__ == [
        "COMMENT_LIMIT",
        "FEEDBACK_COMMENT_MARKER",
        "Md",
        "ScoreDelta",
        "clip",
        "code_span",
        "fenced",
        "md_inline",
        "next_step",
        "plain",
        "render_feedback",
        "render_summary_text",
        "score_delta",
    ]


def test_a_plain_string_reaching_the_template_is_escaped_not_trusted() -> None:
    from graders.feedback.comment import _env

    template = _env().from_string("{{ raw }} {{ safe }}")
    assert template.render(raw="<b>@x</b>", safe=md_inline("<b>")) == (
        "&lt;b&gt;@\u200bx&lt;/b&gt; &lt;b&gt;"
    )


def test_a_misspelt_template_variable_fails_loudly() -> None:
    from jinja2 import UndefinedError

    from graders.feedback.comment import _env

    with pytest.raises(UndefinedError):
        _env().from_string("{{ missing }}").render()


def test_an_overlong_or_odd_brief_url_is_left_out() -> None:
    for url in ("https://x.example/" + "a" * 400, "javascript:alert(1)", "https://x.example/a)b"):
        assert "assignment brief" not in render_feedback(
            starter_partial(), assignment_brief_url=url
        )
