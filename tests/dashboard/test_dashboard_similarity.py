"""The flagged pairs of `classroom similarity` on the dashboard: on the instructor's own site,
never on the published one unless course.toml's `[similarity] publish` is true."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from small_class import AS_OF
from test_dashboard_publish import course_repo, git  # noqa: F401  (the fixture, reused)

from classroom.cli import main
from orchestrator.similarity.model import Pair, Side, SimilarityRun

REPORT_MARK = "the matches of ada and bo, side by side"


def write_findings(course: Path) -> None:
    """What `classroom similarity tasks-api` leaves: one flagged pair, and the report."""
    pair = Pair(
        left=Side(label="ada", kind="learner", commit="a" * 40, share=96.0),
        right=Side(label="bo", kind="learner", commit="b" * 40, share=91.5),
        similarity=93.7,
        shared_tokens=4100,
        flagged=True,
    )
    run = SimilarityRun(
        assignment="tasks-api",
        generated_at=datetime(2026, 3, 15, 12, 0, tzinfo=UTC),
        threshold=70,
        min_shared_tokens=100,
        learners=3,
        archives=0,
        pairs_compared=3,
        median=20.0,
        p95=60.0,
        pairs=(pair,),
    )
    folder = course / "similarity" / "tasks-api"
    folder.mkdir(parents=True)
    (folder / "pairs.json").write_text(run.model_dump_json())
    (folder / "report.html").write_text(f"<html><body>{REPORT_MARK}</body></html>")


def build(course: Path, *extra: str) -> int:
    return main(
        ["dashboard", "--course", str(course), "--class-info", str(course / "class.json"),
         "--as-of", AS_OF.isoformat(), *extra]
    )  # fmt: skip


def test_the_instructors_own_site_lists_the_flagged_pairs_and_links_the_report(
    course_with_small_class: Path,
) -> None:
    course = course_with_small_class
    write_findings(course)

    assert build(course) == 0

    page = (course / "site" / "assignments" / "tasks-api.html").read_text()
    assert 'id="similar"' in page
    assert "93.7" not in page  # shown as a rounded percent
    assert "94%" in page and ">ada<" in page and ">bo" in page
    assert 'href="../similarity-tasks-api.html"' in page
    assert REPORT_MARK in (course / "site" / "similarity-tasks-api.html").read_text()
    assert 'id="similar"' not in (course / "site" / "assignments" / "notes-api.html").read_text()


def test_the_published_site_leaves_the_findings_out_by_default(
    course_repo: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_findings(course_repo)
    assert build(course_repo) == 0  # the instructor's own build has them in site/ ...
    assert (course_repo / "site" / "similarity-tasks-api.html").is_file()

    assert build(course_repo, "--publish") == 0  # ... the published one does not

    origin = tmp_path / "origin.git"
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin).splitlines()
    assert "assignments/tasks-api.html" in files
    assert not [f for f in files if "similarity" in f]
    published = git("show", "gh-pages:assignments/tasks-api.html", cwd=origin)
    assert 'id="similar"' not in published and "93.7" not in published
    assert all(REPORT_MARK not in git("show", f"gh-pages:{f}", cwd=origin)
               for f in files if f.endswith(".html"))  # fmt: skip
    assert "[similarity] publish = false" in capsys.readouterr().err
    assert not (course_repo / "site" / "similarity-tasks-api.html").exists()


def test_the_published_site_has_the_findings_when_the_course_says_so(
    course_repo: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    write_findings(course_repo)
    (course_repo / "course.toml").write_text('org = "school"\n\n[similarity]\npublish = true\n')

    assert build(course_repo, "--publish") == 0

    origin = tmp_path / "origin.git"
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin).splitlines()
    assert "similarity-tasks-api.html" in files
    assert 'id="similar"' in git("show", "gh-pages:assignments/tasks-api.html", cwd=origin)


def test_a_findings_file_that_is_not_one_is_an_error_naming_it(
    course_with_small_class: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course_with_small_class / "similarity" / "tasks-api"
    folder.mkdir(parents=True)
    (folder / "pairs.json").write_text('{"assignment": 3}')

    assert build(course_with_small_class) == 2

    assert "pairs.json" in capsys.readouterr().err
