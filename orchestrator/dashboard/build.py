"""Build the site: compute the figures, render the pages and write them, on several cores."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from basis.errors import UserError
from basis.interrupts import STOP_SIGNALS
from orchestrator.dashboard.classinfo import ClassInfo
from orchestrator.dashboard.risk import AtRisk, RiskPolicy, find_at_risk
from orchestrator.dashboard.similar import Found
from orchestrator.dashboard.site import render_pages
from orchestrator.dashboard.stats import ClassSummary, summarise
from orchestrator.grades_store import GradesStore, collector_paused

DASHBOARD_FOLDER_MARKER = ".classroom-dashboard"
MAX_JOBS = 4
LEARNERS_PER_JOB = 250  # below this, starting another process costs more than it saves
JOB_TIMEOUT_SECONDS = 600
PARTS_PER_JOB = 4


@dataclass(frozen=True)
class BuiltSite:
    """What a build wrote."""

    out: Path
    pages: int
    bytes: int
    at_risk: int
    render_cpu_seconds: tuple[float, ...] = ()  # per render process, busiest first

    @property
    def index(self) -> Path:
        return self.out / "index.html"


@dataclass(frozen=True)
class _Build:
    summary: ClassSummary
    at_risk: tuple[AtRisk, ...]
    as_of: datetime
    pushes: int
    policy: RiskPolicy
    out: Path
    similar: Mapping[str, Found]


# The build a forked worker renders its share of: inherited through fork, never pickled.
_CURRENT: _Build | None = None


def build_site(
    info: ClassInfo,
    store: GradesStore,
    out: Path,
    *,
    as_of: datetime,
    policy: RiskPolicy | None = None,
    jobs: int | None = None,
    similar: Mapping[str, Found] | None = None,
) -> BuiltSite:
    """Compute the figures, render every page and write the site to `out`.

    `similar`: `classroom similarity`'s findings by assignment, for the instructor's own
    site only (see `dashboard.similar`); None leaves them out."""
    with collector_paused():
        summary = summarise(info, store)
        at_risk = find_at_risk(summary, as_of, policy)
        build = _Build(summary, at_risk, as_of, len(store), policy or RiskPolicy(), out,
                       similar or {})  # fmt: skip
        stale = previous_files(out)
        parts = _write_parts(build, jobs or default_jobs(len(summary.learners)))
    written = {out / relative for part in parts for relative in part.paths}
    for path in stale - written:
        path.unlink()
    _mark(out)
    return BuiltSite(out=out, pages=len(written), bytes=sum(p.size for p in parts),
                     at_risk=len(at_risk), render_cpu_seconds=_cpu_by_process(parts))  # fmt: skip


def default_jobs(learners: int) -> int:
    """One process per LEARNERS_PER_JOB learners, up to the cores there are (and MAX_JOBS)."""
    return max(1, min(MAX_JOBS, os.cpu_count() or 1, learners // LEARNERS_PER_JOB))


@dataclass(frozen=True)
class _Part:
    """What one render task wrote, and the CPU time it took in which process."""

    paths: list[str]
    size: int
    pid: int
    cpu_seconds: float


def _write_parts(build: _Build, jobs: int) -> list[_Part]:
    global _CURRENT
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_write_part_of(build, 0, 1)]
    _CURRENT = build
    try:
        parts = jobs * PARTS_PER_JOB  # small parts, handed out as workers free up
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_stoppable) as pool:
            tasks = [(i, parts) for i in range(parts)]
            pending = pool.starmap_async(_write_part, tasks, chunksize=1)
            results: list[_Part] = pending.get(timeout=JOB_TIMEOUT_SECONDS)
            pool.close()  # the workers end on their own; leaving the block would SIGTERM them
            pool.join()
    finally:
        _CURRENT = None
    return results


def _stoppable() -> None:
    """A worker dies of the signals that stop a command, whatever the parent's handlers were
    when it forked: one inherited from a command's `stop_signals_raise` (basis.interrupts)
    ignores every SIGTERM after the first, and Pool.terminate (an error, a timeout) would then
    wait for ever for a worker blocked on the pool's queue."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


def _write_part(part: int, parts: int) -> _Part:
    assert _CURRENT is not None, "a worker runs only inside _write_parts"
    return _write_part_of(_CURRENT, part, parts)


def _write_part_of(build: _Build, part: int, parts: int) -> _Part:
    started = time.process_time()
    paths, size = write_pages(_pages(build, part, parts), build.out)
    return _Part(paths, size, os.getpid(), time.process_time() - started)


def _cpu_by_process(parts: list[_Part]) -> tuple[float, ...]:
    totals: dict[int, float] = {}
    for part in parts:
        totals[part.pid] = totals.get(part.pid, 0.0) + part.cpu_seconds
    return tuple(sorted(totals.values(), reverse=True))


def _pages(build: _Build, part: int, parts: int) -> Iterable[tuple[str, str]]:
    return render_pages(build.summary, build.at_risk, as_of=build.as_of, pushes=build.pushes,
                        policy=build.policy, part=part, parts=parts,
                        similar=build.similar)  # fmt: skip


def write_pages(pages: Iterable[tuple[str, str]], out: Path) -> tuple[list[str], int]:
    """Write each (relative path, text); returns the paths written and their total bytes."""
    written, size = [], 0
    for relative, text in pages:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written.append(relative)
        size += len(data)
    return written, size


def previous_files(out: Path) -> set[Path]:
    """The files of the previous build; never a folder that this command did not write."""
    if not out.exists():
        return set()
    if not out.is_dir() or (any(out.iterdir()) and not (out / DASHBOARD_FOLDER_MARKER).exists()):
        raise UserError(
            f"{out}: exists and was not built by `classroom dashboard`; "
            "pass an empty or new folder with --out"
        )
    return {path for path in out.rglob("*") if path.is_file()} - {
        out / DASHBOARD_FOLDER_MARKER,
        out / ".nojekyll",
    }


def _mark(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / DASHBOARD_FOLDER_MARKER).write_text(
        "built by `classroom dashboard`; rebuilt each time\n", encoding="utf-8"
    )
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve files as they are
