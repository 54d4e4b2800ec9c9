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
    """Versions of every tool that can decide a score, for the report (nothing is run)."""
    found = dict(PINNED)
    found["python (grader)"] = platform.python_version()
    if submission_python is not None:
        found["python (submission)"] = environment_python_version(submission_python)
    return found


def environment_python_version(python: Path) -> str:
    """The environment's Python version from its `pyvenv.cfg`: running that interpreter would
    run whatever `.pth` files its installed wheels brought along."""
    config = python.parent.parent / "pyvenv.cfg"
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() in ("version_info", "version"):
            return value.strip()
    return "unknown"


def tail(text: str, lines: int) -> str:
    """The last `lines` lines of `text`."""
    return "\n".join(text.rstrip().splitlines()[-lines:])
