"""How long the test_quality stage takes: the learner's tests on the solution and every bug.

    sudo .venv/bin/python benchmarks/test_quality_stage.py [--runs N] [--slug SLUG]

Grades templates/SLUG/solution (its own regression tests are the learner's suite) officially
with only the install and test_quality stages, `--runs` times, and prints the stage's median
duration, its spread and the bugs caught. The environment comes from the cache after the
first run, so the figure is the stage alone: two runs on the solution and one per bug, at most
`jobs` at a time. Run as root for full containment (the official grade's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graders.model.assignment import load_assignment  # noqa: E402
from graders.model.report import StageResult, Submission  # noqa: E402
from graders.running.engine import grade_submission  # noqa: E402

OTHERS = frozenset({"tests", "hidden", "lint", "types", "load"})


def stage_once(slug: str) -> StageResult:
    root = ROOT / "templates" / slug
    report = grade_submission(
        load_assignment(root),
        root / "solution",
        hidden_tests=root / "hidden_tests",
        skip=OTHERS,
        submission_info=Submission(path=f"{slug}/solution"),
        official=os.geteuid() == 0,
    )
    stage = report.stage("test_quality")
    if stage is None:
        raise SystemExit(f"{slug} has no test_quality stage")
    return stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="legacy-inventory")
    args = parser.parse_args(argv)
    runs = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    runs.chmod(0o755)
    tempfile.tempdir = str(runs)
    stage_once(args.slug)  # warm the environment cache
    stages = [stage_once(args.slug) for _ in range(args.runs)]
    seconds = [s.duration_seconds for s in stages]
    print(f"{args.slug}: test_quality on {os.cpu_count()} cores, {args.runs} runs")
    low, high = min(seconds), max(seconds)
    print(f"  median {statistics.median(seconds):.2f} s (min {low:.2f}, max {high:.2f})")
    print(f"  {stages[-1].message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
