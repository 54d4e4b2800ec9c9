"""The record job's pure parts and files: what came back of each chunk, the store's lines
(never twice), what may be posted, the summary, the issue comment, the grade job's check."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator.gateway import CommentInfo, IssueInfo, JobInfo
from orchestrator.grades_store import load_store
from orchestrator.official.comment import (
    OFFICIAL_GRADE_MARKER,
    comment_body,
    post_grade,
    released,
)
from orchestrator.official.grade_chunk import containment_problems
from orchestrator.official.model import (
    CHUNK_FILE,
    OUTCOME_FILE,
    RESULTS_FILE,
    Chunk,
    Entry,
    Fetched,
    FetchedChunk,
    GradeOutcome,
    RunPlan,
    write_model,
)
from orchestrator.official.record import (
    Recorded,
    collect,
    format_run,
    grades_to_post,
    write_run,
)
from orchestrator.tiers import OfficialPlan
from tests.official.reports import FULL, official_report

GRADER = "b" * 40
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
COMMITS = {"ada": "1" * 40, "bob": "2" * 40, "cy": "3" * 40, "dee": "4" * 40, "eve": "5" * 40}


def entry(login: str, deadline: datetime | None = None) -> Entry:
    return Entry(
        assignment="tasks-api",
        seat=login,
        members=(login,),
        repo=f"school/tasks-api-{login}",
        clone_url=f"https://example.test/school/tasks-api-{login}.git",
        html_url=f"https://example.test/school/tasks-api-{login}",
        commit=COMMITS[login],
        deadline=deadline,
    )


def run_plan(release: str = "now", deadline: datetime | None = None) -> RunPlan:
    """ada, bob, cy in chunk 0; dee in chunk 1; eve in chunk 2; zed has no repository."""
    chunks = (
        Chunk(index=0, entries=tuple(entry(x, deadline) for x in ("ada", "bob", "cy"))),
        Chunk(index=1, entries=(entry("dee", deadline),)),
        Chunk(index=2, entries=(entry("eve", deadline),)),
    )
    return RunPlan(
        course_repo="school/course",
        course_commit="c" * 40,
        grading_repo="school/classroom",
        grader_commit=GRADER,
        event="workflow_dispatch",
        planned_at=NOW,
        plans=(
            OfficialPlan(
                assignment="tasks-api",
                grader_commit=GRADER,
                reason="deadline",
                to_grade={**COMMITS, "zed": ""},
            ),
        ),
        chunks=chunks,
        max_parallel=2,
        causes={"tasks-api": {"zed": "no repository school/tasks-api-zed"}},
        seats={"tasks-api": tuple(e for c in chunks for e in c.entries)},
        release=release,  # type: ignore[arg-type]
        titles={"tasks-api": "Tasks API"},
    )


def chunk_came_back(results: Path, plan: RunPlan) -> None:
    """Chunk 0's artifact: ada graded, bob not fetched, cy's grader stopped with exit 3."""
    folder = results / "results-0"
    fetched = [
        Fetched(entry=entry("ada"), archive="tars/tasks-api/ada.tar"),
        Fetched(entry=entry("bob"), cause="could not fetch commit 222222222222"),
        Fetched(entry=entry("cy"), archive="tars/tasks-api/cy.tar"),
    ]
    write_model(FetchedChunk(index=0, grader_commit=GRADER, fetched=tuple(fetched),
                             fetched_at=NOW), folder / CHUNK_FILE)  # fmt: skip
    report = official_report(COMMITS["ada"], plan.grader_commit)
    (folder / "tasks-api" / "ada").mkdir(parents=True)
    (folder / "tasks-api" / "ada" / RESULTS_FILE).write_text(report.model_dump_json())
    write_model(GradeOutcome(exit_code=3, seconds=4), folder / "tasks-api" / "cy" / OUTCOME_FILE)


JOBS = [
    JobInfo(1, "Fetch 2", "completed", "failure"),
    JobInfo(2, "Grade chunk 1", "completed", "cancelled"),
    JobInfo(3, "Grade chunk 2", "completed", "failure"),
]


def test_each_learner_gets_their_report_or_the_reason_there_is_none(tmp_path):
    plan = run_plan()
    chunk_came_back(tmp_path, plan)
    collected = collect(plan, tmp_path, JOBS)
    assert set(collected.reports["tasks-api"]) == {"ada"}
    assert collected.causes["tasks-api"] == {
        "zed": "no repository school/tasks-api-zed",
        "bob": "its code was not fetched: could not fetch commit 222222222222",
        "cy": "the grader stopped without a report (exit code 3)",
        "dee": "the grade job of chunk 1 ended without results (cancelled)",
        "eve": "its code was not fetched: the fetch job of chunk 2 ended failure",
    }
    unknown = collect(plan, tmp_path / "nothing")
    assert unknown.causes["tasks-api"]["ada"] == "the grade job of chunk 0 ended without results"


def test_a_run_is_recorded_once_and_a_report_that_is_not_fully_contained_is_refused(tmp_path):
    plan = run_plan()
    chunk_came_back(tmp_path / "results", plan)
    collected = collect(plan, tmp_path / "results", JOBS)
    held = FULL.model_copy(update={"level": "partial"})
    partial = official_report(COMMITS["cy"], GRADER, containment=held)
    collected.reports["tasks-api"]["cy"] = partial
    collected.causes["tasks-api"].pop("cy")
    course = tmp_path / "course"
    [batch] = write_run(course, plan, collected, NOW)
    assert batch.summary.graded == ("ada",)
    not_graded = dict(batch.summary.not_graded)
    assert not_graded["cy"] == "its grade ran without full containment (partial)"
    assert len(not_graded) == 5
    store = load_store(course)
    assert [g.commit for g in store.history("tasks-api", "ada")] == [COMMITS["ada"]]
    assert (course / "reports" / "tasks-api" / "ada").is_dir()
    [again] = write_run(course, plan, collected, NOW + timedelta(hours=1))
    assert again.summary.graded == () and again.summary.skipped == ("ada",)
    assert len(load_store(course).history("tasks-api", "ada")) == 1  # never twice


def test_grades_wait_for_the_deadline_when_the_course_says_after_deadline(tmp_path):
    soon = NOW + timedelta(days=1)
    for release, deadline, shown in [
        ("now", soon, True),
        ("after-deadline", soon, False),
        ("after-deadline", NOW - timedelta(minutes=1), True),
    ]:
        plan = run_plan(release, deadline)
        root = tmp_path / f"{release}-{shown}"
        chunk_came_back(root / "results", plan)
        write_run(root, plan, collect(plan, root / "results"), NOW)
        posting = grades_to_post(root, plan, NOW)
        assert [e.seat for e, _ in posting.now] == (["ada"] if shown else [])
        assert [e.seat for e in posting.waiting] == ([] if shown else ["ada"])
    assert released("after-deadline", None, NOW)


def test_the_summary_says_who_was_graded_who_not_and_why_and_what_was_posted(tmp_path):
    plan = run_plan("after-deadline", NOW + timedelta(days=1))
    chunk_came_back(tmp_path / "results", plan)
    batches = write_run(tmp_path, plan, collect(plan, tmp_path / "results", JOBS), NOW)
    waiting = grades_to_post(tmp_path, plan, NOW).waiting
    text = format_run(plan, Recorded(tuple(batches), (), waiting, "commit 0123456789ab"))
    assert text.startswith("## Official grades: Tasks API\n")
    assert "1 graded, 5 not graded, 0 skipped (already graded)" in text
    assert "- not graded: dee: the grade job of chunk 1 ended without results" in text
    assert "- not posted yet (release = after-deadline): ada; the first deadline is " in text
    assert "Store: commit 0123456789ab." in text


# --- the comment --------------------------------------------------------------------------


def test_the_comment_shows_the_grade_without_anything_the_learners_code_printed():
    report = official_report(COMMITS["ada"], GRADER, put_back=(("conftest.py", "added"),))
    tests = report.stage("tests")
    assert tests is not None
    tests.message = "@everyone <img src=x> LEARNER_OUTPUT"
    body = comment_body(report, entry("ada"), grader_commit=GRADER, reason="deadline")
    assert body.startswith(f"{OFFICIAL_GRADE_MARKER}\n<!-- classroom:graded ")
    assert f"## Official grade · {report.assignment_title} · " in body
    assert f"`{COMMITS['ada'][:12]}`" in body and "(graded for: deadline)" in body
    assert "| Hidden checks | 1 / 3 | ⚠️ 1 of 2 fail |" in body
    assert "**test\\_owner\\_only**: Only the owner may read it." in body
    assert "`conftest.py` (added)" in body
    assert "**without network**" in body and "unprivileged user of its own" in body
    assert "LEARNER_OUTPUT" not in body and "boom" not in body and "<img" not in body


class FakeIssues:
    """The gateway's issue methods over an in-memory issue (the one seam tests replace)."""

    def __init__(self) -> None:
        self.comments_: list[CommentInfo] = []
        self.writes = 0

    def find_issue(self, _repo: str, title: str) -> IssueInfo | None:
        return IssueInfo(1, title, False, "u") if title == "Assignment: Tasks API" else None

    def identity(self) -> str:
        return "teacher"

    def issues(self, _repo: str, _label: str | None = None) -> list[IssueInfo]:
        return []  # no milestone issues either

    def comments(self, _repo: str, _number: int) -> list[CommentInfo]:
        return list(self.comments_)

    def create_comment(self, _repo: str, _number: int, body: str) -> CommentInfo:
        self.writes += 1
        made = CommentInfo(len(self.comments_) + 1, "teacher", body, f"t{len(self.comments_)}", "u")
        self.comments_.append(made)
        return made

    def edit_comment(self, _repo: str, comment_id: int, body: str) -> None:
        self.writes += 1
        self.comments_ = [
            CommentInfo(c.id, c.author, body, c.created_at, c.html_url) if c.id == comment_id else c
            for c in self.comments_
        ]

    def delete_comment(self, _repo: str, comment_id: int) -> None:
        self.comments_ = [c for c in self.comments_ if c.id != comment_id]


