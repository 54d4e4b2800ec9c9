"""What a GitHub Classroom command is, read from its words (pure).

- a pytest run over at most one path or test id, with only flags that cannot change whether
  it passes: it becomes an all-or-nothing group of the tests stage (`pytest FILE` exits 0
  exactly when that group passes);
- a setup command that installs Python packages: dropped (the grader installs the
  submission's pinned requirements), with the packages it named;
- a command that needs what a contained grade does not have (a service on localhost that
  nothing starts, the network, root, a process left in the background): not convertible;
- anything else runs as it is, contained.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Literal

from packaging.utils import canonicalize_name

PYTEST_PROGRAMS = (
    ("pytest",),
    ("py.test",),
    ("python", "-m", "pytest"),
    ("python3", "-m", "pytest"),
)
# Flags that change what pytest prints or when it stops, never whether the run passes.
HARMLESS_FLAGS = re.compile(
    r"^(-q|-qq|-v|-vv|-vvv|-s|-x|-ra|-rA|-rf|--quiet|--verbose|--exitfirst|--no-header"
    r"|--no-summary|--capture=\w+|--tb=\w+|--color=\w+|--durations=\d+|-p=?no:cacheprovider)$"
)
PIP_INSTALL = re.compile(r"^\s*(sudo\s+(-H\s+)?)?(python3?\s+-m\s+)?pip3?\s+install\b(?P<args>.*)$")
SERVICE = re.compile(r"\b(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?|https?://|\b(curl|wget)\b")
PRIVILEGED = re.compile(r"\b(sudo|apt-get|apt|yum|dnf|brew|snap|docker)\b")
BACKGROUND = re.compile(r"(?<![&>])&(?![&>\d])|\bnohup\b|\bdisown\b")  # not `&&`, `2>&1`
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=(?!=)")

# Why a test cannot be converted: it needs a service nothing starts (or the network), root or
# a system package, a process left running, or its check is not valid as written here.
Blocker = Literal["service", "privileged", "background", "invalid"]


@dataclass(frozen=True)
class PytestRun:
    """A pytest command the tests stage can stand for: the selector it runs (None: all)."""

    selector: str | None


def pytest_run(command: str) -> PytestRun | None:
    """The pytest run `command` is, if it is a simple one (else None: run it as it is)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    program = next((p for p in PYTEST_PROGRAMS if tuple(words[: len(p)]) == p), None)
    if program is None or any(c in command for c in ";&|><`$"):
        return None
    rest = " ".join(words[len(program) :]).replace("-p no:cacheprovider", "-p=no:cacheprovider")
    paths = [w for w in rest.split() if not w.startswith("-")]
    flags = [w for w in rest.split() if w.startswith("-")]
    if len(paths) > 1 or not all(HARMLESS_FLAGS.match(f) for f in flags):
        return None
    file = paths[0].split("::")[0] if paths else ""
    if file.startswith(("/", "..")) or any(c in file for c in "*?["):
        return None
    return PytestRun(paths[0].removeprefix("./").rstrip("/") if paths else None)


@dataclass(frozen=True)
class Setup:
    """What a setup command asks for."""

    kind: Literal["none", "pip", "keep", "impossible"]  # pip: dropped; keep: run as setup
    packages: tuple[str, ...] = ()
    blocker: Blocker | None = None  # why it is impossible


def setup_of(command: str) -> Setup:
    """How a test's setup command carries over."""
    if not command.strip():
        return Setup("none")
    parts = [p.strip() for p in re.split(r"&&|;|\n", command) if p.strip()]
    if parts and all(PIP_INSTALL.match(p) for p in parts):
        return Setup("pip", tuple(sorted({n for p in parts for n in _packages(p)})))
    blocker = needs_outside(command)
    return Setup("impossible", blocker=blocker) if blocker else Setup("keep")


def needs_outside(command: str) -> Blocker | None:
    """What `command` needs that a contained grade never has (None: nothing)."""
    if SERVICE.search(command):
        return "service"
    if PRIVILEGED.search(command):
        return "privileged"
    if BACKGROUND.search(command):
        return "background"
    return None


def _packages(part: str) -> list[str]:
    match = PIP_INSTALL.match(part)
    assert match is not None
    words = shlex.split(match.group("args"))
    names, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("-r", "--requirement", "-c", "--constraint", "-i", "--index-url"):
            skip = True
        elif not word.startswith("-") and not ENV_ASSIGNMENT.match(word):
            names.append(canonicalize_name(re.split(r"[<>=!~\[; ]", word, maxsplit=1)[0]))
    return [n for n in names if n]


def overlaps(a: str | None, b: str | None) -> bool:
    """Whether two pytest selectors can select a test in common (None: every test)."""
    if a is None or b is None:
        return True
    return a == b or a.startswith(f"{b}/") or b.startswith(f"{a}/") or _same_file(a, b)


def _same_file(a: str, b: str) -> bool:
    """`tests/t.py` and `tests/t.py::test_x` (or two ids, one inside the other)."""
    return a.startswith(f"{b}::") or b.startswith(f"{a}::")
