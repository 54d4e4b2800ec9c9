"""A run's jobs are listed while act runs them, as GitHub lists them, and the report job's
wait (`reporter.wait`) reads them through the reporter's own gateway: it ends when the job it
waits for ends, not before."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reporter.gateway import GitHub
from reporter.wait import wait_for
from sandbox.seeding import seed

HELD = """\
name: live
on: push
jobs:
  held:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{{{ secrets.LIVE_SECRET }}}}" > /dev/null
      - run: for i in $(seq 1200); do test -e {release} && exit 0; sleep 0.1; done; exit 1
  quick:
    runs-on: ubuntu-latest
    steps:
      - run: echo quick
"""
SECRET = "live-secret-4f1c9"


def _jobs(gh: GitHub, repo: str, run_id: int) -> dict[str, tuple[str, str | None]]:
    return {j.name: (j.status, j.conclusion) for j in gh.run_jobs(repo, run_id)}


@pytest.mark.slow
def test_jobs_are_listed_while_the_run_is_in_progress_and_the_wait_ends_with_its_job(
    running_actions, tmp_path: Path
) -> None:
    school = seed(running_actions.sandbox, "school", 0, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_secret("LIVE_SECRET", SECRET)
    release = tmp_path / "release"
    repo.create_file(".github/workflows/live.yml", "ci", HELD.format(release=release))
    gh = GitHub(running_actions.url, school.instructor.token)
    deadline = time.monotonic() + 90
    while not list(repo.get_workflow_runs()) and time.monotonic() < deadline:
        time.sleep(0.2)
    run_id = next(iter(repo.get_workflow_runs())).id
    seen: dict[str, tuple[str, str | None]] = {}
    while seen.get("quick") != ("completed", "success") and time.monotonic() < deadline:
        seen = _jobs(gh, repo.full_name, run_id)
        time.sleep(0.2)
    assert seen == {"held": ("in_progress", None), "quick": ("completed", "success")}
    assert repo.get_workflow_run(run_id).status == "in_progress"
    live = running_actions.sandbox.config.logs_dir / f"{run_id}.live.jsonl"
    assert live.exists() and SECRET not in live.read_text()

    reads: list[dict[str, tuple[str, str | None]]] = []

    def read_then_release():  # the held job is let go after the wait's third read
        jobs = gh.run_jobs(repo.full_name, run_id)
        reads.append({j.name: (j.status, j.conclusion) for j in jobs})
        if len(reads) == 3:
            release.touch()
        return jobs

    waited = wait_for(read_then_release, "held", limit=60, every=0.2)
    assert waited.ended and [(j.name, j.conclusion) for j in waited.jobs] == [("held", "success")]
    assert all(r["held"] == ("in_progress", None) for r in reads[:3])
    assert running_actions.sandbox.runner.wait_idle(60)
    assert _jobs(gh, repo.full_name, run_id) == {
        "held": ("completed", "success"),
        "quick": ("completed", "success"),
    }
    assert not live.exists()  # the whole log, masked, replaced it
