"""`classroom similarity SLUG`: which learners' submissions are too alike, with the starter
left out, against each other and against earlier terms' submissions (`--against DIR`).

Each learner's submission is the commit of the grade that counts (`standing.standings`: the
official grade the late policy counts, else their latest practice grade), fetched as the
official fetch job does (`official.fetch.export_commit`: a shallow fetch of exactly that
commit and `git archive`; no checkout, no hook, no learner configuration) and read from the
tar in memory. The tars stay in OUT/submissions, so a re-run fetches only what changed and a
later term can pass that folder to `--against`. Writes OUT/report.html (the matches side by
side), OUT/pairs.json (what the dashboard lists) and prints the flagged pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from basis.errors import UserError
from orchestrator.course import Course, CourseDir
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grades_store import GradedSubmission, GradesStore, load_store
from orchestrator.late_ledger import terms_of
from orchestrator.official.fetch import FetchFailed, export_commit
from orchestrator.plan import Seat, seats
from orchestrator.roster import load_roster
from orchestrator.similarity.compare import Comparison, compare_all
from orchestrator.similarity.model import (
    DEFAULT_THRESHOLD,
    FINDINGS_FILE,
    MIN_SHARED_TOKENS,
    REPORT_FILE,
    SimilarityRun,
    Skipped,
)
from orchestrator.similarity.report import STYLESHEET, matches, render_report, stylesheet
from orchestrator.similarity.sources import Submission, archives, commit_of, from_folder, from_tar
from orchestrator.standing import Standing, standings

FETCH_WORKERS = 4  # git fetches wait on the network, not on the cores
OUT_DIR = "similarity"
TARS_DIR = "submissions"


@dataclass(frozen=True)
class Chosen:
    """A seat's submission: the commit of the grade that counts."""

    seat: Seat
    grade: GradedSubmission


def similarity(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    against: Sequence[Path] = (),
    out: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    min_shared: int = MIN_SHARED_TOKENS,
    console: Console | None = None,
) -> int:
    """Compare every learner's graded submission of `slug`; write the report under `out`."""
    say = console or Console(highlight=False)
    check_threshold(threshold)
    starter = _starter(course, slug)
    earlier = [sub for folder in against for sub in archives(folder)]
    out = out or course.root / OUT_DIR / slug
    learners = load_roster(course.roster_path).require_valid().learners
    every = seats(course.course, slug, learners)
    chosen, skipped = choose(course.course, slug, every, load_store(course.root, slug))
    fetched, failed = fetch_all(gh, course, chosen, out / TARS_DIR)
    comparison = compare_all(fetched, earlier, starter, threshold=threshold, min_shared=min_shared)
    run = findings(slug, comparison, fetched, earlier, [*skipped, *failed], threshold, min_shared)
    notes = [(s.label, note) for s in [*fetched, *earlier] for note in s.notes]
    report = write_outputs(out, run, render_report(run, matches(comparison), notes))
    say.print(format_summary(run, report))
    return 0


def check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 100:
        raise UserError(
            f"--threshold {threshold:g}: give a percent above 0 and at most 100 "
            f"(default {DEFAULT_THRESHOLD:g})"
        )


def _starter(course: CourseDir, slug: str) -> Submission:
    folder = course.starter(slug)
    if not folder.is_dir():
        raise UserError(
            f"{folder}: no starter for {slug}; the starter is the code every learner was "
            "given and is left out of the comparison: set the assignment's `template` in "
            "course.toml to its folder"
        )
    return from_folder(folder, "starter", "archive")


def choose(
    config: Course, slug: str, every: Sequence[Seat], store: GradesStore
) -> tuple[list[Chosen], list[Skipped]]:
    """Each seat's graded commit (its members' grade that counts, as the late ledger picks
    it when the assignment has a deadline; the latest of the members), or why none."""
    chosen, skipped = [], []
    for seat in every:
        grades = [_counting(config, store, slug, m).grade for m in seat.members]
        graded = [g for g in grades if g is not None]
        if graded:
            chosen.append(Chosen(seat, max(graded, key=lambda g: g.graded_at)))
        else:
            why = "no grade in the store yet (`classroom collect` or an official run records it)"
            skipped.append(Skipped(label=seat.name, why=why))
    return chosen, skipped


