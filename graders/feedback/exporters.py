"""The grade report in other ecosystems' formats: Gradescope and GitHub Classroom.

- Gradescope reads `/autograder/results/results.json`: top-level `score` (it overrides the sum
  of the tests), `execution_time` (s), `output` with `output_format`, and `tests`, each with
  `name`, `score`, `max_score`, `status` (`passed`/`failed`), `output` and `visibility`.
- GitHub Classroom's autograding-grading-reporter reads each runner's result as base64 JSON
  from `<RUNNER>_RESULTS` (runners named in its `runners` input):
  `{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [...]}`. Its
  `Points X/Y` notice (what GitHub Classroom records) adds every test's `score` and every
  runner's `max_score`; its per-runner lines and table show `passing tests / tests x
  max_score`. So `classroom_runners` puts the checks of one stage and one worth in a runner
  of their own: every line the reporter prints then agrees with the grade (a stage scored in
  part, like lint, is one test, which that count shows as 0).

Per-check items carry whole cents that add up to each stage's score (graders.model.apportion), so
they survive when points do not divide evenly; a stage whose checks cannot carry its points
is one item.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from graders.feedback.advice import check_title, next_step
from graders.feedback.mdsafe import clean, clip, pts
from graders.model.apportion import cents, exactly, split_checks
from graders.model.report import Check, GradeReport, StageResult, ordered
from graders.stages import registry

__all__ = ["classroom_runners", "to_classroom_env", "to_classroom_reporter", "to_gradescope"]

OUTPUT_BYTES = 8_000  # per test: enough for an assertion, small enough for a results page
RUNNER_PREFIX = "classroom_"  # runners `classroom_tests`, `classroom_lint`…: env CLASSROOM_…
RUNNERS_VARIABLE = "CLASSROOM_RUNNERS"


def _output(text: str) -> str:
    return clip(clean(text), max_lines=80, max_bytes=OUTPUT_BYTES)


def _check_output(stage: StageResult, check: Check) -> str:
    """What a learner may see about a check: hidden checks give their hint, never their code."""
    if registry.stage(stage.name).secret_checks:
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


# Checks round to 4 decimals, stages to 2: within this, the checks account for their stage.
ROUNDING = 0.005


def _checks_carry_the_score(stage: StageResult) -> bool:
    """True when the stage's checks add up to its score and max, so they can stand for it."""
    if not stage.checks or stage.status in ("error", "skipped"):
        return False
    slack = ROUNDING + 0.0001 * len(stage.checks)
    score = sum(c.score for c in stage.checks)
    maximum = sum(c.max_score for c in stage.checks)
    return abs(score - stage.score) <= slack and abs(maximum - stage.max_score) <= slack


@dataclass(frozen=True)
class Item:
    """One line of an export: a check, or a whole stage, with its points in cents."""

    stage: StageResult
    check: Check | None
    score: float
    max_score: float

    @property
    def status(self) -> str:
        found = self.check or self.stage
        return found.status


def _items(report: GradeReport) -> list[Item]:
    """One item per check where the checks carry the stage's points, else one per stage."""
    items: list[Item] = []
    for stage in ordered(report.stages):
        split = split_checks(stage.checks, stage.score, stage.max_score)
        if _checks_carry_the_score(stage) and split is not None:
            items += [Item(stage, c, *v) for c, v in zip(stage.checks, split, strict=True)]
        elif stage.max_score or stage.status != "passed":
            items.append(Item(stage, None, stage.score, stage.max_score))
    return _summing_to(items, report.score)


def _summing_to(items: list[Item], score: float) -> list[Item]:
    scores = exactly([i.score for i in items], score)
    return [replace(item, score=value) for item, value in zip(items, scores, strict=True)]


def _name(stage: StageResult, check: Check | None) -> str:
    """`Tests (public): tests/test_x.py::test_y`, `Hidden checks: Cursor past end`."""
    kind = registry.stage(stage.name)
    if check is None:
        return kind.label
    return f"{kind.label}: {check_title(check) if kind.secret_checks else check.name}"


def _gradescope_test(item: Item) -> dict[str, Any]:
    stage, check = item.stage, item.check
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
        "visibility": "after_published" if registry.stage(stage.name).secret_checks else "visible",
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
        "tests": [_gradescope_test(item) for item in _items(report)],
        "extra_data": {
            "assignment": report.assignment,
            "commit": report.submission.commit,
            "grader_version": report.grader_version,
            "tier": report.tier,
        },
    }


def _classroom_status(item: Item) -> str:
    if item.status == "error":
        return "error"
    return "pass" if item.status == "passed" and item.score >= item.max_score else "fail"


def _classroom_test(item: Item) -> dict[str, Any]:
    stage, check = item.stage, item.check
    first = stage.findings[0] if check is None and stage.findings else None
    message = _check_output(stage, check) if check else _stage_output(stage)
    return {
        "name": _name(stage, check),
        "status": _classroom_status(item),
        "score": item.score,
        "message": message or None,
        "test_code": _test_code(stage, check),
        "filename": first.file if first else "",
        "line_no": first.line if first else 0,
        "execution_time": f"{stage.duration_seconds if check is None else 0:.2f}s",
    }


def _test_code(stage: StageResult, check: Check | None) -> str:
    """What GitHub Classroom shows as the test's code: never a secret check's."""
    if registry.stage(stage.name).secret_checks:
        return ""
    return check.name if check else stage.name


def _payload(items: list[Item], max_score: float) -> dict[str, Any]:
    tests = [_classroom_test(item) for item in items]
    statuses = {t["status"] for t in tests}
    status = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def classroom_payload(report: GradeReport) -> dict[str, Any]:
    """The whole grade as one runner's JSON for GitHub Classroom's reporter (before base64)."""
    return _payload(_items(report), report.max_score)


def classroom_runners(report: GradeReport) -> list[tuple[str, dict[str, Any]]]:
    """The grade as several runners (name, JSON): each holds the checks of one stage that are
    worth the same, so the reporter's per-runner count agrees with the points too."""
    groups: dict[tuple[str, float], list[Item]] = {}
    for item in _items(report):
        each = item.check.max_score if item.check else item.max_score  # before the cents
        groups.setdefault((item.stage.name, each), []).append(item)
    stages = Counter(stage for stage, _ in groups)
    seen: Counter[str] = Counter()
    named = []
    for (stage, _worth), items in groups.items():
        seen[stage] += 1
        suffix = f"_{seen[stage]}" if stages[stage] > 1 else ""
        named.append((f"{RUNNER_PREFIX}{stage}{suffix}", items))
    worth = [sum(cents(i.max_score) for i in items) / 100 for _, items in named]
    maxima = exactly(worth, report.max_score)
    return [(name, _payload(items, m)) for (name, items), m in zip(named, maxima, strict=True)]


def _encoded(payload: dict[str, Any]) -> str:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def to_classroom_reporter(report: GradeReport) -> str:
    """The report as one base64 result GitHub Classroom's autograding reporter reads."""
    return _encoded(classroom_payload(report))


def to_classroom_env(report: GradeReport) -> str:
    """`NAME=value` lines for `$GITHUB_ENV`: each runner's `<RUNNER>_RESULTS` and
    `CLASSROOM_RUNNERS`, the list the reporter's `runners` input takes."""
    runners = classroom_runners(report)
    lines = [f"{name.upper()}_RESULTS={_encoded(payload)}" for name, payload in runners]
    lines.append(f"{RUNNERS_VARIABLE}={','.join(name for name, _ in runners)}")
    return "\n".join(lines) + "\n"
