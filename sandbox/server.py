"""Run the app on uvicorn: in the foreground (`serve`) or in a thread (tests, demos)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

from sandbox.api.app import create_app
from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.runtime import attach_runner


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


Wrapper = Callable[[ASGIApp], ASGIApp]


def make_server(sandbox: Sandbox, wrap: Wrapper | None = None) -> uvicorn.Server:
    """A uvicorn server for `sandbox` on its configured host and port."""
    app: ASGIApp = create_app(sandbox)
    config = uvicorn.Config(
        wrap(app) if wrap else app,
        host=sandbox.config.host,
        port=sandbox.config.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
        lifespan="off",
    )
    return uvicorn.Server(config)


class ThreadedServer:
    """The sandbox on a background thread, started and stopped by the caller."""

    def __init__(self, sandbox: Sandbox, wrap: Wrapper | None = None) -> None:
        self.sandbox = sandbox
        self.server = make_server(sandbox, wrap)
        self.thread = threading.Thread(target=self.server.run, name="sandbox", daemon=True)

    @classmethod
    def open(cls, config: SandboxConfig, wrap: Wrapper | None = None) -> ThreadedServer:
        """A server for `config`'s data with its workflow runner attached (not yet started)."""
        sandbox = Sandbox.open(config)
        attach_runner(sandbox)
        return cls(sandbox, wrap)

    @property
    def url(self) -> str:
        return f"http://{self.sandbox.config.host}:{self.sandbox.config.port}"

    def start(self, timeout: float = 10) -> ThreadedServer:
        """Start serving; return once the port accepts requests."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10) -> None:
        """Stop serving, let running workflow runs finish, close the state."""
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.sandbox.runner is not None:
            self.sandbox.runner.shutdown()
        self.sandbox.store.close()
