"""The tools that decide a score, pinned by the grader, and their recorded versions."""

from __future__ import annotations

import platform
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

# Installed into every submission's environment over whatever the learner asked for.
SCORING_TOOLS = ("pytest", "pytest-timeout", "ruff", "mypy", "locust", "uv")
PINNED = {name: version(name) for name in SCORING_TOOLS}
PINNED_IN_SUBMISSION_ENV = [f"{name}=={PINNED[name]}" for name in ("pytest", "pytest-timeout")]


def executable(name: str) -> str:
    """A tool installed next to the grader's own interpreter (never whatever is on PATH)."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed next to the grader")
    return found


def versions(submission_python: Path | None) -> dict[str, str]:
    """Versions of every tool that can decide a score, for the report."""
    found = dict(PINNED)
    found["python (grader)"] = platform.python_version()
    if submission_python is not None:
        from graders.process import Limits, clean_env, run_cmd

        probe = run_cmd(
            [str(submission_python), "-c", "import platform; print(platform.python_version())"],
            cwd=Path("/"),
            env=clean_env(),
            limits=Limits(timeout_seconds=30),
        )
        found["python (submission)"] = probe.output.strip() if probe.ok else "unknown"
    return found


def tail(text: str, lines: int) -> str:
    """The last `lines` lines of `text`."""
    return "\n".join(text.rstrip().splitlines()[-lines:])