def _counting(config: Course, store: GradesStore, slug: str, login: str) -> Standing:
    terms = terms_of(config, login)
    return standings(store, login, [slug], terms, config.late_days)[slug]


def fetch_all(
    gh: GitHub, course: CourseDir, chosen: Sequence[Chosen], folder: Path
) -> tuple[list[Submission], list[Skipped]]:
    """Each chosen commit as a tar in `folder` (kept from a previous run when it is the same
    commit), read; the seats whose commit could not be fetched, with git's reason."""
    if not chosen:
        return [], []
    repos = gh.org_repos(course.course.org)
    auth = gh.git_auth_env()
    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        results = list(pool.map(lambda c: _fetch_one(c, repos, auth, folder), chosen))
    fetched = [r for r in results if isinstance(r, Submission)]
    return fetched, [r for r in results if isinstance(r, Skipped)]


def _fetch_one(
    chosen: Chosen, repos: dict[str, RepoInfo], auth: dict[str, str], folder: Path
) -> Submission | Skipped:
    seat, commit = chosen.seat, chosen.grade.commit
    repo = repos.get(seat.repo.split("/", 1)[1].lower())
    if repo is None:
        return Skipped(label=seat.name, why=f"no repository {seat.repo}")
    tar = folder / f"{seat.name}.tar"
    if commit_of(tar) != commit:
        try:
            export_commit(repo.clone_url, commit, tar, auth)
        except FetchFailed as exc:
            tar.unlink(missing_ok=True)
            return Skipped(label=seat.name, why=str(exc))
    return from_tar(tar, seat.name, "learner", commit)


def findings(
    slug: str,
    comparison: Comparison,
    learners: Sequence[Submission],
    earlier: Sequence[Submission],
    skipped: Sequence[Skipped],
    threshold: float,
    min_shared: int,
) -> SimilarityRun:
    """The run's findings, as pairs.json holds them."""
    return SimilarityRun(
        assignment=slug,
        generated_at=datetime.now(UTC),
        threshold=threshold,
        min_shared_tokens=min_shared,
        learners=len(learners),
        archives=len(earlier),
        pairs_compared=comparison.pairs_compared,
        median=round(comparison.median, 1),
        p95=round(comparison.p95, 1),
        pairs=tuple(s.pair for s in comparison.scored),
        skipped=tuple(sorted(skipped, key=lambda s: s.label)),
    )


def write_outputs(out: Path, run: SimilarityRun, report: str) -> Path:
    """pairs.json, report.html and its stylesheet under `out`; the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / FINDINGS_FILE).write_text(run.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (out / STYLESHEET).write_text(stylesheet(), encoding="utf-8")
    path = out / REPORT_FILE
    path.write_text(report, encoding="utf-8")
    return path


def format_summary(run: SimilarityRun, report: Path) -> str:
    """What the run found, in a few lines for the terminal."""
    flagged = run.flagged
    lines = [
        f"{run.assignment}: {run.learners} learners compared"
        + (f" ({len(run.skipped)} not compared)" if run.skipped else "")
        + (f" and {run.archives} earlier submissions" if run.archives else "")
        + f"; {run.pairs_compared} pairs; median {run.median:g}%, 95th percentile {run.p95:g}%;"
        f" {len(flagged)} flagged at {run.threshold:g}% or more" + (":" if flagged else ".")
    ]
    lines += [
        f"  {p.left.label} ~ {p.right.label}: {p.similarity:g}% similar "
        f"({p.left.share:g}% and {p.right.share:g}% of their own code)"
        for p in flagged
    ]
    lines += [f"  not compared: {s.label}: {s.why}" for s in run.skipped]
    lines.append(f"report: {report.resolve()}")
    return "\n".join(lines)
