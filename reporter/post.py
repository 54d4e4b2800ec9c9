"""The grading workflow's report job, from the grade artifact to GitHub (`classroom-report DIR`,
or `classroom report DIR`, which calls it).

It runs with a write token and never runs learner code. Every number it shows comes from
DIR/results.json validated through `GradeReport`, and the comment is rendered from that
report here (the artifact's feedback.md is not posted as is), so nothing the learner's code
printed or wrote elsewhere can change the score or the comment. It posts:

- the sticky pull-request comment, edited in place by its marker, never duplicated (also
  when two runs race: create, re-list, keep the oldest, delete the rest) and never
  overwritten by the result of an older commit; under its heading, the learner's deadline
  ("due Fri 12 Dec 2026 23:59 UTC-5, in 2 days", or how late the push came), read from their
  assignment issue (reporter.deadline_notice says why there, and what forging it changes);
- the `classroom/grade` check run on the graded commit, whose output carries the report for
  `classroom collect` and annotations for lint and type findings, 50 per request;
- for an assignment with milestones (`--assignment`), on a push to the default branch: the
  milestone issues closed, opened and reopened as the grade says
  (reporter.milestone_issues), when the repository has them (a course can opt out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from basis.errors import UserError
from graders.feedback.comment import render_feedback
from graders.model.assignment import LoadedAssignment
from graders.model.report import Finding, GradeReport
from reporter.deadline_notice import Notice, find_notice, practice_line
from reporter.gateway import GatewayError, GitHub
from reporter.milestone_issues import milestone_assignment
from reporter.milestone_issues import sync as milestone_sync
from reporter.results_channel import CHECK_NAME, check_run_output, extract, newest_first
from reporter.sticky import Stamp, is_stale, ours, read_stamp, stamped

ANNOTATIONS_PER_REQUEST = 50  # GitHub's cap on annotations in one create or update
MAX_ANNOTATIONS = 1000
LEVELS = {"error": "failure", "warning": "warning", "note": "notice"}
RESULTS = "results.json"


@dataclass(frozen=True)
class Target:
    """Where the report goes: the repository, the graded commit, the pull request if any."""

    repo: str
    sha: str
    pull_request: int | None = None
    ref: str = ""  # the event's ref (refs/heads/main on a push to main)


def report(
    folder: Path,
    target: Target,
    gh: GitHub,
    *,
    dry_run: bool = False,
    assignment: Path | None = None,
) -> int:
    """Post the comment and the check run for the grade in `folder`; 1 when there is none."""
    graded = load_report(folder)
    if dry_run:
        print(f"would report {_score(graded)} on {target.repo}@{target.sha[:12]}")
        return 0
    if graded is None:
        _missing_check_run(gh, target)
        print(f"no readable {RESULTS} in {folder}: reported a failed {CHECK_NAME} check run")
        return 1
    check_id = post_check_run(gh, target, graded)
    print(f"{CHECK_NAME}: check run {check_id}, {_score(graded)}")
    if target.pull_request is not None:
        print(post_comment(gh, target, graded))
    for line in sync_milestones(gh, target, graded, milestone_assignment(assignment)):
        print(line)
    return 0


def sync_milestones(
    gh: GitHub, target: Target, graded: GradeReport, loaded: LoadedAssignment | None
) -> list[str]:
    """The milestone issues brought in line with `graded`, on the event that counts: a push to
    the default branch, where work lands (a branch or pull request mid-work moves nothing, so
    two open pull requests never fight over an issue)."""
    if loaded is None or not graded.milestones or target.pull_request is not None:
        return []
    info = gh.repo(target.repo)
    if info is None or target.ref != f"refs/heads/{info.default_branch}":
        return []
    return milestone_sync(gh, target.repo, loaded, graded, "one-at-a-time")


def load_report(folder: Path) -> GradeReport | None:
    """The validated report in `folder`, or None when it is missing or malformed."""
    path = folder / RESULTS
    try:
        return GradeReport.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError, ValueError):
        return None


def _score(graded: GradeReport | None) -> str:
    return "no grade" if graded is None else f"{graded.score:g} / {graded.max_score:g} points"


# --- the sticky comment ----------------------------------------------------------------------


def comment_body(
    graded: GradeReport,
    sha: str,
    previous: GradeReport | None = None,
    deadline: Notice | None = None,
) -> str:
    """The feedback comment for `graded` (rendered from the report), stamped with `sha`;
    with `previous`, it opens with the change since that grade; with `deadline`, it says
    when the work is due, or how late it came."""
    line = practice_line(deadline, graded.started_at) if deadline else None
    feedback = render_feedback(graded, previous=previous, deadline=line)
    return stamped(feedback, Stamp(sha=sha, at=graded.started_at))


def learner_deadline(gh: GitHub, repo: str) -> Notice | None:
    """The learner's deadline as their assignment issue carries it (None: none, or
    unreadable: a failed read costs the deadline line, never the comment)."""
    try:
        return find_notice(gh, repo)
    except GatewayError:
        return None


def previous_grade(gh: GitHub, repo: str, sha: str, assignment: str) -> GradeReport | None:
    """The grade of `assignment` at commit `sha`, read back from its check run (None if none).

    It only sets the comment's "since last time" line: the score never depends on it, and a
    failed read costs that line, never the comment."""
    try:
        runs = gh.check_runs(repo, sha, CHECK_NAME)
    except GatewayError:
        return None
    for run in newest_first(runs):
        before = extract(run.text)
        if before is not None and before.assignment == assignment:
            return before
    return None


def post_comment(gh: GitHub, target: Target, graded: GradeReport) -> str:
    """Create or edit the one feedback comment on the pull request; says what it did."""
    assert target.pull_request is not None
    repo, number = target.repo, target.pull_request
    me = gh.identity()
    mine = Stamp(sha=target.sha, at=graded.started_at)
    found = ours(gh.comments(repo, number), me)
    deadline = learner_deadline(gh, repo)
    created = None
    if not found:
        created = gh.create_comment(repo, number, comment_body(graded, target.sha, None, deadline))
        found = ours(gh.comments(repo, number), me) or [created]
    keep, extra = found[0], found[1:]
    for duplicate in extra:
        gh.delete_comment(repo, duplicate.id)
    if created is not None and keep.id == created.id:
        return f"commented on #{number}: {keep.html_url}"
    shown = read_stamp(keep.body)
    if is_stale(mine, shown, gh.pull_head(repo, number)):
        return f"#{number} already shows a newer commit's grade; left {keep.html_url} as is"
    previous = None
    if shown is not None and shown.sha != mine.sha:
        previous = previous_grade(gh, repo, shown.sha, graded.assignment)
    gh.edit_comment(repo, keep.id, comment_body(graded, target.sha, previous, deadline))
    return f"updated the feedback on #{number}: {keep.html_url}"


# --- the check run ---------------------------------------------------------------------------


def finding_annotations(graded: GradeReport) -> list[dict[str, Any]]:
    """Check-run annotations for every lint and type finding, at file and line."""
    findings = [f for stage in graded.stages for f in stage.findings]
    return [_annotation(f) for f in findings[:MAX_ANNOTATIONS]]


def _annotation(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.file,
        "start_line": finding.line,
        "end_line": max(finding.end_line or finding.line, finding.line),
        "annotation_level": LEVELS[finding.severity],
        "title": f"{finding.tool} {finding.rule}",
        "message": finding.message + (f"\n{finding.url}" if finding.url else ""),
    }


def batches(items: list[dict[str, Any]], size: int = ANNOTATIONS_PER_REQUEST) -> list[list[Any]]:
    """`items` in requests of at most `size` (always at least one, maybe empty)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def conclusion(graded: GradeReport) -> str:
    """Full marks succeed; anything less is neutral (a practice grade blocks nothing)."""
    return "success" if graded.score >= graded.max_score else "neutral"


