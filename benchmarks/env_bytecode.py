"""What compiling a submission's environment saves each learner process.

    .venv/bin/python benchmarks/env_bytecode.py [--runs 5] [--slug tasks-api]

The learner's processes (the service, each run of the tests, each bug of test_quality) run
with PYTHONDONTWRITEBYTECODE in an environment they may not write: without bytecode in it,
each one compiles every module it imports from source. This builds the solution's environment
twice, as graders.stages.install does (uv, `--no-build`, the grader's pins), compiles one of
them as the install stage does when the environment is first reused
(`graders.stages.install.compile_environment`), then times, in each, a process that imports
the solution's app and one that collects its tests, as a learner's process would: medians of
`--runs` of CPU time (user + system) and the ratio against the uncompiled environment. Also
the compile's own time. Nothing is installed outside temporary folders.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from basis.procs import Limits  # noqa: E402
from graders.model.requirements import read_pins  # noqa: E402
from graders.running import tools  # noqa: E402
from graders.stages.install import compile_environment  # noqa: E402

PROBES = {
    "import the app": ["-c", "import app.main"],
    "collect the tests": ["-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
}


def build(folder: Path, requirements: list[str], *, compiled: bool) -> float:
    """The environment at `folder`; the seconds compiling it took (0 when not compiled)."""
    uv = tools.executable("uv")
    wanted = folder.parent / f"{folder.name}-requirements.txt"
    wanted.write_text("".join(f"{line}\n" for line in requirements))
    subprocess.run([uv, "venv", "--no-config", "--quiet", "--python", sys.executable,
                    str(folder)], check=True)  # fmt: skip
    subprocess.run(
        [uv, "pip", "install", "--no-config", "--quiet", "--no-build",
         "--python", str(folder / "bin" / "python"),
         "-r", str(wanted), *tools.PINNED_IN_SUBMISSION_ENV],
        check=True,
    )  # fmt: skip
    if not compiled:
        return 0.0
    started = time.perf_counter()
    compile_environment(folder, Path(sys.executable), folder.parent, Limits(timeout_seconds=300))
    return time.perf_counter() - started


def cpu_seconds(python: Path, args: list[str], cwd: Path) -> float:
    """User + system CPU of one process run as a learner's would be."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(cwd.parent)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(python), *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slug", default="tasks-api")
    options = parser.parse_args()
    solution = ROOT / "templates" / options.slug / "solution"
    requirements = [pin.text for pin in read_pins(solution)]
    with tempfile.TemporaryDirectory(prefix="env-bytecode-") as scratch:
        work = Path(scratch)
        builds = {
            compiled: build(work / f"env-{compiled}", requirements, compiled=compiled)
            for compiled in (False, True)
        }
        print(f"{options.slug}'s solution, medians of {options.runs} runs, CPU seconds")
        print(f"  compiling the environment, once: {builds[True]:.1f} s")
        for probe, args in PROBES.items():
            medians = {
                compiled: statistics.median(
                    cpu_seconds(work / f"env-{compiled}" / "bin" / "python", args, solution)
                    for _ in range(options.runs)
                )
                for compiled in (False, True)
            }
            ratio = medians[True] / medians[False]
            print(f"  {probe}: {medians[False]:.2f} s from source, {medians[True]:.2f} s "
                  f"compiled ({ratio:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
