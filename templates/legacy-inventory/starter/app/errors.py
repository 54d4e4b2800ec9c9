"""API errors: raise ApiError anywhere in a view and the client gets the JSON error body."""

from __future__ import annotations

from flask import Flask, Response, jsonify


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


def _api_error(exc: ApiError) -> tuple[Response, int]:
    return jsonify(error_body(exc.code, exc.message)), exc.status


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
