def test_health_is_200(client):
    assert client.get("/health").status_code == 200
