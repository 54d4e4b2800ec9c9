"""What this machine lets the grader use to contain a submission, probed once.

Full containment needs root (the official workflow runs the grader through `sudo`):
- every grading gets a uid of its own (`setpriv`), so gradings cannot write each other's
  files or signal each other's processes, and root's exemption from RLIMIT_NPROC is gone;
- every untrusted command sees a private filesystem (`bwrap`): the system read-only, its own
  environment and interpreter read-only, its own folders writable, a private /tmp, /proc of
  its own pid namespace, and nothing else (no hidden tests, no grader, no other learner);
- it has no network, or (the learner's service) a network namespace of its own with only
  loopback, which the grader's checks and Locust join (`ip netns`, `nsenter`);
- pids and memory cgroups bound it where the machine has writable cgroup v1 controllers,
  rlimits elsewhere (a uid of its own makes RLIMIT_NPROC exact).
Without root the grader falls back to rlimits and process groups, and says so in the report.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from graders.model.report import Containment

CGROUP_FS = Path("/sys/fs/cgroup")
INSTALL_BWRAP = "install bubblewrap (Debian/Ubuntu: `sudo apt-get install -y bubblewrap`)"
RUN_AS_ROOT = (
    "run the grader as root (`sudo -E classroom grade …`; GitHub-hosted runners have "
    "passwordless sudo)"
)


@dataclass(frozen=True)
class Capabilities:
    """What this machine lets the grader use to contain a submission."""

    is_root: bool
    setpriv: str | None
    bwrap: str | None
    netns: bool  # `ip netns` and `nsenter`: a network namespace per service
    pids_cgroup: Path | None
    memory_cgroup: Path | None
    disabled: bool = False  # CLASSROOM_CONTAINMENT=none

    @property
    def own_uid(self) -> bool:
        return self.is_root and self.setpriv is not None and not self.disabled

    @property
    def private_filesystem(self) -> bool:
        return self.is_root and self.bwrap is not None and not self.disabled

    @property
    def private_network(self) -> bool:
        return self.is_root and self.netns and not self.disabled

    def missing(self) -> list[str]:
        """What full containment needs that this machine lacks, each with how to get it."""
        if self.disabled:
            return ["containment was turned off (CLASSROOM_CONTAINMENT=none)"]
        if not self.is_root:
            return [f"a uid of its own, a private filesystem and network: {RUN_AS_ROOT}"]
        gaps = []
        if self.setpriv is None:
            gaps.append("a uid of its own: install util-linux (setpriv)")
        if self.bwrap is None:
            gaps.append(f"a private filesystem: {INSTALL_BWRAP}")
        if not self.netns:
            gaps.append("a private network: install iproute2 (ip) and util-linux (nsenter)")
        return gaps

    def describe(self, sandbox_uid: int | None) -> Containment:
        """The report's account of the containment in force."""
        missing = self.missing()
        any_at_all = not self.disabled and (self.own_uid or self.private_filesystem)
        return Containment(
            level="full" if not missing else ("partial" if any_at_all else "none"),
            sandbox_uid=sandbox_uid,
            private_filesystem=self.private_filesystem,
            network="none" if self.private_network else "host",
            processes=self._processes(),
            memory="memory cgroup" if self.memory_cgroup else "address-space limit",
            missing=missing,
        )

    def _processes(self) -> str:
        bounds = ["pids cgroup" if self.pids_cgroup else "RLIMIT_NPROC"]
        if self.private_filesystem:
            bounds.append("pid namespace")
        if self.own_uid:
            bounds.append("a uid of its own")
        return ", ".join(bounds)


@functools.cache
def detect() -> Capabilities:
    """Probe the machine once; `CLASSROOM_CONTAINMENT=none` turns everything off."""
    is_root = os.geteuid() == 0
    if os.environ.get("CLASSROOM_CONTAINMENT") == "none":
        return Capabilities(is_root, None, None, False, None, None, disabled=True)
    return Capabilities(
        is_root=is_root,
        setpriv=shutil.which("setpriv"),
        bwrap=shutil.which("bwrap"),
        netns=bool(shutil.which("ip") and shutil.which("nsenter")),
        pids_cgroup=_writable_cgroup("pids") if is_root else None,
        memory_cgroup=_writable_cgroup("memory") if is_root else None,
    )


def _own_cgroup(controller: str) -> Path | None:
    """The v1 cgroup this process sits in for `controller`."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return CGROUP_FS / controller / path.lstrip("/")
    return None


def _writable_cgroup(controller: str) -> Path | None:
    parent = _own_cgroup(controller)
    if parent is None or not parent.is_dir():
        return None
    probe = parent / f"classroom-probe-{uuid.uuid4().hex[:8]}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return None
    return parent


def writable_cgroup(controller: str) -> Path | None:
    """The cgroup v1 folder of `controller` the grader may create groups in (None: it may not,
    or containment is off)."""
    caps = detect()
    if not caps.is_root or caps.disabled:
        return None
    return _writable_cgroup(controller)
