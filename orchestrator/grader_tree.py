"""The learner-readable grading repository's tree, computed from an allow-list.

What goes in, and nothing else:

- the engine, i.e. what `pip install ./grader` needs: `pyproject.toml`, the packages its
  wheel target lists (`reporter/` among them, with the pyproject of what the report job
  installs alone), the reusable `.github/workflows/grade.yml`, and a README written for
  the course (`orchestrator/templates/grader/README.md.j2`);
- per assignment of the course, under `templates/<slug>/` (where `grade.yml` looks):
  `assignment.toml`, the files it names for the grader (lint and type configs, locustfile)
  and `starter/` with the brief. Never `hidden_tests/`, never `solution/`, never `bugs/`
  (the test_quality stage's buggy versions of the solution).

`starter/` is the starter as a provisioned learner repository holds it: its workflows name
this grading repository (with a zero commit on the `# pinned` lines, which the official grade
compares blanked) and it has the setup file `classroom provision` commits. The official grade
puts protected files back from this copy, so an untouched learner repository differs from it
in nothing.

A second, independent check runs on the result: no file may have the content of a hidden
test, nor of a solution file that is not also public (in a starter or a trusted config).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from basis.errors import UserError
from graders.model.assignment import LoadedAssignment, load_assignment
from orchestrator.course import CourseDir
from orchestrator.grading_pin import Pin
from orchestrator.plan import SETUP_PATH
from orchestrator.rendering import render
from orchestrator.treesync import Content, folder_files, read_bytes, tree_files

PROJECT = Path(__file__).resolve().parent.parent
ENGINE_FILES = ("pyproject.toml", "reporter/pyproject.toml", ".github/workflows/grade.yml")
PRIVATE_FOLDERS = ("hidden_tests", "solution", "bugs")


@dataclass(frozen=True)
class GraderTree:
    """The files of the grading repository, and how many came from where."""

    files: dict[str, Content]
    counts: dict[str, int]  # "engine" and each assignment's slug


def grader_tree(course: CourseDir, project: Path = PROJECT) -> GraderTree:
    """The grading repository's tree for `course`; a UserError if anything private got in."""
    files = engine_files(project)
    counts = {"engine": len(files) + 1}
    slugs = sorted(course.course.assignments)
    public: set[str] = set()
    grading = course.course.full_name(course.course.grading_repo or "classroom")
    for slug in slugs:
        learner = learner_files(load_assignment(course.assignment_dir(slug)))
        shown = as_provisioned(learner, grading, setup=course.course.repos.feedback_pull_request)
        files |= {f"templates/{slug}/{name}": content for name, content in shown.items()}
        counts[slug] = len(shown)
        public |= {digest(read_bytes(content)) for content in shown.values()}
    packages = wheel_packages(project / "pyproject.toml")
    readme = render(
        "grader/README.md.j2", org=course.course.org, packages=packages, assignments=slugs
    )
    files["README.md"] = readme.encode()
    refuse_leaks(files, private_digests([course.assignment_dir(s) for s in slugs], public))
    return GraderTree(files, counts)


def engine_files(project: Path) -> dict[str, Content]:
    """pyproject.toml, the grading workflow and every file of the wheel's packages."""
    files: dict[str, Content] = {}
    for name in ENGINE_FILES:
        if not (project / name).is_file():
            raise UserError(
                f"{project / name}: missing; publish-grader ships the grader from a checkout of "
                "backend-classroom: run it from the checkout's own .venv"
            )
        files[name] = project / name
    for package in wheel_packages(project / "pyproject.toml"):
        files |= folder_files(project / package, package)
    return files


