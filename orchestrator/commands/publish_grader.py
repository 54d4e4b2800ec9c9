"""`classroom publish-grader`: push the learner-readable grading repository.

The tree comes from `orchestrator.grader_tree` (an allow-list, then a content check against
every hidden test and solution); it is pushed with real git like `classroom publish` does
for templates, and an unchanged tree makes no commit. `classroom publish` then pins each
starter's workflow to the tip this leaves.
"""

from __future__ import annotations

from pathlib import Path

from basis.errors import UserError
from orchestrator.course import COURSE_FILE, CourseDir
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grader_tree import PROJECT, GraderTree, grader_tree
from orchestrator.treesync import Synced, Target, sync_tree, write_files

SHOWN_CHANGES = 20
SHARED = ("organization", "enterprise")


def publish_grader(
    course: CourseDir, gh: GitHub, *, dry_run: bool = False, project: Path = PROJECT
) -> int:
    """Make course.toml's `grading_repo` hold exactly the grading tree; no commit if unchanged."""
    full = grading_repo(course)
    tree = grader_tree(course, project)
    visibility = course.course.grading_visibility
    gh.whoami({"repo", "workflow"})
    repo = gh.repo(full)
    if repo is not None:
        _same_visibility(repo, visibility)
    if dry_run:
        synced = _sync(gh, repo, tree, dry_run=True)
        print(format_dry_run(full, visibility if repo is None else None, synced, tree))
        return 0
    created = repo is None
    if repo is None:
        repo = gh.create_repo_named(
            full,
            private=visibility != "public",
            visibility=visibility,
            description="The course's grader: engine and what learners may read of each assignment",
        )
    if visibility != "public" and gh.actions_access(full) not in SHARED:
        gh.set_actions_access(full, "organization")  # private learner repos call grade.yml
    print(format_result(full, created, _sync(gh, repo, tree, dry_run=False), tree))
    return 0


def grading_repo(course: CourseDir) -> str:
    """course.toml's grading repository as OWNER/NAME, or a UserError saying how to name one."""
    name = course.course.grading_repo
    if not name:
        raise UserError(
            f"{course.root / COURSE_FILE}: grading_repo: not set; add "
            '`grading_repo = "classroom"` above the first [table] (the repository learners '
            "read the grader from), then run publish-grader again"
        )
    return course.course.full_name(name)


def _same_visibility(repo: RepoInfo, wanted: str) -> None:
    if repo.visibility != wanted:
        raise UserError(
            f"{repo.full_name} exists and is {repo.visibility}, but course.toml asks for "
            f'grading_visibility = "{wanted}"; publish-grader never changes the visibility of '
            "an existing repository (its whole history would become readable): change it on "
            "GitHub if that history holds nothing private, or name a new grading_repo"
        )


def _sync(gh: GitHub, repo: RepoInfo | None, tree: GraderTree, *, dry_run: bool) -> Synced:
    target = Target(repo.clone_url, repo.default_branch) if repo else Target(None, "main")
    assignments = len(tree.counts) - 1
    message = f"Publish the grader: the engine and {assignments} assignment(s), learners' view"
    return sync_tree(
        target,
        gh.git_auth_env(),
        message,
        lambda work: write_files(work, tree.files),
        dry_run=dry_run,
    )


def format_counts(tree: GraderTree) -> str:
    return ", ".join(f"{name} {count}" for name, count in tree.counts.items())


def format_result(full: str, created: bool, synced: Synced, tree: GraderTree) -> str:
    """What a real run did: the commit and the file count, or that nothing changed."""
    if synced.commit is None:
        tip = (synced.base or "")[:12]
        return (
            f"{full} already holds this grader at {tip}: unchanged, no new commit "
            f"({synced.files} files)"
        )
    verb = "created" if created else "updated"
    return (
        f"{verb} {full} at {synced.commit[:12]}: {synced.files} files "
        f"({format_counts(tree)}), {len(synced.changes)} changed"
    )


def format_dry_run(full: str, create: str | None, synced: Synced, tree: GraderTree) -> str:
    """What a real run would do, file by file (the first few); `create`: the new visibility."""
    if create is not None:
        head = f"would create {full} ({create}) with {synced.files} files"
    elif synced.changes:
        head = f"would update {full}: {len(synced.changes)} change(s), {synced.files} files"
    else:
        return f"{full} already holds this grader: nothing to push ({synced.files} files)"
    lines = [f"{head} ({format_counts(tree)})"]
    lines += [f"  {change}" for change in synced.changes[:SHOWN_CHANGES]]
    if len(synced.changes) > SHOWN_CHANGES:
        lines.append(f"  … and {len(synced.changes) - SHOWN_CHANGES} more")
    return "\n".join(lines)
