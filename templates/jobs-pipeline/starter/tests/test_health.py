from fastapi.testclient import TestClient


def test_health_is_200(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
