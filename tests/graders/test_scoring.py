"""Weights by selector: a test id, a file or folder, a glob or a marker; all-or-nothing groups;
weight 0 reported, not scored (graders.model.scoring, pure)."""

from __future__ import annotations

import pytest

from graders.model.assignment import WeightGroup
from graders.model.junit import CaseOutcome
from graders.model.scoring import score, weigh


def case(node: str, outcome: str = "passed", markers: str = "", message: str = "") -> CaseOutcome:
    return CaseOutcome(node, outcome, message, "", frozenset(markers.split()))  # type: ignore[arg-type]


RUN = [
    case("tests/test_a.py::test_one"),
    case("tests/test_a.py::test_two", "failed", message="E   assert 1 == 2"),
    case("tests/test_b.py::test_slow", markers="slow"),
    case("tests/test_b.py::test_p[1]"),
    case("tests/test_b.py::test_p[2]", "skipped"),
    case("tests/unit/test_c.py::TestC::test_x"),
]


def test_a_file_selector_shares_its_points_among_its_tests():
    worth = weigh(RUN, {"tests/test_a.py": 1}, 10)
    assert worth == {"tests/test_a.py::test_one": 5, "tests/test_a.py::test_two": 5}


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ("tests/unit", ["tests/unit/test_c.py::TestC::test_x"]),
        ("tests/unit/test_c.py::TestC", ["tests/unit/test_c.py::TestC::test_x"]),
        ("marker:slow", ["tests/test_b.py::test_slow"]),
        ("tests/test_b.py::test_p", ["tests/test_b.py::test_p[1]", "tests/test_b.py::test_p[2]"]),
        ("tests/test_*.py::test_o*", ["tests/test_a.py::test_one"]),
        ("tests/*/test_c.py", ["tests/unit/test_c.py::TestC::test_x"]),
    ],
)
def test_folders_classes_markers_parametrizations_and_globs_select_tests(selector, selected):
    assert list(weigh(RUN, {selector: 1}, 1)) == selected


def test_a_test_belongs_to_its_own_id_first_then_to_the_first_selector_that_matches():
    weights = {"tests": 1, "tests/test_a.py": 1, "tests/test_a.py::test_two": 2}
    worth = weigh(RUN, weights, 40)
    assert worth["tests/test_a.py::test_two"] == 20  # its own id, though `tests` comes first
    assert "tests/test_a.py::test_one" in worth  # claimed by `tests`, the first match
    assert worth["tests/test_a.py"] == 10  # left with nothing: a failed item of its own


def test_an_all_or_nothing_group_passes_only_when_none_of_its_tests_fails():
    weights = {
        "tests/test_a.py": WeightGroup(weight=3, all_or_nothing=True, name="Part A"),
        "tests/test_b.py": WeightGroup(weight=2, all_or_nothing=True),
    }
    part_a, part_b = score(RUN, weights, 50)
    assert (part_a.name, part_a.status, part_a.earned, part_a.value) == ("Part A", "failed", 0, 30)
    assert part_a.message.startswith("1 of 2 tests fail, so this scores nothing; the first is ")
    assert "tests/test_a.py::test_two" in part_a.message and "assert 1 == 2" in part_a.message
    assert (part_b.status, part_b.earned) == ("passed", 20)  # a skipped test fails nothing


def test_the_stage_default_makes_every_selector_all_or_nothing_unless_it_says_otherwise():
    weights = {"tests/test_a.py": 1, "tests/test_b.py": WeightGroup(weight=1, all_or_nothing=False)}
    items = score(RUN, weights, 10, all_or_nothing=True)
    assert [(i.key, i.earned) for i in items] == [
        ("tests/test_a.py", 0),
        ("tests/test_b.py::test_slow", pytest.approx(5 / 3)),
        ("tests/test_b.py::test_p[1]", pytest.approx(5 / 3)),
        ("tests/test_b.py::test_p[2]", 0),
    ]


def test_a_selector_that_matches_nothing_fails_with_its_whole_worth():
    (gone,) = score(RUN, {"tests/test_gone.py": WeightGroup(weight=1, name="Gone")}, 5)
    assert (gone.name, gone.status, gone.value) == ("Gone", "failed", 5)
    assert "no test matched `tests/test_gone.py`" in gone.message
    (renamed,) = score(RUN, {"tests/test_a.py::test_renamed": 1}, 5)
    assert renamed.message == "this test did not run (was it renamed or removed?)"


def test_weight_zero_is_reported_and_scores_nothing():
    items = score(RUN, {"tests/test_a.py": 1, "marker:slow": 0}, 10)
    slow = next(i for i in items if i.key == "tests/test_b.py::test_slow")
    assert (slow.status, slow.value, slow.earned) == ("passed", 0, 0)
    assert sum(i.value for i in items) == 10
    assert [i.value for i in score(RUN, {"marker:slow": 0}, 10)] == [0]  # all zero: no error


def test_without_weights_every_counted_test_gets_an_equal_share():
    items = score(RUN, {}, 12, counted={"tests/test_a.py", "tests/test_b.py"})
    assert [i.value for i in items] == [2.4] * 5
