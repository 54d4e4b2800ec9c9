"""`classroom course push`: create or update the instructor's private course repository.

The tree comes from `orchestrator.course_tree` (course.toml, roster, hidden tests, grades,
the official workflow); it is pushed with real git on top of the repository's tip, and an
unchanged tree makes no commit. The token this command runs with is stored once as the
repository secret `CLASSROOM_TOKEN` (sealed with the repository's public key, as GitHub
requires); later runs keep it unless `--rotate-token` asks to store the current one again.
The token is never printed and never written into a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.course_tree import (
    SECRET_NAME,
    CourseTree,
    GradesMerge,
    Merged,
    apply_course_tree,
    course_tree,
)
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.token_secret import SecretStep, plan_secret, secret_line
from orchestrator.treesync import Synced, Target, sync_tree

SHOWN_CHANGES = 20


@dataclass(frozen=True)
class Pushed:
    """What one push did (or, in a dry run, would do)."""

    repo: str
    created: bool
    synced: Synced
    grades: GradesMerge
    secret: SecretStep
    joined: tuple[str, ...] = ()


def course_push(
    course: CourseDir, gh: GitHub, *, dry_run: bool = False, rotate_token: bool = False
) -> int:
    """Bring `<org>/<course_repo>` to the course folder's state; store the token as a secret."""
    tree = course_tree(course)
    full = course.course.full_name(course.course.course_repo)
    gh.whoami({"repo", "workflow"})
    repo = gh.repo(full)
    if repo is not None and not repo.private:
        raise UserError(
            f"{full} is {repo.visibility}: the course repository holds hidden tests and a "
            "token, so course push only writes to a private one; make it private on GitHub, "
            "or set course_repo in course.toml to a new name"
        )
    had_secret = repo is not None and gh.secret_exists(full, SECRET_NAME)
    secret = plan_secret(had_secret, rotate=rotate_token)
    if dry_run:
        synced, merged = _sync(gh, repo, tree, dry_run=True)
        pushed = Pushed(full, repo is None, synced, merged.grades, secret, merged.joined)
        print(format_dry_run(pushed, tree))
        return 0
    created = repo is None
    if repo is None:
        repo = gh.create_repo_named(
            full,
            private=True,
            description="The course: roster, hidden tests, grades and official grading (private)",
        )
    synced, merged = _sync(gh, repo, tree, dry_run=False)
    if secret is not SecretStep.KEPT:
        gh.store_token_secret(full, SECRET_NAME)
    print(format_result(Pushed(full, created, synced, merged.grades, secret, merged.joined), tree))
    return 0


def _sync(
    gh: GitHub, repo: RepoInfo | None, tree: CourseTree, *, dry_run: bool
) -> tuple[Synced, Merged]:
    target = Target(repo.clone_url, repo.default_branch) if repo else Target(None, "main")
    merges: list[Merged] = []
    synced = sync_tree(
        target,
        gh.git_auth_env(),
        "Push the course: course.toml, roster, hidden tests, grades, official workflow",
        lambda work: merges.append(apply_course_tree(work, tree)),
        keep_remote=True,
        dry_run=dry_run,
    )
    return synced, merges[0]


def format_contents(tree: CourseTree) -> str:
    hidden = ", ".join(f"{slug} {count}" for slug, count in tree.hidden.items()) or "none"
    return f"hidden tests: {hidden}; grades: {len(tree.grades)} file(s)"


def format_result(done: Pushed, tree: CourseTree) -> str:
    """What a real run did: the commit and file count (or no commit), the secret, the grades."""
    synced = done.synced
    if synced.commit is None:
        lines = [
            f"{done.repo} already holds this course at {(synced.base or '')[:12]}: unchanged, "
            f"no new commit ({synced.files} files)"
        ]
    else:
        verb = "created (private)" if done.created else "updated"
        lines = [
            f"{verb} {done.repo} at {synced.commit[:12]}: {synced.files} files "
            f"({format_contents(tree)}), {len(synced.changes)} changed"
        ]
    lines.append(secret_line(done.secret, SECRET_NAME, done.repo, dry_run=False))
    lines += _grades_lines(done.grades) + _joined_lines(done.joined)
    return "\n".join(lines)


def format_dry_run(done: Pushed, tree: CourseTree) -> str:
    """What a real run would do: the repository, the changes (the first few), the secret."""
    synced = done.synced
    if done.created:
        head = f"would create {done.repo} (private) with {synced.files} files"
    elif synced.changes:
        head = f"would update {done.repo}: {len(synced.changes)} change(s), {synced.files} files"
    else:
        head = f"{done.repo} already holds this course: nothing to push ({synced.files} files)"
    lines = [f"{head} ({format_contents(tree)})"]
    lines += [f"  {change}" for change in synced.changes[:SHOWN_CHANGES]]
    if len(synced.changes) > SHOWN_CHANGES:
        lines.append(f"  … and {len(synced.changes) - SHOWN_CHANGES} more")
    lines.append(secret_line(done.secret, SECRET_NAME, done.repo, dry_run=True))
    lines += _grades_lines(done.grades) + _joined_lines(done.joined)
    return "\n".join(lines)


def _grades_lines(grades: GradesMerge) -> list[str]:
    if not grades.kept:
        return []
    return [
        f"kept {len(grades.kept)} grades file(s) the repository holds beyond this folder "
        "(recorded there by the official workflow); clone the course repository to read them"
    ]


def _joined_lines(joined: tuple[str, ...]) -> list[str]:
    if not joined:
        return []
    return [
        f"{len(joined)} learner(s) joined at the front desk and are not in this folder's roster "
        f"yet ({', '.join(joined)}): copy their rows from joined.csv in the course repository "
        "into the roster, so that collect, lock and the dashboard count them"
    ]
