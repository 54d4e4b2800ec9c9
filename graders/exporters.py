"""The grade report in other ecosystems' formats: Gradescope and GitHub Classroom.

- Gradescope reads `/autograder/results/results.json`: top-level `score` (it overrides the sum
  of the tests), `execution_time` (s), `output` with `output_format`, and `tests`, each with
  `name`, `score`, `max_score`, `status` (`passed`/`failed`), `output` and `visibility`.
- GitHub Classroom's autograding-grading-reporter reads each runner's result as base64 JSON:
  `{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [...]}`, and
  totals the points as the sum of the tests' `score`, so the tests here always sum to the
  report's score.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from graders.advice import STAGE_LABELS, check_title, next_step
from graders.mdsafe import clean, clip, pts
from graders.report import Check, GradeReport, StageResult, ordered

__all__ = ["to_classroom_reporter", "to_gradescope"]

OUTPUT_BYTES = 8_000  # per test: enough for an assertion, small enough for a results page


def _output(text: str) -> str:
    return clip(clean(text), max_lines=80, max_bytes=OUTPUT_BYTES)


def _check_output(stage: StageResult, check: Check) -> str:
    """What a learner may see about a check: hidden checks give their hint, never their code."""
    if stage.name == "hidden":
        return "" if check.status == "passed" else check.hint
    return _output(check.message)


def _stage_output(stage: StageResult) -> str:
    lines = [stage.message] if stage.message else []
    lines += [f"{f.file}:{f.line} {f.rule} {f.message}" for f in stage.findings[:50]]
    if len(stage.findings) > 50:
        lines.append(f"… and {len(stage.findings) - 50} more")
    if stage.status in ("failed", "error") and stage.log_excerpt:
        lines += ["", stage.log_excerpt]
    return _output("\n".join(lines))


def _checks_carry_the_score(stage: StageResult) -> bool:
    """True when the stage's checks add up to its score and max, so they can stand for it."""
    if not stage.checks or stage.status in ("error", "skipped"):
        return False
    score = sum(c.score for c in stage.checks)
    maximum = sum(c.max_score for c in stage.checks)
    return abs(score - stage.score) < 1e-6 and abs(maximum - stage.max_score) < 1e-6


def _items(report: GradeReport) -> list[tuple[StageResult, Check | None]]:
    """One item per check where the checks carry the stage's points, else one per stage."""
    items: list[tuple[StageResult, Check | None]] = []
    for stage in ordered(report.stages):
        if _checks_carry_the_score(stage):
            items.extend((stage, check) for check in stage.checks)
        elif stage.max_score or stage.status != "passed":
            items.append((stage, None))
    return items


def _name(stage: StageResult, check: Check | None) -> str:
    label = STAGE_LABELS[stage.name]
    if check is None:
        return label
    return f"{label}: {check_title(check) if stage.name == 'hidden' else check.name}"


def _gradescope_test(stage: StageResult, check: Check | None) -> dict[str, Any]:
    item = check or stage
    passed = item.status == "passed" and item.score >= item.max_score
    output = _check_output(stage, check) if check else _stage_output(stage)
    if stage.status == "error":
        output = f"The grader could not run this stage.\n{output}"
    return {
        "name": _name(stage, check),
        "score": item.score,
        "max_score": item.max_score,
        "status": "passed" if passed else "failed",
        "output": output,
        "output_format": "text",
        "visibility": "after_published" if stage.name == "hidden" else "visible",
    }


def to_gradescope(report: GradeReport) -> dict[str, Any]:
    """The report as Gradescope's autograder `results.json`."""
    step = next_step(report)
    verdict = f"**{pts(report.score)} / {pts(report.max_score)}**"
    return {
        "score": report.score,
        "execution_time": round(report.duration_seconds),
        "output": f"{verdict}\n\n**Next step:** {step}" if step else f"{verdict}: full marks.",
        "output_format": "md",
        "tests": [_gradescope_test(stage, check) for stage, check in _items(report)],
        "extra_data": {
            "assignment": report.assignment,
            "commit": report.submission.commit,
            "grader_version": report.grader_version,
            "tier": report.tier,
        },
    }


def _classroom_status(item: Check | StageResult) -> str:
    if item.status == "error":
        return "error"
    return "pass" if item.status == "passed" and item.score >= item.max_score else "fail"


def _classroom_test(stage: StageResult, check: Check | None) -> dict[str, Any]:
    item = check or stage
    first = stage.findings[0] if check is None and stage.findings else None
    message = _check_output(stage, check) if check else _stage_output(stage)
    return {
        "name": _name(stage, check),
        "status": _classroom_status(item),
        "score": item.score,
        "message": message or None,
        "test_code": "" if stage.name == "hidden" else (check.name if check else stage.name),
        "filename": first.file if first else "",
        "line_no": first.line if first else 0,
        "execution_time": f"{stage.duration_seconds if check is None else 0:.2f}s",
    }


def classroom_payload(report: GradeReport) -> dict[str, Any]:
    """The JSON GitHub Classroom's autograding reporter reads (before base64)."""
    tests = [_classroom_test(stage, check) for stage, check in _items(report)]
    statuses = {t["status"] for t in tests}
    status = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"
    return {"version": 1, "status": status, "max_score": report.max_score, "tests": tests}


def to_classroom_reporter(report: GradeReport) -> str:
    """The report as the base64 result GitHub Classroom's autograding reporter reads."""
    data = json.dumps(classroom_payload(report), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(data).decode("ascii")
