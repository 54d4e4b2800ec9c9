"""The teaching logic: the one next step worth the most points, how the score moved since
the previous commit, and why a finding or a missed load goal matters (templates/advice.toml).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from graders.feedback.mdsafe import TIMES, Md, code_span, md_inline, place, plain, pts
from graders.model.report import Check, EndpointLoad, Finding, GradeReport, StageResult, ordered
from graders.stages import registry

__all__ = [
    "ScoreDelta",
    "Style",
    "check_title",
    "checks_step",
    "docs_url",
    "endpoint_name",
    "endpoint_of",
    "failing_checks",
    "group_by_rule",
    "hidden_step",
    "load_goal",
    "load_step",
    "miss_causes",
    "next_item",
    "next_step",
    "next_step_plain",
    "points_lost",
    "score_delta",
    "stage_reason",
    "test_quality_step",
    "tests_step",
    "why",
]

MYPY_DOCS = "https://mypy.readthedocs.io/en/stable/"
MYPY_OPTIONAL_CODES = frozenset(
    {
        "type-arg",
        "no-untyped-def",
        "redundant-cast",
        "redundant-self",
        "comparison-overlap",
        "no-untyped-call",
        "no-any-return",
        "no-any-unimported",
        "unreachable",
        "redundant-expr",
        "possibly-undefined",
        "truthy-bool",
        "truthy-iterable",
        "ignore-without-code",
        "unused-awaitable",
        "unused-ignore",
        "explicit-override",
        "mutable-override",
        "unimported-reveal",
        "deprecated",
        "exhaustive-match",
        "explicit-any",
        "untyped-decorator",
    }
)


def _short(commit: str | None) -> str | None:
    return commit[:7] if commit else None


# --- what failed, what moved, what to do --------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a sentence marks code and emphasis: markdown for the comment, plain for a terminal."""

    code: Any
    text: Any
    bold: Any
    ours: Any  # our own advice, written in markdown


_MARKDOWN = Style(code=code_span, text=md_inline, bold=lambda s: Md(f"**{md_inline(s)}**"), ours=Md)
_PLAIN = Style(code=plain, text=plain, bold=plain, ours=lambda s: plain(s.replace("`", ""), 400))


def points_lost(item: Check | StageResult) -> float:
    """Points `item` did not earn."""
    return max(0.0, item.max_score - item.score)


def failing_checks(stage: StageResult) -> list[Check]:
    """The stage's checks that did not pass."""
    return [c for c in stage.checks if c.status != "passed"]


def check_title(check: Check) -> str:
    """A readable name: `tests/test_x.py::test_cursor_past_end` → `Cursor past end`."""
    if "::" not in check.name:
        return check.name
    words = check.name.rsplit("::", 1)[-1].removeprefix("test_").replace("_", " ")
    return words[:1].upper() + words[1:]


