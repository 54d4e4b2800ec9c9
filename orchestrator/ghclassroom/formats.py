"""GitHub Classroom's two autograding formats, read into typed values (pure: text in).

- `.github/classroom/autograding.json`, run by the `education/autograding` action:
  `{"tests": [{name, setup, run, input, output, comparison, timeout, points}]}`; `timeout`
  in minutes (1 when unset), `comparison` `exact` | `included` | `regex`, points optional.
- A workflow (`.github/workflows/classroom.yml`) whose steps use the
  `classroom-resources/autograding-{command,io,python}-grader` actions (inputs `test-name`,
  `setup-command`, `command`, `input`, `expected-output`, `comparison-method` `exact` |
  `contains` | `regex`, `timeout` in minutes (10 when unset), `max-score` read with
  JavaScript's `parseInt`) and `autograding-grading-reporter`, whose `runners` input names
  the steps that count; `actions/setup-python` says which Python.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from basis.errors import UserError

AUTOGRADING_JSON = ".github/classroom/autograding.json"
GRADER_ACTIONS = {
    "classroom-resources/autograding-command-grader": "command",
    "classroom-resources/autograding-io-grader": "io",
    "classroom-resources/autograding-python-grader": "python",
}
REPORTER_ACTION = "classroom-resources/autograding-grading-reporter"
LEGACY_ACTION = "education/autograding"  # the action that runs autograding.json
SETUP_PYTHON = "actions/setup-python"

GraderKind = Literal["command", "io", "python"]


class AutogradingTest(BaseModel):
    """One test of autograding.json, as the `education/autograding` action reads it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    setup: str = ""
    run: str
    input: str = ""
    output: str = ""
    comparison: Literal["exact", "included", "regex"] = "included"
    timeout: float = 0  # minutes; 0 or unset: 1 minute
    points: float = 0  # unset: no points

    @field_validator("setup", "input", "output", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("timeout", "points", mode="before")
    @classmethod
    def _none_is_zero(cls, value: object) -> object:
        return 0 if value is None else value

    @property
    def minutes(self) -> float:
        return self.timeout or 1.0


class AutogradingFile(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    tests: list[AutogradingTest] = Field(default_factory=list)


@dataclass(frozen=True)
class GraderStep:
    """One step of a workflow that uses a GitHub Classroom grader action."""

    kind: GraderKind
    id: str
    name: str  # the test's name (`test-name`, else the step's name or id)
    setup: str = ""
    command: str = ""
    input: str = ""
    expected: str = ""
    comparison: str = "contains"
    minutes: float = 10.0
    max_score: int = 0


@dataclass(frozen=True)
class Workflow:
    """What a GitHub Classroom workflow says: its grader steps, the reporter's runners."""

    path: str
    steps: list[GraderStep] = field(default_factory=list)
    runners: list[str] | None = None  # None: no reporter step
    python: str | None = None  # actions/setup-python's python-version
    runs_autograding_json: bool = False  # it uses the education/autograding action


def parse_autograding(text: str, path: str = AUTOGRADING_JSON) -> list[AutogradingTest]:
    """autograding.json's tests; a UserError names the file, the test and the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON ({exc}); fix the file and import again") from exc
    try:
        return AutogradingFile.model_validate(data).tests
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise UserError(f"{path}: {where}: {error['msg']}; fix it and import again") from exc


def parse_workflow(text: str, path: str) -> Workflow:
    """The GitHub Classroom steps of one workflow file (every job's, in order)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc}); fix the file and import again") from exc
    jobs = data.get("jobs") if isinstance(data, dict) else None
    steps = [
        step
        for job in (jobs.values() if isinstance(jobs, dict) else [])
        if isinstance(job, dict)
        for step in job.get("steps") or []
        if isinstance(step, dict)
    ]
    found = Workflow(path)
    for step in steps:
        found = _read_step(found, step)
    return found


def _read_step(found: Workflow, step: dict[str, Any]) -> Workflow:
    action = str(step.get("uses", "")).split("@")[0]
    given = step.get("with")
    inputs: dict[str, Any] = given if isinstance(given, dict) else {}
    if action in GRADER_ACTIONS:
        found.steps.append(_grader(GRADER_ACTIONS[action], step, inputs))
    elif action == REPORTER_ACTION:
        runners = str(inputs.get("runners", ""))
        found = _replace(found, runners=[r.strip() for r in runners.split(",") if r.strip()])
    elif action == SETUP_PYTHON and inputs.get("python-version") is not None:
        found = _replace(found, python=str(inputs["python-version"]))
    elif action == LEGACY_ACTION:
        found = _replace(found, runs_autograding_json=True)
    return found


def _replace(found: Workflow, **changes: Any) -> Workflow:
    values = {**found.__dict__, **changes}
    return Workflow(**values)


def _grader(kind: str, step: dict[str, Any], inputs: dict[str, Any]) -> GraderStep:
    step_id = str(step.get("id") or "")
    name = str(inputs.get("test-name") or step.get("name") or step_id or kind)
    return GraderStep(
        kind=kind,  # type: ignore[arg-type]  # a value of GRADER_ACTIONS
        id=step_id,
        name=name,
        setup=_text(inputs.get("setup-command")),
        command=_text(inputs.get("command")),
        input=_text(inputs.get("input")).strip(),  # the io grader trims it
        expected=_text(inputs.get("expected-output")),
        comparison=_text(inputs.get("comparison-method")) or "contains",
        minutes=_minutes(inputs.get("timeout")),
        max_score=js_parse_int(inputs.get("max-score")),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _minutes(value: object) -> float:
    """`parseFloat(timeout || 10)`: minutes, 10 when unset or unreadable."""
    match = re.match(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)", _text(value))
    return float(match.group(0)) if match and float(match.group(0)) > 0 else 10.0


def js_parse_int(value: object) -> int:
    """JavaScript's `parseInt(value || 0)`: the leading integer, 0 when there is none."""
    match = re.match(r"\s*([+-]?\d+)", _text(value))
    return int(match.group(1)) if match else 0
