"""The learner's worker processes (`[app] workers`), kept running as a process manager would.

Each command runs beside the service, in its sandbox (graders.running.service starts them with
the same `spawn`). One that exits in its first WORKER_SETTLE_SECONDS did not start: the stage
ends naming it. One that exits later (it crashed, or a hidden check killed it mid-job to see
the work recovered) is started again after RESTART_DELAY_SECONDS, up to MAX_RESTARTS times, as
systemd's `Restart=always` would. The current pid of each is written to a JSON file the hidden
checks get (`CLASSROOM_WORKERS`): the grader's checks may kill a worker, the learner's code
never sees the file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graders.model.causes import cause_line
from graders.running.process import Spawned

WORKER_SETTLE_SECONDS = 1.0
RESTART_DELAY_SECONDS = 0.5
MAX_RESTARTS = 20
WATCH_SECONDS = 0.1


@dataclass
class Worker:
    """One command of `[app] workers` and the process running it now."""

    command: str
    current: Spawned
    exits: list[str] = field(default_factory=list)  # "code N: what it said last", in order


class WorkerDidNotStart(Exception):
    """A worker exited while the service started: the message names it and what it said."""

    def __init__(self, message: str, log: str) -> None:
        super().__init__(message)
        self.log = log


class Supervisor:
    """The workers of one running service: started at once, watched once settled, stopped."""

    def __init__(self, commands: list[str], spawn: Callable[[str], Spawned], state: Path) -> None:
        assert commands, "a supervisor of no workers would wait out their settling for nothing"
        self._spawn = spawn
        self.state = state
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._started = time.monotonic()
        self.workers: list[Worker] = []
        try:
            for command in commands:
                self.workers.append(Worker(command, spawn(command)))
        except BaseException:  # an interrupt, or a command that cannot start: none left behind
            for worker in self.workers:
                worker.current.stop()
            raise
        self._thread = threading.Thread(target=self._watch, name="workers", daemon=True)
        self._write_state()

    def settle(self) -> None:
        """Wait out the workers' first WORKER_SETTLE_SECONDS, then keep them running;
        WorkerDidNotStart if one exited meanwhile."""
        settled = self._started + WORKER_SETTLE_SECONDS
        while self._all_alive() and time.monotonic() < settled:
            time.sleep(0.05)
        for worker in self.workers:
            if not worker.current.alive():
                said = cause_line(worker.current.output) or "it printed nothing"
                raise WorkerDidNotStart(
                    f"the worker `{worker.command}` exited with code "
                    f"{worker.current.proc.returncode} while the service started: {said}",
                    worker.current.output,
                )
        self._thread.start()

    def summary(self) -> str:
        """What the workers did besides running, in a sentence ("" when nothing): how often each
        stopped during the stage and was started again, and why the last time."""
        said = []
        for worker in self.workers:
            if worker.exits:
                times = "1 time" if len(worker.exits) == 1 else f"{len(worker.exits)} times"
                after = (
                    f" and was not started again after the {MAX_RESTARTS}th"
                    if len(worker.exits) >= MAX_RESTARTS
                    else " and was started again"
                )
                said.append(
                    f"the worker `{worker.command}` stopped {times} during the stage{after} "
                    f"(last: {worker.exits[-1]})"
                )
        return "; ".join(said)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        with self._lock:
            for worker in self.workers:
                worker.current.stop()

    def _all_alive(self) -> bool:
        return all(worker.current.alive() for worker in self.workers)

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            for worker in self.workers:
                if not worker.current.alive() and len(worker.exits) < MAX_RESTARTS:
                    self._restart(worker)

    def _restart(self, worker: Worker) -> None:
        code = worker.current.stop()  # reaps it and closes its sandbox
        if code is not None and code < 0:
            worker.exits.append(f"killed by signal {-code}")
        else:
            said = cause_line(worker.current.output) or "it printed nothing"
            worker.exits.append(f"code {code}: {said}")
        if self._stopping.wait(RESTART_DELAY_SECONDS):
            return
        with self._lock:
            if not self._stopping.is_set():
                worker.current = self._spawn(worker.command)
        self._write_state()

    def _write_state(self) -> None:
        pids = [{"command": w.command, "pid": w.current.proc.pid} for w in self.workers]
        partial = self.state.with_suffix(".tmp")
        partial.write_text(json.dumps({"workers": pids}), encoding="utf-8")
        partial.replace(self.state)
