"""The Redis cache in front of app.store: fresh after every change, one load per expiry, and
never in the way when Redis is slow or gone.

- Entries live `ttl` seconds and are deleted after every change is committed (`forget`), by
  every process, because they all share one Redis: no process serves a flag changed elsewhere.
- When an entry is missing, one request loads it (it holds a short Redis lock) while the
  others wait for its result: an expiry costs the database one load, not one per request.
- Every Redis call has a short timeout. When one fails, the cache steps aside for
  `pause_after_failure` seconds and every request asks the database: slower, never wrong.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import redis
from pydantic import TypeAdapter

log = logging.getLogger(__name__)
T = TypeVar("T")

WAIT_STEP_SECONDS = 0.02
# A lock outlives a loader that died holding it by this much at most.
LOCK_MILLISECONDS = 3000


class Cache:
    """JSON values in Redis under `prefix`, loaded by one caller at a time on a miss."""

    def __init__(
        self,
        url: str | None,
        prefix: str,
        ttl: int,
        timeout: float = 0.25,
        pause_after_failure: float = 5.0,
    ) -> None:
        self._redis = (
            None
            if url is None
            else redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        )
        self._prefix = prefix
        self._ttl = ttl
        self._pause = pause_after_failure
        self._down_until = 0.0
        self._lock = threading.Lock()

    def get_or_load(self, name: str, kind: TypeAdapter[T], load: Callable[[], T]) -> T:
        """The value cached under `name`, or `load()`'s, cached for the next caller."""
        if self._redis is None:
            return load()
        key = f"{self._prefix}{name}"
        cached = self._get(key)
        if cached is not None:
            return kind.validate_json(cached)
        token = uuid.uuid4().hex
        if self._call(lambda r: r.set(f"{key}:lock", token, nx=True, px=LOCK_MILLISECONDS)):
            try:
                value = load()
                self._call(lambda r: r.set(key, kind.dump_json(value), ex=self._ttl))
                return value
            finally:
                self._release(f"{key}:lock", token)
        waited = self._wait_for(key)
        return kind.validate_json(waited) if waited is not None else load()

    def forget(self, *names: str) -> None:
        """Delete these entries (after the change they reflect is committed)."""
        keys = [f"{self._prefix}{name}" for name in names]
        self._call(lambda r: r.delete(*keys))

    def _get(self, key: str) -> bytes | None:
        value = self._call(lambda r: r.get(key))
        return value if isinstance(value, bytes) else None

    def _wait_for(self, key: str) -> bytes | None:
        """The value another caller is loading, once it is there (None: ask the database)."""
        deadline = time.monotonic() + LOCK_MILLISECONDS / 1000
        while time.monotonic() < deadline:
            if not self._up():
                return None
            time.sleep(WAIT_STEP_SECONDS)
            value = self._get(key)
            if value is not None:
                return value
            if not self._call(lambda r: r.exists(f"{key}:lock")):
                return self._get(key)
        return None

    def _release(self, lock: str, token: str) -> None:
        # Only our own lock: it may have expired and been taken by another loader since.
        script = "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end"
        self._call(lambda r: r.eval(script, 1, lock, token))

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, command: Callable[[redis.Redis], object]) -> object:
        """`command`'s result, or None when Redis is paused, failing or not configured."""
        if self._redis is None or not self._up():
            return None
        try:
            return command(self._redis)
        except redis.RedisError as exc:
            with self._lock:
                self._down_until = time.monotonic() + self._pause
            log.warning("Redis failed (%s): the database answers for %.0f s", exc, self._pause)
            return None
