"""The grade job: `classroom grade --official` for each entry of one chunk, one at a time.

It runs as root (the workflow uses sudo on a GitHub-hosted runner) so that the grader can give
each grading a uid of its own, a private filesystem and a network namespace; where that is
impossible it refuses before grading anyone, naming what is missing. Entries are graded one
after another: the load stage must have the machine to itself to be fair. The grader's own
output goes to a file beside each report, never to the job's log, so nothing the learner's
code printed can reach the runner as a workflow command. `verify` then reads every report:
each must say its grade ran fully contained, without network, or the job fails.

Imports nothing of PyGithub: the grade job installs the grader alone.
"""

from __future__ import annotations

import os
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from basis.errors import UserError
from basis.procs import Limits, run_cmd
from graders.model.report import GradeReport
from graders.running.containment import detect
from orchestrator.official.model import (
    CHUNK_FILE,
    HIDDEN_DIR,
    HIDDEN_TESTS,
    OUTCOME_FILE,
    RESULTS_FILE,
    Entry,
    Fetched,
    FetchedChunk,
    GradeOutcome,
    read_model,
    write_model,
)

GRADING = Limits(timeout_seconds=3600, output_bytes=256 * 1024)
GRADER_OUTPUT = "grader-output.txt"


def grade_chunk(grader: Path, fetched: Path, chunk_dir: Path, out: Path) -> int:
    """Grade every fetched entry of the chunk in `chunk_dir`; reports under `out`."""
    missing = detect().missing()
    if missing:
        raise UserError(
            "the official grade needs full containment of learner code and this machine "
            "cannot give it: " + "; ".join(missing)
        )
    grader, fetched, chunk_dir, out = (p.resolve() for p in (grader, fetched, chunk_dir, out))
    chunk = read_model(FetchedChunk, chunk_dir / CHUNK_FILE)
    write_model(chunk, out / CHUNK_FILE)  # hands on why an entry was not fetched
    with tempfile.TemporaryDirectory(prefix="classroom-official-") as tmp:
        scratch = Path(tmp)
        for item in chunk.fetched:
            print(_grade_one(item, grader, fetched, chunk_dir, scratch, out, chunk), flush=True)
    return 0


def _grade_one(
    item: Fetched,
    grader: Path,
    fetched: Path,
    chunk_dir: Path,
    scratch: Path,
    out: Path,
    chunk: FetchedChunk,
) -> str:
    entry = item.entry
    if item.cause:
        return f"{entry.key}: not fetched: {item.cause}"
    material = unpack(fetched / HIDDEN_DIR / f"{entry.assignment}.tar", scratch / "hidden")
    hidden = material / HIDDEN_TESTS  # solution/ and bugs/ beside it, where the course has them
    submission = unpack(chunk_dir / item.archive, scratch / "submissions" / entry.assignment)
    target = out / entry.key
    target.mkdir(parents=True, exist_ok=True)
    result = run_cmd(
        _grade_argv(entry, grader, hidden, submission, target, chunk.grader_commit),
        cwd=scratch,
        env=dict(os.environ),
        limits=GRADING,
    )
    (target / GRADER_OUTPUT).write_text(result.output, encoding="utf-8")
    code = None if result.timed_out else result.returncode
    outcome = GradeOutcome(exit_code=code, seconds=result.duration_seconds)
    write_model(outcome, target / OUTCOME_FILE)
    return f"{entry.key} at {entry.commit[:12]}: {_score(target)} ({result.duration_seconds:.0f} s)"


def _grade_argv(
    entry: Entry, grader: Path, hidden: Path, submission: Path, out: Path, grader_commit: str
) -> list[str]:
    return [
        *(sys.executable, "-m", "classroom.cli", "grade", str(submission)),
        *("--assignment", str(grader / "templates" / entry.assignment)),
        *("--hidden-tests", str(hidden)),
        *("--out", str(out), "--commit", entry.commit),
        *("--official", "--grader-commit", grader_commit, "--format", "text"),
    ]


def unpack(tar: Path, parent: Path) -> Path:
    """Extract `tar` into a new folder under `parent` named after the tar; that folder.

    The `tar` filter refuses members outside the folder (absolute names, `..`, links out);
    a learner's own symbolic links inside their tree are kept, as a checkout keeps them."""
    dest = parent / tar.stem
    if dest.is_dir():
        return dest
    dest.mkdir(parents=True)
    with tarfile.open(tar) as archive:
        archive.extractall(dest, filter="tar")
    return dest


def _score(folder: Path) -> str:
    report = _read_report(folder / RESULTS_FILE)
    return f"{report.score:g} / {report.max_score:g}" if report else "no report"


def _read_report(path: Path) -> GradeReport | None:
    try:
        return GradeReport.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None


def reports_under(results: Path) -> Iterator[Path]:
    """Every results.json under `results`, sorted."""
    yield from sorted(results.rglob(RESULTS_FILE))


def containment_problems(results: Path) -> list[str]:
    """Every report under `results` that is not an official grade made fully contained
    without network, and every fetched entry that left no report; empty when all is well."""
    problems = []
    for path in reports_under(results):
        report = _read_report(path)
        where = path.parent.relative_to(results)
        if report is None:
            problems.append(f"{where}: {RESULTS_FILE} is not a grade report")
            continue
        held = report.containment
        if report.tier != "official" or held is None or held.level != "full":
            level = held.level if held else "not recorded"
            problems.append(f"{where}: containment {level}, not full ({', '.join(_gaps(report))})")
        elif held.network != "none":
            problems.append(f"{where}: learner code had the network")
    for chunk_file in sorted(results.rglob(CHUNK_FILE)):
        chunk = read_model(FetchedChunk, chunk_file)
        for item in chunk.fetched:
            folder = chunk_file.parent / item.entry.key
            if not item.cause and not (folder / RESULTS_FILE).is_file():
                problems.append(f"{item.entry.key}: the grader left no report")
    return problems


def _gaps(report: GradeReport) -> list[str]:
    return report.containment.missing if report.containment else ["no containment recorded"]


def verify(results: Path) -> int:
    """0 when every grade under `results` ran fully contained; 1 (and each problem) if not."""
    problems = containment_problems(results)
    for problem in problems:
        print(f"::error title=Not an official grade::{problem}")
    if not problems:
        count = len(list(reports_under(results)))
        print(f"{count} report(s): every grade ran fully contained, without network")
    return 1 if problems else 0
