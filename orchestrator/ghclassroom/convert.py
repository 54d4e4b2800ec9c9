"""A GitHub Classroom template's tests, turned into this project's assignment (pure).

Each test keeps its name, its points and GitHub Classroom's all-or-nothing rule:
- a simple pytest command becomes an all-or-nothing group of the tests stage, selected by
  the file or test id it ran (the public tests then run once, contained, with the
  assignment's own configuration);
- a test that compares output becomes an io check (`[[stages.io]]`), any other command a
  command check (`[[stages.commands]]`), with its setup, timeout and points;
- the python grader (`autograding-python-grader`) becomes the tests stage itself: its
  points shared equally among the tests it finds, as it shares them;
- a test a contained grade cannot run as GitHub did (a server on localhost nothing starts,
  root, the network) becomes a stub in `hidden_tests/`, listed with what to do.
Nothing here reads or writes a file: `TemplateFacts` is what the command read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from basis.errors import UserError
from graders.model.assignment import CommandCheck, Comparison, IoCheck, WeightGroup
from orchestrator.ghclassroom.classify import (
    Blocker,
    Setup,
    needs_outside,
    overlaps,
    pytest_run,
    setup_of,
)
from orchestrator.ghclassroom.formats import (
    AUTOGRADING_JSON,
    AutogradingTest,
    GraderStep,
    Workflow,
)

TEST_FOLDERS = ("tests", "test", "Tests", "Test")
TRUSTED_FILES = ("pytest.ini", "conftest.py")
GROUP_COMPARISON: dict[str, Comparison] = {
    "exact": "exact",
    "included": "included",
    "contains": "included",
    "regex": "regex",
}
Became = Literal["tests", "io", "commands", "stub"]


@dataclass(frozen=True)
class TemplateFacts:
    """What `classroom import` read of a template repository's folder."""

    folder_name: str
    files: frozenset[str]  # every file, relative, posix (no .git)
    readme: str = ""
    requirements: frozenset[str] = frozenset()  # package names pinned in requirements.txt
    autograding: tuple[AutogradingTest, ...] | None = None
    workflows: tuple[Workflow, ...] = ()
    # Why the grader would refuse the template's dependencies (unpinned, a URL…), if it would.
    dependencies_refused: str | None = None


@dataclass(frozen=True)
class SourceTest:
    """One GitHub Classroom test, from either format."""

    origin: str
    name: str
    setup: str
    run: str
    input: str
    output: str
    comparison: Comparison | None  # None: a command scored by its exit code
    minutes: float
    points: float
    counted: bool = True  # the reporter lists it (a step it leaves out never counted)


@dataclass
class Entry:
    """A GitHub Classroom test and what it became here (a stub: `blocker` says why)."""

    test: SourceTest
    became: Became
    detail: str
    notes: list[str] = field(default_factory=list)
    blocker: Blocker | None = None


@dataclass
class TestsPlan:
    """The tests stage an import writes."""

    points: float
    paths: list[str]
    weights: dict[str, WeightGroup] = field(default_factory=dict)
    python_files: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    timeout_seconds: float = 600.0
    per_test_timeout_seconds: float = 60.0


@dataclass
class Conversion:
    """The whole import: the assignment's parts, and the report's account of each test."""

    slug: str
    title: str
    source: str  # the file GitHub Classroom graded from
    python: str | None = None
    tests: TestsPlan | None = None
    io: list[IoCheck] = field(default_factory=list)
    commands: list[CommandCheck] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    github_total: float = 0.0
    dependencies_refused: str | None = None  # a to-do before anything can be graded

    @property
    def stubs(self) -> list[Entry]:
        return [e for e in self.entries if e.became == "stub"]

    @property
    def total(self) -> float:
        """The points the imported assignment grades (GitHub's, less the stubs')."""
        tests = self.tests.points if self.tests else 0.0
        return tests + sum(c.points for c in [*self.io, *self.commands])


def convert(facts: TemplateFacts, slug: str | None = None) -> Conversion:
    """The assignment `facts` describe; a UserError when it holds no GitHub Classroom tests."""
    source, tests, python_step, workflow = _sources(facts)
    found = Conversion(
        slug=slug or slug_of(facts.folder_name),
        title=_title(facts.readme) or facts.folder_name,
        source=source,
        python=_python(workflow),
        dependencies_refused=facts.dependencies_refused,
    )
    if workflow is not None and workflow.python and found.python is None:
        found.notes.append(
            f"{workflow.path} asks actions/setup-python for `{workflow.python}`, which names "
            'no one version: the grader\'s own Python is used; set `python = "3.X"` to pin one'
        )
    if python_step is not None:
        _python_grader(found, facts, python_step, counted=_counts(workflow, python_step))
    for test in tests:
        _one(found, facts, test)
    found.github_total = sum(e.test.points for e in found.entries if e.test.counted)
    found.protected = _protected(facts, found)
    found.removed = _removed(facts)
    return found


