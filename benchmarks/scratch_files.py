"""What a new file costs on the disk and on a RAM disk (why `make test` puts /tmp on tmpfs).

    .venv/bin/python benchmarks/scratch_files.py [--runs 5] [--files 1000] [--disk P] [--ram P]

Writes `--files` files of 200 bytes into a new folder under each path, then deletes them,
`--runs` times: medians of the time to create them, and the ratio. The disk defaults to /tmp
as it is outside `make test` (this machine's disk), the RAM disk to /dev/shm.
A grading makes thousands of files (a workspace, an environment, a Git checkout, PostgreSQL's
clusters: 966 files each).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def create(parent: Path, files: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="scratch-files-", dir=parent))
    try:
        started = time.perf_counter()
        for index in range(files):
            (folder / f"f{index}.py").write_bytes(b"x" * 200)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--disk", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--ram", type=Path, default=Path("/dev/shm"))
    options = parser.parse_args()
    disk = statistics.median(create(options.disk, options.files) for _ in range(options.runs))
    ram = statistics.median(create(options.ram, options.files) for _ in range(options.runs))
    per = 1000 / options.files
    print(f"{options.files} new files of 200 bytes, medians of {options.runs} runs")
    print(f"  disk ({options.disk}): {disk:.3f} s ({disk * per:.3f} ms a file)")
    print(f"  RAM disk ({options.ram}): {ram:.3f} s ({ram * per:.3f} ms a file)")
    print(f"  RAM disk / disk: {ram / disk:.3f}x")


if __name__ == "__main__":
    main()
