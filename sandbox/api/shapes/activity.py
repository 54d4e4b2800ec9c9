"""Repository activity in GitHub's shape."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.api.shapes.stored import user_body
from sandbox.context import Sandbox
from sandbox.records import Activity


def activity_body(sandbox: Sandbox, base: str, item: Activity) -> dict[str, Any]:
    """An `activity`."""
    actor = user_body(sandbox, base, item.actor) if sandbox.account(item.actor) else None
    return {
        "id": item.id,
        "node_id": node_id("RA", item.id),
        "before": item.before,
        "after": item.after,
        "ref": item.ref,
        "timestamp": item.timestamp,
        "activity_type": item.activity_type,
        "actor": actor,
    }
