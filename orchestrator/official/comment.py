"""The official grade on a learner's assignment issue: one comment, edited in place.

Rendered from the validated report (`templates/official/comment.md.j2`): the score, a row per
stage, the hints of the hidden checks that failed (never their code), the protected files
the grade put back, how the learner's code was contained (no network), the graded commit.
No output of the learner's code and none of their code is quoted: only what the grader decided.

Sticky like the practice feedback (`reporter.sticky`): the comment starts with its own
marker and a stamp (graded commit, grading time); only the posting token's own comments
count, so a learner who pastes the marker gets it neither edited nor believed; a re-run
that would replace a newer grade with an older one leaves the comment as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graders.feedback.advice import check_title, failing_checks, points_lost
from graders.feedback.mdsafe import Md, code_span, instructor_inline, md_inline, one_line, pts
from graders.model.report import Containment, GradeReport, StageResult, ordered
from graders.stages import registry
from orchestrator.course import Counts, Course, LatePolicy
from orchestrator.deadlines import LateResult
from orchestrator.gateway import GitHub
from orchestrator.grades_store import GradesStore
from orchestrator.late_ledger import graded_from_store, judge_commit, terms_of
from orchestrator.official.model import Entry
from orchestrator.plan import issue_title
from orchestrator.rendering import render
from orchestrator.standing import standings
from reporter.milestone_issues import our_issues
from reporter.moments import describe_push, format_moment
from reporter.sticky import Stamp, ours, read_stamp, stamped

OFFICIAL_GRADE_MARKER = "<!-- classroom:official-grade -->"
SHOWN_HIDDEN = 15
SHOWN_FILES = 20


@dataclass(frozen=True)
class Posted:
    """What posting one seat's grade did: a link, or why nothing was posted."""

    entry: Entry
    url: str = ""
    problem: str = ""
    unchanged: bool = False
    milestones: tuple[str, ...] = ()  # the milestone issues the grade moved, one line each


@dataclass(frozen=True)
class Lateness:
    """What the late policy made of one official grade, and which grade counts now."""

    result: LateResult
    pushed_at: datetime
    deadline: datetime
    zone: str  # the course's time zone, for the deadline's wall-clock time
    policy: LatePolicy | None
    counts: Counts
    counted: str | None  # the commit whose grade counts now (None: nothing accepted)


