"""Assignments that are not web services: io and command checks, public tests with discovery
settings, `env` and `setup`, a Python per assignment, and the feedback such assignments need.

Each test writes a small assignment and a submission and grades them with the real engine
(uv, pytest, the containment of learner code).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.commands.grade import grade as grade_command
from graders.feedback.advice import next_step
from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.containment import detect
from graders.running.engine import grade_submission
from tests.conftest import NOTES_ASSIGNMENT
from tests.graders.conftest import connections_to

pytestmark = pytest.mark.slow


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    root.mkdir(parents=True, exist_ok=True)
    return root


def grade(
    tmp_path: Path, toml: str, submission: dict[str, str], starter: dict[str, str] | None = None
) -> GradeReport:
    spec = {"assignment.toml": 'slug = "x"\ntitle = "X"\n' + toml}
    assignment = write(tmp_path / "assignment", spec)
    write(assignment / "starter", starter or {})
    folder = write(tmp_path / "submission", submission)
    return grade_submission(
        load_assignment(assignment),
        folder,
        hidden_tests=None,
        skip=frozenset(),
        submission_info=Submission(path=str(folder)),
    )


def checks(report: GradeReport, stage: str) -> dict[str, tuple[str, float, str]]:
    found = report.stage(stage)  # type: ignore[arg-type]
    assert found is not None
    return {c.name: (c.status, c.score, c.message) for c in found.checks}


ECHO = "import sys\ntext = sys.stdin.read()\nprint('noise', file=sys.stderr)\nprint(text.upper())\n"


def io(name: str, run: str, output: str, comparison: str = "exact", **more: str) -> str:
    extra = "".join(f"{k} = {v}\n" for k, v in more.items())
    return (
        f'[[stages.io]]\nname = "{name}"\nrun = "{run}"\ninput = "abc\\ndef"\n'
        f'output = "{output}"\ncomparison = "{comparison}"\npoints = 2\n{extra}'
    )


def test_io_checks_compare_stdout_after_exit_0_and_show_what_was_printed(tmp_path):
    toml = "".join(
        [
            io("exact", "python shout.py", "ABC\\nDEF"),
            io("included", "python3 shout.py", "DEF", "included"),
            io("regex", "python shout.py", "^AB\\\\w\\\\s+DEF$", "regex"),
            io("wrong", "python shout.py", "abc", "exact"),
            io("crashes", "python shout.py && exit 3", "ABC", "included"),
            io("hangs", "sleep 30", "", "included", timeout_seconds="1"),
        ]
    )
    report = grade(tmp_path, toml, {"shout.py": ECHO})

    found = checks(report, "io")
    assert {name: (status, score) for name, (status, score, _) in found.items()} == {
        "exact": ("passed", 2),
        "included": ("passed", 2),
        "regex": ("passed", 2),
        "wrong": ("failed", 0),
        "crashes": ("failed", 0),
        "hangs": ("failed", 0),
    }
    assert "expected output exactly\nabc\n\nbut it printed\nABC\nDEF" in found["wrong"][2]
    assert found["crashes"][2].startswith("`python shout.py && exit 3` exited with code 3")
    assert "did not finish within 1 s" in found["hangs"][2]
    io_stage = report.stage("io")
    assert (io_stage.score, io_stage.max_score, io_stage.status) == (6, 12, "failed")


def test_command_checks_score_by_exit_code_and_lead_with_the_commands_own_error(tmp_path):
    toml = """
