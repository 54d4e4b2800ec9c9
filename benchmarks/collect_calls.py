"""API calls and wall time of `classroom collect` for a whole course on the sandbox.

    .venv/bin/python benchmarks/collect_calls.py [--learners 74] [--assignments 70]

Sets up a course of LEARNERS x ASSIGNMENTS repositories, each with a `classroom/grade` check
run carrying a results.json on its main (seeded straight into the sandbox's store and disk:
see class_seed.py; only `collect` is measured), then collects every assignment in one
command three times: a first run (GraphQL, 100 repositories per query), an unchanged re-run,
and the same class through conditional REST (`--rest`, one request per repository) for
comparison. Prints queries, points, REST reads and wall time of each.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.class_seed import (  # noqa: E402
    ModelledTime,
    assignments_toml,
    seed_grades,
    seed_repositories,
    tiny_catalog,
)
from benchmarks.provision_calls import ORG, open_class  # noqa: E402
from orchestrator.commands.collect import CACHE_DIR, collect_all  # noqa: E402
from orchestrator.commands.publish import publish  # noqa: E402
from orchestrator.course import CourseDir, load_course  # noqa: E402
from orchestrator.gateway import GitHub  # noqa: E402
from orchestrator.grades_store import load_store  # noqa: E402
from sandbox.server import ThreadedServer  # noqa: E402


def with_assignments(course: CourseDir, catalog: Path, slugs: list[str]) -> CourseDir:
    """The course with `slugs` as its assignments, their templates from `catalog`."""
    toml = course.root / "course.toml"
    toml.write_text(toml.read_text() + assignments_toml(slugs))
    loaded = load_course(course.root)
    return CourseDir(root=loaded.root, course=loaded.course.model_copy(update={"catalog": catalog}))


def timed(
    course: CourseDir, server: ThreadedServer, token: str, slugs: list[str], rest: bool
) -> str:
    time_ = ModelledTime(server.sandbox)  # waiting out GitHub's primary limit: counted, not slept
    gh = GitHub(server.url, token, backoff=0, sleep=time_.sleep, clock=time_.clock)
    started = time.perf_counter()
    collect_all(course, gh, slugs, console=Console(file=io.StringIO()), rest=rest)
    wall = time.perf_counter() - started
    calls = gh.calls
    waited = f" + {time_.waited / 60:.0f} min waiting for the primary limit" if time_.waited else ""
    return (
        f"{calls.queries} GraphQL queries ({gh.points} points), {calls.reads} REST reads "
        f"({gh.not_modified} answered 304), {wall:.1f} s{waited}"
    )


def measure(learners: int, count: int) -> None:
    slugs = [f"a{i:02d}" for i in range(1, count + 1)]
    with tempfile.TemporaryDirectory(prefix="bench-collect-") as tmp:
        catalog = tiny_catalog(Path(tmp) / "catalog", slugs)
        server, seeded, course = open_class(Path(tmp), learners, etags=True)
        try:
            course = with_assignments(course, catalog, slugs)
            token = seeded.instructor.token
            publish(course, GitHub(server.url, token, backoff=0), slugs[0])
            template = f"{ORG}/{course.course.template_name(slugs[0])}"
            names = [
                f"{ORG}/{course.course.repo_name(slug, p.login)}"
                for slug in slugs
                for p in seeded.learners
            ]
            started = time.perf_counter()
            seed_repositories(server.sandbox, template, names)
            seed_grades(server.sandbox, names, {n: i % 101 for i, n in enumerate(names)})
            seeding = time.perf_counter() - started
            first = timed(course, server, token, slugs, rest=False)
            again = timed(course, server, token, slugs, rest=False)
            shutil.rmtree(course.root / CACHE_DIR)
            rest = timed(course, server, token, slugs, rest=True)
            stored = len(load_store(course.root))
        finally:
            server.stop()
        print(
            f"{learners} learners x {count} assignments = {len(names)} repositories "
            f"(seeded straight into the sandbox in {seeding:.0f} s)\n"
            f"  first collect:     {first}\n"
            f"  unchanged re-run:  {again}\n"
            f"  through REST:      {rest}\n"
            f"  {stored} grades in the store"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=74)
    parser.add_argument("--assignments", type=int, default=70)
    args = parser.parse_args()
    measure(args.learners, args.assignments)


if __name__ == "__main__":
    main()
