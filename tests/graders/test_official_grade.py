"""Official grading: the template's protected files go back before grading, and it says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classroom.cli import main
from graders.model.report import GradeReport, Tampering
from graders.running.integrity import restore, tampering
from tests.conftest import NOTES_ASSIGNMENT

HIDDEN = NOTES_ASSIGNMENT / "hidden_tests"
PROTECTED = ["tests", "pytest.ini", ".github"]
WORKFLOW = ".github/workflows/classroom.yml"
PINNED = "    uses: org/grader/.github/workflows/grade.yml@{sha} # pinned\n"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    root = tmp_path / "starter"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_api.py").write_text("def test_one():\n    assert 1\n")
    (root / "tests" / "conftest.py").write_text("# the template's own conftest\n")
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / WORKFLOW).write_text(PINNED.format(sha="0" * 40))
    (root / "app").mkdir()
    (root / "app" / "main.py").write_text("x = 1\n")
    return root


@pytest.fixture
def untouched(template: Path, tmp_path: Path) -> Path:
    """A learner's repository as `classroom publish` made it: the workflow pinned to a commit."""
    copy = tmp_path / "submission"
    shutil.copytree(template, copy)
    (copy / WORKFLOW).write_text(PINNED.format(sha="ab12" * 10))
    (copy / "app" / "main.py").write_text("x = 2  # the learner's own work\n")
    return copy


def test_a_published_repo_with_its_own_work_is_not_tampered(template, untouched):
    assert tampering(untouched, template, PROTECTED) == []


def test_every_kind_of_change_to_protected_files_is_named(template, untouched):
    (untouched / "tests" / "test_api.py").write_text("def test_one():\n    pass\n")
    (untouched / "tests" / "test_extra.py").write_text("def test_free_points():\n    pass\n")
    (untouched / "pytest.ini").unlink()
    (untouched / "conftest.py").write_text("# forces passes\n")
    (untouched / "app" / "conftest.py").write_text("# also loaded by pytest\n")
    (untouched / WORKFLOW).write_text("on: push\n")

    assert tampering(untouched, template, PROTECTED) == [
        Tampering(path=WORKFLOW, change="changed"),
        Tampering(path="app/conftest.py", change="added"),
        Tampering(path="conftest.py", change="added"),
        Tampering(path="pytest.ini", change="removed"),
        Tampering(path="tests/test_api.py", change="changed"),
        Tampering(path="tests/test_extra.py", change="added"),
    ]


def test_a_symlink_in_place_of_a_protected_folder_counts_as_a_change(template, untouched):
    shutil.rmtree(untouched / "tests")
    (untouched / "tests").symlink_to("/etc")
    assert Tampering(path="tests", change="changed") in tampering(untouched, template, PROTECTED)


def test_restore_leaves_the_templates_files_and_the_learners_code(template, untouched):
    (untouched / "tests" / "test_api.py").write_text("def test_one():\n    pass\n")
    (untouched / "tests" / "test_extra.py").write_text("def test_free_points():\n    pass\n")
    (untouched / "conftest.py").write_text("# forces passes\n")
    (untouched / "pytest.ini").unlink()

    restore(untouched, template, PROTECTED)

    assert tampering(untouched, template, PROTECTED) == []
    assert not (untouched / "tests" / "test_extra.py").exists()
    assert (untouched / "tests" / "conftest.py").exists()  # the template's own stays
    assert (untouched / "app" / "main.py").read_text().startswith("x = 2")


def test_restore_replaces_a_symlinked_folder_without_touching_its_target(
    template, untouched, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the grader's to delete\n")
    shutil.rmtree(untouched / "tests")
    (untouched / "tests").symlink_to(elsewhere)

    restore(untouched, template, PROTECTED)

    assert not (untouched / "tests").is_symlink()
    assert (untouched / "tests" / "test_api.py").is_file()
    assert (elsewhere / "keep.txt").is_file()


def test_a_linked_folder_above_a_protected_file_never_lets_the_restore_write_outside(
    template, untouched, tmp_path
):
    """`docs` -> somewhere else: putting docs/contract.yaml back must not write there."""
    (template / "docs").mkdir()
    (template / "docs" / "contract.yaml").write_text("openapi: 3.1.0\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "contract.yaml").write_text("the learner's own\n")
    (untouched / "docs").symlink_to(elsewhere)
    protected = [*PROTECTED, "docs/contract.yaml"]

    assert Tampering(path="docs/contract.yaml", change="changed") in tampering(
        untouched, template, protected
    )
    restore(untouched, template, protected)

    assert (elsewhere / "contract.yaml").read_text() == "the learner's own\n"
    assert not (untouched / "docs").is_symlink()
    assert (untouched / "docs" / "contract.yaml").read_text() == "openapi: 3.1.0\n"


@pytest.mark.slow
@pytest.mark.usefixtures("grading_runs")
def test_the_official_grade_undoes_gamed_tests_that_practice_feedback_believes(
    overlay_submission, tmp_path
):
    submission = overlay_submission("games_its_tests")

    def grade(folder: str, *extra: str) -> GradeReport:
        out = tmp_path / folder
        argv = ["grade", str(submission), "--assignment", str(NOTES_ASSIGNMENT)]
        assert main([*argv, "--hidden-tests", str(HIDDEN), "--out", str(out), *extra]) == 0
        return GradeReport.model_validate_json((out / "results.json").read_text())

    practice, official = grade("practice"), grade("official", "--official")

    assert practice.tier == "practice" and practice.integrity == []
    assert practice.stage("tests").score == practice.stage("tests").max_score
    assert official.tier == "official"
    assert official.integrity == [
        Tampering(path="conftest.py", change="added"),
        Tampering(path="tests/test_notes.py", change="changed"),
    ]
    assert official.stage("tests").score < official.stage("tests").max_score
    feedback = (tmp_path / "official" / "feedback.md").read_text()
    assert "### Protected files put back" in feedback
    assert "`tests/test_notes.py` (changed)" in feedback
    assert (submission / "conftest.py").exists(), "the learner's own folder is never changed"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ([], "--official needs the hidden tests: add --hidden-tests"),
        (["--hidden-tests", str(HIDDEN), "--skip", "load"], "--official grades every stage"),
    ],
)
def test_an_incomplete_official_grade_is_refused(extra, says, tmp_path, capsys):
    argv = ["grade", str(tmp_path), "--assignment", str(NOTES_ASSIGNMENT), "--official"]
    assert main([*argv, *extra, "--out", str(tmp_path / "out")]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
