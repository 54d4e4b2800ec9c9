"""The Dockerfile, read as Docker reads it (no engine runs here): production's rules."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path.cwd()


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_base_image_is_pinned_to_the_python_it_runs_on() -> None:
    bases = [args for word, args in instructions() if word == "FROM"]
    assert bases and re.match(r"^python:3\.11[.\w-]*$", bases[-1].split()[0]), bases


def test_the_service_does_not_run_as_root() -> None:
    users = [args for word, args in instructions() if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, users


def test_dependencies_install_before_the_code_is_copied() -> None:
    """So a change to the code reuses the installed layer."""
    steps = instructions()
    installs = [
        i for i, (word, args) in enumerate(steps) if word == "RUN" and "pip install" in args
    ]
    code = [
        i for i, (word, args) in enumerate(steps) if word == "COPY" and "requirements" not in args
    ]
    assert installs and code and installs[0] < code[0], steps
    assert all("--no-cache-dir" in steps[i][1] for i in installs)


def test_the_command_is_exec_form_so_sigterm_reaches_python() -> None:
    commands = [args for word, args in instructions() if word in {"CMD", "ENTRYPOINT"}]
    assert commands
    assert isinstance(json.loads(commands[-1]), list), "a shell-form CMD runs under /bin/sh"


@pytest.mark.parametrize("entry", [".git", ".venv"])
def test_the_build_context_leaves_out_what_the_image_must_not_hold(entry: str) -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert entry in ignored
