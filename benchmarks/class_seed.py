"""Large classes on the sandbox, fast: what the benchmarks seed straight into its store.

Creating 5,000 or 10,000 repositories through the API takes the sandbox about 40 ms each (git
subprocesses). The benchmarks measure the commands, not the set-up, so where a set-up step is
not what is measured it writes the sandbox's store and bare repositories directly (each one a
copy of the template's, so it holds a real commit) and says so in its output:

- `tiny_catalog`: an assignment whose starter is one README (publishing and generating stay
  quick; nothing measured depends on the starter's size);
- `seed_repositories`: learner repositories as `generate` leaves them, without the API;
- `seed_grades`: the `classroom/grade` check run the grading workflow would have written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from graders.model.report import GradeReport, StageResult, Submission
from reporter.results_channel import CHECK_NAME, check_run_output
from sandbox.context import Sandbox
from sandbox.records import CheckRun, Collaborator, Invitation, Repo, now

SLUG = "tiny"


def tiny_catalog(root: Path, slugs: Iterable[str] = (SLUG,)) -> Path:
    """A catalog folder with one-README assignments called `slugs`."""
    for slug in slugs:
        starter = root / slug / "starter"
        starter.mkdir(parents=True, exist_ok=True)
        (starter / "README.md").write_text(f"# {slug}\n\nThe brief.\n", encoding="utf-8")
    return root


def assignments_toml(slugs: Iterable[str]) -> str:
    """course.toml tables for `slugs` (their templates come from the catalog)."""
    return "".join(f'\n[assignments.{s}]\ntitle = "Assignment {s}"\n' for s in slugs)


def report(score: float, slug: str = SLUG) -> GradeReport:
    """A small practice grade, as the grading workflow reports one."""
    stage = StageResult(
        name="tests", status="passed", score=score, max_score=100, duration_seconds=1, message=""
    )
    return GradeReport(
        assignment=slug,
        assignment_title=slug,
        score=score,
        max_score=100,
        submission=Submission(path="."),
        stages=[stage],
        tool_versions={},
        grader_version="bench",
        started_at=datetime.now(UTC),
        duration_seconds=1,
    )


def seed_repositories(sandbox: Sandbox, template: str, names: Iterable[str]) -> int:
    """Learner repositories `owner/name` holding the template's commit (store and disk only)."""
    source = sandbox.repo(template)
    assert source is not None, f"{template} must be published first"
    count = 0
    for full in names:
        owner, name = full.split("/", 1)
        if sandbox.repo(full) is not None:
            continue
        sandbox.store.add(Repo(owner=owner, name=name, private=True, template=template))
        shutil.copytree(
            sandbox.bare(template).path,
            sandbox.bare(full).path,
            ignore=shutil.ignore_patterns("*.sample"),
        )
        count += 1
    return count


def seed_grades(sandbox: Sandbox, names: Iterable[str], score_of: dict[str, float]) -> int:
    """A completed `classroom/grade` check run on each repository's main (store only)."""
    count = 0
    for full in names:
        repo = sandbox.repo(full)
        sha = sandbox.bare(full).resolve("refs/heads/main") if repo else None
        if sha is None:
            continue
        output = check_run_output(report(score_of.get(full, 50.0)))
        run = CheckRun(
            repo=full,
            name=CHECK_NAME,
            head_sha=sha,
            status="completed",
            conclusion="success",
            completed_at=now(),
            output=output,
        )
        sandbox.store.add(run)
        count += 1
    return count


def accept_invitations(sandbox: Sandbox, share: float) -> int:
    """Learners accept `share` of the pending invitations (oldest first), as people do."""
    pending = sandbox.store.scan(Invitation)
    chosen = pending[: int(len(pending) * share)]
    for invitation in chosen:
        sandbox.store.delete(invitation)
        sandbox.store.add(
            Collaborator(
                repo=invitation.repo, login=invitation.invitee, permission=invitation.permission
            )
        )
    return len(chosen)


class ModelledTime:
    """Waits that move the sandbox's clock instead of sleeping: a benchmark's gateway and pacer
    take `sleep` and `clock` from here, the sandbox judges every request by the same clock, and
    `waited` is the time GitHub's limits would have cost."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.waited = 0.0

    def sleep(self, seconds: float) -> None:
        self.waited += max(0.0, seconds)
        self.sandbox.clock.advance(seconds)

    def clock(self) -> float:
        return self.sandbox.clock.now().timestamp()
