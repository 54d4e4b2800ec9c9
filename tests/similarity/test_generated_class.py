"""Issue 17's measure: a generated class of 40 with three planted copies (verbatim, renamed
variables, reordered functions); `classroom similarity` flags exactly those three pairs and
none that shares only the starter. (How long it takes is benchmarks/similarity_class.py's.)"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from rich.console import Console

from orchestrator.commands.similarity import similarity
from orchestrator.similarity.model import read_run
from tests.orchestrator.conftest import Classroom
from tests.similarity.class_builder import build_class
from tests.similarity.sandbox_class import SLUG, enrol, grade, hand_in


@pytest.mark.slow
def test_the_three_planted_copies_are_the_only_pairs_flagged(room: Classroom, tmp_path: Path):
    made = build_class(tmp_path / "class", learners=40)
    enrol(room, sorted(made.submissions))
    for login, folder in made.submissions.items():
        grade(room, login, hand_in(room, login, folder))

    out = io.StringIO()
    assert similarity(room.course, room.gateway(), SLUG, console=Console(file=out)) == 0

    run = read_run(room.course.root / "similarity" / SLUG / "pairs.json")
    assert run.learners == 40 and run.pairs_compared == 40 * 39 // 2 and not run.skipped
    flagged = {frozenset((p.left.label, p.right.label)): p for p in run.flagged}
    assert set(flagged) == made.planted_pairs, out.getvalue()
    for planted in made.planted:
        pair = flagged[frozenset((planted.original, planted.copy))]
        assert pair.similarity >= 85, (planted.how, pair)
    assert run.p95 < run.threshold
    honest_best = max(p.similarity for p in run.pairs if not p.flagged)
    assert honest_best < run.threshold - 5  # a margin, not a coin toss
    report = (room.course.root / "similarity" / SLUG / "report.html").read_text()
    assert report.count('<section class="pair"') == 3 and "<mark>" in report


@pytest.mark.slow
def test_learners_who_share_only_the_starter_are_never_flagged(room: Classroom, tmp_path: Path):
    made = build_class(tmp_path / "class", learners=40)
    idle = made.starter_only
    enrol(room, list(idle))
    for login in idle:
        grade(room, login, hand_in(room, login, made.submissions[login]))

    assert similarity(room.course, room.gateway(), SLUG, console=Console(file=io.StringIO())) == 0

    run = read_run(room.course.root / "similarity" / SLUG / "pairs.json")
    assert run.learners == len(idle) >= 2
    assert run.pairs_compared == len(list(itertools.combinations(idle, 2)))
    assert not run.flagged
    assert all(p.similarity == 0 and p.shared_tokens == 0 for p in run.pairs)
