"""`on: schedule`: cron occurrences fire once each when the sandbox's clock passes them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.actions.schedule import crons_of, occurrences
from sandbox.seeding import seed


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_occurrences_are_those_after_the_start_up_to_the_end_in_utc():
    found = occurrences("0 23 * * *", at("2031-01-05T23:00:00"), at("2031-01-07T23:00:00"))
    assert found == [at("2031-01-06T23:00:00"), at("2031-01-07T23:00:00")]
    assert occurrences("not a cron", at("2031-01-05T00:00:00"), at("2031-02-05T00:00:00")) == []


def test_crons_of_reads_every_entry_of_the_schedule_list():
    on = {"schedule": [{"cron": "0 23 * * *"}, {"cron": "30 12 * * 1"}, {"other": 1}]}
    assert crons_of(on) == ["0 23 * * *", "30 12 * * 1"]
    assert crons_of({"push": {}}) == []


SCHEDULED = """\
name: deadlines
on:
  schedule:
    - cron: "0 23 * * *"
    - cron: "30 12 * * 1"
jobs:
  fire:
    runs-on: ubuntu-latest
    steps:
      - env:
          CRON: ${{ github.event.schedule }}
        run: echo "fired by $CRON on $GITHUB_REF"
"""


@pytest.mark.slow
def test_moving_the_clock_fires_each_occurrence_once(running_actions):
    running = running_actions
    school = seed(running.sandbox, "school", 0, running.url)
    assert running.admin("POST", "clock", {"now": "2031-01-06T00:00:00Z"}).json()["fired"] == []
    org = running.github(school.instructor.token).get_organization("school")
    repo = org.create_repo("course", private=True, auto_init=True)
    repo.create_file(".github/workflows/deadlines.yml", "deadlines", SCHEDULED)
    moved = running.admin("POST", "clock", {"now": "2031-01-07T23:30:00Z"}).json()
    assert [(f["cron"], f["scheduled_at"]) for f in moved["fired"]] == [
        ("30 12 * * 1", "2031-01-06T12:30:00Z"),
        ("0 23 * * *", "2031-01-06T23:00:00Z"),
        ("0 23 * * *", "2031-01-07T23:00:00Z"),
    ]
    assert running.admin("POST", "clock", {"now": "2031-01-07T23:40:00Z"}).json()["fired"] == []
    assert running.sandbox.runner.wait_idle(60)
    runs = list(repo.get_workflow_runs(event="schedule"))
    assert [(r.conclusion, r.head_branch) for r in runs] == [("success", "main")] * 3
    logs = [(running.sandbox.config.logs_dir / f"{r.id}.log").read_text() for r in runs]
    assert sum("| fired by 0 23 * * * on refs/heads/main" in log for log in logs) == 2
