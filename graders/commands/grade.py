"""`classroom grade`: grade one submission folder and write results.json and feedback.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from basis.errors import INTERNAL_ERROR, OK, UserError
from graders.feedback import exporters
from graders.feedback.comment import render_feedback, render_summary_text
from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.containment import detect
from graders.running.engine import grade_submission
from graders.running.gitinfo import head_commit
from graders.stages.registry import StageName

GRADER_ROOT = Path(__file__).resolve().parent.parent.parent  # a checkout's top, if it is one


def grade(
    *,
    submission: Path,
    assignment_dir: Path,
    hidden_tests: Path | None,
    out: Path,
    skip: frozenset[StageName],
    output_format: Literal["text", "json", "markdown"],
    previous: Path | None = None,
    commit: str | None = None,
    official: bool = False,
    grader_commit: str | None = None,
) -> int:
    """Grade `submission`; 0 when grading finished (whatever the score), 3 on a grader bug."""
    assignment = load_assignment(assignment_dir)
    _check_folder(submission, "submission", "the folder with the learner's code")
    if hidden_tests is not None:
        _check_folder(hidden_tests, "--hidden-tests", "the assignment's hidden_tests folder")
    if official:
        stages = assignment.spec.stages
        no_hidden = stages.hidden is None and stages.test_quality is None
        _check_official(assignment_dir, hidden_tests, skip, no_hidden)
    before = _read_previous(previous)
    info = Submission(
        path=str(submission),
        commit=commit or head_commit(submission),
        previous_commit=before.submission.commit if before else None,
        previous_score=before.score if before else None,
    )
    # SIGTERM (a cancelled CI job) and SIGHUP unwind like Ctrl-C: classroom.cli's
    # basis.interrupts, so every service is stopped on the way out.
    report = grade_submission(
        assignment,
        submission,
        hidden_tests=hidden_tests.resolve() if hidden_tests else None,
        skip=skip,
        submission_info=info,
        official=official,
        grader_commit=grader_commit or head_commit(GRADER_ROOT),
    )
    write_results(report, out)  # first: a renderer bug must never cost the grade itself
    feedback = render_feedback(report, previous=before)
    write_feedback(report, feedback, out)
    print(_formatted(report, feedback, output_format, out))
    return exit_code(report)


def exit_code(report: GradeReport) -> int:
    """0 when grading finished, whatever the score; 3 when a stage hit a bug of the grader's."""
    bug = any(stage.cause == "grader-bug" for stage in report.stages)
    return INTERNAL_ERROR if bug else OK


def write_results(report: GradeReport, out: Path) -> None:
    """results.json, the record every other tool reads."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


def write_feedback(report: GradeReport, feedback: str, out: Path) -> None:
    """feedback.md and the exports for other ecosystems: Gradescope's results.json, GitHub
    Classroom's reporter (one runner as base64, or every runner as `$GITHUB_ENV` lines)."""
    (out / "feedback.md").write_text(feedback, encoding="utf-8")
    (out / "gradescope-results.json").write_text(
        json.dumps(exporters.to_gradescope(report), indent=2) + "\n", encoding="utf-8"
    )
    (out / "classroom-reporter.b64").write_text(
        exporters.to_classroom_reporter(report) + "\n", encoding="utf-8"
    )
    (out / "classroom-reporter.env").write_text(
        exporters.to_classroom_env(report), encoding="utf-8"
    )


def _formatted(report: GradeReport, feedback: str, output_format: str, out: Path) -> str:
    if output_format == "json":
        return report.model_dump_json(indent=2)
    if output_format == "markdown":
        return feedback
    return render_summary_text(report) + f"\nwritten: {out / 'results.json'}, {out / 'feedback.md'}"


def _check_folder(path: Path, what: str, expected: str) -> None:
    if not path.is_dir():
        raise UserError(f"{what} {path}: no such folder; pass {expected}")


def _check_official(
    assignment_dir: Path,
    hidden_tests: Path | None,
    skip: frozenset[StageName],
    no_hidden_stage: bool,
) -> None:
    """An official grade is complete and restores from the template, or it is not given
    (hidden tests are needed only by an assignment with a hidden or test_quality stage; the
    latter finds solution/ and bugs/ beside them)."""
    if hidden_tests is None and not no_hidden_stage:
        raise UserError(
            f"--official needs the hidden tests: add --hidden-tests {assignment_dir}/hidden_tests"
        )
    if skip:
        raise UserError(f"--official grades every stage: drop --skip {' '.join(sorted(skip))}")
    _check_folder(
        assignment_dir / "starter",
        "--official",
        f"an assignment with a starter/ folder to restore protected files from ({assignment_dir})",
    )
    missing = detect().missing()
    if missing:
        raise UserError(
            "--official refuses to grade without full containment of the learner's code; "
            "missing: " + "; ".join(missing)
        )


def _read_previous(path: Path | None) -> GradeReport | None:
    if path is None:
        return None
    try:
        return GradeReport.model_validate_json(path.read_bytes())
    except FileNotFoundError as exc:
        raise UserError(
            f"--previous {path}: no such file; pass the results.json of the "
            "previous graded commit, or leave the option out"
        ) from exc
    except ValidationError as exc:
        raise UserError(
            f"--previous {path}: not a results.json this grader can read "
            f"({exc.error_count()} problems); leave the option out"
        ) from exc
