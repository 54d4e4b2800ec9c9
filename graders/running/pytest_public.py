"""A pytest plugin the grader loads into the public-test run (`-p pytest_public`).

It runs inside the learner's own process, so it decides nothing: it only adds what the
grader reads back from the JUnit XML.
- Each test's markers, as the property `classroom_markers`, so weights can select
  `marker:NAME`.
- When a test fails because a command it ran failed (`subprocess.CalledProcessError`, as
  in a test that runs the learner's script with `check=True`), that command's own output
  leads the failure: the learner sees the `SyntaxError` in their file, not only "returned
  non-zero exit status 1". The command's last line is marked `E` so the feedback's one-line
  summary quotes it.

The grader copies this file next to the run (the learner's code cannot import the grader);
it needs nothing but pytest and the standard library.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path

import pytest

MARKERS_PROPERTY = "classroom_markers"  # graders.model.junit reads it
OUTPUT_LINES = 25


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = sorted({mark.name for mark in item.iter_markers()})
        if names:
            item.user_properties.append((MARKERS_PROPERTY, " ".join(names)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    call: pytest.CallInfo[None],
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    error = call.excinfo.value if call.excinfo is not None else None
    if report.failed and isinstance(error, subprocess.CalledProcessError):
        said = _text(error.stderr) or _text(error.output) or report.capstderr
        report.longrepr = command_failure(error, said, str(report.longrepr))
    return report


def command_failure(error: subprocess.CalledProcessError, said: str, failure: str) -> str:
    """The failure text with the command's own words first (this run's paths made short)."""
    command = error.cmd if isinstance(error.cmd, str) else " ".join(map(str, error.cmd))
    command = command.replace(sys.executable, "python")
    said = said.replace(f"{Path.cwd()}{os.sep}", "")
    lines = [line for line in said.rstrip().splitlines() if line.strip()][-OUTPUT_LINES:]
    head = f"The command `{command}` exited with code {error.returncode}"
    if not lines:
        return f"{head} and printed nothing on stderr.\n\n{failure}"
    body = [*lines[:-1], f"E   {lines[-1].strip()}"]
    return "\n".join([f"{head}; its own error:", *body, "", failure])


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else ""
