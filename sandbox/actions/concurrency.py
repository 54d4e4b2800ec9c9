"""Concurrency groups, which act ignores: one run at a time per group; a newer run replaces
the pending one, and with `cancel-in-progress` stops the running one too (as on GitHub).
A run holds its group from the moment it is queued when nothing else holds it, so a burst
keeps the first run and the newest, and cancels every one in between."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.actions.execute import RunRequest

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def github_context(
    event: str,
    ref: str,
    head_ref: str,
    base_ref: str,
    workflow: str,
    repository: str,
    sha: str,
    actor: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The `github` context a group expression may read."""
    ref_name = ref.removeprefix("refs/heads/").removeprefix("refs/tags/").removeprefix("refs/pull/")
    return {
        "event_name": event,
        "ref": ref,
        "ref_name": ref_name,
        "head_ref": head_ref,
        "base_ref": base_ref,
        "workflow": workflow,
        "repository": repository,
        "sha": sha,
        "actor": actor,
        "event": payload,
    }


def evaluate(template: str, contexts: dict[str, Any]) -> str:
    """`${{ a || b || 'literal' }}` parts filled from `contexts`; the common subset only
    (context paths, quoted literals, `||`); anything else is kept as written."""
    return EXPRESSION.sub(lambda m: _expression(m[1], contexts, m[0]), template)


def _expression(text: str, contexts: dict[str, Any], raw: str) -> str:
    for operand in (part.strip() for part in text.split("||")):
        if len(operand) >= 2 and operand[0] == operand[-1] == "'":
            value: Any = operand[1:-1]
        elif re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+)*", operand):
            value = _lookup(contexts, operand.split("."))
        else:
            return raw
        if value not in (None, "", False, 0):
            return str(value)
    return ""


def _lookup(value: Any, path: list[str]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@dataclass(eq=False)
class Handle:
    """One queued run's place in its group."""

    group: str | None
    cancel_in_progress: bool
    run_id: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


class Groups:
    """Who runs and who waits, per concurrency group."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, Handle] = {}
        self._pending: dict[str, Handle] = {}

    def queue(self, handle: Handle) -> None:
        """A new run joins its group. With nothing running there it holds the group at once,
        even while it waits for a free worker (GitHub's run holds it while it waits for a
        runner); otherwise it is the group's pending run: the older pending one is cancelled
        (and the running one too with cancel-in-progress)."""
        if handle.group is None:
            return
        with self._lock:
            running = self._running.get(handle.group)
            if running is None or running.done.is_set():
                self._running[handle.group] = handle
                return
            replaced = self._pending.get(handle.group)
            if replaced is not None:
                replaced.cancel.set()
            self._pending[handle.group] = handle
            if handle.cancel_in_progress:
                running.cancel.set()

    def start(self, handle: Handle) -> bool:
        """Block until `handle` may run; False if it was cancelled meanwhile."""
        if handle.group is None:
            return not handle.cancel.is_set()
        while True:
            with self._lock:
                running = self._running.get(handle.group)
                if handle.cancel.is_set():
                    self._drop(handle)
                    if running is handle:
                        del self._running[handle.group]
                    return False
                if running is handle or running is None or running.done.is_set():
                    self._running[handle.group] = handle
                    self._drop(handle)
                    return True
            running.done.wait(0.2)

    def finish(self, handle: Handle) -> None:
        """`handle`'s run ended: the next one of its group may start."""
        handle.done.set()
        with self._lock:
            if handle.group is not None and self._running.get(handle.group) is handle:
                del self._running[handle.group]

    def _drop(self, handle: Handle) -> None:
        if handle.group is not None and self._pending.get(handle.group) is handle:
            del self._pending[handle.group]


def group_of(request: RunRequest) -> str | None:
    """The run's concurrency group, its expressions evaluated (None: no group)."""
    if request.workflow.concurrency is None:
        return None
    pull = request.payload.get("pull_request") or {}
    github = github_context(
        event=request.event,
        ref=request.ref,
        head_ref=(pull.get("head") or {}).get("ref", ""),
        base_ref=(pull.get("base") or {}).get("ref", ""),
        workflow=request.workflow.name,
        repository=request.repo,
        sha=request.sha,
        actor=request.actor,
        payload=request.payload,
    )
    inputs = request.payload.get("inputs") or {}
    group = evaluate(request.workflow.concurrency, {"github": github, "inputs": inputs})
    return f"{request.repo.lower()}:{group}"
