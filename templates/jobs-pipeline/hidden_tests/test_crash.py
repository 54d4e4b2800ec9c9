from typing import Any


def test_a_worker_killed_mid_job_leaves_the_job_to_another(tally: Any) -> None:
    """SIGKILL mid-call (after Ledgerly booked it): the job must not stay `running` forever; within 10 s another attempt finishes it, booked once."""
    account = tally.account()
    tally.script(account, slow=1, delay_ms=1500)
    job = tally.queued(account, "8.00")
    assert len(tally.calls_when(account, 1, within=5.0)) == 1
    tally.kill_every_worker()
    done = tally.finished(job["id"], within=12.0)  # 10 s, and the next attempt's own call
    record = tally.record(account)
    assert done["status"] == "done"
    assert [entry["entry_id"] for entry in record["entries"]] == [done["entry_id"]]
