"""Wire the workflow runner and the scheduler into a sandbox (when actions are on)."""

from __future__ import annotations

from datetime import datetime

from sandbox.context import Dispatcher, Sandbox


def attach_runner(sandbox: Sandbox) -> Dispatcher | None:
    """Start the workflow runner for `sandbox`, or None when `--no-actions`; its scheduler
    checks the clock every minute unless `--no-schedule`."""
    if not sandbox.config.actions:
        return None
    # act, its stand-ins and croniter only when runs are on
    from sandbox.actions.runner import Runner
    from sandbox.actions.schedule import Fired, Scheduler
    from sandbox.actions.scheduled import fire

    runner = Runner(sandbox)

    def fire_between(start: datetime, end: datetime) -> list[Fired]:
        return fire(sandbox, runner, start, end)

    runner.scheduler = Scheduler(sandbox.clock, fire_between)
    if sandbox.config.schedule:
        runner.scheduler.start()
    sandbox.runner = runner
    return runner
