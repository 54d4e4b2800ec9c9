"""`classroom join answer`: the front desk workflow's one step; answer every open request.

It runs inside the front desk's workflow with two tokens: the run's own GITHUB_TOKEN (`desk`:
reads the desk's issues, answers and closes them) and the instructor's, from the secret
CLASSROOM_TOKEN (`instructor`: provisions, through the very code `classroom provision SLUG
--only LOGIN` runs, so a request creates exactly what provisioning would, and a second one
finds it there).

Every open request is answered, oldest first, and the list is read again until no new one
came in meanwhile: GitHub keeps one pending run per concurrency group and cancels the older
pending one, so whichever run goes next must answer for the runs it replaced. A request is
answered once: an answer an earlier run posted (it died before closing the issue) is not
posted again. A failure on our side (GitHub kept failing, the template is not published)
leaves the request open and unanswered for the next run (a new request, or "Run workflow"),
and the run fails so the instructor hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from basis.errors import UserError
from orchestrator.commands.provision import Seated, prepare, provision_learner
from orchestrator.course import CourseDir
from orchestrator.course_tree import JOINED_FILE
from orchestrator.frontdesk import ANSWER_MARK, Admission, Verdict, admit, form_link
from orchestrator.gateway import GatewayError, GitHub, Request
from orchestrator.rendering import render
from orchestrator.roster import HEADER, Learner, Roster, load_roster, with_learner

STOP_AFTER = 3  # failures in a row: the cause is shared (a token, a template), stop


@dataclass(frozen=True)
class Answered:
    """How one request ended."""

    request: Request
    verdict: Verdict
    slug: str = ""
    repo: str = ""
    error: str = ""


@dataclass(frozen=True)
class _Desk:
    """What answering needs: the course, both gateways, the desk and who answers there."""

    course: CourseDir
    roster: Roster
    desk: GitHub
    instructor: GitHub
    full_name: str
    me: str
    dry_run: bool
    quiet: Console


def join_answer(
    course: CourseDir,
    desk: GitHub,
    instructor: GitHub,
    desk_repo: str,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    console: Console | None = None,
) -> int:
    """Answer every open request of `desk_repo`; 1 when one failed on our side."""
    out = console or Console(highlight=False)
    roster = enrolled(course)
    instructor.whoami({"repo"})
    ctx = _Desk(
        course, roster, desk, instructor, desk_repo, desk.identity(), dry_run, Console(quiet=True)
    )
    done: list[Answered] = []
    seen: set[int] = set()
    while not _stuck(done):
        pending = [r for r in desk.open_requests(desk_repo) if r.number not in seen]
        if not pending:
            break
        for request in pending:
            if _stuck(done):
                break
            seen.add(request.number)
            done.append(_answer(ctx, request, now or datetime.now(UTC)))
    out.print(answers_table(done, dry_run=dry_run))
    failed = [a for a in done if a.verdict is Verdict.FAILED]
    for a in failed:
        out.print(f"[red]failed[/red] #{a.request.number}: {a.error}", soft_wrap=True)
    if failed:
        out.print('those requests stay open: the next run answers them ("Run workflow")')
    return 1 if failed else 0


def enrolled(course: CourseDir) -> Roster:
    """The roster, and those the desk enrolled by section code (`joined.csv` beside
    course.toml: the course repository's checkout has it once someone joined that way)."""
    roster = load_roster(course.roster_path).require_valid()
    joined = course.root / JOINED_FILE
    if not joined.is_file():
        return roster
    known = {x.login.lower() for x in roster.learners}
    extra = [x for x in load_roster(joined).learners if x.login.lower() not in known]
    return Roster(roster.path, (*roster.learners, *extra))


def _stuck(done: list[Answered]) -> bool:
    recent = done[-STOP_AFTER:]
    return len(recent) == STOP_AFTER and all(a.verdict is Verdict.FAILED for a in recent)


def _answer(ctx: _Desk, request: Request, now: datetime) -> Answered:
    """Admit or refuse, provision the admitted, reply; a failure leaves the request open."""
    admission = admit(ctx.course.course, ctx.roster, request, now)
    try:
        if admission.verdict is not None:
            return _reply(ctx, request, admission, admission.verdict, None)
        seated = _seat(ctx, admission)
        if seated.error:
            return Answered(request, Verdict.FAILED, admission.slug, error=seated.error)
        verdict = Verdict.JOINED if seated.changed else Verdict.ALREADY
        return _reply(ctx, request, admission, verdict, seated)
    except (GatewayError, UserError) as exc:
        return Answered(request, Verdict.FAILED, admission.slug, error=str(exc))


def _seat(ctx: _Desk, admission: Admission) -> Seated:
    assert admission.learner is not None  # admitted
    slug, learner = admission.slug, admission.learner
    if not ctx.dry_run:
        if admission.by_code:
            _enrol(ctx, learner)
        return provision_learner(ctx.course, ctx.instructor, slug, learner, console=ctx.quiet)
    prepared = prepare(ctx.course, ctx.instructor, slug, (learner,))
    seat_plan = prepared.plan.seats[0]
    seen = prepared.observed[seat_plan.seat.repo]
    return Seated(seen.repo, seen.members.get(learner.login, "none"), bool(seat_plan.steps))


def _enrol(ctx: _Desk, learner: Learner) -> None:
    """Open enrolment: record the learner in the course repository's `joined.csv` before
    anything is provisioned, so the next run finds them enrolled (no code needed again) and
    `course push` tells the instructor to add them to the roster."""
    full = ctx.course.course.full_name(ctx.course.course.course_repo)
    found = ctx.instructor.file_text(full, JOINED_FILE)
    text, sha = found if found is not None else (",".join(HEADER) + "\n", None)
    updated = with_learner(text, learner)
    if updated is not None:
        message = f"Front desk: {learner.login} joined section {learner.section}"
        ctx.instructor.put_file(full, JOINED_FILE, updated, message, sha)


def _reply(
    ctx: _Desk, request: Request, admission: Admission, verdict: Verdict, seated: Seated | None
) -> Answered:
    """Post the answer (unless an earlier run did) and close the request."""
    repo = seated.repo if seated else None
    done = Answered(request, verdict, admission.slug, repo.full_name if repo else "")
    if ctx.dry_run:
        return done
    n = request.number
    if not any(
        c.author == ctx.me and c.body.startswith(ANSWER_MARK)
        for c in ctx.desk.comments(ctx.full_name, n)
    ):
        ctx.desk.create_comment(
            ctx.full_name, n, answer_text(ctx, request, admission, verdict, seated)
        )
    ctx.desk.close_issue(ctx.full_name, n, "completed" if verdict.granted else "not_planned")
    return done


def answer_text(
    ctx: _Desk, request: Request, admission: Admission, verdict: Verdict, seated: Seated | None
) -> str:
    """The comment: the verdict in words, never a word of the request's own text."""
    spec = ctx.course.course.assignments.get(admission.slug)
    deadline = admission.deadline
    return render(
        "join/answer.md.j2",
        mark=ANSWER_MARK,
        verdict=verdict.value,
        login=request.author,
        title=(spec.title or admission.slug) if spec else "",
        repo_url=seated.repo.html_url if seated and seated.repo else "",
        membership=seated.membership if seated else "none",
        deadline=deadline.strftime("%Y-%m-%d %H:%M %Z") if deadline else "",
        form_url=form_link(ctx.course.web_url, ctx.full_name),
    )


def answers_table(done: list[Answered], *, dry_run: bool) -> Table:
    """One row per request: the issue, who asked, for what, and what came of it."""
    table = Table(title="join requests" + (" (dry run: nothing written)" if dry_run else ""))
    for column in ("issue", "author", "assignment", "answer", "repository"):
        table.add_column(column, overflow="fold")
    for a in done:
        table.add_row(f"#{a.request.number}", a.request.author, a.slug, a.verdict.value, a.repo)
    if not done:
        table.caption = "no open request"
    return table
