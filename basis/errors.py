"""The two kinds of error a command can end with (a learner's failing submission is neither),
and the exit code of every way a command ends."""

from __future__ import annotations

OK = 0
BAD_INPUT = 2  # a UserError
INTERNAL_ERROR = 3  # a bug of ours: traceback in a log file
INTERRUPTED = 130  # Ctrl-C, as a shell reports it (128 + the signal: basis.interrupts)
BROKEN_PIPE = 141  # the reader of our output left (`classroom grade … | head`)


class UserError(Exception):
    """Bad input: printed as one line with the fix, exit code 2, no traceback."""

    exit_code = BAD_INPUT


class InternalError(Exception):
    """A bug in the code itself: traceback to a log file, exit code 3."""

    exit_code = INTERNAL_ERROR
