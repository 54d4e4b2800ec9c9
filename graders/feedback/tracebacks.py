"""A failing test's output as a reviewer would show it: the learner's frames, not pages of
site-packages, and one story for every test that fails the same way. Pure functions.

pytest's `--tb=short` output is a list of frames (`path:line: in name`, then the source line
and its `^^^` marker) ending in `E   ` lines, with "During handling of the above exception,
another exception occurred:" between chained exceptions. What a learner needs: the last
exception in the chain, every frame in their own code, and the one installed-package frame
that raised; the rest becomes a count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

FRAME = re.compile(r"^(?P<path>\S+?\.py):(?P<line>\d+): in \S+")
INSTALLED = ("site-packages/", "dist-packages/", "/lib/python3")
CHAINED = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


@dataclass(frozen=True)
class Frame:
    """One frame: its header line and the source lines shown under it."""

    header: str
    body: tuple[str, ...]

    @property
    def path(self) -> str:
        match = FRAME.match(self.header)
        return match.group("path") if match else ""

    @property
    def installed(self) -> bool:
        return any(part in self.path for part in INSTALLED)


def trimmed(output: str) -> str:
    """`output` with the chain's earlier exceptions dropped and installed frames folded."""
    head, frames, tail = _split(_last_exception(output))
    if not frames:
        return output
    kept: list[str] = list(head)
    hidden = 0
    last_installed = max((i for i, f in enumerate(frames) if f.installed), default=-1)
    for index, frame in enumerate(frames):
        if frame.installed and index != last_installed:
            hidden += 1
            continue
        if hidden:
            kept.append(f"… {hidden} frame{'s' if hidden > 1 else ''} in installed packages …")
            hidden = 0
        kept += [_short_path(frame.header), *frame.body]
    return "\n".join([*kept, *tail])


def cause(output: str) -> str:
    """What makes two failures the same: the final error and where the learner's code was
    last on the way to it ("" when the output has no `E` line to tell)."""
    lines = _last_exception(output)
    errors = [line for line in lines if line.startswith("E ")]
    if not errors:
        return ""
    frames = [m.group(0) for line in lines if (m := FRAME.match(line))]
    own = [f for f in frames if not any(part in f for part in INSTALLED)]
    code = [f for f in own if not f.startswith(("tests/", "test_"))]
    # The learner's own code where it failed; a failure in a test's own line is that test's.
    where = code[-1] if code else (own[-1] if own else "")
    if not where:
        return ""
    return f"{where}|{errors[-1].strip()}"


def _last_exception(output: str) -> list[str]:
    """The lines of the last exception in a chain (all of them when nothing is chained)."""
    lines = output.splitlines()
    for marker in CHAINED:
        if marker in lines:
            lines = lines[len(lines) - lines[::-1].index(marker) :]
    return lines


def _split(lines: Sequence[str]) -> tuple[list[str], list[Frame], list[str]]:
    """(lines before the first frame, the frames, the `E` lines and what follows them)."""
    first = next((i for i, line in enumerate(lines) if FRAME.match(line)), None)
    if first is None:
        return list(lines), [], []
    end = next((i for i, line in enumerate(lines) if line.startswith("E ")), len(lines))
    frames: list[Frame] = []
    for line in lines[first:end]:
        if FRAME.match(line):
            frames.append(Frame(line, ()))
        elif frames:
            frames[-1] = Frame(frames[-1].header, (*frames[-1].body, line))
    return list(lines[:first]), frames, list(lines[end:])


def _short_path(header: str) -> str:
    """An installed frame's path from its package on (`starlette/datastructures.py`)."""
    for part in ("site-packages/", "dist-packages/"):
        if part in header:
            return header[header.index(part) + len(part) :]
    return header
