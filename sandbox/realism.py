"""GitHub's rate-limit headers on every response, and the optional realism switches:
primary and secondary rate limits, injected latency and 5xx faults (reproducible by seed)."""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from sandbox.config import Faults, RateLimits
from sandbox.errors import DOCS

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
HOUR = 3600.0


@dataclass
class Window:
    """Requests one caller made in the current hour, and its recent writes."""

    start: float
    used: int = 0
    writes: deque[float] = field(default_factory=deque)


class Limiter:
    """Counts requests per caller; answers whether a limit is hit (thread-safe)."""

    def __init__(self, limits: RateLimits | None) -> None:
        self.limits = limits or RateLimits()
        self.enforced = limits is not None
        self._windows: dict[str, Window] = defaultdict(lambda: Window(start=time.time()))
        self._lock = threading.Lock()

    def count(self, caller: str, method: str, free: bool) -> tuple[Window, str | None]:
        """Record one request; return the caller's window and which limit it broke, if any."""
        clock = time.time()
        with self._lock:
            window = self._windows[caller]
            if clock - window.start >= HOUR:
                window.start, window.used = clock, 0
            if free:
                return window, None
            while window.writes and clock - window.writes[0] >= 60:
                window.writes.popleft()
            if self.enforced and window.used >= self.limits.primary_per_hour:
                return window, "primary"
            if self.enforced and method in WRITES:
                if len(window.writes) >= self.limits.secondary_per_minute:
                    return window, "secondary"
                window.writes.append(clock)
            window.used += 1
            return window, None

    def refund(self, caller: str, window: Window) -> None:
        """Give back a counted request (a 304 costs nothing on GitHub)."""
        with self._lock:
            if self._windows.get(caller) is window and window.used > 0:
                window.used -= 1

    def headers(self, window: Window) -> dict[str, str]:
        """The x-ratelimit-* headers for a caller's window."""
        limit = self.limits.primary_per_hour
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - window.used)),
            "x-ratelimit-reset": str(math.ceil(window.start + HOUR)),
            "x-ratelimit-used": str(window.used),
            "x-ratelimit-resource": "core",
        }


class FaultPlan:
    """Decides, reproducibly, which requests fail and how."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed if faults else 0)
        self._lock = threading.Lock()

    def draw(self, method: str) -> str | None:
        """None, "before" (502, nothing applied), "after" (applied, then 502) or "stall"
        (answered only after `stall_seconds`: a client with a shorter timeout gives up)."""
        faults = self.faults
        if faults is None or (faults.error_rate <= 0 and faults.timeout_rate <= 0):
            return None
        with self._lock:
            draw = self._rng.random()
            if draw < faults.error_rate:
                after = method in WRITES and self._rng.random() < 0.5
                return "after" if after else "before"
            if draw < faults.error_rate + faults.timeout_rate:
                return "stall"
        return None


def caller_of(request: Request) -> str:
    """Who a request counts against: its Authorization header, else its address."""
    auth = request.headers.get("authorization")
    return auth or f"ip:{request.client.host if request.client else '?'}"


def _error(status: int, message: str, headers: dict[str, str]) -> Response:
    body = {"message": message, "documentation_url": DOCS, "status": str(status)}
    return JSONResponse(body, status_code=status, headers=headers)


class RealismMiddleware(BaseHTTPMiddleware):
    """Adds rate-limit headers to every API response; enforces limits and faults when on."""

    def __init__(self, app: ASGIApp, limiter: Limiter, faults: FaultPlan, etags: bool) -> None:
        super().__init__(app)
        self.limiter = limiter
        self.faults = faults
        self.etags = etags

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        is_git = ".git/" in request.url.path
        free = is_git or request.url.path == "/rate_limit"
        window, broken = self.limiter.count(caller_of(request), request.method, free)
        headers = self.limiter.headers(window)
        if broken:
            return self._limited(broken, window, headers)
        fault = None if is_git else self.faults.draw(request.method)
        if self.faults.faults and self.faults.faults.latency_ms:
            await asyncio.sleep(self.faults.faults.latency_ms / 1000)
        if fault == "before":
            return _error(502, "Server Error", headers)
        if fault == "stall" and self.faults.faults:
            await request.body()  # read it now: the client may hang up while we stall
            await asyncio.sleep(self.faults.faults.stall_seconds)
        response = await call_next(request)
        if fault == "after":
            return _error(502, "Server Error", headers)
        if self.etags and request.method == "GET" and response.status_code == 200 and not is_git:
            response = await self._conditional(request, response, window)
        response.headers.update(self.limiter.headers(window))
        return response

    async def _conditional(self, request: Request, response: Response, window: Window) -> Response:
        """Add an ETag; answer 304 (free, as on GitHub) when the client already has it."""
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]  # a streamed response
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        if etag in request.headers.get("if-none-match", ""):
            self.limiter.refund(caller_of(request), window)
            return Response(status_code=304, headers={"etag": etag})
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        return Response(body, status_code=200, headers={**headers, "etag": etag})

    def _limited(self, broken: str, window: Window, headers: dict[str, str]) -> Response:
        if broken == "primary":
            headers["x-ratelimit-remaining"] = "0"
            retry = max(1, int(window.start + HOUR - time.time()))
            headers["retry-after"] = str(retry)
            return _error(
                403,
                "API rate limit exceeded for user. (The sandbox's --rate-limit primary limit.)",
                headers,
            )
        oldest = window.writes[0] if window.writes else time.time()
        headers["retry-after"] = str(max(1, math.ceil(oldest + 60 - time.time())))
        return _error(
            403,
            "You have exceeded a secondary rate limit. Please wait a few "
            "minutes before you try again.",
            headers,
        )
