"""`make demo`: a whole class on the local sandbox, from provisioning to the dashboard.

Start a local GitHub, seed an organization with three learners, push the course's two
repositories (`publish-grader`: the grading repository learners read, without hidden tests or
solutions; `course push`: the private course repository), publish and provision `tasks-api`.
Learner 1 pushes part of the work on a branch and opens a pull request: the repository's real
workflow files run through act and post the feedback comment. A fix updates that same comment;
the learner merges, and `collect` + `dashboard` turn the class's real grades into the
instructor's site. Practice runs skip the load stage here so the story fits in the time budget;
the demo ends with one full grade of the reference solution, hidden checks and the Locust load
test included.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence

from rich.console import Console
from rich.markdown import Markdown
from rich.rule import Rule

from classroom.sandbox_story import (
    ROOT,
    SLUG,
    Story,
    learner_push,
    make_course,
    open_pull,
    publish_and_provision,
    push_course,
    push_grader,
    sandbox_class,
    solution_files,
    wait_for_feedback,
    warm_environment,
)
from graders.commands.grade import grade
from graders.running.containment import detect
from graders.running.workspace import cache_root
from orchestrator.commands.collect import collect
from orchestrator.commands.dashboard import dashboard
from orchestrator.commands.official import Waiting, official
from orchestrator.course import CourseDir
from orchestrator.official.comment import OFFICIAL_GRADE_MARKER
from reporter.results_channel import CHECK_NAME
from reporter.sticky import read_stamp

OUT = ROOT / "demo-out"
SCRATCH = "app/scratch.py"
LEFTOVER = 'import os\n\n\ndef answer() -> int:\n    return "42"\n'


def main(argv: Sequence[str] | None = None) -> int:
    """Run the story; with --keep-serving, leave the sandbox up until Ctrl-C to browse it."""
    parser = argparse.ArgumentParser(prog="python -m classroom.demo", description=__doc__)
    parser.add_argument("--keep-serving", action="store_true", help="browse the URLs afterwards")
    parser.add_argument("--with-load", action="store_true", help="grade the load stage too")
    args = parser.parse_args(argv)
    console = Console()
    work = OUT / "class"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.monotonic()
    with sandbox_class(work, 3, cache=cache_root()) as story:
        _tell(story, console, skip=() if args.with_load else ("load",))
        if args.keep_serving:
            _serve(story, console)
    console.print(f"[dim]sandbox stopped; its data stays in {work}[/dim]")
    code = _full_grade(console)
    console.print(Rule(f"done in {time.monotonic() - started:.0f} s"))
    return code


def _full_grade(console: Console) -> int:
    """Every stage, hidden checks and the Locust run included, on the reference solution."""
    _step(console, "every stage, hidden checks and load included: the reference solution")
    assignment = ROOT / "templates" / SLUG
    out = OUT / "solution"
    code = grade(
        submission=assignment / "solution",
        assignment_dir=assignment,
        hidden_tests=assignment / "hidden_tests",
        out=out,
        skip=frozenset(),
        output_format="text",
    )
    console.print(Markdown((out / "feedback.md").read_text(encoding="utf-8")))
    return code


def _tell(story: Story, console: Console, *, skip: tuple[str, ...]) -> None:
    _step(console, f"a local GitHub at {story.url}; org school with 3 learners")
    course = make_course(story, skip=skip, release="now")
    _step(console, "instructor: classroom publish-grader + course push (the two repositories)")
    push_grader(story)
    console.print(f"grading repository (learners read it): {story.url}/school/classroom")
    push_course(story)
    console.print(f"course repository (private): {story.url}/school/course")
    warm_environment(story, cache_root())
    _step(console, "instructor: classroom publish + provision tasks-api")
    publish_and_provision(story, console)
    story.wait_for_runs(240)
    _step(console, "learner 1: part of the ticket on branch `work`, then a pull request")
    learner = story.seeded.learners[0]
    partial = {**solution_files(leave_out=("app/main.py",)), SCRATCH: LEFTOVER}
    first = learner_push(story, learner, "work", partial, "Most of the ticket")
    number = open_pull(story, learner, "work", "Tasks API v1")
    pull_url = f"{story.url}/{story.repo_of(learner)}/pull/{number}"
    console.print(f"pull request: {pull_url}; waiting for the workflow …")
    comment = _show_feedback(story, console, number, first)
    _step(console, "learner 1: wires the middleware, removes the leftover file, pushes again")
    fixed = learner_push(story, learner, "work", {**solution_files(), SCRATCH: None}, "Fix")
    again = _show_feedback(story, console, number, fixed)
    same = "the same comment, edited in place" if again == comment else "a NEW comment (bug!)"
    console.print(f"[bold]{same}[/bold]: {again}")
    _step(console, "learner 1 merges: main is graded, and the milestone issues follow the grade")
    story.client(learner).get_repo(story.repo_of(learner)).get_pull(number).merge()
    story.wait_for_runs(120)
    _show_milestones(story, console)
    _step(console, "instructor: classroom collect + dashboard")
    collect(course, story.instructor, SLUG, console=console)
    dashboard(course.root, out=OUT / "site")
    console.print(f"dashboard: {(OUT / 'site' / 'index.html').as_uri()}")
    _official(story, course, console)


def _official(story: Story, course: CourseDir, console: Console) -> None:
    """The grade that counts: the course repository's workflow grades the whole class."""
    missing = detect().missing()
    if missing:
        console.print(f"[yellow]official grading skipped[/yellow]: {'; '.join(missing)}")
        return
    _step(console, "instructor: classroom official tasks-api --wait (the grade that counts)")
    waiting = Waiting(timeout=900, poll=5)
    if official(course, story.instructor, SLUG, wait=waiting, say=console.print):
        raise RuntimeError(f"the official run failed: see {story.work / 'sandbox' / 'logs'}")
    learner = story.seeded.learners[0]
    repo = story.client(learner).get_repo(story.repo_of(learner))
    for issue in repo.get_issues(state="all"):
        for comment in issue.get_comments():
            if comment.body.startswith(OFFICIAL_GRADE_MARKER):
                (OUT / "official-comment.md").write_text(comment.body, encoding="utf-8")
                console.print(Rule(f"learner 1's official grade, on issue #{issue.number}"))
                console.print(Markdown(comment.body))
                return


