"""`classroom course pull`: the course repository's grades into the course folder.

The official workflow records official grades (and "no submission" lines) in the course
repository's `grades/`; `collect`, `export`, `deadlines` and the dashboard read the folder's.
This reads the repository's tip with real git and merges its store into the folder's the way
`course push` merges the other way: of two versions of a file, the one that extends the other
is kept; two versions where neither extends the other stop the pull with the files named,
and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.course_tree import GradesMerge, merge_grades
from orchestrator.gateway import GitHub
from orchestrator.grades_store import STORE_DIR
from orchestrator.treesync import Target, folder_files, read_bytes, read_tip, write_files


def course_pull(course: CourseDir, gh: GitHub) -> int:
    """Merge `<org>/<course_repo>`'s grades store into the course folder's."""
    full = course.course.full_name(course.course.course_repo)
    gh.whoami({"repo"})
    repo = gh.repo(full)
    if repo is None:
        raise UserError(f"{full}: no course repository yet; `classroom course push` creates it")
    remote: dict[str, bytes] = {}
    target = Target(repo.clone_url, repo.default_branch)
    tip = read_tip(target, gh.git_auth_env(), lambda work: remote.update(store_of(work)))
    merged = merge_grades(store_of(course.root), remote)
    if merged.conflicts:
        raise UserError(
            f"this folder and {full} hold different grades in "
            + ", ".join(merged.conflicts)
            + " (neither extends the other): nothing was written; compare the two versions "
            "(git clone the course repository), keep the right one in this folder, pull again"
        )
    write_files(course.root, merged.files)
    print(format_pulled(full, tip, merged))
    return 0


def store_of(root: Path) -> dict[str, bytes]:
    """Every file of the grades store under `root`, by its path in the repository."""
    return {
        name: read_bytes(content)
        for name, content in folder_files(root / STORE_DIR, STORE_DIR).items()
    }


def format_pulled(full: str, tip: str | None, merged: GradesMerge) -> str:
    """One line for what the pull did, and each file it brought."""
    if tip is None:
        return f"{full} is empty: nothing to pull"
    head = f"{full} at {tip[:12]}: "
    if not merged.kept:
        return head + "the folder already has every grade"
    return "\n".join(
        [
            head + f"{len(merged.kept)} grades file(s) updated",
            *(f"  {name}" for name in merged.kept),
        ]
    )
