"""Test strength: how many small bugs in the solution do the public and hidden tests catch?

    .venv/bin/python benchmarks/test_strength.py SLUG [--limit N] [--seed S] [--jobs N]
                                                      [--only ID]... [--json FILE]

Mutates `templates/SLUG/solution/app/**/*.py` one AST node at a time (flipped comparisons,
+ <-> -, and <-> or, `if ...: raise` guards emptied, HTTP status codes turned into 200,
True <-> False), grades each mutant with the real grader (public tests and hidden tests only)
and reports which stage caught it. A mutant is caught when a stage scores less than it does
for the unmutated solution, or errors. Survivors may be equivalent mutants: judge them by hand.

A mutation site on a line that carries `# pragma: no mutate` is skipped, and listed as
skipped: keep the pragma for code no black-box test can observe (logging, tuning knobs), and
say why next to it. The same seed always picks the same mutants, in the same order.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import tokenize
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from basis.interrupts import exit_code_of, stop_signals_raise  # noqa: E402
from graders.model.assignment import StageName, load_assignment  # noqa: E402
from graders.model.report import Submission  # noqa: E402
from graders.running.engine import grade_submission  # noqa: E402
from graders.running.workspace import cache_root  # noqa: E402

STAGES: tuple[StageName, ...] = ("tests", "hidden")
PRAGMA = re.compile(r"#.*\bpragma:\s*no\s+mutate\b")
SURVIVED, SKIPPED, GRADER_FAILED = "NONE", "skipped", "grader-error"
FLIPPED_OPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
STATUS_CODES = {201, 204, 400, 401, 403, 404, 409, 422, 429}
STATUS_NAME = re.compile(r"HTTP_(\d{3})_\w+")


@dataclass(frozen=True)
class Mutant:
    id: int
    file: str
    line: int
    change: str
    source: str
    skipped: bool = False


@dataclass(frozen=True)
class Outcome:
    """What grading one mutant found: the stage(s) that caught it, NONE, skipped or an error."""

    mutant: Mutant
    verdict: str
    seconds: float = 0.0

    @property
    def caught(self) -> bool:
        return self.verdict not in (SURVIVED, SKIPPED, GRADER_FAILED)


def _describe(node: ast.AST, choice: int) -> str | None:
    """What mutation `choice` of `node` would change, or None when it does not apply."""
    if isinstance(node, ast.Compare) and choice < len(node.ops):
        op = node.ops[choice]
        if type(op) in FLIPPED_OPS:
            return f"{type(op).__name__} -> {FLIPPED_OPS[type(op)].__name__}"
    if choice != 0:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        return "Add -> Sub" if isinstance(node.op, ast.Add) else "Sub -> Add"
    if isinstance(node, ast.BoolOp):
        return "And -> Or" if isinstance(node.op, ast.And) else "Or -> And"
    if isinstance(node, ast.If) and any(isinstance(s, ast.Raise) for s in node.body):
        return f"if {ast.unparse(node.test)}: raise -> pass"
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return f"{node.value} -> {not node.value}"
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return f"{node.value} -> 200" if node.value in STATUS_CODES else None
    if isinstance(node, ast.Attribute) and (match := STATUS_NAME.fullmatch(node.attr)):
        return f"{node.attr} -> HTTP_200_OK" if int(match[1]) in STATUS_CODES else None
    return None


def _apply(node: ast.AST, choice: int) -> None:
    """Mutate `node` in place as `_describe(node, choice)` says."""
    if isinstance(node, ast.Compare):
        node.ops[choice] = FLIPPED_OPS[type(node.ops[choice])]()
    elif isinstance(node, ast.BinOp):
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.If):
        node.body = [ast.Pass()]
    elif isinstance(node, ast.Constant):
        node.value = (not node.value) if isinstance(node.value, bool) else 200
    elif isinstance(node, ast.Attribute):
        node.attr = "HTTP_200_OK"


def _sites(source: str) -> Iterator[tuple[int, int, int, str]]:
    """(node index in ast.walk order, choice, line, change) for every applicable mutation."""
    for index, node in enumerate(ast.walk(ast.parse(source))):
        choices = len(node.ops) if isinstance(node, ast.Compare) else 1
        for choice in range(choices):
            if (change := _describe(node, choice)) is not None:
                yield index, choice, getattr(node, "lineno", 0), change


def pragma_lines(source: str) -> frozenset[int]:
    """The lines whose comment says `pragma: no mutate`."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return frozenset(
        tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT and PRAGMA.search(tok.string)
    )


