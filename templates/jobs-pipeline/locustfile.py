"""The load profile the grader runs against your service (after `python -m app.migrate`).

Each simulated user is a bookkeeper of one account: uploading a month's bank statement now
and then, and polling the jobs of the statements it uploaded (as the upload page does), and
now and then the back office listing the parked jobs. Requests are grouped by `name`, so
`/jobs/17` counts as `GET /jobs/{id}`. Ledgerly (the grader's) takes 100 ms a call.

Every answer is checked as the page would read it: an upload is a 202 with its job, a job has
a known status and the upload's figures. A fast answer that is wrong counts as a failed
request, and failed requests count against the goals.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from locust import FastHttpUser, between, task

STATUSES = {"queued", "running", "done", "failed", "parked"}
_users = itertools.count()


def statement(lines: int) -> tuple[str, int]:
    """A month's statement of `lines` transactions, and their total in cents."""
    amounts = [random.randint(-50_000, 250_000) for _ in range(lines)]
    rows = [
        f"2026-11-{day % 28 + 1:02d},Card payment {day},{cents // 100}.{abs(cents) % 100:02d}"
        if cents >= 0
        else f"2026-11-{day % 28 + 1:02d},Refund {day},-{-cents // 100}.{-cents % 100:02d}"
        for day, cents in enumerate(amounts)
    ]
    return "\n".join(["date,description,amount", *rows]) + "\n", sum(amounts)


class Bookkeeper(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        self.account = f"load-{next(_users):03d}"
        self.jobs: dict[int, tuple[int, int]] = {}  # id -> (lines, total_cents)

    @task(3)
    def upload(self) -> None:
        lines = random.randint(20, 200)
        text, total = statement(lines)
        with self.client.post(
            f"/uploads?account={self.account}",
            data=text.encode(),
            headers={"Content-Type": "text/csv"},
            name="/uploads",
            catch_response=True,
        ) as resp:
            job: Any = resp.json() if resp.status_code == 202 else None
            if not isinstance(job, dict) or (job.get("lines"), job.get("total_cents")) != (
                lines,
                total,
            ):
                resp.failure(f"status {resp.status_code}: not the job of this statement")
                return
            self.jobs[job["id"]] = (lines, total)

    @task(8)
    def poll(self) -> None:
        if not self.jobs:
            return
        job_id = random.choice(list(self.jobs))
        with self.client.get(f"/jobs/{job_id}", name="/jobs/{id}", catch_response=True) as resp:
            job: Any = resp.json() if resp.status_code == 200 else None
            if not isinstance(job, dict) or job.get("status") not in STATUSES:
                resp.failure(f"status {resp.status_code}: not a job")
            elif (job.get("lines"), job.get("total_cents")) != self.jobs[job_id]:
                resp.failure(f"job {job_id} does not hold its statement's figures")

    @task(1)
    def parked(self) -> None:
        with self.client.get("/jobs?status=parked", name="/jobs", catch_response=True) as resp:
            body: Any = resp.json() if resp.status_code == 200 else None
            if not isinstance(body, dict) or not isinstance(body.get("jobs"), list):
                resp.failure(f"status {resp.status_code}: no list of jobs")
