"""The instructor's private course repository's tree, computed from the course folder.

Layout (every path below is what `classroom course push` owns, and nothing else):

    course.toml                        the course folder's, as it is
    roster.csv                         the roster, at the path course.toml names
    README.md                          the course folder's, when it has one
    assignments/<slug>/hidden_tests/   each assignment's hidden tests (from its template)
    assignments/<slug>/solution/       with bugs/, for an assignment that has a bugs/ folder
    assignments/<slug>/bugs/           (the test_quality stage's material): hidden like the tests
    .github/workflows/official.yml     every file of orchestrator/templates/course/workflows/
                                       (official.yml with the course's deadline crons and
                                       grading repository written in)
    grades/                            the grades store, merged append-only (below)

The owned paths are mirrored exactly: a file gone from the folder is gone from the
repository, and a workflow nobody shipped is removed (the repository holds the instructor's
token as a secret, so no workflow runs there but the ones `classroom` ships). Other paths of
the repository are left as they are.

The grades store is merged, never overwritten: the official workflow records grades in the
repository itself, so the folder may be behind. A file is one line per grade, appended: of
two versions the one that extends the other wins, a file only in the repository is kept, and
two versions that diverged stop the push with the file's name.

One file of the repository is written by someone else and never by `course push`:
`joined.csv` (roster columns), where the front desk records who joined by open enrolment.
`course push` names the learners it lists that the folder's roster lacks, so the instructor
can copy their rows into the roster.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from basis.errors import UserError
from orchestrator.course import COURSE_FILE, CourseDir
from orchestrator.grades_store import STORE_DIR
from orchestrator.official.schedule import deadline_crons, render_official
from orchestrator.rendering import TEMPLATES
from orchestrator.roster import missing_from
from orchestrator.treesync import Content, folder_files, read_bytes, write_files

WORKFLOWS = TEMPLATES / "course" / "workflows"
WORKFLOWS_DIR = ".github/workflows"
ASSIGNMENTS_DIR = "assignments"
SECRET_NAME = "CLASSROOM_TOKEN"
JOINED_FILE = "joined.csv"  # the front desk's record of who joined by open enrolment
OFFICIAL_WORKFLOW = "official.yml"
QUALITY_FOLDERS = ("solution", "bugs")  # graders.stages.test_quality reads them beside the tests


@dataclass(frozen=True)
class CourseTree:
    """The owned files of the course repository, and the folder's grades store apart."""

    files: dict[str, Content]
    owned: tuple[str, ...]  # files, and folders ending in "/"
    grades: dict[str, Content]
    hidden: dict[str, int]  # slug → hidden test files (0: the assignment has none)
    roster: str = "roster.csv"  # its path in the repository


@dataclass
class GradesMerge:
    """The grades store after a merge: its files, what only the repository had, conflicts."""

    files: dict[str, bytes] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Merged:
    """What a push found in the repository: grades it kept, and learners who joined at the
    front desk but are not on the folder's roster yet."""

    grades: GradesMerge
    joined: tuple[str, ...] = ()


def course_tree(course: CourseDir) -> CourseTree:
    """What `course push` puts in the course repository; a UserError for a bad folder."""
    files: dict[str, Content] = {COURSE_FILE: course.root / COURSE_FILE}
    roster = _roster_name(course)
    files[roster] = course.roster_path
    owned = [COURSE_FILE, roster, "README.md", f"{ASSIGNMENTS_DIR}/", f"{WORKFLOWS_DIR}/"]
    if (course.root / "README.md").is_file():
        files["README.md"] = course.root / "README.md"
    hidden: dict[str, int] = {}
    for slug in sorted(course.course.assignments):
        tests = folder_files(
            course.assignment_dir(slug) / "hidden_tests", f"{ASSIGNMENTS_DIR}/{slug}/hidden_tests"
        )
        files |= tests | quality_material(course.assignment_dir(slug), f"{ASSIGNMENTS_DIR}/{slug}")
        hidden[slug] = len(tests)
    files |= folder_files(WORKFLOWS, WORKFLOWS_DIR)
    files[f"{WORKFLOWS_DIR}/{OFFICIAL_WORKFLOW}"] = official_workflow(course).encode()
    grades = folder_files(course.root / STORE_DIR, STORE_DIR)
    return CourseTree(files, tuple(owned), grades, hidden, roster)


