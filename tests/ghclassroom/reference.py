"""GitHub Classroom's scoring rules, small enough to read beside their sources: the score
GitHub Classroom gives a submission, computed here without any of this project's code.

- `education/autograding` (runner.ts), for autograding.json: each test runs `setup` then
  `run` through the shell in the repository; it passes when the command exits 0 and, when
  the test has an input or an output, stdout (CRLF made LF, trimmed) equals (`exact`),
  contains (`included`, the default) or matches anywhere (`regex`) the expected output
  (trimmed, except for a regex). A passing test earns its points; the total is their sum.
- `autograding-command-grader`: max-score when the command exits 0, else 0.
- `autograding-io-grader`: the input trimmed; stdout trimmed; a non-zero exit scores 0;
  `exact` | `contains` | `regex` against the expected output as written.
- `autograding-python-grader`: pytest over every `*_test.py` file of the repository (pytest's
  own discovery when there is none); each test that passes earns max-score / number of tests.
- `autograding-grading-reporter`: `Points <sum of every test's score>/<sum of max_score>` over
  the runners it lists, added as JavaScript adds doubles; per runner it prints
  `passing tests / tests x max_score`.

Commands run unconfined here, as on GitHub's runner: only this project's own fixtures go
through it. `pip install` setups are taken as done (the test environment has pytest).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BIN = Path(sys.executable).parent  # python, python3 and pytest, as setup-python gives them
PIP = re.compile(r"^\s*(sudo\s+(-H\s+)?)?(python3?\s+-m\s+)?pip3?\s+install\b")
PLUGIN = """
import json, os
names = {}
def pytest_runtest_logreport(report):
    name = report.head_line or ".".join(report.nodeid.split("::")[1:])
    passing = names.get(name, True)
    if report.failed:
        passing = False
    names[name] = passing
def pytest_sessionfinish():
    with open(os.environ["REFERENCE_OUT"], "w") as handle:
        json.dump(names, handle)
"""


@dataclass(frozen=True)
class Scored:
    """One GitHub Classroom test's result."""

    name: str
    passed: bool
    score: float
    max_score: float
    counted: bool = True  # the reporter lists its runner


def run(command: str, cwd: Path, stdin: str | None, minutes: float) -> tuple[int | None, str]:
    """`command` through the shell as a grader action runs it: (exit code, stdout)."""
    env = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(cwd)}
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=cwd,
            env=env,
            input=stdin.encode() if stdin else None,
            stdin=None if stdin else subprocess.DEVNULL,
            capture_output=True,
            timeout=minutes * 60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout.decode("utf-8", "replace")


def _setup(command: str, cwd: Path, minutes: float) -> bool:
    if not command or PIP.match(command):
        return True
    code, _ = run(command, cwd, None, minutes)
    return code == 0


# --- autograding.json --------------------------------------------------------------------------


def autograding_json(template: Path, submission: Path, leave_out: set[str]) -> list[Scored]:
    """Every test of the template's autograding.json but `leave_out`, run on `submission`."""
    spec = json.loads((template / ".github/classroom/autograding.json").read_text())
    with _copy(submission) as cwd:
        return [_legacy_test(test, cwd) for test in spec["tests"] if test["name"] not in leave_out]


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _legacy_test(test: dict[str, Any], cwd: Path) -> Scored:
    minutes = test.get("timeout") or 1
    points = test.get("points") or 0
    passed = _setup(test.get("setup") or "", cwd, minutes)
    if passed:
        code, out = run(test["run"], cwd, test.get("input") or None, minutes)
        passed = code == 0 and _legacy_output(test, out)
    return Scored(test["name"], passed, points if passed else 0, points)


def _legacy_output(test: dict[str, Any], out: str) -> bool:
    expected, given = test.get("output") or "", test.get("input") or ""
    if not expected and not given:
        return True
    actual = _normalised(out)
    comparison = test.get("comparison", "included")
    if comparison == "exact":
        return actual == _normalised(expected)
    if comparison == "regex":
        return re.search(expected, actual) is not None
    return _normalised(expected) in actual


# --- the grader actions and the reporter -------------------------------------------------------


def workflow(template: Path, submission: Path, leave_out: set[str]) -> list[Scored]:
    """Every grader step of the template's workflow, run on `submission`."""
    data = yaml.safe_load((template / ".github/workflows/classroom.yml").read_text())
    steps = [s for job in data["jobs"].values() for s in job["steps"]]
    reporter = next(s for s in steps if "grading-reporter" in s.get("uses", ""))
    listed = [r.strip() for r in reporter["with"]["runners"].split(",")]
    results = []
    with _copy(submission) as cwd:
        for step in steps:
            uses, inputs = step.get("uses", ""), step.get("with") or {}
            if inputs.get("test-name") in leave_out:
                continue
            for action, grade in ACTIONS.items():
                if action in uses:
                    results += [
                        Scored(r.name, r.passed, r.score, r.max_score, step["id"] in listed)
                        for r in grade(inputs, cwd)
                    ]
    return results


