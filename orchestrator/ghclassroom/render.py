"""An import's files as text: assignment.toml, IMPORT.md, the stubs, the starter's workflow
(pure; orchestrator/templates/import/*.j2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from orchestrator.ghclassroom.classify import Blocker
from orchestrator.ghclassroom.convert import Conversion, Entry
from orchestrator.rendering import render

BECAME = {"tests": "public tests", "io": "output check", "commands": "command check"}
WHY: dict[Blocker, str] = {
    "service": "It talks to a service (a server on localhost, or the internet), and nothing in a "
    "grade starts one: a grade has no network but the learner's own service's loopback.",
    "privileged": "It needs root or a system package manager, which a contained grade never has.",
    "background": "It leaves a process running in the background, and a grade stops everything "
    "a command started when that command ends.",
    "invalid": "It cannot be checked as written: {detail}.",
}
TODO: dict[Blocker, str] = {
    "service": "Add an `[app]` table to assignment.toml with the command that starts the "
    'learner\'s service (`start = "python app.py --port {{port}}"`, `health_path`), write the '
    "stub as a hidden check that sends the request to `CLASSROOM_BASE_URL`, and add "
    "`[stages.hidden]` with `points = {points}`.",
    "privileged": "Install what it needs on the grading machine (or drop the need), then add it "
    "to assignment.toml as a `[[stages.commands]]` check worth {points} points.",
    "background": "Start the service with an `[app]` table instead (the grader starts it, waits "
    "for its health check and stops it), then write the check as a hidden check worth "
    "{points} points.",
    "invalid": "Fix the check and add it to assignment.toml as a `[[stages.io]]` check worth "
    "{points} points.",
}


def toml(value: object) -> str:
    """`value` as a TOML value (strings as basic strings, which JSON's escapes are)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if float(value).is_integer() else repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def pts(value: float) -> str:
    return f"{value:g}"


def assignment_toml(conversion: Conversion, folder: str) -> str:
    """assignment.toml for the import."""
    io_entries = [e for e in conversion.entries if e.became == "io"]
    command_entries = [e for e in conversion.entries if e.became == "commands"]
    return render(
        "import/assignment.toml.j2",
        toml=toml,
        source=conversion.source,
        folder=folder,
        slug=conversion.slug,
        title=conversion.title,
        python=conversion.python,
        protected=conversion.protected,
        tests=conversion.tests,
        io=list(zip(conversion.io, [e.test.origin for e in io_entries], strict=True)),
        commands=list(
            zip(conversion.commands, [e.test.origin for e in command_entries], strict=True)
        ),
    )


def workflow(slug: str) -> str:
    """The starter's `.github/workflows/classroom.yml`, calling the grading workflow."""
    return render("import/classroom.yml.j2", slug=slug)


@dataclass(frozen=True)
class Stub:
    """A test left to finish, as the report and the stubs file show it."""

    name: str
    points: str
    run: str
    setup: str
    why: str
    todo: str
    function: str
    hint: str
    command: str  # a Python string literal


def stubs(conversion: Conversion) -> list[Stub]:
    """Every stub, with why and what to do, decided by its typed blocker."""
    found: list[Stub] = []
    names: set[str] = set()
    for entry in conversion.stubs:
        assert entry.blocker is not None
        function = _function(entry.test.name, names)
        names.add(function)
        found.append(
            Stub(
                name=entry.test.name,
                points=pts(entry.test.points),
                run=entry.test.run,
                setup=entry.test.setup,
                why=WHY[entry.blocker].format(detail=entry.detail),
                todo=TODO[entry.blocker].format(points=pts(entry.test.points)),
                function=function,
                hint=_hint(entry.test.name),
                command=repr(entry.test.run),
            )
        )
    return found


def stubs_file(conversion: Conversion) -> str:
    """hidden_tests/test_imported.py: one failing stub per test left to finish."""
    return render("import/test_imported.py.j2", stubs=stubs(conversion))


def hidden_readme(conversion: Conversion) -> str:
    return render("import/hidden_README.md.j2", title=conversion.title, stubs=conversion.stubs)


def report(conversion: Conversion, folder: str, out: str) -> str:
    """IMPORT.md: what each test became, what is left to do, what this project adds."""
    found = stubs(conversion)
    return render(
        "import/IMPORT.md.j2",
        title=_cell(conversion.title),
        source=conversion.source,
        folder=folder,
        out=out,
        slug=conversion.slug,
        github_total=conversion.github_total,
        total=conversion.total,
        stubs=found,
        stub_points=sum(e.test.points for e in conversion.stubs),
        rows=(rows := [_row(e) for e in conversion.entries]),
        noted=[row for row in rows if row["notes"]],
        notes=conversion.notes,
        dependencies_refused=conversion.dependencies_refused,
        removed=", ".join(f"`{p}` is gone" for p in conversion.removed) or "nothing is gone",
        protected=", ".join(f"`{p}`" for p in conversion.protected),
        python=f"{conversion.python} (`python` in assignment.toml)"
        if conversion.python
        else 'the grader\'s own (set `python = "3.X"` in assignment.toml to pin one)',
        pts=pts,
    )


def _row(entry: Entry) -> dict[str, Any]:
    became = "stub, to finish" if entry.became == "stub" else BECAME[entry.became]
    return {
        "name": _cell(entry.test.name),
        "origin": _cell(entry.test.origin),
        "points": pts(entry.test.points) + ("" if entry.test.counted else " (not counted)"),
        "became": became,
        "detail": _cell(entry.detail) if entry.became != "stub" else "see below",
        "notes": [n.rstrip(".") for n in entry.notes],
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _function(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "imported"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _hint(name: str) -> str:
    return " ".join(name.replace("\\", "/").replace('"""', "'").split())