def _headline(message: str) -> str:
    """The line of a pytest failure that says what went wrong (`E   assert 200 == 201`)."""
    lines = [line.strip() for line in message[:20_000].splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return errors[0] if errors else (lines[-1] if lines else "")


def _first_line(message: str) -> str:
    return next((line.strip() for line in message.splitlines() if line.strip()), "it fails")


def _install_headline(message: str) -> str:
    lines = [line.strip() for line in message[:20_000].splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith(("error", TIMES))]
    return errors[0] if errors else (lines[0] if lines else "the installer gave no reason")


def stage_reason(stage: StageResult) -> str:
    """The stage's message without a leading "could not run:" / "skipped:" we add ourselves."""
    message = stage.message.strip()
    for word in ("could not run:", "skipped:"):
        if message.lower().startswith(word):
            return message[len(word) :].strip()
    return message


def _blocker(report: GradeReport, s: Style) -> str | None:
    install = report.stage("install")
    if install is not None and install.cause == "python-unavailable":
        return (
            "Nothing was graded: the grader could not run your code on the Python this "
            f"assignment asks for ({s.text(install.message, 200)}). This is for your instructor "
            "to fix, not you."
        )
    if install is not None and install.status in ("failed", "error"):
        return (
            "Your project does not install, so nothing else could run. The installer says "
            f"{s.code(_install_headline(install.message), 200)}. Install it into a fresh virtual "
            "environment the way CI does, fix what breaks, and push again."
        )
    broken = [st for st in report.stages if st.status == "error" and st.max_score > 0]
    if not broken:
        return None
    unavailable = [st for st in broken if st.cause == "services-unavailable"]
    if unavailable:
        return (
            f"The grader could not start the database {_names_of(unavailable)} need "
            f"({s.text(stage_reason(unavailable[0]), 300)}). This is for your instructor to "
            "fix, not you."
        )
    service = [st for st in broken if st.cause in ("service-unhealthy", "service-exited")]
    first = max(broken, key=lambda st: st.max_score)
    if first in service:
        points = pts(sum(st.max_score for st in service))
        return (
            f"Your service never became ready, so {_names_of(service)} could not run ({points} "
            f"points at stake): {s.text(stage_reason(first))}. Start it locally the way the brief "
            "describes and make sure the health endpoint answers."
        )
    return (
        f"{s.bold(registry.stage(first.name).label)} could not run ({pts(first.max_score)} "
        f"points at stake): {s.text(stage_reason(first))}. Fix that first: it blocks "
        "everything it grades."
    )


def _names_of(stages: list[StageResult]) -> str:
    said = [registry.stage(s.name).phrase for s in stages]
    return " and ".join(said) if len(said) < 3 else ", ".join(said[:-1]) + " and " + said[-1]


def _item_step(stage: StageResult, check: Check | None, s: Style) -> str:
    lost = pts(points_lost(check or stage))
    kind = registry.stage(stage.name)
    if check is not None and kind.step is not None:
        return kind.step(stage, check, lost, s)
    if stage.findings:
        return _findings_step(stage, lost, s)
    return f"{s.bold(kind.label)} (worth {lost} points): {s.text(stage.message)}"


def tests_step(_stage: StageResult, check: Check, lost: str, s: Style) -> str:
    """A failing public test: its name and the line that says why."""
    failure = _headline(check.message)
    said = f" It fails with {s.code(failure, 160)}." if failure else ""
    return f"Make {s.code(check.name)} pass (worth {lost} points).{said}"


def checks_step(_stage: StageResult, check: Check, lost: str, s: Style) -> str:
    """A failing output or command check: its name and the first line it printed."""
    said = _first_line(check.message)
    return f"Make the check {s.bold(check.name)} pass (worth {lost} points): {s.text(said)}"


def hidden_step(_stage: StageResult, check: Check, lost: str, s: Style) -> str:
    """A failing hidden check: its title and the instructor's hint, never its code."""
    hint = s.text(check.hint or "no hint for this one; re-read the brief")
    return f"Hidden check {s.bold(check_title(check))} fails (worth {lost} points). {hint}"


def test_quality_step(_stage: StageResult, check: Check, lost: str, s: Style) -> str:
    """A bug the learner's tests miss."""
    return (
        f"Your tests miss a bug (worth {lost} points): {s.text(check.name, 200)}. Write a "
        "test that passes on a correct service and fails when that happens."
    )


def load_step(stage: StageResult, check: Check, lost: str, s: Style) -> str:
    """A missed load goal: the endpoint, the goal, what was measured and its likely cause."""
    endpoint = endpoint_of(check, stage)
    name = s.code(endpoint.endpoint if endpoint else check.name)
    goal = s.text(load_goal(check, endpoint))
    measured = f": {s.text(check.message)}" if check.message and check.message != "met" else ""
    causes = miss_causes(stage, [check])
    cause = f" {s.ours(causes[0])}" if causes else ""
    return f"{name} misses its load goal ({goal}){measured}, worth {lost} points.{cause}"


def _findings_step(stage: StageResult, lost: str, s: Style) -> str:
    rule, top = group_by_rule(stage.findings)[0]
    first = top[0]
    words = registry.stage(stage.name).findings
    what = words.many if words else "lint findings"
    return (
        f"Clear the {len(stage.findings):,} {what} (worth {lost} points); most are "
        f"{s.code(rule)} ({len(top)}{TIMES}). Start at {s.code(place(first.file, first.line))}: "
        f"{s.text(first.message, 160)}"
    )


def _candidates(report: GradeReport) -> list[tuple[float, int, StageResult, Check | None]]:
    found: list[tuple[float, int, StageResult, Check | None]] = []
    for rank, stage in enumerate(ordered(report.stages)):
        if stage.status in ("error", "skipped"):
            continue
        scored = [c for c in failing_checks(stage) if points_lost(c) > 0]
        found.extend((points_lost(c), -rank, stage, c) for c in scored)
        if not scored and points_lost(stage) > 0:
            found.append((points_lost(stage), -rank, stage, None))
    return found


def next_item(report: GradeReport) -> tuple[StageResult, Check | None] | None:
    """What the next step is about: the failing item worth the most points (its stage, and its
    check when it is one), chosen from scores and typed fields alone."""
    candidates = _candidates(report)
    if not candidates:
        return None
    _, _, stage, check = max(candidates, key=lambda c: (c[0], c[1]))
    return stage, check


def _next_step(report: GradeReport, s: Style) -> str | None:
    blocker = _blocker(report, s)
    if blocker is not None:
        return blocker
    item = next_item(report)
    return _item_step(*item, s) if item is not None else None


def next_step(report: GradeReport) -> Md | None:
    """The single most valuable thing to fix next (markdown), or None when nothing is lost."""
    step = _next_step(report, _MARKDOWN)
    return Md(step.strip()) if step is not None else None


def next_step_plain(report: GradeReport) -> str | None:
    """The same next step as one plain line for a terminal, or None when nothing is lost."""
    return _next_step(report, _PLAIN)


@dataclass(frozen=True)
class ScoreDelta:
    """How the score moved since the previous graded commit, and which items moved."""

    points: float
    since: str | None
    now_passing: tuple[str, ...] = ()
    now_failing: tuple[str, ...] = ()


def _statuses(report: GradeReport) -> dict[str, bool]:
    seen: dict[str, bool] = {}
    for stage in report.stages:
        if stage.status in ("error", "skipped"):
            continue
        for check in stage.checks:
            seen[f"{stage.name}\0{check.name}"] = check.status == "passed"
        if not stage.checks and stage.max_score > 0:
            seen[f"{stage.name}\0"] = stage.score >= stage.max_score
    return seen


def _moved_name(key: str) -> str:
    stage, _, name = key.partition("\0")
    if not name:
        return registry.stage(stage).label.split(" (")[0].lower()
    return check_title(Check(name=name, status="passed", score=0, max_score=0))


def score_delta(report: GradeReport, previous: GradeReport | None = None) -> ScoreDelta | None:
    """The change since `previous` (or report.submission's previous score), None if unknown."""
    if previous is not None:
        now, before = _statuses(report), _statuses(previous)
        shared = sorted(now.keys() & before.keys())
        return ScoreDelta(
            points=round(report.score - previous.score, 2),
            since=_short(previous.submission.commit) or _short(report.submission.previous_commit),
            now_passing=tuple(_moved_name(k) for k in shared if now[k] and not before[k]),
            now_failing=tuple(_moved_name(k) for k in shared if before[k] and not now[k]),
        )
    if report.submission.previous_score is None:
        return None
    return ScoreDelta(
        points=round(report.score - report.submission.previous_score, 2),
        since=_short(report.submission.previous_commit),
    )


# --- advice: why a finding matters, what usually causes a load miss ------------------------------


@cache
def _advice() -> dict[str, dict[str, str]]:
    text = files("graders.feedback").joinpath("templates/advice.toml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = tomllib.loads(text)
    return data


def why(finding: Finding) -> str:
    """One sentence on why a backend team cares about `finding`'s rule ("" if we have none)."""
    table = _advice()[finding.tool]
    prefix = re.match(r"[A-Z]+", finding.rule)
    return table.get(finding.rule) or (table.get(prefix.group()) or "" if prefix else "")


def docs_url(finding: Finding) -> str | None:
    """The rule's documentation page, only from shapes we trust."""
    if finding.tool == "ruff":
        ok = re.fullmatch(r"https://docs\.astral\.sh/ruff/rules/[a-z0-9-]+/?", finding.url)
        return finding.url if ok else None
    if not re.fullmatch(r"[a-z][a-z0-9-]*", finding.rule):
        return None
    page = (
        "error_code_list2.html" if finding.rule in MYPY_OPTIONAL_CODES else "error_code_list.html"
    )
    return f"{MYPY_DOCS}{page}#code-{finding.rule}"


def group_by_rule(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by rule, most frequent rule first, each group in file order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.rule, []).append(finding)
    for items in groups.values():
        items.sort(key=lambda f: (f.file, f.line))
    return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))