def mutants_of(source: str, file: str, first_id: int = 1) -> list[Mutant]:
    """Every single-node mutant of `source`, in a deterministic order; pragma lines skipped."""
    excluded = pragma_lines(source)
    found = []
    for offset, (index, choice, line, change) in enumerate(_sites(source)):
        tree = ast.parse(source)
        _apply(list(ast.walk(tree))[index], choice)
        mutant_id = first_id + offset
        found.append(Mutant(mutant_id, file, line, change, ast.unparse(tree), line in excluded))
    return found


def all_mutants(solution: Path) -> list[Mutant]:
    found: list[Mutant] = []
    for path in sorted((solution / "app").rglob("*.py")):
        rel = path.relative_to(solution).as_posix()
        found += mutants_of(path.read_text(encoding="utf-8"), rel, len(found) + 1)
    return found


def only(mutants: list[Mutant], ids: list[int]) -> list[Mutant]:
    """The mutants numbered `ids` (to re-grade a survivor after a new check); all when empty."""
    if not ids:
        return mutants
    known = {m.id for m in mutants}
    if unknown := sorted(set(ids) - known):
        raise SystemExit(f"--only {unknown}: no such mutant (ids run 1 to {max(known, default=0)})")
    return [m for m in mutants if m.id in ids]


def sample(mutants: list[Mutant], limit: int | None, seed: int) -> list[Mutant]:
    if limit is None or limit >= len(mutants):
        return mutants
    return sorted(random.Random(seed).sample(mutants, limit), key=lambda m: m.id)


def verdict(baseline: dict[str, float | None], scores: dict[str, float | None]) -> str:
    def lost(stage: str) -> bool:
        score = scores[stage]
        return score is None or score < (baseline[stage] or 0.0)

    caught = [stage for stage in STAGES if lost(stage)]
    return "both" if len(caught) == 2 else (caught[0] if caught else SURVIVED)


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else f"{part}/0 (-)"


def _per_file(outcomes: list[Outcome]) -> list[str]:
    files = sorted({o.mutant.file for o in outcomes})
    width = max((len(f) for f in files), default=0)
    lines = ["per file (caught / graded, skipped):"]
    for file in files:
        mine = [o for o in outcomes if o.mutant.file == file]
        graded = [o for o in mine if o.verdict != SKIPPED]
        caught = sum(o.caught for o in graded)
        skipped = len(mine) - len(graded)
        lines.append(f"  {file:<{width}}  {_percent(caught, len(graded)):>12}  {skipped} skipped")
    return lines


def _timing(outcomes: list[Outcome], wall_seconds: float | None) -> str:
    seconds = [o.seconds for o in outcomes if o.verdict != SKIPPED]
    if not seconds:
        return "timing: nothing graded"
    text = f"timing: median {statistics.median(seconds):.1f} s per mutant, max {max(seconds):.1f} s"
    return text + (f", {wall_seconds:.0f} s wall" if wall_seconds is not None else "")


