"""API calls and wall time of `classroom collect` for a class on the sandbox.

    .venv/bin/python benchmarks/collect_calls.py [--learners 200]

Sets up a sandbox class (template published, one repository per learner generated from it,
a `classroom/grade` check run carrying a results.json on each, written with a workflow
token as the grading workflow does), then collects twice: a first run and an unchanged
re-run. Prints the API calls and wall time of each, and what was stored. The sandbox answers
conditional requests as GitHub does (ETag, free 304s).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from github import Auth, Github
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.provision_calls import ORG, open_class  # noqa: E402
from graders.report import GradeReport, StageResult, Submission  # noqa: E402
from orchestrator.commands.collect import collect  # noqa: E402
from orchestrator.commands.publish import publish  # noqa: E402
from orchestrator.gateway import GitHub  # noqa: E402
from orchestrator.grades_store import load_store  # noqa: E402
from orchestrator.results_channel import CHECK_NAME, check_run_output  # noqa: E402


def report(score: float) -> GradeReport:
    stage = StageResult(
        name="tests", status="passed", score=score, max_score=100, duration_seconds=1, message=""
    )
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=score,
        max_score=100,
        submission=Submission(path="."),
        stages=[stage],
        tool_versions={},
        grader_version="bench",
        started_at=datetime.now(UTC),
        duration_seconds=1,
    )


def grade(server, full: str, score: float) -> None:
    sandbox = server.sandbox
    sha = sandbox.bare(full).resolve("refs/heads/main")
    token = sandbox.workflow_token(full, {"checks": "write"}).token
    bot = Github(
        base_url=server.url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    bot.get_repo(full).create_check_run(
        name=CHECK_NAME,
        head_sha=sha,
        status="completed",
        conclusion="success",
        output=check_run_output(report(score)),
    )


def timed_collect(course, server, token: str) -> tuple[float, GitHub]:
    gh = GitHub(server.url, token, backoff=0)
    started = time.perf_counter()
    collect(course, gh, "tasks-api", console=Console(file=io.StringIO()))
    return time.perf_counter() - started, gh


def measure(learners: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-collect-") as tmp:
        server, seeded, course = open_class(Path(tmp), learners, etags=True)
        try:
            token = seeded.instructor.token
            setup = GitHub(server.url, token, backoff=0)
            publish(course, setup, "tasks-api")
            for index, person in enumerate(seeded.learners):
                name = course.course.repo_name("tasks-api", person.login)
                setup.generate(f"{ORG}/tasks-api-template", ORG, name, private=True)
                grade(server, f"{ORG}/{name}", index % 101)
            first, gh1 = timed_collect(course, server, token)
            again, gh2 = timed_collect(course, server, token)
            stored = len(load_store(course.root))
        finally:
            server.stop()
            server.sandbox.store.close()
    print(
        f"{learners} learners: first collect {gh1.calls.reads} reads, {gh1.calls.writes} writes, "
        f"{first:.2f} s; unchanged re-run {gh2.calls.reads} reads "
        f"({gh2.not_modified} of them 304, free of rate limit), {again:.2f} s; "
        f"{stored} grades in the store"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    measure(parser.parse_args().learners)


if __name__ == "__main__":
    main()
