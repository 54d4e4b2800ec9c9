"""Wire the workflow runner into a sandbox (when actions are on)."""

from __future__ import annotations

from sandbox.context import Dispatcher, Sandbox


def attach_runner(sandbox: Sandbox) -> Dispatcher | None:
    """Start the workflow runner for `sandbox`, or None when `--no-actions`."""
    if not sandbox.config.actions:
        return None
    from sandbox.actions.runner import Runner  # act and its stand-ins only when runs are on

    sandbox.runner = Runner(sandbox)
    return sandbox.runner
