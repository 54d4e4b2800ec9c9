"""`classroom provision SLUG`: every learner's repository, read → plan → (dry run) → apply.

Idempotent and resumable: each run first reads what exists, so a run killed at any point
is finished by the next one and nothing is created twice. One seat's failure never stops
the others; failures are listed at the end with what to do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from basis.errors import UserError
from graders.model.assignment import LoadedAssignment, load_assignment
from orchestrator.course import CourseDir
from orchestrator.deadline_notice import notice_for
from orchestrator.gateway import GatewayError, GitHub, Membership, RepoInfo
from orchestrator.pacing import Calls, format_duration, modelled_seconds, writes_within
from orchestrator.plan import (
    FEEDBACK_BRANCH,
    FEEDBACK_TITLE,
    SETUP_PATH,
    Observed,
    Options,
    Plan,
    Seat,
    SeatPlan,
    Shown,
    Step,
    issue_title,
    plan_ruleset,
    plan_seat,
    ruleset_name,
    ruleset_spec,
    seats,
)
from orchestrator.provision_reads import observe
from orchestrator.rendering import render
from orchestrator.roster import Learner, load_roster
from reporter.deadline_notice import Notice, notice_block, with_notice
from reporter.milestone_issues import all_issue_titles, issues_at_start
from reporter.milestone_issues import open_issue as open_milestone_issue

SHOWN_SEATS = 25
STOP_AFTER = 3  # consecutive failures from the start that stop a run


@dataclass
class Outcome:
    """How one seat's run ended."""

    seat: Seat
    applied: list[Step] = field(default_factory=list)
    members: dict[str, Membership] = field(default_factory=dict)
    calls: Calls = field(default_factory=Calls)
    error: str = ""
    repo: RepoInfo | None = None


@dataclass(frozen=True)
class Prepared:
    """A provisioning run before its first write: the template, what exists, the plan."""

    slug: str
    template: RepoInfo
    observed: dict[str, Observed]
    plan: Plan
    reads: Calls
    ruleset: dict[str, Any] | None = None  # the org ruleset as it is (when rulesets protect)


@dataclass(frozen=True)
class Seated:
    """One learner's seat after `provision_learner`: the repository and their membership."""

    repo: RepoInfo | None
    membership: Membership
    changed: bool  # False: everything was there already, nothing was written
    error: str = ""


def provision(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    only: Sequence[str] = (),
    dry_run: bool = False,
    console: Console | None = None,
    hours: float | None = None,
) -> int:
    """Bring every (or each `only`) learner's repository of `slug` to the provisioned state;
    with `hours`, only what GitHub's pacing allows in that time (the next run goes on)."""
    out = console or Console(highlight=False)
    learners = load_roster(course.roster_path).require_valid().select(only)
    gh.whoami(needed_scopes(course))
    prepared = prepare(course, gh, slug, learners)
    pacing = course.course.pacing
    if hours is not None:
        budget = sitting_budget(hours, pacing.writes_per_minute, pacing.writes_per_hour)
        prepared = replace(prepared, plan=prepared.plan.sitting(budget))
    out.print(format_plan(prepared.plan, pacing.writes_per_minute, pacing.writes_per_hour))
    if dry_run or not prepared.plan.has_work:
        return 0
    outcomes = apply(course, gh, prepared, out)
    out.print(summary_table(outcomes))
    out.print(format_totals(outcomes))
    failed = [o for o in outcomes if o.error]
    for o in failed:
        out.print(f"[red]failed[/red] {o.seat.repo}: {o.error}", soft_wrap=True)
    if failed:
        out.print("run the same command again: it resumes and retries only what is missing")
    return 1 if failed else 0


def sitting_budget(hours: float, per_minute: int, per_hour: int) -> int:
    """The writes of a sitting of `hours`: what the pacing allows, keeping 2% of each hour in
    reserve, so that the next sitting's first writes never meet this one's in GitHub's window
    of an hour (a run's first write comes a little after its start, by a varying amount)."""
    reserve = math.ceil(per_hour * 0.02)
    return writes_within(hours * 3600, per_minute, max(1, per_hour - reserve))


