"""What the types stage's warm start saves: mypy on a submission, cold and from the seed.

    .venv/bin/python benchmarks/types_seed.py [--runs 5] [--slug tasks-api] [--folder solution]

Builds the assignment's solution environment as the install stage does (or reuses it from
the grader's cache), builds the seed of mypy's cache for it once (graders.running.type_cache:
a probe of the grader's own that imports every package of the environment), then runs mypy
on the folder as the types stage does, `--runs` times from an empty cache folder and
`--runs` times from a copy of the seed: medians of the wall time, and the ratio. Everything
but the environment cache lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from basis.procs import Limits  # noqa: E402
from graders.model.assignment import load_assignment  # noqa: E402
from graders.running import type_cache  # noqa: E402
from graders.running.process import clean_env, run_cmd  # noqa: E402
from graders.running.type_cache import MypyCommand  # noqa: E402
from graders.stages.context import StageContext  # noqa: E402
from graders.stages.install import ensure_environment  # noqa: E402
from graders.stages.types import mypy_command  # noqa: E402

LIMITS = Limits(timeout_seconds=300)


def timed(mypy: MypyCommand, cache: Path, folder: Path, paths: list[str]) -> float:
    started = time.perf_counter()
    outcome = run_cmd(mypy.argv(cache, paths), cwd=folder, env=clean_env(), limits=LIMITS)
    if outcome.returncode not in (0, 1):
        raise SystemExit(f"mypy failed: {outcome.output[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slug", default="tasks-api")
    parser.add_argument("--folder", default="solution")
    options = parser.parse_args()
    root = ROOT / "templates" / options.slug
    assignment = load_assignment(root)
    spec = assignment.spec.stages.types
    if spec is None:
        raise SystemExit(f"{options.slug} has no types stage")
    folder = root / options.folder
    with tempfile.TemporaryDirectory(prefix="types-seed-") as scratch:
        work = Path(scratch)
        ctx = StageContext(assignment, folder, work, None, None)
        env, _ = ensure_environment(ctx, assignment.spec.stages.install.extra_requirements)
        mypy = mypy_command(StageContext(assignment, folder, work, None, env), spec.config)
        seeds = work / "seeds"
        seeds.mkdir()
        with mock.patch.object(type_cache, "cache_root", lambda: seeds):  # not the grader's
            started = time.perf_counter()
            type_cache.seed_cache(work / "first", mypy, work, LIMITS)
            built = time.perf_counter() - started
            cold, warm = [], []
            for run in range(options.runs):
                cold.append(timed(mypy, work / f"cold-{run}", folder, spec.paths))
                type_cache.seed_cache(work / f"warm-{run}", mypy, work, LIMITS)
                warm.append(timed(mypy, work / f"warm-{run}", folder, spec.paths))
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    print(f"{options.slug}/{options.folder}, mypy as the types stage runs it, "
          f"medians of {options.runs} runs")  # fmt: skip
    print(f"  the seed, built once per environment: {built:.1f} s")
    print(f"  cold: {cold_s:.2f} s   seeded: {warm_s:.2f} s   ({warm_s / cold_s:.2f}x)")


if __name__ == "__main__":
    main()
