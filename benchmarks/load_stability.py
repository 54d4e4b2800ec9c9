"""Load scores a noisy machine cannot move: the same commit's load stage graded N times.

    sudo .venv/bin/python benchmarks/load_stability.py [--runs 10] [--official] [SLUG ...]

For each assignment (all of templates/ by default), grades the load stage of the reference
solution and of the starter (the slow variant) `--runs` times idle and `--runs` times with a
CPU hog busy-looping on the other core, and prints each run's load score and, per goal, the
spread of the measure it judges (min, median, max). A stable assignment has every solution
run at full load marks and every starter run missing the same goals.

`--official` grades with the hidden material (`--hidden-tests`, as the official grade has it):
the reference solution beside hidden_tests/ is load-tested in the same job, goals judged
against it (graders.model.load_reference); each goal then also shows the spread of the bar it was
judged at and of the reference's figure, and each variant the rounds each run took. The
load average is printed before and after each variant.
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
ONLY_LOAD = [
    *("--skip", "tests", "--skip", "hidden", "--skip", "lint", "--skip", "types"),
    *("--skip", "test_quality"),
]


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


def load_stage(slug: str, folder: str, official: bool) -> dict[str, Any]:
    assignment = ROOT / "templates" / slug
    hidden = ["--hidden-tests", str(assignment / "hidden_tests")] if official else []
    with tempfile.TemporaryDirectory() as out:
        argv = [str(BIN / "classroom"), "grade", str(assignment / folder), "--assignment"]
        subprocess.run([*argv, str(assignment), *ONLY_LOAD, *hidden, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        report = json.loads((Path(out) / "results.json").read_text())
    stage: dict[str, Any] = next(s for s in report["stages"] if s["name"] == "load")
    return stage


def measure_of(
    check: dict[str, Any],
    endpoints: dict[str, dict[str, Any]],
    statements: dict[str, dict[str, Any]] | None = None,
) -> float | None:
    """The figure a goal judges (its first percentile goal, else statements or pages per
    request, else CPU, else the error rate)."""
    endpoint, _, goal = str(check["name"]).partition(": ")
    counted = (statements or {}).get(endpoint)
    if "statements per request" in goal or "pages read per request" in goal:
        if counted is None:
            return None
        return float(counted["per_request" if "statements" in goal else "pages_per_request"])
    row = endpoints.get(endpoint)
    if row is None:
        return None
    for label in ("p50", "p95", "p99"):
        if goal.startswith(label):
            return float(row[f"{label}_ms"])
    if goal.startswith("CPU") and row.get("cpu_ms") is not None:
        return float(row["cpu_ms"])
    return 100.0 * row["failures"] / row["requests"] if row["requests"] else None


def bar_of(check: dict[str, Any], load: dict[str, Any]) -> float | None:
    """The latency a goal was judged at, where the reference raised it (else None)."""
    raised = [r for r in load.get("raised", []) if r["check"] == check["name"]]
    return float(raised[0]["bar_ms"]) if raised else None


def spread_line(label: str, figures: list[float]) -> str:
    low, mid, high = min(figures), statistics.median(figures), max(figures)
    return f"    {label:55} min {low:8.1f}  median {mid:8.1f}  max {high:8.1f}"


def collect(
    stage: dict[str, Any], spread: dict[str, list[float]], missed: set[tuple[str, ...]]
) -> int:
    """Add one run's figures to `spread` and its missed goals to `missed`; its rounds."""
    load = stage["load"] or {"endpoints": []}
    rows = {e["endpoint"]: e for e in load["endpoints"]}
    theirs = {e["endpoint"]: e for e in load.get("reference_endpoints", [])}
    counted = {e["endpoint"]: e for e in load.get("statements", [])}
    for one in load.get("rounds", []):
        if one.get("foreign_cores") is not None:
            spread[f"other work, cores ({one['service']}'s rounds)"].append(
                float(one["foreign_cores"])
            )
    for label, table in (("CPU ms per request", rows), ("CPU ms per request (reference)", theirs)):
        cpu = table.get("Aggregated", {}).get("cpu_ms")
        if cpu is not None:
            spread[label].append(float(cpu))
    missed.add(tuple(c["name"] for c in stage["checks"] if c["status"] != "passed"))
    for check in stage["checks"]:
        figure, reference = measure_of(check, rows, counted), measure_of(check, theirs, {})
        if figure is not None:
            spread[check["name"]].append(figure)
        if reference is not None:
            spread[f"{check['name']} (reference)"].append(reference)
        spread[f"{check['name']} (judged at)"].append(bar_of(check, load) or -1.0)
    return sum(r["service"] == "submission" for r in load.get("rounds", []))


def failed_requests(stage: dict[str, Any]) -> str:
    """Each endpoint's failed requests in one run ("" when none failed), and the commonest
    kinds of failure in the locustfile's words: what an errors goal missed was made of."""
    load = stage["load"] or {"endpoints": []}
    counts = [
        f"{e['endpoint']} {e['failures']} of {e['requests']}"
        for e in load["endpoints"]
        if e["failures"] and e["endpoint"] != "Aggregated"
    ]
    theirs = [r for r in load.get("rounds", []) if r["service"] == "reference"]
    kinds = [("", f) for f in load.get("failures", [])]  # the reference's own, when official:
    kinds += [("(reference) ", f) for one in theirs for f in one["failures"]]
    said = [f"{who}{f['endpoint']}: {f['error']} ({f['occurrences']})" for who, f in kinds]
    if not counts and not said:
        return ""
    return "; ".join(counts) + "".join(f"\n        {line[:200]}" for line in said)


def variant(slug: str, folder: str, hog: bool, runs: int, official: bool) -> None:
    """Grade one variant `runs` times and print its scores and each goal's spread."""
    scores: list[float] = []
    spread: dict[str, list[float]] = defaultdict(list)
    missed: set[tuple[str, ...]] = set()
    rounds: list[int] = []  # the submission's rounds in each run
    top = 0.0
    before = os.getloadavg()
    for run in range(1, runs + 1):
        with cpu_hog(hog):
            stage = load_stage(slug, folder, official)
        scores.append(float(stage["score"]))
        top = float(stage["max_score"])
        rounds.append(collect(stage, spread, missed))
        failed = failed_requests(stage)
        if failed:
            print(f"    run {run}: failed requests: {failed}", flush=True)
    after = os.getloadavg()
    where = "with a CPU hog" if hog else "idle"
    listed = ", ".join(f"{score:g}" for score in scores)
    how = f"; rounds per run {rounds}" if official else ""
    print(f"{slug} {folder}, {where}: load {listed} of {top:g}; goal sets missed: {len(missed)}"
          f"{how}; load average {before[0]:.2f} before, {after[0]:.2f} after")  # fmt: skip
    for goal, figures in spread.items():
        if goal.endswith("(judged at)"):
            raised = [f for f in figures if f >= 0]
            if raised:
                print(spread_line(f"{goal}, raised in {len(raised)} of {len(figures)}", raised))
        else:
            print(spread_line(goal, figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--official", action="store_true", help="judge against the reference")
    parser.add_argument("--folders", nargs="+", default=["solution", "starter"])
    parser.add_argument("--only", choices=("idle", "hog"), help="one condition only")
    args = parser.parse_args()
    found = sorted(p.parent.name for p in (ROOT / "templates").glob("*/assignment.toml"))
    for slug in args.slugs or found:
        for folder in args.folders:
            for hog in (False, True):
                if args.only in (None, "hog" if hog else "idle"):
                    variant(slug, folder, hog, args.runs, args.official)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
