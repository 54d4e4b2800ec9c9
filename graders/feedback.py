"""Feedback for learners: the PR comment (markdown) and a terminal summary, as pure functions.

Everything a learner controls (messages, file and test names, tool output) reaches the page
through one of the escapers below; a plain `str` that reaches a template is escaped by the
environment's `finalize`, so forgetting a filter is safe, not a hole.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from graders.report import Check, EndpointLoad, Finding, GradeReport, StageResult, ordered

__all__ = [
    "COMMENT_LIMIT",
    "MARKER",
    "Md",
    "ScoreDelta",
    "clip",
    "code_span",
    "fenced",
    "md_inline",
    "next_step",
    "plain",
    "render_feedback",
    "render_summary_text",
    "score_delta",
]

MARKER = "<!-- classroom:feedback -->"
TIMES, MINUS = "\u00d7", "\u2212"  # x and - as a typesetter writes them
COMMENT_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters; keep a margin
STAGE_LABELS = {
    "install": "Install",
    "tests": "Tests (public)",
    "hidden": "Hidden checks",
    "lint": "Lint (ruff)",
    "types": "Types (mypy)",
    "load": "Load (Locust)",
}
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


class Md(str):
    """Text already safe to place in markdown as-is."""

    __slots__ = ()


# --- safe text --------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_MD_PUNCT = re.compile(r"[\\`*_\[\]|~#$]")
_ZWSP = "\u200b"


def clean(text: str) -> str:
    """`text` without ANSI colours, control or bidi characters; newlines normalised to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _INVISIBLE.sub("", _ANSI.sub("", text))


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(clean(text[: limit * 4 + 64]).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def md_inline(text: str, limit: int = 300) -> Md:
    """`text` as one line of inert markdown: no HTML, links, mentions, emphasis or cell breaks."""
    flat = _MD_PUNCT.sub(r"\\\g<0>", _one_line(text, limit))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = re.sub(r"@(?=\w)", "@" + _ZWSP, flat)  # no @mention pings
    flat = re.sub(r"(?<=#)(?=\d)", _ZWSP, flat)  # no cross-references to issues
    flat = re.sub(r"(?i):(?=//)", ":" + _ZWSP, flat)  # no autolinked URLs
    return Md(re.sub(r"(?i)\bwww\.", "www" + _ZWSP + ".", flat))


def code_span(text: str, limit: int = 120, *, in_table: bool = False) -> Md:
    """`text` as an inline code span whose delimiter no backtick run inside can close."""
    flat = _one_line(text, limit) or "(empty)"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    span = f"{fence}{pad}{flat}{pad}{fence}"
    return Md(span.replace("|", "\\|") if in_table else span)


def _clip_line(line: str, max_bytes: int) -> str:
    data = line.encode("utf-8")
    if len(data) <= max_bytes:
        return line
    kept = data[:max_bytes].decode("utf-8", "ignore")
    return f"{kept} … ({len(data) - max_bytes:,} bytes truncated)"


def _take(lines: list[str], max_lines: int, max_bytes: int) -> list[str]:
    taken: list[str] = []
    used = 0
    for line in lines[:max_lines]:
        used += len(line.encode("utf-8")) + 1
        if used > max_bytes and taken:
            break
        taken.append(line)
    return taken


def clip(text: str, *, max_lines: int, max_bytes: int) -> str:
    """At most `max_lines` lines and about `max_bytes` UTF-8 bytes of `text`: the head and the
    (usually more telling) tail, with a visible note saying how much was left out."""
    lines = [_clip_line(line, max(80, max_bytes // 3)) for line in text.split("\n")]
    if len(lines) <= max_lines and sum(len(line.encode()) + 1 for line in lines) <= max_bytes:
        return "\n".join(lines)
    head = _take(lines, max(1, max_lines // 3), max_bytes // 3)
    rest = lines[len(head) :]
    budget = max_bytes - sum(len(line.encode()) + 1 for line in head)
    tail = _take(rest[::-1], max(1, max_lines - len(head) - 1), budget)[::-1]
    dropped = rest[: len(rest) - len(tail)]
    size = sum(len(line.encode()) + 1 for line in dropped)
    note = f"… {len(dropped):,} lines ({size:,} bytes) truncated …"
    return "\n".join([*head, note, *tail])


def fenced(text: str, *, max_lines: int = 40, max_bytes: int = 4000) -> Md:
    """`text` in a fenced code block it cannot close, clipped by bytes and lines."""
    body = clip(clean(text).expandtabs(4).strip("\n"), max_lines=max_lines, max_bytes=max_bytes)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return Md(f"{fence}text\n{body}\n{fence}")


def plain(text: str, limit: int = 300) -> Md:
    """`text` as one safe line for a terminal: no escape sequences or control characters."""
    return Md(_one_line(text, limit))


def pts(value: float) -> str:
    """Points as a person writes them: 7, 7.5, 0.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds // 60:.0f} min {seconds % 60:.0f} s"


def _short(commit: str | None) -> str | None:
    return commit[:7] if commit else None


def _place(file: str, line: int) -> str:
    """`file:line`, long paths shortened from the left so the file name and line survive."""
    where = f"{file}:{line}"
    return where if len(where) <= 90 else "…" + where[-89:]


# --- what failed, what moved, what to do --------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """How a sentence marks code and emphasis: markdown for the comment, plain for a terminal."""

    code: Any
    text: Any
    bold: Any
    ours: Any  # our own advice, written in markdown


_MARKDOWN = _Style(
    code=code_span, text=md_inline, bold=lambda s: Md(f"**{md_inline(s)}**"), ours=Md
)
_PLAIN = _Style(code=plain, text=plain, bold=plain, ours=lambda s: plain(s.replace("`", ""), 400))


def _lost(item: Check | StageResult) -> float:
    return max(0.0, item.max_score - item.score)


def _failing(stage: StageResult) -> list[Check]:
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


def _install_headline(message: str) -> str:
    lines = [line.strip() for line in message[:20_000].splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith(("error", TIMES))]
    return errors[0] if errors else (lines[0] if lines else "the installer gave no reason")


def _reason(stage: StageResult) -> str:
    """The stage's message without a leading "could not run:" / "skipped:" we add ourselves."""
    message = stage.message.strip()
    for word in ("could not run:", "skipped:"):
        if message.lower().startswith(word):
            return message[len(word) :].strip()
    return message


def _blocker(report: GradeReport, s: _Style) -> str | None:
    install = report.stage("install")
    if install is not None and install.status in ("failed", "error"):
        return (
            "Your project does not install, so nothing else could run. The installer says "
            f"{s.code(_install_headline(install.message), 200)}. Install it into a fresh virtual "
            "environment the way CI does, fix what breaks, and push again."
        )
    broken = [st for st in report.stages if st.status == "error" and st.max_score > 0]
    if not broken:
        return None
    service = [st for st in broken if st.name in ("hidden", "load")]
    first = max(broken, key=lambda st: st.max_score)
    if first in service:
        points = pts(sum(st.max_score for st in service))
        return (
            f"Your service never became ready, so {_names_of(service)} could not run ({points} "
            f"points at stake): {s.text(_reason(first))}. Start it locally the way the brief "
            "describes and make sure the health endpoint answers."
        )
    return (
        f"{s.bold(STAGE_LABELS[first.name])} could not run ({pts(first.max_score)} points at "
        f"stake): {s.text(_reason(first))}. Fix that first: it blocks everything it grades."
    )


def _names_of(stages: list[StageResult]) -> str:
    names = {"hidden": "the hidden checks", "load": "the load test"}
    return " and ".join(names[s.name] for s in stages)


def _item_step(stage: StageResult, check: Check | None, s: _Style) -> str:
    lost = pts(_lost(check or stage))
    if check is not None and stage.name == "tests":
        failure = _headline(check.message)
        said = f" It fails with {s.code(failure, 160)}." if failure else ""
        return f"Make {s.code(check.name)} pass (worth {lost} points).{said}"
    if check is not None and stage.name == "hidden":
        hint = s.text(check.hint or "no hint for this one; re-read the brief")
        return f"Hidden check {s.bold(check_title(check))} fails (worth {lost} points). {hint}"
    if check is not None and stage.name == "load":
        return _load_step(stage, check, lost, s)
    if stage.findings:
        return _findings_step(stage, lost, s)
    return f"{s.bold(STAGE_LABELS[stage.name])} (worth {lost} points): {s.text(stage.message)}"


def _load_step(stage: StageResult, check: Check, lost: str, s: _Style) -> str:
    endpoint = _endpoint_of(check, stage)
    name = s.code(endpoint.endpoint if endpoint else check.name)
    goal = s.text(_goal(check, endpoint))
    measured = f": {s.text(check.message)}" if check.message and check.message != "met" else ""
    causes = _miss_causes(stage, [check])
    cause = f" {s.ours(causes[0])}" if causes else ""
    return f"{name} misses its load goal ({goal}){measured}, worth {lost} points.{cause}"


def _findings_step(stage: StageResult, lost: str, s: _Style) -> str:
    rule, top = _group(stage.findings)[0]
    first = top[0]
    what = "type errors" if stage.name == "types" else "lint findings"
    return (
        f"Clear the {len(stage.findings):,} {what} (worth {lost} points); most are "
        f"{s.code(rule)} ({len(top)}{TIMES}). Start at {s.code(_place(first.file, first.line))}: "
        f"{s.text(first.message, 160)}"
    )


def _candidates(report: GradeReport) -> list[tuple[float, int, StageResult, Check | None]]:
    found: list[tuple[float, int, StageResult, Check | None]] = []
    for rank, stage in enumerate(ordered(report.stages)):
        if stage.status in ("error", "skipped"):
            continue
        scored = [c for c in _failing(stage) if _lost(c) > 0]
        found.extend((_lost(c), -rank, stage, c) for c in scored)
        if not scored and _lost(stage) > 0:
            found.append((_lost(stage), -rank, stage, None))
    return found


def _next_step(report: GradeReport, s: _Style) -> str | None:
    blocker = _blocker(report, s)
    if blocker is not None:
        return blocker
    candidates = _candidates(report)
    if not candidates:
        return None
    _, _, stage, check = max(candidates, key=lambda c: (c[0], c[1]))
    return _item_step(stage, check, s)


def next_step(report: GradeReport) -> Md | None:
    """The single most valuable thing to fix next (markdown), or None when nothing is lost."""
    step = _next_step(report, _MARKDOWN)
    return Md(step.strip()) if step is not None else None


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
        return STAGE_LABELS.get(stage, stage).split(" (")[0].lower()
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
    text = files("graders").joinpath("templates/advice.toml").read_text(encoding="utf-8")
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


def _group(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.rule, []).append(finding)
    for items in groups.values():
        items.sort(key=lambda f: (f.file, f.line))
    return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))


def _endpoint_of(check: Check, stage: StageResult) -> EndpointLoad | None:
    endpoints = stage.load.endpoints if stage.load else []
    matches = [
        e
        for e in endpoints
        if check.name == e.endpoint or check.name.startswith((f"{e.endpoint} ", f"{e.endpoint}:"))
    ]
    return max(matches, key=lambda e: len(e.endpoint), default=None)


def _goal(check: Check, endpoint: EndpointLoad | None) -> str:
    """The goal as the assignment states it: `GET /tasks: p95 ≤ 150 ms` → `p95 ≤ 150 ms`."""
    if endpoint is not None and check.name != endpoint.endpoint:
        return check.name[len(endpoint.endpoint) :].lstrip(" :")
    return check.message or check.name


def _endpoint_name(check: Check, stage: StageResult) -> str:
    endpoint = _endpoint_of(check, stage)
    return endpoint.endpoint if endpoint else check.name


def _cause_keys(stage: StageResult, check: Check) -> list[str]:
    said = check.message.lower()
    text = said if said and said != "met" else check.name.lower()
    endpoint = _endpoint_of(check, stage)
    keys = []
    if "exited" in stage.message.lower():
        keys.append("crashed")
    if "error" in text or "no requests" in text:
        keys.append("errors")
    if "requests/s" in text or "rps" in text or "throughput" in text:
        keys.append("throughput")
    if re.search(r"\bp\d\d\b|latency", text):
        method = check.name.split(" ", 1)[0].upper()
        keys.append("read" if method in ("GET", "HEAD") else "write")
        if endpoint is not None and endpoint.p99_ms > 4 * max(endpoint.p50_ms, 1.0):
            keys.append("tail")
    return keys


def _miss_causes(stage: StageResult, checks: list[Check]) -> list[str]:
    keys = [k for c in checks if c.status != "passed" for k in _cause_keys(stage, c)]
    return [_advice()["load"][k] for k in dict.fromkeys(keys)]


# --- the comment's sections ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Detail:
    """How much detail a rendering carries; coarser levels keep big reports under the limit."""

    tests: int  # failing tests shown with their output
    names: int  # further failing tests listed by name
    output_lines: int
    output_bytes: int
    hidden: int
    endpoints: int
    rules: int
    per_rule: int
    log_lines: int


LEVELS = (
    _Detail(
        tests=8,
        names=30,
        output_lines=40,
        output_bytes=3000,
        hidden=20,
        endpoints=20,
        rules=12,
        per_rule=5,
        log_lines=30,
    ),
    _Detail(
        tests=4,
        names=15,
        output_lines=15,
        output_bytes=1200,
        hidden=10,
        endpoints=10,
        rules=8,
        per_rule=3,
        log_lines=12,
    ),
    _Detail(
        tests=2,
        names=5,
        output_lines=6,
        output_bytes=500,
        hidden=5,
        endpoints=5,
        rules=5,
        per_rule=1,
        log_lines=6,
    ),
    _Detail(
        tests=0,
        names=0,
        output_lines=0,
        output_bytes=0,
        hidden=0,
        endpoints=0,
        rules=0,
        per_rule=0,
        log_lines=0,
    ),
)


def _row(stage: StageResult, *, why_below: bool = False) -> dict[str, Any]:
    """One line of the stage table; `summary` is raw text, escaped where it is placed."""
    label = Md(STAGE_LABELS[stage.name])
    if stage.status in ("error", "skipped"):
        word = "could not run" if stage.status == "error" else "skipped"
        said = f"{word}: {_reason(stage)}" if _reason(stage) else word
        return {
            "label": label,
            "score": Md(f"— / {pts(stage.max_score)}"),
            "icon": Md("⛔" if stage.status == "error" else "⏭️"),
            "summary": f"{word} (see below)" if why_below else _one_line(said, 100),
        }
    failing, summary = _summary(stage)
    if stage.name == "install" and stage.status == "failed" and why_below:
        summary = "does not install (see below)"
    full = stage.score >= stage.max_score
    zero = stage.score <= 0 < stage.max_score or (stage.status == "failed" and not stage.max_score)
    icon = "✅" if full and not failing and stage.status == "passed" else "❌" if zero else "⚠️"
    score = f"{pts(stage.score)} / {pts(stage.max_score)}" if stage.max_score else "—"
    return {
        "label": label,
        "score": Md(score),
        "icon": Md(icon),
        "summary": _one_line(summary, 100),
    }


def _summary(stage: StageResult) -> tuple[int, str]:
    failing, total = len(_failing(stage)), len(stage.checks)
    if total:
        return failing, _tally(stage.name, failing, total)
    if stage.findings:
        noun = "error" if stage.name == "types" else "finding"
        count = len(stage.findings)
        return count, f"{count:,} {noun}{'s' if count != 1 else ''}"
    if stage.name in ("lint", "types") and stage.status == "passed":
        return 0, "clean"
    return (0 if stage.status == "passed" else 1), stage.message or stage.status


def _tally(stage: str, failing: int, total: int) -> str:
    if stage == "load":
        if total == 1:
            return "goal missed" if failing else "goal met"
        if failing:
            return f"{failing} of {total} goals missed"
        return "both goals met" if total == 2 else f"all {total} goals met"
    if failing:
        return f"{failing} of {total} fail"
    return {1: "passes", 2: "both pass"}.get(total, f"all {total} pass")


def _heading(report: GradeReport, delta: ScoreDelta | None) -> Md:
    parts = [
        md_inline(report.assignment_title or report.assignment, 80),
        Md(f"{pts(report.score)} / {pts(report.max_score)}"),
    ]
    if delta is not None:
        sign = "+" if delta.points > 0 else MINUS if delta.points < 0 else "±"
        since = f" since {code_span(delta.since, 12)}" if delta.since else " since last time"
        parts.append(Md(f"{sign}{pts(abs(delta.points))}{since}"))
    elif report.max_score and report.score >= report.max_score:
        parts.append(Md("full marks"))
    return Md(" · ".join(parts))


def _moved(delta: ScoreDelta | None) -> Md | None:
    """What changed since the previous commit, in a sentence or two."""
    if delta is None or not (delta.now_passing or delta.now_failing):
        return None
    parts = []
    if delta.now_passing:
        lead = "Progress: " if delta.points > 0 else ""
        verb = "passes" if len(delta.now_passing) == 1 else "pass"
        parts.append(f"{lead}{_names(delta.now_passing)} now {verb}.")
    if delta.now_failing:
        one = len(delta.now_failing) == 1
        parts.append(
            f"{_names(delta.now_failing)} now {'fails' if one else 'fail'}; "
            f"{'it' if one else 'they'} passed on the previous commit, so start with what your "
            "last change touched."
        )
    return Md(" ".join(parts))


def _names(items: tuple[str, ...]) -> str:
    names = [f"**{md_inline(n, 60)}**" for n in items[:3]]
    if len(items) > 3:
        names.append(f"{len(items) - 3} more")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _failing_tests(report: GradeReport, d: _Detail) -> dict[str, Any] | None:
    stage = report.stage("tests")
    failing = sorted(_failing(stage), key=lambda c: -_lost(c)) if stage else []
    if not failing or stage is None:
        return None
    shown = [
        {
            "name": code_span(c.name, 200),
            "points": pts(_lost(c)),
            "hint": md_inline(c.hint, 400) if c.hint else None,
            "output": fenced(
                c.message or "(the test gave no message)",
                max_lines=d.output_lines,
                max_bytes=d.output_bytes,
            ),
        }
        for c in failing[: d.tests]
    ]
    named = [code_span(c.name, 200) for c in failing[d.tests : d.tests + d.names]]
    return {
        "count": len(failing),
        "total": len(stage.checks),
        "shown": shown,
        "named": Md(", ".join(named)),
        "more": len(failing) - len(shown) - len(named),
    }


def _hidden(report: GradeReport, d: _Detail) -> dict[str, Any] | None:
    stage = report.stage("hidden")
    failing = sorted(_failing(stage), key=lambda c: -_lost(c)) if stage else []
    if not failing or stage is None or stage.status in ("error", "skipped") or not d.hidden:
        return None
    items = [
        {
            "title": md_inline(check_title(c), 80),
            "hint": md_inline(c.hint or "no hint for this one: re-read the brief", 400),
        }
        for c in failing[: d.hidden]
    ]
    return {"items": items, "more": len(failing) - len(items)}


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _load(report: GradeReport, d: _Detail) -> dict[str, Any] | None:
    stage = report.stage("load")
    if stage is None or stage.load is None or stage.status in ("error", "skipped"):
        return None
    if not d.endpoints:
        return None
    goals: dict[str, list[str]] = {}
    for check in stage.checks:
        endpoint = _endpoint_of(check, stage)
        mark = "✅" if check.status == "passed" else "❌"
        goal = f"{md_inline(_goal(check, endpoint), 60)} {mark}"
        goals.setdefault(endpoint.endpoint if endpoint else "", []).append(goal)
    rows = [
        {
            "endpoint": code_span(e.endpoint, 60, in_table=True),
            "rps": f"{e.rps:,.0f}",
            "p50": _ms(e.p50_ms),
            "p95": _ms(e.p95_ms),
            "p99": _ms(e.p99_ms),
            "errors": Md(f"{100 * e.error_rate:.1f}%"),
            "goal": Md("<br>".join(goals.get(e.endpoint, [])) or "—"),
        }
        for e in stage.load.endpoints[: d.endpoints]
    ]
    whys = [
        Md(f"{code_span(_endpoint_name(c, stage), 60)}: {md_inline(c.hint, 300)}")
        for c in _failing(stage)[: d.endpoints]
        if c.hint
    ]
    return {
        "users": stage.load.users,
        "seconds": pts(stage.load.duration_seconds),
        "rows": rows,
        "more": len(stage.load.endpoints) - len(rows),
        "unmatched": Md("; ".join(goals.get("", []))),
        "whys": whys,
        "causes": [Md(c) for c in _miss_causes(stage, stage.checks)],
        "note": md_inline(stage.message, 300) if stage.status == "failed" else None,
        "log": fenced(stage.log_excerpt, max_lines=d.log_lines, max_bytes=d.log_lines * 120)
        if stage.status == "failed" and stage.log_excerpt.strip() and d.log_lines
        else None,
    }


def _finding_line(f: Finding) -> Md:
    return Md(f"{code_span(_place(f.file, f.line), 120)} {md_inline(f.message, 200)}")


def _findings(stage: StageResult, d: _Detail) -> dict[str, Any] | None:
    if not stage.findings or not d.rules:
        return None
    groups = _group(stage.findings)
    rules = []
    for rule, items in groups[: d.rules]:
        url = docs_url(items[0])
        name = url.rstrip("/").rsplit("/", 1)[-1] if url and items[0].tool == "ruff" else ""
        rules.append(
            {
                "rule": md_inline(rule, 40),
                "url": Md(url or ""),
                "name": md_inline(name, 60) if name else None,
                "count": len(items),
                "why": Md(why(items[0])),
                "where": [_finding_line(f) for f in items[: d.per_rule]],
                "more": len(items) - min(len(items), d.per_rule),
            }
        )
    noun = "type error" if stage.name == "types" else "finding"
    count = len(stage.findings)
    return {
        "label": Md(STAGE_LABELS[stage.name]),
        "open": Md(" open" if count <= 5 else ""),
        "count": Md(f"{count:,} {noun}{'s' if count != 1 else ''}"),
        "kinds": Md(f"{len(groups)} rule{'s' if len(groups) != 1 else ''}"),
        "rules": rules,
        "more": len(groups) - len(rules),
    }


def _not_run(report: GradeReport, d: _Detail) -> list[dict[str, Any]]:
    """Stages that did not judge the code, those with one cause (and log) grouped together."""
    groups: dict[tuple[str, str, str], list[StageResult]] = {}
    for stage in ordered(report.stages):
        if stage.status in ("error", "skipped") and stage.name != "install":
            key = (stage.status, _reason(stage), stage.log_excerpt.strip())
            groups.setdefault(key, []).append(stage)
    items = []
    for (status, reason, log), stages in groups.items():
        labels = [f"**{STAGE_LABELS[s.name]}**" for s in stages]
        joined = [", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels
        points = sum(s.max_score for s in stages)
        word = "could not run" if status == "error" else "skipped"
        items.append(
            {
                "labels": Md(" and ".join(joined)),
                "how": Md(f"{pts(points)} points, {word}" if points else word),
                "message": md_inline(reason or "no reason given", 400),
                "log": fenced(log, max_lines=d.log_lines, max_bytes=d.log_lines * 120)
                if log and d.log_lines
                else None,
            }
        )
    return items


def _install(report: GradeReport, d: _Detail) -> Md | None:
    """The installer's own words when the install failed, clipped."""
    stage = report.stage("install")
    if stage is None or stage.status not in ("failed", "error"):
        return None
    said = "\n".join(part for part in (stage.message, stage.log_excerpt) if part.strip())
    lines = max(d.log_lines, 8)
    return fenced(said or "the installer gave no output", max_lines=lines, max_bytes=lines * 160)


def _todo(report: GradeReport, brief_url: str | None) -> list[Md]:
    todo = []
    tests, lint, types, load = (report.stage(n) for n in ("tests", "lint", "types", "load"))
    if tests and _failing(tests):
        todo.append(Md("Run the public tests locally: `pytest -x -q` stops at the first failure."))
    if lint and lint.findings:
        todo.append(
            Md(
                "`ruff check --fix .` fixes many lint findings for you; run "
                "`ruff check .` before you push."
            )
        )
    if types and types.findings:
        todo.append(Md("`mypy .` shows the same type errors locally, with their line numbers."))
    if load and load.load and _failing(load):
        users, seconds = load.load.users, max(1, round(load.load.duration_seconds))
        todo.append(
            Md(
                f"Reproduce the load test: start your service, then run `locust -f locustfile.py "
                f"--headless -u {users} -t {seconds}s --host http://127.0.0.1:PORT` and "
                "watch the service log while it runs."
            )
        )
    if brief_url and re.fullmatch(r"https://[^\s()<>\"'\\]{1,300}", brief_url):
        todo.append(Md(f"Re-read [the assignment brief]({brief_url}) for the parts above."))
    return todo


def _footer(report: GradeReport) -> Md:
    commit = report.submission.commit
    parts = [
        f"Graded commit {code_span(commit[:12], 14)}" if commit else "Graded a local folder",
        f"grader {md_inline(report.grader_version, 30)}",
        _duration(report.duration_seconds),
        "practice feedback (official grades use additional hidden checks)"
        if report.tier == "practice"
        else "official grade",
    ]
    return Md(f"<sub>{' · '.join(parts)}</sub>")


def _table_stages(report: GradeReport) -> list[StageResult]:
    return [
        s
        for s in ordered(report.stages)
        if not (s.name == "install" and s.status == "passed" and not s.max_score)
    ]


def _view(
    report: GradeReport, previous: GradeReport | None, brief_url: str | None, level: int
) -> dict[str, Any]:
    d = LEVELS[level]
    delta = score_delta(report, previous)
    return {
        "marker": Md(MARKER),
        "heading": _heading(report, delta),
        "moved": _moved(delta),
        "next": next_step(report),
        "rows": [_row(s, why_below=True) for s in _table_stages(report)],
        "not_run": _not_run(report, d),
        "install": _install(report, d),
        "tests": _failing_tests(report, d),
        "hidden": _hidden(report, d),
        "load": _load(report, d),
        "findings": [f for s in ordered(report.stages) if (f := _findings(s, d))],
        "todo": _todo(report, brief_url),
        "trimmed": level > 0,
        "footer": _footer(report),
    }


# --- rendering ----------------------------------------------------------------------------------


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    """Every `{{ }}` output passes here: plain strings are escaped, so nothing slips through."""
    if isinstance(value, Md) or not isinstance(value, str):
        return value
    return plain(value) if (context.name or "").endswith(".txt.j2") else md_inline(value)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("graders", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # markdown, not HTML: escaping is _finalize's job
        finalize=_finalize,
    )


def render_feedback(
    report: GradeReport,
    *,
    previous: GradeReport | None = None,
    assignment_brief_url: str | None = None,
) -> str:
    """The PR comment / feedback.md for `report`, always under GitHub's comment size limit."""
    template = _env().get_template("feedback.md.j2")
    for level in range(len(LEVELS)):
        text = template.render(_view(report, previous, assignment_brief_url, level))
        if len(text) <= COMMENT_LIMIT:
            return text
    return text[:COMMENT_LIMIT]  # unreachable by construction: the last level is bounded


def render_summary_text(report: GradeReport) -> str:
    """A short plain-text summary for the terminal."""
    delta = score_delta(report)
    sign = "+" if delta and delta.points >= 0 else MINUS
    since = f" since {plain(delta.since)}" if delta and delta.since else ""
    step = _next_step(report, _PLAIN)
    rows = [
        {
            "label": Md(STAGE_LABELS[s.name].ljust(15)),
            "icon": row["icon"],
            "score": Md(row["score"].ljust(9)),
            "summary": plain(row["summary"]),
        }
        for s in _table_stages(report)
        for row in [_row(s)]
    ]
    return (
        _env()
        .get_template("summary.txt.j2")
        .render(
            title=plain(report.assignment_title or report.assignment, 80),
            score=Md(f"{pts(report.score)} / {pts(report.max_score)}"),
            delta=Md(f"{sign}{pts(abs(delta.points))}{since}") if delta else None,
            rows=rows,
            next=Md(step) if step else None,
        )
    )
