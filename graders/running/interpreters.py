"""The Python a submission runs on: the assignment's `python = "3.12"`, honoured or refused.

A grade on another Python than the one the assignment names would not be honest (a
`match` statement, a removed module, a changed default), so the grader never falls back:
when this machine has no interpreter of that version that the sandbox user may run, the
install stage ends in error (`python-unavailable`) with what was found and how to get it.
Where it looks, in order: `CLASSROOM_PYTHON` (the grading workflow sets it after
actions/setup-python installs the assignment's version), the grader's own interpreter, then
`python3.X` on the PATH and in /usr/bin and /usr/local/bin.

Interpreters found here are the machine's, never the submission's: asking one its version
runs no learner code.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from basis.procs import Limits
from graders.running.process import clean_env, run_cmd
from graders.running.workspace import sandbox_can_run, submission_interpreter

SYSTEM_FOLDERS = (Path("/usr/bin"), Path("/usr/local/bin"))
_ASK = Limits(timeout_seconds=10, output_bytes=1024)
_VERSION = "import sys; print('%d.%d' % sys.version_info[:2])"


class PythonUnavailable(Exception):
    """No interpreter of the wanted version that the sandbox user can run; says what to do."""


def interpreter_for(version: str | None) -> Path:
    """The interpreter submission environments are built from, for an assignment asking for
    `version` (None: whichever the grader would use)."""
    if version is None:
        return submission_interpreter()
    found = candidates(version)
    private = []
    for candidate in found:
        if version_of(candidate) != version:
            continue
        if sandbox_can_run(candidate):
            return candidate
        private.append(candidate)
    raise PythonUnavailable(_missing(version, private))


def candidates(version: str) -> list[Path]:
    """Interpreters worth asking, most explicit first, without duplicates."""
    named = [os.environ.get("CLASSROOM_PYTHON"), sys.executable, shutil.which(f"python{version}")]
    named += [str(folder / f"python{version}") for folder in SYSTEM_FOLDERS]
    seen: dict[Path, None] = {}
    for name in named:
        if name and Path(name).is_file():
            seen.setdefault(Path(name), None)
    return list(seen)


def version_of(python: Path) -> str | None:
    """`3.12` for a machine interpreter, None when it does not answer."""
    outcome = run_cmd(
        [str(python), "-I", "-c", _VERSION], cwd=Path("/"), env=clean_env(), limits=_ASK
    )
    said = outcome.output.strip()
    return said if outcome.ok and said.count(".") == 1 else None


def _missing(version: str, private: list[Path]) -> str:
    here = version_of(Path(sys.executable)) or "another version"
    seen = (
        f"; {', '.join(map(str, private))} has it, but the sandbox user cannot run it there "
        "(a folder on the way is private)"
        if private
        else ""
    )
    return (
        f"this assignment runs on Python {version}, which this machine does not offer the "
        f"grader (it runs {here}){seen}. Install Python {version} where every user can run "
        f"it (in a workflow: actions/setup-python with python-version {version}, then "
        f"CLASSROOM_PYTHON=$(command -v python{version})), or set CLASSROOM_PYTHON to one; "
        "grading on another version would not be honest, so nothing was graded"
    )
