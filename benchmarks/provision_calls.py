"""API calls and wall time of `classroom provision` on the sandbox, and the time GitHub would take.

    .venv/bin/python benchmarks/provision_calls.py [--learners 50 200] [--feedback]

For each class size: a fresh sandbox on loopback, an org with that many learners, the
assignment published, then one full provision with pacing off. Prints the writes per learner
(content-creating requests: what GitHub's secondary limit counts) and those made once for the
class (the organization ruleset), REST reads and GraphQL queries, the wall time, the modelled
wall time under GitHub's secondary limit (80 content-creating requests a minute, 500 an hour),
and the calls of an unchanged re-run. `--feedback` turns the Feedback pull request on.
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


def with_feedback(course: CourseDir) -> CourseDir:
    toml = course.root / "course.toml"
    toml.write_text(
        toml.read_text().replace("feedback_pull_request = false", "feedback_pull_request = true")
    )
    return load_course(course.root)


def measure(learners: int, feedback: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-provision-") as tmp:
        server, seeded, course = open_class(Path(tmp), learners)
        course = with_feedback(course) if feedback else course
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
            shared = 1 if course.course.repos.protection == "ruleset" else 0
            shared += 1 if course.course.grading_repo else 0
        finally:
            server.stop()
    per_learner = (first.writes - shared) / learners
    print(
        f"{learners} learners{' with the Feedback PR' if feedback else ''} (exit {code}): "
        f"{per_learner:.2f} writes per learner + {shared} for the class; "
        f"{first.reads} REST reads, {first.queries} GraphQL queries ({gh.points} points); "
        f"wall time, pacing off: {wall:.1f} s; modelled under GitHub's limits "
        f"(80/min, 500/h): {format_duration(modelled_seconds(first.writes))}; unchanged "
        f"re-run: {again.calls.reads} reads, {again.calls.queries} queries, "
        f"{again.calls.writes} writes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--feedback", action="store_true", help="with the Feedback pull request")
    args = parser.parse_args()
    for count in args.learners:
        measure(count, args.feedback)


if __name__ == "__main__":
    main()
