"""The cutoff commit on the sandbox: the server's record of pushes decides, never commit dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from orchestrator.cutoff import cutoff, first_push_after, read_cutoffs, record_kept_since
from reporter.moments import days_late
from tests.orchestrator.conftest import ORG, Classroom
from tests.sandbox.gitcli import clone_url, commit_file, git

DEADLINE = datetime(2031, 3, 14, 23, 59, tzinfo=UTC)
FORGED = {"GIT_AUTHOR_DATE": "2031-03-14T20:00:00Z", "GIT_COMMITTER_DATE": "2031-03-14T20:00:00Z"}


def move_clock(room: Classroom, moment: datetime) -> None:
    answer = httpx.post(
        f"{room.url}/_sandbox/clock",
        json={"now": moment.isoformat()},
        headers={"Authorization": f"token {room.server.sandbox.admin_token}"},
    )
    assert answer.status_code == 200, answer.text


def provisioned(room: Classroom, login: str) -> str:
    """A repository as provisioning leaves it: the template's commit, then the instructor's
    setup commit on main (a push by the instructor's account), the learner invited."""
    org = room.client().get_organization(ORG)
    repo = org.create_repo(f"hw-{login}", private=True, auto_init=True)
    repo.create_file(".github/classroom/SETUP.md", "set up", "# setup\n", branch="main")
    repo.add_to_collaborators(login, "push")
    learner = room.client(room.learner_token(login)).get_user()
    learner.accept_invitation(learner.get_invitations()[0])
    return repo.full_name


def clone(room: Classroom, full_name: str, login: str, where: Path) -> Path:
    git("clone", "-q", clone_url(room.url, full_name, room.learner_token(login)), str(where))
    return where


@pytest.fixture
def pushed_late(classroom: Classroom, tmp_path: Path) -> tuple[Classroom, str, str, str]:
    """school-learner-1 pushes A two hours before the deadline and B three hours after it,
    with B's author and committer dates forged to before the deadline."""
    room, login = classroom, "school-learner-1"
    full = provisioned(room, login)
    work = clone(room, full, login, tmp_path / "work")
    move_clock(room, DEADLINE - timedelta(hours=2))
    a = commit_file(work, "app.py", "def answer():\n    return 41\n", "A: a first answer")
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    move_clock(room, DEADLINE + timedelta(hours=3))
    commit_file(work, "app.py", "def answer():\n    return 42\n", "B: the right answer")
    git("commit", "-q", "--amend", "--no-edit", "--reset-author", cwd=work, env=FORGED)
    b = git("rev-parse", "HEAD", cwd=work).stdout.strip()
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    forged = str(int(datetime(2031, 3, 14, 20, tzinfo=UTC).timestamp()))
    assert git("log", "-1", "--format=%at %ct", cwd=work).stdout.split() == [forged, forged]
    return room, full, a, b


def test_the_commit_at_the_deadline_is_the_last_one_pushed_before_it(
    pushed_late: tuple[Classroom, str, str, str],
) -> None:
    room, full, a, b = pushed_late
    gh = room.gateway()
    repo = gh.repo(full)
    assert repo is not None
    learners = {"school-learner-1"}
    end_of_day_1 = DEADLINE + timedelta(days=1)
    before = gh.calls.reads
    found = read_cutoffs(gh, repo, [DEADLINE, end_of_day_1], learners)
    assert gh.calls.reads - before == 1  # one read of the record answers every moment
    on_time, late = found[DEADLINE], found[end_of_day_1]
    assert (on_time.status, on_time.commit, on_time.pusher) == ("submitted", a, "school-learner-1")
    assert on_time.days_late(DEADLINE) == 0
    assert late.commit == b
    assert late.pushed_at is not None
    assert (
        DEADLINE + timedelta(hours=3) <= late.pushed_at < DEADLINE + timedelta(hours=3, minutes=5)
    )
    assert late.days_late(DEADLINE) == 1  # its commit dates say 20:00, before the deadline
    first = first_push_after(gh.pushes(full, "main"), DEADLINE, learners)
    assert first is not None and first.after == b and first.before == a
    assert days_late(first.pushed_at, DEADLINE) == 1


def test_the_record_is_read_page_by_page_oldest_first(
    pushed_late: tuple[Classroom, str, str, str],
) -> None:
    room, full, a, b = pushed_late
    gh = room.gateway()
    paged = gh.pushes(full, "main", per_page=2)
    assert gh.calls.reads == 2  # three pushes, two to a page
    assert paged == room.gateway().pushes(full, "main")
    assert [(p.actor, p.after) for p in paged][1:] == [
        ("school-learner-1", a),
        ("school-learner-1", b),
    ]
    assert paged[0].actor == room.seeded.instructor.login  # the setup commit


def test_a_learner_who_never_pushed_has_no_submission_not_an_error(
    classroom: Classroom,
) -> None:
    room = classroom
    setup_only = provisioned(room, "school-learner-2")
    move_clock(room, DEADLINE + timedelta(minutes=1))
    gh = room.gateway()
    repo = gh.repo(setup_only)
    assert repo is not None and repo.created_at is not None
    kept = record_kept_since(datetime.now(UTC), repo.created_at)
    assert kept is None  # a young repository: its whole record is there
    pushes = gh.pushes(setup_only, repo.default_branch)
    answer = cutoff(pushes, DEADLINE, learners={"school-learner-2"}, kept_since=kept)
    assert answer.status == "no submission"
    assert answer.commit == pushes[-1].after  # the setup commit: what there is to show
    untouched = room.client().get_organization(ORG).create_repo("hw-empty", auto_init=True)
    nothing = cutoff(gh.pushes(untouched.full_name, "main"), DEADLINE, learners={"x"})
    assert (nothing.status, nothing.commit) == ("no submission", None)
