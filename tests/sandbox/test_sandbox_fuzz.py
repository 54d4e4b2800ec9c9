"""Every route, fed garbage bodies and odd path values, answers GitHub-shaped errors: no 500."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.sandbox.harness import all_routes

PATH_VALUES = {
    "owner": "school",
    "name": "hw",
    "org": "school",
    "login": "school-learner-1",
    "number": "1",
    "comment_id": "999",
    "label": "bug",
    "branch:path": "main",
    "path:path": "README.md",
    "ref:path": "heads/main",
    "sha": "0" * 40,
    "ref": "main",
    "ruleset_id": "1",
    "check_id": "1",
    "run_id": "1",
    "job_id": "1001",
    "workflow": "ci.yml",
    "invitation_id": "1",
    "repo_id": "1",
    "secret": "X",
    "basehead:path": "main...main",
    "rest:path": "info/refs",
}
BODIES = [
    b"{",
    b"[]",
    b'"text"',
    b"{}",
    b'{"name": 5, "title": [], "body": {}, "head": null,'
    b' "state": 7, "labels": "x", "permission": 1, "sha": [], "tree": 3, "ref": {},'
    b' "encrypted_value": 1, "rules": "x", "names": null, "output": []}',
]


@pytest.fixture
def client(running, school, instructor):
    repo = instructor.get_organization("school").create_repo("hw", auto_init=True)
    repo.create_issue("first")
    with httpx.Client(
        base_url=running.url,
        timeout=10,
        headers={"Authorization": f"token {school.instructor.token}"},
    ) as c:
        yield c


def _fill(path: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: PATH_VALUES.get(m[1], "x"), path)


def test_no_route_answers_500(client):
    failures = []
    checked = 0
    for method, path in all_routes():
        url = _fill(path)
        for body in BODIES if method != "GET" else [b""]:
            checked += 1
            response = client.request(
                method, url, content=body, headers={"Content-Type": "application/json"}
            )
            if response.status_code >= 500:
                failures.append(f"{method} {url} {body[:20]!r} -> {response.status_code}")
    assert checked > 300
    assert not failures, "\n".join(failures)
