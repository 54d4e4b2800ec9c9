"""How a grade travels from a learner's grading workflow to `classroom collect`.

The convention, in one place: the workflow's reporting job creates a check run named
`classroom/grade` on the graded commit. Its `output.summary` is for people (score, stages);
its `output.text` ends with the whole `results.json` (a `GradeReport`), compressed and
base64-encoded inside an HTML comment, so GitHub shows nothing of it:

    <!-- classroom-results v1
    eJyrVkrLz1eyUkpKLFKqBQA...
    -->

`collect` reads only that block, through the `GradeReport` model; it never parses the
human-readable part. It finds the check run through GraphQL (`GRADE_SELECTION`: the latest
`classroom/grade` run of each check suite on the default branch's head, read for up to 100
repositories at once), or through REST (`GET /repos/{repo}/commits/main/check-runs`).
GitHub caps `output.text` at 65,535 characters; a report compresses to
a few kilobytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import textwrap
import zlib
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from graders.model.report import GradeReport, ordered
from reporter.records import CheckRunInfo, check_run_from

CHECK_NAME = "classroom/grade"
RESULTS_CHANNEL_MARKER = "classroom-results v1"
MAX_TEXT = 65_535
# GraphQL: the fragment on Repository, its variables, and their values.
GRADE_SELECTION = """{
  defaultBranchRef { target { ... on Commit { oid
    checkSuites(first: 10, filterBy: {checkName: $check}) { nodes {
      checkRuns(first: 1, filterBy: {checkName: $check, checkType: LATEST}) { nodes {
        databaseId status conclusion completedAt summary text } } } } } } }
}"""
GRADE_VARIABLES = "$check: String!"
GRADE_VALUES = {"check": CHECK_NAME}
_BLOCK = re.compile(
    r"<!-- " + re.escape(RESULTS_CHANNEL_MARKER) + r"\n(?P<data>[A-Za-z0-9+/=\n]+?)\n-->"
)


def embed(report: GradeReport) -> str:
    """The hidden block carrying `report` (goes at the end of the check run's output.text)."""
    packed = zlib.compress(report.model_dump_json().encode(), level=9)
    data = "\n".join(textwrap.wrap(base64.b64encode(packed).decode(), 76))
    block = f"<!-- {RESULTS_CHANNEL_MARKER}\n{data}\n-->"
    if len(block) > MAX_TEXT:
        raise ValueError(f"results.json is too large for a check run ({len(block)} characters)")
    return block


def extract(text: str) -> GradeReport | None:
    """The report hidden in a check run's output.text; None when there is none or it is bad."""
    found = _BLOCK.search(text)
    if found is None:
        return None
    try:
        raw = zlib.decompress(base64.b64decode(found["data"].replace("\n", "")))
        return GradeReport.model_validate_json(raw)
    except (binascii.Error, zlib.error, ValidationError, ValueError):
        return None


def check_run_output(report: GradeReport) -> dict[str, str]:
    """The `output` of the grading check run: a title and summary for people, the data hidden."""
    stages = ", ".join(f"{s.name} {s.score:g}/{s.max_score:g}" for s in ordered(report.stages))
    return {
        "title": f"{report.score:g} / {report.max_score:g} points",
        "summary": f"{report.assignment_title}: {report.score:g} / {report.max_score:g} ({stages})",
        "text": embed(report),
    }


def newest_first(runs: Sequence[CheckRunInfo]) -> list[CheckRunInfo]:
    """The completed grading runs, the last to complete first (a tie: the later-created run)."""
    done = [run for run in runs if run.status == "completed"]
    return sorted(done, key=lambda run: (run.completed_at or "", run.id), reverse=True)


def grade_runs(repository: dict[str, Any] | None) -> list[CheckRunInfo]:
    """The grading check runs in one repository's answer to `GRADE_SELECTION` (none when the
    repository does not exist, has no commit yet, or no grade)."""
    target = ((repository or {}).get("defaultBranchRef") or {}).get("target") or {}
    suites = (target.get("checkSuites") or {}).get("nodes") or []
    return [
        check_run_from(
            {
                "id": run["databaseId"],
                "head_sha": target["oid"],
                "status": str(run["status"]).lower(),
                "conclusion": str(run["conclusion"]).lower() if run.get("conclusion") else None,
                "completed_at": run.get("completedAt"),
                "output": {"text": run.get("text"), "summary": run.get("summary")},
            }
        )
        for suite in suites
        if suite
        for run in (suite.get("checkRuns") or {}).get("nodes") or []
        if run
    ]