def quality_material(folder: Path, prefix: str) -> dict[str, Content]:
    """`solution/` and `bugs/` of an assignment with a bugs folder (test_quality), and
    `solution/` of one with a load stage (its latency is judged against the reference
    solution's, graders.model.load_reference); else none."""
    wanted: tuple[str, ...] = QUALITY_FOLDERS if (folder / QUALITY_FOLDERS[1]).is_dir() else ()
    if not wanted and has_load_stage(folder):
        wanted = QUALITY_FOLDERS[:1]
    files: dict[str, Content] = {}
    for name in wanted:
        files |= folder_files(folder / name, f"{prefix}/{name}" if prefix else name)
    return files


def has_load_stage(folder: Path) -> bool:
    """The assignment in `folder` has a `[stages.load]` table (read as data, never validated
    here: a broken spec is refused where it is loaded)."""
    try:
        spec = tomllib.loads((folder / "assignment.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    stages = spec.get("stages")
    return isinstance(stages, dict) and "load" in stages


def official_workflow(course: CourseDir) -> str:
    """official.yml for this course: a cron per deadline moment (UTC), its grading repo."""
    template = (WORKFLOWS / OFFICIAL_WORKFLOW).read_text(encoding="utf-8")
    grading = course.course.grading_repo
    full = course.course.full_name(grading) if grading else ""
    jobs = course.course.official.concurrent_jobs
    return render_official(template, deadline_crons(course.course), full, jobs)


def _roster_name(course: CourseDir) -> str:
    path = course.roster_path
    if not path.is_file():
        raise UserError(
            f"{course.root / COURSE_FILE}: roster: {path} does not exist; "
            "create it (github_username,name,email,section,team) or fix the field"
        )
    try:
        return path.resolve().relative_to(course.root.resolve()).as_posix()
    except ValueError:
        raise UserError(
            f"{course.root / COURSE_FILE}: roster: {path} is outside the course folder; the "
            "course repository keeps the roster: move it into the folder and fix the field"
        ) from None


def merge_grades(local: Mapping[str, bytes], remote: Mapping[str, bytes]) -> GradesMerge:
    """Both stores in one: the longer of two versions when one extends the other."""
    merged = GradesMerge()
    for name in sorted(set(local) | set(remote)):
        mine, theirs = local.get(name), remote.get(name)
        if mine is None or (theirs is not None and theirs.startswith(mine)):
            assert theirs is not None
            merged.files[name] = theirs
            if theirs != mine:
                merged.kept.append(name)
        elif theirs is None or mine.startswith(theirs):
            merged.files[name] = mine
        else:
            merged.conflicts.append(name)
    return merged


def apply_course_tree(work: Path, tree: CourseTree) -> Merged:
    """Turn a checkout of the course repository's tip into the pushed tree (in place)."""
    for owned in tree.owned:
        _remove(work / owned.rstrip("/"))
    write_files(work, tree.files)
    desk = work / JOINED_FILE
    joined = desk.read_text(encoding="utf-8") if desk.is_file() else ""
    roster = read_bytes(tree.files[tree.roster]).decode("utf-8-sig")
    remote = {
        name: path.read_bytes()
        for name, path in folder_files(work / STORE_DIR, STORE_DIR).items()
        if isinstance(path, Path)
    }
    local = {name: read_bytes(content) for name, content in tree.grades.items()}
    merged = merge_grades(local, remote)
    if merged.conflicts:
        raise UserError(
            "the course repository and this folder hold different grades in "
            + ", ".join(merged.conflicts)
            + " (neither extends the other); copy the repository's version of those files "
            "into the folder's grades/ (git clone the course repository), then push again"
        )
    write_files(work, merged.files)
    return Merged(merged, tuple(missing_from(roster, joined)))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
