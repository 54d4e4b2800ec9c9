"""Changing flags: the admin console's API (README: "The API")."""

import pytest
from fastapi.testclient import TestClient

from app.config import ConfigError, Settings
from tests.conftest import ADMIN, set_flag


def test_changing_a_flag_needs_the_admin_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = client.patch("/flags/qa-09", json={"enabled": True}, headers=headers)
        assert response.status_code == 401
    assert client.get("/flags/qa-09").json()["enabled"] is False


def test_a_rollout_over_100_is_422(client: TestClient) -> None:
    response = client.patch("/flags/qa-10", json={"rollout_percent": 101}, headers=ADMIN)
    assert response.status_code == 422


def test_a_change_is_a_new_version(client: TestClient) -> None:
    before = client.get("/flags/qa-11").json()
    after = set_flag(client, "qa-11", enabled=True)
    assert after["version"] == before["version"] + 1
    assert after["updated_at"] > before["updated_at"]
    assert client.get("/flags/qa-11").json() == after


def test_no_token_means_no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="ADMIN_TOKEN"):
        Settings.from_env()


@pytest.mark.parametrize("ttl", ["0", "a minute"])
def test_a_cache_lifetime_that_is_not_a_positive_number_means_no_start(
    monkeypatch: pytest.MonkeyPatch, ttl: str
) -> None:
    monkeypatch.setenv("ADMIN_TOKEN", "t")
    monkeypatch.setenv("CACHE_TTL_SECONDS", ttl)
    with pytest.raises(ConfigError, match="CACHE_TTL_SECONDS"):
        Settings.from_env()
