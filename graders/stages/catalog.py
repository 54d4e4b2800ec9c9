"""Every stage, in order: the one place where a stage is registered (graders.stages.registry).

The order is the report's, the feedback's and the exports'. Install comes first and builds the
environment the others run in; the concurrent stages share the machine; load runs alone last.
"""

from __future__ import annotations

from graders.feedback.advice import (
    checks_step,
    hidden_step,
    load_step,
    test_quality_step,
    tests_step,
)
from graders.feedback.comment import (
    bugs_caught,
    checks_todo,
    lint_todo,
    load_todo,
    tests_todo,
    types_todo,
)
from graders.feedback.details import (
    failing_checks_of,
    failing_tests,
    hidden_checks,
    load_results,
    test_quality,
)
from graders.stages.registry import FindingWords, Section, Stage, register

CHECKS_SECTION = Section(failing_checks_of, "sections/checks.md.j2")

STAGES = (
    Stage("install", "Install", "the install", needs_environment=False),
    Stage(
        "tests", "Tests (public)", "the public tests", run="graders.stages.tests:run",
        milestone="checks", step=tests_step, todo=tests_todo,
        section=Section(failing_tests, "sections/tests.md.j2"),
    ),
    Stage(
        "io", "Output checks", "the output checks", run="graders.stages.run_checks:run_io",
        step=checks_step, todo=checks_todo, section=CHECKS_SECTION,
    ),
    Stage(
        "commands", "Command checks", "the command checks",
        run="graders.stages.run_checks:run_commands", step=checks_step, todo=checks_todo,
        section=CHECKS_SECTION,
    ),
    Stage(
        "hidden", "Hidden checks", "the hidden checks", run="graders.stages.hidden:run",
        secret_checks=True, official_extra=True, milestone="checks", step=hidden_step,
        section=Section(hidden_checks, "sections/hidden.md.j2"),
    ),
    Stage(
        "test_quality", "Your tests (bugs caught)", "the run of your own tests",
        run="graders.stages.test_quality:run", step=test_quality_step, summary=bugs_caught,
        section=Section(test_quality, "sections/test_quality.md.j2"),
    ),
    Stage(
        "lint", "Lint (ruff)", "the lint stage", run="graders.stages.lint:run",
        needs_environment=False, milestone="whole", todo=lint_todo,
        findings=FindingWords("finding", "finding", "lint findings"),
    ),
    Stage(
        "types", "Types (mypy)", "the type check", run="graders.stages.types:run",
        needs_environment=False, milestone="whole", todo=types_todo,
        findings=FindingWords("type error", "error", "type errors"),
    ),
    Stage(
        "load", "Load (Locust)", "the load test", run="graders.stages.load:run",
        concurrent=False, goals=True, milestone="checks", step=load_step, todo=load_todo,
        section=Section(load_results, "sections/load.md.j2"),
    ),
)  # fmt: skip

for _stage in STAGES:
    register(_stage)
