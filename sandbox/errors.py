"""GitHub-shaped errors: a status, a message and a documentation link, never a bare 500."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """An error answered to the client as GitHub would answer it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body GitHub sends with this status."""
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def not_found() -> ApiError:
    """What GitHub answers for anything the caller may not know exists."""
    return ApiError(404, "Not Found")


def invalid(field: str, code: str = "invalid", resource: str = "Repository") -> ApiError:
    """A 422 naming the field at fault, as GitHub's validation errors do."""
    return ApiError(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "code": code, "field": field}],
    )


def forbidden(message: str = "Resource not accessible by personal access token") -> ApiError:
    """A write the caller may see but not make."""
    return ApiError(403, message)
