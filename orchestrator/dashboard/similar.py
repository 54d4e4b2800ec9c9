"""The findings of `classroom similarity` on the dashboard: the flagged pairs on each
assignment's page, and the report beside the pages.

For the instructor only: the dashboard command passes them to the build unless the site is
being published (`--publish`, GitHub Pages, often public) and course.toml's
`[similarity] publish` is not true. The official workflow's dashboard never has them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.similarity.model import FINDINGS_FILE, REPORT_FILE, SimilarityRun, read_run

FINDINGS_DIR = "similarity"  # COURSE/similarity/<slug>/, where `classroom similarity` writes


@dataclass(frozen=True)
class Found:
    """One assignment's findings and its report page."""

    run: SimilarityRun
    report: str

    @property
    def page(self) -> str:
        """The report's place in the site (beside style.css, which it links)."""
        return report_page(self.run.assignment)


def report_page(slug: str) -> str:
    return f"similarity-{slug}.html"


def load_findings(course: Path) -> dict[str, Found]:
    """Every assignment's latest findings under COURSE/similarity, by slug."""
    found = {}
    for findings in sorted((course / FINDINGS_DIR).glob(f"*/{FINDINGS_FILE}")):
        run = read_run(findings)
        report = findings.parent / REPORT_FILE
        text = report.read_text(encoding="utf-8") if report.is_file() else ""
        found[run.assignment] = Found(run, text)
    return found


def report_pages(found: Mapping[str, Found]) -> Iterator[tuple[str, str]]:
    """The report of each assignment that has one, as a page of the site."""
    for item in found.values():
        if item.report:
            yield item.page, item.report
