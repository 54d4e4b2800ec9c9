"""`classroom join publish`: create or update the course's public front desk.

The front desk (course.toml `join_repo`, default `join`) is where learners ask for their
repository themselves, the way an accept link once did. It holds:

    .github/ISSUE_TEMPLATE/join.yml     the form "Join an assignment": the assignments on offer
                                        (and, for open enrolment, the section code)
    .github/ISSUE_TEMPLATE/config.yml   no blank issues
    .github/workflows/join.yml          answers every request (`classroom join answer`)
    README.md                           what to do, with a link per assignment

The tree is mirrored exactly with real git (an unchanged tree makes no commit); the workflow
is pinned to the grading repository's tip, where it installs `classroom` from, and names the
private course repository, where it reads course.toml and the roster. The token this command
runs with is stored once as the secret CLASSROOM_TOKEN: the workflow provisions with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from basis.errors import UserError
from orchestrator.course import COURSE_FILE, CourseDir
from orchestrator.course_tree import SECRET_NAME
from orchestrator.frontdesk import (
    ASSIGNMENT_FIELD,
    ASSIGNMENT_LABEL,
    CODE_FIELD,
    CODE_LABEL,
    FORM_FILE,
    join_link,
    offered,
    pin_workflow,
)
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grading_pin import Pin, grading_pin
from orchestrator.rendering import TEMPLATES, render
from orchestrator.token_secret import SecretStep, plan_secret, secret_line
from orchestrator.treesync import Synced, Target, sync_tree, write_files

WORKFLOW = TEMPLATES / "join" / "join.yml"
SHOWN_CHANGES = 20


@dataclass(frozen=True)
class Offer:
    """One assignment on the form: what the learner sees and the link that picks it."""

    slug: str
    title: str
    deadline: str
    link: str


def join_publish(
    course: CourseDir,
    gh: GitHub,
    *,
    dry_run: bool = False,
    rotate_token: bool = False,
    now: datetime | None = None,
) -> int:
    """Bring the front desk to the course's state; store the token; print the join links."""
    full = course.course.full_name(course.course.join_repo)
    if course.course.join is None:
        raise UserError(
            f"{course.root / COURSE_FILE}: join: no [join] table, so the front desk is off; "
            'add a [join] table (enrolment = "roster" is the default) and run join publish again'
        )
    gh.whoami({"repo", "workflow"})
    pin = _grader(course, gh)
    course_repo = _course_repo(course, gh)
    offers = offers_of(course, full, now or datetime.now(UTC))
    files = desk_files(course, pin, course_repo, offers)
    repo = gh.repo(full)
    if repo is not None and repo.private:
        raise UserError(
            f"{full} is private: learners could not open issues there; make it public on "
            "GitHub, or set join_repo in course.toml to a new name"
        )
    secret = plan_secret(
        repo is not None and gh.secret_exists(full, SECRET_NAME), rotate=rotate_token
    )
    if dry_run:
        synced = _sync(gh, repo, files, dry_run=True)
        print(format_dry_run(full, repo is None, synced, secret))
        print(format_links(offers))
        return 0
    created = repo is None
    if repo is None:
        repo = gh.create_repo_named(
            full,
            private=False,
            description="Join an assignment of the course: open an issue with the form",
        )
    synced = _sync(gh, repo, files, dry_run=False)
    if secret is not SecretStep.KEPT:
        gh.store_token_secret(full, SECRET_NAME)
    print(format_result(full, created, synced, secret))
    print(format_links(offers))
    return 0


def _grader(course: CourseDir, gh: GitHub) -> Pin:
    pin = grading_pin(course, gh)
    if pin is None:
        raise UserError(
            f"{course.root / COURSE_FILE}: grading_repo: not set; the front desk's workflow "
            'installs classroom from the grading repository: add grading_repo = "classroom", '
            "run `classroom publish-grader`, then join publish again"
        )
    return pin