def slug_of(name: str) -> str:
    """A folder name as an assignment slug (`Python_FizzBuzz` → `python-fizzbuzz`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise UserError(f"cannot make an assignment slug of {name!r}; pass --slug SLUG")
    return slug


def _sources(
    facts: TemplateFacts,
) -> tuple[str, list[SourceTest], GraderStep | None, Workflow | None]:
    graded = next((w for w in facts.workflows if w.steps), None)
    if facts.autograding is not None and (graded is None or graded.runs_autograding_json):
        tests = [_from_json(i, t) for i, t in enumerate(facts.autograding, start=1)]
        legacy = next((w for w in facts.workflows if w.runs_autograding_json), None)
        return AUTOGRADING_JSON, tests, None, legacy
    if graded is None:
        raise UserError(
            f"{facts.folder_name}: found neither {AUTOGRADING_JSON} nor a workflow using GitHub "
            "Classroom's grader actions (classroom-resources/autograding-*-grader); pass the "
            "folder of a GitHub Classroom template repository"
        )
    steps = [s for s in graded.steps if s.kind != "python"]
    pythons = [s for s in graded.steps if s.kind == "python"]
    tests = [_from_step(graded, s) for s in steps + pythons[1:]]
    return graded.path, tests, (pythons[0] if pythons else None), graded


def _from_json(number: int, test: AutogradingTest) -> SourceTest:
    compares = bool(test.input or test.output)
    return SourceTest(
        origin=f"{AUTOGRADING_JSON} test {number}",
        name=test.name,
        setup=test.setup,
        run=test.run,
        input=test.input,
        output=test.output,
        comparison=test.comparison if compares else None,
        minutes=test.minutes,
        points=test.points,
    )


def _from_step(workflow: Workflow, step: GraderStep) -> SourceTest:
    comparison = GROUP_COMPARISON.get(step.comparison, "included") if step.kind == "io" else None
    return SourceTest(
        origin=f"{workflow.path} step `{step.id or step.name}`",
        name=step.name,
        setup=step.setup,
        run=step.command or ("python -m pytest" if step.kind == "python" else ""),
        input=step.input,
        output=step.expected,
        comparison=comparison,
        minutes=step.minutes,
        points=float(step.max_score),
        counted=_counts(workflow, step),
    )


def _counts(workflow: Workflow | None, step: GraderStep) -> bool:
    return workflow is None or workflow.runners is None or step.id in workflow.runners


def _one(found: Conversion, facts: TemplateFacts, test: SourceTest) -> None:
    setup = setup_of(test.setup)
    blocker = needs_outside(test.run) or setup.blocker
    if blocker:
        found.entries.append(Entry(test, "stub", "", blocker=blocker))
        return
    notes = _setup_notes(setup, facts) + ([] if test.counted else [NOT_COUNTED])
    points = test.points if test.counted else 0.0
    group = pytest_run(test.run) if test.comparison is None else None
    usable = group is not None and setup.kind != "keep" and _free(found, group.selector)
    if usable and found.tests is not None and not found.tests.weights:
        usable = False  # the python grader's tests stage shares points equally: no groups
    if group is not None and usable:
        _group(found, test, group.selector, points)
        found.entries.append(Entry(test, "tests", _selector(group.selector), notes))
        return
    _check(found, test, setup, points, notes)


NOT_COUNTED = (
    "the reporter's `runners` do not list this step, so GitHub Classroom never counted it: "
    "it is graded here with 0 points (reported, not scored)"
)


def _check(
    found: Conversion, test: SourceTest, setup: Setup, points: float, notes: list[str]
) -> None:
    values: dict[str, object] = {
        "name": _unique(test.name, [c.name for c in [*found.io, *found.commands]]),
        "run": test.run,
        "points": points,
        "timeout_seconds": test.minutes * 60,
        "setup": [test.setup] if setup.kind == "keep" else [],
    }
    try:
        if test.comparison is not None:
            values |= {"input": test.input, "output": test.output, "comparison": test.comparison}
            found.io.append(IoCheck.model_validate(values))
            found.entries.append(Entry(test, "io", f"{test.comparison} output", notes))
        else:
            found.commands.append(CommandCheck.model_validate(values))
            found.entries.append(Entry(test, "commands", "exit code 0", notes))
    except ValidationError as exc:
        why = exc.errors()[0]["msg"].removeprefix("Value error, ")
        found.entries.append(Entry(test, "stub", why, blocker="invalid"))


def _group(found: Conversion, test: SourceTest, selector: str | None, points: float) -> None:
    plan = found.tests or TestsPlan(
        points=0, paths=[], timeout_seconds=0, per_test_timeout_seconds=1
    )
    key = selector or "*"
    plan.weights[key] = WeightGroup(weight=points, all_or_nothing=True, name=test.name)
    plan.points += points
    path = (selector or ".").split("::")[0]
    if path not in plan.paths:
        plan.paths.append(path)
    plan.timeout_seconds += test.minutes * 60
    plan.per_test_timeout_seconds = max(plan.per_test_timeout_seconds, test.minutes * 60)
    found.tests = plan


def _free(found: Conversion, selector: str | None) -> bool:
    """No earlier group can claim this one's tests (each test scores under one selector)."""
    taken = found.tests.weights if found.tests else {}
    return not any(overlaps(None if k == "*" else k, selector) for k in taken)


