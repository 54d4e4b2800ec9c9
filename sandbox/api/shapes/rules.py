"""Branch protection and rulesets in GitHub's shape."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.records import Protection, Ruleset


def protection(base: str, full_name: str, record: Protection) -> dict[str, Any]:
    """A `protected-branch` body."""
    url = f"{base}/repos/{full_name}/branches/{record.branch}/protection"
    s = record.settings
    body: dict[str, Any] = {
        "url": url,
        "enforce_admins": {
            "url": f"{url}/enforce_admins",
            "enabled": bool(s.get("enforce_admins")),
        },
        "allow_force_pushes": {"enabled": _on(s.get("allow_force_pushes"))},
        "allow_deletions": {"enabled": _on(s.get("allow_deletions"))},
        "required_linear_history": {"enabled": _on(s.get("required_linear_history"))},
        "required_signatures": {"url": f"{url}/required_signatures", "enabled": False},
    }
    reviews = s.get("required_pull_request_reviews")
    if reviews is not None:
        body["required_pull_request_reviews"] = {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
            "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews")),
            "required_approving_review_count": int(
                reviews.get("required_approving_review_count", 0)
            ),
        }
    checks = s.get("required_status_checks")
    if checks is not None:
        contexts = list(checks.get("contexts") or [])
        body["required_status_checks"] = {
            "url": f"{url}/required_status_checks",
            "strict": bool(checks.get("strict")),
            "contexts": contexts,
            "checks": [{"context": c, "app_id": None} for c in contexts],
            "contexts_url": f"{url}/required_status_checks/contexts",
        }
    return body


def _on(value: Any) -> bool:
    return bool(value.get("enabled")) if isinstance(value, dict) else bool(value)


def ruleset(base: str, full_name: str, record: Ruleset) -> dict[str, Any]:
    """A `repository-ruleset` body."""
    url = f"{base}/repos/{full_name}/rulesets/{record.id}"
    return {
        "id": record.id,
        "name": record.name,
        "target": record.target,
        "source_type": "Repository",
        "source": full_name,
        "enforcement": record.enforcement,
        "bypass_actors": record.bypass_actors,
        "current_user_can_bypass": "never",
        "node_id": node_id("RRS", record.id),
        "_links": {
            "self": {"href": url},
            "html": {"href": f"{base}/{full_name}/rules/{record.id}"},
        },
        "conditions": record.conditions or None,
        "rules": record.rules,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def org_ruleset(base: str, org: str, record: Ruleset) -> dict[str, Any]:
    """An organization's `repository-ruleset` body (GitHub uses one schema for both)."""
    url = f"{base}/orgs/{org}/rulesets/{record.id}"
    body = ruleset(base, org, record)
    body |= {
        "source_type": "Organization",
        "source": org,
        "_links": {
            "self": {"href": url},
            "html": {"href": f"{base}/organizations/{org}/settings/rules/{record.id}"},
        },
    }
    return body
