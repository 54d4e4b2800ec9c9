"""`classroom import`: GitHub Classroom's formats read and converted, without grading anything.

The conversion is pure (orchestrator.ghclassroom.convert); the command writes what it
planned, and the assignment it writes loads with the grader's own model.
"""

from __future__ import annotations

import ast
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from basis.errors import UserError
from graders.model.assignment import WeightGroup, load_assignment
from orchestrator.cli import add_commands  # noqa: F401  # the command is registered there
from orchestrator.commands.import_classroom import import_classroom, read_template
from orchestrator.ghclassroom.classify import pytest_run, setup_of
from orchestrator.ghclassroom.convert import TemplateFacts, convert
from orchestrator.ghclassroom.formats import parse_autograding, parse_workflow
from tests.conftest import FIXTURES

CLASSROOM = FIXTURES / "classroom"


def facts(*tests: dict[str, object], files: tuple[str, ...] = (), **more: object) -> TemplateFacts:
    text = json.dumps({"tests": list(tests)})
    return TemplateFacts(
        folder_name="My_Template",
        files=frozenset(files),
        autograding=tuple(parse_autograding(text)),
        **more,  # type: ignore[arg-type]
    )


def entry(name: str, run: str, points: float = 1, **fields: object) -> dict[str, object]:
    return {"name": name, "run": run, "points": points, **fields}


# --- autograding.json --------------------------------------------------------------------------


def test_pytest_commands_become_all_or_nothing_groups_with_their_points():
    found = convert(
        facts(
            entry("Arithmetic", "pytest tests/test_arith.py", 10, timeout=10),
            entry("One test", "python -m pytest -q tests/test_p.py::test_x", 3, timeout=5),
            entry("Everything", "pytest", 2),
            files=("tests/test_arith.py", "tests/test_p.py"),
        )
    )
    assert found.slug == "my-template"
    assert found.tests is not None and found.tests.points == 13
    assert found.tests.weights == {
        "tests/test_arith.py": WeightGroup(weight=10, all_or_nothing=True, name="Arithmetic"),
        "tests/test_p.py::test_x": WeightGroup(weight=3, all_or_nothing=True, name="One test"),
    }
    assert found.tests.paths == ["tests/test_arith.py", "tests/test_p.py"]
    assert found.tests.timeout_seconds == 15 * 60  # GitHub's per-command minutes, added up
    everything = found.entries[2]  # `pytest` runs both files again: only a command can
    assert (everything.became, found.commands[0].run) == ("commands", "pytest")
    assert found.protected == [".github", "tests"]


@pytest.mark.parametrize(
    ("command", "selector"),
    [
        ("pytest tests/test_a.py", "tests/test_a.py"),
        ("python3 -m pytest -v --tb=short ./tests/", "tests"),
        (
            "py.test -p no:cacheprovider tests/test_a.py::TestA::test_b",
            "tests/test_a.py::TestA::test_b",
        ),
        ("pytest", None),
    ],
)
def test_simple_pytest_commands_are_read(command, selector):
    found = pytest_run(command)
    assert found is not None and found.selector == selector


@pytest.mark.parametrize(
    "command",
    [
        "pytest --cov=app --cov-fail-under=80",  # a flag that decides passing
        "pytest -k add tests",
        "pytest tests/test_a.py tests/test_b.py",
        "pytest tests/test_*.py",
        "cd src && pytest",
        "python -m unittest",
    ],
)
def test_other_commands_are_run_as_they_are(command):
    assert pytest_run(command) is None


def test_io_tests_keep_input_output_comparison_timeout_and_points():
    found = convert(
        facts(
            entry("Exact", "python3 fizz.py", 5, input="15", output="1\n2", comparison="exact"),
            entry(
                "Regex",
                "python3 greet.py",
                2,
                input="Ada\n",
                output="^Hi, Ada!$",
                comparison="regex",
                timeout=2,
            ),
            entry("Exit code only", "python3 fizz.py --version", 1),
        )
    )
    exact, regex = found.io
    assert (exact.input, exact.output, exact.comparison, exact.points) == ("15", "1\n2", "exact", 5)
    assert exact.timeout_seconds == 60  # unset: GitHub's one minute
    assert (regex.comparison, regex.timeout_seconds) == ("regex", 120)
    assert [c.name for c in found.commands] == ["Exit code only"]


def test_a_service_a_root_install_or_a_background_process_becomes_a_stub():
    found = convert(
        facts(
            entry("Health", "curl -sf http://localhost:8000/health", 5, setup="python app.py &"),
            entry("System", "make test", 2, setup="sudo apt-get install -y make"),
            entry("Daemon", "python worker.py & sleep 1; python check.py", 3),
        )
    )
    assert [(e.test.name, e.became, e.blocker) for e in found.entries] == [
        ("Health", "stub", "service"),
        ("System", "stub", "privileged"),
        ("Daemon", "stub", "background"),
    ]
    assert found.total == 0 and found.github_total == 10


def test_a_regex_python_cannot_read_becomes_a_stub_saying_why():
    named = entry("Named", "p", 1, output="(?<year>\\d+)", comparison="regex")
    (found,) = convert(facts(named)).entries
    assert (found.became, found.blocker) == ("stub", "invalid")
    assert "not a regular expression" in found.detail


