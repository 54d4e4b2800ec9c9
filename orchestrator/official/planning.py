"""The plan of an official run: who, at which commit, with which grader, in which chunks.

Observe (the gateway: the org's repositories, each one's commit), then decide purely
(`assemble`): each assignment's `OfficialPlan` (those already graded officially for that commit
by that grader are skipped: `tiers.plan_official`) and the chunks of what is left.

Which commit is graded: the head of the repository's default branch now; once the learner's
deadline has passed (and always in a scheduled run, which is the deadline), the head at the
deadline by GitHub's record of pushes (repository activity), never a commit date, so a push
made after the deadline, before a late scheduled run starts, is not graded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from graders.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub, Push, RepoInfo
from orchestrator.grades_store import GradesStore, load_store
from orchestrator.official.chunking import split
from orchestrator.official.model import Entry, Event, RunPlan
from orchestrator.official.schedule import due_seats, seat_deadline
from orchestrator.plan import Seat, seats
from orchestrator.roster import Learner, load_roster
from orchestrator.tiers import OfficialPlan, plan_official

NO_SHA = "0" * 40


@dataclass(frozen=True)
class Request:
    """What the run was asked to do: a dispatch's inputs, or the cron that fired."""

    assignment: str = ""
    learners: tuple[str, ...] = ()
    reason: str = ""
    regrade: bool = False
    schedule: str = ""  # the cron of a scheduled run ("" for a dispatch)


@dataclass(frozen=True)
class Target:
    """One assignment of the run and the seats (learners, or teams) it looks at."""

    slug: str
    seats: tuple[Seat, ...]
    reason: str
    at_deadline: bool  # a scheduled run: the commit at each seat's deadline


@dataclass(frozen=True)
class Observed:
    """What GitHub holds for one seat: its repository and the commit to grade, or why not."""

    repo: RepoInfo | None
    commit: str | None
    cause: str = ""


@dataclass(frozen=True)
class Origin:
    """Where the run's inputs come from: the two repositories and their commits."""

    course_repo: str
    course_commit: str
    grading_repo: str
    grader_commit: str
    event: Event


def targets(course: CourseDir, learners: Sequence[Learner], request: Request) -> list[Target]:
    """The assignments and seats a run covers: the dispatched one, or those due at the cron."""
    config = course.course
    if request.schedule:
        found = []
        for slug in sorted(config.assignments):
            due = due_seats(config, slug, seats(config, slug, tuple(learners)), request.schedule)
            if due:
                found.append(Target(slug, tuple(due), request.reason or "deadline", True))
        return found
    if not request.assignment:
        raise UserError("name the assignment to grade (--assignment SLUG, as in course.toml)")
    config.assignment(request.assignment)  # a UserError listing the known ones
    chosen = _select(learners, request.learners)
    every = seats(config, request.assignment, chosen)
    return [Target(request.assignment, tuple(every), request.reason, False)]


def _select(learners: Sequence[Learner], only: Sequence[str]) -> tuple[Learner, ...]:
    wanted = {name.lower() for name in only}
    if not wanted:
        return tuple(learners)
    unknown = sorted(wanted - {x.login.lower() for x in learners})
    if unknown:
        raise UserError(f"not on the roster: {', '.join(unknown)}; check the logins (--learners)")
    return tuple(x for x in learners if x.login.lower() in wanted)


def commit_at(pushes: Sequence[Push], deadline: datetime, head: str | None) -> str | None:
    """The branch's commit at `deadline` by the server's record of pushes (in any order);
    `head` when there is none.

    None: the branch did not exist then (created later, or deleted at the time)."""
    ordered = sorted(pushes, key=lambda p: (p.pushed_at, p.id))
    before = [p for p in ordered if p.pushed_at <= deadline]
    if before:
        sha = before[-1].after
    elif ordered:
        sha = ordered[0].before
    else:
        sha = head or ""
    return sha if sha and sha != NO_SHA else None


def observe(gh: GitHub, course: CourseDir, target: Target, now: datetime) -> dict[str, Observed]:
    """Each seat's repository and commit to grade, by seat name (1-2 reads per seat)."""
    existing = gh.org_repos(course.course.org)
    found = {}
    for seat in target.seats:
        repo = existing.get(seat.repo.split("/", 1)[1].lower())
        found[seat.name] = _observe_seat(gh, course, target, seat, repo, now)
    return found


def _observe_seat(
    gh: GitHub, course: CourseDir, target: Target, seat: Seat, repo: RepoInfo | None, now: datetime
) -> Observed:
    if repo is None:
        return Observed(None, None, f"no repository {seat.repo} (classroom provision creates it)")
    due = seat_deadline(course.course, target.slug, seat)
    if due is not None and (target.at_deadline or due <= now):
        pushes = gh.pushes(repo.full_name, repo.default_branch)
        head = None if pushes else gh.branch_head(repo.full_name, repo.default_branch)
        commit = commit_at(pushes, due, head)
        why = f"no commit on {repo.default_branch} at the deadline ({due.isoformat()})"
    else:
        commit = gh.branch_head(repo.full_name, repo.default_branch)
        why = f"no commit on {repo.default_branch}"
    return Observed(repo, commit, "" if commit else why)


