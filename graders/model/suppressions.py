"""File-wide suppressions that lint and types do not honour, and files no checker can parse.

A learner may silence one line for a reason (`# noqa: E501`, `# type: ignore[arg-type]`);
a comment that silences a whole file switches the stage off. The grader finds those comments
the way the tools do and blanks them in the copy the tools read, so every finding they hid is
reported; each one costs what a finding costs, so adding one never pays. What is recognised:
- ruff: `# ruff: noqa` and `# flake8: noqa`, with or without codes, anywhere in a comment;
- mypy: a line starting `# mypy: ` (inline configuration: ignore-errors, disable-error-code
  and every other per-module flag), and a `# type: ignore` before the module's first
  statement (mypy then skips the whole file).
A file that does not parse hides all its findings: it is reported as one finding with the
cost the assignment gives (`per_unparsable_file`), and the copy mypy reads holds a stand-in
module in its place so the other files are still checked against it.
Pure functions over source text; tokenize and ast only read, they run nothing.
"""

from __future__ import annotations

import ast
import io
import re
import threading
import tokenize
from dataclasses import dataclass
from typing import Literal

Tool = Literal["ruff", "mypy"]
RUFF_FILE_WIDE = re.compile(r"#\s*(?:ruff|flake8)\s*:\s*noqa", re.IGNORECASE)
MYPY_INLINE = "# mypy: "
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore")
# CPython 3.11's AST conversion can fail spuriously with "AST constructor recursion depth
# mismatch" (a SystemError; CPython gh-106905, seen here once while lint and types parsed side
# by side): one parse at a time, and a spurious failure is retried.
_PARSING = threading.Lock()
_ATTEMPTS = 3
# What mypy checks other files against in place of a file it cannot parse: every name is Any.
STAND_IN = "from typing import Any\n\n\ndef __getattr__(name: str) -> Any: ...\n"


@dataclass(frozen=True)
class Suppression:
    """One file-wide suppression comment: where it is and which tool it would silence."""

    line: int
    column: int
    text: str
    tool: Tool


def file_wide(source: str, tool: Tool) -> list[Suppression]:
    """Every comment in `source` that would silence `tool` for the whole file."""
    comments = _comments(source)
    if tool == "ruff":
        return [
            Suppression(line, col, text, "ruff")
            for line, col, text in comments
            if RUFF_FILE_WIDE.search(text)
        ]
    before_first = _type_ignores_before_first_statement(source)
    return [
        Suppression(line, col, text, "mypy")
        for line, col, text in comments
        if (col == 0 and text.startswith(MYPY_INLINE))
        or (line in before_first and TYPE_IGNORE.search(text))
    ]


def blank_out(source: str, suppressions: list[Suppression]) -> str:
    """`source` with each suppression comment replaced by a bare `#` (lines and columns kept)."""
    lines = source.splitlines(keepends=True)
    for found in suppressions:
        line = lines[found.line - 1]
        end = found.column + len(found.text)
        lines[found.line - 1] = (
            line[: found.column] + "#" + " " * (len(found.text) - 1) + line[end:]
        )
    return "".join(lines)


def parse_error(source: str) -> SyntaxError | None:
    """Why `source` does not parse as Python (None when it does)."""
    try:
        _parse(source)
    except SyntaxError as exc:
        return exc
    except ValueError as exc:  # null bytes
        return SyntaxError(str(exc))
    return None


def _comments(source: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment; a file tokenize gives up on is scanned by line."""
    try:
        return [
            (tok.start[0], tok.start[1], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        found = []
        for number, line in enumerate(source.splitlines(), start=1):
            column = line.find("#")
            if column >= 0:
                found.append((number, column, line[column:]))
        return found


def _type_ignores_before_first_statement(source: str) -> set[int]:
    """Lines of `# type: ignore` comments above the first statement (mypy's rule)."""
    try:
        module = _parse(source, type_comments=True)
    except (SyntaxError, ValueError):
        return set()
    if not module.body:
        return set()
    first = module.body[0]
    decorators = getattr(first, "decorator_list", None) or []
    start = decorators[0].lineno if decorators else first.lineno
    return {ignore.lineno for ignore in module.type_ignores if ignore.lineno < start}


def _parse(source: str, *, type_comments: bool = False) -> ast.Module:
    for attempt in range(_ATTEMPTS):
        try:
            with _PARSING:
                return ast.parse(source, type_comments=type_comments)
        except SystemError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
