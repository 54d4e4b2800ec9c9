"""Start a real sandbox on a free loopback port with every JSON body contract-checked.

Other test suites can use it too:

    with sandbox_server(tmp_path) as running:
        gh = running.github(seed(running.sandbox, "org", 2, running.url).instructor.token)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from github import Auth, Github

from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.records import WorkflowRun
from sandbox.server import ThreadedServer, free_port
from tests.sandbox.contract import ContractChecker, ContractLog


class Running:
    """A started server, its state and what the contract checker saw."""

    def admin(self, method: str, path: str, body: object = None) -> httpx.Response:
        """Call a sandbox-only `/_sandbox/...` route with the admin token."""
        headers = {"Authorization": f"token {self.sandbox.admin_token}"}
        return httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, headers=headers)

    def __init__(self, server: ThreadedServer, contract: ContractLog) -> None:
        self.server = server
        self.contract = contract
        self.url = server.url
        self.sandbox = server.sandbox

    def github(self, token: str) -> Github:
        """An unmodified PyGithub client for `token`, without client-side throttling."""
        return Github(
            base_url=self.url,
            auth=Auth.Token(token),
            seconds_between_requests=0,
            seconds_between_writes=0,
            retry=None,
        )


def start(data: Path, contract: ContractLog, **options: object) -> ThreadedServer:
    """A started server on `data` (workflow runs off unless `actions=True`)."""
    options.setdefault("actions", False)
    options.setdefault("schedule", False)
    config = SandboxConfig(data=data, port=free_port(), **options)  # type: ignore[arg-type]
    return ThreadedServer.open(config, wrap=lambda app: ContractChecker(app, contract)).start()


def stop(server: ThreadedServer) -> None:
    """Stop the server, its runner and its store."""
    server.stop()


def assert_no_violations(log: ContractLog) -> None:
    """Fail with every body that broke GitHub's schema."""
    assert not log.violations, "\n\n".join(
        f"{v.method} {v.path} -> {v.status}: {v.error}" for v in log.violations
    )


@contextmanager
def sandbox_server(tmp_path: Path, **options: object) -> Iterator[Running]:
    """A running sandbox for one test; its bodies must match GitHub's schema."""
    log = ContractLog()
    server = start(tmp_path / "sandbox-data", log, **options)
    try:
        yield Running(server, log)
    finally:
        stop(server)
    assert_no_violations(log)


def all_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route the sandbox serves."""
    from fastapi.routing import APIRoute

    from sandbox.api.routes import GIT_ROUTER, ROUTERS

    return sorted(
        (method, route.path)
        for router in [*ROUTERS, GIT_ROUTER]
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
    )


# Events GitHub sends no webhook for: no published model to check their payload against.
NO_WEBHOOK = {"schedule"}


def validate_event_payloads(sandbox: Sandbox) -> dict[int, bool]:
    """Parse each run's event payload with githubkit's webhook models; run id -> parsed."""
    from githubkit import webhooks

    parsed = {}
    for run in sandbox.store.scan(WorkflowRun):
        path = sandbox.config.logs_dir / f"{run.id}.event.json"
        if run.event in NO_WEBHOOK:
            continue
        if path.exists():
            webhooks.parse_obj(run.event, json.loads(path.read_text()))  # raises on a mismatch
            parsed[run.id] = True
    return parsed
