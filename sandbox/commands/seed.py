"""`classroom sandbox seed`: an org, an instructor and N learners with tokens, as JSON."""

from __future__ import annotations

from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.seeding import seed as seed_org


def seed(*, data: Path, org: str, learners: int, host: str, port: int) -> int:
    """Create (or reuse) the accounts and print them with their tokens."""
    sandbox = Sandbox.open(SandboxConfig(data=data, host=host, port=port))
    try:
        result = seed_org(sandbox, org, learners, f"http://{host}:{port}")
    finally:
        sandbox.store.close()
    print(result.model_dump_json(indent=2))
    return 0
