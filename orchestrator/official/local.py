"""`classroom official SLUG --local`: the official workflow's four jobs, on this machine.

For a course without Actions minutes. The same plan (this folder's roster and store), the
same fetch (the chosen commits as plain trees; the grading repository at its head), the same
grade (`classroom grade --official` per learner, as root, fully contained: it refuses before
fetching anything otherwise) and the same record: into this folder's grades store (no commit;
`classroom course push` sends it on) and the same issue comments, with the instructor's token.

The grades name the grading repository's head as their grader, while this machine's engine
grades them: so the two must be the same engine, or `--local` refuses (run
`classroom publish-grader` first). The hidden tests are this folder's, as `course push` sends.
"""

from __future__ import annotations

import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from basis.errors import UserError
from graders.running.containment import detect
from orchestrator.commands.lock import format_decisions
from orchestrator.commands.official_job import lock_planned
from orchestrator.course import CourseDir
from orchestrator.course_tree import quality_material
from orchestrator.gateway import GitHub
from orchestrator.grader_tree import grader_tree
from orchestrator.official.fetch import export_commit, fetch_chunk
from orchestrator.official.grade_chunk import grade_chunk, unpack
from orchestrator.official.model import GRADER_TAR, HIDDEN_DIR, HIDDEN_TESTS, RunPlan
from orchestrator.official.planning import Origin, Request, format_plan, grading_repo_of, plan_for
from orchestrator.official.publishing import milestones_in, record_locally
from orchestrator.official.record import collect, format_run
from orchestrator.treesync import folder_files, read_bytes

SHOWN_DIFFERENCES = 5


def run_locally(course: CourseDir, gh: GitHub, request: Request) -> int:
    """Plan, fetch, grade and record here; print the summary."""
    missing = detect().missing()
    if missing:
        raise UserError(
            "--local grades on this machine, as root with full containment of learner code, "
            "and this machine cannot give it: " + "; ".join(missing)
        )
    grading = grading_repo_of(course)
    origin = Origin(
        course_repo=course.course.full_name(course.course.course_repo),
        course_commit="",
        grading_repo=grading,
        grader_commit=_grading_head(gh, grading),
        event="local",
    )
    plan = plan_for(gh, course, origin, request)
    print(format_plan(plan))
    with tempfile.TemporaryDirectory(prefix="classroom-local-") as tmp:
        results = _fetch_and_grade(gh, course, plan, Path(tmp))
        milestones = milestones_in(course.assignment_dir)
        collected = collect(plan, results)
        done = record_locally(gh, course, plan, collected, datetime.now(UTC), milestones)
    print(format_run(plan, done))
    if plan.locks:
        print(format_decisions(lock_planned(gh, plan)))
    return 0


def _grading_head(gh: GitHub, grading: str) -> str:
    repo = gh.repo(grading)
    head = gh.branch_head(grading, repo.default_branch) if repo else None
    if head is None:
        raise UserError(f"{grading} does not exist or is empty: run `classroom publish-grader`")
    return head


def _fetch_and_grade(gh: GitHub, course: CourseDir, plan: RunPlan, scratch: Path) -> Path:
    auth = gh.git_auth_env()
    repo = gh.repo(plan.grading_repo)
    assert repo is not None  # _grading_head read it
    tar = export_commit(repo.clone_url, plan.grader_commit, scratch / "grader" / GRADER_TAR, auth)
    grader = unpack(tar, scratch / "grader-tree")
    same_engine(grader, course)
    fetched = scratch / "grader"
    for slug in plan.assignments:
        _tar_hidden(course.assignment_dir(slug), fetched / HIDDEN_DIR / f"{slug}.tar")
    results = scratch / "results"
    for chunk in plan.chunks:
        folder = scratch / "chunks" / str(chunk.index)
        fetch_chunk(plan, chunk.index, folder, auth)
        grade_chunk(grader, fetched, folder, results / str(chunk.index))
    return results


def same_engine(grader: Path, course: CourseDir) -> None:
    """Refuse when the grading repository's tree is not what publish-grader would push now."""
    wanted = grader_tree(course).files
    differ = sorted(
        name
        for name, content in wanted.items()
        if not (grader / name).is_file() or (grader / name).read_bytes() != read_bytes(content)
    )
    if differ:
        shown = ", ".join(differ[:SHOWN_DIFFERENCES])
        raise UserError(
            f"the grading repository's head is not this machine's grader ({len(differ)} file(s) "
            f"differ: {shown}); --local grades with this machine's engine and records the "
            "grading repository's commit as the grader, so run `classroom publish-grader` "
            "first, then grade again"
        )


def _tar_hidden(folder: Path, tar: Path) -> None:
    """The assignment's hidden material as `course push` sends it (course_tree)."""
    if not (folder / HIDDEN_TESTS).is_dir():
        raise UserError(f"{folder / HIDDEN_TESTS}: no hidden tests; the official grade needs them")
    tar.parent.mkdir(parents=True, exist_ok=True)
    files = folder_files(folder / HIDDEN_TESTS, HIDDEN_TESTS) | quality_material(folder, "")
    with tarfile.open(tar, "w") as archive:
        for name, path in sorted(files.items()):
            assert isinstance(path, Path)
            archive.add(path, arcname=name)
