"""Grader overhead: `classroom grade` against the same tools run bare, one after the other.

    .venv/bin/python benchmarks/grade_turnaround.py [--runs N] [--assignment templates/tasks-api]

Prints the median wall time of a full `classroom grade` of the assignment's solution, the median
of a bare script that runs the same tools (pytest, the hidden pytest run against a started
service, ruff, mypy, Locust) sequentially with no containment, and their ratio. The submission
environment is built once beforehand, so both sides measure grading, not downloading.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from graders.model.assignment import LoadedAssignment, load_assignment
from graders.running.service import fill, free_port
from graders.stages.context import StageContext
from graders.stages.install import ensure_environment

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def grade_once(assignment: Path, out: Path) -> None:
    subprocess.run(
        [
            str(BIN / "classroom"),
            "grade",
            str(assignment / "solution"),
            "--assignment",
            str(assignment),
            "--hidden-tests",
            str(assignment / "hidden_tests"),
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def bare_once(loaded: LoadedAssignment, python: Path, scratch: Path) -> None:
    spec, root = loaded.spec, loaded.root
    work = scratch / f"bare-{time.monotonic_ns()}"
    shutil.copytree(root / "solution", work)

    def run(argv: list[str], **kw: object) -> None:
        subprocess.run(
            argv, cwd=work, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw
        )  # type: ignore[call-overload]

    run([str(python), "-m", "pytest", *spec.stages.tests.paths, "-q", "-p", "no:cacheprovider"])
    with service(loaded, python, work, spec.stages.hidden.env) as base:
        run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(root / "hidden_tests"),
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            env={**os.environ, "CLASSROOM_BASE_URL": base},
        )
    run(
        [
            str(BIN / "ruff"),
            "check",
            "--no-cache",
            "--config",
            str(root / spec.stages.lint.config),
            *spec.stages.lint.paths,
        ]
    )
    run(
        [
            str(BIN / "mypy"),
            "--config-file",
            str(root / spec.stages.types.config),
            "--python-executable",
            str(python),
            "--cache-dir",
            str(work / ".mypy"),
            *spec.stages.types.paths,
        ]
    )
    load = spec.stages.load
    with service(loaded, python, work, load.env) as base:
        run(
            [
                str(BIN / "locust"),
                "-f",
                str(root / load.locustfile),
                "--headless",
                "-u",
                str(load.users),
                "-r",
                str(load.spawn_rate),
                "-t",
                f"{load.duration_seconds}s",
                "--host",
                base,
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ]
        )


class service:
    """The learner's service, started the way assignment.toml says, without containment."""

    def __init__(self, loaded: LoadedAssignment, python: Path, work: Path, extra: dict) -> None:
        app = loaded.spec.app
        data = Path(tempfile.mkdtemp(dir=work))
        self.port = free_port()
        values = {"port": str(self.port), "data": str(data)}
        self.env = {**os.environ, **{k: fill(v, values) for k, v in {**app.env, **extra}.items()}}
        self.env["PATH"] = f"{python.parent}:{self.env['PATH']}"
        self.argv = shlex.split(fill(app.start, values))
        self.seed = shlex.split(fill(app.seed, values)) if app.seed else None
        self.work, self.health = work, app.health_path

    def __enter__(self) -> str:
        if self.seed:
            subprocess.run(
                self.seed, cwd=self.work, env=self.env, check=True, stdout=subprocess.DEVNULL
            )
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.work,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                if httpx.get(base + self.health, timeout=1).status_code == 200:
                    return base
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the service did not start")

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--assignment", type=Path, default=ROOT / "templates" / "tasks-api")
    args = parser.parse_args()
    loaded = load_assignment(args.assignment)
    with tempfile.TemporaryDirectory(prefix="bench-turnaround-") as tmp:
        scratch = Path(tmp)
        scratch.chmod(0o755)
        ctx = StageContext(loaded, loaded.root / "solution", scratch, None, None)
        env, _ = ensure_environment(ctx, loaded.spec.stages.install.extra_requirements)
        graded, bare = [], []
        for i in range(args.runs):  # interleaved, so drift on the machine hits both alike
            graded.append(timed(lambda i=i: grade_once(args.assignment, scratch / f"out{i}")))
            bare.append(timed(lambda: bare_once(loaded, env.python, scratch)))
            print(f"run {i + 1}: classroom grade {graded[-1]:.2f} s, bare tools {bare[-1]:.2f} s")
    load_s = loaded.spec.stages.load.duration_seconds if loaded.spec.stages.load else 0
    g, b = statistics.median(graded), statistics.median(bare)
    print(f"\n{loaded.spec.slug} solution, median of {args.runs} runs:")
    print(f"  classroom grade : {g:6.2f} s")
    print(f"  bare tools      : {b:6.2f} s")
    print(f"  ratio           : {g / b:6.3f}  (overhead {100 * (g / b - 1):+.1f}%)")
    print(
        f"  budget          : load duration {load_s} s + 15 s = {load_s + 15} s "
        f"({'within' if g <= load_s + 15 else 'OVER'})"
    )


if __name__ == "__main__":
    main()
