"""The instructor's buggy versions of the reference solution: patches with a line each.

A bugs folder holds `NN-name.patch` files (unified diffs against the solution, paths as
`git diff` writes them: `a/app/x.py`, `b/app/x.py`) and `bugs.toml`, one line per patch:

    "01-orders-page-skips-one" = "the second page of GET /orders skips an order"

The description is what a learner reads when their tests miss the bug; the patch is never
shown to anyone but the instructor.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from basis.procs import Limits
from graders.running.process import clean_env, run_cmd

DESCRIPTIONS = "bugs.toml"
NAME = re.compile(r"^[0-9]{2}-[a-z0-9][a-z0-9-]*$")
MAX_DESCRIPTION = 200
_APPLY = Limits(timeout_seconds=30, output_bytes=16 * 1024)


class BadBugs(Exception):
    """The bugs folder is incomplete or a patch does not apply: the instructor's to fix."""


@dataclass(frozen=True)
class Bug:
    """One buggy version: its patch and what it breaks, in the learner's words."""

    name: str
    patch: Path
    description: str


def load_bugs(folder: Path) -> list[Bug]:
    """Every bug of `folder`, in name order; BadBugs naming the file and the fix."""
    listing = folder / DESCRIPTIONS
    if not listing.is_file():
        raise BadBugs(f'{listing} is missing: write one line per patch, `"NN-name" = "..."`')
    try:
        described = tomllib.loads(listing.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadBugs(f"{listing}: not valid TOML ({exc})") from exc
    patches = {p.stem for p in folder.glob("*.patch")}
    problems = _problems(described, patches)
    if problems:
        raise BadBugs(f"{listing}: " + "; ".join(problems))
    return [Bug(name, folder / f"{name}.patch", described[name]) for name in sorted(patches)]


def _problems(described: dict[str, object], patches: set[str]) -> list[str]:
    problems = [f"{name}.patch has no description" for name in sorted(patches - set(described))]
    problems += [f"{name} has no {name}.patch" for name in sorted(set(described) - patches)]
    for name, text in sorted(described.items()):
        if not NAME.match(name):
            problems.append(f"{name}: name patches NN-words-with-dashes")
        if not isinstance(text, str) or not text.strip() or "\n" in text.strip():
            problems.append(f"{name}: the description must be one line of text")
        elif len(text) > MAX_DESCRIPTION:
            problems.append(f"{name}: keep the description under {MAX_DESCRIPTION} characters")
    if not patches:
        problems.append("no NN-name.patch file in the folder")
    return problems


def apply_bug(bug: Bug, copy: Path) -> None:
    """Apply `bug` to `copy` (a private copy of the solution); BadBugs when it does not apply."""
    env = clean_env({"GIT_CEILING_DIRECTORIES": os.fspath(copy.parent)})  # no repo above
    outcome = run_cmd(
        ["git", "apply", "-p1", "--whitespace=nowarn", os.fspath(bug.patch)],
        cwd=copy,
        env=env,
        limits=_APPLY,
    )
    if not outcome.ok:  # git's words quote the patch's lines: the instructor runs it again
        raise BadBugs(
            f"{bug.patch.name} does not apply to the solution (`git apply` says why); "
            "write it again with `git diff --no-index` against the current solution"
        )
