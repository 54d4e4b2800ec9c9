"""What a stage's PostgreSQL cluster costs to start: `initdb` every time, or a copy of its output.

    .venv/bin/python benchmarks/postgres_start.py [--runs 7]

Starts and stops `--runs` clusters as a stage does (graders.running.postgres: the data folder,
the server, the superuser's own password, the learner's role and database), first with an empty
template cache each time (so `initdb` runs, as before the template), then from one template made
once: medians of the wall time to a ready cluster and of the CPU it took (this process, every
command it ran, the server's processes), and the ratios. Runs as the grader would: as root,
each cluster as a leased uid. Everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders.running import postgres_template  # noqa: E402
from graders.running.containment import detect  # noqa: E402
from graders.running.isolation import own_uid  # noqa: E402
from graders.running.postgres import postgres_bin, postgres_cluster  # noqa: E402


def cpu_seconds() -> float:
    """This process's CPU and that of every child it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_cluster(scratch: Path, templates: Path) -> tuple[float, float]:
    """(seconds to a ready cluster, CPU seconds of the start and the stop)."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    sockets = folder / "sockets"
    sockets.mkdir(mode=0o777)
    folder.chmod(0o755)
    sockets.chmod(0o777)
    with mock.patch.object(postgres_template, "cache_root", lambda: templates):
        cpu, started = cpu_seconds(), time.perf_counter()
        with own_uid(detect()) as uid, postgres_cluster(folder, sockets, uid) as cluster:
            ready = time.perf_counter() - started
            cluster.sql("SELECT 1;")
    return ready, cpu_seconds() - cpu  # the server is waited for when the cluster stops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    if postgres_bin() is None:
        raise SystemExit("PostgreSQL's binaries are missing: `make services` installs them")
    with tempfile.TemporaryDirectory(prefix="postgres-start-") as name:
        scratch = Path(name)
        scratch.chmod(0o755)
        fresh = [
            one_cluster(scratch, Path(tempfile.mkdtemp(dir=scratch))) for _ in range(options.runs)
        ]
        kept = Path(tempfile.mkdtemp(dir=scratch))
        one_cluster(scratch, kept)  # makes the template
        copied = [one_cluster(scratch, kept) for _ in range(options.runs)]
    print(f"a stage's PostgreSQL cluster, started and stopped, medians of {options.runs} runs")
    for label, runs in (("initdb each time", fresh), ("template copied", copied)):
        ready, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"  {label:>16}: ready in {ready:.2f} s, {cpu:.2f} s of CPU")
    ratio_ready = statistics.median(r[0] for r in copied) / statistics.median(r[0] for r in fresh)
    ratio_cpu = statistics.median(r[1] for r in copied) / statistics.median(r[1] for r in fresh)
    print(f"  template / initdb: {ratio_ready:.2f}x the time to ready, {ratio_cpu:.2f}x the CPU")


if __name__ == "__main__":
    main()
