"""A service's CPU time and its pause button, on real processes (no service needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.running.cpu_time import (
    ServiceMeter,
    children_cpu_seconds,
    machine_busy_seconds,
    tree,
    tree_cpu_seconds,
)
from graders.running.service import RunningService
from graders.stages.load_rounds import MachineShare
from tests.conftest import ROOT
from tests.processes import eventually, running

# A parent that starts a child; each does a fixed amount of work when it reads a line, then
# prints "done" (the parent after its child), and both wait for the next line.
WORKER = """
import subprocess, sys
def work():
    sum(i * i for i in range(3_000_000))
child = None
if sys.argv[1:] == ["parent"]:
    child = subprocess.Popen([sys.executable, __file__, "child"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    work()
    if child:
        child.stdin.write("go\\n"); child.stdin.flush(); child.stdout.readline()
    print("done", flush=True)
"""


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    proc = subprocess.Popen(
        [sys.executable, str(script), "parent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    yield proc
    proc.kill()
    proc.wait()


def ask(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "done"


def state(pid: int) -> str:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rfind(")") + 2]


def test_the_tree_holds_the_process_and_its_child(worker):
    ask(worker)
    assert len(tree(worker.pid)) == 2


def test_cpu_time_counts_the_work_of_the_whole_tree(worker):
    meter = ServiceMeter(worker.pid)
    try:
        before = meter.cpu_seconds()
        ask(worker)  # the same work in the parent and in its child
        spent = meter.cpu_seconds() - before
        alone = tree_cpu_seconds(worker.pid)
    finally:
        meter.close()
    assert spent > 0.05  # work, not waiting: a busy machine cannot make it smaller
    assert alone > 0.05


@pytest.fixture(params=["cgroups", "no-cgroups"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """With the machine's cgroups, and as on a machine that has none (signals and /proc)."""
    if request.param == "no-cgroups":
        monkeypatch.setattr("graders.running.cpu_time._group", lambda *_: None)
    return str(request.param)


def test_without_cgroups_cpu_time_is_read_from_the_process_tree(worker, where):
    meter = ServiceMeter(worker.pid)
    try:
        before = meter.cpu_seconds()
        ask(worker)
        assert meter.cpu_seconds() - before > 0.05
        assert meter.source == ("processes" if where == "no-cgroups" else "cgroup")
    finally:
        meter.close()


@pytest.mark.usefixtures("where")
def test_a_paused_service_has_every_process_stopped_and_runs_again_after(worker):
    ask(worker)
    meter = ServiceMeter(worker.pid)
    try:
        with meter.paused():
            frozen = _frozen(meter)
            states = {state(pid) for pid in tree(worker.pid)}
            assert frozen or states == {"T"}
        ask(worker)  # answers again
    finally:
        meter.close()


def _frozen(meter: ServiceMeter) -> bool:
    group = meter._freezer  # the freezer cgroup, where the machine lets the grader make one
    return group is not None and (group.path / "freezer.state").read_text().strip() == "FROZEN"


def test_closing_the_meter_leaves_the_service_running_and_no_group_behind(worker):
    meter = ServiceMeter(worker.pid)
    groups = [g.path for g in (meter._cpu, meter._freezer) if g is not None]
    meter.close()
    ask(worker)
    assert not any(path.exists() for path in groups)


def test_the_work_of_a_process_that_is_not_the_service_counts_as_foreign_cores(tmp_path):
    """A hog the grader has not waited for (not Locust, not the service, not its database):
    everything it burned during the round is in the round's foreign cores (other work on the
    machine can only add to them)."""
    done = tmp_path / "done"
    hog_script = f"sum(i * i for i in range(6_000_000)); open({str(done)!r}, 'w').close(); "
    hog_script += "import time; time.sleep(60)"
    service = RunningService(base_url="http://127.0.0.1:9", process=None, netns=None)  # type: ignore[arg-type]
    started = time.monotonic()
    share = MachineShare(service)
    hog = subprocess.Popen([sys.executable, "-c", hog_script])
    try:
        while not done.exists():
            time.sleep(0.01)
        burned = tree_cpu_seconds(hog.pid)
        foreign = share.foreign_cores(service_cpu=0.0)
        wall = time.monotonic() - started
    finally:
        hog.kill()
        hog.wait()
    assert burned > 0.1
    assert foreign is not None
    assert foreign * wall >= burned - 0.05  # clock ticks of 10 ms, a few of them


def test_the_machine_counts_the_cpu_its_processes_spend():
    before = machine_busy_seconds()
    assert before is not None
    child = children_cpu_seconds()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
    spent = children_cpu_seconds() - child
    after = machine_busy_seconds()
    assert after is not None and after - before >= spent - 0.05


# A grader killed outright (an act run's time limit, the OOM killer) while the service it
# measures next is paused. Its watchdog kills the service's process group, but a process in a
# FROZEN freezer cgroup cannot act on a SIGKILL until it is thawed: before, the service was
# left frozen for good (state D, unkillable), with its freezer cgroup.
PAUSED_OWNER = """
import sys, time
from pathlib import Path
from basis.procs import Limits, Spawned
from graders.running.cpu_time import ServiceMeter

marker = sys.argv[1]
server = Spawned(["bash", "-c", 'exec -a "$0" sleep 600', marker], cwd=Path("/"),
                 env={"PATH": "/usr/bin:/bin"}, limits=Limits(timeout_seconds=600))
meter = ServiceMeter(server.proc.pid)
groups = [g.path for g in (meter._cpu, meter._freezer) if g is not None]
with meter.paused():
    print(*groups, flush=True)
    time.sleep(600)
"""


def test_a_grader_killed_while_the_service_is_paused_leaves_no_service_and_no_group() -> None:
    marker = f"paused-service-{os.getpid()}-{time.monotonic_ns()}"
    owner = subprocess.Popen(
        [sys.executable, "-c", PAUSED_OWNER, marker], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        groups = [Path(p) for p in owner.stdout.readline().split()]
        assert running(marker), "the service did not start"
        owner.kill()  # no finally runs: the watchdog is all that is left
        owner.wait()
        eventually(lambda: not running(marker), "the paused service outlived its grader")
        eventually(lambda: not any(p.exists() for p in groups), "the meter's groups stayed")
    finally:
        owner.kill()
        owner.wait()