def wheel_packages(pyproject: Path) -> list[str]:
    """The packages `pip install` builds into the wheel (hatch's wheel target)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    packages = data.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    listed = packages.get("wheel", {}).get("packages", [])
    if not listed or not all(isinstance(p, str) for p in listed):
        raise UserError(f"{pyproject}: tool.hatch.build.targets.wheel.packages lists no packages")
    return [str(PurePosixPath(p)) for p in listed]


def learner_files(assignment: LoadedAssignment) -> dict[str, Content]:
    """What learners may see of one assignment: its spec, the grader's configs, the starter."""
    folder = assignment.root
    named = {"assignment.toml": "(file)", **trusted_files(assignment)}
    files: dict[str, Content] = {}
    for name, field in named.items():
        files[name] = _inside(folder, name, field)
    starter = folder / "starter"
    if not starter.is_dir():
        raise UserError(f"{starter}: missing; every assignment needs a starter/ folder")
    return files | folder_files(starter, "starter")


def as_provisioned(
    files: dict[str, Content], grading_repo: str, *, setup: bool
) -> dict[str, Content]:
    """`files` (an assignment's learner files) with `starter/` as a provisioned repository
    holds it: workflows pinned to `grading_repo` (commit zero), and provision's setup file
    when the course opens the Feedback pull request (`setup`)."""
    pin = Pin(grading_repo, "0" * 40)
    done: dict[str, Content] = {}
    for name, content in files.items():
        if name.startswith("starter/.github/workflows/") and name.endswith((".yml", ".yaml")):
            content = pin.apply(read_bytes(content).decode("utf-8")).encode("utf-8")
        done[name] = content
    if setup:
        done[f"starter/{SETUP_PATH}"] = render("provision/setup.md.j2").encode("utf-8")
    return done


def trusted_files(assignment: LoadedAssignment) -> dict[str, str]:
    """The files `assignment.toml` names for the grader (configs, locustfile, milestone issue
    bodies), with the field that names each."""
    stages = assignment.spec.stages
    named: dict[str, str] = {}
    if stages.lint is not None:
        named[stages.lint.config] = "stages.lint.config"
    if stages.types is not None:
        named[stages.types.config] = "stages.types.config"
    if stages.load is not None:
        named[stages.load.locustfile] = "stages.load.locustfile"
    for index, milestone in enumerate(assignment.spec.milestones):
        named[milestone.body] = f"milestones.{index}.body"  # the report job opens these issues
    return named


def _inside(folder: Path, name: str, field: str) -> Path:
    """`folder/name`, refused when it leaves the folder, is private or does not exist."""
    where = f"{folder / 'assignment.toml'}: {field}"
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise UserError(f"{where}: {name} must be a path inside the assignment folder")
    if path.parts and path.parts[0] in PRIVATE_FOLDERS:
        raise UserError(
            f"{where}: {name} is inside {path.parts[0]}/, which learners must never read; "
            "move the file next to assignment.toml"
        )
    if not (folder / path).is_file():
        raise UserError(f"{where}: {folder / path} does not exist; add it or fix the field")
    return folder / path


def digest(data: bytes) -> str:
    """The content hash files are compared by."""
    return hashlib.sha256(data).hexdigest()


def private_digests(folders: Iterable[Path], public: Set[str]) -> dict[str, Path]:
    """Content hash → file, for what learners must never read in these assignment folders.

    Every non-empty hidden test and bug file; every solution file whose content is not also
    `public` (a solution keeps the starter's tests, configs and untouched modules).
    """
    private: dict[str, Path] = {}
    for folder in folders:
        for kind in PRIVATE_FOLDERS:
            for path in _files(folder / kind):
                data = path.read_bytes()
                if data.strip() and (kind != "solution" or digest(data) not in public):
                    private.setdefault(digest(data), path)
    return private


def _files(folder: Path) -> list[Path]:
    return [folder / relative for relative in tree_files(folder)] if folder.is_dir() else []


def refuse_leaks(files: Mapping[str, Content], private: Mapping[str, Path]) -> None:
    """A UserError naming every file whose content is a hidden test's or a solution's."""
    found = []
    for name, content in sorted(files.items()):
        source = private.get(digest(read_bytes(content)))
        if source is not None:
            found.append(f"{name} (the same content as {source})")
    if found:
        raise UserError(
            "refusing to publish the grading repository: learners would read "
            + "; ".join(found)
            + ". Remove those files from the starter (or the engine) and run it again"
        )
