"""`classroom dashboard`: the site built from a small class's store, read page by page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from small_class import AS_OF, AUTHZ, P95, graded, not_graded

from classroom.cli import main
from orchestrator.grades_store import record_submission


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "a" and (href := dict(attrs).get("href")):
            self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def text(path: Path) -> str:
    """The page's visible words, whitespace collapsed."""
    return re.sub(r"\s+([,;])", r"\1", re.sub(r"\s+", " ", " ".join(read_page(path).words)))


@pytest.fixture
def site(course_with_small_class: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    course = course_with_small_class
    code = main(
        ["dashboard", "--course", str(course), "--class-info", str(course / "class.json"),
         "--as-of", AS_OF.isoformat()]
    )  # fmt: skip
    assert code == 0
    assert f"open {(course / 'site' / 'index.html').resolve()}" in capsys.readouterr().out
    return course / "site"


def test_the_overview_says_who_started_submitted_and_passes(site: Path) -> None:
    overview = text(site / "index.html")

    assert "6 learners, 2 assignments" in overview
    assert "4 learners at risk" in overview
    # Tasks API: deadline, provisioned, started, submitted, passing (share), median
    assert "Tasks API 18 Mar 6 5 5 2 (33%) 55%" in overview
    assert f"60% of the class fails {AUTHZ} (hidden): 3 of 5 learners" in overview
    assert f"40% of the class misses {P95} (load): 2 of 5 learners" in overview


def test_the_overview_charts_are_labelled_svg(site: Path) -> None:
    svgs = [attrs for tag, attrs in read_page(site / "index.html").tags if tag == "svg"]

    assert len(svgs) == 4  # a histogram and stage pass rates per assignment
    assert all(attrs["role"] == "img" and attrs["aria-labelledby"] for attrs in svgs)
    assert "Score distribution, tasks-api" in text(site / "index.html")


def test_the_assignment_page_lists_the_checks_the_class_fails_most(site: Path) -> None:
    page = text(site / "assignments" / "tasks-api.html")

    assert f"hidden {AUTHZ} 3 of 5 60% 8" in page
    assert f"load {P95} 2 of 5 40% 10" in page
    assert page.index(AUTHZ) < page.index(P95) < page.index("test_update_task")


def test_a_learner_page_shows_the_timeline_links_and_late_flags(site: Path) -> None:
    eve = site / "learners" / "eve.html"
    page = text(eve)
    links = read_page(eve).links

    assert "notes-api passing 65% ◇ practice 65% 1 1 late" in page
    assert "https://github.com/demo-org/notes-api-eve" in links
    assert "https://github.com/demo-org/notes-api-eve/pull/1" in links
    assert any(link.startswith("https://github.com/demo-org/notes-api-eve/pull/1#issuecomment")
               for link in links)  # fmt: skip
    assert "Score per push, notes-api" in page


def test_a_learner_page_lists_each_push_with_its_failed_checks(site: Path) -> None:
    page = text(site / "learners" / "cy.html")

    assert "At risk" in page
    assert "score dropping on tasks-api: best 90%, now 40%" in page
    assert f"tests: test_update_task, hidden: {AUTHZ}, load: {P95}" in page  # stage order
    assert page.count("40.0 / 100.0") == 1


def test_the_at_risk_page_explains_every_entry(site: Path) -> None:
    page = text(site / "at-risk.html")

    assert "4 of 6 learners" in page
    assert (
        "Learners per reason Reason Learners deadline 4 idle 2 missed 2 dropping 1 stuck 1" in page
    )
    for login in ("bo", "cy", "dee", "fox"):
        assert f"{login} " in page
    assert "ada" not in page.split("Learners at risk and why")[1]
    assert "stuck on hidden" in page and "no push yet; 1 assignment open" in page


def test_every_link_between_pages_leads_to_a_page(site: Path) -> None:
    for page in site.rglob("*.html"):
        for link in read_page(page).links:
            if link.startswith(("https://", "#")):
                continue
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {link}"


def test_the_site_needs_nothing_from_the_network(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", html), page


def test_a_folder_not_built_by_the_dashboard_is_never_overwritten(
    course_with_small_class: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = course_with_small_class / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")

    code = main(["dashboard", "--course", str(course_with_small_class), "--out", str(precious)])

    assert code == 2
    assert "was not built by `classroom dashboard`" in capsys.readouterr().err
    assert (precious / "todo.txt").read_text() == "keep me"


def test_a_rebuild_replaces_the_previous_site(site: Path, course_with_small_class: Path) -> None:
    (site / "learners" / "gone.html").write_text("stale")

    assert main(["dashboard", "--course", str(course_with_small_class)]) == 0

    assert not (site / "learners" / "gone.html").exists()
    assert (site / "learners" / "ada.html").is_file()


def test_without_class_info_the_class_is_inferred_from_the_store(
    course_with_small_class: Path,
) -> None:
    assert main(["dashboard", "--course", str(course_with_small_class)]) == 0

    overview = text(course_with_small_class / "site" / "index.html")
    assert "5 learners, 2 assignments" in overview  # fox has no grade, so is unknown


def test_a_synthetic_class_builds_the_same_kind_of_site(tmp_path: Path) -> None:
    out = tmp_path / "demo"

    assert main(["dashboard", "--synthetic", "25,3", "--out", str(out)]) == 0

    assert len(list((out / "learners").glob("*.html"))) == 25
    assert len(list((out / "assignments").glob("*.html"))) == 3
    assert "25 learners, 3 assignments" in text(out / "index.html")


@pytest.mark.parametrize("value", ["25", "a,b", "0,3", "10,0"])
def test_a_bad_synthetic_size_is_a_user_error(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dashboard", "--synthetic", value, "--out", str(tmp_path / "x")]) == 2
    assert "--synthetic" in capsys.readouterr().err


def test_a_check_name_from_a_learners_repo_is_shown_never_run(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    course = tmp_path / "course"
    record_submission(course, graded("mal", "tasks-api", 1, 20, ("tests", hostile)))

    assert main(["dashboard", "--course", str(course)]) == 0

    for page in (course / "site").rglob("*.html"):
        assert "<script" not in page.read_text(encoding="utf-8"), page
    assert hostile in text(course / "site" / "learners" / "mal.html")


def test_every_table_has_a_caption_and_every_chart_a_title(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count("<table") == html.count("<caption>"), page
        assert html.count("<svg") == html.count('role="img"') == html.count("<title id="), page


def test_course_toml_and_the_roster_give_the_class_its_deadlines_and_learners(
    tmp_path: Path,
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.toml").write_text(
        'org = "demo-org"\n'
        "[assignments.tasks-api]\n"
        'title = "Tasks API"\n'
        "deadline = 2026-03-15T23:59:00Z\n"
        "[assignments.tasks-api.extensions]\n"
        "bo = 2026-03-20T23:59:00Z\n"
    )
    (course / "roster.csv").write_text(
        "github_username,name,email,section,team\n"
        "ada,Ada L,ada@example.edu,A,\n"
        "bo,Bo K,bo@example.edu,A,\n"
        "cy,Cy N,cy@example.edu,B,\n"
    )
    for login in ("ada", "bo"):  # both graded after the deadline; bo has an extension
        record_submission(course, graded(login, "tasks-api", 0.2, 90))

    assert main(["dashboard", "--course", str(course), "--as-of", AS_OF.isoformat()]) == 0

    site = course / "site"
    assert "3 learners, 1 assignments" in text(site / "index.html")
    assert "Tasks API 15 Mar" in text(site / "index.html")
    assert "tasks-api passing 90% ◇ practice 90% 1 1 late" in text(site / "learners" / "ada.html")
    assert "tasks-api passing 90% ◇ practice 90% 1 repository" in text(
        site / "learners" / "bo.html"
    )
    assert "cy — never" in text(site / "learners.html")  # on the roster, never pushed


def test_with_a_front_desk_each_assignment_page_shows_its_join_link(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.toml").write_text(
        'org = "demo-org"\n[join]\nassignments = ["tasks-api"]\n'
        "[assignments.tasks-api]\n[assignments.bookings-api]\n"
    )
    (course / "roster.csv").write_text("github_username,name,email,section,team\n")
    record_submission(course, graded("ada", "tasks-api", 0.2, 90))
    assert main(["dashboard", "--course", str(course), "--as-of", AS_OF.isoformat()]) == 0
    link = "https://github.com/demo-org/join/issues/new?template=join.yml&amp;assignment=tasks-api"
    assert f'<a href="{link}">' in (course / "site" / "assignments" / "tasks-api.html").read_text()
    assert "Join link" not in (course / "site" / "assignments" / "bookings-api.html").read_text()


def test_the_overview_counts_official_practice_and_not_graded_grades(site: Path) -> None:
    overview = text(site / "index.html")

    # ... median grade, official, practice only, not graded
    assert "Notes API 13 Mar 6 4 4 4 (67%) 72% 2 1 1" in overview
    assert "Tasks API 18 Mar 6 5 5 2 (33%) 55% 0 5 0" in overview
    assert "1 learner's official grade is 20 points or more below practice : bo." in overview


def test_every_page_with_grades_explains_the_tiers(site: Path) -> None:
    for page in ("index.html", "learners.html", "assignments/notes-api.html", "learners/ada.html"):
        words = text(site / page)
        assert "Tiers. ◆ official : graded by the course repository" in words, page
        assert "◇ practice : graded in the learner's own repository" in words, page
        assert "⊘ not graded : an official grade was attempted" in words, page
        assert "never a score of 0" in words, page


def test_the_learners_page_marks_each_grade_with_its_tier(site: Path) -> None:
    matrix = text(site / "learners.html")

    assert "ada 100% ◆ official 100% ◇ practice" in matrix
    assert "cy 80% ◇ practice ⊘ not graded 40% ◇ practice" in matrix


def test_the_assignment_page_lists_official_grades_far_below_practice(site: Path) -> None:
    page = text(site / "assignments" / "notes-api.html")

    assert "Official 2 Practice only 1 Not graded 1" in page
    assert "20 points of 100 or more below the practice grade of the same commit" in page
    assert (
        "bo 62% 90% 28.0 tests, hidden, load conftest.py (added), tests/test_notes.py (changed)"
        in page
    )
    assert "bo passing 62% ◆ official 90%" in page
    lost = "the grade job of chunk 2 did not finish"
    assert f"cy passing 80% ⊘ not graded : {lost} (the grade shown is practice) 80%" in page


def test_an_assignment_without_official_grades_lists_no_gap(site: Path) -> None:
    assert "No official grade is that far below practice." in text(
        site / "assignments" / "tasks-api.html"
    )


def test_a_learner_page_shows_the_gap_the_files_put_back_and_the_official_point(
    site: Path,
) -> None:
    bo = site / "learners" / "bo.html"
    page = text(bo)

    assert "Official grade far below practice: the official grade of" in page
    assert "scores 28.0 points of 100 less than the practice grade" in page
    assert "13 Mar 09:00 ◆ official" in page
    put_back = "conftest.py (added), tests/test_notes.py (changed)"
    assert f"tests: test_update_note; put back: {put_back}" in page
    diamonds = [a for tag, a in read_page(bo).tags if tag == "path" and "official" in a["class"]]
    assert len(diamonds) == 1


def test_a_learner_whose_official_grade_was_not_given_sees_why_and_their_practice_grade(
    site: Path,
) -> None:
    page = text(site / "learners" / "cy.html")

    assert "notes-api passing 80% ⊘ not graded : the grade job of chunk 2 did not finish" in page
    assert "did not finish. The grade shown is the practice one." in page


def test_an_official_grade_not_given_never_reads_as_a_zero(tmp_path: Path) -> None:
    course = tmp_path / "course"
    record_submission(course, not_graded("gil", "notes-api", 2, "runner lost"))

    assert main(["dashboard", "--course", str(course)]) == 0

    site = course / "site"
    assert "gil — ⊘ not graded" in text(site / "learners.html")
    learner = text(site / "learners" / "gil.html")
    assert "notes-api not graded — ⊘ not graded : runner lost —" in learner
    assert "No grade yet: this is not a 0." in learner
    assert "0%" not in learner
    counts = "Passing 0 Median grade — Official 0 Practice only 0 Not graded 1"
    assert counts in text(site / "assignments" / "notes-api.html")