def assemble(
    course: CourseDir,
    observed: Mapping[str, Mapping[str, Observed]],
    found: Sequence[Target],
    store: GradesStore,
    origin: Origin,
    *,
    request: Request,
    now: datetime,
) -> RunPlan:
    """The run's plan from what was observed (slug -> seat -> `Observed`); pure."""
    plans, causes, urls, covered, entries = [], {}, {}, {}, []
    for target in found:
        seen = observed[target.slug]
        commits, causes[target.slug], urls[target.slug] = _per_member(target, seen)
        plan = plan_official(
            store,
            target.slug,
            commits,
            grader_commit=origin.grader_commit,
            reason=target.reason,
            regrade=request.regrade,
        )
        plans.append(plan)
        covered[target.slug] = tuple(_entries(course, target, seen))
        entries += [e for e in covered[target.slug] if _needed(e, plan)]
    config = course.course.official
    chunks = split(entries, concurrent=config.concurrent_jobs, per_job=config.learners_per_job)
    return RunPlan(
        course_repo=origin.course_repo,
        course_commit=origin.course_commit,
        grading_repo=origin.grading_repo,
        grader_commit=origin.grader_commit,
        event=origin.event,
        planned_at=now,
        plans=tuple(plans),
        chunks=chunks,
        max_parallel=max(1, min(config.concurrent_jobs, len(chunks))),
        causes={slug: found for slug, found in causes.items() if found},
        repo_urls=urls,
        seats=covered,
        release=course.course.release,
        titles={t.slug: course.course.assignment(t.slug).title or t.slug for t in found},
    )


def _per_member(
    target: Target, seen: Mapping[str, Observed]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    commits, causes, urls = {}, {}, {}
    for seat in target.seats:
        observed = seen[seat.name]
        for login in seat.members:
            commits[login] = observed.commit or ""
            if observed.cause:
                causes[login] = observed.cause
            if observed.repo is not None:
                urls[login] = observed.repo.html_url
    return commits, causes, urls


def _entries(course: CourseDir, target: Target, seen: Mapping[str, Observed]) -> list[Entry]:
    found = []
    for seat in target.seats:
        observed = seen[seat.name]
        if observed.repo is None or not observed.commit:
            continue
        found.append(
            Entry(
                assignment=target.slug,
                seat=seat.name,
                members=seat.members,
                repo=observed.repo.full_name,
                clone_url=observed.repo.clone_url,
                html_url=observed.repo.html_url,
                commit=observed.commit,
                deadline=seat_deadline(course.course, target.slug, seat),
            )
        )
    return found


def _needed(entry: Entry, plan: OfficialPlan) -> bool:
    return any(plan.to_grade.get(login) == entry.commit for login in entry.members)


def make_plan(
    gh: GitHub,
    course: CourseDir,
    learners: Sequence[Learner],
    store: GradesStore,
    origin: Origin,
    *,
    request: Request,
    now: datetime,
) -> RunPlan:
    """Observe every target's seats, then assemble the plan."""
    found = targets(course, learners, request)
    observed = {target.slug: observe(gh, course, target, now) for target in found}
    return assemble(course, observed, found, store, origin, request=request, now=now)


def format_plan(plan: RunPlan) -> str:
    """The plan in a few lines of Markdown (the plan job's summary, the terminal)."""
    sizes = ", ".join(str(len(c.entries)) for c in plan.chunks) or "none"
    lines = [
        f"official run planned at {plan.planned_at_text()} by grader "
        f"`{plan.grader_commit[:12]}` ({plan.grading_repo}): {len(plan.chunks)} grade job(s) "
        f"of {sizes} repositories, {plan.max_parallel} at a time"
    ]
    if not plan.plans:
        lines.append("- nothing is due at this time")
    for official in plan.plans:
        missing = plan.causes.get(official.assignment, {})
        reason = f" (reason: {official.reason})" if official.reason else ""
        lines.append(
            f"- {official.assignment}{reason}: {len(official.to_grade) - len(missing)} to grade, "
            f"{len(official.already_graded)} graded already, {len(missing)} cannot be graded"
        )
        lines += [f"  - {login}: {why}" for login, why in sorted(missing.items())]
    return "\n".join(lines)


def plan_for(gh: GitHub, course: CourseDir, origin: Origin, request: Request) -> RunPlan:
    """The plan of a run of `course` (its roster and store) as `origin` says."""
    learners = load_roster(course.roster_path).require_valid().learners
    store = load_store(course.root)
    now = datetime.now(UTC)
    return make_plan(gh, course, learners, store, origin, request=request, now=now)


def grading_repo_of(course: CourseDir) -> str:
    """course.toml's grading repository as OWNER/NAME, or a UserError saying to name one."""
    name = course.course.grading_repo
    if not name:
        raise UserError(
            "course.toml: grading_repo: not set; the official grade installs the grader from "
            'the grading repository: add `grading_repo = "classroom"`, run '
            "`classroom publish-grader` and `classroom course push`"
        )
    return course.course.full_name(name)
