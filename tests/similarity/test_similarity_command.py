"""`classroom similarity`: the commit of the grade that counts, earlier terms' archives, the
report's safety, and bad input."""

from __future__ import annotations

import io
import random
import re
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from classroom.cli import main
from orchestrator.commands.similarity import similarity
from orchestrator.course import load_course
from orchestrator.similarity.model import SimilarityRun, read_run
from tests.orchestrator.conftest import Classroom
from tests.similarity.class_builder import STARTER, write_own_work
from tests.similarity.sandbox_class import SLUG, START, enrol, grade, hand_in


def own_work(root: Path, login: str) -> Path:
    write_own_work(root / login, random.Random(login), 1.0)
    return root / login


def run(room: Classroom, **options: object) -> SimilarityRun:
    quiet = Console(file=io.StringIO())
    assert similarity(room.course, room.gateway(), SLUG, console=quiet, **options) == 0  # type: ignore[arg-type]
    return read_run(room.course.root / "similarity" / SLUG / "pairs.json")


def flagged(found: SimilarityRun) -> set[frozenset[str]]:
    return {frozenset((p.left.label, p.right.label)) for p in found.flagged}


def test_the_commit_compared_is_the_graded_one_not_the_head(room: Classroom, tmp_path: Path):
    ada, bo = own_work(tmp_path, "ada"), own_work(tmp_path, "bo")
    enrol(room, ["ada", "bo"])
    grade(room, "ada", hand_in(room, "ada", ada))
    grade(room, "bo", hand_in(room, "bo", bo))
    shutil.rmtree(bo / "app")
    shutil.copytree(ada / "app", bo / "app")
    copied = hand_in(room, "bo", bo, "ada's work")  # pushed, not graded yet

    assert not run(room).flagged

    grade(room, "bo", copied, minutes=5)
    assert flagged(run(room)) == {frozenset(("ada", "bo"))}


def test_an_official_grade_counts_over_a_later_practice_grade(room: Classroom, tmp_path: Path):
    ada, bo = own_work(tmp_path, "ada"), own_work(tmp_path, "bo")
    enrol(room, ["ada", "bo"])
    grade(room, "ada", hand_in(room, "ada", ada))
    official = hand_in(room, "bo", bo)
    grade(room, "bo", official, tier="official")
    shutil.rmtree(bo / "app")
    shutil.copytree(ada / "app", bo / "app")
    grade(room, "bo", hand_in(room, "bo", bo, "ada's work"), minutes=5)  # practice, later

    found = run(room)

    assert not found.flagged
    sides = [side for p in found.pairs for side in (p.left, p.right)]
    assert [s.commit for s in sides if s.label == "bo"] == [official]


def test_the_commit_compared_is_the_one_the_late_policy_counts(room: Classroom, tmp_path: Path):
    """bo's copy was graded officially after the deadline, which accepts no late work: the
    grade that counts is bo's own on-time work, so that is what is compared."""
    deadline = START + timedelta(hours=1)
    toml = room.course.root / "course.toml"
    text = re.sub(r"(?m)^deadline = .*$", f"deadline = {deadline.isoformat()}", toml.read_text())
    late = "\n[assignments.tasks-api.late]\npenalty_per_day = 0\nmax_late_days = 0\n"
    toml.write_text(text + late)
    room.course = load_course(room.course.root)
    ada, bo = own_work(tmp_path, "ada"), own_work(tmp_path, "bo")
    enrol(room, ["ada", "bo"])
    grade(room, "ada", hand_in(room, "ada", ada), tier="official")
    on_time = hand_in(room, "bo", bo)
    grade(room, "bo", on_time, tier="official", pushed_at=START, deadline=deadline)
    shutil.rmtree(bo / "app")
    shutil.copytree(ada / "app", bo / "app")
    late = hand_in(room, "bo", bo, "ada's work")
    pushed = deadline + timedelta(hours=3)
    grade(room, "bo", late, tier="official", minutes=300, score=90, pushed_at=pushed,
          deadline=deadline)  # fmt: skip

    found = run(room)

    assert not found.flagged
    sides = [side for p in found.pairs for side in (p.left, p.right)]
    assert [s.commit for s in sides if s.label == "bo"] == [on_time]


