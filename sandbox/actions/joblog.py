"""Jobs and steps of a finished run, read back from act's log (pure text parsing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LINE = re.compile(r"^\[(?P<workflow>[^\]]*?)/(?P<job>[^\]]+)\]\s+(?P<rest>.*)$")
STEP_END = re.compile(r"^(?:✅|❌)\s+(?P<result>Success|Failure) - Main (?P<name>.*?)(?: \[.*\])?$")
JOB_END = re.compile(r"^🏁\s+Job (?P<result>succeeded|failed)")


@dataclass
class Step:
    name: str
    conclusion: str


@dataclass
class JobLog:
    """One job: `name` as GitHub shows it ("caller / job" for a reusable workflow's job)."""

    name: str
    conclusion: str | None = None
    steps: list[Step] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse_jobs(text: str) -> list[JobLog]:
    """The jobs act ran, in order of first output, with their steps and own log lines."""
    jobs: dict[str, JobLog] = {}
    for raw in text.splitlines():
        match = LINE.match(raw)
        if not match:
            continue
        name = _display_name(match["workflow"], match["job"].strip())
        job = jobs.setdefault(name, JobLog(name=name))
        rest = match["rest"].strip()
        job.lines.append(raw)
        if step := STEP_END.match(rest):
            job.steps.append(
                Step(step["name"], "success" if step["result"] == "Success" else "failure")
            )
        elif end := JOB_END.match(rest):
            job.conclusion = "success" if end["result"] == "succeeded" else "failure"
    return list(jobs.values())


def _display_name(first: str, rest: str) -> str:
    """act prints `workflow/job`, or `caller-job/called-workflow/job` inside a reusable one."""
    if "/" not in rest:
        return rest
    return f"{first} / {rest.split('/', 1)[1]}"


def job_result(jobs: list[JobLog], name: str) -> str | None:
    """The conclusion of job `name`, or of the jobs it called (failure if any failed)."""
    called = [
        j.conclusion
        for j in jobs
        if (j.name == name or j.name.startswith(f"{name} / ")) and j.conclusion
    ]
    if not called:
        return None
    return "failure" if "failure" in called else "success"