def post(gh: FakeIssues, report, title: str = "Tasks API"):
    body = comment_body(report, entry("ada"), grader_commit=GRADER, reason="")
    return post_grade(gh, entry("ada"), report, title=title, me="teacher", body=body)  # type: ignore[arg-type]


def test_the_grade_is_one_comment_edited_in_place_and_only_its_own_counts():
    gh = FakeIssues()
    forged = f"{OFFICIAL_GRADE_MARKER}\n## Official grade · 100 / 100"
    gh.comments_.append(CommentInfo(99, "ada", forged, "t0", "u"))  # the learner's own
    report = official_report(COMMITS["ada"], GRADER)
    first = post(gh, report)
    assert first.url and not first.unchanged and gh.writes == 1
    assert post(gh, report).unchanged and gh.writes == 1  # the same grade: nothing written
    later = report.model_copy(update={"started_at": report.started_at + timedelta(hours=1)})
    later = later.model_copy(update={"score": 12.5})
    assert not post(gh, later).unchanged and gh.writes == 2
    assert post(gh, report).unchanged and gh.writes == 2  # an older grade never replaces it
    mine = [c for c in gh.comments_ if c.author == "teacher"]
    assert len(mine) == 1 and "12.5 / " in mine[0].body
    assert gh.comments_[0].body == forged  # left as it was, and not believed
    assert "provision opens it" in post(gh, report, title="Other").problem


