"""Wall time of `classroom similarity` on a generated class, on the sandbox.

    .venv/bin/python benchmarks/similarity_class.py [--learners 40] [--archives 0] [--runs 2]

Generates the class (tests/similarity/class_builder.py: tasks-api submissions, seeded, with
three planted copies), hands each submission in to its repository on the sandbox and records
its grade, then times the whole command: reading the store, fetching every graded commit
(`git fetch --depth 1` + `git archive`), fingerprinting and comparing every pair, writing the
report. A second run shows a re-run, which fetches nothing (the tars are kept). `--archives N`
adds N earlier submissions (copies of generated ones, as a folder for --against). Prints the
times and what was flagged. Issue 17's goal: under a minute for 40 learners on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orchestrator.commands.similarity import similarity  # noqa: E402
from orchestrator.similarity.model import read_run  # noqa: E402
from tests.orchestrator.conftest import open_classroom  # noqa: E402
from tests.similarity.class_builder import build_class  # noqa: E402
from tests.similarity.sandbox_class import SLUG, enrol, grade, hand_in  # noqa: E402


def measure(learners: int, archives: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        work = Path(tmp)
        room, close = open_classroom(work, 0)
        try:
            made = build_class(work / "class", learners=learners)
            earlier = _archives(work, made.submissions, archives)
            enrol(room, sorted(made.submissions))
            started = time.perf_counter()
            for login, folder in made.submissions.items():
                grade(room, login, hand_in(room, login, folder))
            print(f"setup: {learners} submissions handed in and graded in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            for attempt in range(1, runs + 1):
                _timed(room, earlier, attempt)
            found = read_run(room.course.root / "similarity" / SLUG / "pairs.json")
            flagged = {frozenset((p.left.label, p.right.label)) for p in found.flagged}
            print(f"planted pairs found: {len(made.planted_pairs & flagged)} of "
                  f"{len(made.planted_pairs)}; other pairs flagged: "
                  f"{len(flagged - made.planted_pairs)}")  # fmt: skip
        finally:
            close()


def _archives(work: Path, submissions: dict[str, Path], count: int) -> list[Path]:
    if not count:
        return []
    folder = work / "last-term"
    logins = sorted(submissions)
    for n in range(count):
        source = submissions[logins[n % len(logins)]]
        shutil.copytree(source, folder / f"old-{n:03d}", ignore=shutil.ignore_patterns(".git"))
    return [folder]


def _timed(room, earlier: list[Path], attempt: int) -> None:
    out = io.StringIO()
    cpu, started = os.times(), time.perf_counter()
    similarity(room.course, room.gateway(), SLUG, against=earlier, console=Console(file=out))
    wall = time.perf_counter() - started
    after = os.times()
    cpu_seconds = (after.user - cpu.user) + (after.system - cpu.system)
    children = (after.children_user - cpu.children_user) + (
        after.children_system - cpu.children_system
    )
    print(f"run {attempt}: {wall:.1f} s wall, {cpu_seconds:.1f} s CPU in this process, "
          f"{children:.1f} s in git; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("  " + out.getvalue().strip().replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--archives", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    measure(args.learners, args.archives, args.runs)


if __name__ == "__main__":
    main()
