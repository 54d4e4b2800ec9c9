"""`classroom collect SLUG`: the latest grade of every learner, into a CSV and the grades store.

One read per learner repository: the `classroom/grade` check runs of the default branch
(which carry the whole results.json, see `results_channel`). The ETag of each answer is kept
in `.classroom/collect-SLUG.json`; a re-run sends it back, GitHub answers 304 for what has not
changed (free of rate limit), and a grade already seen is neither parsed nor stored again.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from rich.console import Console

from graders.assignment import STAGE_ORDER
from graders.report import GradeReport
from orchestrator.course import CourseDir
from orchestrator.gateway import CheckRunInfo, GitHub
from orchestrator.grades_store import record_submission, submission_from_report
from orchestrator.plan import Seat, seats
from orchestrator.results_channel import CHECK_NAME, extract, newest_first
from orchestrator.roster import Learner, load_roster

COLUMNS = (
    "assignment_name",
    "github_username",
    "roster_identifier",
    "student_repository_url",
    "submission_timestamp",
    "points_awarded",
    "points_available",
)
CACHE_DIR = ".classroom"


class Grade(BaseModel):
    """What the CSV needs of one repository's latest grade."""

    check_id: int
    commit: str
    timestamp: str
    score: float
    max_score: float
    stages: dict[str, float] = Field(default_factory=dict)


class CacheEntry(BaseModel):
    etag: str | None = None
    grade: Grade | None = None


class Cache(BaseModel):
    repos: dict[str, CacheEntry] = Field(default_factory=dict)


@dataclass
class Tally:
    repos: int = 0
    graded: int = 0
    new: int = 0
    unchanged: int = 0
    bad: int = 0


def collect(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    out: Path | None = None,
    console: Console | None = None,
) -> int:
    """Write `out` (default grades-SLUG.csv in the course) and record new grades in the store."""
    say = console or Console(highlight=False)
    learners = load_roster(course.roster_path).require_valid().learners
    course.course.assignment(slug)
    gh.whoami({"repo"})
    cache_path = course.root / CACHE_DIR / f"collect-{slug}.json"
    cache = _load_cache(cache_path)
    before, tally = gh.calls, Tally()
    gh.not_modified = 0
    grades: dict[str, Grade | None] = {}
    for seat in seats(course.course, slug, learners):
        grades[seat.repo] = _collect_seat(course, gh, seat, cache, tally)
    _save_cache(cache_path, cache)
    target = out or course.root / f"grades-{slug}.csv"
    _write_csv(target, format_rows(course, slug, learners, grades))
    calls = gh.calls - before
    say.print(
        f"{slug}: {tally.graded} of {tally.repos} repositories graded ({tally.new} new, "
        f"{tally.unchanged} unchanged since the last collect"
        + (f", {tally.bad} with an unreadable report" if tally.bad else "")
        + f"); {calls.reads} API reads ({gh.not_modified} answered 304, free); wrote {target}"
    )
    return 0


def _collect_seat(
    course: CourseDir, gh: GitHub, seat: Seat, cache: Cache, tally: Tally
) -> Grade | None:
    tally.repos += 1
    entry = cache.repos.setdefault(seat.repo, CacheEntry())
    answer = gh.check_runs(seat.repo, "main", CHECK_NAME, entry.etag)
    if answer.changed:
        entry.etag = answer.etag
        entry.grade = _latest(course, seat, answer.data, entry.grade, tally)
    else:
        tally.unchanged += 1
    tally.graded += entry.grade is not None
    return entry.grade


def _latest(
    course: CourseDir, seat: Seat, runs: list[CheckRunInfo], known: Grade | None, tally: Tally
) -> Grade | None:
    done = newest_first(runs)
    if not done:
        return known
    run = done[0]
    if known is not None and known.check_id == run.id:
        tally.unchanged += 1
        return known
    report = extract(run.text)
    if report is None:
        tally.bad += 1
        return known
    tally.new += 1
    _store(course, seat, run, report)
    return _grade(run, report)


def _store(course: CourseDir, seat: Seat, run: CheckRunInfo, report: GradeReport) -> None:
    if not report.submission.commit:
        submission = report.submission.model_copy(update={"commit": run.head_sha})
        report = report.model_copy(update={"submission": submission})
    graded_at = datetime.fromisoformat(run.completed_at) if run.completed_at else None
    url = f"{course.api_url.rstrip('/')}/repos/{seat.repo}"
    for login in seat.members:
        record_submission(
            course.root,
            submission_from_report(report, learner=login, graded_at=graded_at, repo_url=url),
        )


def _grade(run: CheckRunInfo, report: GradeReport) -> Grade:
    return Grade(
        check_id=run.id,
        commit=report.submission.commit or run.head_sha,
        timestamp=run.completed_at or report.started_at.isoformat(),
        score=report.score,
        max_score=report.max_score,
        stages={s.name: s.score for s in report.stages},
    )


def format_rows(
    course: CourseDir, slug: str, learners: tuple[Learner, ...], grades: dict[str, Grade | None]
) -> list[dict[str, str]]:
    """One CSV row per learner, in roster order (empty points when there is no grade yet)."""
    repo_of = {m: s.repo for s in seats(course.course, slug, learners) for m in s.members}
    rows = []
    for learner in learners:
        repo = repo_of[learner.login]
        grade = grades.get(repo)
        row = {
            "assignment_name": slug,
            "github_username": learner.login,
            "roster_identifier": learner.identifier,
            "student_repository_url": _html_url(course, repo),
            "submission_timestamp": grade.timestamp if grade else "",
            "points_awarded": f"{grade.score:g}" if grade else "",
            "points_available": f"{grade.max_score:g}" if grade else "",
        }
        for stage in STAGE_ORDER:
            value = grade.stages.get(stage) if grade else None
            row[stage] = "" if value is None else f"{value:g}"
        rows.append(row)
    return rows


def _html_url(course: CourseDir, repo: str) -> str:
    api = course.api_url.rstrip("/")
    web = "https://github.com" if api == "https://api.github.com" else api.removesuffix("/api/v3")
    return f"{web}/{repo}"


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *STAGE_ORDER])
        writer.writeheader()
        writer.writerows(rows)


def _load_cache(path: Path) -> Cache:
    try:
        return Cache.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return Cache()


def _save_cache(path: Path, cache: Cache) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cache.model_dump(mode="json"), indent=1), encoding="utf-8")
