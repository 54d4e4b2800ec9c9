"""`classroom collect SLUG`: every learner's latest practice grade into the grades store, and
the grade that counts into a CSV.

One read per learner repository: the `classroom/grade` check runs of the default branch
(which carry the whole results.json, see `results_channel`). The ETag of each answer is kept
in `.classroom/collect-SLUG.json`; a re-run sends it back, GitHub answers 304 for what has not
changed (free of rate limit), and a grade already seen is neither parsed nor stored again.

What a learner's repository reports is a practice grade whatever it claims: its workflow can
be edited by the learner. Official grades reach the store only from the course repository's
official workflow. The CSV takes each learner's grade that counts from the store
(`orchestrator.standing`: the official grade course.toml's `counts` picks, after its late
penalty; 0 for "no submission" or "too late"; else the latest practice grade), with columns
saying which tier, which commit, its status, how late and what the penalty took.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from rich.console import Console

from graders.assignment import STAGE_ORDER
from graders.report import GradeReport
from orchestrator.course import CourseDir
from orchestrator.dashboard.course_facts import full_marks
from orchestrator.gateway import CheckRunInfo, GitHub
from orchestrator.grades_store import (
    GradesStore,
    load_store,
    record_submission,
    submission_from_report,
)
from orchestrator.late_ledger import terms_of
from orchestrator.plan import Seat, seats
from orchestrator.results_channel import CHECK_NAME, extract, newest_first
from orchestrator.roster import Learner, load_roster
from orchestrator.standing import Standing, standings

COLUMNS = (
    "assignment_name",
    "github_username",
    "roster_identifier",
    "student_repository_url",
    "submission_timestamp",
    "points_awarded",
    "points_available",
)
# Ours, after GitHub Classroom's: which tier the points are, the commit they grade, and why an
# official grade was attempted and not given (the points, if any, are then practice ones);
# the official status (on time, late, too late, no submission), the late days, the points
# before the late penalty and the penalty (points_awarded is after it).
TIER_COLUMNS = ("tier", "graded_commit", "not_graded")
LATE_COLUMNS = ("status", "days_late", "points_before_penalty", "late_penalty")
CACHE_DIR = ".classroom"


class Grade(BaseModel):
    """What collect remembers of a repository's latest grade: which run, which commit (the
    grade itself is in the store)."""

    check_id: int
    commit: str


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
    stored = load_store(course.root, slug)
    for seat in seats(course.course, slug, learners):
        _forget_unstored(cache, seat, stored, slug)
        _collect_seat(course, gh, seat, cache, tally)
    _save_cache(cache_path, cache)
    target = out or course.root / f"grades-{slug}.csv"
    _write_csv(target, format_rows(course, slug, learners, load_store(course.root, slug)))
    calls = gh.calls - before
    say.print(
        f"{slug}: {tally.graded} of {tally.repos} repositories graded ({tally.new} new, "
        f"{tally.unchanged} unchanged since the last collect"
        + (f", {tally.bad} with an unreadable report" if tally.bad else "")
        + f"); {calls.reads} API reads ({gh.not_modified} answered 304, free); wrote {target}"
    )
    return 0


def _forget_unstored(cache: Cache, seat: Seat, store: GradesStore, slug: str) -> None:
    """Read a repository afresh when the store lost the grade the cache remembers."""
    entry = cache.repos.get(seat.repo)
    if entry is None or entry.grade is None:
        return
    commit = entry.grade.commit
    if not all(
        any(s.commit == commit for s in store.history(slug, login)) for login in seat.members
    ):
        cache.repos[seat.repo] = CacheEntry()


def _collect_seat(course: CourseDir, gh: GitHub, seat: Seat, cache: Cache, tally: Tally) -> None:
    tally.repos += 1
    entry = cache.repos.setdefault(seat.repo, CacheEntry())
    answer = gh.check_runs(seat.repo, "main", CHECK_NAME, entry.etag)
    if answer.changed:
        entry.etag = answer.etag
        entry.grade = _latest(course, seat, answer.data, entry.grade, tally)
    else:
        tally.unchanged += 1
    tally.graded += entry.grade is not None


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
    report = as_practice(report)
    if not report.submission.commit:
        submission = report.submission.model_copy(update={"commit": run.head_sha})
        report = report.model_copy(update={"submission": submission})
    graded_at = datetime.fromisoformat(run.completed_at) if run.completed_at else None
    url = _html_url(course, seat.repo)
    for login in seat.members:
        record_submission(
            course.root,
            submission_from_report(report, learner=login, graded_at=graded_at, repo_url=url),
        )


def as_practice(report: GradeReport) -> GradeReport:
    """A report from a learner's repository, as what it is: a practice grade.

    A learner can edit the workflow that wrote it, so a claim to be official, or to have had
    protected files put back, is theirs, not the grader's.
    """
    return report.model_copy(update={"tier": "practice", "integrity": []})


def _grade(run: CheckRunInfo, report: GradeReport) -> Grade:
    return Grade(check_id=run.id, commit=report.submission.commit or run.head_sha)


def format_rows(
    course: CourseDir, slug: str, learners: tuple[Learner, ...], store: GradesStore
) -> list[dict[str, str]]:
    """One CSV row per learner, in roster order, with the grade that counts (empty points when
    there is none yet: never a 0 for a grade not given; 0 for "no submission")."""
    repo_of = {m: s.repo for s in seats(course.course, slug, learners) for m in s.members}
    config, top = course.course, full_marks(course, slug)
    rows = []
    for learner in learners:
        login = learner.login
        now = standings(store, login, [slug], terms_of(config, login), config.late_days)[slug]
        row = {
            "assignment_name": slug,
            "github_username": login,
            "roster_identifier": learner.identifier,
            "student_repository_url": _html_url(course, repo_of[login]),
            **_grade_columns(now, top),
        }
        rows.append(row)
    return rows


def _grade_columns(now: Standing, full: float | None) -> dict[str, str]:
    grade, score, top = now.grade, now.score, now.max_score or full
    row = {
        "submission_timestamp": _timestamp(grade.graded_at) if grade else "",
        "points_awarded": "" if score is None else f"{score:g}",
        "points_available": "" if score is None or top is None else f"{top:g}",
        "tier": now.points_tier or "",
        "graded_commit": grade.commit if grade else "",
        "not_graded": now.not_graded.not_graded if now.not_graded else "",
        "status": now.status or "",
        "days_late": str(now.late.days_late) if now.late else "",
        "points_before_penalty": f"{now.late.score_before:g}" if now.late else "",
        "late_penalty": f"{now.penalty:g}" if now.late else "",
    }
    scores = {s.name: s.score for s in grade.stages} if grade else {}
    for stage in STAGE_ORDER:
        value = scores.get(stage)
        row[stage] = "" if value is None else f"{value:g}"
    return row


def _timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC, to the second, as GitHub writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _html_url(course: CourseDir, repo: str) -> str:
    api = course.api_url.rstrip("/")
    web = "https://github.com" if api == "https://api.github.com" else api.removesuffix("/api/v3")
    return f"{web}/{repo}"


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        fields = [*COLUMNS, *TIER_COLUMNS, *LATE_COLUMNS, *STAGE_ORDER]
        writer = csv.DictWriter(handle, fieldnames=fields)
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
