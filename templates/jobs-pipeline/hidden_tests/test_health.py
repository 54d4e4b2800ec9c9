from typing import Any


def test_health_is_200(tally: Any) -> None:
    """GET /health must answer 200 while the service runs."""
    assert tally.http.get("/health").status_code == 200
