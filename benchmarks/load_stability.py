"""Load scores a noisy machine cannot move: the same commit's load stage graded N times.

    sudo .venv/bin/python benchmarks/load_stability.py [--runs 10] [SLUG ...]

For each assignment (all of templates/ by default), grades the load stage of the reference
solution and of the starter (the slow variant) `--runs` times idle and `--runs` times with a
CPU hog busy-looping on the other core, and prints each run's load score and, per goal, the
spread of the measure it judges (min, median, max). A stable assignment has every solution
run at full load marks and every starter run missing the same goals.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ONLY_LOAD = ["--skip", "tests", "--skip", "hidden", "--skip", "lint", "--skip", "types"]


@contextmanager
def cpu_hog(on: bool) -> Iterator[None]:
    """A busy loop pinned to the last core while the block runs (nothing when `on` is False)."""
    if not on:
        yield
        return
    core = str((os.cpu_count() or 1) - 1)
    hog = subprocess.Popen(["taskset", "-c", core, "sh", "-c", "while :; do :; done"])
    try:
        yield
    finally:
        hog.kill()
        hog.wait()


def load_stage(slug: str, folder: str) -> dict[str, Any]:
    assignment = ROOT / "templates" / slug
    with tempfile.TemporaryDirectory() as out:
        argv = [str(BIN / "classroom"), "grade", str(assignment / folder), "--assignment"]
        subprocess.run([*argv, str(assignment), *ONLY_LOAD, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        report = json.loads((Path(out) / "results.json").read_text())
    stage: dict[str, Any] = next(s for s in report["stages"] if s["name"] == "load")
    return stage


def measure_of(check: dict[str, Any], endpoints: dict[str, dict[str, Any]]) -> float | None:
    """The figure a goal judges (its first percentile goal, else the error rate)."""
    endpoint, _, goal = str(check["name"]).partition(": ")
    row = endpoints.get(endpoint)
    if row is None:
        return None
    for label in ("p50", "p95", "p99"):
        if goal.startswith(label):
            return float(row[f"{label}_ms"])
    return 100.0 * row["failures"] / row["requests"] if row["requests"] else None


def variant(slug: str, folder: str, hog: bool, runs: int) -> None:
    """Grade one variant `runs` times and print its scores and each goal's spread."""
    scores: list[float] = []
    spread: dict[str, list[float]] = defaultdict(list)
    missed: set[tuple[str, ...]] = set()
    top = 0.0
    for _ in range(runs):
        with cpu_hog(hog):
            stage = load_stage(slug, folder)
        scores.append(float(stage["score"]))
        top = float(stage["max_score"])
        rows = {e["endpoint"]: e for e in stage["load"]["endpoints"]}
        missed.add(tuple(c["name"] for c in stage["checks"] if c["status"] != "passed"))
        for check in stage["checks"]:
            figure = measure_of(check, rows)
            if figure is not None:
                spread[check["name"]].append(figure)
    where = "with a CPU hog" if hog else "idle"
    listed = ", ".join(f"{score:g}" for score in scores)
    print(f"{slug} {folder}, {where}: load {listed} of {top:g}; goal sets missed: {len(missed)}")
    for goal, figures in spread.items():
        low, mid, high = min(figures), statistics.median(figures), max(figures)
        print(f"    {goal:45} min {low:8.1f}  median {mid:8.1f}  max {high:8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    found = sorted(p.parent.name for p in (ROOT / "templates").glob("*/assignment.toml"))
    for slug in args.slugs or found:
        for folder in ("solution", "starter"):
            for hog in (False, True):
                variant(slug, folder, hog, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
