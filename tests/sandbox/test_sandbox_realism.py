"""Rate limits and injected faults answer as GitHub does; headers are always there."""

from __future__ import annotations

import threading

import httpx
import pytest

from sandbox.config import Faults, RateLimits, parse_faults, parse_rate_limits
from sandbox.records import Repo
from sandbox.seeding import seed
from tests.sandbox.harness import Running, start, stop


@pytest.fixture
def limited(tmp_path, contract_log):
    server = start(
        tmp_path / "data",
        contract_log,
        rate_limits=RateLimits(primary_per_hour=6, secondary_per_minute=2),
    )
    yield Running(server, contract_log)
    stop(server)


def _client(running: Running, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=running.url, headers={"Authorization": f"token {token}"}, timeout=10
    )


def test_every_response_carries_rate_limit_headers(running, school):
    with _client(running, school.instructor.token) as client:
        for path in ("/user", "/repos/school/missing", "/nowhere"):
            response = client.get(path)
            assert {
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                "x-ratelimit-used",
            } <= response.headers.keys(), path
        assert client.get("/rate_limit").json()["rate"]["limit"] == 5000


def test_secondary_limit_is_403_with_retry_after(limited):
    school = seed(limited.sandbox, "school", 0, limited.url)
    with _client(limited, school.instructor.token) as client:
        answers = [client.post("/orgs/school/repos", json={"name": f"r{i}"}) for i in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 403]
    assert "secondary rate limit" in answers[2].json()["message"]
    assert int(answers[2].headers["retry-after"]) >= 1


def test_primary_limit_is_403_with_zero_remaining(limited):
    school = seed(limited.sandbox, "school", 0, limited.url)
    with _client(limited, school.instructor.token) as client:
        answers = [client.get("/user") for _ in range(7)]
        free = client.get("/rate_limit")
    assert [a.status_code for a in answers] == [200] * 6 + [403]
    assert answers[6].headers["x-ratelimit-remaining"] == "0"
    assert "rate limit exceeded" in answers[6].json()["message"]
    assert free.status_code == 200 and free.json()["rate"]["remaining"] == 0


def test_fault_after_write_applies_it_then_answers_502(tmp_path, contract_log):
    server = start(tmp_path / "data", contract_log, faults=Faults(error_rate=1.0, seed=3))
    running = Running(server, contract_log)
    try:
        school = seed(running.sandbox, "school", 0, running.url)
        with _client(running, school.instructor.token) as client:
            statuses = [
                client.post("/orgs/school/repos", json={"name": f"r{i}"}).status_code
                for i in range(6)
            ]
        created = running.sandbox.store.scan(Repo)
    finally:
        stop(server)
    assert statuses == [502] * 6
    assert 0 < len(created) < 6, "some writes must land before their 502, some not"


def test_faults_are_reproducible_from_the_seed():
    from sandbox.api.realism import FaultPlan

    def draws(seed_value: int) -> list[str | None]:
        plan = FaultPlan(Faults(error_rate=0.5, seed=seed_value))
        return [plan.draw("POST") for _ in range(20)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


def test_switch_specs_parse_and_reject_nonsense():
    assert parse_rate_limits("primary=100/h,secondary=3/min") == RateLimits(
        primary_per_hour=100, secondary_per_minute=3
    )
    assert parse_faults("5xx=0.05,latency=50ms,seed=1") == Faults(
        error_rate=0.05, latency_ms=50, seed=1
    )
    with pytest.raises(ValueError, match="primary=N/h"):
        parse_rate_limits("primary=lots")


def test_pygithub_recognises_the_secondary_limit(limited):
    from github import RateLimitExceededException

    school = seed(limited.sandbox, "school", 0, limited.url)
    org = limited.github(school.instructor.token).get_organization("school")
    org.create_repo("a")
    org.create_repo("b")
    with pytest.raises(RateLimitExceededException) as exc:
        org.create_repo("c")
    assert exc.value.status == 403


def test_conditional_get_answers_304_for_free_until_the_resource_changes(tmp_path, contract_log):
    server = start(tmp_path / "data", contract_log, etags=True)
    running = Running(server, contract_log)
    school = seed(running.sandbox, "school", 0, running.url)
    with _client(running, school.instructor.token) as client:
        client.post("/orgs/school/repos", json={"name": "hw"})
        first = client.get("/repos/school/hw")
        etag = first.headers["etag"]
        used = int(first.headers["x-ratelimit-used"])
        again = client.get("/repos/school/hw", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert int(again.headers["x-ratelimit-used"]) == used
        client.patch("/repos/school/hw", json={"description": "changed"})
        changed = client.get("/repos/school/hw", headers={"If-None-Match": etag})
    stop(server)
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_stalled_request_times_the_client_out_yet_is_applied(tmp_path, contract_log):
    faults = Faults(timeout_rate=1.0, stall_seconds=1.0, seed=1)
    server = start(tmp_path / "data", contract_log, faults=faults)
    running = Running(server, contract_log)
    try:
        school = seed(running.sandbox, "school", 0, running.url)
        with (
            httpx.Client(
                base_url=running.url,
                timeout=0.2,
                headers={"Authorization": f"token {school.instructor.token}"},
            ) as c,
            pytest.raises(httpx.TimeoutException),
        ):
            c.post("/orgs/school/repos", json={"name": "late"})
        for _ in range(50):  # the write lands once the stall is over
            if running.sandbox.repo("school/late"):
                break
            threading.Event().wait(0.1)
        assert running.sandbox.repo("school/late") is not None
    finally:
        stop(server)
