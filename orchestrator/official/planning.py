"""The plan of an official run: who, at which commit, with which grader, in which chunks.

Observe (the gateway: the org's repositories, each one's record of pushes), then decide
purely (`assemble`): each assignment's `OfficialPlan` (those already graded officially for
that commit are skipped: `tiers.plan_official`) and the chunks of what is left.

Which commit is graded, always by GitHub's record of pushes (`cutoff.read_cutoffs`), never a
commit date:
- a scheduled run (the cron that fired): for each seat whose own moment it is (its deadline,
  an extended deadline, the end of a late day), the head of its default branch at that moment;
  a commit graded officially before (by any grader) is not graded again, so an on-time commit
  is graded once and a late run grades only a commit pushed since;
- a dispatch: the head now; once the seat's deadline has passed, the head at the deadline;
- a regrade: the commit of the official grade that counts now (`orchestrator.standing`),
  judged against what it was judged against before; a seat without one as a dispatch.
A seat none of whose members pushed to the default branch by the moment has "no submission"
(a `NoSubmission` line: a 0 that says so). When the record no longer reaches the moment (it is
kept 90 days), the commit the store recorded for the seat stands in for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.cutoff import Cutoff, read_cutoffs
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grades_store import GradedSubmission, GradesStore, load_store
from orchestrator.late_ledger import terms_of
from orchestrator.official.chunking import split
from orchestrator.official.model import Entry, Event, LockSeat, RunPlan
from orchestrator.official.schedule import due_seats, seat_deadline, seat_moments
from orchestrator.plan import Seat, seats
from orchestrator.roster import Learner, load_roster
from orchestrator.standing import standings
from orchestrator.tiers import Judged, OfficialPlan, plan_official


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
    # A scheduled run: seat name -> the moment it is graded at (a deadline, a late day's end).
    moments: Mapping[str, datetime] = field(default_factory=dict)

    @property
    def scheduled(self) -> bool:
        return bool(self.moments)


@dataclass(frozen=True)
class Observed:
    """What GitHub holds for one seat: its repository and the commit to grade, or why not."""

    repo: RepoInfo | None
    commit: str | None
    cause: str = ""
    judged: Judged | None = None  # what the commit is judged against (past a deadline)
    absent: Judged | None = None  # no submission at the moment: nothing to grade


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
            every = seats(config, slug, tuple(learners))
            due = due_seats(config, slug, every, request.schedule)
            if due:
                reason = request.reason or "; ".join(dict.fromkeys(m.describe() for _, m in due))
                moments = {seat.name: moment.at for seat, moment in due}
                found.append(Target(slug, tuple(s for s, _ in due), reason, moments))
        return found
    if not request.assignment:
        raise UserError("name the assignment to grade (--assignment SLUG, as in course.toml)")
    config.assignment(request.assignment)  # a UserError listing the known ones
    chosen = _select(learners, request.learners)
    every = seats(config, request.assignment, chosen)
    return [Target(request.assignment, tuple(every), request.reason)]


def _select(learners: Sequence[Learner], only: Sequence[str]) -> tuple[Learner, ...]:
    wanted = {name.lower() for name in only}
    if not wanted:
        return tuple(learners)
    unknown = sorted(wanted - {x.login.lower() for x in learners})
    if unknown:
        raise UserError(f"not on the roster: {', '.join(unknown)}; check the logins (--learners)")
    return tuple(x for x in learners if x.login.lower() in wanted)


@dataclass(frozen=True)
class Looking:
    """What observing a target needs besides GitHub: the course, the store, the request."""

    course: CourseDir
    store: GradesStore
    request: Request
    now: datetime


def observe(gh: GitHub, look: Looking, target: Target) -> dict[str, Observed]:
    """Each seat's repository and commit to grade, by seat name (1-2 reads per seat)."""
    existing = gh.org_repos(look.course.course.org)
    found = {}
    for seat in target.seats:
        repo = existing.get(seat.repo.split("/", 1)[1].lower())
        found[seat.name] = _observe_seat(gh, look, target, seat, repo)
    return found


def _observe_seat(
    gh: GitHub, look: Looking, target: Target, seat: Seat, repo: RepoInfo | None
) -> Observed:
    if repo is None:
        return Observed(None, None, f"no repository {seat.repo} (classroom provision creates it)")
    if look.request.regrade:
        stored = counted_grade(look, target.slug, seat)
        if stored is not None:
            return Observed(repo, stored.commit, judged=judged_before(stored))
    due = seat_deadline(look.course.course, target.slug, seat)
    moment = target.moments.get(seat.name)
    if moment is None and due is not None and due <= look.now:
        moment = due
    if moment is None or due is None:
        head = gh.branch_head(repo.full_name, repo.default_branch)
        why = "" if head else f"no commit on {repo.default_branch}"
        return Observed(repo, head, why)
    cut = read_cutoffs(gh, repo, [moment], seat.members, read_at=look.now)[moment]
    return at_moment(cut, due, _stored(look, target.slug, seat), repo)


