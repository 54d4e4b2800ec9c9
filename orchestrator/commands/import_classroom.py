"""`classroom import PATH --out DIR`: a GitHub Classroom template repository's folder, as an
assignment folder of this project (assignment.toml, starter/, hidden_tests/, IMPORT.md).

Read the folder (`read_template`), convert purely (orchestrator.ghclassroom.convert), plan
the output files (`planned_files`, pure), then write them. The written assignment is loaded
back with the grader's own model before the command says it is done.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name

from basis.errors import UserError
from graders.model.assignment import load_assignment
from graders.model.requirements import DependencyRefused, read_pins
from orchestrator.ghclassroom.convert import Conversion, TemplateFacts, convert
from orchestrator.ghclassroom.formats import AUTOGRADING_JSON, parse_autograding, parse_workflow
from orchestrator.ghclassroom.render import (
    assignment_toml,
    hidden_readme,
    report,
    stubs_file,
    workflow,
)
from orchestrator.treesync import Content, folder_files, write_files

WORKFLOWS = ".github/workflows"
STARTER_WORKFLOW = f"{WORKFLOWS}/classroom.yml"
REPORT = "IMPORT.md"


def import_classroom(path: Path, out: Path, *, slug: str | None = None) -> int:
    """Write the assignment folder `out` from the template folder `path`."""
    facts = read_template(path)
    conversion = convert(facts, slug)
    if out.exists() and any(out.iterdir()):
        raise UserError(f"--out {out}: not empty; pass a new folder (nothing was written)")
    write_files(out, planned_files(conversion, folder_files(path), facts.folder_name, out))
    load_assignment(out)  # what was written is a valid assignment, or this is a bug
    print(summary(conversion, out))
    return 0


def read_template(path: Path) -> TemplateFacts:
    """What the conversion needs from the template's folder."""
    if not path.is_dir():
        raise UserError(f"{path}: no such folder; pass a GitHub Classroom template's folder")
    files = frozenset(folder_files(path))
    autograding = path / AUTOGRADING_JSON
    workflows = sorted((path / WORKFLOWS).glob("*.y*ml")) if (path / WORKFLOWS).is_dir() else []
    return TemplateFacts(
        folder_name=path.resolve().name,
        files=files,
        readme=_read(path / "README.md"),
        requirements=requirement_names(_read(path / "requirements.txt")),
        autograding=tuple(parse_autograding(_read(autograding), str(autograding)))
        if autograding.is_file()
        else None,
        workflows=tuple(
            parse_workflow(_read(w), w.relative_to(path).as_posix()) for w in workflows
        ),
        dependencies_refused=_refused(path),
    )


def _refused(path: Path) -> str | None:
    """What the grader's install stage would say of the template's dependencies."""
    try:
        read_pins(path)
    except DependencyRefused as exc:
        return str(exc)
    return None


def requirement_names(text: str) -> frozenset[str]:
    """The package names a requirements.txt lists (options and comments skipped)."""
    names = set()
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if line and not line.startswith(("#", "-")):
            names.add(canonicalize_name(re.split(r"[<>=!~\[; @]", line, maxsplit=1)[0]))
    return frozenset(names)


def planned_files(
    conversion: Conversion, template: dict[str, Content], folder: str, out: Path
) -> dict[str, Content]:
    """Every file of the assignment folder, by its path in it."""
    starter = {
        f"starter/{name}": content
        for name, content in template.items()
        if name not in conversion.removed
    }
    starter[f"starter/{STARTER_WORKFLOW}"] = workflow(conversion.slug).encode()
    files: dict[str, Content] = {
        "assignment.toml": assignment_toml(conversion, folder).encode(),
        REPORT: report(conversion, folder, out.as_posix()).encode(),
        "hidden_tests/README.md": hidden_readme(conversion).encode(),
        **starter,
    }
    if conversion.stubs:
        files["hidden_tests/test_imported.py"] = stubs_file(conversion).encode()
    return files


def summary(conversion: Conversion, out: Path) -> str:
    """What the command prints: where it wrote, the points, what is left to do."""
    kinds = {"tests": 0, "io": 0, "commands": 0, "stub": 0}
    for entry in conversion.entries:
        kinds[entry.became] += 1
    lines = [
        f"imported {conversion.source} as {conversion.slug!r} into {out}",
        f"  {len(conversion.entries)} GitHub Classroom test(s): {kinds['tests']} public-test "
        f"group(s), {kinds['io']} output check(s), {kinds['commands']} command check(s), "
        f"{kinds['stub']} stub(s) to finish",
        f"  points: {conversion.total:g} graded here of GitHub Classroom's "
        f"{conversion.github_total:g}",
        f"  read {out / REPORT}: what each test became"
        + (" and what the stubs need" if conversion.stubs else ""),
        *(
            [f"  to do first: {conversion.dependencies_refused}"]
            if conversion.dependencies_refused
            else []
        ),
        f"next: classroom grade SOLUTION_DIR --assignment {out}",
    ]
    return "\n".join(lines)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8") from exc
