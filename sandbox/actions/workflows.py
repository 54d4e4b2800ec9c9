"""The workflow files of a commit."""

from __future__ import annotations

import logging

from sandbox.actions.triggers import Workflow, WorkflowError, parse_workflow
from sandbox.git.repos import BareRepo

log = logging.getLogger("sandbox.actions")
WORKFLOWS = ".github/workflows"


def load_workflows(bare: BareRepo, sha: str) -> list[tuple[Workflow, str]]:
    """The workflow files at `sha` (unreadable ones are logged and skipped)."""
    if bare.entry(sha, WORKFLOWS) is None:
        return []
    found = []
    for entry in bare.list_dir(sha, WORKFLOWS):
        if entry.type != "blob" or not entry.path.endswith((".yml", ".yaml")):
            continue
        text = bare.blob(entry.sha).decode(errors="replace")
        try:
            found.append((parse_workflow(entry.path, text), text))
        except WorkflowError as exc:
            log.warning("skipping %s", exc)
    return found