def at_moment(
    cut: Cutoff, deadline: datetime, stored: GradedSubmission | None, repo: RepoInfo
) -> Observed:
    """What to grade for a seat at a moment, from the record of pushes then (pure)."""
    if cut.submitted and cut.commit is not None:
        facts = Judged(deadline=deadline, moment=cut.moment, pushed_at=cut.pushed_at,
                       commit=cut.commit)  # fmt: skip
        return Observed(repo, cut.commit, judged=facts)
    if cut.status == "no submission":
        facts = Judged(deadline=deadline, moment=cut.moment, commit=cut.commit or "")
        return Observed(repo, None, absent=facts)
    if stored is not None:  # the record is gone: the commit graded then stands in for it
        return Observed(repo, stored.commit, judged=judged_before(stored))
    when = cut.moment.isoformat()
    return Observed(
        repo,
        None,
        f"GitHub's record of pushes no longer reaches {when} and no official grade of it is "
        "stored: grade it by hand (see the instructor guide)",
    )


def judged_before(stored: GradedSubmission) -> Judged | None:
    """What a stored official grade was judged against (None: before any deadline)."""
    if stored.deadline is None:
        return None
    return Judged(deadline=stored.deadline, pushed_at=stored.pushed_at, commit=stored.commit)


def _stored(look: Looking, slug: str, seat: Seat) -> GradedSubmission | None:
    """The seat's latest official grade in the store (its first member's)."""
    history = look.store.history(slug, seat.members[0]) if seat.members else ()
    return next((s for s in reversed(history) if s.tier == "official"), None)


def counted_grade(look: Looking, slug: str, seat: Seat) -> GradedSubmission | None:
    """The official grade that counts now for the seat (its first member's), if any."""
    if not seat.members:
        return None
    login, config = seat.members[0], look.course.course
    found = standings(look.store, login, [slug], terms_of(config, login), config.late_days)
    grade = found[slug].grade
    return grade if grade is not None and grade.tier == "official" else None


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
        members = _per_member(target, seen)
        causes[target.slug], urls[target.slug] = members.causes, members.urls
        plan = plan_official(
            store,
            target.slug,
            members.commits,
            grader_commit=origin.grader_commit,
            reason=target.reason,
            regrade=request.regrade,
            once=target.scheduled,
            judged=members.judged,
            absent=members.absent,
        )
        plans.append(plan)
        covered[target.slug] = tuple(_entries(course, target, seen))
        entries += [e for e in covered[target.slug] if _needed(e, plan)]
    config = course.course.official
    chunks = split(entries, concurrent=config.concurrent_jobs, per_job=config.learners_per_job)
    locks = tuple(lock for target in found for lock in closing(course, target, observed))
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
        locks=locks if config.lock else (),
        lock_mode=course.course.lock,
    )


def closing(
    course: CourseDir, target: Target, observed: Mapping[str, Mapping[str, Observed]]
) -> list[LockSeat]:
    """The seats of a scheduled target whose last grading moment this is (late work is no
    longer accepted after it), with a repository to lock."""
    found = []
    for seat in target.seats:
        moment = target.moments.get(seat.name)
        last = seat_moments(course.course, target.slug, seat)
        seen = observed[target.slug][seat.name]
        if moment is None or not last or last[-1].at != moment or seen.repo is None:
            continue
        found.append(LockSeat(assignment=target.slug, seat=seat.name, members=seat.members,
                              repo=seen.repo.full_name, due=moment))  # fmt: skip
    return found


@dataclass
class _Members:
    """What was observed, learner by learner (a team's members share their seat's)."""

    commits: dict[str, str] = field(default_factory=dict)
    causes: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    judged: dict[str, Judged] = field(default_factory=dict)
    absent: dict[str, Judged] = field(default_factory=dict)


def _per_member(target: Target, seen: Mapping[str, Observed]) -> _Members:
    found = _Members()
    for seat in target.seats:
        observed = seen[seat.name]
        for login in seat.members:
            if observed.repo is not None:
                found.urls[login] = observed.repo.html_url
            if observed.absent is not None:
                found.absent[login] = observed.absent
                continue
            found.commits[login] = observed.commit or ""
            if observed.cause:
                found.causes[login] = observed.cause
            if observed.judged is not None:
                found.judged[login] = observed.judged
    return found


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
    look = Looking(course, store, request, now)
    observed = {target.slug: observe(gh, look, target) for target in found}
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
        absent = f", {len(official.absent)} without a submission" if official.absent else ""
        lines.append(
            f"- {official.assignment}{reason}: {len(official.to_grade) - len(missing)} to grade, "
            f"{len(official.already_graded)} graded already, {len(missing)} cannot be "
            f"graded{absent}"
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
