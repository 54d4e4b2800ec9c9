import json
from typing import Any


def test_every_line_the_service_prints_is_a_json_object(shipquote: Any) -> None:
    """Every line on stdout and stderr, startup included, is one JSON object (configure uvicorn's loggers too)."""
    shipquote.http.get("/livez")
    lines = [line for line in shipquote.log_lines() if line.strip()]
    assert lines
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        assert isinstance(entry, dict), f"not a JSON object: {line[:120]}"


def test_a_request_is_logged_once_with_method_path_status_and_duration(shipquote: Any) -> None:
    """One line per request: method, path, status, duration_ms (a number) and request_id."""
    answer = shipquote.http.get("/quotes/987654321", headers={"X-Request-ID": "chk-404-line"})
    assert answer.status_code == 404
    lines = [e for e in shipquote.logged("request_id", "chk-404-line") if "status" in e]
    assert len(lines) == 1, lines
    (line,) = lines
    assert (line["method"], line["path"], line["status"]) == ("GET", "/quotes/987654321", 404)
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0


def test_the_callers_request_id_is_echoed_and_logged(shipquote: Any) -> None:
    """An X-Request-ID from the caller comes back on the response and is on the request's log line."""
    answer = shipquote.http.get("/livez", headers={"X-Request-ID": "chk-echo-7f3a"})
    assert answer.headers.get("x-request-id") == "chk-echo-7f3a"
    assert shipquote.logged("request_id", "chk-echo-7f3a")


def test_a_request_without_an_id_gets_a_new_one_each_time(shipquote: Any) -> None:
    """Without X-Request-ID the service makes one (different for each request), returns it and logs it."""
    made = {shipquote.http.get("/livez").headers.get("x-request-id") for _ in range(3)}
    assert None not in made and len(made) == 3
    for request_id in made:
        assert shipquote.logged("request_id", request_id)


def test_a_failed_carrier_call_is_logged_with_the_request_id(shipquote: Any) -> None:
    """Each failed Parcelway attempt is logged (level warning or error) with the id of the request it served."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=10, status=503)
    headers = {"X-Request-ID": f"chk-carrier-{weight}"}
    shipquote.http.post("/quotes", json=shipquote.parcel(weight), headers=headers)
    lines = shipquote.logged("request_id", f"chk-carrier-{weight}")
    problems = [line for line in lines if line.get("level") in {"warning", "error"}]
    assert len([line for line in problems if "status" not in line]) >= 1, lines
