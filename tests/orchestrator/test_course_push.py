"""course push against the real sandbox: the instructor's private course repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from basis.errors import UserError
from classroom.cli import main
from orchestrator.commands.course_push import course_push
from orchestrator.course import load_course
from orchestrator.course_tree import SECRET_NAME, merge_grades, official_workflow
from orchestrator.gateway import GitHub
from sandbox.records import Secret
from tests.orchestrator.conftest import ORG, Classroom, with_two_repositories
from tests.orchestrator.repo_files import ROOT, every_blob, git, head_files, mirror

COURSE = f"{ORG}/course"
GRADES = "grades/tasks-api/school-learner-1.jsonl"
FIRST_GRADE = b'{"score": 21}\n'


@pytest.fixture
def course(classroom: Classroom) -> Classroom:
    """A course with tasks-api and legacy-inventory, and one learner's grades in its store."""
    room = with_two_repositories(classroom, assignments=("tasks-api", "legacy-inventory"))
    grades = room.course.root / GRADES
    grades.parent.mkdir(parents=True)
    grades.write_bytes(FIRST_GRADE)
    return room


def files_of(room: Classroom, tmp_path: Path, name: str = "course") -> dict[str, bytes]:
    clone = mirror(f"{room.url}/{COURSE}.git", room.token, tmp_path / "clones" / name)
    assert clone is not None
    return head_files(clone)


