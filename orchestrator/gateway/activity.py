"""Repository activity: GitHub's own record of every push, with the server's time."""

from __future__ import annotations

from urllib.parse import quote

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import Push, push_from


class ActivityAPI(GatewayCore):
    """When each commit reached a branch, by GitHub's clock (never the commit's own dates)."""

    def pushes(self, full_name: str, branch: str, *, per_page: int = 100) -> list[Push]:
        """Every recorded update of `branch`, oldest first (one call per `per_page`).

        GitHub keeps this record for 90 days; `cutoff.record_kept_since` says what that
        means for a question about an older moment.
        """
        params = {"ref": f"refs/heads/{branch}", "per_page": per_page}
        found = self._paged(f"/repos/{quote(full_name, safe='/')}/activity", params)
        return sorted((push_from(item) for item in found), key=lambda p: (p.pushed_at, p.id))
