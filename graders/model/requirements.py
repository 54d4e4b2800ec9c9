"""The dependency rule of a graded submission: `name==version` from the package index, only.

Anything else a requirements file can say runs or reads something the learner chose before
any sandbox is in place: an editable or local path is built by its own build backend (uv
builds editables even with `--no-build`), a URL or `--find-links` brings a prebuilt wheel
with whatever plugins it likes, `-r`/`-c` read another file (uv quotes what it reads into
its error), and index options point at someone else's index. So each line is checked here,
before uv sees anything, and the grader writes the file uv reads from the pins alone.
Pure functions: no file is read but the one given, nothing is run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

RULE = "each dependency must be pinned as `name==version` (extras and markers allowed)"
OPTION_RULES = {
    ("-e", "--editable"): "editable installs build the folder's own code",
    ("-r", "--requirement", "-c", "--constraint"): "a requirements file cannot include another",
    (
        "-i",
        "--index-url",
        "--extra-index-url",
        "--no-index",
        "-f",
        "--find-links",
        "--trusted-host",
        "--prefer-binary",
        "--pre",
        "--only-binary",
        "--no-binary",
    ): "the package index and its options are the grader's to choose",
}


class DependencyRefused(Exception):
    """A dependency line breaks the rule; the message names the file, the line and the rule."""


@dataclass(frozen=True)
class Pin:
    """One accepted dependency, as the grader writes it for uv."""

    text: str


def read_pins(submission: Path) -> list[Pin]:
    """The submission's dependencies from requirements.txt, else pyproject.toml; none if neither."""
    requirements = submission / "requirements.txt"
    if requirements.is_file() or requirements.is_symlink():
        return pins_from_requirements(_read(requirements), "requirements.txt")
    pyproject = submission / "pyproject.toml"
    if pyproject.is_file() or pyproject.is_symlink():
        return pins_from_pyproject(_read(pyproject))
    return []


def pins_from_requirements(text: str, filename: str) -> list[Pin]:
    """Every requirement line checked against the rule; comments and blank lines skipped."""
    pins = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _without_comment(raw).strip()
        if line:
            pins.append(check_line(line, f"{filename}:{number}"))
    return pins


def pins_from_pyproject(text: str) -> list[Pin]:
    """`[project] dependencies`, each checked against the rule."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DependencyRefused(f"pyproject.toml is not valid TOML: {exc}") from exc
    deps = data.get("project", {}).get("dependencies", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise DependencyRefused("pyproject.toml: [project] dependencies must be a list of strings")
    return [check_line(dep, f"pyproject.toml: dependency {dep!r}") for dep in deps]


def check_line(line: str, where: str) -> Pin:
    """`line` as a Pin, or DependencyRefused naming `where`, the line and the rule it breaks."""
    if line.startswith("-"):
        option = line.split("=", 1)[0].split()[0]
        why = next((why for names, why in OPTION_RULES.items() if option in names), None)
        raise DependencyRefused(
            f"{where}: `{line}` is refused: {why or 'options are not allowed'}; {RULE}"
        )
    if line.endswith("\\") or " --" in line:
        raise DependencyRefused(
            f"{where}: `{line}` is refused: write one requirement per line without options "
            f"(no `\\` continuations, no `--hash`); {RULE}"
        )
    try:
        requirement = Requirement(line)
    except InvalidRequirement as exc:
        raise DependencyRefused(
            f"{where}: `{line}` is refused: not a requirement (a path or a file name?); {RULE}"
        ) from exc
    if requirement.url:
        raise DependencyRefused(
            f"{where}: `{line}` is refused: direct references (URLs, local paths, wheels) "
            f"install code no index vouches for; {RULE}"
        )
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
        raise DependencyRefused(
            f"{where}: `{line}` is refused: not pinned to one exact version, so two gradings "
            f"of the same commit could install different code; {RULE}"
        )
    return Pin(str(requirement))


def _without_comment(line: str) -> str:
    """pip's rule: `#` starts a comment at the line's start or after whitespace."""
    if line.lstrip().startswith("#"):
        return ""
    index = line.find(" #")
    return line if index < 0 else line[:index]


def _read(path: Path) -> str:
    if path.is_symlink():
        raise DependencyRefused(
            f"{path.name} is a symbolic link; commit the file itself so the grader reads what "
            "you wrote"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DependencyRefused(f"{path.name} is not UTF-8 text: {exc}") from exc
