"""The two kinds of error a command can end with (a learner's failing submission is neither)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input: printed as one line with the fix, exit code 2, no traceback."""

    exit_code = 2


class InternalError(Exception):
    """A bug in the grader itself: traceback to a log file, exit code 3."""

    exit_code = 3
