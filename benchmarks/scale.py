"""A course of 10,000 learners on the sandbox, with GitHub's limits on, pacing modelled.

    .venv/bin/python benchmarks/scale.py [--learners 10000] [--sitting-hours 8] [--accept 0.9]

The sandbox enforces GitHub's limits for one token: 5,000 REST requests an hour (primary),
80 content-creating requests a minute and 500 an hour (secondary), 5,000 GraphQL points an
hour. Nothing sleeps: every wait (the pacer's, a rate limit's reset) moves the sandbox's clock
forward instead, and the sandbox judges each request by that clock. So a request over a limit
is refused as GitHub would refuse it, and the clock's advance is the wall time GitHub would
take (the modelled time; the sandbox's own processing time is in it too).

Steps, in-process, against one sandbox on loopback:
1. seed: the org, the instructor and LEARNERS accounts straight into the sandbox's store (the
   API has no route to create users); one tiny assignment published through the API;
2. provision: the real `classroom provision --hours H`, run as a cron would, one sitting
   every H hours until nothing is left; between sittings learners accept a share of the
   pending invitations (in the store: a learner's acceptance is not the instructor's call);
3. collect: each repository gets a `classroom/grade` check run (written straight into the
   store: the grading workflow's work), then the real `classroom collect`;
4. the official plan: `orchestrator/official/planning.make_plan` for the assignment, as the
   official workflow's plan job runs it (in-process, no act).

Prints, per step: API calls (REST reads, writes, GraphQL queries and points), the modelled
wall time, the peak share of each limit, requests refused over a limit, and failures.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.class_seed import (  # noqa: E402
    SLUG,
    ModelledTime,
    accept_invitations,
    assignments_toml,
    seed_grades,
    tiny_catalog,
)
from orchestrator.commands.collect import collect  # noqa: E402
from orchestrator.commands.init import init  # noqa: E402
from orchestrator.commands.provision import provision  # noqa: E402
from orchestrator.commands.publish import publish  # noqa: E402
from orchestrator.course import CourseDir, load_course  # noqa: E402
from orchestrator.gateway import GitHub  # noqa: E402
from orchestrator.grades_store import load_store  # noqa: E402
from orchestrator.official.planning import Origin, Request, make_plan  # noqa: E402
from orchestrator.pacing import Calls, Pacer, format_duration  # noqa: E402
from orchestrator.roster import Learner, write_roster  # noqa: E402
from orchestrator.write_log import writes_recorded  # noqa: E402
from sandbox.api.realism import Peaks  # noqa: E402
from sandbox.config import RateLimits, SandboxConfig  # noqa: E402
from sandbox.context import Sandbox  # noqa: E402
from sandbox.records import Account, Membership  # noqa: E402
from sandbox.server import ThreadedServer, free_port  # noqa: E402

ORG = "huge"
LIMITS = RateLimits(
    primary_per_hour=5000,
    secondary_per_minute=80,
    secondary_per_hour=500,
    graphql_points_per_hour=5000,
)


@dataclass
class Step:
    """One row of the table."""

    name: str
    calls: Calls
    points: int
    modelled: float
    peaks: Peaks
    failures: int
    note: str = ""


def seed_people(sandbox: Sandbox, learners: int) -> tuple[str, list[str]]:
    """The org, its admin and `learners` users, straight into the store; the admin's token."""
    sandbox.store.add(Account(login=ORG, type="Organization", name=ORG))
    instructor = f"{ORG}-instructor"
    sandbox.store.add(Account(login=instructor, name=instructor, email="i@example.test"))
    sandbox.store.add(Membership(org=ORG, login=instructor, role="admin"))
    logins = [f"{ORG}-learner-{i}" for i in range(1, learners + 1)]
    with sandbox.store.transaction():
        for login in logins:
            sandbox.store.add(Account(login=login, name=login, email=f"{login}@example.test"))
    return sandbox.new_token(instructor).token, logins


def course_for(root: Path, url: str, logins: list[str]) -> CourseDir:
    init(root / "course", org=ORG, api_url=url)
    toml = root / "course" / "course.toml"
    toml.write_text(toml.read_text() + assignments_toml([SLUG]))
    people = [
        Learner(github_username=x, name=f"Learner {x}", email=f"{x}@example.edu") for x in logins
    ]
    write_roster(root / "course" / "roster.csv", people)
    loaded = load_course(root / "course")
    catalog = tiny_catalog(root / "catalog")
    return CourseDir(root=loaded.root, course=loaded.course.model_copy(update={"catalog": catalog}))


class Run:
    """One gateway per step, on the modelled clock, with GitHub's pacing."""

    def __init__(self, server: ThreadedServer, token: str, course: CourseDir) -> None:
        self.server = server
        self.token = token
        self.course = course
        self.time = ModelledTime(server.sandbox)

    def command(self) -> AbstractContextManager[GitHub]:
        """The gateway of one instructor's command, as the CLI gives it: paced counting the
        token's writes of the last hour that earlier commands recorded in the course folder."""
        return writes_recorded(self.course.root, self.gateway())

    def gateway(self) -> GitHub:
        pacing = self.course.course.pacing
        pacer = Pacer(
            pacing.writes_per_minute,
            pacing.writes_per_hour,
            clock=self.time.clock,
            sleep=self.time.sleep,
        )
        return GitHub(
            self.server.url,
            self.token,
            pacer=pacer,
            sleep=self.time.sleep,
            clock=self.time.clock,
        )

    def fresh_peaks(self) -> Peaks:
        limiter = self.server.sandbox.limiter
        limiter.peaks = Peaks()
        return limiter.peaks


