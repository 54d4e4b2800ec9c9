"""A practice grade's turnaround: each step of the grading workflow's two jobs, timed here.

    .venv/bin/python benchmarks/practice_turnaround.py [--runs 2] [--slug tasks-api]

Times what each job of `.github/workflows/grade.yml` does on its runner, medians of `--runs`:
- the grade job: installing the grader with uv, as the workflow does now, from an empty
  cache (cold) and from the cache the workflow restores (warm: keyed by the grader commit and
  pruned as setup-uv's `prune-cache` does); with pip, as it did before, cold and warm; then
  `classroom grade` of the assignment's solution without the load stage, its submission
  environment built from nothing (as on every fresh runner: that cache is not kept) and,
  for comparison, reused;
- the report job: `uv venv` and `uv pip install ./reporter` with no cache (the job restores
  none), against before (pip: reporter-requirements' PyGithub, pydantic and jinja2, then the
  grader with `--no-deps`), and `classroom-report --dry-run`: the command's own start-up.
Then models push-to-comment time and billed minutes on a GitHub-hosted runner, three ways:
pip in both jobs and the report after the grade (as before stop 25), uv in both and the report
after the grade (stop 25), and now: the report job started beside the grade job, set up while
grading runs, then waiting for it (`classroom-report-wait`). What cannot be measured here is
an assumption, stated in the output: the time a hosted runner takes to start a queued job
(GitHub documents no figure), to check out, to set up Python or uv, to restore a cache, to
move the artifact, and the report's few API calls.

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
sys.path.insert(0, str(ROOT))
from reporter.wait import POLL_EVERY  # noqa: E402  (the report job's wait, as grade.yml runs it)

BIN = Path(sys.executable).parent
UV = str(BIN / "uv")
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
REPORTER_BEFORE = ["PyGithub>=2.4,<3", "pydantic>=2.7,<3", "jinja2>=3.1,<4"]

# Assumptions for a GitHub-hosted ubuntu runner (not measurable here), in seconds.
JOB_START = 15.0  # a queued job picked up by a fresh runner
CHECKOUT = 2.0  # actions/checkout of a small repository, each
SETUP_PYTHON = 3.0  # actions/setup-python of a version in the runner's tool cache
SETUP_UV = 2.0  # astral-sh/setup-uv: uv's binary downloaded and unpacked
CACHE_RESTORE = 1.0  # the grade job's pruned uv cache (tens of MB) restored
CACHE_SAVE = 2.0  # … saved after a cold run (post step)
ARTIFACT = 3.0  # upload-artifact in the grade job, download-artifact in the report job
POSTING = 2.0  # the report's API calls: check run, comments, issues (a handful)


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
    """Each way of installing, into a fresh venv."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0

    def venv(self) -> Path:
        self.count += 1
        return fresh_venv(self.scratch / f"venv-{self.count}")

    def pip(self, cache: Path, *targets: str) -> float:
        python = self.venv()
        return timed(lambda: run([str(python), *PIP, "--cache-dir", str(cache), *targets]))

    def reporter_before(self, cache: Path) -> float:
        """The report job before: its three needs with pip, then the grader with --no-deps."""
        python = self.venv()

        def both() -> None:
            run([str(python), *PIP, "--cache-dir", str(cache), *REPORTER_BEFORE])
            run([str(python), *PIP, "--cache-dir", str(cache), "--no-deps", str(ROOT)])

        return timed(both)

    def uv(self, cache: Path, target: str) -> float:
        """`uv pip install --python python TARGET`, as the grade job does."""
        python = self.venv()
        argv = [UV, "pip", "install", "--quiet", "--python", str(python), "--cache-dir", str(cache)]
        return timed(lambda: run([*argv, target]))

    def reporter_now(self, cache: Path) -> tuple[float, float]:
        """The report job now: `uv venv` (setup-uv's activate-environment), then the reporter.
        Seconds of each."""
        self.count += 1
        venv = self.scratch / f"venv-{self.count}"
        cached = ["--cache-dir", str(cache)]
        made = timed(lambda: run([UV, "venv", "--quiet", *cached, str(venv)]))
        python = venv / "bin" / "python"
        argv = [UV, "pip", "install", "--quiet", "--python", str(python), *cached]
        return made, timed(lambda: run([*argv, str(ROOT / "reporter")]))


def prune(cache: Path) -> None:
    """What setup-uv's `prune-cache` leaves of a cache before saving it (`uv cache prune --ci`)."""
    run([UV, "cache", "prune", "--ci", "--quiet", "--cache-dir", str(cache)])


def cold_and_warm(
    runs: int, once: Callable[[Path], float], scratch: Path, between: Callable[[Path], None]
) -> tuple[float, float]:
    """Median seconds of `once(cache)` with a new cache, and with it again after `between`."""
    cold, warm = [], []
    for index in range(runs):
        cache = scratch / f"cache-{time.monotonic_ns()}-{index}"
        cold.append(once(cache))
        between(cache)
        warm.append(once(cache))
        shutil.rmtree(cache, ignore_errors=True)
    return statistics.median(cold), statistics.median(warm)


def kept(_cache: Path) -> None:
    """The cache as it is (pip's, or a runner that kept everything)."""


def grading(runs: int, slug: str, scratch: Path) -> tuple[float, float]:
    """`classroom grade` of the solution without load: environment built, then reused."""
    assignment = ROOT / "templates" / slug

    def once(cache: Path) -> float:
        argv = [str(BIN / "classroom"), "grade", str(assignment / "solution"), "--assignment"]
        argv += [str(assignment), "--skip", "load", "--out", str(scratch / "out")]
        env = {**os.environ, "CLASSROOM_CACHE_DIR": str(cache)}
        return timed(lambda: run(argv, env=env))

    return cold_and_warm(runs, once, scratch, kept)


