import itertools
from typing import Any


def test_a_job_that_always_fails_is_parked_after_five_attempts(tally: Any, parked: Any) -> None:
    """After the 5th failed attempt the job is `parked` (attempts 5, an error), and Ledgerly is not called again."""
    account, _, job = parked
    assert (job["status"], job["attempts"]) == ("parked", 5)
    assert job["error"]
    times = [call["at"] for call in tally.calls_when(account, 6, within=1.5)]
    assert len(times) == 5
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(wait - 0.05 <= gap for gap, wait in zip(gaps, (0.5, 1, 2, 4), strict=True)), gaps


def test_parked_jobs_are_listed_and_can_be_retried(tally: Any, parked: Any) -> None:
    """GET /jobs?status=parked lists parked jobs; POST /jobs/{id}/retry answers 202 and queues it again (attempts from 0)."""
    account, job_id, job = parked
    assert job["status"] == "parked"
    listed = tally.http.get("/jobs", params={"status": "parked"}).json()["jobs"]
    assert job_id in [each["id"] for each in listed]
    retried = tally.http.post(f"/jobs/{job_id}/retry")
    assert retried.status_code == 202
    assert retried.json()["status"] in {"queued", "running", "done"}
    done = tally.finished(job_id)
    assert (done["status"], done["attempts"]) == ("done", 1)
    assert len(tally.record(account)["entries"]) == 1


def test_only_a_parked_job_can_be_retried(tally: Any) -> None:
    """Retrying a job that is not parked is 409 (it would run twice); an unknown one is 404."""
    account = tally.account()
    job = tally.queued(account, "8.00")
    assert tally.finished(job["id"])["status"] == "done"
    assert tally.http.post(f"/jobs/{job['id']}/retry").status_code == 409
    assert tally.http.post("/jobs/987654321/retry").status_code == 404
    assert len(tally.record(account)["calls"]) == 1
