"""Points for test outcomes: selectors with weights, shares and all-or-nothing groups.

A `weights` table maps selectors to weights. A selector names tests by
- their id (`tests/test_x.py::test_y`, which also selects its parametrizations `[...]`, or a
  class `tests/test_x.py::TestY`),
- a file or folder (`tests/test_x.py`, `tests/unit`),
- a glob over test ids or files (`tests/test_*.py::test_parse_*`),
- a marker (`marker:slow`: the tests marked `@pytest.mark.slow`).
Each test belongs to one selector: the one equal to its id if there is one, else the first
that matches in the table's order. A selector's points are `points * weight / sum(weights)`;
it shares them among its tests, or (all or nothing) earns them only when every test it
selects passes or is skipped and at least one ran, as `pytest FILE` exiting 0 would. A
selector that matched nothing is a failed check worth its points. Weight 0 is reported, not
scored. Without weights every counted test gets an equal share.

Pure functions over `CaseOutcome`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from graders.model.assignment import Weight, WeightGroup
from graders.model.junit import CaseOutcome, Outcome

MARKER_PREFIX = "marker:"
GLOB_CHARACTERS = frozenset("*?[")
DID_NOT_RUN = "this test did not run (was it renamed or removed?)"
MATCHED_NOTHING = "no test matched `{key}` (were its tests renamed or removed?)"


@dataclass(frozen=True)
class Selector:
    """One key of a `weights` table, with its options decided."""

    key: str
    weight: float
    all_or_nothing: bool
    name: str


@dataclass(frozen=True)
class Scored:
    """One graded item: a test, or an all-or-nothing group, or a selector that matched none."""

    key: str  # the test's id, or the selector
    name: str
    status: Outcome
    value: float  # the points it is worth
    message: str = ""
    hint: str = ""
    group: bool = False  # an all-or-nothing group (or a selector that matched nothing)

    @property
    def earned(self) -> float:
        return self.value if self.status == "passed" else 0.0


def selectors(weights: Mapping[str, Weight], all_or_nothing: bool = False) -> list[Selector]:
    """The table's selectors in order, each with its weight, mode and display name."""
    found = []
    for key, weight in weights.items():
        if isinstance(weight, WeightGroup):
            whole = all_or_nothing if weight.all_or_nothing is None else weight.all_or_nothing
            found.append(Selector(key, weight.weight, whole, weight.name or key))
        else:
            found.append(Selector(key, float(weight), all_or_nothing, key))
    return found


def matches(key: str, outcome: CaseOutcome) -> bool:
    """Whether selector `key` selects the test `outcome` reports."""
    if key.startswith(MARKER_PREFIX):
        return key.removeprefix(MARKER_PREFIX) in outcome.markers
    node = outcome.node_id
    file = node.split("::")[0]
    if node == key or node.startswith((f"{key}::", f"{key}[")):
        return True
    if file == key or file.startswith(f"{key.rstrip('/')}/"):
        return True
    return bool(GLOB_CHARACTERS & set(key)) and (fnmatchcase(node, key) or fnmatchcase(file, key))


def assign(outcomes: list[CaseOutcome], chosen: list[Selector]) -> dict[str, list[CaseOutcome]]:
    """Each test under the selector equal to its id, else the first that matches."""
    groups: dict[str, list[CaseOutcome]] = {s.key: [] for s in chosen}
    for outcome in outcomes:
        owner = outcome.node_id if outcome.node_id in groups else None
        owner = owner or next((s.key for s in chosen if matches(s.key, outcome)), None)
        if owner is not None:
            groups[owner].append(outcome)
    return groups


def score(
    outcomes: list[CaseOutcome],
    weights: Mapping[str, Weight],
    points: float,
    counted: set[str] | None = None,
    all_or_nothing: bool = False,
) -> list[Scored]:
    """The graded items of one stage, in the table's order (else the tests' order)."""
    if not weights:
        shown = [o for o in outcomes if counted is None or o.node_id.split("::")[0] in counted]
        return [_single(o, points / len(shown)) for o in shown]
    chosen = selectors(weights, all_or_nothing)
    groups = assign(outcomes, chosen)
    total = sum(s.weight for s in chosen)
    scored: list[Scored] = []
    for selector in chosen:
        value = points * selector.weight / total if total else 0.0
        scored += _scored(selector, groups[selector.key], value)
    return scored


def weigh(
    outcomes: list[CaseOutcome],
    weights: Mapping[str, Weight],
    points: float,
    counted: set[str] | None = None,
) -> dict[str, float]:
    """Points each graded item is worth, by its key."""
    return {item.key: item.value for item in score(outcomes, weights, points, counted)}


def _scored(selector: Selector, members: list[CaseOutcome], value: float) -> list[Scored]:
    if not members:
        exact = "::" in selector.key and not GLOB_CHARACTERS & set(selector.key)
        why = DID_NOT_RUN if exact else MATCHED_NOTHING.format(key=selector.key)
        return [Scored(selector.key, selector.name, "failed", value, why, group=True)]
    if selector.all_or_nothing:
        return [_whole(selector, members, value)]
    return [_single(o, value / len(members)) for o in members]


def _single(outcome: CaseOutcome, value: float) -> Scored:
    return Scored(
        outcome.node_id, outcome.node_id, outcome.outcome, value, outcome.message, outcome.hint
    )


def _whole(selector: Selector, members: list[CaseOutcome], value: float) -> Scored:
    """All or nothing: passed when nothing failed or errored (skips are fine)."""
    failing = [o for o in members if o.outcome in ("failed", "error")]
    if not failing:
        return Scored(selector.key, selector.name, "passed", value, group=True)
    first = failing[0]
    message = (
        f"{len(failing)} of {len(members)} tests fail, so this scores nothing; "
        f"the first is {first.node_id}:\n{first.message}"
    )
    hint = next((o.hint for o in failing if o.hint), "")
    return Scored(selector.key, selector.name, "failed", value, message, hint, group=True)
