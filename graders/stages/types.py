"""Stage `types`: mypy with the assignment's configuration, against the submission's env.

mypy reads the grader's copy (graders.stages.static): `# mypy:` inline configuration and a
`# type: ignore` above a module's first statement are blanked and each costs an error, and a
file that does not parse costs what the assignment says while the other files are still
checked. mypy never runs the submission's interpreter: it is handed the environment's
site-packages by a stand-in "interpreter" the grader writes, which only prints that path
(running the real one would run any `.pth` file its wheels brought, as root).
"""

from __future__ import annotations

import json
from pathlib import Path

from graders.model.report import Finding, StageResult
from graders.running import tools
from graders.running.type_cache import MypyCommand, seed_cache
from graders.stages.context import StageContext
from graders.stages.static import (
    analysed_copy,
    now,
    relative,
    run_analyser,
    score_analysis,
    tool_broke,
)

MYPY_DOCS = "https://mypy.readthedocs.io/en/stable/error_code_list.html"


def run(ctx: StageContext) -> StageResult:
    started = now()
    spec = ctx.assignment.spec.stages.types
    assert spec is not None
    copy = analysed_copy(ctx, "types", "mypy", spec.paths)
    mypy = mypy_command(ctx, spec.config)
    cache = ctx.work / "mypy-cache"
    if ctx.env is not None and ctx.env.reused:  # an environment graded with more than once
        seed_cache(cache, mypy, ctx.work, ctx.limits("types"))
    argv = mypy.argv(cache, spec.paths)
    outcome = run_analyser(ctx, "types", argv, copy.root)
    reported = parse_mypy(outcome.output, copy.root) if not outcome.timed_out else []
    # mypy exits 2 on a blocking error; with findings that is a result, without it is a crash.
    if (
        outcome.timed_out
        or outcome.returncode not in (0, 1, 2)
        or (outcome.returncode == 2 and not reported)
    ):
        return tool_broke("types", outcome, spec.points, started, "mypy")
    return score_analysis(
        "types",
        reported,
        copy,
        spec.points,
        spec.per_error,
        spec.per_unparsable_file,
        started,
        "mypy",
    )


def mypy_command(ctx: StageContext, config: str) -> MypyCommand:
    """mypy as this stage runs it on the submission, against its environment."""
    site = sorted(ctx.env.root.glob("lib/python*/site-packages")) if ctx.env else []
    options = ("--config-file", str(ctx.assignment.root / config), "-O", "json",
               "--no-error-summary", "--hide-error-context")  # fmt: skip
    return MypyCommand(
        executable=tools.executable("mypy"),
        options=options,
        search=tuple(_search_path(site, ctx.env is not None, ctx.work)),
        config=ctx.assignment.root / config,
        site_packages=tuple(site),
    )


def _search_path(site: list[Path], has_env: bool, work: Path) -> list[str]:
    """mypy's options for finding the submission's installed packages without running it."""
    if not has_env:
        return ["--no-site-packages"]
    stand_in = work / "types-interpreter"
    # mypy asks `<python> pyinfo.py getsearchdirs` and reads back (sys_path, site_packages).
    answer = repr(([], [str(p) for p in site]))
    stand_in.write_text(f"#!/bin/sh\ncat <<'EOF'\n{answer}\nEOF\n", encoding="utf-8")
    stand_in.chmod(0o700)
    return ["--python-executable", str(stand_in)]


def parse_mypy(text: str, root: Path) -> list[Finding]:
    """mypy's JSON lines → findings (notes kept as `note`, they do not cost points)."""
    findings = []
    for line in text.splitlines():
        if not line.strip().startswith("{"):
            continue
        item = json.loads(line)
        code = item.get("code") or "misc"
        findings.append(
            Finding(
                tool="mypy",
                file=relative(item["file"], root),
                line=max(1, item["line"]),
                column=max(1, item.get("column", 0) + 1),
                end_line=item.get("end_line"),
                rule=code,
                message=item["message"] + (f" ({item['hint']})" if item.get("hint") else ""),
                url=f"{MYPY_DOCS}#code-{code}" if item.get("code") else "",
                severity=item.get("severity", "error"),
            )
        )
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule))