# --- the grade job's check ----------------------------------------------------------------


def test_a_grade_that_ran_without_full_containment_or_left_no_report_fails_the_job(tmp_path):
    folder = tmp_path / "results"
    fetched = [Fetched(entry=entry(x), archive=f"tars/{x}.tar") for x in ("ada", "bob", "cy")]
    write_model(FetchedChunk(index=0, grader_commit=GRADER, fetched=tuple(fetched),
                             fetched_at=NOW), folder / CHUNK_FILE)  # fmt: skip
    full = official_report(COMMITS["ada"], GRADER)
    gaps = {"level": "partial", "missing": ["a private filesystem: install bubblewrap"]}
    partial = official_report(COMMITS["bob"], GRADER, containment=FULL.model_copy(update=gaps))
    for login, report in (("ada", full), ("bob", partial)):
        (folder / "tasks-api" / login).mkdir(parents=True)
        (folder / "tasks-api" / login / RESULTS_FILE).write_text(report.model_dump_json())
    assert containment_problems(folder) == [
        "tasks-api/bob: containment partial, not full (a private filesystem: install bubblewrap)",
        "tasks-api/cy: the grader left no report",
    ]
    (folder / "tasks-api" / "bob" / RESULTS_FILE).unlink()
    (folder / "tasks-api" / "cy").mkdir()
    (folder / "tasks-api" / "cy" / RESULTS_FILE).write_text(full.model_dump_json())
    assert containment_problems(folder) == ["tasks-api/bob: the grader left no report"]


def test_the_grade_jobs_commands_need_only_the_graders_own_dependencies():
    """The grade job installs the grader alone (no `instructor` extra): its commands must
    load without PyGithub, the sandbox's server or the YAML reader."""
    blocked = ("github", "requests", "yaml", "fastapi", "uvicorn", "croniter")
    code = "\n".join(
        [
            "import sys",
            *(f"sys.modules[{name!r}] = None" for name in blocked),
            "from classroom.cli import build_parser",
            "args = build_parser().parse_args(['official-job', 'verify', '--results', 'r'])",
            "import orchestrator.official.grade_chunk",
            "print(args.handler.__name__)",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "_run_verify"
