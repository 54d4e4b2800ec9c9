"""Jobs and steps of a run, read back from act's `--json` log (pure), and the text log people
read (`[workflow/job] message`, as act prints it without `--json`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SUFFIX = re.compile(r"-\d+$")  # act numbers the instances of a matrix job: grade-1, grade-2


@dataclass
class Step:
    name: str
    conclusion: str


@dataclass
class JobLog:
    """One job (one matrix instance): `name` as GitHub shows it ("caller / job" for a reusable
    workflow's job, "grade (1)" for a matrix instance)."""

    name: str
    job_id: str = ""
    matrix: dict[str, Any] = field(default_factory=dict)
    conclusion: str | None = None
    steps: list[Step] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def records(jsonl: str) -> list[dict[str, Any]]:
    """act's JSON log lines; a line that is not JSON becomes a bare message."""
    found = []
    for line in jsonl.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        found.append(item if isinstance(item, dict) else {"msg": line})
    return found


def text_line(record: dict[str, Any]) -> str:
    """One record as act prints it in text mode."""
    msg = str(record.get("msg", "")).rstrip("\n")
    job = record.get("job")
    if not job:
        return msg
    if record.get("raw_output"):
        return "\n".join(f"[{job}]   | {part}" for part in msg.split("\n"))
    return f"[{job}] {msg}"


def log_text(jsonl: str) -> str:
    """The text log of a run."""
    return "".join(text_line(r) + "\n" for r in records(jsonl))


def _display_name(job: str) -> str:
    """act's `workflow/job`, or `caller-job/called-workflow/job` inside a reusable one."""
    first, _, rest = job.strip().partition("/")
    if "/" not in rest:
        return rest or first
    return f"{first} / {rest.split('/', 1)[1]}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict | list) else str(value).lower()


def matrix_name(act_name: str, matrix: dict[str, Any], raw: str | None) -> str:
    """GitHub's name of a matrix instance: its `name:` when that uses the matrix, else the
    name (or id) followed by the matrix values in parentheses. `act_name` has act's -N gone."""
    prefix, sep, last = act_name.rpartition(" / ")
    if raw is not None and "matrix" in raw:
        return act_name
    values = ", ".join(_value(v) for v in matrix.values())
    return f"{prefix}{sep}{raw or last} ({values})"


def _names(items: list[dict[str, Any]], raw_names: dict[str, str]) -> dict[str, str]:
    """act's job label -> GitHub's job name."""
    instances: dict[str, set[str]] = {}
    for item in items:
        if item.get("job") and item.get("matrix"):
            instances.setdefault(str(item.get("jobID")), set()).add(str(item["job"]).strip())
    names = {}
    for item in items:
        label = str(item.get("job") or "").strip()
        if not label or label in names:
            continue
        name = _display_name(label)
        if item.get("matrix"):
            job_id = str(item.get("jobID"))
            if len(instances.get(job_id, ())) > 1:
                name = SUFFIX.sub("", name)
            name = matrix_name(name, item["matrix"], raw_names.get(job_id))
        names[label] = name
    return names


def parse_jobs(jsonl: str, raw_names: dict[str, str] | None = None) -> list[JobLog]:
    """The jobs act ran, in order of first output, with their steps and own log lines.
    `raw_names`: job id -> the `name:` written in the workflow (for matrix names)."""
    items = records(jsonl)
    names = _names(items, raw_names or {})
    jobs: dict[str, JobLog] = {}
    failed: set[str] = set()
    lost: set[str] = set()
    for item in items:
        label = str(item.get("job") or "").strip()
        if item.get("lost"):
            label = _lost_label(jobs, item)
        if not label:
            continue
        job = jobs.setdefault(
            label,
            JobLog(names[label], str(item.get("jobID") or ""), dict(item.get("matrix") or {})),
        )
        job.lines.append(text_line({**item, "job": label}))
        result = item.get("stepResult")
        if item.get("stage") == "Main" and result in ("success", "failure", "skipped"):
            job.steps.append(Step(str(item.get("step", "")), str(result)))
        failed |= {label} if result == "failure" else set()
        lost |= {label} if item.get("lost") else set()
        if item.get("jobResult") in ("success", "failure"):
            job.conclusion = str(item["jobResult"])
    for label, job in jobs.items():  # act shares one result between a matrix's instances
        if job.matrix and job.conclusion == "failure" and label not in failed:
            job.conclusion = "success"
        if (label in failed and job.matrix) or label in lost:
            job.conclusion = "failure"
    return _in_order(jobs)


def _in_order(jobs: dict[str, JobLog]) -> list[JobLog]:
    """By first output, a matrix's instances together in matrix order (they run at once)."""
    first: dict[str, int] = {}
    for n, job in enumerate(jobs.values()):
        first.setdefault(job.job_id or job.name, n)

    def key(item: tuple[str, JobLog]) -> tuple[int, int]:
        label, job = item
        number = SUFFIX.search(label) if job.matrix else None
        return first[job.job_id or job.name], int(number[0][1:]) if number else 0

    return [job for _, job in sorted(jobs.items(), key=key)]


def _lost_label(jobs: dict[str, JobLog], item: dict[str, Any]) -> str:
    """The job a lost-runner note belongs to (same job id and matrix)."""
    for label, job in jobs.items():
        if job.job_id == item.get("jobID") and job.matrix == (item.get("matrix") or {}):
            return label
    return ""


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
