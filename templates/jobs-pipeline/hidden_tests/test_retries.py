import itertools
from typing import Any


def test_a_ledger_that_fails_twice_gets_a_third_attempt(tally: Any) -> None:
    """A 5xx from Ledgerly may pass: try again (the job stays queued), and the third attempt books it."""
    account = tally.account()
    tally.script(account, fail=2, status=503)
    job = tally.queued(account, "8.00")
    done = tally.finished(job["id"])
    assert (done["status"], done["attempts"]) == ("done", 3)
    assert len(tally.record(account)["entries"]) == 1


def test_retries_back_off_doubling_from_half_a_second(tally: Any) -> None:
    """After failed attempt n the next waits 0.5 * 2**(n-1) s (0.5, 1, 2): never at once, never much later (Ledgerly's own clock)."""
    account = tally.account()
    tally.script(account, fail=3, status=502)
    job = tally.queued(account, "8.00")
    assert tally.finished(job["id"])["status"] == "done"
    times = [call["at"] for call in tally.record(account)["calls"]]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == 3
    for gap, wait in zip(gaps, (0.5, 1.0, 2.0), strict=True):
        assert wait - 0.05 <= gap <= wait + 1.5, gaps


def test_a_rate_limited_call_is_tried_again(tally: Any) -> None:
    """A 429 (too many requests) from Ledgerly may pass, like a 5xx: retried, not failed."""
    account = tally.account()
    tally.script(account, fail=1, status=429)
    job = tally.queued(account, "8.00")
    assert tally.finished(job["id"])["status"] == "done"


def test_a_refused_entry_fails_at_once(tally: Any) -> None:
    """A 4xx other than 429 will not change: the job is failed after one attempt, with an error naming the status."""
    account = tally.account()
    tally.script(account, fail=1, status=422)
    job = tally.queued(account, "8.00")
    failed = tally.finished(job["id"])
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert "422" in (failed["error"] or "")
    assert len(tally.calls_when(account, 2, within=2.0)) == 1


def test_an_answer_that_never_came_books_nothing_twice(tally: Any) -> None:
    """Ledgerly booked the entry but answered after your 2 s timeout: retry with the same Idempotency-Key, so it is booked once."""
    account = tally.account()
    tally.script(account, slow=1, delay_ms=4000)
    job = tally.queued(account, "8.00")
    done = tally.finished(job["id"])
    record = tally.record(account)
    assert done["status"] == "done"
    assert len(record["calls"]) >= 2
    assert 1.9 <= record["calls"][1]["at"] - record["calls"][0]["at"] <= 4.0
    assert [entry["entry_id"] for entry in record["entries"]] == [done["entry_id"]]
