"""`classroom dashboard --publish`: the site lands on the course repository's gh-pages branch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from small_class import AS_OF

from classroom.cli import main


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def course_repo(course_with_small_class: Path, tmp_path: Path) -> Path:
    """The small class's course folder as a git clone with a bare `origin` holding main."""
    course = course_with_small_class
    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", str(origin), cwd=tmp_path)
    git("init", "-q", "-b", "main", cwd=course)
    git("config", "user.email", "instructor@example.org", cwd=course)
    git("config", "user.name", "Instructor", cwd=course)
    (course / ".gitignore").write_text("site/\n")
    git("add", ".", cwd=course)
    git("commit", "-q", "-m", "grades", cwd=course)
    git("remote", "add", "origin", str(origin), cwd=course)
    git("push", "-q", "origin", "main", cwd=course)
    return course


def publish(course: Path, *extra: str) -> int:
    return main(
        ["dashboard", "--course", str(course), "--class-info", str(course / "class.json"),
         "--as-of", AS_OF.isoformat(), "--publish", *extra]
    )  # fmt: skip


def test_publishing_pushes_the_site_to_gh_pages(course_repo: Path, tmp_path: Path) -> None:
    assert publish(course_repo) == 0

    origin = tmp_path / "origin.git"
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin).splitlines()
    assert {"index.html", "at-risk.html", "style.css", ".nojekyll"} <= set(files)
    assert "learners/bo.html" in files
    assert "Class overview" in git("show", "gh-pages:index.html", cwd=origin)


def test_publishing_leaves_the_course_checkout_alone(course_repo: Path) -> None:
    head = git("rev-parse", "HEAD", cwd=course_repo)

    assert publish(course_repo) == 0

    assert git("rev-parse", "HEAD", cwd=course_repo) == head
    assert git("branch", "--show-current", cwd=course_repo) == "main"
    assert git("status", "--porcelain", cwd=course_repo) == ""


def test_publishing_the_same_site_twice_adds_no_commit(
    course_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    origin = tmp_path / "origin.git"
    assert publish(course_repo) == 0
    first = git("rev-parse", "gh-pages", cwd=origin)

    assert publish(course_repo) == 0

    assert git("rev-parse", "gh-pages", cwd=origin) == first
    assert "(unchanged)" in capsys.readouterr().out


def test_a_new_grade_becomes_a_new_pages_commit_on_top(course_repo: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    assert publish(course_repo) == 0
    first = git("rev-parse", "gh-pages", cwd=origin)
    grades = course_repo / "grades" / "tasks-api" / "fox.jsonl"
    line = (course_repo / "grades" / "tasks-api" / "eve.jsonl").read_text()
    grades.write_text(line.replace('"learner": "eve"', '"learner": "fox"'))

    assert publish(course_repo) == 0

    assert git("rev-parse", "gh-pages~1", cwd=origin) == first
    assert "fox" in git("show", "gh-pages:learners/fox.html", cwd=origin)


def test_a_dry_run_pushes_nothing(
    course_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(course_repo, "--dry-run") == 0

    assert git("ls-remote", "--heads", "origin", "gh-pages", cwd=course_repo) == ""
    assert "would publish gh-pages" in capsys.readouterr().out
    assert (tmp_path / "origin.git").is_dir()


def test_publishing_outside_a_git_repository_says_what_to_do(
    course_with_small_class: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(course_with_small_class) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_publishing_to_a_missing_remote_names_the_fix(
    course_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(course_repo, "--remote", "pages") == 2
    assert "git remote add pages URL" in capsys.readouterr().err


def test_dry_run_without_publish_is_refused(
    course_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dashboard", "--course", str(course_repo), "--dry-run"]) == 2
    assert "--dry-run only applies to --publish" in capsys.readouterr().err
