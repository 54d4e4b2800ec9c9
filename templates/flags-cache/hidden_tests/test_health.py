"""Liveness."""

from typing import Any


def test_health_is_200(flagpole: Any) -> None:
    """GET /health answers 200 with {"status": "ok"} while the database is reachable."""
    response = flagpole.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
