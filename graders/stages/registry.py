"""The stage registry: each stage's name, label, order, how it runs and how feedback speaks of it.

The engine, the report's order, the feedback, the exporters and the official comment read a
stage's `Stage` from here; none of them branches on a stage's name. The stages themselves are
listed, in order, in graders/stages/catalog.py: adding a stage is its module under
graders/stages/ and its line there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator

if TYPE_CHECKING:
    from graders.feedback.advice import Style
    from graders.feedback.details import Detail
    from graders.feedback.mdsafe import Md
    from graders.model.report import Check, StageResult

__all__ = [
    "FindingWords",
    "Section",
    "Stage",
    "StageName",
    "names",
    "register",
    "stage",
    "stages",
    "unregister",
]


@dataclass(frozen=True)
class FindingWords:
    """How a stage names its findings: `type error`, `error` in a table, `type errors` in advice."""

    one: str
    short: str
    many: str


@dataclass(frozen=True)
class Section:
    """A stage's own part of the PR comment: the values `build` picks from the stage's result
    (None: nothing to show) and the template under graders/feedback/templates that shows them."""

    build: Callable[[StageResult, Detail], dict[str, Any] | None]
    template: str


# The next-step sentence for one failing check: (stage, check, points lost, style) -> text.
Step = Callable[["StageResult", "Check", str, "Style"], str]


@dataclass(frozen=True)
class Stage:
    """One grading stage, everything about it that differs from the others."""

    name: str  # the key in assignment.toml's [stages] and in results.json
    label: str  # "Load (Locust)": the stage table, the exporters
    phrase: str  # "the load test": the stage inside a sentence
    # "module:function" of its StageRunner, imported when the engine runs it (so a reader of
    # reports, like the report job, never imports the grading tools); None: install, which
    # the engine runs first, alone
    run: str | None = None
    concurrent: bool = True  # False: runs alone after the others, so its figures are fair
    needs_environment: bool = True  # cannot run when the submission's dependencies did not install
    goals: bool = False  # its checks are goals met or missed (load), not tests passed or failed
    secret_checks: bool = False  # its checks' code is never shown: title and hint only (hidden)
    official_extra: bool = False  # practice skips it; the official grade adds it (hidden)
    findings: FindingWords | None = None  # a static analyser's stage (lint, types)
    milestone: Literal["checks", "whole"] | None = None  # how a milestone selects from it
    step: Step | None = None  # the next step for one of its failing checks
    summary: Callable[[StageResult], tuple[int, str] | None] | None = None  # its table line
    todo: Callable[[StageResult], list[Md]] | None = None  # "What to do next" lines
    section: Section | None = None  # its part of the comment's details


_REGISTERED: dict[str, Stage] = {}


def _loaded() -> dict[str, Stage]:
    # The catalog imports every stage module, and those import the report model that checks
    # stage names against this registry: so the catalog is loaded on first use, not on import.
    from graders.stages import catalog  # noqa: F401  (registers the stages as it loads)

    return _REGISTERED


def register(new: Stage, *, before: str | None = None) -> None:
    """Add stage `new`, last or just before stage `before`."""
    found = dict(_loaded())
    if new.name in found:
        raise ValueError(f"stage {new.name!r} is registered twice")
    found[new.name] = new
    if before is not None:
        order = [n for n in found if n != new.name]
        order.insert(order.index(before), new.name)
        found = {n: found[n] for n in order}
    _REGISTERED.clear()
    _REGISTERED.update(found)


def unregister(name: str) -> None:
    """Remove stage `name` (a test's throwaway stage)."""
    _REGISTERED.pop(name, None)


def stages() -> tuple[Stage, ...]:
    """Every stage, in the order of the report, the feedback and the exports."""
    return tuple(_loaded().values())


def names() -> tuple[str, ...]:
    """Every stage's name, in order."""
    return tuple(_loaded())


def stage(name: str) -> Stage:
    """Stage `name`'s definition."""
    return _loaded()[name]


def _known(name: str) -> str:
    if name not in _loaded():
        raise ValueError(f"{name!r} is not a stage: one of {', '.join(names())}")
    return name


StageName = Annotated[str, AfterValidator(_known)]
