"""Bad command-line input for the sandbox commands."""

from __future__ import annotations


class SandboxUsageError(ValueError):
    """Bad input to `classroom sandbox …`: one line with the fix (the CLI maps it to exit 2)."""