def post_check_run(gh: GitHub, target: Target, graded: GradeReport) -> int:
    """The `classroom/grade` check run with the report embedded, annotations in batches."""
    output = check_run_output(graded)
    first, *rest = batches(finding_annotations(graded))
    spec = {
        "name": CHECK_NAME,
        "head_sha": target.sha,
        "status": "completed",
        "conclusion": conclusion(graded),
        "completed_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "output": {**output, "annotations": first},
    }
    check_id = gh.create_check_run(target.repo, spec)
    for batch in rest:
        gh.update_check_run(target.repo, check_id, {"output": {**output, "annotations": batch}})
    return check_id


def _missing_check_run(gh: GitHub, target: Target) -> int:
    summary = (
        f"The grade job left no readable {RESULTS}: it was cancelled, timed out or crashed. "
        "Its log says why; push again to retry."
    )
    spec = {
        "name": CHECK_NAME,
        "head_sha": target.sha,
        "conclusion": "failure",
        "output": {"title": "No grade", "summary": summary},
    }
    return gh.create_check_run(target.repo, spec)


def parse_pull_request(text: str | None) -> int | None:
    """`--pull-request` as Actions passes it: empty on a push event."""
    if not text:
        return None
    if not text.isdigit():
        raise UserError(f"--pull-request {text!r}: give the pull request's number, e.g. 7")
    return int(text)