def without_cache(
    runs: int, once: Callable[[Path], tuple[float, float]], scratch: Path
) -> tuple[float, ...]:
    """Medians of each figure `once` returns, every run with a new, empty cache."""
    results = [once(scratch / f"cache-{time.monotonic_ns()}-{i}") for i in range(runs)]
    return tuple(statistics.median(column) for column in zip(*results, strict=True))


def report_start(runs: int, python: Path, scratch: Path) -> float:
    """`classroom-report --dry-run` of an empty folder: the command's own start-up."""
    command = python.parent / "classroom-report"
    argv = [str(command), str(scratch), "--repo", "o/r", "--sha", "0" * 40, "--dry-run"]
    env = {**os.environ, "GITHUB_TOKEN": "dry-run-posts-nothing"}
    return statistics.median(timed(lambda: run(argv, env)) for _ in range(runs))


def minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def measure(runs: int, slug: str, scratch: Path) -> dict[str, tuple[float, float]]:
    """Every step's (cold, warm) seconds."""
    installs = Installs(scratch)
    made, reporter = without_cache(runs, installs.reporter_now, scratch)
    started = report_start(runs, scratch / f"venv-{installs.count}" / "bin" / "python", scratch)
    return {
        "grade job: install the grader (uv, cache pruned as restored: grade.yml)": cold_and_warm(
            runs, lambda c: installs.uv(c, str(ROOT)), scratch, prune
        ),
        "grade job: install the grader (uv, whole cache kept)": cold_and_warm(
            runs, lambda c: installs.uv(c, str(ROOT)), scratch, kept
        ),
        "grade job: install the grader (pip: before)": cold_and_warm(
            runs, lambda c: installs.pip(c, str(ROOT)), scratch, kept
        ),
        f"grade job: classroom grade {slug} solution, no load (env built / reused)": grading(
            runs, slug, scratch
        ),
        "report job: uv venv (no cache)": (made, made),
        "report job: install the reporter (uv, no cache: grade.yml)": (reporter, reporter),
        "report job: install the reporter (pip: before)": cold_and_warm(
            runs, installs.reporter_before, scratch, kept
        ),
        "report job: classroom-report start-up": (started, started),
    }


def model(steps: dict[str, tuple[float, float]]) -> list[str]:
    """Push to comment and billed minutes, before and now, from the measured steps."""
    grader_uv, _, grader_pip, graded, made, reporter, reporter_pip, started = steps.values()
    lines = []
    for cache, i in (("cold", 0), ("warm", 1)):
        grade = graded[0]  # a fresh runner builds the submission's environment every time
        before_grade = JOB_START + 2 * CHECKOUT + SETUP_PYTHON + grader_pip[i] + grade + ARTIFACT
        before_report = JOB_START + ARTIFACT + CHECKOUT + SETUP_PYTHON + reporter_pip[i]
        before_report += started[0] + POSTING
        cache_io = CACHE_SAVE if i == 0 else CACHE_RESTORE
        uv_grade = JOB_START + 2 * CHECKOUT + SETUP_PYTHON + SETUP_UV + cache_io
        uv_grade += grader_uv[i] + grade + ARTIFACT
        uv_report = JOB_START + ARTIFACT + CHECKOUT + SETUP_UV + made[0] + reporter[0]
        uv_report += started[0] + POSTING
        for label, grade_job, report_job in (
            (
                "pip in both jobs, setup-python in both, report after grade",
                before_grade,
                before_report,
            ),
            (
                "uv in both jobs, the reporter alone, report after grade (stop 25)",
                uv_grade,
                uv_report,
            ),
        ):
            lines.append(
                f"- {label}, {cache} cache: push to comment {grade_job + report_job:.0f} s "
                f"(grade job {grade_job:.0f} s, report job {report_job:.0f} s), "
                f"{minutes(grade_job) + minutes(report_job)} billed minutes"
            )
        # Now (grade.yml): the report job starts beside the grade job, sets up while grading
        # runs, then reads the run's jobs every POLL_EVERY seconds (half of that lost on
        # average) until the grade job has ended; it is billed for its wait.
        setup = JOB_START + CHECKOUT + SETUP_UV + made[0] + reporter[0]
        tail = POLL_EVERY / 2 + ARTIFACT + started[0] + POSTING
        report_job = max(setup, uv_grade) - JOB_START + tail  # billed from its own start
        lines.append(
            f"- now (grade.yml: the report job started beside the grade job, waiting for it), "
            f"{cache} cache: push to comment {max(uv_grade, setup) + tail:.0f} s "
            f"(grade job {uv_grade:.0f} s; the report job set up after {setup:.0f} s, posted "
            f"{tail:.0f} s after the grade job ended), "
            f"{minutes(uv_grade) + minutes(report_job)} billed minutes"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--slug", default="tasks-api")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-turnaround-") as tmp:
        steps = measure(args.runs, args.slug, Path(tmp))
    print(f"| step (median of {args.runs}) | cold | warm |")
    print("|---|---:|---:|")
    for name, (cold, warm) in steps.items():
        print(f"| {name} | {cold:.1f} s | {warm:.1f} s |")
    print(
        f"\nAssumed on a hosted runner: job start {JOB_START:g} s, checkout {CHECKOUT:g} s each, "
        f"setup-python {SETUP_PYTHON:g} s, setup-uv {SETUP_UV:g} s, uv cache restore "
        f"{CACHE_RESTORE:g} s (save after a cold run {CACHE_SAVE:g} s), artifact {ARTIFACT:g} s "
        f"each side, the report's API calls {POSTING:g} s; the wait reads the run's jobs every "
        f"{POLL_EVERY:g} s."
    )
    print("\n".join(model(steps)))


if __name__ == "__main__":
    main()
