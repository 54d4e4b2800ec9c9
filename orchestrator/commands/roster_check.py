"""`classroom roster check`: every bad row of the roster, with its line number."""

from __future__ import annotations

import sys

from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub
from orchestrator.roster import check_accounts, format_problems, load_roster


def roster_check(course: CourseDir, gh: GitHub | None) -> int:
    """0 when every row is good; 1 (and each problem on stderr) when some are not.

    Without a gateway only the offline checks run (format, duplicates, teams).
    """
    roster = load_roster(course.roster_path)
    if gh is not None and not any(p.field == "header" for p in roster.problems):
        roster = check_accounts(roster, gh.user_exists)
    if roster.problems:
        print(format_problems(roster.path, roster.problems), file=sys.stderr)
        print(f"{len(roster.problems)} problem(s) in {roster.path}", file=sys.stderr)
        return 1
    teams = {x.team for x in roster.learners if x.team}
    sections = {x.section for x in roster.learners if x.section}
    print(
        f"{roster.path}: {len(roster.learners)} learners, {len(sections)} sections, "
        f"{len(teams)} teams, all good"
    )
    return 0
