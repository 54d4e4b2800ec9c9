"""The record job: reports that came back become official grades; the rest, "not graded".

`collect` reads what the grade jobs handed on (one folder per chunk that came back) and says,
learner by learner, which report is theirs or why there is none: their code was not fetched,
the grader left no report, the grade job of their chunk ended without results (a lost runner,
a cancelled or timed-out job; the run's jobs say which). `write_run` turns that into the
store's lines (`tiers.official_batch`: a grade is never recorded twice, a report that is not a
fully contained official grade of the planned commit by the planned grader is refused) and
keeps each new official report under `reports/` for posting later. `grades_to_post` lists
what may be shown now (course.toml `release`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from basis.errors import UserError
from graders.model.report import GradeReport
from orchestrator.gateway import JobInfo
from orchestrator.grades_store import load_store
from orchestrator.official.comment import Posted, released
from orchestrator.official.model import (
    CHUNK_FILE,
    OUTCOME_FILE,
    RESULTS_FILE,
    Entry,
    Fetched,
    FetchedChunk,
    GradeOutcome,
    RunPlan,
    read_model,
)
from orchestrator.tiers import OfficialBatch, format_summary, official_batch, record_batch

REPORTS_DIR = "reports"
FETCH_JOB = re.compile(r"^Fetch (\d+)$")  # the job names official.yml gives matrix instances
GRADE_JOB = re.compile(r"^Grade chunk (\d+)$")


@dataclass
class Collected:
    """A run's outcome per learner: their report, or why there is none."""

    reports: dict[str, dict[str, GradeReport]] = field(default_factory=dict)
    causes: dict[str, dict[str, str]] = field(default_factory=dict)
    by_seat: dict[tuple[str, str], GradeReport] = field(default_factory=dict)

    def add(self, entry: Entry, report: GradeReport | None, why: str) -> None:
        for login in entry.members:
            if report is not None:
                self.reports.setdefault(entry.assignment, {})[login] = report
            else:
                self.causes.setdefault(entry.assignment, {})[login] = why
        if report is not None:
            self.by_seat[(entry.assignment, entry.seat)] = report


def collect(plan: RunPlan, results: Path, jobs: Sequence[JobInfo] = ()) -> Collected:
    """What came back of each planned chunk (`results` holds one folder per chunk)."""
    collected = Collected(causes={slug: dict(found) for slug, found in plan.causes.items()})
    returned = _returned_chunks(results, plan.grader_commit)
    for chunk in plan.chunks:
        came_back = returned.get(chunk.index)
        if came_back is None:
            why = lost_chunk_cause(chunk.index, jobs)
            for entry in chunk.entries:
                collected.add(entry, None, why)
            continue
        folder, fetched = came_back
        for entry in chunk.entries:
            report, why = entry_outcome(folder / entry.key, fetched.get(entry.key), chunk.index)
            collected.add(entry, report, why)
    return collected


def _returned_chunks(results: Path, grader: str) -> dict[int, tuple[Path, dict[str, Fetched]]]:
    found = {}
    for path in sorted(results.rglob(CHUNK_FILE)) if results.is_dir() else []:
        chunk = read_model(FetchedChunk, path)
        if chunk.grader_commit == grader:
            found[chunk.index] = (path.parent, {f.entry.key: f for f in chunk.fetched})
    return found


def lost_chunk_cause(index: int, jobs: Sequence[JobInfo]) -> str:
    """Why no report of chunk `index` came back, from how its jobs ended."""
    fetch = _job(jobs, FETCH_JOB, index)
    if fetch is not None and fetch.conclusion not in (None, "success"):
        return f"its code was not fetched: the fetch job of chunk {index} ended {fetch.conclusion}"
    grade = _job(jobs, GRADE_JOB, index)
    ended = f" ({grade.conclusion})" if grade is not None and grade.conclusion else ""
    return f"the grade job of chunk {index} ended without results{ended}"


def _job(jobs: Sequence[JobInfo], pattern: re.Pattern[str], index: int) -> JobInfo | None:
    for job in jobs:
        match = pattern.match(job.name)
        if match and int(match.group(1)) == index:
            return job
    return None


def entry_outcome(
    folder: Path, fetched: Fetched | None, index: int
) -> tuple[GradeReport | None, str]:
    """One entry's report (in `folder`, of chunk `index`), or why it has none."""
    if fetched is not None and fetched.cause:
        return None, f"its code was not fetched: {fetched.cause}"
    try:
        return GradeReport.model_validate_json((folder / RESULTS_FILE).read_bytes()), ""
    except FileNotFoundError:
        pass
    except (OSError, ValidationError):
        return None, "its report is not a grade report this grader can read"
    try:
        outcome = read_model(GradeOutcome, folder / OUTCOME_FILE)
    except UserError:  # no outcome at all: the job stopped before this entry was done
        return None, f"the grade job of chunk {index} stopped before its grade was done"
    if outcome.exit_code is None:
        return None, f"grading it took longer than its limit ({outcome.seconds:.0f} s)"
    return None, f"the grader stopped without a report (exit code {outcome.exit_code})"


