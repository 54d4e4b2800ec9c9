"""Liveness and readiness: restart me, or send me traffic: two different questions."""

from collections.abc import Callable

from tests.conftest import Service


def test_livez_is_200(service: Service) -> None:
    assert service.http.get("/livez").status_code == 200


def test_readyz_is_200_with_the_database(service: Service) -> None:
    assert service.http.get("/readyz").status_code == 200


def test_without_its_database_the_service_is_alive_and_not_ready(
    start: Callable[..., Service], database_url: str
) -> None:
    nowhere = database_url.replace("/app?", "/no_such_database?", 1)
    service = start(DATABASE_URL=nowhere if nowhere != database_url else "postgresql:///nowhere")
    service.wait_until_live()
    assert service.http.get("/readyz").status_code == 503
    assert service.http.get("/livez").status_code == 200
