"""The mutation generator of benchmarks/test_strength.py, on tiny code strings (no grading)."""

from __future__ import annotations

from benchmarks.test_strength import Mutant, mutants_of, sample

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
