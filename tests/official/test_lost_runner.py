"""A lost runner on the sandbox: a grade job killed halfway leaves its learners "not graded:
<why>" in the run's summary and in the store; grading again grades only them, once."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from orchestrator.commands.official import Waiting, new_run, official, run_summary
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS
from tests.official.class_setup import OfficialClass, files_of, official_class

# It mostly waits (for a grade job to reach a learner, for the kill, for the rerun).
pytestmark = pytest.mark.slow
COURSE = "school/course"


def kill_when_grading(room: OfficialClass, run_id: int, login: str, chunk: str) -> list[str]:
    """Kill the grade job of `chunk` while it grades `login` (its report folder is made
    just before the grader starts, its results.json at the end)."""
    pattern = f"sandbox-run-*/cache/*/hostexecutor/results/notes/{login}"
    deadline = time.monotonic() + 180
    while not list(Path(tempfile.gettempdir()).glob(pattern)):
        assert time.monotonic() < deadline, f"{login} was never graded"
        assert room.story.server.sandbox.runner.wait_idle(0.2) is False, "the run ended first"
    headers = {"Authorization": f"token {room.story.server.sandbox.admin_token}"}
    answer = httpx.post(
        f"{room.story.url}/_sandbox/runs/{run_id}/kill",
        json={"job": "grade", "matrix": {"chunk": chunk}},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["killed"])


def official_lines(room: OfficialClass, tmp: Path) -> dict[str, list[dict[str, object]]]:
    """Each learner's lines in the course repository's store (by login)."""
    return {
        name.rsplit("/", 1)[-1].removesuffix(".jsonl"): lines
        for name, lines in room.store_lines(tmp).items()
    }


def test_a_killed_grade_job_leaves_its_learners_not_graded_and_a_rerun_grades_only_them(
    tmp_path, capsys
):
    with official_class(tmp_path, NOTES_ASSIGNMENT, 4, concurrent=2) as room:
        passes_all = files_of(SUBMISSIONS / "passes_all")
        commits = {p.login: room.submit(p, passes_all) for p in room.learners}
        gh = room.story.instructor
        me = room.story.seeded.instructor.login
        assert official(room.course, gh, "notes", reason="deadline") == 0
        run = new_run(gh, COURSE, set(), me)
        assert run is not None
        # chunk 1 holds learners 3 and 4: killed while it grades learner 3
        assert len(kill_when_grading(room, run.id, "school-learner-3", "1")) == 1
        assert room.story.wait_for_runs(300)
        first = run_summary(gh, COURSE, run.id)
        # A lost runner hands on nothing; a job stopped otherwise (cancelled, timed out) may
        # hand on what it did: either way the cause names the chunk's grade job.
        lost = "the grade job of chunk 1 "
        assert f"- not graded: school-learner-3: {lost}" in first, first
        assert f"- not graded: school-learner-4: {lost}" in first, first
        assert "- graded: school-learner-1, school-learner-2" in first, first
        lines = official_lines(room, tmp_path)
        for login in ("school-learner-3", "school-learner-4"):
            [line] = lines[login]
            assert line["not_graded"].startswith(lost) and line["commit"] == commits[login]

        capsys.readouterr()
        again = official(room.course, gh, "notes", reason="deadline", wait=Waiting(600, 1.0))
        printed = capsys.readouterr().out
        assert again == 0, printed
        assert "2 graded, 0 not graded, 2 skipped (already graded)" in printed
        assert "- graded: school-learner-3, school-learner-4" in printed
        assert "  Grade chunk 1: success" in printed  # two learners left: a chunk each

        lines = official_lines(room, tmp_path)
        graded = Counter(login for login, found in lines.items() for x in found if "score" in x)
        assert graded == {p.login: 1 for p in room.learners}  # everyone once, nobody twice
        for login, found in lines.items():
            grade = next(x for x in found if "score" in x)
            assert (grade["tier"], grade["commit"]) == ("official", commits[login])
            assert grade["score"] == grade["max_score"]
