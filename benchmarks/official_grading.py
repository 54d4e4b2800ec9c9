"""The official grade of a class: per-learner time measured here, a 500-learner run modelled.

    sudo .venv/bin/python benchmarks/official_grading.py [--runs N] [--learners 500]
        [--concurrent 20] [--per-job 25] [--setup-seconds 60] [--fetch-seconds 1.5]

Measures, on this machine, the official grade of tasks-api (`classroom grade --official`:
protected files put back, hidden checks, full containment, the 15 s load test) for the
reference solution and the starter, `--runs` times each, and the grader's install into a
fresh virtual environment (what each grade job does once). Then models the course
repository's official run for `--learners` learners with the workflow's own chunking
(orchestrator.official.chunking): plan, fetch and grade jobs, `--concurrent` jobs at once,
each grade job grading its chunk one learner after another, and prints the wall time and the
Actions minutes GitHub bills (each job rounded up to a whole minute).

Assumptions, stated because they are not measured here: a GitHub-hosted job takes
`--setup-seconds` to start, set up Python, download its artifacts and install bubblewrap;
a fetch costs `--fetch-seconds` per repository (a shallow fetch of one commit); plan and
record take a minute each. Runners are 2-core machines like this one (GitHub's standard
Linux runner for private repositories).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from math import ceil
from pathlib import Path

from orchestrator.official.chunking import chunk_count

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TASKS_API = ROOT / "templates" / "tasks-api"


def official_seconds(folder: str, out: Path) -> float:
    argv = [str(BIN / "classroom"), "grade", str(TASKS_API / folder), "--official"]
    argv += ["--assignment", str(TASKS_API), "--hidden-tests", str(TASKS_API / "hidden_tests")]
    started = time.perf_counter()
    subprocess.run([*argv, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def install_seconds() -> float:
    """A fresh virtual environment and `pip install` of the grader, as a grade job does."""
    with tempfile.TemporaryDirectory() as scratch:
        venv = Path(scratch) / "grader"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", str(ROOT)],
            check=True,
        )  # fmt: skip
        return time.perf_counter() - started


@dataclass(frozen=True)
class Model:
    learners: int
    concurrent: int
    per_job: int
    per_learner: float  # seconds of one official grade
    install: float  # seconds of the grader's install in a job
    setup: float  # seconds a job takes before its own steps (assumed)
    fetch_per_repo: float  # seconds per repository fetched (assumed)

    @property
    def jobs(self) -> int:
        return chunk_count(self.learners, concurrent=self.concurrent, per_job=self.per_job)

    @property
    def chunk(self) -> int:
        return ceil(self.learners / self.jobs)

    @property
    def grade_job(self) -> float:
        return self.setup + self.install + self.chunk * self.per_learner

    @property
    def fetch_job(self) -> float:
        return self.setup + self.install + self.chunk * self.fetch_per_repo

    @property
    def waves(self) -> int:
        return ceil(self.jobs / self.concurrent)

    def wall(self) -> float:
        plan = record = 60.0
        # the fetch matrix has the grader's part too; fetch and grade waves do not overlap
        fetch_waves = ceil((self.jobs + 1) / self.concurrent)
        return plan + fetch_waves * self.fetch_job + self.waves * self.grade_job + record

    def billed_minutes(self) -> int:
        fetch = (self.jobs + 1) * ceil(self.fetch_job / 60)
        return 1 + fetch + self.jobs * ceil(self.grade_job / 60) + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--per-job", type=int, default=25)
    parser.add_argument("--setup-seconds", type=float, default=60.0)
    parser.add_argument("--fetch-seconds", type=float, default=1.5)
    args = parser.parse_args()
    official_seconds("solution", Path(tempfile.mkdtemp()))  # warm the environment cache
    times: dict[str, list[float]] = {"solution": [], "starter": []}
    for _ in range(args.runs):
        for folder, found in times.items():
            with tempfile.TemporaryDirectory() as out:
                found.append(official_seconds(folder, Path(out)))
    install = statistics.median(install_seconds() for _ in range(max(1, args.runs // 2 + 1)))
    every = [t for found in times.values() for t in found]
    per_learner = statistics.median(every)
    print(f"official grade of tasks-api here, {args.runs} runs each (seconds):")
    for folder, found in times.items():
        listed = ", ".join(f"{t:.1f}" for t in found)
        print(f"  {folder:9} median {statistics.median(found):5.1f}  ({listed})")
    print(f"  grader install into a fresh venv: median {install:.1f} s")
    model = Model(args.learners, args.concurrent, args.per_job, per_learner, install,
                  args.setup_seconds, args.fetch_seconds)  # fmt: skip
    print(
        f"model, {model.learners} learners, {model.concurrent} jobs at once: {model.jobs} grade "
        f"jobs of {model.chunk} learners, {model.waves} wave(s)"
    )
    print(f"  one grade job: {model.grade_job / 60:.1f} min; one fetch job {model.fetch_job:.0f} s")
    print(f"  wall time: {model.wall() / 60:.1f} min (goal: under 30)")
    print(f"  billed Actions minutes: {model.billed_minutes():,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
