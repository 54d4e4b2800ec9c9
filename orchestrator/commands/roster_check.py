"""`classroom roster check`: every bad row of the roster, with its line number, then each
learner's deadline per assignment (extensions marked)."""

from __future__ import annotations

import sys

from rich.console import Console

from orchestrator.course import CourseDir
from orchestrator.deadline_view import deadline_matrix, unknown_extensions
from orchestrator.gateway import GitHub
from orchestrator.roster import check_accounts, format_problems, load_roster


def roster_check(course: CourseDir, gh: GitHub | None, *, console: Console | None = None) -> int:
    """0 when every row is good; 1 (and each problem on stderr) when some are not, or when an
    extension in course.toml names someone who is not on the roster.

    Without a gateway only the offline checks run (format, duplicates, teams).
    """
    say = console or Console(highlight=False)
    roster = load_roster(course.roster_path)
    if gh is not None and not any(p.field == "header" for p in roster.problems):
        roster = check_accounts(roster, gh.user_exists)
    logins = [x.login for x in roster.learners]
    strays = unknown_extensions(course.course, logins) if logins else []
    for line in strays:
        print(line, file=sys.stderr)
    if roster.problems:
        print(format_problems(roster.path, roster.problems), file=sys.stderr)
        print(f"{len(roster.problems)} problem(s) in {roster.path}", file=sys.stderr)
        return 1
    teams = {x.team for x in roster.learners if x.team}
    sections = {x.section for x in roster.learners if x.section}
    print(
        f"{roster.path}: {len(roster.learners)} learners, {len(sections)} sections, "
        f"{len(teams)} teams, " + ("but see the extensions above" if strays else "all good")
    )
    matrix = deadline_matrix(course.course, logins)
    if matrix is not None:
        say.print(matrix)
    return 1 if strays else 0