def _python_grader(
    found: Conversion, facts: TemplateFacts, step: GraderStep, *, counted: bool
) -> None:
    """The python grader: every test it finds shares its points equally."""
    exercism = sorted(f for f in facts.files if f.endswith("_test.py"))
    setup = setup_of(step.setup)
    points = float(step.max_score) if counted else 0.0
    found.tests = TestsPlan(
        points=points,
        paths=["."],
        python_files=["*_test.py"] if exercism else [],
        setup=[step.setup] if setup.kind == "keep" else [],
        timeout_seconds=step.minutes * 60,
        per_test_timeout_seconds=step.minutes * 60,
    )
    test = SourceTest(
        origin=f"{found.source} step `{step.id or step.name}`",
        name=step.name,
        setup=step.setup,
        run="pytest (every test file it finds)",
        input="",
        output="",
        comparison=None,
        minutes=step.minutes,
        points=float(step.max_score),
        counted=counted,
    )
    notes = _setup_notes(setup, facts) + ([] if counted else [NOT_COUNTED])
    notes.append(
        "tests a learner adds do not count here (the python grader counts every test it "
        "finds, so added passing tests raised the share of the ones that fail)"
    )
    if setup.kind == "impossible":
        notes.append("its setup command cannot run in a contained grade: it was dropped")
    found.entries.append(Entry(test, "tests", "equal shares of every test", notes))


def _setup_notes(setup: Setup, facts: TemplateFacts) -> list[str]:
    if setup.kind != "pip":
        return []
    missing = [p for p in setup.packages if p != "pytest" and p not in facts.requirements]
    note = (
        "its setup only installed Python packages: dropped (the grader installs requirements.txt)"
    )
    if missing:
        note += f"; requirements.txt lacks {', '.join(missing)}: pin each there (`name==version`)"
    return [note]


def _selector(selector: str | None) -> str:
    return f"all or nothing: `{selector}`" if selector else "all or nothing: every test"


def _unique(name: str, taken: list[str]) -> str:
    number, candidate = 2, name
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


def _title(readme: str) -> str:
    heading = next((line for line in readme.splitlines() if line.startswith("# ")), "")
    return heading[2:].strip()


def _python(workflow: Workflow | None) -> str | None:
    match = re.match(r"^\s*(3\.\d{1,2})(\.\d+)?\s*$", workflow.python or "") if workflow else None
    return match.group(1) if match else None


def _protected(facts: TemplateFacts, found: Conversion) -> list[str]:
    """What the official grade puts back: the tests, their configuration, the workflows."""
    wanted = {".github"}
    wanted |= {f for f in TRUSTED_FILES if f in facts.files}
    wanted |= {d for d in TEST_FOLDERS if any(f.startswith(f"{d}/") for f in facts.files)}
    plan = found.tests
    for key in plan.weights if plan else {}:
        file = key.split("::")[0]
        if file in facts.files:
            wanted.add(file)
    if plan and plan.python_files:
        wanted |= {f for f in facts.files if f.endswith("_test.py")}
    return sorted(p for p in wanted if not any(p.startswith(f"{q}/") for q in wanted))


def _removed(facts: TemplateFacts) -> list[str]:
    gone = [AUTOGRADING_JSON] if AUTOGRADING_JSON in facts.files else []
    gone += [w.path for w in facts.workflows if w.steps or w.runs_autograding_json]
    return sorted(set(gone))
