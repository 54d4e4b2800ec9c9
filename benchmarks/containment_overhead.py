"""What full containment costs: the same grade with it and without it, and the cache check.

    sudo .venv/bin/python benchmarks/containment_overhead.py [--runs N] [--assignment DIR]

Grades the assignment's solution (every stage, hidden checks and load included) alternately
with full containment (a uid of its own, bubblewrap, network namespaces) and with
`CLASSROOM_CONTAINMENT=none`, `--runs` times each, and prints the medians and their ratio.
Then times the digest a cached environment is checked against before reuse. Run as root:
without root both sides are the same partial containment and the ratio says nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graders.model.assignment import load_assignment
from graders.running.containment import detect
from graders.stages.context import StageContext
from graders.stages.install import ensure_environment, tree_digest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def grade_seconds(assignment: Path, out: Path, contained: bool) -> float:
    env = dict(os.environ)
    if not contained:
        env["CLASSROOM_CONTAINMENT"] = "none"
    argv = [str(BIN / "classroom"), "grade", str(assignment / "solution"), "--assignment"]
    argv += [str(assignment), "--hidden-tests", str(assignment / "hidden_tests"), "--out", str(out)]
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def digest_seconds(assignment: Path, runs: int) -> tuple[float, int, int]:
    """Median seconds of one digest of the solution's environment, its files and bytes."""
    loaded = load_assignment(assignment)
    with tempfile.TemporaryDirectory() as scratch:
        ctx = StageContext(loaded, loaded.root / "solution", Path(scratch), None, None)
        env, _ = ensure_environment(ctx, loaded.spec.stages.install.extra_requirements)
    files = [p for p in env.root.rglob("*") if p.is_file() and not p.is_symlink()]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        tree_digest(env.root)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--assignment", type=Path, default=ROOT / "templates" / "tasks-api")
    args = parser.parse_args()
    if detect().missing():
        print("not fully contained here: " + "; ".join(detect().missing()), file=sys.stderr)
    grade_seconds(args.assignment, Path(tempfile.mkdtemp()), True)  # warm the env cache
    with_it, without = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as out:
            with_it.append(grade_seconds(args.assignment, Path(out) / "a", True))
            without.append(grade_seconds(args.assignment, Path(out) / "b", False))
    contained, bare = statistics.median(with_it), statistics.median(without)
    print(f"{args.assignment.name} solution, {args.runs} runs each, alternating")
    for label, median, times in (("full containment", contained, with_it), ("none", bare, without)):
        each = ", ".join(f"{t:.1f}" for t in times)
        print(f"  {label + ':':18} median {median:6.2f} s  ({each})")
    print(f"  ratio:             {contained / bare:.3f}")
    seconds, files, size = digest_seconds(args.assignment, max(3, args.runs))
    print(f"  cache check:       median {seconds:.3f} s for {files:,} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
