"""What lint and types share: a copy the analysers may read, and the score of their findings.

The analysers (ruff, mypy) are trusted and run as the grader: they read the learner's files,
never execute them. So they read a copy of the grader's own: no symbolic link survives in it
(a link named `app/x.py` pointing at a grader file would be read as root, and its text could
end up in a message), file-wide suppressions are blanked in it (graders.model.suppressions), and
for mypy each file that does not parse is replaced by a stand-in module.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from basis.procs import CommandResult
from graders.model.report import Finding, StageResult
from graders.model.suppressions import STAND_IN, Tool, blank_out, file_wide, parse_error
from graders.running.process import clean_env, run_cmd
from graders.running.workspace import IGNORED
from graders.stages.context import StageContext, result
from graders.stages.registry import StageName

SOURCE_SUFFIXES = (".py", ".pyi")
SUPPRESSION_DOCS = {
    "ruff": "https://docs.astral.sh/ruff/linter/#error-suppression",
    "mypy": "https://mypy.readthedocs.io/en/stable/inline_config.html",
}
SUPPRESSION_RULE = {"ruff": "file-wide-noqa", "mypy": "file-wide-ignore"}
UNPARSABLE_RULE = "syntax"


@dataclass
class AnalysedCopy:
    """The grader's copy of the submission that one analyser reads, and what was changed in it."""

    root: Path
    suppressions: list[Finding] = field(default_factory=list)
    unparsable: list[Finding] = field(default_factory=list)

    @property
    def unparsable_files(self) -> set[str]:
        return {f.file for f in self.unparsable}


def analysed_copy(
    ctx: StageContext, stage: StageName, tool: Tool, paths: Sequence[str]
) -> AnalysedCopy:
    """A copy for `tool` with links removed, suppressions blanked (and, for mypy, stand-ins)."""
    root = ctx.work / f"{stage}-source"
    shutil.copytree(ctx.submission, root, ignore=IGNORED, symlinks=True)
    _remove_links(root)
    copy = AnalysedCopy(root)
    for rel in _source_files(root, paths):
        path = root / rel
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            source = None
        error = parse_error(source) if source is not None else SyntaxError("not UTF-8 text")
        if error is not None:
            copy.unparsable.append(_unparsable(rel, error, tool))
            if tool == "mypy":
                path.write_text(STAND_IN, encoding="utf-8")
            continue
        assert source is not None
        found = file_wide(source, tool)
        if found:
            path.write_text(blank_out(source, found), encoding="utf-8")
            copy.suppressions += [_suppression(rel, s.line, s.column, s.text, tool) for s in found]
    return copy


def run_analyser(
    ctx: StageContext, stage: StageName, argv: Sequence[str], cwd: Path
) -> CommandResult:
    """Run a trusted analyser over the grader's copy (it reads files, never executes them)."""
    return run_cmd(
        argv,
        cwd=cwd,
        env=clean_env(home=ctx.work),
        limits=ctx.limits(stage),
        merge_stderr=False,
    )


def score_analysis(
    stage: StageName,
    reported: list[Finding],
    copy: AnalysedCopy,
    points: float,
    per_finding: float,
    per_unparsable_file: float | None,
    started: float,
    tool: str,
) -> StageResult:
    """The analyser's findings, the copy's suppressions and unparsable files, scored: each
    finding costs `per_finding`, each unparsable file `per_unparsable_file` (default: all)."""
    findings = sorted(
        [*reported, *copy.suppressions, *copy.unparsable],
        key=lambda f: (f.file, f.line, f.column, f.rule),
    )
    unparsable = points if per_unparsable_file is None else per_unparsable_file

    def cost(finding: Finding) -> float:
        return unparsable if finding.rule == UNPARSABLE_RULE else per_finding

    return score_findings(stage, findings, points, cost, started, tool)


def score_findings(
    stage: StageName,
    findings: list[Finding],
    points: float,
    cost: Callable[[Finding], float],
    started: float,
    tool: str,
) -> StageResult:
    """Points minus what each error-severity finding costs, with a floor at zero."""
    errors = [f for f in findings if f.severity == "error"]
    score = max(0.0, points - sum(cost(f) for f in errors))
    if not errors:
        return result(stage, "passed", points, points, started, f"{tool}: clean", findings=findings)
    noun = "finding" if len(errors) == 1 else "findings"
    return result(
        stage, "failed", score, points, started, f"{tool}: {len(errors)} {noun}", findings=findings
    )


def tool_broke(
    stage: StageName, outcome: CommandResult, points: float, started: float, tool: str
) -> StageResult:
    """The analyser itself failed (bad config, crash, time limit): the grader could not judge."""
    why = (
        f"did not finish within {outcome.duration_seconds:.0f} s"
        if outcome.timed_out
        else f"exited with code {outcome.returncode}"
    )
    detail = (outcome.stderr or outcome.output)[-2000:]
    return result(
        stage,
        "error",
        0,
        points,
        started,
        f"{tool} {why}; the grader could not judge this stage",
        log_excerpt=detail,
        cause="timed-out" if outcome.timed_out else "tool-failed",
    )


def relative(path: str, root: Path) -> str:
    """A finding's file relative to the analysed copy (tools may print absolute paths)."""
    prefix = str(root.resolve())
    return path[len(prefix) + 1 :] if path.startswith(prefix + "/") else path


def now() -> float:
    return time.monotonic()


def _suppression(rel: str, line: int, column: int, text: str, tool: Tool) -> Finding:
    return Finding(
        tool=tool,
        file=rel,
        line=line,
        column=column + 1,
        rule=SUPPRESSION_RULE[tool],
        message=(
            f"`{text.strip()[:80]}` would switch {tool} off for the whole file; the grader "
            "checks the file anyway. Fix the findings, or silence one line with its code"
        ),
        url=SUPPRESSION_DOCS[tool],
    )


def _unparsable(rel: str, error: SyntaxError, tool: Tool) -> Finding:
    # Only the position and the parser's words: never the line itself (it may not be text).
    where = f"line {error.lineno}: " if error.lineno else ""
    return Finding(
        tool=tool,
        file=rel,
        line=max(1, error.lineno or 1),
        column=max(1, error.offset or 1),
        rule=UNPARSABLE_RULE,
        message=f"this file does not parse ({where}{error.msg}), so {tool} cannot check it",
    )


def _source_files(root: Path, paths: Sequence[str]) -> list[str]:
    """Python files under `paths` of `root`, relative to `root`, as the analysers find them."""
    found: set[str] = set()
    for base in paths:
        start = root / base
        if start.is_file() and start.suffix in SOURCE_SUFFIXES:
            found.add(start.relative_to(root).as_posix())
        for dirpath, dirnames, filenames in os.walk(start) if start.is_dir() else []:
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            found |= {
                (Path(dirpath) / name).relative_to(root).as_posix()
                for name in filenames
                if name.endswith(SOURCE_SUFFIXES)
            }
    return sorted(found)


def _remove_links(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            if path.is_symlink():
                path.unlink()
