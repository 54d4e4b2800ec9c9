"""The mutation generator of benchmarks/test_strength.py, on tiny code strings (no grading)."""

from __future__ import annotations

import json

import pytest

from benchmarks.test_strength import (
    Mutant,
    Outcome,
    as_json,
    mutants_of,
    only,
    pragma_lines,
    sample,
    summary,
    verdict,
)

GUARDED = """\
def check(user, limit):
    if user is None or limit < 1:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "who?")
    return JSONResponse(status_code=409, content={"ok": True, "left": limit - 1})
"""


def changes(source: str) -> list[str]:
    return [m.change for m in mutants_of(source, "app/x.py")]


def test_each_kind_of_mutation_is_generated_once_in_source_order():
    assert changes(GUARDED) == [
        "if user is None or limit < 1: raise -> pass",
        "Or -> And",
        "Is -> IsNot",
        "Lt -> GtE",
        "HTTP_401_UNAUTHORIZED -> HTTP_200_OK",
        "409 -> 200",
        "True -> False",
        "Sub -> Add",
    ]


def test_a_mutant_changes_exactly_one_node_and_keeps_its_line():
    by_change = {m.change: m for m in mutants_of(GUARDED, "app/x.py")}
    emptied = by_change["if user is None or limit < 1: raise -> pass"]
    assert "raise" not in emptied.source and "pass" in emptied.source
    flipped = by_change["Lt -> GtE"]
    assert "limit >= 1" in flipped.source and "user is None" in flipped.source
    assert (flipped.line, by_change["409 -> 200"].line) == (2, 4)


def test_code_without_mutation_sites_yields_no_mutants():
    assert changes("x = 'hello'\nprint(x, 1)\n") == []


def test_a_limited_sample_is_seeded_and_kept_in_id_order():
    mutants = [Mutant(i, "f.py", i, "c", "") for i in range(1, 51)]
    first, again = sample(mutants, 5, seed=3), sample(mutants, 5, seed=3)
    assert first == again and len(first) == 5
    assert [m.id for m in first] == sorted(m.id for m in first)
    assert sample(mutants, None, seed=3) == mutants


def test_only_picks_the_named_mutants_and_refuses_unknown_ids():
    mutants = [Mutant(i, "f.py", i, "c", "") for i in range(1, 11)]
    assert [m.id for m in only(mutants, [7, 3])] == [3, 7]
    assert only(mutants, []) == mutants
    with pytest.raises(SystemExit, match=r"--only \[11\]: no such mutant"):
        only(mutants, [11])


PRAGMA = """\
def log_level(verbose):
    return 10 if verbose is True else 20  # pragma: no mutate  (logging only)


def check(n):
    if n < 1:
        raise ValueError(n)
"""


def test_sites_on_a_pragma_line_are_skipped_and_the_others_are_not():
    by_line = {(m.line, m.change): m.skipped for m in mutants_of(PRAGMA, "app/x.py")}
    assert by_line == {
        (2, "Is -> IsNot"): True,
        (2, "True -> False"): True,
        (6, "if n < 1: raise -> pass"): False,
        (6, "Lt -> GtE"): False,
    }


def test_only_a_comment_makes_a_pragma_not_a_string():
    source = 'x = "# pragma: no mutate"\ny = 1  # pragma:  no mutate, it is a knob\n'
    assert pragma_lines(source) == {2}


def _mutant(n: int, file: str = "app/a.py") -> Mutant:
    return Mutant(n, file, n, f"change {n}", "")


def test_a_mutant_is_caught_by_the_stages_that_lost_points_or_errored():
    full = {"tests": 30.0, "hidden": 30.0}
    assert verdict(full, {"tests": 30.0, "hidden": 29.0}) == "hidden"
    assert verdict(full, {"tests": None, "hidden": 0.0}) == "both"
    assert verdict(full, dict(full)) == "NONE"


OUTCOMES = [
    Outcome(_mutant(1), "both", 10.0),
    Outcome(_mutant(2), "NONE", 12.0),
    Outcome(_mutant(3, "app/b.py"), "hidden", 20.0),
    Outcome(_mutant(4, "app/b.py"), "skipped"),
    Outcome(_mutant(5, "app/b.py"), "grader-error", 1.0),
]


def test_summary_counts_skipped_mutants_apart_and_grader_errors_as_not_caught():
    lines = summary(OUTCOMES, wall_seconds=43.0)
    assert lines[:3] == [
        "caught 2/4 (50%) of graded mutants",
        "  by tests: 1/4 (25%)",
        "  by hidden: 2/4 (50%)",
    ]
    assert "  #4 app/b.py:4 change 4" in lines
    assert lines[lines.index("survivors (1):") + 1] == "  #2 app/a.py:2 change 2"
    assert lines[-1] == "timing: median 11.0 s per mutant, max 20.0 s, 43 s wall"


def test_summary_breaks_the_figures_down_per_file():
    lines = summary(OUTCOMES)
    start = lines.index("per file (caught / graded, skipped):")
    assert [line.split() for line in lines[start + 1 : start + 3]] == [
        ["app/a.py", "1/2", "(50%)", "0", "skipped"],
        ["app/b.py", "1/2", "(50%)", "1", "skipped"],
    ]


def test_json_lists_every_verdict_without_the_mutated_source():
    document = json.loads(as_json("notes", 0, OUTCOMES, {"tests": 30.0, "hidden": 30.0}))
    assert (document["graded"], document["caught"], document["skipped"]) == (4, 2, 1)
    assert document["mutants"][2] == {
        "id": 3,
        "file": "app/b.py",
        "line": 3,
        "change": "change 3",
        "skipped": False,
        "verdict": "hidden",
        "seconds": 20.0,
    }


def test_a_file_whose_mutants_are_all_skipped_shows_no_percentage():
    lines = summary([Outcome(_mutant(1, "app/config.py"), "skipped")])
    assert lines[0] == "caught 0/0 (-) of graded mutants"
    assert lines[lines.index("per file (caught / graded, skipped):") + 1].split() == [
        "app/config.py",
        "0/0",
        "(-)",
        "1",
        "skipped",
    ]
    assert lines[-1] == "timing: nothing graded"
