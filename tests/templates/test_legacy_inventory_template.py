"""Checks only legacy-inventory needs; test_every_template.py holds the shared ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "legacy-inventory"
STARTER = ROOT / "starter"
TICKET_FILES = ("test_stock.py", "test_authorization.py", "test_errors.py")


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def _app_lines(tree: Path) -> int:
    return sum(
        len(path.read_text(encoding="utf-8").splitlines()) for path in (tree / "app").glob("*.py")
    )


def test_the_inherited_code_is_of_a_realistic_size() -> None:
    """A brownfield service: several modules and on the order of a thousand lines."""
    assert len(list((STARTER / "app").glob("*.py"))) >= 10
    assert _app_lines(STARTER) >= 800
    for note in ("CHANGELOG.md", "docs/runbook.md", "docs/adr-0002-plain-sqlite.md"):
        assert (STARTER / note).is_file(), note


def test_brief_is_a_ticket_queue_not_a_walkthrough() -> None:
    """The tickets describe symptoms; neither the brief nor a ticket's milestone issue names
    the causes the learner must find."""
    brief = (STARTER / "README.md").read_text(encoding="utf-8").lower()
    for ticket in ("shop-1519", "wh-207", "sup-88", "shop-1533"):
        assert ticket in brief
    issues = sorted((STARTER.parent / "milestones").glob("*.md"))
    assert [p.stem for p in issues] == ["shop-1519", "shop-1533", "sup-88", "wh-207"]
    for text in [brief, *(p.read_text(encoding="utf-8").lower() for p in issues)]:
        for spoiler in ("n+1", "index", "injection", "race", "rowcount", "begin immediate"):
            assert spoiler not in text, spoiler


def test_the_tickets_weigh_the_same(assignment: LoadedAssignment) -> None:
    """Stock, authorization and errors each carry the same share of the hidden checks."""
    hidden = assignment.spec.stages.hidden
    assert hidden is not None
    per_file: dict[str, float] = {}
    for node, weight in hidden.weights.items():
        name = node.split("::")[0]
        per_file[name] = per_file.get(name, 0) + weight
    assert {per_file[name] for name in TICKET_FILES} == {per_file["test_stock.py"]}
    assert per_file["test_contract.py"] < per_file["test_stock.py"]


def test_the_hidden_stage_widens_the_checkout_window(assignment: LoadedAssignment) -> None:
    """The race checks lose reliably on the starter only if checkout's slow step is slow enough."""
    hidden = assignment.spec.stages.hidden
    assert hidden is not None
    assert int(hidden.env["FRAUD_CHECK_MS"]) >= 50
