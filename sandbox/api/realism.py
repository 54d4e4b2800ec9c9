"""GitHub's rate-limit headers on every response, and the optional realism switches:
primary and secondary rate limits, injected latency and 5xx faults (reproducible by seed)."""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from sandbox.auth import token_from_header
from sandbox.config import Faults, RateLimits
from sandbox.errors import DOCS

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
HOUR = 3600.0
GITHUB_WRITES_PER_HOUR = 500  # the share reported when no hourly limit is enforced
GRAPHQL_PATH = "/graphql"


@dataclass
class Window:
    """Requests one caller made in the current hour, its recent writes and GraphQL points."""

    start: float
    used: int = 0
    writes: deque[float] = field(default_factory=deque)  # content-creating, last hour
    points_start: float = 0.0
    points: int = 0  # GraphQL points used since `points_start`


@dataclass
class Peaks:
    """The highest share of each limit any caller reached, and the requests refused."""

    primary: float = 0.0  # REST requests in an hour / primary_per_hour
    secondary_minute: float = 0.0  # writes in a minute / secondary_per_minute
    secondary_hour: float = 0.0  # writes in an hour / secondary_per_hour (or GitHub's 500)
    graphql: float = 0.0  # points in an hour / graphql_points_per_hour
    refused: dict[str, int] = field(default_factory=dict)  # limit -> requests answered over it


class Limiter:
    """Counts requests per caller; answers whether a limit is hit (thread-safe).

    `clock` gives the time in seconds (the sandbox's clock, which a benchmark moves forward
    instead of sleeping through a paced run)."""

    def __init__(self, limits: RateLimits | None, clock: Callable[[], float] = time.time) -> None:
        self.limits = limits or RateLimits()
        self.enforced = limits is not None
        self.clock = clock
        self.peaks = Peaks()
        self._windows: dict[str, Window] = {}
        self._lock = threading.Lock()

    def _window(self, caller: str, now: float) -> Window:
        window = self._windows.get(caller)
        if window is None:
            window = self._windows[caller] = Window(start=now, points_start=now)
        if now - window.start >= HOUR:
            window.start, window.used = now, 0
        while window.writes and now - window.writes[0] >= HOUR:
            window.writes.popleft()
        return window

    def count(self, caller: str, method: str, free: bool) -> tuple[Window, str | None]:
        """Record one request; return the caller's window and which limit it broke, if any."""
        clock = self.clock()
        with self._lock:
            window = self._window(caller, clock)
            if free:
                return window, None
            broken = self._broken(window, method, clock)
            if broken:
                self.peaks.refused[broken] = self.peaks.refused.get(broken, 0) + 1
                return window, broken
            if method in WRITES:
                window.writes.append(clock)
            window.used += 1
            self._note(window, clock, method in WRITES)
            return window, None

    def _broken(self, window: Window, method: str, clock: float) -> str | None:
        if not self.enforced:
            return None
        if window.used >= self.limits.primary_per_hour:
            return "primary"
        if method not in WRITES:
            return None
        if _within(window.writes, clock, 60) >= self.limits.secondary_per_minute:
            return "secondary"
        hourly = self.limits.secondary_per_hour
        if hourly is not None and len(window.writes) >= hourly:
            return "secondary"
        return None

    def _note(self, window: Window, clock: float, write: bool) -> None:
        limits, peaks = self.limits, self.peaks
        peaks.primary = max(peaks.primary, window.used / limits.primary_per_hour)
        if not write:
            return
        minute = _within(window.writes, clock, 60) / limits.secondary_per_minute
        peaks.secondary_minute = max(peaks.secondary_minute, minute)
        hourly = limits.secondary_per_hour or GITHUB_WRITES_PER_HOUR
        peaks.secondary_hour = max(peaks.secondary_hour, len(window.writes) / hourly)

    def charge_points(self, caller: str, points: int) -> tuple[Window, bool]:
        """Charge a GraphQL query's points; False (nothing charged) when the hour's are spent."""
        clock = self.clock()
        with self._lock:
            window = self._window(caller, clock)
            if clock - window.points_start >= HOUR:
                window.points_start, window.points = clock, 0
            limit = self.limits.graphql_points_per_hour
            if self.enforced and window.points + points > limit:
                self.peaks.refused["graphql"] = self.peaks.refused.get("graphql", 0) + 1
                return window, False
            window.points += points
            self.peaks.graphql = max(self.peaks.graphql, window.points / limit)
            return window, True

    def graphql_headers(self, window: Window) -> dict[str, str]:
        """The x-ratelimit-* headers of a GraphQL answer (its own resource, in points)."""
        limit = self.limits.graphql_points_per_hour
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - window.points)),
            "x-ratelimit-reset": str(math.ceil(window.points_start + HOUR)),
            "x-ratelimit-used": str(window.points),
            "x-ratelimit-resource": "graphql",
        }

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


def _within(moments: deque[float], now: float, seconds: float) -> int:
    """How many of `moments` (oldest first) are less than `seconds` old."""
    count = 0
    for moment in reversed(moments):
        if now - moment >= seconds:
            break
        count += 1
    return count


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
    """Who a request counts against: its token (however it is sent), else its address."""
    token = token_from_header(request.headers.get("authorization"))
    return f"token:{token}" if token else f"ip:{request.client.host if request.client else '?'}"


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
        is_graphql = request.url.path == GRAPHQL_PATH
        free = is_git or is_graphql or request.url.path == "/rate_limit"
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
        if not is_graphql:  # a GraphQL answer carries its own resource's headers
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
            retry = max(1, int(window.start + HOUR - self.limiter.clock()))
            headers["retry-after"] = str(retry)
            return _error(
                403,
                "API rate limit exceeded for user. (The sandbox's --rate-limit primary limit.)",
                headers,
            )
        headers["retry-after"] = str(max(1, math.ceil(self._secondary_wait(window))))
        return _error(
            403,
            "You have exceeded a secondary rate limit. Please wait a few "
            "minutes before you try again.",
            headers,
        )

    def _secondary_wait(self, window: Window) -> float:
        """Seconds until one more write fits in the minute's (and the hour's) window."""
        now, limits = self.limiter.clock(), self.limiter.limits
        recent = [moment for moment in window.writes if now - moment < 60]
        wait = recent[0] + 60 - now if len(recent) >= limits.secondary_per_minute else 0.0
        hourly = limits.secondary_per_hour
        if hourly is not None and len(window.writes) >= hourly:
            wait = max(wait, window.writes[0] + HOUR - now)
        return wait
