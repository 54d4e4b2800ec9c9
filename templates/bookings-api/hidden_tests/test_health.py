def test_health_is_200(client):
    """GET /health answers 200 without a token."""
    assert client.get("/health").status_code == 200
