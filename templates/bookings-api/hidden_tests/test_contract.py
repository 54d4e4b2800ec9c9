"""The published /openapi.json against the contract the mobile team signed (docs/openapi.yaml)."""

from __future__ import annotations

import re
from typing import Any

# (method, path with its parameters blanked) -> operationId and the documented status codes.
CONTRACT: dict[tuple[str, str], tuple[str, set[str]]] = {
    ("get", "/health"): ("getHealth", {"200"}),
    ("post", "/auth/login"): ("login", {"200", "401", "422"}),
    ("get", "/users/me"): ("getCurrentUser", {"200", "401"}),
    ("get", "/rooms"): ("listRooms", {"200", "401"}),
    ("post", "/bookings"): ("createBooking", {"201", "401", "409", "422"}),
    ("get", "/bookings/{}"): ("getBooking", {"200", "401", "404", "422"}),
    ("delete", "/bookings/{}"): ("cancelBooking", {"204", "401", "404", "422"}),
    ("get", "/users/{}/bookings"): ("listUserBookings", {"200", "401", "403", "404", "422"}),
}
BOOKING_FIELDS = {"id", "room_id", "user_id", "start", "end", "note", "created_at"}


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, re.sub(r"\{[^}]*\}", "{}", path)): operation
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    }


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation = _operations(document).get((method, path))
    assert operation is not None, f"{method.upper()} {path} is missing from /openapi.json"
    return operation


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with $refs followed and a nullable anyOf reduced to its non-null branch."""
    for _ in range(10):
        if "$ref" in schema:
            node: Any = document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        elif "anyOf" in schema or "oneOf" in schema:
            branches = schema.get("anyOf", schema.get("oneOf", []))
            real = [branch for branch in branches if branch.get("type") != "null"]
            if len(real) != 1:
                return schema
            schema = real[0]
        else:
            return schema
    return schema


def _body_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    body = _operation(document, method, path).get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    assert schema, f"{method.upper()} {path} documents no JSON request body"
    return _resolve(document, schema)


def _response_schema(document: dict[str, Any], method: str, path: str, code: str) -> dict[str, Any]:
    response = _operation(document, method, path).get("responses", {}).get(code, {})
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    assert schema, f"{method.upper()} {path} documents no JSON body for {code}"
    return _resolve(document, schema)


def _field(document: dict[str, Any], schema: dict[str, Any], name: str) -> dict[str, Any]:
    assert name in schema.get("properties", {}), f"field `{name}` is missing"
    return _resolve(document, schema["properties"][name])


def test_the_openapi_document_is_published(published):
    """The service must publish its OpenAPI 3 document at GET /openapi.json."""
    assert str(published.get("openapi", "")).startswith("3.")
    assert published.get("paths")


def test_every_contract_operation_is_published(published):
    """Every operation of docs/openapi.yaml must exist in /openapi.json with the same method and path."""
    missing = sorted(
        f"{method.upper()} {path}" for method, path in set(CONTRACT) - set(_operations(published))
    )
    assert not missing, f"operations missing from /openapi.json: {missing}"


def test_operation_ids_match_the_contract(published):
    """Each operation's operationId must be the contract's (the mobile team generates its client from them)."""
    wrong = {
        f"{method.upper()} {path}": operation.get("operationId")
        for (method, path), operation in _operations(published).items()
        if (method, path) in CONTRACT and operation.get("operationId") != CONTRACT[method, path][0]
    }
    assert not wrong, f"operationIds differ from the contract: {wrong}"


def test_create_booking_documents_201_409_and_422(published):
    """POST /bookings must document 201 (not 200) for a booking, 409 for an overlap and 422."""
    codes = set(_operation(published, "post", "/bookings").get("responses", {}))
    assert {"201", "409", "422"} <= codes
    assert "200" not in codes


def test_every_operation_documents_the_contract_status_codes(published):
    """Every operation must document the status codes the contract lists (401, 403, 404, 409, 422...)."""
    missing = {}
    for (method, path), (_, codes) in CONTRACT.items():
        operation = _operations(published).get((method, path), {})
        if lacking := codes - set(operation.get("responses", {})):
            missing[f"{method.upper()} {path}"] = sorted(lacking)
    assert not missing, f"undocumented status codes: {missing}"


def test_success_codes_are_the_contracts(published):
    """Each operation's only documented 2xx code must be the contract's (201 for a create, 204 for a cancel)."""
    wrong = {}
    for (method, path), (_, codes) in CONTRACT.items():
        operation = _operations(published).get((method, path), {})
        published_2xx = {code for code in operation.get("responses", {}) if code.startswith("2")}
        if published_2xx != {code for code in codes if code.startswith("2")}:
            wrong[f"{method.upper()} {path}"] = sorted(published_2xx)
    assert not wrong, f"success codes differ from the contract: {wrong}"


def test_new_booking_body_requires_room_start_and_end_and_nothing_else(published):
    """The POST /bookings body schema must require room_id, start and end, and forbid unknown fields."""
    schema = _body_schema(published, "post", "/bookings")
    assert {"room_id", "start", "end"} <= set(schema.get("required", []))
    assert "note" not in schema.get("required", []), "`note` is optional in the contract"
    assert schema.get("additionalProperties") is False


def test_booking_times_are_date_times_in_the_schemas(published):
    """start, end (request and response) and created_at must be `format: date-time` strings."""
    body = _body_schema(published, "post", "/bookings")
    booking = _response_schema(published, "post", "/bookings", "201")
    for schema, name in [
        (body, "start"),
        (body, "end"),
        (booking, "start"),
        (booking, "end"),
        (booking, "created_at"),
    ]:
        field = _field(published, schema, name)
        assert (field.get("type"), field.get("format")) == ("string", "date-time"), name


def test_booking_schema_requires_the_contract_fields(published):
    """The Booking response schema must require id, room_id, user_id, start, end, note and created_at."""
    for method, path, code in [("post", "/bookings", "201"), ("get", "/bookings/{}", "200")]:
        schema = _response_schema(published, method, path, code)
        missing = BOOKING_FIELDS - set(schema.get("required", []))
        assert not missing, f"{method.upper()} {path} {code}: not required: {sorted(missing)}"


def test_listing_answers_a_page_of_bookings(published):
    """GET /users/{user_id}/bookings must answer a page: required `items` (Booking array) and `next_cursor`."""
    page = _response_schema(published, "get", "/users/{}/bookings", "200")
    assert {"items", "next_cursor"} <= set(page.get("required", []))
    items = _field(published, page, "items")
    assert items.get("type") == "array"
    booking = _resolve(published, items["items"])
    assert set(booking.get("required", [])) >= BOOKING_FIELDS


def test_listing_parameters_match_the_contract(published):
    """The listing must take `from`/`to` (date-time), `limit` (1 to 100, default 20) and `cursor` query parameters."""
    operation = _operation(published, "get", "/users/{}/bookings")
    params = {
        param["name"]: _resolve(published, param.get("schema", {}))
        for param in operation.get("parameters", [])
        if param.get("in") == "query"
    }
    assert {"from", "to", "limit", "cursor"} <= set(params), sorted(params)
    assert params["from"].get("format") == params["to"].get("format") == "date-time"
    limit = params["limit"]
    assert (limit.get("minimum"), limit.get("maximum"), limit.get("default")) == (1, 100, 20)


def test_error_answers_document_a_detail(published):
    """The 409 of POST /bookings and the 404 of GET /bookings/{id} must document a body with `detail`."""
    for method, path, code in [("post", "/bookings", "409"), ("get", "/bookings/{}", "404")]:
        schema = _response_schema(published, method, path, code)
        assert "detail" in schema.get("properties", {}), f"{method.upper()} {path} {code}"
