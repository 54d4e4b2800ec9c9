"""Wire the workflow runner into a sandbox (when actions are on)."""

from __future__ import annotations

from typing import Protocol

from sandbox.context import Sandbox


class Runner(Protocol):
    def shutdown(self) -> None: ...


def attach_runner(sandbox: Sandbox) -> Runner | None:
    """Start the workflow runner for `sandbox`, or None when `--no-actions`."""
    if not sandbox.config.actions:
        return None
    from sandbox.actions.runner import Runner as ActRunner

    runner = ActRunner(sandbox)
    sandbox.runner = runner
    return runner
