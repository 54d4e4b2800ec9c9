"""The upstreams of `[app.upstreams]`: other companies' services the learner's calls, played
by scripts of the assignment's own.

A ledger that answers 503 three times, a provider that takes 5 s: the behaviours a service
must survive come from outside it, so the grader runs the outside too. Each upstream is a
script in the assignment's folder (trusted: never a file of the submission), started with the
grader's Python as the grader, inside the service's network namespace, on a port of its own,
before the service starts; `{upstream_NAME_url}` in `[app.env]` reaches it.

The learner's code runs as another uid in a pid namespace of its own: it can call the
upstream, but cannot see, signal or replace it, and cannot script it. Scripting (fail the
next calls, answer slowly) and the upstream's log of what it received (when each call came,
with which idempotency key) sit behind a token made for this run, which only the upstream and
the hidden checks get (`CLASSROOM_UPSTREAM_TOKEN`, with `CLASSROOM_UPSTREAM_NAME_URL`): a
backoff or a duplicate is judged from the upstream's own record, which the learner cannot edit.

The script gets `PORT` and `CLASSROOM_UPSTREAM_TOKEN` and must answer its `health_path` with
200 once it listens; what it serves besides is the assignment's to define.
"""

from __future__ import annotations

import contextlib
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from basis.procs import Limits
from graders.model.assignment import Upstream
from graders.model.causes import cause_line
from graders.running.health_probe import probe
from graders.running.process import Spawned, clean_env
from graders.running.services import free_port

TOKEN_VARIABLE = "CLASSROOM_UPSTREAM_TOKEN"
STARTUP_SECONDS = 10.0
# The upstream lives as long as the service: the stage's own timeout ends both.
_LIMITS = Limits(timeout_seconds=3600, output_bytes=64 * 1024, memory_mb=512)


class UpstreamDidNotStart(Exception):
    """The assignment's upstream script did not answer its health path: the assignment's fault,
    never the learner's (the message says which script and what it printed)."""


@dataclass(frozen=True)
class Upstreams:
    """The running upstreams of one service: their addresses by name, and the run's token."""

    urls: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def placeholders(self) -> dict[str, str]:
        """`upstream_NAME_url` for each, as `[app.env]` names them."""
        return {f"upstream_{name}_url": url for name, url in self.urls.items()}

    def access(self) -> dict[str, str]:
        """What the hidden checks get: every address, and the token that scripts them."""
        if not self.urls:
            return {}
        named = {f"CLASSROOM_UPSTREAM_{name.upper()}_URL": url for name, url in self.urls.items()}
        return named | {TOKEN_VARIABLE: self.token}


@contextlib.contextmanager
def running_upstreams(
    upstreams: dict[str, Upstream], root: Path, netns: Path | None, work: Path
) -> Iterator[Upstreams]:
    """Every upstream, answering its health path, for the `with` block; stopped on any exit."""
    if not upstreams:
        yield Upstreams()
        return
    token = secrets.token_urlsafe(24)
    urls = {}
    with contextlib.ExitStack() as stack:
        for name, upstream in upstreams.items():
            port = free_port()
            script = root / upstream.script
            process = Spawned(
                [sys.executable, "-I", str(script)],
                cwd=work,
                env=clean_env({"PORT": str(port), TOKEN_VARIABLE: token}, home=work),
                limits=_LIMITS,
                untrusted=None,
                netns=netns,
            )
            stack.callback(process.stop)
            url = f"http://127.0.0.1:{port}"
            status = probe(url + upstream.health_path, netns, budget=STARTUP_SECONDS)
            if status != "HTTP 200":
                said = cause_line(process.output) or "it printed nothing"
                raise UpstreamDidNotStart(
                    f"the assignment's upstream `{name}` ({upstream.script}) did not answer "
                    f"{upstream.health_path} with 200 within {STARTUP_SECONDS:.0f} s (last: "
                    f"{status}): {said}; fix the script in the assignment's folder"
                )
            urls[name] = url
        yield Upstreams(urls=urls, token=token)