def endpoint_of(check: Check, stage: StageResult) -> EndpointLoad | None:
    """The measured endpoint a load goal belongs to (longest matching name), if any."""
    endpoints = stage.load.endpoints if stage.load else []
    matches = [
        e
        for e in endpoints
        if check.name == e.endpoint or check.name.startswith((f"{e.endpoint} ", f"{e.endpoint}:"))
    ]
    return max(matches, key=lambda e: len(e.endpoint), default=None)


def load_goal(check: Check, endpoint: EndpointLoad | None) -> str:
    """The goal as the assignment states it: `GET /tasks: p95 ≤ 150 ms` → `p95 ≤ 150 ms`."""
    if endpoint is not None and check.name != endpoint.endpoint:
        return check.name[len(endpoint.endpoint) :].lstrip(" :")
    return check.message or check.name


def endpoint_name(check: Check, stage: StageResult) -> str:
    """The endpoint a load goal belongs to, or the goal's own name."""
    endpoint = endpoint_of(check, stage)
    return endpoint.endpoint if endpoint else check.name


def _cause_keys(stage: StageResult, check: Check) -> list[str]:
    """The advice keys for a missed load goal, from its typed fields (never its words)."""
    missed = set(check.missed)
    keys = ["crashed"] if stage.cause == "service-exited" else []
    if missed & {"errors", "no-requests"}:
        keys.append("errors")
    if "throughput" in missed:
        keys.append("throughput")
    if "statements" in missed:
        keys.append("statements")
    if "cpu" in missed:
        keys.append("cpu")
    if missed & {"p50", "p95", "p99"}:
        endpoint = endpoint_of(check, stage)
        method = (endpoint.endpoint if endpoint else check.name).split(" ", 1)[0].upper()
        keys.append("read" if method in ("GET", "HEAD") else "write")
        if endpoint is not None and endpoint.p99_ms > 4 * max(endpoint.p50_ms, 1.0):
            keys.append("tail")
    return keys


def miss_causes(stage: StageResult, checks: list[Check]) -> list[str]:
    """What usually causes the failing load goals among `checks`, one advice line each."""
    keys = [k for c in checks if c.status != "passed" for k in _cause_keys(stage, c)]
    return [_advice()["load"][k] for k in dict.fromkeys(keys)]
