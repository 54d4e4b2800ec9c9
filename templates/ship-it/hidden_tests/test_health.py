import time
from typing import Any

# The outage on the learner's database (`app`), as the grader's superuser: no new connection,
# and every open one ended; then the way back.
CLOSE = (
    "ALTER DATABASE app WITH ALLOW_CONNECTIONS false; "
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = 'app' AND usename = 'learner'"
)
REOPEN = "ALTER DATABASE app WITH ALLOW_CONNECTIONS true"


def test_livez_is_200(shipquote: Any) -> None:
    """GET /livez answers 200 while the process serves."""
    assert shipquote.http.get("/livez").status_code == 200


def test_readyz_is_200_when_the_database_answers(shipquote: Any) -> None:
    """GET /readyz answers 200 when the service can reach its database."""
    assert shipquote.http.get("/readyz").status_code == 200


def test_readiness_follows_the_database_and_liveness_does_not(shipquote: Any) -> None:
    """Database unreachable: /readyz 503 within 3 s (ask it, with a timeout), /livez still 200 (a restart would not help); back: ready again."""
    shipquote.psql(CLOSE)
    try:
        deadline = time.monotonic() + 3.0
        while shipquote.http.get("/readyz").status_code != 503:
            assert time.monotonic() < deadline, "/readyz stayed 200 without a database"
            time.sleep(0.1)
        assert shipquote.http.get("/livez").status_code == 200
    finally:
        shipquote.psql(REOPEN)
    deadline = time.monotonic() + 5.0
    while shipquote.http.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "/readyz stayed 503 with the database back"
        time.sleep(0.1)


def test_readyz_does_not_ask_the_carrier(shipquote: Any) -> None:
    """Readiness is about what this service needs to answer: Parcelway's bad day must not take every instance out of the load balancer."""
    before = len(shipquote.calls())
    for _ in range(3):
        assert shipquote.http.get("/readyz").status_code == 200
    assert len(shipquote.calls()) == before
