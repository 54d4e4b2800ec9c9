"""Benchmark: build the dashboard for a generated class (default 1,000 learners x 10 assignments).

Prints the median of several builds from a grades store on disk (read the store, compute the
figures, render and write every page) and the site's size. Goal: under 3 s.

    .venv/bin/python benchmarks/dashboard_build.py [--learners 1000] [--assignments 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from orchestrator.dashboard.build import build_site, default_jobs
from orchestrator.dashboard.synthetic import synthetic_class
from orchestrator.grades_store import load_store, write_histories

GOAL_SECONDS = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    generated = synthetic_class(args.learners, args.assignments)
    print(f"class: {args.learners} learners x {args.assignments} assignments, "
          f"{len(generated.submissions)} graded pushes "
          f"(generated in {time.perf_counter() - started:.2f} s)")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        course = Path(tmp) / "course"
        files = write_histories(course, generated.lines)
        store_bytes = sum(p.stat().st_size for p in (course / "grades").rglob("*.jsonl"))
        print(f"store: {files} files, {store_bytes / 1e6:.1f} MB")

        load_times, build_times, totals, cpu, critical = [], [], [], [], []
        for _ in range(args.runs):
            own0, c0, t0 = _own_cpu_seconds(), _cpu_seconds(), time.perf_counter()
            store = load_store(course)
            t1 = time.perf_counter()
            site = build_site(generated.info, store, course / "site", as_of=generated.as_of)
            t2 = time.perf_counter()
            load_times.append(t1 - t0)
            build_times.append(t2 - t1)
            totals.append(t2 - t0)
            cpu.append(_cpu_seconds() - c0)
            forked = len(site.render_cpu_seconds) > 1
            busiest = max(site.render_cpu_seconds) if forked else 0.0
            critical.append(_own_cpu_seconds() - own0 + busiest)

        median = statistics.median(totals)
        print(f"read store: median {statistics.median(load_times):.2f} s")
        print(f"render + write: median {statistics.median(build_times):.2f} s")
        print(f"build time: median {median:.2f} s over {args.runs} runs "
              f"(min {min(totals):.2f}, max {max(totals):.2f}); goal < {GOAL_SECONDS:.0f} s: "
              f"{'met' if median < GOAL_SECONDS else 'NOT met'}")  # fmt: skip
        print(f"CPU time of a build (all processes): median {statistics.median(cpu):.2f} s; "
              f"{default_jobs(args.learners)} render processes on {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f} (wall time includes waiting)")  # fmt: skip
        print(f"CPU on the critical path (this process + the busiest render process): median "
              f"{statistics.median(critical):.2f} s, the build time on idle cores")  # fmt: skip
        print(f"site: {site.pages} pages, {site.bytes / 1e6:.1f} MB, "
              f"{site.at_risk} learners at risk")  # fmt: skip


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _cpu_seconds() -> float:
    """CPU time of this process and of the finished render processes it started."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
