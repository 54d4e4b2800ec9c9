"""The learner's own tests: which files they are, and what a report may say about them.

Their tests run with the reference solution as the code under test, so anything they print,
any value an assertion compares and any name they compute while running (a parametrize id, an
exception class made on the fly, a forged JUnit file) may carry the solution's source. The
report says only what the learner wrote themselves, checked against their own files: a test's
file and names when each is written in that file (`def name` / `class Name`), the line of
their file that failed (quoted from their file, never from the run), and the exception's type
when it is one of Python's own.
"""

from __future__ import annotations

import builtins
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

TEST_FILES = ("test_*.py", "*_test.py")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
PYTHON_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) | {"Failed"}  # pytest.fail() and pytest-timeout's "Timeout >20s"
LOCATION = re.compile(r"^([\w./-]+\.py):(\d+):", re.MULTILINE)
MAX_LINE = 120


@dataclass(frozen=True)
class Finding:
    """A test that failed on correct code, in words the learner wrote or we did."""

    test: str  # `file::name`, or "a test in FILE" when the name cannot be vouched for
    exception: str  # a Python exception's name, or a fixed phrase
    line: int | None = None
    source: str = ""  # the learner's own line, from their file


def is_test_file(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in TEST_FILES)


def own_files(submission: Path, paths: list[str], starter: Path) -> list[str]:
    """Files under `paths` of the submission, without the test files the starter ships there.

    Nothing is found through a symbolic link to a folder: the grader reads these files, and a
    link would have it read (and quote) whatever the link points at."""
    found: list[str] = []
    for base in paths:
        if _through_a_link(submission, base):
            continue
        start = submission / base
        candidates = [start] if start.is_file() else _walk(start)
        for path in candidates:
            rel = path.relative_to(submission).as_posix()
            if "__pycache__" in rel or not (path.is_file() or path.is_symlink()):
                continue
            if is_test_file(path.name) and (starter / rel).is_file():
                continue  # a public test: the assignment's, not the learner's
            found.append(rel)
    return sorted(found)


def _through_a_link(root: Path, rel: str) -> bool:
    parts = Path(rel).parts
    return any((root.joinpath(*parts[:i])).is_symlink() for i in range(1, len(parts) + 1))


def _walk(folder: Path) -> list[Path]:
    """Every entry under `folder`, never descending through a link."""
    found: list[Path] = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        found += [Path(here) / name for name in files]
        found += [Path(here) / name for name in dirs if (Path(here) / name).is_symlink()]
    return found


def finding(node_id: str, outcome: str, text: str, sources: dict[str, str]) -> Finding:
    """What may be said of a test (`node_id` from the run) that did not pass on the solution.

    `text` is the run's failure text: only a file:line of the learner's own files and the
    exception's name are taken from it; `sources` are the learner's test files by path."""
    test, file = vouched_name(node_id, sources)
    line = _failed_line(text, file, sources)
    quoted = sources[file].splitlines()[line - 1].strip()[:MAX_LINE] if file and line else ""
    return Finding(test, _exception(outcome, text), line, quoted)


def vouched_name(node_id: str, sources: dict[str, str]) -> tuple[str, str | None]:
    """(what to call the test, its file) with every part checked against the learner's file."""
    bare = node_id.split("[", 1)[0]  # parametrize ids are computed while running: never shown
    file, *names = bare.split("::")
    if file not in sources:
        return "one of your tests", None
    text = sources[file]
    for name in names:
        defined = re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", text, re.M)
        if not IDENTIFIER.match(name) or defined is None:
            return f"a test in {file}", file
    shown = "::".join([file, *names])
    return (f"{shown} (one of its parametrized cases)" if "[" in node_id else shown), file


def _failed_line(text: str, file: str | None, sources: dict[str, str]) -> int | None:
    """The last line of the learner's file the failure's traceback names, if it exists."""
    if file is None:
        return None
    lines = [int(m.group(2)) for m in LOCATION.finditer(text) if m.group(1) == file]
    count = len(sources[file].splitlines())
    lines = [n for n in lines if 1 <= n <= count]
    return lines[-1] if lines else None


def _exception(outcome: str, text: str) -> str:
    if outcome == "missing":
        return "it did not run (its file failed to import or collect)"
    if outcome == "error":
        return "an error in a fixture or in setting the test up"
    found: list[str] = re.findall(r"^E\s+([A-Za-z_][A-Za-z0-9_.]*)(?::|$)", text, re.MULTILINE)
    found += re.findall(r":\d+: ([A-Za-z_][A-Za-z0-9_]*)$", text, re.MULTILINE)
    named = [name.rsplit(".", 1)[-1] for name in found]
    known: list[str] = [name for name in named if name in PYTHON_EXCEPTIONS]
    if known:
        return known[-1]
    return "AssertionError" if text.lstrip().startswith("assert") else "an exception"
