"""Bad tokens, unknown paths and malformed bodies get GitHub-shaped errors, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.contract import CONTRACTS, GRAPHQL, NO_JSON, ContractLog
from tests.sandbox.harness import all_routes


@pytest.fixture
def client(running, school, instructor):
    instructor.get_organization("school").create_repo("hw", auto_init=True)
    with httpx.Client(
        base_url=running.url,
        timeout=10,
        headers={"Authorization": f"Bearer {school.instructor.token}"},
    ) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/no/such/endpoint/at/all", None, 404),
        ("DELETE", "/user", None, 404),
        ("GET", "/repos/school/missing", None, 404),
        ("POST", "/orgs/school/repos", b"{not json", 400),
        ("POST", "/orgs/school/repos", b"[1, 2]", 400),
        ("POST", "/orgs/school/repos", b"{}", 422),
        ("POST", "/orgs/school/repos", b'{"name": "bad name!"}', 422),
        ("POST", "/repos/school/hw/issues", b'{"title": 5}', 422),
        ("PATCH", "/repos/school/hw/issues/abc", b"{}", 422),
        ("POST", "/repos/school/hw/pulls", b'{"head": "nope", "base": "main", "title": "x"}', 422),
        ("PUT", "/repos/school/hw/contents/a.txt", b'{"message": "m", "content": "%%%"}', 201),
        ("GET", "/repos/school/hw/contents/missing.txt", None, 404),
        ("GET", "/repos/school/hw/commits/not-a-ref", None, 422),
        ("POST", "/repos/school/hw/check-runs", b'{"name": "x", "head_sha": "main"}', 403),
        ("PUT", "/repos/school/hw/branches/main/protection", b"{}", 422),
        ("POST", "/repos/school/hw/dispatches", b'{"event_type": "go"}', 422),
    ],
)
def test_error_is_github_shaped(client, method, path, body, status):
    response = client.request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    if status >= 400:
        assert set(response.json()) >= {"message", "documentation_url"}


def test_bad_token_is_401_everywhere(running):
    with httpx.Client(base_url=running.url, headers={"Authorization": "token nope"}) as c:
        for path in ("/user", "/repos/school/hw", "/orgs/school"):
            response = c.get(path)
            assert response.status_code == 401
            assert response.json()["message"] == "Bad credentials"


def test_anonymous_write_is_401(running, school):
    del school
    response = httpx.post(f"{running.url}/orgs/school/repos", json={"name": "x"})
    assert response.status_code == 401


def test_every_route_has_a_contract():
    routes = set(all_routes())
    assert len(routes) > 100
    missing = sorted(routes - CONTRACTS.keys() - NO_JSON - GRAPHQL)
    assert not missing


def test_contract_checker_rejects_a_wrong_body():
    log = ContractLog()
    log.check("GET", "/repos/{owner}/{name}", 200, b'{"id": "not a number"}')
    log.check("GET", "/user", 200, b'{"login": "x"}')
    log.check("GET", "/unregistered", 200, b"{}")
    assert len(log.violations) == 3
