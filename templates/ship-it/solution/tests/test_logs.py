"""Logs: one JSON object per line, every request's line with its request id."""

import json
import time
from typing import Any

from tests.conftest import Service


def logged(service: Service, request_id: str) -> list[dict[str, Any]]:
    time.sleep(0.2)  # the line is written as the answer goes out
    lines = [json.loads(line) for line in service.lines if line.strip()]
    return [line for line in lines if line.get("request_id") == request_id]


def test_every_line_is_a_json_object(service: Service) -> None:
    service.http.get("/livez")
    time.sleep(0.2)
    assert service.lines
    for line in service.lines:
        assert isinstance(json.loads(line), dict), line


def test_a_request_is_logged_with_the_id_it_came_with(service: Service) -> None:
    answer = service.http.get("/livez", headers={"X-Request-ID": "req-42"})
    assert answer.headers["X-Request-ID"] == "req-42"
    (line,) = logged(service, "req-42")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/livez", 200)
    assert isinstance(line["duration_ms"], int | float)


def test_a_request_without_an_id_gets_one(service: Service) -> None:
    made = service.http.get("/livez").headers["X-Request-ID"]
    assert len(made) >= 8
    assert logged(service, made)
