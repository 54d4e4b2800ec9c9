"""Organization rulesets: one rule for many repositories, chosen by name pattern."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from orchestrator.gateway.core import GatewayCore


class RulesetsAPI(GatewayCore):
    """Read, create and update an organization's rulesets."""

    def org_ruleset(self, org: str, name: str) -> dict[str, Any] | None:
        """The organization's ruleset called `name`, whole (the list gives no rules), or None."""
        found = next(
            (r for r in self._paged(f"/orgs/{quote(org)}/rulesets") if r["name"] == name), None
        )
        if found is None:
            return None
        data = self._find(f"/orgs/{quote(org)}/rulesets/{int(found['id'])}")
        return dict(data) if data else None

    def put_org_ruleset(self, org: str, spec: dict[str, Any], ruleset_id: int | None) -> int:
        """Create the ruleset `spec` (or replace ruleset `ruleset_id` with it); its id. An
        ambiguous create is resolved by looking the ruleset up by name."""
        if ruleset_id is not None:
            path = f"/orgs/{quote(org)}/rulesets/{ruleset_id}"
            return self._write(
                f"{org}: update ruleset {spec['name']}",
                lambda: int(self._send("PUT", path, spec)["id"]),
            )

        def probe() -> int | None:
            found = self.org_ruleset(org, str(spec["name"]))
            return int(found["id"]) if found else None

        return self._write(
            f"{org}: create ruleset {spec['name']}",
            lambda: int(self._send("POST", f"/orgs/{quote(org)}/rulesets", spec)["id"]),
            probe,
        )
