"""API errors: every error the service answers is JSON `{"error": {"code", "message"}}`."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

# Codes for the errors Flask raises on its own: an unknown route, a wrong method.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


class ApiError(Exception):
    """An error the client caused (or must be told about), with its HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object: anything else is a 400."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object")
    return data


def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    """An integer query parameter within [low, high]; anything else is a 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if value < low:
        raise bad_request(f"{name} must be at least {low}")
    return value if high is None else min(value, high)


def _api_error(exc: ApiError) -> tuple[Response, int]:
    return jsonify(error_body(exc.code, exc.message)), exc.status


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    code = HTTP_CODES.get(status, "error")
    return jsonify(error_body(code, exc.name)), status


def _unexpected(exc: Exception) -> tuple[Response, int]:
    current_app.logger.error("unhandled error", exc_info=exc)
    return jsonify(error_body("internal", "something went wrong on our side")), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
