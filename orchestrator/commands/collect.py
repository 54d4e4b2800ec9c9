"""`classroom collect SLUG...`: every learner's latest practice grade into the grades store, and
the grade that counts into a CSV per assignment.

The grade travels in the `classroom/grade` check run on the head of each learner repository's
default branch (it carries the whole results.json, see `results_channel`). GraphQL reads those
check runs for up to 100 repositories per query, across every assignment asked for: 74
learners x 70 assignments is 52 queries. What GraphQL lacks is kept through REST: a
repository whose answer GraphQL could not give (or a server without GraphQL) is read with one
conditional REST request, whose ETag is kept in `.classroom/collect-SLUG.json`, so that an
unchanged repository costs a free 304 (`--rest` reads every repository that way). Either way
a grade already seen (the same check run) is neither parsed nor stored again.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from rich.console import Console

from basis.errors import UserError
from graders.model.report import GradeReport
from graders.stages import registry
from orchestrator.course import CourseDir
from orchestrator.dashboard.course_facts import full_marks
from orchestrator.gateway import CheckRunInfo, GatewayError, GitHub, GraphQLUnavailable
from orchestrator.grades_store import (
    GradesStore,
    load_store,
    record_submission,
    submission_from_report,
)
from orchestrator.late_ledger import terms_of
from orchestrator.pacing import Calls
from orchestrator.plan import Seat, seats
from orchestrator.roster import Learner, load_roster
from orchestrator.standing import Standing, standings
from reporter.results_channel import (
    CHECK_NAME,
    GRADE_SELECTION,
    GRADE_VALUES,
    GRADE_VARIABLES,
    extract,
    grade_runs,
    newest_first,
)

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
    by_rest: int = 0  # repositories read through REST (GraphQL could not answer them)


@dataclass(frozen=True)
class _Seat:
    """One repository to read: whose, for which assignment, and the cache that remembers it."""

    slug: str
    seat: Seat
    cache: Cache


def collect(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    out: Path | None = None,
    console: Console | None = None,
    rest: bool = False,
) -> int:
    """Write `out` (default grades-SLUG.csv in the course) and record new grades in the store."""
    return collect_all(course, gh, [slug], out=out, console=console, rest=rest)


def collect_all(
    course: CourseDir,
    gh: GitHub,
    slugs: Sequence[str],
    *,
    out: Path | None = None,
    console: Console | None = None,
    rest: bool = False,
) -> int:
    """`collect` for several assignments at once: their repositories share GraphQL queries;
    each assignment gets its own CSV (`out` only when there is one)."""
    say = console or Console(highlight=False)
    if out is not None and len(slugs) != 1:
        raise UserError("--out names one CSV: give one assignment, or leave --out out")
    learners = load_roster(course.roster_path).require_valid().learners
    for slug in slugs:
        course.course.assignment(slug)
    gh.whoami({"repo"})
    before, points = gh.calls, gh.points
    gh.not_modified = 0
    caches = {slug: _load_cache(_cache_path(course, slug)) for slug in slugs}
    tallies = {slug: Tally() for slug in slugs}
    todo = _seats(course, slugs, learners, caches)
    try:
        _read_all(course, gh, todo, tallies, rest=rest)
    except GatewayError as exc:
        kept = sum(t.new for t in tallies.values())
        raise GatewayError(
            f"{exc}. The {kept} new grade(s) read before it are kept in the store; "
            "run collect again to read the rest"
        ) from exc
    finally:
        for slug in slugs:  # what was read is remembered, whatever happened after
            _save_cache(_cache_path(course, slug), caches[slug])
    for slug in slugs:
        target = out or course.root / f"grades-{slug}.csv"
        _write_csv(target, format_rows(course, slug, learners, load_store(course.root, slug)))
        say.print(_summary(slug, tallies[slug], target))
    say.print(_cost(gh.calls - before, gh.points - points, gh.not_modified))
    return 0


def _cache_path(course: CourseDir, slug: str) -> Path:
    return course.root / CACHE_DIR / f"collect-{slug}.json"


def _seats(
    course: CourseDir, slugs: Sequence[str], learners: tuple[Learner, ...], caches: dict[str, Cache]
) -> list[_Seat]:
    found = []
    for slug in slugs:
        stored = load_store(course.root, slug)
        for seat in seats(course.course, slug, learners):
            _forget_unstored(caches[slug], seat, stored, slug)
            found.append(_Seat(slug, seat, caches[slug]))
    return found


def _read_all(
    course: CourseDir, gh: GitHub, todo: list[_Seat], tallies: dict[str, Tally], *, rest: bool
) -> None:
    """Read every seat's grade: GraphQL in batches, each stored as it comes, then REST for
    what GraphQL could not answer (everything, when the server has no GraphQL)."""
    by_rest = todo if rest else _read_by_graphql(course, gh, todo, tallies)
    for item in by_rest:
        tallies[item.slug].by_rest += 1
        _collect_seat(course, gh, item.seat, item.cache, tallies[item.slug])


def _read_by_graphql(
    course: CourseDir, gh: GitHub, todo: list[_Seat], tallies: dict[str, Tally]
) -> list[_Seat]:
    """Store each GraphQL batch's grades as the batch arrives; the seats left for REST."""
    left = {t.seat.repo: t for t in todo}
    batches = gh.repository_batches(
        list(left), GRADE_SELECTION, extra=GRADE_VARIABLES, variables=GRADE_VALUES
    )
    failed: list[_Seat] = []
    try:
        for batch in batches:
            failed += [left.pop(repo) for repo in batch.failed]
            for repo, data in batch.found.items():
                item = left.pop(repo)
                _from_graphql(course, item, data, tallies[item.slug])
    except GraphQLUnavailable:
        return [*failed, *left.values()]
    return failed


def _from_graphql(
    course: CourseDir, item: _Seat, data: dict[str, Any] | None, tally: Tally
) -> None:
    tally.repos += 1
    entry = item.cache.repos.setdefault(item.seat.repo, CacheEntry())
    entry.grade = _latest(course, item.seat, grade_runs(data), entry.grade, tally)
    tally.graded += entry.grade is not None


def _summary(slug: str, tally: Tally, target: Path) -> str:
    return (
        f"{slug}: {tally.graded} of {tally.repos} repositories graded ({tally.new} new, "
        f"{tally.unchanged} unchanged since the last collect"
        + (f", {tally.bad} with an unreadable report" if tally.bad else "")
        + (f", {tally.by_rest} read through REST" if tally.by_rest else "")
        + f"); wrote {target}"
    )


def _cost(calls: Calls, points: int, free: int) -> str:
    return (
        f"API calls: {calls.queries} GraphQL queries ({points} points), "
        f"{calls.reads} REST reads ({free} answered 304, free)"
    )


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
    """The REST path: one conditional read of the check runs on the default branch."""
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
    for stage in registry.names():
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
        fields = [*COLUMNS, *TIER_COLUMNS, *LATE_COLUMNS, *registry.names()]
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
