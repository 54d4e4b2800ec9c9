from typing import Any


def test_an_import_is_booked_in_the_ledger(tally: Any) -> None:
    """The worker posts the import to Ledgerly (account, reference = the job's id, lines, total_cents) and the job is done with Ledgerly's entry_id."""
    account = tally.account()
    job = tally.queued(account, "19.99", "0.01", "-5.00")
    done = tally.finished(job["id"])
    assert done["status"] == "done"
    (entry,) = tally.record(account)["entries"]
    assert entry["entry_id"] == done["entry_id"]
    assert (entry["reference"], entry["lines"], entry["total_cents"]) == (str(job["id"]), 3, 1500)


def test_two_workers_never_post_the_same_job(tally: Any) -> None:
    """Two workers run at once: each job must be claimed by one of them (FOR UPDATE SKIP LOCKED), so Ledgerly gets one call per job."""
    account = tally.account()
    jobs = [tally.queued(account, f"{n}.00") for n in range(1, 25)]
    finished = [tally.finished(job["id"]) for job in jobs]
    assert [job["status"] for job in finished] == ["done"] * len(jobs)
    references = sorted(call["reference"] for call in tally.record(account)["calls"])
    assert references == sorted(str(job["id"]) for job in jobs)
