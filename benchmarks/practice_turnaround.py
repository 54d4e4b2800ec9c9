"""A practice grade's turnaround: each step of the grading workflow's two jobs, timed here.

    .venv/bin/python benchmarks/practice_turnaround.py [--runs 3] [--slug tasks-api]

Times what each job of `.github/workflows/grade.yml` does on its runner, from a cold cache
(nothing downloaded yet) and a warm one (the same cache again), medians of `--runs`:
- the grade job: installing the grader (with pip, as the workflow does, and with uv, for
  comparison), and `classroom grade` of the assignment's solution without the load stage
  (its submission environment cold, then warm);
- the report job: installing the whole `instructor` extra (before) against the grader with
  `--no-deps` and `reporter-requirements.txt` (now), and `classroom report --dry-run`.
Then models push-to-comment time and billed minutes on a GitHub-hosted runner. What cannot be
measured here is an assumption, stated in the output: the time a hosted runner takes to
start a queued job, to check out, and to set up a cached Python.

Downloads come from the package index: figures depend on this machine's network. Nothing is
installed outside temporary folders.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]

# Assumptions for a GitHub-hosted ubuntu runner (not measurable here), in seconds.
JOB_START = 15.0  # a queued job picked up by a fresh runner
CHECKOUT = 2.0  # actions/checkout of a small repository, each
SETUP_PYTHON = 3.0  # actions/setup-python of a version in the runner's tool cache
ARTIFACT = 3.0  # upload-artifact in the grade job, download-artifact in the report job


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Run `argv` quietly; its error output only when it fails (pip warns a lot)."""
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False, env=env
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[:4])} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def fresh_venv(where: Path) -> Path:
    """A new virtual environment (as setup-python gives a clean interpreter); its python."""
    run([sys.executable, "-m", "venv", str(where)])
    return where / "bin" / "python"


class Installs:
    """Each way of installing, into a fresh venv, with a cache that is cold the first time."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0

    def venv(self) -> Path:
        self.count += 1
        return fresh_venv(self.scratch / f"venv-{self.count}")

    def pip(self, cache: Path, *targets: str, no_deps: bool = False) -> float:
        python = self.venv()
        extra = ["--no-deps"] if no_deps else []
        return timed(lambda: run([str(python), *PIP, "--cache-dir", str(cache), *extra, *targets]))

    def reporter(self, cache: Path) -> float:
        python = self.venv()
        needs = str(ROOT / "reporter-requirements.txt")

        def both() -> None:
            run([str(python), *PIP, "--cache-dir", str(cache), "-r", needs])
            run([str(python), *PIP, "--cache-dir", str(cache), "--no-deps", str(ROOT)])

        return timed(both)

    def uv(self, cache: Path, target: str) -> float:
        python = self.venv()
        uv = [str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(python)]
        return timed(lambda: run([*uv, "--cache-dir", str(cache), target]))


def cold_and_warm(runs: int, once: Callable[[Path], float], scratch: Path) -> tuple[float, float]:
    """Median seconds of `once(cache)` with a new cache, and with the same cache again."""
    cold, warm = [], []
    for index in range(runs):
        cache = scratch / f"cache-{time.monotonic_ns()}-{index}"
        cold.append(once(cache))
        warm.append(once(cache))
        shutil.rmtree(cache, ignore_errors=True)
    return statistics.median(cold), statistics.median(warm)


def grading(runs: int, slug: str, scratch: Path) -> tuple[float, float]:
    """`classroom grade` of the solution without load: cold submission environment, warm."""
    assignment = ROOT / "templates" / slug

    def once(cache: Path) -> float:
        argv = [str(BIN / "classroom"), "grade", str(assignment / "solution"), "--assignment"]
        argv += [str(assignment), "--skip", "load", "--out", str(scratch / "out")]
        env = {**os.environ, "CLASSROOM_CACHE_DIR": str(cache)}
        return timed(lambda: run(argv, env=env))

    return cold_and_warm(runs, once, scratch)


def report_start(runs: int, scratch: Path) -> float:
    """`classroom report --dry-run` of an empty folder: the command's own start-up."""
    argv = [str(BIN / "classroom"), "report", str(scratch), "--repo", "o/r", "--sha", "0" * 40]
    env = {**os.environ, "GITHUB_TOKEN": "dry-run-posts-nothing"}
    return statistics.median(timed(lambda: run([*argv, "--dry-run"], env)) for _ in range(runs))


def minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="tasks-api")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-turnaround-") as tmp:
        scratch = Path(tmp)
        installs = Installs(scratch)
        grader_pip = cold_and_warm(args.runs, lambda c: installs.pip(c, str(ROOT)), scratch)
        grader_uv = cold_and_warm(args.runs, lambda c: installs.uv(c, str(ROOT)), scratch)
        instructor = cold_and_warm(
            args.runs, lambda c: installs.pip(c, f"{ROOT}[instructor]"), scratch
        )
        reporter = cold_and_warm(args.runs, installs.reporter, scratch)
        graded = grading(args.runs, args.slug, scratch)
        started = report_start(args.runs, scratch / "out")
    rows = [
        ("grade job: install the grader (pip, as grade.yml)", grader_pip),
        ("grade job: install the grader (uv)", grader_uv),
        (f"grade job: classroom grade {args.slug} solution, no load", graded),
        ("report job: install the instructor extra (before)", instructor),
        ("report job: install the reporter (now)", reporter),
        ("report job: classroom report start-up", (started, started)),
    ]
    print(f"| step (median of {args.runs}) | cold cache | warm cache |")
    print("|---|---:|---:|")
    for name, (cold, warm) in rows:
        print(f"| {name} | {cold:.1f} s | {warm:.1f} s |")
    fixed = JOB_START + 2 * CHECKOUT + SETUP_PYTHON + ARTIFACT
    print(
        f"\nAssumed per job on a hosted runner: start {JOB_START:g} s, checkouts "
        f"{CHECKOUT:g} s each, setup-python {SETUP_PYTHON:g} s, artifact {ARTIFACT:g} s."
    )
    for label, install, report_install in (
        ("before (pip, instructor extra in the report job)", grader_pip, instructor),
        ("now (pip, the reporter alone)", grader_pip, reporter),
        ("with uv in the grade job", grader_uv, reporter),
    ):
        for cache, index in (("cold", 0), ("warm", 1)):
            grade_job = fixed + install[index] + graded[index]
            report_job = JOB_START + CHECKOUT + SETUP_PYTHON + ARTIFACT
            report_job += report_install[index] + started
            print(
                f"- {label}, {cache}: push to comment {grade_job + report_job:.0f} s "
                f"(grade job {grade_job:.0f} s, report job {report_job:.0f} s), "
                f"{minutes(grade_job) + minutes(report_job)} billed minutes"
            )


if __name__ == "__main__":
    main()
