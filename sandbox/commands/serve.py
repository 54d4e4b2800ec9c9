"""`classroom sandbox serve`: the local GitHub, in the foreground until interrupted."""

from __future__ import annotations

import sys

from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.runtime import attach_runner
from sandbox.server import make_server


def serve(*, config: SandboxConfig) -> int:
    """Serve the REST API and git over HTTP on loopback until Ctrl-C."""
    sandbox = Sandbox.open(config)
    runner = attach_runner(sandbox)
    server = make_server(sandbox)
    print(
        f"sandbox: serving http://{config.host}:{config.port} from {config.data} "
        f"(workflow runs {'on' if runner else 'off'}); Ctrl-C stops it",
        file=sys.stderr,
    )
    try:
        server.run()
    finally:
        if runner:
            runner.shutdown()
        sandbox.store.close()
    return 0
