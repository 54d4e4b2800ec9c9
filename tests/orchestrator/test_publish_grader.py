"""publish-grader against the real sandbox: the learner-readable grading repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from basis.errors import UserError
from classroom.cli import main
from orchestrator.commands.publish import publish
from orchestrator.commands.publish_grader import publish_grader
from orchestrator.grader_tree import wheel_packages
from tests.orchestrator.conftest import ALL_ASSIGNMENTS, ORG, Classroom, with_two_repositories
from tests.orchestrator.repo_files import (
    PRIVATE,
    ROOT,
    blob_id,
    every_blob,
    git,
    head_files,
    mirror,
    private_blobs,
)

GRADER = f"{ORG}/classroom"
ENGINE_TOP = {
    ".github",
    "README.md",
    "pyproject.toml",
    *wheel_packages(ROOT / "pyproject.toml"),
}


@pytest.fixture
def course(classroom: Classroom) -> Classroom:
    """The class's course with a grading repository and every assignment of the catalog."""
    return with_two_repositories(classroom)


def own_catalog(tmp_path: Path, slugs: tuple[str, ...] = ("tasks-api",)) -> Path:
    catalog = tmp_path / "catalog"
    for slug in slugs:
        shutil.copytree(
            ROOT / "templates" / slug,
            catalog / slug,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*_cache"),
        )
    return catalog


def pushed(room: Classroom, tmp_path: Path, name: str = "grader") -> Path:
    clone = mirror(f"{room.url}/{GRADER}.git", room.token, tmp_path / "clones" / name)
    assert clone is not None
    return clone


