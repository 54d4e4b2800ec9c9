"""`classroom dashboard`: build the instructor dashboard from the grades store, and publish it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from basis.errors import UserError
from orchestrator.course import COURSE_FILE, load_course
from orchestrator.dashboard.build import BuiltSite, build_site
from orchestrator.dashboard.classinfo import ClassInfo, infer_class_info, load_class_info
from orchestrator.dashboard.course_facts import class_info_from_course
from orchestrator.dashboard.publish import publish_site
from orchestrator.dashboard.similar import FINDINGS_DIR, Found, load_findings
from orchestrator.dashboard.synthetic import synthetic_class
from orchestrator.grades_store import GradesStore, load_store, store_from_submissions


def dashboard(
    course: Path,
    *,
    out: Path | None = None,
    synthetic: tuple[int, int] | None = None,
    seed: int = 7,
    class_info: Path | None = None,
    as_of: datetime | None = None,
    publish: bool = False,
    remote: str = "origin",
    dry_run: bool = False,
) -> int:
    """Build the site into `out` (default `course/site`); with `publish`, push it to gh-pages."""
    info, store, moment = _inputs(course, synthetic, seed, class_info, as_of)
    similar = {} if synthetic else _similar(course, publish=publish)
    site = build_site(info, store, out or course / "site", as_of=moment, similar=similar)
    print(_describe(site, len(store)))
    if publish:
        done = publish_site(site.out, course, remote=remote, dry_run=dry_run)
        verb = "would publish" if dry_run else "published"
        state = "changed" if done.changed else "unchanged"
        print(
            f"{verb} {done.branch} at {done.commit[:12]} ({state})"
            + (f", pushed to {done.pushed_to}" if done.pushed_to else "")
        )
    return 0


def _inputs(
    course: Path,
    synthetic: tuple[int, int] | None,
    seed: int,
    class_info: Path | None,
    as_of: datetime | None,
) -> tuple[ClassInfo, GradesStore, datetime]:
    if synthetic:
        generated = synthetic_class(*synthetic, seed=seed)
        return (
            generated.info,
            store_from_submissions(generated.lines),
            as_of or generated.as_of,
        )
    store = load_store(course)
    if not store.histories and class_info is None:
        print(
            f"note: no grades under {course / 'grades'} yet; the site shows an empty class",
            file=sys.stderr,
        )
    return _class_info(course, store, class_info), store, as_of or datetime.now(UTC)


def _similar(course: Path, *, publish: bool) -> dict[str, Found]:
    """`classroom similarity`'s findings: on the instructor's own site; on a published one
    only when course.toml's `[similarity] publish` is true."""
    if not (course / FINDINGS_DIR).is_dir():
        return {}
    if publish and not _may_publish_similarity(course):
        print(
            f"note: the similarity findings under {course / FINDINGS_DIR} are left out of the "
            "published site (course.toml: [similarity] publish = false)",
            file=sys.stderr,
        )
        return {}
    return load_findings(course)


def _may_publish_similarity(course: Path) -> bool:
    return (course / COURSE_FILE).is_file() and load_course(course).course.similarity.publish


def _class_info(course: Path, store: GradesStore, class_info: Path | None) -> ClassInfo:
    """--class-info if given, else course.toml and the roster if present, else the store."""
    if class_info:
        return load_class_info(class_info)
    if (course / COURSE_FILE).is_file():
        return class_info_from_course(load_course(course), store)
    return infer_class_info(store, course=course.resolve().name)


def _describe(site: BuiltSite, pushes: int) -> str:
    return (
        f"dashboard: {site.pages} pages from {pushes} graded pushes, "
        f"{site.bytes / 1e6:.1f} MB, {site.at_risk} learners at risk\n"
        f"open {site.index.resolve()}"
    )


def parse_synthetic(text: str) -> tuple[int, int]:
    """'300,6' -> (300, 6): learners and assignments of a generated class."""
    try:
        learners, assignments = (int(part) for part in text.split(","))
    except ValueError as exc:
        raise UserError(
            f"--synthetic {text}: write LEARNERS,ASSIGNMENTS, e.g. --synthetic 300,6"
        ) from exc
    if not (1 <= learners <= 100_000 and 1 <= assignments <= 50):
        raise UserError(f"--synthetic {text}: use 1 to 100000 learners and 1 to 50 assignments")
    return learners, assignments