[[stages.commands]]
name = "script runs"
run = "python script.py"
points = 3
[[stages.commands]]
name = "divides"
run = "python -c 'import script; script.divide()'"
points = 2
[[stages.commands]]
name = "needs its setup"
run = "test -f built.txt && test \\"$GREETING\\" = hello"
setup = ["python -c \\"open('built.txt', 'w').write('x')\\""]
env = { GREETING = "hello" }
points = 1
[[stages.commands]]
name = "setup fails"
run = "true"
setup = ["python migrate.py"]
points = 1
"""
    script = "def divide():\n    return 1 / 0\n"
    migrate = "import sqlite3\nraise sqlite3.OperationalError('no such table: users')\n"
    report = grade(tmp_path, toml, {"script.py": script, "migrate.py": migrate})

    found = checks(report, "commands")
    assert [found[n][:2] for n in found] == [
        ("passed", 3),
        ("failed", 0),
        ("passed", 1),
        ("failed", 0),
    ]
    assert "exited with code 1: ZeroDivisionError: division by zero" in found["divides"][2]
    assert found["setup fails"][2].startswith(
        "the setup command `python migrate.py` exited with code 1: "
        "sqlite3.OperationalError: no such table: users"
    )
    step = next_step(report)
    assert step is not None and "ZeroDivisionError" in step


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A TCP listener on the host's loopback; whoever connects is recorded."""
    with connections_to("127.0.0.1") as (port, seen):
        yield port, seen


@pytest.mark.skipif(bool(detect().missing()), reason="needs full containment")
def test_check_commands_run_contained_as_the_public_tests_do(tmp_path, listener):
    port, seen = listener
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o777)
    probe = f"""
import os, socket
print("uid", os.getuid())
try:
    open("{outside}/planted", "w").write("x")
    print("wrote outside")
except OSError as exc:
    print("write refused", type(exc).__name__)
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
    print("connected")
except OSError as exc:
    print("no network", type(exc).__name__)
raise SystemExit(1)
"""
    toml = '[[stages.commands]]\nname = "probe"\nrun = "python probe.py"\npoints = 1\n'
    report = grade(tmp_path, toml, {"probe.py": probe})

    said = checks(report, "commands")["probe"][2]
    uid = report.containment.sandbox_uid
    assert uid and f"uid {uid}" in said
    assert "write refused" in said and "no network" in said, said
    assert list(outside.iterdir()) == [] and seen == []


UNITTEST = """
import os
import unittest

from tally import tally


class TallyTest(unittest.TestCase):
    def test_counts(self):
        self.assertEqual(tally(open("data.txt").read()), 3)

    def test_backend(self):
        self.assertEqual(os.environ["MPLBACKEND"], "agg")
"""


def test_a_unittest_layout_is_found_with_the_discovery_settings_env_and_setup(tmp_path):
    toml = """
[stages.tests]
points = 10
paths = ["Tests"]
python_files = ["tests.py"]
env = { MPLBACKEND = "agg" }
setup = ["python make_data.py"]
"""
    submission = {
        "Tests/tests.py": UNITTEST,
        "tally.py": "def tally(text):\n    return len(text.split())\n",
        "make_data.py": "open('data.txt', 'w').write('a b c')\n",
    }
    report = grade(tmp_path, toml, submission, starter={"Tests/tests.py": UNITTEST})

    tests = report.stage("tests")
    assert (tests.status, tests.score) == ("passed", 10), tests.message
    assert sorted(c.name for c in tests.checks) == [
        "Tests/tests.py::TallyTest::test_backend",
        "Tests/tests.py::TallyTest::test_counts",
    ]


def test_a_failing_setup_command_fails_the_tests_stage_with_its_cause(tmp_path):
    toml = '[stages.tests]\npoints = 10\nsetup = ["python manage.py migrate"]\n'
    manage = "import sys\nraise KeyError(f'settings module for {sys.argv[1]}')\n"
    report = grade(tmp_path, toml, {"manage.py": manage, "tests/test_x.py": "def test_x(): pass\n"})

    tests = report.stage("tests")
    assert (tests.status, tests.cause, tests.score) == ("failed", "setup-failed", 0)
    assert tests.message == (
        "the setup command `python manage.py migrate` exited with code 1: "
        "KeyError: 'settings module for migrate'"
    )
    assert "Traceback" in tests.log_excerpt


def test_no_tests_collected_is_a_failure_that_names_the_likely_fix(tmp_path):
    report = grade(
        tmp_path, "[stages.tests]\npoints = 10\n", {"tests/check_things.py": "def test_x(): pass\n"}
    )
    tests = report.stage("tests")
    assert (tests.status, tests.cause, tests.score) == ("failed", "no-tests", 0)
    assert "files named test_*.py or *_test.py" in tests.message
    assert "could not" not in (next_step(report) or "")