def test_the_grading_repository_holds_the_engine_and_only_what_learners_may_read(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert publish_grader(course.course, gh) == 0
    clone = pushed(course, tmp_path)
    files = head_files(clone)
    assert {name.split("/")[0] for name in files} == ENGINE_TOP | {"templates"}
    assert (
        files[".github/workflows/grade.yml"] == (ROOT / ".github/workflows/grade.yml").read_bytes()
    )
    assert "graders/commands/grade.py" in files and "pyproject.toml" in files
    for slug in ALL_ASSIGNMENTS:
        shown = {n.split("/", 2)[2] for n in files if n.startswith(f"templates/{slug}/")}
        top = {n for n in shown if not n.startswith(("starter/", "milestones/"))}
        assert top == {"assignment.toml", "ruff.toml", "mypy.ini", "locustfile.py"}
        issues = {n for n in shown if n.startswith("milestones/")}
        assert issues == {f"milestones/{p.name}" for p in (ROOT / "templates" / slug).glob(
            "milestones/*.md")}  # fmt: skip
        starter = ROOT / "templates" / slug / "starter"
        assert files[f"templates/{slug}/starter/README.md"] == (starter / "README.md").read_bytes()
    tip = gh.branches(GRADER)["main"].sha
    printed = capsys.readouterr().out
    assert f"created {GRADER} at {tip[:12]}: {len(files)} files" in printed
    assert gh.repo(GRADER).visibility == "public"


def test_no_hidden_test_or_solution_is_in_the_grading_repository_by_path_or_content(
    course: Classroom, tmp_path: Path
) -> None:
    publish_grader(course.course, course.gateway())
    private = private_blobs()
    assert len(private) > 50  # hidden tests and solutions of all three assignments
    blobs = every_blob(pushed(course, tmp_path))  # every ref, all history
    paths = {path for stored in blobs.values() for path in stored}
    assert not [p for p in paths if set(p.split("/")) & set(PRIVATE)]
    assert not [private[sha] for sha in blobs if sha in private]
    assert not [p for p in paths if p.split("/")[0] in ("tests", "benchmarks", "docs")]


def test_an_unchanged_grader_makes_no_commit(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    publish_grader(course.course, gh)
    first = gh.branches(GRADER)["main"].sha
    capsys.readouterr()
    assert publish_grader(course.course, gh) == 0
    assert gh.branches(GRADER)["main"].sha == first
    assert f"already holds this grader at {first[:12]}: unchanged, no new commit" in (
        capsys.readouterr().out
    )


def test_a_changed_starter_is_one_new_commit_and_removed_files_leave(
    classroom: Classroom, tmp_path: Path
) -> None:
    catalog = own_catalog(tmp_path)
    course = with_two_repositories(classroom, catalog=catalog, assignments=("tasks-api",))
    gh = course.gateway()
    publish_grader(course.course, gh)
    first = gh.branches(GRADER)["main"].sha
    (catalog / "tasks-api" / "starter" / "README.md").write_text("A new brief.\n")
    (catalog / "tasks-api" / "starter" / "app" / "seed.py").unlink()
    publish_grader(course.course, gh)
    clone = pushed(course, tmp_path)
    files = head_files(clone)
    assert files["templates/tasks-api/starter/README.md"] == b"A new brief.\n"
    assert "templates/tasks-api/starter/app/seed.py" not in files
    assert git("rev-parse", "main", cwd=clone).strip() != first
    assert git("rev-list", "--count", "main", cwd=clone).strip() == "2"


def test_the_dry_run_writes_nothing_and_says_what_it_would_push(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert publish_grader(course.course, gh, dry_run=True) == 0
    assert gh.calls.writes == 0
    assert gh.repo(GRADER) is None
    printed = capsys.readouterr().out
    assert f"would create {GRADER} (public) with " in printed
    assert "A\ttemplates/tasks-api/assignment.toml" in printed or "… and" in printed


def test_a_starter_holding_a_hidden_test_is_refused_before_anything_is_created(
    classroom: Classroom, tmp_path: Path
) -> None:
    catalog = own_catalog(tmp_path)
    hidden = sorted((catalog / "tasks-api" / "hidden_tests").glob("test_*.py"))[0]
    copied = catalog / "tasks-api" / "starter" / "tests" / "test_extra.py"
    shutil.copy(hidden, copied)
    course = with_two_repositories(classroom, catalog=catalog, assignments=("tasks-api",))
    gh = course.gateway()
    with pytest.raises(UserError) as refused:
        publish_grader(course.course, gh)
    assert "templates/tasks-api/starter/tests/test_extra.py" in str(refused.value)
    assert hidden.name in str(refused.value)
    assert gh.calls.writes == 0 and gh.repo(GRADER) is None


def test_a_grader_config_inside_the_hidden_tests_is_refused_with_its_field(
    classroom: Classroom, tmp_path: Path
) -> None:
    catalog = own_catalog(tmp_path)
    spec = catalog / "tasks-api" / "assignment.toml"
    text = spec.read_text()
    assert 'config = "ruff.toml"' in text
    spec.write_text(text.replace('config = "ruff.toml"', 'config = "hidden_tests/conftest.py"'))
    course = with_two_repositories(classroom, catalog=catalog, assignments=("tasks-api",))
    with pytest.raises(UserError) as refused:
        publish_grader(course.course, course.gateway())
    message = str(refused.value)
    assert f"{spec}: stages.lint.config" in message and "learners must never read" in message


def test_publish_pins_each_starter_to_the_grading_repository_tip(course: Classroom) -> None:
    gh = course.gateway()
    publish_grader(course.course, gh)
    tip = gh.branches(GRADER)["main"].sha
    publish(course.course, gh, "tasks-api")
    template = course.client().get_repo(f"{ORG}/tasks-api-template")
    text = template.get_contents(".github/workflows/classroom.yml").decoded_content.decode()
    assert f"uses: {GRADER}/.github/workflows/grade.yml@{tip}" in text
    assert f"grader-ref: {tip}" in text


def test_an_existing_private_repository_is_never_made_public(course: Classroom) -> None:
    gh = course.gateway()
    gh.create_repo(ORG, "classroom", private=True, template=False)
    with pytest.raises(UserError) as refused:
        publish_grader(course.course, gh)
    assert "exists and is private" in str(refused.value)
    assert gh.repo(GRADER).private


def test_an_internal_grading_repository_is_shared_with_the_orgs_workflows(
    classroom: Classroom,
) -> None:
    toml = classroom.course.root / "course.toml"
    text = toml.read_text().replace(
        'grading_visibility = "public"', 'grading_visibility = "internal"'
    )
    toml.write_text(text)
    course = with_two_repositories(classroom, assignments=("tasks-api",))
    assert course.course.course.grading_visibility == "internal"
    gh = course.gateway()
    publish_grader(course.course, gh)
    assert gh.actions_access(GRADER) == "organization"
    assert gh.repo(GRADER).private  # the sandbox stores internal as private


def test_without_a_grading_repository_the_error_says_what_to_add(
    classroom: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish-grader", "--course", str(classroom.course.root)]) == 2
    err = capsys.readouterr().err
    assert "course.toml: grading_repo: not set" in err and 'grading_repo = "classroom"' in err


def test_the_cli_publishes_the_grader_and_never_prints_the_token(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ["--course", str(course.course.root)]
    assert main(["publish-grader", "--dry-run", *root]) == 0
    assert main(["publish-grader", *root]) == 0
    printed = capsys.readouterr()
    assert f"created {GRADER} at " in printed.out
    assert course.token not in printed.out + printed.err


def test_git_blob_ids_match_git(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"hello\n")
    assert git("hash-object", "f", cwd=tmp_path).strip() == blob_id(b"hello\n")


def test_publish_before_publish_grader_says_to_run_it(course: Classroom) -> None:
    with pytest.raises(UserError) as refused:
        publish(course.course, course.gateway(), "tasks-api")
    assert "run `classroom publish-grader` first" in str(refused.value)