def provision_learner(
    course: CourseDir, gh: GitHub, slug: str, learner: Learner, *, console: Console
) -> Seated:
    """`provision SLUG --only LOGIN` as a value: the seat of one learner, made complete."""
    prepared = prepare(course, gh, slug, (learner,))
    seat_plan = prepared.plan.seats[0]
    seen = prepared.observed[seat_plan.seat.repo]
    if not seat_plan.steps:
        return Seated(seen.repo, seen.members.get(learner.login, "none"), changed=False)
    [outcome] = apply(course, gh, prepared, console)
    member = outcome.members.get(learner.login, "none")
    return Seated(outcome.repo, member, changed=bool(outcome.applied), error=outcome.error)


def prepare(course: CourseDir, gh: GitHub, slug: str, learners: Sequence[Learner]) -> Prepared:
    """Read what exists for `learners`' seats of `slug` and plan the writes; write nothing."""
    title = course.course.assignment(slug).title or slug
    template = _template(course, gh, slug)
    wanted = seats(course.course, slug, tuple(learners))
    before = gh.calls
    ruleset, shared = _observe_ruleset(course, gh, slug)
    observed, _ = observe(gh, course.course.org, wanted)
    loaded = milestone_spec(course, slug)
    opening = issues_at_start(loaded, course.course.milestone_mode(slug))
    titles = frozenset([issue_title(title), *all_issue_titles(loaded)])
    options = options_of(course)
    planned = tuple(
        plan_seat(s, observed[s.repo], title, opening, options, _shown(course, slug, s, titles))
        for s in wanted
    )
    plan = Plan(slug, planned, shared)
    return Prepared(slug, template, observed, plan, gh.calls - before, ruleset)


def needed_scopes(course: CourseDir) -> set[str]:
    """A classic token's scopes provisioning needs: `admin:org` too for the org ruleset."""
    ruleset = course.course.repos.protection == "ruleset"
    return {"repo", "admin:org"} if ruleset else {"repo"}


def options_of(course: CourseDir) -> Options:
    """What each repository gets, from course.toml's [repos]."""
    repos = course.course.repos
    return Options(
        feedback=repos.feedback_pull_request, protect_branch=repos.protection == "branch"
    )


def _observe_ruleset(
    course: CourseDir, gh: GitHub, slug: str
) -> tuple[dict[str, Any] | None, tuple[Step, ...]]:
    """The org ruleset protecting `slug`'s repositories, as it is, and whether it needs a write."""
    if course.course.repos.protection != "ruleset":
        return None, ()
    found = gh.org_ruleset(course.course.org, ruleset_name(slug))
    return found, plan_ruleset(found, ruleset_spec(course.course, slug))


def _shown(course: CourseDir, slug: str, seat: Seat, titles: frozenset[str]) -> Shown:
    return Shown(notice_for(course.course, slug, seat.members), titles)


def apply(course: CourseDir, gh: GitHub, prepared: Prepared, out: Console) -> list[Outcome]:
    """Apply a prepared plan, seat by seat; one seat's failure never stops the others."""
    _share_grading_workflow(course, gh)
    if prepared.plan.shared:
        _put_ruleset(course, gh, prepared)
    run = _Run(gh, course, prepared.slug, prepared.template, milestone_spec(course, prepared.slug))
    outcomes = _apply_all(run, prepared.plan, prepared.observed, out)
    _charge_reads(outcomes, prepared.reads, len(prepared.plan.seats))
    return outcomes


def _template(course: CourseDir, gh: GitHub, slug: str) -> RepoInfo:
    full = f"{course.course.org}/{course.course.template_name(slug)}"
    found = gh.repo(full)
    if found is None or not found.is_template:
        raise UserError(f"{full} is not a published template yet; run `classroom publish {slug}`")
    return found


def _put_ruleset(course: CourseDir, gh: GitHub, prepared: Prepared) -> None:
    """Create (or bring back in line) the org ruleset that protects every learner repository
    of the assignment: one write for the class instead of one protection per repository."""
    found = prepared.ruleset
    spec = ruleset_spec(course.course, prepared.slug)
    gh.put_org_ruleset(course.course.org, spec, int(found["id"]) if found else None)


def _share_grading_workflow(course: CourseDir, gh: GitHub) -> None:
    """Learner repos may call the course repo's grading workflow (one setting for all)."""
    name = course.course.grading_repo
    if not name:
        return
    full = name if "/" in name else f"{course.course.org}/{name}"
    if gh.actions_access(full) not in ("organization", "enterprise"):
        gh.set_actions_access(full, "organization")


