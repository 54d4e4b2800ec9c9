"""The line of a command's output that says why it failed, for a one-line message.

A Python program that dies prints a traceback whose last line names the error
(`sqlite3.OperationalError: no such table: users`); other programs usually end with theirs.
Display only: what a grade decides comes from exit codes and typed causes, never from here.
"""

from __future__ import annotations

import re

# `SyntaxError: ...`, `django.core.exceptions.ImproperlyConfigured: ...`, `KeyboardInterrupt`
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Fault|Warning)\b")
WIDTH = 300


def cause_line(output: str) -> str:
    """The last error line of `output` (a traceback's), else its last non-empty line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if ERROR_LINE.match(line)]
    found = errors[-1] if errors else (lines[-1] if lines else "")
    return found if len(found) <= WIDTH else found[: WIDTH - 1] + "…"


def failed_because(what: str, code: int | None, timed_out: bool, output: str) -> str:
    """`the seed command `x` exited with code 1: KeyError: 'users'` (one line)."""
    if timed_out:
        return f"{what} did not finish in time and was stopped"
    said = cause_line(output)
    ending = f": {said}" if said else " and printed nothing"
    return f"{what} exited with code {code}{ending}"
