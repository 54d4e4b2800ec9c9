"""The record job's writes: one commit of grades, the issue comments, the dashboard.

In the workflow the grades go to the course repository as one commit per run, made on its
tip with the job's own token (`sync_tree` with the tip kept; a push that lost a race starts
again from the new tip, so two runs never lose each other's lines), and the dashboard to its
`gh-pages` branch. On the instructor's machine (`classroom official --local`) they go to the
course folder (`classroom course push` sends them on). Either way each learner's official
grade is posted on their assignment issue with the instructor's token.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from basis.errors import UserError
from graders.model.assignment import LoadedAssignment
from graders.model.report import GradeReport
from orchestrator.course import Course, CourseDir, load_course
from orchestrator.dashboard.build import build_site
from orchestrator.dashboard.course_facts import class_info_from_course
from orchestrator.dashboard.publish import PAGES_BRANCH
from orchestrator.gateway import GatewayError, GitHub
from orchestrator.grades_store import STORE_DIR, load_store
from orchestrator.official.comment import Lateness, Posted, comment_body, lateness, post_grade
from orchestrator.official.model import Entry, RunPlan
from orchestrator.official.record import (
    Collected,
    Recorded,
    ToPost,
    grades_to_post,
    write_run,
)
from orchestrator.tiers import OfficialBatch
from orchestrator.treesync import (
    PushRejected,
    Synced,
    Target,
    folder_files,
    sync_tree,
    write_files,
)
from reporter.milestone_issues import milestone_assignment
from reporter.milestone_issues import sync as milestone_sync

PUSH_ATTEMPTS = 3


@dataclass(frozen=True)
class Facts:
    """What a posted grade says besides its report: why it was graded, how late it was."""

    reason: str = ""
    late: Lateness | None = None


Assignments = Callable[[str], LoadedAssignment | None]


def no_milestones(_slug: str) -> LoadedAssignment | None:
    """No assignment's milestones are known: the grades are posted, no issue is moved."""
    return None


def milestones_in(folder_of: Callable[[str], Path]) -> Assignments:
    """Each assignment with milestones, read once from its folder (`folder_of(slug)`: the
    grader's `templates/SLUG` in the record job, the course's assignment folder here)."""
    loaded: dict[str, LoadedAssignment | None] = {}

    def find(slug: str) -> LoadedAssignment | None:
        if slug not in loaded:
            folder = folder_of(slug)
            loaded[slug] = milestone_assignment(folder) if folder.is_dir() else None
        return loaded[slug]

    return find


def post_grades(
    gh: GitHub,
    plan: RunPlan,
    ready: Sequence[tuple[Entry, GradeReport, Facts]],
    assignments: Assignments = no_milestones,
) -> list[Posted]:
    """Post (or edit) each official grade on its assignment issue, and move the milestone
    issues as the grade says (milestones judged by hidden checks are done only here: practice
    grades run none); a failure costs one post."""
    if not ready:
        return []
    me = gh.identity()
    posted = []
    for entry, report, facts in ready:
        body = comment_body(
            report, entry, grader_commit=plan.grader_commit, reason=facts.reason, late=facts.late
        )
        title = plan.titles.get(entry.assignment, entry.assignment)
        try:
            done = post_grade(gh, entry, report, title=title, me=me, body=body)
            loaded = assignments(entry.assignment)
            if loaded is not None and not done.problem:
                moved = milestone_sync(gh, entry.repo, loaded, report, "one-at-a-time")
                done = replace(done, milestones=tuple(moved))
            posted.append(done)
        except GatewayError as exc:
            posted.append(Posted(entry, problem=str(exc)))
    return posted


def build_dashboard(root: Path, out: Path, now: datetime, name: str) -> Path:
    """The dashboard of the course held in `root` (course.toml, roster, grades) into `out`."""
    course = load_course(root)
    store = load_store(root)
    info = class_info_from_course(course, store).model_copy(update={"course": name})
    return build_site(info, store, out, as_of=now).out


@dataclass
class _Made:
    """What filling the course repository's tree made, for after the push."""

    batches: list[OfficialBatch] = field(default_factory=list)
    to_post: ToPost = field(default_factory=lambda: ToPost((), ()))
    facts: dict[tuple[str, str], Facts] = field(default_factory=dict)
    site: Path | str = ""


