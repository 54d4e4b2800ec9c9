"""The worker: every import posted to Ledgerly once, retried when that may help, parked if not."""

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Ledger, finished, statement, upload


@pytest.mark.usefixtures("worker")
def test_an_upload_is_posted_to_the_ledger(client: TestClient, ledger: Ledger) -> None:
    job = upload(client, "acme", statement("12.50", "7.50")).json()
    done = finished(client, job["id"])
    assert done["status"] == "done"
    entries = ledger.record("acme")["entries"]
    assert [(e["entry_id"], e["total_cents"], e["lines"]) for e in entries] == [
        (done["entry_id"], 2000, 2)
    ]


@pytest.mark.usefixtures("worker")
def test_a_ledger_that_fails_twice_gets_a_third_attempt(client: TestClient, ledger: Ledger) -> None:
    ledger.script("flaky", fail=2, status=503)
    job = upload(client, "flaky", statement("5.00")).json()
    done = finished(client, job["id"])
    assert (done["status"], done["attempts"]) == ("done", 3)


@pytest.mark.usefixtures("worker")
def test_a_refused_entry_fails_at_once(client: TestClient, ledger: Ledger) -> None:
    ledger.script("refused", fail=1, status=422)
    job = upload(client, "refused", statement("5.00")).json()
    done = finished(client, job["id"])
    assert (done["status"], done["attempts"]) == ("failed", 1)
    assert "422" in done["error"]


@pytest.mark.usefixtures("worker")
def test_an_answer_that_never_came_books_nothing_twice(client: TestClient, ledger: Ledger) -> None:
    ledger.script("slow", slow=1, delay_ms=1500)  # beyond the worker's 0.5 s timeout
    job = upload(client, "slow", statement("5.00")).json()
    done = finished(client, job["id"])
    record = ledger.record("slow")
    assert done["status"] == "done"
    assert len(record["calls"]) == 2
    assert [e["entry_id"] for e in record["entries"]] == [done["entry_id"]]


@pytest.mark.usefixtures("worker")
def test_a_job_that_always_fails_is_parked_after_five_attempts(
    client: TestClient, ledger: Ledger
) -> None:
    ledger.script("broken", fail=5, status=500)
    job = upload(client, "broken", statement("5.00")).json()
    parked = finished(client, job["id"])
    assert (parked["status"], parked["attempts"]) == ("parked", 5)
    calls = [call["at"] for call in ledger.record("broken")["calls"]]
    gaps = [later - earlier for earlier, later in itertools.pairwise(calls)]
    waits = [0.5, 1, 2, 4]  # the backoff doubles, from half a second
    assert all(wait - 0.05 <= gap <= wait + 1.5 for gap, wait in zip(gaps, waits, strict=True))
    listed = client.get("/jobs", params={"status": "parked"}).json()["jobs"]
    assert [j["id"] for j in listed] == [job["id"]]
    assert client.post(f"/jobs/{job['id']}/retry").status_code == 202
    assert finished(client, job["id"])["status"] == "done"


def test_only_a_parked_job_can_be_retried(client: TestClient) -> None:
    job = upload(client, "acme", statement("5.00")).json()
    assert client.post(f"/jobs/{job['id']}/retry").status_code == 409
    assert client.post("/jobs/987654/retry").status_code == 404