SCRIPT_TEST = """
import subprocess
import sys

import pytest


def test_the_script_runs():
    subprocess.run([sys.executable, "main.py"], check=True, capture_output=True)


@pytest.mark.slow
def test_marked_slow():
    pass
"""


def test_a_test_that_runs_the_learners_script_shows_the_scripts_own_error(tmp_path):
    toml = '[stages.tests]\npoints = 10\n[stages.tests.weights]\n"marker:slow" = 1\n"tests" = 3\n'
    report = grade(tmp_path, toml, {"tests/test_main.py": SCRIPT_TEST, "main.py": 'print("hi"\n'})

    found = checks(report, "tests")
    status, _, message = found["tests/test_main.py::test_the_script_runs"]
    assert status == "failed"
    assert message.startswith("The command `python main.py` exited with code 1; its own error:")
    assert "E   SyntaxError: '(' was never closed" in message
    assert "CalledProcessError" in message  # pytest's own account follows
    assert found["tests/test_main.py::test_marked_slow"][:2] == ("passed", 2.5)  # by marker
    assert "SyntaxError: '(' was never closed" in (next_step(report) or "")


def test_an_assignment_asking_for_a_python_this_machine_lacks_grades_nothing(tmp_path):
    toml = 'python = "3.99"\n[stages.tests]\npoints = 10\n'
    report = grade(tmp_path, toml, {"tests/test_x.py": "def test_x(): pass\n"})

    install = report.stage("install")
    assert (install.status, install.cause) == ("error", "python-unavailable")
    assert "runs on Python 3.99, which this machine does not offer" in install.message
    assert "CLASSROOM_PYTHON" in install.message
    assert report.stage("tests").status == "error" and report.score == 0
    assert (next_step(report) or "").startswith("Nothing was graded")


def test_an_assignment_asking_for_this_machines_python_gets_it(tmp_path):
    toml = 'python = "3.11"\n[stages.tests]\npoints = 10\n'
    report = grade(tmp_path, toml, {"tests/test_x.py": "def test_x(): pass\n"})

    assert "Python 3.11" in report.stage("install").message
    assert report.tool_versions["python (submission)"].startswith("3.11")
    assert report.score == 10


def test_a_failing_seed_command_shows_its_cause_in_the_message(tmp_path, overlay_submission):
    text = (NOTES_ASSIGNMENT / "assignment.toml").read_text()
    seed = 'seed = "python -c \'import app.main; raise KeyError(\\"users\\")\'"\n'
    assignment = tmp_path / "notes"
    shutil.copytree(NOTES_ASSIGNMENT, assignment)
    (assignment / "assignment.toml").write_text(text.replace("[app]\n", "[app]\n" + seed))
    folder = overlay_submission("passes_all")

    report = grade_submission(
        load_assignment(assignment),
        folder,
        hidden_tests=NOTES_ASSIGNMENT / "hidden_tests",
        skip=frozenset({"tests", "lint", "types", "load"}),
        submission_info=Submission(path=str(folder)),
    )

    hidden = report.stage("hidden")
    assert (hidden.status, hidden.cause) == ("error", "service-exited")
    assert hidden.message.endswith("exited with code 1: KeyError: 'users'"), hidden.message
    assert "Traceback" in hidden.log_excerpt


@pytest.mark.skipif(bool(detect().missing()), reason="an official grade needs full containment")
def test_an_official_grade_needs_no_hidden_tests_when_the_assignment_has_none(tmp_path):
    toml = '[[stages.commands]]\nname = "runs"\nrun = "python main.py"\npoints = 4\n'
    assignment = write(tmp_path / "a", {"assignment.toml": 'slug = "x"\ntitle = "X"\n' + toml})
    write(assignment / "starter", {"main.py": "print('starter')\n"})
    folder = write(tmp_path / "s", {"main.py": "print('done')\n"})

    code = grade_command(
        submission=folder,
        assignment_dir=assignment,
        hidden_tests=None,
        out=tmp_path / "out",
        skip=frozenset(),
        output_format="json",
        official=True,
    )

    report = GradeReport.model_validate_json((tmp_path / "out" / "results.json").read_text())
    assert code == 0 and report.tier == "official" and report.score == 4