def write_run(
    root: Path, plan: RunPlan, collected: Collected, now: datetime
) -> list[OfficialBatch]:
    """Append the run's lines to the store under `root`; keep each new official report."""
    store = load_store(root)
    batches = []
    for official in plan.plans:
        slug = official.assignment
        batch = official_batch(
            store,
            official,
            collected.reports.get(slug, {}),
            attempted_at=now,
            causes=collected.causes.get(slug, {}),
            repo_urls=plan.repo_urls.get(slug, {}),
        )
        record_batch(root, batch)
        _keep_reports(root, plan, slug, set(batch.summary.graded), collected)
        batches.append(batch)
    return batches


def report_path(root: Path, entry: Entry, grader_commit: str) -> Path:
    """Where the official report of `entry`'s commit by that grader is kept."""
    name = f"{entry.commit}-{grader_commit[:12]}.json"
    return root / REPORTS_DIR / entry.assignment / entry.seat / name


def _keep_reports(
    root: Path, plan: RunPlan, slug: str, graded: set[str], collected: Collected
) -> None:
    for entry in plan.seats.get(slug, ()):
        report = collected.by_seat.get((slug, entry.seat))
        if report is not None and graded.intersection(entry.members):
            path = report_path(root, entry, plan.grader_commit)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(report.model_dump_json() + "\n", encoding="utf-8")


@dataclass(frozen=True)
class ToPost:
    """The official grades a run may show now, and those waiting for their deadline."""

    now: tuple[tuple[Entry, GradeReport], ...]
    waiting: tuple[Entry, ...]


def grades_to_post(root: Path, plan: RunPlan, now: datetime) -> ToPost:
    """Each covered seat with an official grade of its commit by this grader (kept under
    `root`): shown now, or held until its deadline (`release = "after-deadline"`)."""
    ready, waiting = [], []
    for entries in plan.seats.values():
        for entry in entries:
            path = report_path(root, entry, plan.grader_commit)
            if not path.is_file():
                continue
            if released(plan.release, entry.deadline, now):
                ready.append((entry, GradeReport.model_validate_json(path.read_bytes())))
            else:
                waiting.append(entry)
    return ToPost(tuple(ready), tuple(waiting))


@dataclass(frozen=True)
class Recorded:
    """What a record did, for its summary."""

    batches: tuple[OfficialBatch, ...]
    posted: tuple[Posted, ...]
    waiting: tuple[Entry, ...]
    store: str  # where the lines went: a commit of the course repository, or a folder
    dashboard: str = ""


def format_run(plan: RunPlan, done: Recorded) -> str:
    """The run's summary in Markdown: per assignment who was graded, who not and why, what
    was posted, what waits for its deadline."""
    lines = []
    for batch in done.batches:
        slug = batch.summary.assignment
        lines += [f"## Official grades: {plan.titles.get(slug, slug)}", ""]
        lines += [format_summary(batch.summary), *_posting(slug, done), ""]
    if not done.batches:
        lines += ["## Official grades", "", "Nothing to grade: no assignment was due.", ""]
    lines.append(f"Store: {done.store}.")
    if done.dashboard:
        lines.append(f"Dashboard: {done.dashboard}.")
    return "\n".join(lines) + "\n"


def _posting(slug: str, done: Recorded) -> list[str]:
    mine = [p for p in done.posted if p.entry.assignment == slug]
    shown = [p for p in mine if not p.problem]
    same = sum(1 for p in shown if p.unchanged)
    lines = []
    if shown:
        note = f" ({same} already showed it)" if same else ""
        lines.append(f"- posted on their assignment issue: {len(shown)}{note}")
    lines += [f"- not posted: {p.entry.seat}: {p.problem}" for p in mine if p.problem]
    lines += [f"- {p.entry.seat}: {line}" for p in shown for line in p.milestones]
    waiting = [e for e in done.waiting if e.assignment == slug]
    if waiting:
        due = min(e.deadline for e in waiting if e.deadline is not None)
        names = ", ".join(e.seat for e in waiting)
        lines.append(
            f"- not posted yet (release = after-deadline): {names}; the first deadline is "
            f"{due:%Y-%m-%d %H:%M} UTC, and the official run at that deadline posts them"
        )
    return lines