@dataclass(frozen=True)
class _Run:
    """What every write of one provisioning run needs."""

    gh: GitHub
    course: CourseDir
    slug: str
    template: RepoInfo
    milestones: LoadedAssignment | None = None  # when its milestones each get an issue

    @property
    def title(self) -> str:
        return self.course.course.assignment(self.slug).title or self.slug

    def notice(self, seat: Seat) -> Notice | None:
        """The deadline the seat's issues show."""
        return notice_for(self.course.course, self.slug, seat.members)


def _apply_all(run: _Run, plan: Plan, observed: dict[str, Observed], out: Console) -> list[Outcome]:
    outcomes: list[Outcome] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out, transient=True) as bar:
        task = bar.add_task("provisioning", total=len(plan.seats))
        for seat_plan in plan.seats:
            bar.update(task, description=f"provisioning {seat_plan.seat.name}")
            seen = observed[seat_plan.seat.repo]
            if _systematic(outcomes):
                skipped = f"not attempted: the first {STOP_AFTER} repositories all failed"
                outcomes.append(Outcome(seat_plan.seat, members=dict(seen.members), error=skipped))
            else:
                outcomes.append(_apply_seat(run, seat_plan, seen))
            bar.advance(task)
    return outcomes


def _systematic(outcomes: list[Outcome]) -> bool:
    """The first few seats all failed: the cause is shared (a token, the template), stop."""
    return len(outcomes) >= STOP_AFTER and all(o.error for o in outcomes)


def _apply_seat(run: _Run, seat_plan: SeatPlan, seen: Observed) -> Outcome:
    outcome = Outcome(seat_plan.seat, members=dict(seen.members), repo=seen.repo)
    before = run.gh.calls
    try:
        for step, login in seat_plan.steps:
            outcome.repo = _apply_step(run, seat_plan.seat, outcome.repo, step, login, outcome)
            outcome.applied.append(step)
    except GatewayError as exc:
        outcome.error = str(exc)
    outcome.calls = run.gh.calls - before
    return outcome


def _apply_step(
    run: _Run, seat: Seat, repo: RepoInfo | None, step: Step, login: str, outcome: Outcome
) -> RepoInfo:
    gh = run.gh
    if step is Step.CREATE_REPO:
        org, name = seat.repo.split("/", 1)
        private = run.course.course.repos.visibility != "public"
        return gh.generate(run.template.full_name, org, name, private=private)
    assert repo is not None  # CREATE_REPO comes first when the repo is missing
    full, main = repo.full_name, repo.default_branch
    if step is Step.FEEDBACK_BRANCH:
        gh.create_branch(full, FEEDBACK_BRANCH, gh.wait_for_branch(full, main))
    elif step is Step.SETUP_COMMIT:
        text = render("provision/setup.md.j2")
        gh.add_file(full, SETUP_PATH, text, "Set up the Feedback pull request", main)
    elif step is Step.PROTECT_MAIN:
        gh.protect(full, main)
    elif step is Step.INVITE:
        outcome.members[login] = gh.invite(full, login)
    elif step is Step.OPEN_ISSUE and login and run.milestones is not None:
        milestone = next(m for m in run.milestones.spec.milestones if m.id == login)
        open_milestone_issue(gh, full, run.milestones, milestone, run.notice(seat))
    elif step is Step.OPEN_ISSUE:
        gh.open_issue(full, issue_title(run.title), _issue_body(run, seat, repo))
    elif step is Step.DEADLINE:
        _show_deadline(gh, full, int(login), run.notice(seat))
    elif step is Step.OPEN_PULL:
        body = render("provision/pull.md.j2", title=run.title)
        gh.open_pull(full, main, FEEDBACK_BRANCH, FEEDBACK_TITLE, body)
    return repo


def milestone_spec(course: CourseDir, slug: str) -> LoadedAssignment | None:
    """The assignment, when its milestones each get an issue in this course."""
    if course.course.milestone_mode(slug) == "off":
        return None
    folder = course.starter(slug).parent
    if not (folder / "assignment.toml").is_file():
        return None
    loaded = load_assignment(folder)
    return loaded if loaded.spec.milestones else None


