"""The built site in a real headless Chromium: it renders, charts draw, links work, no errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from orchestrator.dashboard.build import build_site
from orchestrator.dashboard.synthetic import synthetic_class
from orchestrator.grades_store import store_from_submissions

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = """--no-sandbox --disable-gpu --disable-background-networking --disable-component-update
--disable-sync --no-first-run --disable-quic""".split()  # noqa: SIM905 -- flags read as a command line

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    generated = synthetic_class(40, 4, seed=3)
    out = tmp_path_factory.mktemp("dashboard") / "site"
    build_site(generated.info, store_from_submissions(generated.lines), out,
               as_of=generated.as_of)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "no system Chromium: run `make browsers` first"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that fails the test on any console error, page error or failed request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: _on_console(m, problems))
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    yield tab
    context.close()
    assert problems == []


def _on_console(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"console {message.type}: {message.text}")


def _screenshot(tab: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    tab.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")


def test_the_overview_renders_its_table_and_charts(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())

    assert page.locator("h1").inner_text() == "Class overview"
    assert page.locator("table.overview tbody tr").count() == 4
    charts = page.locator("svg[role=img]")
    assert charts.count() == 8
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 40
    assert page.locator("svg[role=img] rect.bar").count() > 40
    _screenshot(page, "overview.png")


def test_links_lead_from_the_overview_to_a_learner_and_an_assignment(
    page: Page, site: Path
) -> None:
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="Learners", exact=True).click()
    assert page.locator("h1").inner_text() == "Learners"

    first = page.locator("table.matrix tbody th a").first
    login = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text().startswith(login)
    assert page.locator("svg.timeline").count() >= 1
    _screenshot(page, "learner.png")

    page.locator("section.timeline h2 a").first.click()
    assert page.url.endswith("/assignments/tasks-api.html")
    assert page.get_by_role("table", name="Failed checks, most failed first").is_visible()


def test_the_at_risk_page_links_back_to_each_learner(page: Page, site: Path) -> None:
    page.goto((site / "at-risk.html").as_uri())
    rows = page.locator("table.risk tbody tr")
    assert rows.count() > 0

    rows.first.locator("th a").click()
    assert page.get_by_role("note").inner_text().startswith("At risk")


def test_printing_hides_the_navigation(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    page.emulate_media(media="print")

    assert not page.locator("header nav").is_visible()
    assert page.locator("table.overview").is_visible()


def test_the_learners_page_explains_and_marks_the_tier_of_each_grade(
    page: Page, site: Path
) -> None:
    page.goto((site / "learners.html").as_uri())

    legend = page.locator("p.legend")
    assert legend.is_visible()
    assert all(word in legend.inner_text() for word in ("official", "practice", "not graded"))
    matrix = page.locator("table.matrix")
    assert matrix.locator(".tier.official").count() > 0
    assert matrix.locator(".tier.practice").count() > 0
    assert matrix.locator(".tier.not-graded").count() >= 1
    hidden = matrix.locator(".sr").first.bounding_box()  # the words are for screen readers
    assert hidden is not None and hidden["width"] <= 1 and hidden["height"] <= 1
    _screenshot(page, "learners.png")


def test_a_gamed_learner_is_listed_with_the_files_put_back_and_leads_to_their_page(
    page: Page, site: Path
) -> None:
    page.goto((site / "assignments" / "booking-api.html").as_uri())
    gaps = page.get_by_role(
        "table", name="Official grades 20 points or more below practice, widest gap first"
    )
    assert gaps.is_visible()
    first = gaps.locator("tbody tr").first
    assert "conftest.py (added)" in first.inner_text()
    page.locator("#gaps").scroll_into_view_if_needed()
    _screenshot(page, "gaps.png")

    first.locator("th a").click()
    assert page.locator(".gap").first.inner_text().startswith("Official grade far below practice")
    assert page.locator("svg.timeline path.point.official").count() >= 1
    _screenshot(page, "gamed-learner.png")
