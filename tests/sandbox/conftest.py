"""A real sandbox server on a free loopback port per test, with its bodies contract-checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Github

from sandbox.seeding import SeedResult, seed
from tests.sandbox.contract import ContractLog
from tests.sandbox.harness import (
    Running,
    assert_no_violations,
    start,
    stop,
    validate_event_payloads,
)


@pytest.fixture
def contract_log() -> Iterator[ContractLog]:
    log = ContractLog()
    yield log
    assert_no_violations(log)


@pytest.fixture
def running(tmp_path: Path, contract_log: ContractLog) -> Iterator[Running]:
    server = start(tmp_path / "data", contract_log)
    yield Running(server, contract_log)
    stop(server)


@pytest.fixture
def running_actions(tmp_path: Path, contract_log: ContractLog) -> Iterator[Running]:
    """A server that runs workflows with act (one worker); every event payload it handed to
    act must parse as GitHub's webhook schema for that event."""
    server = start(tmp_path / "data", contract_log, actions=True, workers=1, run_timeout=120)
    yield Running(server, contract_log)
    server.sandbox.runner.wait_idle(60)
    checked = validate_event_payloads(server.sandbox)
    stop(server)
    assert all(checked.values()), checked


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