def summary(outcomes: list[Outcome], wall_seconds: float | None = None) -> list[str]:
    """The report's text: share caught (of the graded mutants), per stage, per file, lists."""
    graded = [o for o in outcomes if o.verdict != SKIPPED]
    lines = [f"caught {_percent(sum(o.caught for o in graded), len(graded))} of graded mutants"]
    for stage in STAGES:
        n = sum(o.verdict in (stage, "both") for o in graded)
        lines.append(f"  by {stage}: {_percent(n, len(graded))}")
    lines += _per_file(outcomes)
    for title, kind in (
        ("skipped (pragma: no mutate)", SKIPPED),
        ("grader errors (not counted as caught)", GRADER_FAILED),
        ("survivors", SURVIVED),
    ):
        listed = [o.mutant for o in outcomes if o.verdict == kind]
        if listed or kind == SURVIVED:
            lines.append(f"{title} ({len(listed)}):")
            lines += [f"  #{m.id} {m.file}:{m.line} {m.change}" for m in listed]
    lines.append(_timing(outcomes, wall_seconds))
    return lines


def as_json(slug: str, seed: int, outcomes: list[Outcome], baseline: dict[str, Any]) -> str:
    """Every mutant's verdict, so the figures can be quoted and checked again."""
    graded = [o for o in outcomes if o.verdict != SKIPPED]
    document = {
        "assignment": slug,
        "seed": seed,
        "baseline": baseline,
        "graded": len(graded),
        "caught": sum(o.caught for o in graded),
        "skipped": len(outcomes) - len(graded),
        "mutants": [
            {**{k: v for k, v in asdict(o.mutant).items() if k != "source"}, "verdict": o.verdict}
            | {"seconds": round(o.seconds, 1)}
            for o in outcomes
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def stage_scores(assignment_dir: Path, submission: Path) -> dict[str, float | None]:
    """Score of the tests and hidden stages; None for a stage that errored."""
    report = grade_submission(
        load_assignment(assignment_dir),
        submission,
        hidden_tests=assignment_dir / "hidden_tests",
        skip=frozenset({"lint", "types", "load"}),
        submission_info=Submission(path=str(submission)),
    )
    scores: dict[str, float | None] = {}
    for name in STAGES:
        stage = report.stage(name)
        ok = stage is not None and stage.status != "error"
        scores[name] = stage.score if ok and stage is not None else None
    return scores


def full_marks(assignment_dir: Path) -> dict[str, float]:
    """The most each of the tests and hidden stages can score."""
    stages = load_assignment(assignment_dir).spec.stages
    specs = {name: getattr(stages, name) for name in STAGES}
    return {name: float(spec.points) if spec else 0.0 for name, spec in specs.items()}


def grade_mutant(
    assignment_dir: Path, mutant: Mutant, work: Path, baseline: dict[str, float | None]
) -> Outcome:
    """Grade one mutant in its own copy of the solution (runs in a worker process)."""
    if mutant.skipped:
        return Outcome(mutant, SKIPPED)
    tempfile.tempdir = str(work)
    started = time.monotonic()
    folder = work / f"mutant-{mutant.id}"
    shutil.copytree(assignment_dir / "solution", folder)
    (folder / mutant.file).write_text(mutant.source + "\n", encoding="utf-8")
    folder.chmod(0o755)
    try:
        found = verdict(baseline, stage_scores(assignment_dir, folder))
    except Exception as exc:  # a grader crash is reported, never counted as caught
        print(f"#{mutant.id}: the grader failed: {exc!r}", file=sys.stderr)
        found = GRADER_FAILED
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Outcome(mutant, found, time.monotonic() - started)


def _row(outcome: Outcome) -> str:
    m = outcome.mutant
    where = f"{m.file}:{m.line}"
    return f"{m.id:>4}  {where:<32} {outcome.verdict:<12} {outcome.seconds:>5.1f}  {m.change}"


def _grade_all(
    assignment_dir: Path, mutants: list[Mutant], work: Path, baseline: dict[str, Any], jobs: int
) -> list[Outcome]:
    """Grade `mutants`, `jobs` at a time; rows print in id order as they finish."""
    print(f"{'id':>4}  {'where':<32} {'caught by':<12} {'sec':>5}  change")
    context = multiprocessing.get_context("spawn")  # no grader threads copied into workers
    pool = context.Pool(jobs, initializer=_worker_stops_on_signals)
    try:
        tasks = [(assignment_dir, mutant, work, baseline) for mutant in mutants]
        outcomes = []
        for outcome in pool.imap(_grade_one, tasks):
            outcomes.append(outcome)
            print(_row(outcome), flush=True)
        pool.close()
    except BaseException:
        # Interrupted: SIGTERM to each worker unwinds its grading (services stopped, folders
        # removed); terminate() waits for them to exit.
        pool.terminate()
        raise
    finally:
        pool.join()
    return outcomes


def _grade_one(task: tuple[Path, Mutant, Path, dict[str, Any]]) -> Outcome:
    return grade_mutant(*task)


def _worker_stops_on_signals() -> None:
    """In a worker: SIGTERM and SIGHUP unwind a grading as Ctrl-C does, for the rest of its life."""
    stop_signals_raise().__enter__()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("slug")
    parser.add_argument("--limit", type=int, default=None, help="grade a seeded sample of N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="mutants graded at once (1-2)")
    parser.add_argument("--json", type=Path, default=None, help="write every verdict here")
    parser.add_argument(
        "--only", type=int, action="append", default=[], metavar="ID", help="grade mutant ID"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Grade the mutants; SIGINT, SIGTERM or SIGHUP stop every grading before it exits."""
    try:
        with stop_signals_raise():
            return _main(argv)
    except KeyboardInterrupt as exc:
        print("interrupted: every grading stopped", file=sys.stderr)
        return exit_code_of(exc)


def remove_work(work: Path, patience: float = 30.0) -> None:
    """Remove the benchmark's folder. After a stop, a service of a grading that unwound may
    still be writing its last files there while it is stopped (PostgreSQL at shutdown), and
    one pass of rmtree then meets a folder that is no longer empty: pass again until it is
    gone or `patience` runs out, and say so if it is not."""
    deadline = time.monotonic() + patience
    shutil.rmtree(work, ignore_errors=True)
    while work.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
        shutil.rmtree(work, ignore_errors=True)
    if work.exists():
        print(f"{work} is left behind: something still writes there", file=sys.stderr)


def _main(argv: list[str] | None) -> int:
    args = _parse(argv)
    assignment_dir = ROOT / "templates" / args.slug
    mutants = all_mutants(assignment_dir / "solution")
    skipped = [m for m in mutants if m.skipped]
    graded = only([m for m in mutants if not m.skipped], args.only)
    chosen = sample(graded, args.limit, args.seed)
    # Keep the environment cache outside the throwaway tempdir, so installs are reused.
    os.environ.setdefault("CLASSROOM_CACHE_DIR", str(cache_root()))
    work = Path(tempfile.mkdtemp(prefix="classroom-strength-"))
    work.chmod(0o755)
    tempfile.tempdir = str(work)
    try:
        baseline = stage_scores(assignment_dir, assignment_dir / "solution")
        print(f"baseline: {baseline} of {full_marks(assignment_dir)}")
        print(f"{len(chosen)} mutants to grade, {len(skipped)} skipped, {args.jobs} at a time")
        if baseline != full_marks(assignment_dir):
            print("the solution must score full marks on tests and hidden", file=sys.stderr)
            return 1
        started = time.monotonic()
        graded = _grade_all(assignment_dir, chosen, work, baseline, args.jobs)
        wall = time.monotonic() - started
    finally:
        remove_work(work)
    outcomes = sorted(graded + [Outcome(m, SKIPPED) for m in skipped], key=lambda o: o.mutant.id)
    print("\n".join(summary(outcomes, wall)))
    if args.json is not None:
        args.json.write_text(as_json(args.slug, args.seed, outcomes, baseline), encoding="utf-8")
        print(f"verdicts written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