def record_in_repository(
    gh: GitHub,
    course_gh: GitHub,
    plan: RunPlan,
    collected: Collected,
    now: datetime,
    message: str,
    assignments: Assignments = no_milestones,
) -> Recorded:
    """One commit of the run's grades on the course repository's tip, the posts, the site."""
    repo = course_gh.repo(plan.course_repo)
    if repo is None:
        raise UserError(f"{plan.course_repo}: not readable with the job's token (contents: read)")
    auth = course_gh.git_auth_env()
    made = _Made()
    with tempfile.TemporaryDirectory(prefix="classroom-record-") as tmp:

        def fill(work: Path) -> None:
            made.batches = write_run(work, plan, collected, now)
            made.to_post = grades_to_post(work, plan, now)
            made.facts = _facts(work, plan)
            made.site = _try_dashboard(work, Path(tmp) / "site", now, plan.course_repo)

        target = Target(repo.clone_url, repo.default_branch)
        synced = _sync_with_retries(target, auth, message, fill)
        posted = post_grades(gh, plan, _with_facts(made.to_post, made.facts), assignments)
        dashboard = _publish(made.site, repo.clone_url, auth)
    store = (
        f"commit {synced.commit[:12]} of {plan.course_repo}"
        if synced.commit
        else f"nothing new for {plan.course_repo}"
    )
    return Recorded(tuple(made.batches), tuple(posted), made.to_post.waiting, store, dashboard)


def _sync_with_retries(
    target: Target, auth: dict[str, str], message: str, fill: Callable[[Path], None]
) -> Synced:
    """`sync_tree` on the tip; a push that lost a race is made again on the new tip."""
    for _ in range(PUSH_ATTEMPTS - 1):
        try:
            return sync_tree(target, auth, message, fill, keep_remote=True)
        except PushRejected:
            continue
    return sync_tree(target, auth, message, fill, keep_remote=True)


def record_locally(
    gh: GitHub,
    course: CourseDir,
    plan: RunPlan,
    collected: Collected,
    now: datetime,
    assignments: Assignments = no_milestones,
) -> Recorded:
    """The run's grades into the course folder's store, the posts, the site in `site/`."""
    batches: list[OfficialBatch] = write_run(course.root, plan, collected, now)
    to_post = grades_to_post(course.root, plan, now)
    posted = post_grades(gh, plan, _with_facts(to_post, _facts(course.root, plan)), assignments)
    built = _try_dashboard(course.root, course.root / "site", now, course.root.resolve().name)
    store = f"{course.root / STORE_DIR} (`classroom course push` sends it to the course repository)"
    where = f"built in {built}" if isinstance(built, Path) else str(built)
    return Recorded(tuple(batches), tuple(posted), to_post.waiting, store, where)


def _facts(root: Path, plan: RunPlan) -> dict[tuple[str, str], Facts]:
    """(assignment, seat) -> the reason of the seat's official grade by this grader, and how
    late its commit was (from the store and course.toml under `root`)."""
    try:
        config: Course | None = load_course(root).course
    except UserError:
        config = None  # the grades stand; the comment only lacks its late line
    found = {}
    for slug, entries in plan.seats.items():
        store = load_store(root, slug)
        for entry in entries:
            history = store.history(slug, entry.members[0]) if entry.members else ()
            mine = [
                s
                for s in history
                if s.tier == "official"
                and s.commit == entry.commit
                and s.grader_commit == plan.grader_commit
            ]
            if not mine:
                continue
            late = None
            if config is not None and slug in config.assignments:
                late = lateness(config, store, slug, entry.members[0], entry.commit)
            found[(slug, entry.seat)] = Facts(mine[-1].reason, late)
    return found


def _with_facts(
    to_post: ToPost, facts: dict[tuple[str, str], Facts]
) -> list[tuple[Entry, GradeReport, Facts]]:
    return [(e, r, facts.get((e.assignment, e.seat), Facts())) for e, r in to_post.now]


def _try_dashboard(root: Path, out: Path, now: datetime, name: str) -> Path | str:
    """The built site's folder, or why it could not be built (the grades stand either way)."""
    try:
        return build_dashboard(root, out, now, name)
    except (UserError, OSError, ValueError) as exc:
        return f"not built: {exc}"


def _publish(site: Path | str, clone_url: str, auth: dict[str, str]) -> str:
    if not isinstance(site, Path):
        return str(site)
    try:
        done = sync_tree(
            Target(clone_url, PAGES_BRANCH),
            auth,
            "Dashboard: the official grades",
            lambda work: write_files(work, folder_files(site)),
        )
    except UserError as exc:
        return f"not published: {exc}"
    if done.commit is None:
        return f"{PAGES_BRANCH} already showed it"
    return f"published on {PAGES_BRANCH} at {done.commit[:12]}"
