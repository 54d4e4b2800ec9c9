"""A real sandbox server on a free loopback port per test, with its bodies contract-checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github

from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.runtime import attach_runner
from sandbox.seeding import SeedResult, seed
from sandbox.server import ThreadedServer, free_port
from tests.sandbox.contract import ContractChecker, ContractLog


class Running:
    """A started server, its state and what the contract checker saw."""

    def __init__(self, server: ThreadedServer, contract: ContractLog) -> None:
        self.server = server
        self.contract = contract
        self.url = server.url
        self.sandbox = server.sandbox

    def github(self, token: str) -> Github:
        return Github(
            base_url=self.url,
            auth=Auth.Token(token),
            seconds_between_requests=0,
            seconds_between_writes=0,
            retry=None,
        )


def start(data: Path, contract: ContractLog, **options: object) -> ThreadedServer:
    options.setdefault("actions", False)
    config = SandboxConfig(data=data, port=free_port(), **options)  # type: ignore[arg-type]
    sandbox = Sandbox.open(config)
    attach_runner(sandbox)
    return ThreadedServer(sandbox, wrap=lambda app: ContractChecker(app, contract)).start()


def stop(server: ThreadedServer) -> None:
    server.stop()
    runner = server.sandbox.runner
    if runner is not None:
        runner.shutdown()  # type: ignore[attr-defined]
    server.sandbox.store.close()


@pytest.fixture
def contract_log() -> Iterator[ContractLog]:
    log = ContractLog()
    yield log
    assert not log.violations, "\n\n".join(
        f"{v.method} {v.path} -> {v.status}: {v.error}" for v in log.violations
    )


@pytest.fixture
def running(tmp_path: Path, contract_log: ContractLog) -> Iterator[Running]:
    server = start(tmp_path / "data", contract_log)
    yield Running(server, contract_log)
    stop(server)


@pytest.fixture
def running_actions(tmp_path: Path, contract_log: ContractLog) -> Iterator[Running]:
    """A server that runs workflows with act (one worker)."""
    server = start(tmp_path / "data", contract_log, actions=True, workers=1, run_timeout=120)
    yield Running(server, contract_log)
    stop(server)


@pytest.fixture
def school(running: Running) -> SeedResult:
    """Org `school` with `school-instructor` (admin) and two learners."""
    return seed(running.sandbox, "school", 2, running.url)


@pytest.fixture
def instructor(running: Running, school: SeedResult) -> Github:
    return running.github(school.instructor.token)


@pytest.fixture
def learner(running: Running, school: SeedResult) -> Github:
    return running.github(school.learners[0].token)