def _issue_body(run: _Run, seat: Seat, repo: RepoInfo) -> str:
    notice = run.notice(seat)
    return render(
        "provision/issue.md.j2",
        title=run.title,
        logins=list(seat.members),
        repo_url=repo.html_url,
        deadline=notice_block(notice) if notice else "",
    )


def _show_deadline(gh: GitHub, full: str, number: int, notice: Notice | None) -> None:
    """Edit issue `number`'s deadline section to show `notice`."""
    issue = gh.issue(full, number)
    if issue is not None and notice is not None:
        gh.edit_issue_body(full, number, with_notice(issue.body, notice))


def _charge_reads(outcomes: list[Outcome], reads: Calls, count: int) -> None:
    """Spread the planning reads over the seats, so calls per learner include them."""
    for index, outcome in enumerate(outcomes):
        share = Calls(
            reads.reads // count + (index < reads.reads % count),
            reads.writes // count + (index < reads.writes % count),
        )
        outcome.calls = outcome.calls + share


def format_plan(plan: Plan, per_minute: int, per_hour: int) -> str:
    """The plan: seats to change, writes per step, and the paced time estimate."""
    pending = plan.pending
    lines = [
        f"{plan.slug}: {len(plan.seats) + plan.later} repositories, "
        f"{len(pending) + plan.later} need work"
    ]
    if not plan.has_work:
        return lines[0] + ": nothing to do, everything is provisioned"
    for step, count in sorted(plan.step_counts().items(), key=lambda kv: list(Step).index(kv[0])):
        lines.append(f"  {step.value:<22} {count:>5}")
    for seat_plan in pending[:SHOWN_SEATS]:
        steps = ", ".join(s.value + (f" {arg}" if arg else "") for s, arg in seat_plan.steps)
        lines.append(f"  {seat_plan.seat.repo}: {steps}")
    if len(pending) > SHOWN_SEATS:
        lines.append(f"  … and {len(pending) - SHOWN_SEATS} more")
    estimate = format_duration(plan.estimate(per_minute, per_hour))
    lines.append(
        f"{plan.writes} writes; paced at {per_minute}/min and {per_hour}/h "
        f"(GitHub's secondary limit) that takes about {estimate}"
    )
    lines += format_sittings(plan, per_minute, per_hour)
    return "\n".join(lines)


def format_sittings(plan: Plan, per_minute: int, per_hour: int) -> list[str]:
    """What is left for later runs, or a long run's advice to split it into sittings."""
    if plan.later:
        per_seat = sum(p.writes for p in plan.seats) / max(1, len(plan.seats))
        left = round(plan.later * per_seat)
        runs = -(-left // max(1, plan.writes))
        paced = format_duration(modelled_seconds(left, per_minute, per_hour))
        return [
            f"this run does {len(plan.seats)} repositories; {plan.later} are left for later "
            f"runs (about {left} writes, {paced} of pacing: {runs} more run(s) like this one). "
            "Run the same command again, by hand or from cron: each resumes where the last stopped"
        ]
    if plan.writes > per_hour:
        return [
            "more than an hour of writes: leave this running, or split it into sittings with "
            "--hours H (each run writes what GitHub allows in H hours; the next one resumes)"
        ]
    return []


def summary_table(outcomes: list[Outcome]) -> Table:
    """One row per seat: repository, result, invitations, calls."""
    table = Table(title="provisioning summary")
    table.add_column("repository", overflow="fold")
    for column in ("result", "members", "reads", "writes"):
        table.add_column(column, justify="right" if column in ("reads", "writes") else "left")
    for o in outcomes:
        result = (
            "[red]failed[/red]"
            if o.error
            else (
                "created"
                if Step.CREATE_REPO in o.applied
                else "updated"
                if o.applied
                else "unchanged"
            )
        )
        members = ", ".join(f"{login} ({state})" for login, state in o.members.items())
        table.add_row(o.seat.repo, result, members, str(o.calls.reads), str(o.calls.writes))
    return table


def format_totals(outcomes: list[Outcome]) -> str:
    """Totals and calls per learner repository."""
    total = sum((o.calls for o in outcomes), Calls())
    count = max(1, len(outcomes))
    failed = sum(1 for o in outcomes if o.error)
    return (
        f"{len(outcomes) - failed} done, {failed} failed; API calls: {total.reads} reads, "
        f"{total.writes} writes ({total.reads / count:.1f} reads and "
        f"{total.writes / count:.1f} writes per repository)"
    )