def test_earlier_terms_count_and_are_not_compared_with_each_other(room: Classroom, tmp_path: Path):
    ada = own_work(tmp_path, "ada")
    enrol(room, ["ada", "cy"])
    grade(room, "ada", hand_in(room, "ada", ada))  # cy has no grade yet
    last_term = tmp_path / "2025-fall"
    shutil.copytree(ada, last_term / "zed", ignore=shutil.ignore_patterns(".git"))
    own_work(last_term, "yan")
    with tarfile.open(last_term / "xia.tar", "w") as tar:  # an archive as this command keeps
        tar.add(ada / "app", arcname="app")

    found = run(room, against=[last_term])

    assert found.archives == 3 and found.pairs_compared == 3
    assert flagged(found) == {
        frozenset(("ada", "2025-fall/zed")),
        frozenset(("ada", "2025-fall/xia")),
    }
    assert [(s.label, "no grade" in s.why) for s in found.skipped] == [("cy", True)]
    kept = room.course.root / "similarity" / SLUG / "submissions" / "ada.tar"
    assert kept.is_file()  # the next term's --against


def test_a_rerun_fetches_only_what_changed(room: Classroom, tmp_path: Path):
    ada = own_work(tmp_path, "ada")
    enrol(room, ["ada"])
    grade(room, "ada", hand_in(room, "ada", ada))
    run(room)
    tar = room.course.root / "similarity" / SLUG / "submissions" / "ada.tar"
    first = tar.stat().st_mtime_ns

    run(room)

    assert tar.stat().st_mtime_ns == first


def test_learner_code_in_the_report_is_text_never_markup(room: Classroom, tmp_path: Path):
    hostile = '"""</pre><script>alert(1)</script>"""\n' + "".join(
        f"def step_{n}(value):\n    total = value * {n} + len(str(value))\n    return total\n\n"
        for n in range(40)
    )
    enrol(room, ["ada", "bo"])
    for login in ("ada", "bo"):
        folder = tmp_path / login
        shutil.copytree(STARTER, folder)
        (folder / "app" / "steps.py").write_text(hostile)
        grade(room, login, hand_in(room, login, folder))

    found = run(room)

    assert flagged(found) == {frozenset(("ada", "bo"))}
    report = (room.course.root / "similarity" / SLUG / "report.html").read_text()
    assert "<script>" not in report and "&lt;script&gt;" in report


def test_tests_and_lock_files_do_not_count(room: Classroom, tmp_path: Path):
    enrol(room, ["ada", "bo"])
    shared_test = "".join(
        f"def test_step_{n}(client):\n    assert client.get('/tasks/{n}').status_code == 404\n\n"
        for n in range(60)
    )
    for login in ("ada", "bo"):
        folder = tmp_path / login
        shutil.copytree(STARTER, folder)
        (folder / "tests" / "test_mine.py").write_text(shared_test)
        (folder / "app" / "conftest.py").write_text(shared_test)
        (folder / "poetry.lock").write_text(shared_test)
        grade(room, login, hand_in(room, login, folder))

    found = run(room)

    assert not found.flagged and found.pairs[0].shared_tokens == 0


def test_a_bad_threshold_or_archive_folder_is_a_user_error(
    room: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", room.token)
    course = str(room.course.root)
    assert main(["similarity", SLUG, "--course", course, "--threshold", "0"]) == 2
    assert "--threshold 0" in capsys.readouterr().err
    missing = tmp_path / "nowhere"
    assert main(["similarity", SLUG, "--course", course, "--against", str(missing)]) == 2
    assert f"--against {missing}" in capsys.readouterr().err
    assert main(["similarity", "nope", "--course", course]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
