"""`classroom official SLUG --local`: the same plan, fetch, grade and record on this machine,
into the course folder's store, with the same issue comments; and its refusals."""

from __future__ import annotations

import pytest

from classroom.cli import main
from graders.running.containment import detect
from orchestrator.grades_store import load_store
from orchestrator.official.comment import OFFICIAL_GRADE_MARKER
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS
from tests.official.class_setup import files_of, official_class

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(detect().missing()), reason="--local grades here, as root"),
]


def test_local_grades_here_records_into_the_folder_and_posts_the_same_comments(
    tmp_path, capsys, monkeypatch
):
    with official_class(tmp_path, NOTES_ASSIGNMENT, 2, concurrent=1) as room:
        honest, partial = room.learners
        commits = {
            honest.login: room.submit(honest, files_of(SUBMISSIONS / "passes_all")),
            partial.login: room.submit(partial, files_of(SUBMISSIONS / "half_done")),
        }
        monkeypatch.setenv("GITHUB_TOKEN", room.story.seeded.instructor.token)
        monkeypatch.setenv("CLASSROOM_PACING", "off")
        monkeypatch.delenv("GITHUB_API_URL", raising=False)
        argv = ["official", "notes", "--local", "--course", str(room.course.root)]
        capsys.readouterr()
        assert main([*argv, "--reason", "deadline"]) == 0
        printed = capsys.readouterr().out
        assert "2 graded, 0 not graded, 0 skipped (already graded)" in printed
        store = load_store(room.course.root)
        for login, commit in commits.items():
            [grade] = store.history("notes", login)
            assert (grade.tier, grade.commit, grade.reason) == ("official", commit, "deadline")
        assert store.history("notes", honest.login)[0].percent == 100
        assert store.history("notes", partial.login)[0].percent < 100
        assert (room.course.root / "site" / "index.html").is_file()
        for person in room.learners:
            repo = room.story.client(person).get_repo(room.repo_of(person))
            [issue] = [i for i in repo.get_issues(state="all") if i.pull_request is None]
            bodies = [c.body for c in issue.get_comments()]
            assert [b[: len(OFFICIAL_GRADE_MARKER)] for b in bodies] == [OFFICIAL_GRADE_MARKER]
            assert commits[person.login][:12] in bodies[0]

        assert main([*argv, "--reason", "deadline"]) == 0  # nothing new: graded already
        assert "0 graded, 0 not graded, 2 skipped (already graded)" in capsys.readouterr().out
        assert [len(load_store(room.course.root).history("notes", x)) for x in commits] == [1, 1]

        assert main([*argv, "--wait"]) == 2
        assert "drop --wait" in capsys.readouterr().err
