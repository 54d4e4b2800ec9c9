import time
from typing import Any


def test_an_upload_is_202_with_its_job(tally: Any) -> None:
    """POST /uploads answers 202 with the job (queued, 0 attempts, lines, total_cents) and a Location of /jobs/{id}."""
    answer = tally.upload(tally.account(), tally.statement("10.00", "2.50"))
    assert answer.status_code == 202
    job = answer.json()
    assert job["status"] in {"queued", "running", "done"}
    assert (job["lines"], job["total_cents"]) == (2, 1250)
    assert answer.headers["location"] == f"/jobs/{job['id']}"
    assert tally.job(job["id"])["id"] == job["id"]


def test_the_total_is_exact_to_the_cent(tally: Any) -> None:
    """Sum amounts in integer cents: 0.10 three times is 30 cents, and refunds (negative amounts) count."""
    job = tally.queued(tally.account(), *["0.10"] * 3, "-1.05", "1204.9", "7")
    assert (job["lines"], job["total_cents"]) == (6, 121115)


def test_a_malformed_line_is_422_naming_it(tally: Any) -> None:
    """A bad date, amount or field count is 422 before anything is queued, and the message names the line."""
    for bad in (
        "2026-13-01,Rent,100.00",
        "2026-10-01,Rent,1.234",
        "2026-10-01,Rent",
        "2026-10-01,Rent,ten",
    ):
        text = tally.statement("1.00", "2.00") + bad + "\n"
        answer = tally.upload(tally.account(), text)
        assert answer.status_code == 422, bad
        assert "line 4" in answer.text, bad


def test_a_statement_without_transactions_is_422(tally: Any) -> None:
    """A file with only the header, with another header, or empty is 422: there is nothing to book."""
    for text in ("date,description,amount\n", "when,what,how much\n2026-10-01,Rent,1.00\n", ""):
        assert tally.upload(tally.account(), text).status_code == 422, text


def test_a_file_that_is_not_utf8_text_is_422(tally: Any) -> None:
    """A statement must be UTF-8 text: other bytes are 422, not a 500."""
    answer = tally.upload(tally.account(), "date,description,amount\n2026-10-01,Caf\xe9,1.00\n")
    assert answer.status_code == 202  # UTF-8 with an accent is fine
    body = b"date,description,amount\n2026-10-01,Caf\xe9,1.00\n"  # Latin-1 is not
    latin1 = tally.http.post(
        "/uploads", params={"account": tally.account()}, content=body,
        headers={"Content-Type": "text/csv"},
    )  # fmt: skip
    assert latin1.status_code == 422


def test_an_upload_over_a_megabyte_is_413(tally: Any) -> None:
    """Statements are at most 1 MB (1,048,576 bytes): a larger upload is 413 and queues nothing."""
    account = tally.account()
    big = tally.statement("1.00") + "2026-10-02,Padding " + "x" * 1_048_576 + ",1.00\n"
    assert tally.upload(account, big).status_code == 413
    time.sleep(0.5)
    assert tally.record(account)["calls"] == []


def test_an_account_is_required_and_checked(tally: Any) -> None:
    """`account` is required: 1-64 lowercase letters, digits and dashes, or 422."""
    assert tally.http.post("/uploads", content=tally.statement("1.00")).status_code == 422
    for bad in ("", "Acme", "acme corp", "a" * 65, "-acme"):
        assert tally.upload(bad, tally.statement("1.00")).status_code == 422, bad


def test_an_unknown_job_is_404(tally: Any) -> None:
    """GET /jobs/{id} of a job that does not exist is 404."""
    assert tally.http.get("/jobs/987654321").status_code == 404


def test_an_upload_is_answered_before_ledgerly_is(tally: Any) -> None:
    """The upload must not wait for Ledgerly: queue it and answer; the worker posts it (Ledgerly may take seconds)."""
    account = tally.account()
    tally.script(account, slow=1, delay_ms=1500)
    started = time.monotonic()
    job = tally.queued(account, "3.00")
    assert time.monotonic() - started < 1.0
    assert tally.finished(job["id"])["status"] == "done"
