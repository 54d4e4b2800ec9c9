"""API calls and wall time of `classroom provision` on the sandbox, and the time GitHub would take.

    .venv/bin/python benchmarks/provision_calls.py [--learners 50 200]

For each class size: a fresh sandbox on loopback, an org with that many learners, the
assignment published, then one full provision with pacing off. Prints API calls per learner
(reads, writes), the wall time, the modelled wall time under GitHub's secondary limit (80
content-creating requests a minute, 500 an hour), and the calls of an unchanged re-run.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orchestrator.commands.init import init  # noqa: E402
from orchestrator.commands.provision import provision  # noqa: E402
from orchestrator.commands.publish import publish  # noqa: E402
from orchestrator.course import CourseDir, load_course  # noqa: E402
from orchestrator.gateway import GitHub  # noqa: E402
from orchestrator.pacing import format_duration, modelled_seconds  # noqa: E402
from orchestrator.roster import Learner, write_roster  # noqa: E402
from sandbox.config import SandboxConfig  # noqa: E402
from sandbox.context import Sandbox  # noqa: E402
from sandbox.seeding import SeedResult, seed  # noqa: E402
from sandbox.server import ThreadedServer, free_port  # noqa: E402

ORG = "bench"


def open_class(
    data: Path, learners: int, *, etags: bool = False
) -> tuple[ThreadedServer, SeedResult, CourseDir]:
    """A sandbox server with an org of `learners` and a course folder pointed at it."""
    config = SandboxConfig(data=data / "sandbox", port=free_port(), actions=False, etags=etags)
    server = ThreadedServer(Sandbox.open(config)).start()
    seeded = seed(server.sandbox, ORG, learners, server.url)
    init(data / "course", org=ORG, api_url=server.url)
    people = [
        Learner(github_username=p.login, name=p.login, email=f"{p.login}@example.edu")
        for p in seeded.learners
    ]
    write_roster(data / "course" / "roster.csv", people)
    return server, seeded, load_course(data / "course")


def quiet() -> Console:
    return Console(file=io.StringIO(), width=200)


def measure(learners: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-provision-") as tmp:
        server, seeded, course = open_class(Path(tmp), learners)
        try:
            token = seeded.instructor.token
            publish(course, GitHub(server.url, token, backoff=0), "tasks-api")
            gh = GitHub(server.url, token, backoff=0)
            started = time.perf_counter()
            code = provision(course, gh, "tasks-api", console=quiet())
            wall = time.perf_counter() - started
            first = gh.calls
            again = GitHub(server.url, token, backoff=0)
            provision(course, again, "tasks-api", console=quiet())
        finally:
            server.stop()
            server.sandbox.store.close()
    print(
        f"{learners} learners (exit {code}): {first.reads / learners:.2f} reads + "
        f"{first.writes / learners:.2f} writes per learner ({first.reads} + {first.writes}); "
        f"wall time, pacing off: {wall:.1f} s; modelled under GitHub's limits "
        f"(80/min, 500/h): {format_duration(modelled_seconds(first.writes))}; "
        f"unchanged re-run: {again.calls.reads} reads, {again.calls.writes} writes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[50, 200])
    for count in parser.parse_args().learners:
        measure(count)


if __name__ == "__main__":
    main()