def _course_repo(course: CourseDir, gh: GitHub) -> str:
    full = course.course.full_name(course.course.course_repo)
    if gh.repo(full) is None:
        raise UserError(
            f"{full} does not exist: the front desk reads course.toml and the roster there; "
            "run `classroom course push` first"
        )
    return full


def offers_of(course: CourseDir, desk: str, now: datetime) -> list[Offer]:
    """The assignments on the form, each with its title, deadline and prefilled link."""
    slugs = offered(course.course, now)
    if not slugs:
        raise UserError(
            f"{course.root / COURSE_FILE}: no assignment to offer: every deadline has passed; "
            "list the ones learners may still join under [join] assignments = [...]"
        )
    found = []
    for slug in slugs:
        spec = course.course.assignments[slug]
        due = spec.deadline.strftime("%Y-%m-%d %H:%M %Z") if spec.deadline else ""
        found.append(Offer(slug, spec.title or slug, due, join_link(course.web_url, desk, slug)))
    return found


def desk_files(
    course: CourseDir, pin: Pin, course_repo: str, offers: list[Offer]
) -> dict[str, bytes]:
    """The front desk's whole tree, by path."""
    is_open = course.course.join is not None and course.course.join.enrolment == "open"
    form = render(
        "join/form.yml.j2",
        assignments=offers,
        open=is_open,
        assignment_field=ASSIGNMENT_FIELD,
        assignment_label=ASSIGNMENT_LABEL,
        code_field=CODE_FIELD,
        code_label=CODE_LABEL,
    )
    workflow = pin_workflow(WORKFLOW.read_text(encoding="utf-8"), pin, course_repo)
    readme = render("join/README.md.j2", org=course.course.org, assignments=offers, open=is_open)
    return {
        f".github/ISSUE_TEMPLATE/{FORM_FILE}": form.encode(),
        ".github/ISSUE_TEMPLATE/config.yml": render("join/config.yml.j2").encode(),
        ".github/workflows/join.yml": workflow.encode(),
        "README.md": readme.encode(),
    }


def _sync(gh: GitHub, repo: RepoInfo | None, files: dict[str, bytes], *, dry_run: bool) -> Synced:
    target = Target(repo.clone_url, repo.default_branch) if repo else Target(None, "main")
    return sync_tree(
        target,
        gh.git_auth_env(),
        "Publish the front desk: the join form, its workflow and the README",
        lambda work: write_files(work, files),
        dry_run=dry_run,
    )


def format_result(full: str, created: bool, synced: Synced, secret: SecretStep) -> str:
    """What a real run did: the commit (or none), the secret."""
    if synced.commit is None:
        head = f"{full} already holds this front desk: unchanged, no new commit"
    else:
        verb = "created (public)" if created else "updated"
        head = f"{verb} {full} at {synced.commit[:12]}: {len(synced.changes)} file(s) changed"
    return head + "\n" + secret_line(secret, SECRET_NAME, full, dry_run=False)


def format_dry_run(full: str, create: bool, synced: Synced, secret: SecretStep) -> str:
    """What a real run would do: the repository, the changed files, the secret."""
    if create:
        head = f"would create {full} (public) with {synced.files} files"
    elif synced.changes:
        head = f"would update {full}: {len(synced.changes)} change(s)"
    else:
        head = f"{full} already holds this front desk: nothing to push"
    lines = [head, *(f"  {change}" for change in synced.changes[:SHOWN_CHANGES])]
    lines.append(secret_line(secret, SECRET_NAME, full, dry_run=True))
    return "\n".join(lines)


def format_links(offers: list[Offer]) -> str:
    """One line per assignment: the link that opens the form with it picked."""
    width = max(len(o.slug) for o in offers)
    lines = ["links to hand out (the form, with the assignment picked):"]
    lines += [f"  {o.slug:<{width}}  {o.link}" for o in offers]
    return "\n".join(lines)
