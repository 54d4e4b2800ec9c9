def test_health_answers_200(client):
    """GET /health must answer 200 without authentication once the service is up."""
    assert client.get("/health").status_code == 200
