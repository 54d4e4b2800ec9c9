def test_health_is_200(client):
    """GET /health answers 200 once the service is up."""
    assert client.get("/health").status_code == 200