def hidden_tests(slug: str, kind: str = "hidden_tests") -> dict[str, bytes]:
    folder = ROOT / "templates" / slug / kind
    return {
        f"assignments/{slug}/{kind}/{p.relative_to(folder).as_posix()}": p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def stored_secret(room: Classroom) -> str | None:
    found = room.server.sandbox.store.find(Secret, COURSE, SECRET_NAME)
    return found.value if found else None


def test_course_push_creates_the_private_course_repository_with_its_layout(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert course_push(course.course, gh) == 0
    root = course.course.root
    expected = {
        "course.toml": (root / "course.toml").read_bytes(),
        "roster.csv": (root / "roster.csv").read_bytes(),
        "README.md": (root / "README.md").read_bytes(),
        GRADES: FIRST_GRADE,
        ".github/workflows/official.yml": official_workflow(course.course).encode(),
        **hidden_tests("tasks-api"),
        **hidden_tests("legacy-inventory"),
        # both grade the learner's own tests against their solution and bugs
        **hidden_tests("tasks-api", "solution"),
        **hidden_tests("tasks-api", "bugs"),
        **hidden_tests("legacy-inventory", "solution"),
        **hidden_tests("legacy-inventory", "bugs"),
    }
    assert files_of(course, tmp_path) == expected
    repo = gh.repo(COURSE)
    assert repo is not None and repo.private
    tip = gh.branches(COURSE)["main"].sha
    printed = capsys.readouterr().out
    assert f"created (private) {COURSE} at {tip[:12]}: {len(expected)} files" in printed
    assert f"secret {SECRET_NAME}: set" in printed


def test_the_token_is_a_sealed_secret_and_in_no_file_or_output(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["course", "push", "--course", str(course.course.root)]) == 0
    assert stored_secret(course) == course.token  # sealed to the key, opened by the server
    printed = capsys.readouterr()
    assert course.token not in printed.out + printed.err
    clone = mirror(f"{course.url}/{COURSE}.git", course.token, tmp_path / "all")
    assert clone is not None
    for sha in every_blob(clone):
        blob = git("cat-file", "blob", sha, cwd=clone)
        assert course.token not in blob


def test_an_unchanged_course_makes_no_commit_and_keeps_the_secret(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    course_push(course.course, gh)
    first = gh.branches(COURSE)["main"].sha
    capsys.readouterr()
    again = course.gateway()
    assert course_push(course.course, again) == 0
    assert gh.branches(COURSE)["main"].sha == first
    assert again.calls.writes == 0  # no repository, no secret written
    printed = capsys.readouterr().out
    assert f"already holds this course at {first[:12]}: unchanged, no new commit" in printed
    assert "already set, kept" in printed


def test_rotate_token_stores_the_current_token_again(course: Classroom) -> None:
    course_push(course.course, course.gateway())
    instructor = course.seeded.instructor.login
    fresh = course.server.sandbox.new_token(instructor).token
    assert course_push(course.course, GitHub(course.url, fresh, backoff=0.0)) == 0
    assert stored_secret(course) == course.token  # kept without --rotate-token
    rotated = GitHub(course.url, fresh, backoff=0.0)
    assert course_push(course.course, rotated, rotate_token=True) == 0
    assert stored_secret(course) == fresh
    assert rotated.calls.writes == 1  # the secret, nothing else


def test_the_dry_run_writes_nothing_and_says_what_it_would_do(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert course_push(course.course, gh, dry_run=True) == 0
    assert gh.calls.writes == 0 and gh.repo(COURSE) is None
    printed = capsys.readouterr().out
    assert f"would create {COURSE} (private) with " in printed
    assert f"secret {SECRET_NAME}: would be set" in printed
    course_push(course.course, gh)
    (course.course.root / "roster.csv").write_text("github_username,name,email,section,team\n")
    capsys.readouterr()
    again = course.gateway()
    course_push(course.course, again, dry_run=True, rotate_token=True)
    assert again.calls.writes == 0
    printed = capsys.readouterr().out
    assert f"would update {COURSE}: 1 change(s)" in printed and "M\troster.csv" in printed
    assert "would be replaced" in printed


def test_grades_recorded_in_the_repository_are_kept_and_a_longer_local_file_wins(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    course_push(course.course, gh)
    work = tmp_path / "workflow"
    git("clone", "-q", f"{course.url}/{COURSE}.git", str(work), cwd=tmp_path, token=course.token)
    (work / GRADES).write_bytes(FIRST_GRADE + b'{"score": 50}\n')
    other = work / "grades" / "tasks-api" / "school-learner-2.jsonl"
    other.write_bytes(b'{"score": 80}\n')
    (work / "official-runs.md").write_text("run 1\n")
    git("add", "-A", cwd=work)
    git("-c", "user.name=bot", "-c", "user.email=b@x", "commit", "-qm", "record", cwd=work)
    git("push", "-q", "origin", "main", cwd=work, token=course.token)
    capsys.readouterr()

    course_push(course.course, gh)  # this folder is behind: nothing recorded is lost
    files = files_of(course, tmp_path, "after")
    assert files[GRADES] == FIRST_GRADE + b'{"score": 50}\n'
    assert files["grades/tasks-api/school-learner-2.jsonl"] == b'{"score": 80}\n'
    assert files["official-runs.md"] == b"run 1\n"  # not a path course push owns
    assert "kept 2 grades file(s)" in capsys.readouterr().out

    (course.course.root / GRADES).write_bytes(FIRST_GRADE + b'{"score": 50}\n{"score": 90}\n')
    course_push(course.course, gh)
    assert files_of(course, tmp_path, "longer")[GRADES].endswith(b'{"score": 90}\n')


def test_grades_that_diverged_stop_the_push_and_name_the_file(
    course: Classroom, tmp_path: Path
) -> None:
    gh = course.gateway()
    course_push(course.course, gh)
    work = tmp_path / "workflow"
    git("clone", "-q", f"{course.url}/{COURSE}.git", str(work), cwd=tmp_path, token=course.token)
    (work / GRADES).write_bytes(b'{"score": 1}\n')
    git("-c", "user.name=bot", "-c", "user.email=b@x", "commit", "-qam", "record", cwd=work)
    git("push", "-q", "origin", "main", cwd=work, token=course.token)
    tip = gh.branches(COURSE)["main"].sha
    (course.course.root / "roster.csv").write_text("github_username,name,email,section,team\n")
    with pytest.raises(UserError) as refused:
        course_push(course.course, gh)
    assert GRADES in str(refused.value)
    assert gh.branches(COURSE)["main"].sha == tip


def test_removed_hidden_tests_and_foreign_workflows_leave_the_repository(
    classroom: Classroom, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "templates" / "tasks-api", catalog / "tasks-api")
    room = with_two_repositories(classroom, catalog=catalog, assignments=("tasks-api",))
    gh = room.gateway()
    course_push(room.course, gh)
    work = tmp_path / "work"
    git("clone", "-q", f"{room.url}/{COURSE}.git", str(work), cwd=tmp_path, token=room.token)
    (work / ".github" / "workflows" / "leak.yml").write_text("on: push\n")
    git("add", "-A", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x", cwd=work)
    git("push", "-q", "origin", "main", cwd=work, token=room.token)
    gone = sorted((catalog / "tasks-api" / "hidden_tests").glob("test_*.py"))[0]
    gone.unlink()
    course_push(room.course, gh)
    files = files_of(room, tmp_path)
    assert f"assignments/tasks-api/hidden_tests/{gone.name}" not in files
    assert ".github/workflows/leak.yml" not in files
    assert ".github/workflows/official.yml" in files


def test_a_public_repository_is_never_used_as_the_course_repository(course: Classroom) -> None:
    gh = course.gateway()
    gh.create_repo(ORG, "course", private=False, template=False)
    with pytest.raises(UserError) as refused:
        course_push(course.course, gh)
    assert f"{COURSE} is public" in str(refused.value)
    assert gh.branches(COURSE) == {}


def test_a_roster_outside_the_course_folder_is_refused_with_its_field(
    course: Classroom, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(course.course.roster_path, outside)
    toml = course.course.root / "course.toml"
    toml.write_text(toml.read_text().replace('roster = "roster.csv"', f'roster = "{outside}"'))
    room = with_two_repositories(course, assignments=())
    with pytest.raises(UserError) as refused:
        course_push(room.course, room.gateway())
    assert "course.toml: roster:" in str(refused.value) and "outside" in str(refused.value)


def test_merging_grades_keeps_the_longer_version_and_reports_divergence() -> None:
    merged = merge_grades(
        {"a": b"1\n2\n", "b": b"1\n", "c": b"1\n", "d": b"x\n"},
        {"a": b"1\n", "b": b"1\n2\n", "c": b"1\n", "e": b"9\n", "d": b"y\n"},
    )
    assert merged.files == {"a": b"1\n2\n", "b": b"1\n2\n", "c": b"1\n", "e": b"9\n"}
    assert merged.kept == ["b", "e"]
    assert merged.conflicts == ["d"]


def test_only_an_administrator_may_store_the_secret(course: Classroom) -> None:
    course_push(course.course, course.gateway())
    learner = course.logins[0]
    course.gateway().invite(COURSE, learner, "push")
    member = course.client(course.learner_token(learner)).get_user()
    for invitation in member.get_invitations():
        member.accept_invitation(invitation)
    writer = GitHub(course.url, course.learner_token(learner), backoff=0.0)
    with pytest.raises(UserError) as refused:
        writer.store_token_secret(COURSE, SECRET_NAME)
    assert "admin" in str(refused.value)
    with pytest.raises(UserError):
        writer.secret_exists(COURSE, SECRET_NAME)  # not even whether it is there
    assert stored_secret(course) == course.token


def test_the_official_workflow_runs_at_every_deadline_and_extension_in_utc(
    classroom: Classroom, tmp_path: Path
) -> None:
    extra = (
        "\n[assignments.notes]\ndeadline = 2026-12-10T18:00:30+02:00\n"
        "[assignments.notes.extensions]\nschool-learner-2 = 2026-12-12T09:15:00-05:00\n"
    )
    room = with_two_repositories(classroom, assignments=("tasks-api",), extra=extra)
    toml = room.course.root / "course.toml"
    toml.write_text(toml.read_text().replace("concurrent_jobs = 20", "concurrent_jobs = 7"))
    course_push(load_course(room.course.root), room.gateway())
    text = files_of(room, tmp_path)[".github/workflows/official.yml"].decode()
    tasks = room.course.course.assignments["tasks-api"].deadline
    assert tasks is not None
    expected = {
        f"{tasks.minute} {tasks.hour} {tasks.day} {tasks.month} *",  # init writes 23:59Z
        "1 16 10 12 *",  # 18:00:30+02:00 is 16:00:30 UTC: the next whole minute
        "15 14 12 12 *",  # the extension, 09:15-05:00
    }
    crons = {line.split('"')[1] for line in text.splitlines() if "- cron:" in line}
    assert crons == expected
    assert 'GRADING_REPOSITORY: "school/classroom"' in text
    assert text.count("max-parallel: 7 ") == 2
    assert "# notes extended deadline of school-learner-2" in text


def _record_in_the_repository(room: Classroom, tmp_path: Path, files: dict[str, bytes]) -> None:
    """What the official workflow's record job does: commit grades in the course repository."""
    work = tmp_path / "record"
    git("clone", "-q", f"{room.url}/{COURSE}.git", str(work), cwd=tmp_path, token=room.token)
    for name, content in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(content)
    git("add", "-A", cwd=work)
    git("-c", "user.name=bot", "-c", "user.email=b@x", "commit", "-qm", "record", cwd=work)
    git("push", "-q", "origin", "main", cwd=work, token=room.token)


def test_course_pull_brings_the_official_grades_into_the_folder(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    course_push(course.course, gh)
    other = "grades/tasks-api/school-learner-2.jsonl"
    longer = FIRST_GRADE + b'{"score": 50, "tier": "official"}\n'
    _record_in_the_repository(course, tmp_path, {GRADES: longer, other: b'{"score": 80}\n'})
    capsys.readouterr()

    assert main(["course", "pull", "--course", str(course.course.root)]) == 0
    root = course.course.root
    assert (root / GRADES).read_bytes() == longer
    assert (root / other).read_bytes() == b'{"score": 80}\n'
    assert "2 grades file(s) updated" in capsys.readouterr().out

    assert main(["course", "pull", "--course", str(course.course.root)]) == 0
    assert "the folder already has every grade" in capsys.readouterr().out


def test_course_pull_writes_nothing_when_the_grades_diverged(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course_push(course.course, course.gateway())
    other = "grades/tasks-api/school-learner-2.jsonl"
    _record_in_the_repository(course, tmp_path, {GRADES: b'{"score": 1}\n', other: b"{}\n"})

    assert main(["course", "pull", "--course", str(course.course.root)]) == 2
    assert GRADES in capsys.readouterr().err
    assert (course.course.root / GRADES).read_bytes() == FIRST_GRADE
    assert not (course.course.root / other).exists()  # nothing written, not even the new file