def provision_in_sittings(run: Run, hours: float, accept: float) -> Step:
    """`classroom provision --hours H` every H hours until nothing is left."""
    peaks, total, points, failures, sittings = run.fresh_peaks(), Calls(), 0, 0, 0
    first_plan = ""
    start = run.time.clock()
    while True:
        console = Console(file=io.StringIO(), width=300)
        with run.command() as gh:
            code = provision(run.course, gh, SLUG, hours=hours, console=console)
        total, points = total + gh.calls, points + gh.points
        assert isinstance(console.file, io.StringIO)
        printed = console.file.getvalue()
        first_plan = first_plan or printed.splitlines()[0]
        failures += printed.count(f"failed {ORG}/")
        sittings += 1
        if code != 0 or "nothing to do" in printed:
            break
        accept_invitations(run.server.sandbox, accept)
        next_start = start + sittings * hours * 3600
        run.server.sandbox.clock.advance(max(0.0, next_start - run.time.clock()))
    return Step(
        "provision",
        total,
        points,
        run.time.clock() - start,
        peaks,
        failures,
        f"{sittings} sittings of {hours:g} h (the last finds nothing to do); {first_plan}",
    )


def collect_step(run: Run, learners: list[str]) -> Step:
    names = [f"{ORG}/{run.course.course.repo_name(SLUG, x)}" for x in learners]
    seed_grades(run.server.sandbox, names, {n: i % 101 for i, n in enumerate(names)})
    peaks, start, gh = run.fresh_peaks(), run.time.clock(), run.gateway()
    collect(run.course, gh, SLUG, console=Console(file=io.StringIO()))
    stored = len(load_store(run.course.root, SLUG))
    failures = len(learners) - stored
    return Step(
        "collect",
        gh.calls,
        gh.points,
        run.time.clock() - start,
        peaks,
        failures,
        f"{stored} grades stored",
    )


def official_step(run: Run) -> Step:
    learners = tuple(
        Learner(github_username=x.login, name=x.name, email=x.email)
        for x in load_course_roster(run.course)
    )
    origin = Origin(f"{ORG}/course", "c" * 40, f"{ORG}/classroom", "d" * 40, "workflow_dispatch")
    peaks, start, gh = run.fresh_peaks(), run.time.clock(), run.gateway()
    plan = make_plan(
        gh,
        run.course,
        learners,
        load_store(run.course.root),
        origin,
        request=Request(assignment=SLUG, reason="scale"),
        now=datetime.now(UTC),
    )
    planned = sum(len(c.entries) for c in plan.chunks)
    failures = sum(len(c) for c in plan.causes.values())
    return Step(
        "official plan",
        gh.calls,
        gh.points,
        run.time.clock() - start,
        peaks,
        failures,
        f"{planned} learners in {len(plan.chunks)} grade jobs",
    )


def load_course_roster(course: CourseDir) -> tuple[Learner, ...]:
    from orchestrator.roster import load_roster

    return load_roster(course.roster_path).require_valid().learners


def table(steps: list[Step], learners: int) -> str:
    lines = [
        f"| {learners:,} learners | REST reads | writes | GraphQL queries (points) | modelled "
        "time | peak primary | peak 80/min | peak 500/h | peak GraphQL | over a limit | "
        "failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in steps:
        refused = sum(s.peaks.refused.values())
        lines.append(
            f"| {s.name} | {s.calls.reads:,} | {s.calls.writes:,} | {s.calls.queries:,} "
            f"({s.points:,}) | {format_duration(s.modelled)} | {s.peaks.primary:.0%} | "
            f"{s.peaks.secondary_minute:.0%} | {s.peaks.secondary_hour:.0%} | "
            f"{s.peaks.graphql:.0%} | {refused} | {s.failures} |"
        )
    lines += [f"- {s.name}: {s.note}" for s in steps if s.note]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--sitting-hours", type=float, default=8.0)
    parser.add_argument(
        "--accept", type=float, default=0.9, help="invitations accepted between sittings"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        config = SandboxConfig(
            data=Path(tmp) / "sandbox",
            port=free_port(),
            actions=False,
            schedule=False,
            etags=True,
            rate_limits=LIMITS,
        )
        server = ThreadedServer(Sandbox.open(config)).start()
        try:
            token, learners = seed_people(server.sandbox, args.learners)
            course = course_for(Path(tmp), server.url, learners)
            run = Run(server, token, course)
            with run.command() as gh:
                publish(course, gh, SLUG)
            steps = [provision_in_sittings(run, args.sitting_hours, args.accept)]
            steps.append(collect_step(run, learners))
            steps.append(official_step(run))
        finally:
            server.stop()
    print(table(steps, args.learners))
    print(f"(benchmark wall time on this machine: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
