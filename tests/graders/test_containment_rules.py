"""The pure rules behind containment: dependency pins, suppressions, the filesystem view."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graders.model.assignment import Slo
from graders.model.loadstats import missed_goals
from graders.model.report import EndpointLoad
from graders.model.requirements import (
    DependencyRefused,
    pins_from_pyproject,
    pins_from_requirements,
)
from graders.model.suppressions import blank_out, file_wide, parse_error
from graders.running.containment import Capabilities
from graders.running.fsview import view_args
from graders.running.isolation import lease_uid
from graders.running.tools import environment_python_version
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS

# --- dependencies ------------------------------------------------------------------------------


def test_exact_pins_with_extras_markers_and_comments_are_accepted():
    text = (
        "# the service\n"
        "fastapi==0.165.0\n"
        "\n"
        "uvicorn[standard]==0.54.0  # with its extras\n"
        'tomli==2.2.1; python_version < "3.11"\n'
    )
    assert [p.text for p in pins_from_requirements(text, "requirements.txt")] == [
        "fastapi==0.165.0",
        "uvicorn[standard]==0.54.0",
        'tomli==2.2.1; python_version < "3.11"',
    ]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("-e ./payload", "editable installs build the folder's own code"),
        ("--editable=git+https://example.org/x", "editable installs"),
        ("-r other.txt", "a requirements file cannot include another"),
        ("--constraint c.txt", "a requirements file cannot include another"),
        ("--find-links wheels", "the package index and its options are the grader's"),
        ("-i https://example.org/simple", "the package index and its options are the grader's"),
        ("--extra-index-url https://example.org/simple", "the package index"),
        ("./wheels/evil-1.0-py3-none-any.whl", "not a requirement"),
        ("evil @ file:///tmp/evil.whl", "direct references"),
        ("evil @ https://example.org/evil-1.0.tar.gz", "direct references"),
        ("fastapi", "not pinned to one exact version"),
        ("fastapi>=0.100", "not pinned to one exact version"),
        ("fastapi==0.*", "not pinned to one exact version"),
        ("fastapi==0.1,<1", "not pinned to one exact version"),
        ("fastapi==0.165.0 --hash=sha256:00", "no `--hash`"),
        ("fastapi==0.165.0 \\", "no `\\` continuations"),
    ],
)
def test_every_other_form_is_refused_naming_the_line_and_the_rule(line, says):
    with pytest.raises(DependencyRefused) as refused:
        pins_from_requirements(f"pytest==9.2.0\n{line}\n", "requirements.txt")
    message = str(refused.value)
    assert message.startswith(f"requirements.txt:2: `{line}` is refused: ")
    assert says in message
    assert "`name==version`" in message


def test_pyproject_dependencies_follow_the_same_rule():
    ok = '[project]\nname = "x"\ndependencies = ["httpx==0.28.1"]\n'
    assert [p.text for p in pins_from_pyproject(ok)] == ["httpx==0.28.1"]
    bad = '[project]\nname = "x"\ndependencies = ["evil @ file:///tmp/evil"]\n'
    with pytest.raises(DependencyRefused, match=r"^pyproject\.toml: dependency 'evil @ file"):
        pins_from_pyproject(bad)


# --- file-wide suppressions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment", ["# ruff: noqa", "# ruff: noqa: F401", "# flake8: noqa", "#RUFF:NOQA"]
)
def test_file_wide_ruff_exemptions_are_found(comment):
    source = f'"""Doc."""\n{comment}\nimport os\n'
    (found,) = file_wide(source, "ruff")
    assert (found.line, found.column, found.text, found.tool) == (2, 0, comment, "ruff")


def test_line_level_suppressions_and_strings_are_left_alone():
    source = (
        'import os  # noqa: F401\nx = "# ruff: noqa"\ny: int = "a"  # type: ignore[assignment]\n'
    )
    assert file_wide(source, "ruff") == []
    assert file_wide(source, "mypy") == []


def test_mypy_inline_configuration_and_a_leading_type_ignore_are_found():
    source = (
        "# type: ignore\n"
        '"""Doc."""\n'
        "# mypy: ignore-errors\n"
        "# mypy: disable-error-code=arg-type\n"
        "x = 1  # mypy: ignore-errors\n"  # not at a line's start: mypy ignores it too
    )
    assert [(s.line, s.text) for s in file_wide(source, "mypy")] == [
        (1, "# type: ignore"),
        (3, "# mypy: ignore-errors"),
        (4, "# mypy: disable-error-code=arg-type"),
    ]


def test_a_type_ignore_above_a_decorated_first_statement_counts_from_the_decorator():
    above = "# type: ignore\n@decorator\ndef f() -> None: ...\n"
    between = "@decorator  # type: ignore\ndef f() -> None: ...\n"
    assert [s.line for s in file_wide(above, "mypy")] == [1]
    assert file_wide(between, "mypy") == []


def test_blanking_keeps_every_line_and_column_in_place():
    source = "import os  # ruff: noqa\nprint(os.sep)\n"
    blanked = blank_out(source, file_wide(source, "ruff"))
    assert blanked == "import os  #           \nprint(os.sep)\n"
    assert [len(line) for line in blanked.splitlines()] == [len(x) for x in source.splitlines()]


def test_a_parse_error_says_where_without_quoting_the_line():
    error = parse_error("def f(:\n    secret_line_text\n")
    assert error is not None and error.lineno == 1
    assert parse_error("x = 1\n") is None
    assert parse_error("x = 1\0\n") is not None  # null bytes: a parse error, not a crash


# --- the private filesystem --------------------------------------------------------------------


def test_the_view_binds_only_what_is_granted_with_traversable_parents(tmp_path):
    root = tmp_path / "host"
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "bin").symlink_to("usr/bin")
    (root / "lib64").mkdir()
    work = Path("/tmp/runs/classroom-grade-x")
    env = Path("/var/cache/classroom/envs/abc")

    args = view_args(
        "bwrap",
        writable=[work / "tests", work / "tests-junit"],
        readable=[env, Path("/usr/lib/python3.11")],
        cwd=work / "tests",
        isolate_network=True,
        root=root,
    )

    pairs = [tuple(args[i : i + 3]) for i in range(len(args) - 2)]
    assert ("--ro-bind", str(root / "usr"), "/usr") in pairs
    assert ("--symlink", "usr/bin", "/bin") in pairs
    assert ("--ro-bind", str(root / "lib64"), "/lib64") in pairs
    assert ("--ro-bind", str(env), str(env)) in pairs
    assert ("--bind", str(work / "tests"), str(work / "tests")) in pairs
    assert ("--bind", str(work / "tests-junit"), str(work / "tests-junit")) in pairs
    assert "--unshare-net" in args and "--unshare-pid" in args and "--die-with-parent" in args
    assert ("--perms", "1777", "--tmpfs") in pairs
    bound = {args[i + 1] for i, a in enumerate(args) if a in ("--bind", "--ro-bind")}
    assert str(Path("/usr/lib/python3.11")) not in bound  # inside /usr already
    made = [args[i + 1] for i, a in enumerate(args) if a == "--dir"]
    assert made.index("/tmp/runs") < made.index(str(work))  # parents first, made traversable
    assert "/tmp" not in made and "/" not in made
    assert args[-3:] == ["--chdir", str(work / "tests"), "--"]


def test_a_service_joining_its_namespace_keeps_that_network():
    args = view_args("bwrap", writable=[], readable=[], cwd=Path("/"), isolate_network=False)
    assert "--unshare-net" not in args


def test_full_containment_names_what_a_machine_lacks():
    def caps(**changes: object) -> Capabilities:
        base = {"is_root": True, "setpriv": "/usr/bin/setpriv", "bwrap": "/usr/bin/bwrap"}
        base |= {"netns": True, "pids_cgroup": None, "memory_cgroup": None}
        return Capabilities(**(base | changes))  # type: ignore[arg-type]

    assert caps().missing() == []
    assert caps().describe(990001).level == "full"
    assert "bubblewrap" in caps(bwrap=None).missing()[0]
    assert caps(bwrap=None).describe(990001).level == "partial"
    assert "sudo" in caps(is_root=False).missing()[0]
    assert caps(is_root=False).describe(None).level == "none"
    assert caps(disabled=True).describe(None).missing == [
        "containment was turned off (CLASSROOM_CONTAINMENT=none)"
    ]


def test_two_gradings_never_hold_the_same_uid_and_a_released_one_is_reused(tmp_path, monkeypatch):
    # Leasing kills every process of the uid it takes: with the real range and a folder of
    # its own this test killed the services of gradings running beside it (exit 137).
    monkeypatch.setattr("graders.running.isolation.UID_BASE", 999_000)
    first, second = lease_uid(tmp_path), lease_uid(tmp_path)
    try:
        assert first.uid != second.uid
        taken = first.uid
        first.release()
        third = lease_uid(tmp_path)
        assert third.uid == taken
        third.release()
    finally:
        second.release()


def test_the_submission_pythons_version_is_read_not_run(tmp_path):
    env = tmp_path / "env"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").write_text("#!/bin/sh\necho run >&2; exit 1\n")
    (env / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.11.2\n")
    assert environment_python_version(env / "bin" / "python") == "3.11.2"
    assert environment_python_version(tmp_path / "none" / "bin" / "python") == "unknown"


# --- load goals count answers -----------------------------------------------------------------


def row(failures: int) -> EndpointLoad:
    return EndpointLoad(
        endpoint="GET /notes", requests=100, failures=failures, rps=50, p50_ms=5, p95_ms=9, p99_ms=9
    )


def test_a_fast_endpoint_that_fails_misses_its_speed_goals():
    goal = Slo(endpoint="GET /notes", p95_ms=500)
    assert missed_goals(goal, row(failures=1)) == []
    (miss,) = missed_goals(goal, row(failures=12))
    assert miss.startswith("12.0% of requests failed: a speed goal counts answers")


def test_a_goal_with_its_own_error_budget_is_judged_by_it_alone():
    goal = Slo(endpoint="GET /notes", p95_ms=500, max_error_rate=0.2)
    assert missed_goals(goal, row(failures=12)) == []
    assert missed_goals(goal, row(failures=30)) == ["errors 30.0% > goal 20%"]


# --- refusing without containment, recording what a practice grade had ---------------------


@pytest.mark.heavy  # a whole practice grade in a subprocess
def test_an_official_grade_is_refused_without_containment_and_a_practice_grade_says_so(tmp_path):
    submission = SUBMISSIONS / "passes_all"
    env = {**os.environ, "CLASSROOM_CONTAINMENT": "none", "CLASSROOM_CACHE_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "classroom.cli", "grade", str(submission)]
    argv += ["--assignment", str(NOTES_ASSIGNMENT)]
    hidden = ["--hidden-tests", str(NOTES_ASSIGNMENT / "hidden_tests")]

    refused = subprocess.run(
        [*argv, *hidden, "--official", "--out", str(tmp_path / "official")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "--official refuses to grade without full containment" in refused.stderr
    assert "CLASSROOM_CONTAINMENT=none" in refused.stderr
    assert not (tmp_path / "official").exists()

    practice = subprocess.run(
        [*argv, "--skip", "tests", "--skip", "hidden", "--skip", "load", "--out",
         str(tmp_path / "practice")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert practice.returncode == 0, practice.stderr
    text = (tmp_path / "practice" / "results.json").read_text()
    assert '"level": "none"' in text
