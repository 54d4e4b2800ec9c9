"""The stage registry is the one source of what differs by stage: a throwaway stage registered
here, and nowhere else, takes its place in the order, the report model, the feedback comment,
the terminal summary, the exports and the `--skip` choices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from classroom.cli import main
from graders.feedback import exporters
from graders.feedback.advice import Style, next_step
from graders.feedback.comment import render_feedback, render_summary_text
from graders.feedback.details import Detail, failing_checks_of
from graders.feedback.mdsafe import Md
from graders.model.report import Check, GradeReport, StageResult, Submission, ordered
from graders.stages import registry
from graders.stages.registry import Section, Stage

DOCS = "docs"


def docs_step(_stage: StageResult, check: Check, lost: str, s: Style) -> str:
    return f"Document {s.code(check.name)} (worth {lost} points)."


def docs_todo(_stage: StageResult) -> list[Md]:
    return [Md("Run `pydocstyle .` before you push.")]


def docs_section(stage: StageResult, d: Detail) -> dict[str, object] | None:
    return failing_checks_of(stage, d)


THROWAWAY = Stage(
    DOCS,
    "Docs (pydocstyle)",
    "the docs check",
    run="graders.stages.lint:run",
    step=docs_step,
    todo=docs_todo,
    section=Section(docs_section, "sections/checks.md.j2"),
)


@pytest.fixture
def docs_stage() -> Iterator[Stage]:
    """The throwaway stage, registered for one test only."""
    registry.register(THROWAWAY, before="load")
    try:
        yield THROWAWAY
    finally:
        registry.unregister(DOCS)


def _result(name: str, score: float, max_score: float, checks: list[Check]) -> StageResult:
    status = "passed" if score >= max_score else "failed"
    return StageResult(
        name=name, status=status, score=score, max_score=max_score, duration_seconds=1.0,
        message="", checks=checks,
    )  # fmt: skip


def _report() -> GradeReport:
    docs = _result(
        DOCS, 1, 4,
        [
            Check(name="app/main.py::create_task", status="failed", score=0, max_score=3,
                  message="missing docstring"),
            Check(name="app/main.py::list_tasks", status="passed", score=1, max_score=1),
        ],
    )  # fmt: skip
    tests = _result(
        "tests",
        2,
        2,
        [Check(name="tests/test_a.py::test_a", status="passed", score=2, max_score=2)],
    )
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=3,
        max_score=6,
        submission=Submission(path="/work/submission", commit="a91be07c3d2e"),
        stages=[docs, tests],
        tool_versions={},
        grader_version="0.4.1",
        started_at=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
        duration_seconds=3.0,
    )


@pytest.mark.usefixtures("docs_stage")
def test_a_registered_stage_takes_its_place_in_the_order() -> None:
    names = registry.names()
    assert names.index(DOCS) == names.index("load") - 1
    assert [s.name for s in ordered(_report().stages)] == ["tests", DOCS]


def test_a_stage_nobody_registered_is_refused_by_the_report_model() -> None:
    with pytest.raises(ValidationError, match="not a stage"):
        _result(DOCS, 0, 1, [])


@pytest.mark.usefixtures("docs_stage")
def test_the_comment_shows_its_label_summary_next_step_section_and_todo() -> None:
    comment = render_feedback(_report())
    assert "| Docs (pydocstyle) | 1 / 4 | ⚠️ 1 of 2 fail |" in comment
    assert "**Next step:** Document `app/main.py::create_task` (worth 3 points)." in comment
    assert "### Docs (pydocstyle) that fail (1 of 2)" in comment
    assert "Run `pydocstyle .` before you push." in comment
    assert next_step(_report()) == "Document `app/main.py::create_task` (worth 3 points)."


@pytest.mark.usefixtures("docs_stage")
def test_the_terminal_summary_and_the_exports_name_it_by_its_label() -> None:
    assert "Docs (pydocstyle)" in render_summary_text(_report())
    names = [t["name"] for t in exporters.to_gradescope(_report())["tests"]]
    assert "Docs (pydocstyle): app/main.py::create_task" in names
    runners = [name for name, _ in exporters.classroom_runners(_report())]
    assert any(name.startswith(f"{exporters.RUNNER_PREFIX}{DOCS}") for name in runners)


@pytest.mark.usefixtures("docs_stage")
def test_the_cli_lets_a_learner_skip_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "hidden, test_quality, lint, types, docs, load" in shown
