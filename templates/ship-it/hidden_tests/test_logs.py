import json
import secrets
import time
from typing import Any


def test_every_line_the_service_prints_is_a_json_object(shipquote: Any) -> None:
    """Every line on stdout and stderr, the start included (configure uvicorn's loggers too), is one JSON object."""
    shipquote.http.get("/livez")
    lines = [line for line in shipquote.log_lines() if line.strip()]
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        assert isinstance(entry, dict), f"not a JSON object: {line[:120]}"
        entries.append(entry)
    assert entries and "status" not in entries[0], "the start should be logged before requests"


def test_a_request_is_logged_once_with_method_path_status_and_duration(shipquote: Any) -> None:
    """One line per request, only one: method, path, status, duration_ms (the time it took), request_id, level info (error for a 5xx)."""
    path = f"/quotes/{900_000_000 + shipquote.weight()}"  # asked by no other check
    started = time.monotonic()
    request_id = f"chk-{secrets.token_hex(6)}"  # a service cannot know it beforehand
    answer = shipquote.http.get(path, headers={"X-Request-ID": request_id})
    took_ms = (time.monotonic() - started) * 1000
    assert answer.status_code == 404
    assert len([line for line in shipquote.log_lines() if path in line]) == 1
    (line,) = [e for e in shipquote.logged("request_id", request_id) if "status" in e]
    assert (line["method"], line["path"], line["status"]) == ("GET", path, 404)
    assert isinstance(line["duration_ms"], int | float) and 0 <= line["duration_ms"] <= took_ms
    assert line["level"] == "info"


def test_the_callers_request_id_is_echoed_and_logged(shipquote: Any) -> None:
    """An X-Request-ID from the caller comes back on the response and is on the request's log line."""
    request_id = f"chk-{secrets.token_hex(6)}"
    answer = shipquote.http.get("/livez", headers={"X-Request-ID": request_id})
    assert answer.headers.get("x-request-id") == request_id
    assert shipquote.logged("request_id", request_id)


def test_a_request_without_an_id_gets_a_new_one_each_time(shipquote: Any) -> None:
    """Without X-Request-ID the service makes one (different for each request), returns it and logs it."""
    made = {shipquote.http.get("/livez").headers.get("x-request-id") for _ in range(3)}
    assert None not in made and len(made) == 3
    for request_id in made:
        assert shipquote.logged("request_id", request_id)


def test_a_failed_carrier_call_is_logged_with_the_request_id(shipquote: Any) -> None:
    """Each failed Parcelway attempt is logged (level warning or error) with the id of the request it served; the 503's own line is level error."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=10, status=503)
    request_id = f"chk-{secrets.token_hex(6)}"
    shipquote.http.post(
        "/quotes", json=shipquote.parcel(weight), headers={"X-Request-ID": request_id}
    )
    lines = shipquote.logged("request_id", request_id)
    problems = [line for line in lines if line.get("level") in {"warning", "error"}]
    assert len([line for line in problems if "status" not in line]) >= 1, lines
    (answered,) = [line for line in lines if "status" in line]
    assert (answered["status"], answered["level"]) == (503, "error")