def comment_body(
    report: GradeReport,
    entry: Entry,
    *,
    grader_commit: str,
    reason: str,
    late: Lateness | None = None,
) -> str:
    """The issue comment for `entry`'s official grade `report` (marker and stamp first); with
    `late`, the late policy's line and which grade counts."""
    text = render(
        "official/comment.md.j2",
        marker=OFFICIAL_GRADE_MARKER,
        title=md_inline(report.assignment_title or report.assignment, 80),
        score=_heading_score(report, late),
        counts=_counts(entry, late),
        late=_late(late),
        commit=code_span(entry.commit[:12]),
        grader=code_span(grader_commit[:12]),
        reason=md_inline(reason, 120) if reason else "",
        rows=[_row(stage) for stage in ordered(report.stages)],
        hidden=_hidden(report),
        put_back=_put_back(report),
        contained=containment_sentence(report.containment),
        graded_at=report.started_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
    stamp = Stamp(sha=entry.commit, at=report.started_at)
    return stamped(text, stamp, marker=OFFICIAL_GRADE_MARKER)


def _heading_score(report: GradeReport, late: Lateness | None) -> Md:
    top = pts(report.max_score)
    if late is None:
        return Md(f"{pts(report.score)} / {top}")
    if late.result.status == "refused":
        return Md(f"{pts(report.score)} / {top}, too late to count")
    return Md(f"{pts(late.result.score)} / {top}")


def _counts(entry: Entry, late: Lateness | None) -> Md:
    """ "" (this grade counts), or which one does and by which rule."""
    if late is None or late.counted == entry.commit:
        return Md("")
    rule = f"course rule: `counts = {late.counts}`"
    if late.counted is None:
        return Md(f"No grade counts yet on this assignment ({rule})")
    return Md(f"The grade that counts is the one of `{late.counted[:12]}` ({rule})")


def _late(late: Lateness | None) -> dict[str, Any] | None:
    if late is None or not late.result.late:
        return None
    result, policy = late.result, late.policy
    paid = f", {result.budget_days} paid from your free late days" if result.budget_days else ""
    days = "1" if result.days_late == 1 else str(result.days_late)
    window = policy.days if policy is not None else result.budget_days
    return {
        "pushed": Md(_sentence(describe_push(late.pushed_at, late.deadline))),
        "deadline": Md(format_moment(late.deadline, late.zone)),
        "refused": result.status == "refused",
        "window": Md("1 late day" if window == 1 else f"{window} late days"),
        "before": Md(f"{pts(result.score_before)} / {pts(result.max_score)}"),
        "days": Md(f"{days}{paid}"),
        "rate": Md(f"{policy.penalty:g}% of full marks per late day") if policy else "",
        "penalty": Md(f"−{pts(result.penalty)}" if result.penalty else "0"),  # noqa: RUF001
        "after": Md(f"{pts(result.score)} / {pts(result.max_score)}"),
    }


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def lateness(
    course: Course, store: GradesStore, slug: str, login: str, commit: str
) -> Lateness | None:
    """How late `login`'s official grade of `commit` (in `store`) is, what the policy made of
    it and which grade counts now (None: it was not judged against a deadline)."""
    grade = next(
        (
            s
            for s in reversed(store.history(slug, login))
            if s.tier == "official" and s.commit == commit
        ),
        None,
    )
    if grade is None or grade.pushed_at is None or grade.deadline is None:
        return None
    terms = terms_of(course, login)
    grades = {t.slug: graded_from_store(store.history(t.slug, login)) for t in terms}
    result = judge_commit(terms, grades, course.late_days, slug, commit)
    if result is None:
        return None
    now = standings(store, login, [slug], terms, course.late_days)[slug]
    counted = now.grade.commit if now.grade is not None and now.grade.tier == "official" else None
    return Lateness(
        result,
        grade.pushed_at,
        grade.deadline,
        course.timezone,
        course.late_policy(slug),
        course.counts_of(slug),
        counted,
    )


def _row(stage: StageResult) -> dict[str, Md]:
    kind = registry.stage(stage.name)
    label = Md(kind.label)
    if stage.status in ("error", "skipped"):
        word = "could not be judged" if stage.status == "error" else "skipped"
        return {"label": label, "score": Md(f"0 / {pts(stage.max_score)}"), "summary": Md(word)}
    failing, total = len(failing_checks(stage)), len(stage.checks)
    if total:
        noun = "goals missed" if kind.goals else "fail"
        summary = f"{failing} of {total} {noun}" if failing else f"all {total} pass"
        if kind.goals and not failing:
            summary = f"all {total} goals met"
    elif stage.findings:
        noun = kind.findings.short if kind.findings else "finding"
        summary = f"{len(stage.findings)} {noun}{'s' if len(stage.findings) != 1 else ''}"
    elif stage.name == "install":
        summary = "installed" if stage.status == "passed" else "does not install"
    else:
        summary = "clean" if stage.status == "passed" else stage.status
    score = f"{pts(stage.score)} / {pts(stage.max_score)}" if stage.max_score else "—"
    icon = "✅" if stage.score >= stage.max_score and stage.status == "passed" else "⚠️"
    return {"label": label, "score": Md(score), "summary": Md(f"{icon} {one_line(summary, 60)}")}


def _hidden(report: GradeReport) -> dict[str, Any] | None:
    secret = [s for s in report.stages if registry.stage(s.name).secret_checks]
    stage = secret[0] if secret else None
    if stage is None or stage.status in ("error", "skipped"):
        return None
    failing = sorted(failing_checks(stage), key=lambda c: -points_lost(c))
    if not failing:
        return None
    items = [
        {
            "title": md_inline(check_title(c), 80),
            "hint": instructor_inline(c.hint or "no hint for this one: re-read the brief", 400),
        }
        for c in failing[:SHOWN_HIDDEN]
    ]
    return {"items": items, "more": len(failing) - len(items)}


def _put_back(report: GradeReport) -> dict[str, Any] | None:
    if not report.integrity:
        return None
    shown = report.integrity[:SHOWN_FILES]
    return {
        "files": [Md(f"{code_span(t.path, 120)} ({t.change})") for t in shown],
        "more": len(report.integrity) - len(shown),
    }


def containment_sentence(containment: Containment | None) -> str:
    """How the learner's code was kept in, in words a learner reads."""
    if containment is None:
        return "the report does not say how your code was contained"
    parts = []
    if containment.sandbox_uid is not None:
        parts.append("as an unprivileged user of its own")
    if containment.private_filesystem:
        parts.append("in a private filesystem that held only your code")
    if containment.network == "none":
        parts.append(
            "**without network**: your service could reach nothing but its own loopback address"
        )
    else:
        parts.append("with the machine's network")
    return "your code ran " + ", ".join(parts)


def post_grade(
    gh: GitHub, entry: Entry, report: GradeReport, *, title: str, me: str, body: str
) -> Posted:
    """Create or edit the one official-grade comment on the seat's assignment issue: the issue
    with the whole brief, or (an assignment taught as milestones) its first milestone's."""
    issue = gh.find_issue(entry.repo, issue_title(title))
    if issue is None:
        milestones = our_issues(gh, entry.repo, entry.assignment)
        issue = min(milestones.values(), key=lambda i: i.number) if milestones else None
    if issue is None:
        return Posted(
            entry, problem=f"no assignment issue '{issue_title(title)}' (provision opens it)"
        )
    mine = Stamp(sha=entry.commit, at=report.started_at)
    found = ours(gh.comments(entry.repo, issue.number), me, marker=OFFICIAL_GRADE_MARKER)
    created = None
    if not found:
        created = gh.create_comment(entry.repo, issue.number, body)
        found = ours(gh.comments(entry.repo, issue.number), me, marker=OFFICIAL_GRADE_MARKER)
        found = found or [created]
    keep = found[0]
    for duplicate in found[1:]:
        gh.delete_comment(entry.repo, duplicate.id)
    if created is not None and keep.id == created.id:
        return Posted(entry, keep.html_url)
    shown = read_stamp(keep.body, marker=OFFICIAL_GRADE_MARKER)
    if keep.body == body or (shown is not None and shown.at > mine.at):  # a later grade shows
        return Posted(entry, keep.html_url, unchanged=True)
    gh.edit_comment(entry.repo, keep.id, body)
    return Posted(entry, keep.html_url)


def released(release: str, deadline: datetime | None, now: datetime) -> bool:
    """May the learner see their official grade now? (`after-deadline`: once it has passed.)"""
    return release == "now" or deadline is None or deadline <= now