def _show_feedback(story: Story, console: Console, number: int, sha: str) -> str:
    learner = story.seeded.learners[0]
    found = wait_for_feedback(story, learner, number, sha)
    if not found or (stamp := read_stamp(found[0][1])) is None or stamp.sha != sha:
        raise RuntimeError(f"no feedback for {sha[:12]}: see {story.work / 'sandbox' / 'logs'}")
    author, body, url = found[0]
    (OUT / f"comment-{sha[:12]}.md").write_text(body, encoding="utf-8")
    console.print(Rule(f"the comment {author} posted on #{number} ({len(found)} in all)"))
    console.print(Markdown(body))
    repo = story.client(learner).get_repo(story.repo_of(learner))
    checks = [c for c in repo.get_commit(sha).get_check_runs() if c.name == CHECK_NAME]
    check = max(checks, key=lambda c: c.id)
    console.print(
        f"check run {CHECK_NAME}: {check.output.title}, "
        f"{check.output.annotations_count} annotation(s) · comment: {url}"
    )
    return url


def _show_milestones(story: Story, console: Console) -> None:
    """Each milestone issue of learner 1's repository: its state and the comment that moved it."""
    learner = story.seeded.learners[0]
    repo = story.client(learner).get_repo(story.repo_of(learner))
    issues = repo.get_issues(state="all", labels=[f"assignment:{SLUG}"])
    for issue in sorted(issues, key=lambda i: i.number):
        console.print(f"#{issue.number} {issue.title}: [bold]{issue.state}[/bold]")
        for comment in issue.get_comments():
            console.print(f"    {comment.user.login}: {comment.body.splitlines()[0]}")


def _step(console: Console, text: str) -> None:
    console.print(Rule(f"[bold]{text}[/bold]", align="left"))


def _serve(story: Story, console: Console) -> None:
    console.print(f"serving {story.url} until Ctrl-C")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        return


if __name__ == "__main__":
    sys.exit(main())
