"""Test strength: how many small bugs in the solution do the public and hidden tests catch?

    .venv/bin/python benchmarks/test_strength.py SLUG [--limit N] [--seed S]

Mutates `templates/SLUG/solution/app/**/*.py` one AST node at a time (flipped comparisons,
+ <-> -, and <-> or, `if ...: raise` guards emptied, HTTP status codes turned into 200,
True <-> False), grades each mutant with the real grader (public tests and hidden tests only)
and reports which stage caught it. A mutant is caught when a stage scores less than it does
for the unmutated solution, or errors. Survivors may be equivalent mutants: judge them by hand.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graders.assignment import StageName, load_assignment  # noqa: E402
from graders.engine import grade_submission  # noqa: E402
from graders.report import Submission  # noqa: E402
from graders.workspace import cache_root  # noqa: E402

STAGES: tuple[StageName, ...] = ("tests", "hidden")
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


def mutants_of(source: str, file: str, first_id: int = 1) -> list[Mutant]:
    """Every single-node mutant of `source`, in a deterministic order."""
    found = []
    for offset, (index, choice, line, change) in enumerate(_sites(source)):
        tree = ast.parse(source)
        _apply(list(ast.walk(tree))[index], choice)
        found.append(Mutant(first_id + offset, file, line, change, ast.unparse(tree)))
    return found


def all_mutants(solution: Path) -> list[Mutant]:
    found: list[Mutant] = []
    for path in sorted((solution / "app").rglob("*.py")):
        rel = path.relative_to(solution).as_posix()
        found += mutants_of(path.read_text(encoding="utf-8"), rel, len(found) + 1)
    return found


def sample(mutants: list[Mutant], limit: int | None, seed: int) -> list[Mutant]:
    if limit is None or limit >= len(mutants):
        return mutants
    return sorted(random.Random(seed).sample(mutants, limit), key=lambda m: m.id)


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


def verdict(baseline: dict[str, float | None], scores: dict[str, float | None]) -> str:
    def lost(stage: str) -> bool:
        score = scores[stage]
        return score is None or score < (baseline[stage] or 0.0)

    caught = [stage for stage in STAGES if lost(stage)]
    return "both" if len(caught) == 2 else (caught[0] if caught else "NONE")


def grade_mutant(
    assignment_dir: Path, mutant: Mutant, work: Path, baseline: dict[str, float | None]
) -> str:
    folder = work / f"mutant-{mutant.id}"
    shutil.copytree(assignment_dir / "solution", folder)
    (folder / mutant.file).write_text(mutant.source + "\n", encoding="utf-8")
    folder.chmod(0o755)
    try:
        return verdict(baseline, stage_scores(assignment_dir, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def summary(rows: list[tuple[Mutant, str]]) -> list[str]:
    total = len(rows) or 1
    caught = sum(v != "NONE" for _, v in rows)
    lines = [f"caught {caught}/{len(rows)} ({100 * caught / total:.0f}%)"]
    for stage in STAGES:
        n = sum(v in (stage, "both") for _, v in rows)
        lines.append(f"  by {stage}: {n}/{len(rows)} ({100 * n / total:.0f}%)")
    survivors = [m for m, v in rows if v == "NONE"]
    lines.append(f"survivors ({len(survivors)}):")
    lines += [f"  #{m.id} {m.file}:{m.line} {m.change}" for m in survivors]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("slug")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    assignment_dir = ROOT / "templates" / args.slug
    mutants = sample(all_mutants(assignment_dir / "solution"), args.limit, args.seed)
    # Keep the environment cache outside the throwaway tempdir, so installs are reused.
    os.environ.setdefault("CLASSROOM_CACHE_DIR", str(cache_root()))
    work = Path(tempfile.mkdtemp(prefix="classroom-strength-"))
    work.chmod(0o755)
    tempfile.tempdir = str(work)
    try:
        baseline = stage_scores(assignment_dir, assignment_dir / "solution")
        print(f"baseline: {baseline} of {full_marks(assignment_dir)}; {len(mutants)} mutants")
        if baseline != full_marks(assignment_dir):
            print("the solution must score full marks on tests and hidden", file=sys.stderr)
            return 1
        rows = []
        print(f"{'id':>4}  {'where':<32} {'caught by':<9} change")
        for mutant in mutants:
            rows.append((mutant, grade_mutant(assignment_dir, mutant, work, baseline)))
            where = f"{mutant.file}:{mutant.line}"
            print(f"{mutant.id:>4}  {where:<32} {rows[-1][1]:<9} {mutant.change}", flush=True)
        print("\n".join(summary(rows)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
