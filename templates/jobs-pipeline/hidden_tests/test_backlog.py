import time
from typing import Any


def test_a_failing_job_does_not_hold_up_the_others(tally: Any) -> None:
    """While jobs wait out their backoff, the workers take the next ones at once: a worker never sleeps with a job in hand."""
    broken, fine = tally.account(), tally.account()
    tally.script(broken, fail=1000, status=500)
    stuck = [tally.queued(broken, "1.00") for _ in range(2)]
    assert len(tally.calls_when(broken, 6, within=8.0)) >= 6  # each failed 3 times: 2 s to wait
    started = time.monotonic()
    job = tally.queued(fine, "2.00")
    assert tally.finished(job["id"], within=3.0)["status"] == "done"
    assert time.monotonic() - started < 1.2
    assert all(tally.job(job["id"])["status"] != "done" for job in stuck)
