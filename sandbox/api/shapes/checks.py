"""Check runs and commit statuses in GitHub's shape."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.records import CheckRun, Status

APP_ID = 15368  # GitHub Actions' app id on github.com, kept for realism


def app(base: str, owner: dict[str, Any]) -> dict[str, Any]:
    """The `integration` every workflow-token check run belongs to (GitHub Actions)."""
    return {
        "id": APP_ID,
        "slug": "github-actions",
        "node_id": node_id("A", APP_ID),
        "owner": owner,
        "name": "GitHub Actions",
        "description": "Automate your workflow from idea to production",
        "external_url": f"{base}/features/actions",
        "html_url": f"{base}/apps/github-actions",
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2019-12-10T19:04:12Z",
        "permissions": {
            "checks": "write",
            "contents": "write",
            "issues": "write",
            "metadata": "read",
            "pull_requests": "write",
            "statuses": "write",
        },
        "events": ["check_run", "pull_request", "push"],
    }


def check_run(
    base: str, record: CheckRun, owner: dict[str, Any], pulls: list[dict[str, Any]]
) -> dict[str, Any]:
    """A `check-run`."""
    url = f"{base}/repos/{record.repo}/check-runs/{record.id}"
    output = record.output
    return {
        "id": record.id,
        "head_sha": record.head_sha,
        "node_id": node_id("CR", record.id),
        "external_id": record.external_id,
        "url": url,
        "html_url": f"{base}/{record.repo}/runs/{record.id}",
        "details_url": record.details_url,
        "status": record.status,
        "conclusion": record.conclusion,
        "started_at": record.started_at,
        "completed_at": record.completed_at,
        "output": {
            "title": output.get("title"),
            "summary": output.get("summary"),
            "text": output.get("text"),
            "annotations_count": len(record.annotations),
            "annotations_url": f"{url}/annotations",
        },
        "name": record.name,
        "check_suite": {"id": record.id},
        "app": app(base, owner),
        "pull_requests": pulls,
    }


def annotation(base: str, record: CheckRun, item: dict[str, Any]) -> dict[str, Any]:
    """A `check-annotation`."""
    path = str(item.get("path", ""))
    return {
        "path": path,
        "start_line": item.get("start_line"),
        "end_line": item.get("end_line"),
        "start_column": item.get("start_column"),
        "end_column": item.get("end_column"),
        "annotation_level": item.get("annotation_level"),
        "title": item.get("title"),
        "message": item.get("message"),
        "raw_details": item.get("raw_details"),
        "blob_href": f"{base}/{record.repo}/blob/{record.head_sha}/{path}",
    }


def status(base: str, record: Status, creator: dict[str, Any]) -> dict[str, Any]:
    """A `status`."""
    return {
        "url": f"{base}/repos/{record.repo}/statuses/{record.sha}",
        "avatar_url": creator["avatar_url"],
        "id": record.id,
        "node_id": node_id("SC", record.id),
        "state": record.state,
        "description": record.description,
        "target_url": record.target_url,
        "context": record.context,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "creator": creator,
    }


def combined(states: list[str]) -> str:
    """The combined state of several statuses: failure beats pending beats success."""
    if any(s in ("error", "failure") for s in states):
        return "failure"
    if not states or "pending" in states:
        return "pending"
    return "success"