def test_pip_setups_are_dropped_and_missing_requirements_named():
    assert setup_of("sudo -H pip3 install pytest requests==2.32.3").packages == (
        "pytest",
        "requests",
    )
    found = convert(
        facts(
            entry("Uses requests", "python fetch.py", 1, setup="pip install requests rich"),
            requirements=frozenset({"rich"}),
        )
    )
    (check,) = found.commands
    assert check.setup == []
    assert "requirements.txt lacks requests" in found.entries[0].notes[0]


def test_a_setup_command_that_builds_is_kept():
    found = convert(facts(entry("Built", "python -m app", 1, setup="python build.py")))
    assert found.commands[0].setup == ["python build.py"]


def test_two_entries_over_the_same_tests_keep_github_classroom_counting_them_twice():
    found = convert(
        facts(
            entry("File", "pytest tests/test_a.py", 4),
            entry("One of its tests", "pytest tests/test_a.py::test_x", 1),
        )
    )
    assert [e.became for e in found.entries] == ["tests", "commands"]
    assert found.total == 5


# --- classroom.yml with the grader actions -----------------------------------------------------


def test_a_workflow_with_every_grader_kind_is_read_step_by_step():
    template = CLASSROOM / "leap-year-actions" / "template"
    found = convert(read_template(template), "leap")
    assert found.python == "3.11"
    assert found.tests is not None
    assert (found.tests.points, found.tests.weights, found.tests.python_files) == (
        30,
        {},
        ["*_test.py"],
    )
    assert [(c.name, c.comparison, c.points) for c in found.io] == [
        ("Year 2000", "exact", 5),
        ("Year 1900", "included", 5),  # the io grader's `contains`
    ]
    assert [(c.name, c.points) for c in found.commands] == [("Docstrings", 10), ("Compiles", 0)]
    compiles = next(e for e in found.entries if e.test.name == "Compiles")
    assert "never counted it" in compiles.notes[0]  # not in the reporter's runners
    assert found.github_total == 50
    assert found.protected == [".github", "leap_test.py"]


def test_max_score_is_read_as_javascripts_parseint():
    workflow = parse_workflow(
        """
jobs:
  grade:
    steps:
      - id: a
        uses: classroom-resources/autograding-command-grader@v1
        with: {test-name: A, command: "true", max-score: "7.9", timeout: "0.5"}
""",
        "w.yml",
    )
    (step,) = workflow.steps
    assert (step.max_score, step.minutes) == (7, 0.5)


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["fix-the-calculator", "fizzbuzz-io", "notes-cli-commands", "leap-year-actions"]
)
def test_each_fixture_imports_with_no_hand_edits_into_an_assignment_that_loads(name, tmp_path):
    out = tmp_path / name
    assert import_classroom(CLASSROOM / name / "template", out, slug=name) == 0
    loaded = load_assignment(out)
    assert loaded.spec.slug == name
    assert (out / "starter" / ".github" / "workflows" / "classroom.yml").is_file()
    assert not (out / "starter" / ".github" / "classroom").exists()
    workflow = (out / "starter" / ".github/workflows/classroom.yml").read_text()
    assert f"assignment: {name}" in workflow and "grade.yml@" in workflow
    assert "What this project adds" in (out / "IMPORT.md").read_text()
    tomllib.loads((out / "assignment.toml").read_text())


def test_a_stub_is_a_failing_hidden_check_listed_in_the_report_with_what_to_do(tmp_path):
    out = tmp_path / "notes"
    import_classroom(CLASSROOM / "notes-cli-commands" / "template", out)
    report = (out / "IMPORT.md").read_text()
    assert "### Server answers (5 points)" in report
    assert "Add an `[app]` table" in report and "`points = 5`" in report
    assert "out of **20 points**; here it is graded out of\n**15 points**" in report
    stubs = (out / "hidden_tests" / "test_imported.py").read_text()
    tree = ast.parse(stubs)
    (stub,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert stub.name == "test_server_answers" and ast.get_docstring(stub) == "Server answers"


def test_the_output_folder_must_be_new(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        import_classroom(CLASSROOM / "fizzbuzz-io" / "template", tmp_path / "out")


def test_a_folder_without_github_classroom_tests_is_refused_by_name(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(UserError, match=r"found neither \.github/classroom/autograding\.json"):
        import_classroom(tmp_path / "plain", tmp_path / "out")


def test_a_broken_autograding_json_names_the_file_and_the_field(tmp_path):
    (tmp_path / "t" / ".github" / "classroom").mkdir(parents=True)
    (tmp_path / "t" / ".github/classroom/autograding.json").write_text('{"tests": [{"name": "x"}]}')
    with pytest.raises(UserError, match=r"autograding.json: tests.0.run: Field required"):
        import_classroom(tmp_path / "t", tmp_path / "out")


def test_the_command_is_on_the_cli(tmp_path, capsys):
    from classroom.cli import main

    out = tmp_path / "io"
    assert main(["import", str(CLASSROOM / "fizzbuzz-io" / "template"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 output check(s), 1 command check(s)" in printed
    assert Path(out / "assignment.toml").is_file()


def test_unpinned_requirements_are_the_first_thing_to_do(tmp_path):
    template = tmp_path / "flask-app"
    shutil.copytree(CLASSROOM / "fizzbuzz-io" / "template", template)
    (template / "requirements.txt").write_text("flask\npytest==9.2.0\n")
    out = tmp_path / "out"

    import_classroom(template, out)

    report = (out / "IMPORT.md").read_text()
    assert "## To do first: the dependencies" in report
    assert "requirements.txt:1: `flask` is refused: not pinned to one exact version" in report