def _minutes(inputs: dict[str, Any]) -> float:
    return float(inputs.get("timeout") or 10)


def _max(inputs: dict[str, Any]) -> int:
    match = re.match(r"\s*(\d+)", str(inputs.get("max-score") or 0))
    return int(match.group(1)) if match else 0


def _command_grader(inputs: dict[str, Any], cwd: Path) -> list[Scored]:
    top = _max(inputs)
    ok = _setup(inputs.get("setup-command") or "", cwd, _minutes(inputs))
    code, _ = run(inputs["command"], cwd, None, _minutes(inputs)) if ok else (1, "")
    return [Scored(inputs["test-name"], code == 0, top if code == 0 else 0, top)]


def _io_grader(inputs: dict[str, Any], cwd: Path) -> list[Scored]:
    top = _max(inputs)
    given = str(inputs.get("input") or "").strip()
    code, out = run(inputs["command"], cwd, given or None, _minutes(inputs))
    out, expected = out.strip(), str(inputs["expected-output"])
    method = inputs["comparison-method"]
    same = {
        "exact": out == expected,
        "contains": expected in out,
        "regex": re.search(expected, out) is not None,
    }[method]
    passed = code == 0 and same
    return [Scored(inputs["test-name"], passed, top if passed else 0, top)]


def _python_grader(inputs: dict[str, Any], cwd: Path) -> list[Scored]:
    top = _max(inputs)
    files = sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*_test.py"))
    plugins = Path(tempfile.mkdtemp())
    (plugins / "reference_plugin.py").write_text(PLUGIN)
    out = plugins / "names.json"
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(cwd),
        "PYTHONPATH": f"{plugins}{os.pathsep}{cwd}",
        "REFERENCE_OUT": str(out),
    }
    argv = [str(BIN / "python"), "-m", "pytest", "-p", "reference_plugin", "-s", "--tb=no"]
    argv += ["-p", "no:cacheprovider", *files]
    subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False, timeout=600)
    names = json.loads(out.read_text()) if out.is_file() else {}
    shutil.rmtree(plugins)
    share = top / len(names) if names else 0
    return [Scored(n, ok, share if ok else 0, share) for n, ok in names.items()]


ACTIONS = {
    "autograding-command-grader": _command_grader,
    "autograding-io-grader": _io_grader,
    "autograding-python-grader": _python_grader,
}


def maximum(template: Path, leave_out: set[str]) -> float:
    """The reporter's (or the runner's) available points, less the tests in `leave_out`."""
    legacy = template / ".github/classroom/autograding.json"
    if legacy.is_file():
        tests = json.loads(legacy.read_text())["tests"]
        return sum(t.get("points") or 0 for t in tests if t["name"] not in leave_out)
    data = yaml.safe_load((template / ".github/workflows/classroom.yml").read_text())
    steps = [s for job in data["jobs"].values() for s in job["steps"]]
    reporter = next(s for s in steps if "grading-reporter" in s.get("uses", ""))
    listed = {r.strip() for r in reporter["with"]["runners"].split(",")}
    return sum(_max(s.get("with") or {}) for s in steps if s.get("id") in listed)


def total(results: list[Scored]) -> float:
    """The reporter's `Points` total: every counted test's score, added in order."""
    points = 0.0
    for result in results:
        if result.counted:
            points += result.score
    return points


def js_number(value: float) -> str:
    """How JavaScript prints a number in a template string (`10`, `21.428571428571427`)."""
    if float(value).is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(float(value))


def reporter_lines(runners: list[tuple[str, dict[str, Any]]]) -> tuple[str, list[str]]:
    """What the reporter prints from `<RUNNER>_RESULTS` payloads: the `Points` notice, and
    each runner's `Total points for …` line (passing tests / tests x max_score)."""
    points, maximum = 0.0, 0.0
    lines = []
    for name, results in runners:
        top = results.get("max_score") or 0
        if top:
            maximum += top
            for test in results["tests"]:
                points += test["score"]
            passing = sum(t["status"] == "pass" for t in results["tests"])
            line_score = passing / len(results["tests"]) * top
            lines.append(f"Total points for {name}: {line_score:.2f}/{js_number(top)}")
    return f"Points {js_number(points)}/{js_number(maximum)}", lines


class _copy:
    """A scratch copy of a submission, as a runner's checkout."""

    def __init__(self, submission: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="reference-")) / "repo"
        shutil.copytree(submission, self.folder)

    def __enter__(self) -> Path:
        return self.folder

    def __exit__(self, *_: object) -> None:
        shutil.rmtree(self.folder.parent, ignore_errors=True)
