"""The databases of `[app.services]` for a run of the learner's pytest (stages tests and
test_quality), so a conftest can reach them the way the service does.

Each run gets services of its own from graders.running.services (the same throwaway PostgreSQL
cluster and Redis server the hidden and load stages start), torn down when the run ends, and
an environment holding `[app.env]` with the placeholders filled: `{postgres_url}`,
`{redis_url}`, `{data}` (the run's own writable folder), `{port}` (a free port) and
`{instance}` (1: the tests are one instance of the service). A variable naming an upstream
(`{upstream_NAME_url}`) is left out: the learner's tests run with no network but their own
loopback, and start their own copy of the upstream (the assignment ships it). A fresh
cluster per run, not a fresh database in a shared one: the runs of test_quality must not be
able to tell each other anything, and a shared cluster keeps notes (a role's settings, its
statistics) that outlive a database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graders.model.assignment import UPSTREAM_PLACEHOLDER, AppSpec
from graders.running.services import ServicesUnavailable, backing_services, fill, free_port

__all__ = ["PytestServices", "ServicesUnavailable", "pytest_services"]


@dataclass(frozen=True)
class PytestServices:
    """What one pytest run adds: environment variables, and folders it may read (sockets)."""

    env: dict[str, str] = field(default_factory=dict)
    readable: tuple[Path, ...] = ()


@contextlib.contextmanager
def pytest_services(app: AppSpec | None, data: Path) -> Iterator[PytestServices]:
    """The assignment's services running for the `with` block (nothing when it asks for none);
    ServicesUnavailable when this machine cannot start them."""
    if app is None or not app.services.named():
        yield PytestServices()
        return
    wanted = {k: v for k, v in app.env.items() if not UPSTREAM_PLACEHOLDER.search(v)}
    with backing_services(app.services) as backing:
        assert backing is not None
        values = {
            "port": str(free_port()), "data": str(data), "instance": "1",
            **backing.placeholders(),
        }  # fmt: skip
        env = {name: fill(value, values) for name, value in wanted.items()}
        yield PytestServices(env=env, readable=(backing.sockets,))
