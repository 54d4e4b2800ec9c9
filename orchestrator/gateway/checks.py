"""GitHub Actions settings and check runs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import Conditional, check_run_from
from orchestrator.gateway.transport import GatewayError, json_object


class ChecksAPI(GatewayCore):
    """Share workflows between repositories; read, create and update check runs."""

    def actions_access(self, full_name: str) -> str:
        """Who may use this repository's workflows (`none` when it cannot be read)."""
        data = self._find(f"/repos/{full_name}/actions/permissions/access")
        return str(data["access_level"]) if data else "none"

    def set_actions_access(self, full_name: str, level: str) -> None:
        """Let repositories at `level` (e.g. `organization`) use this one's workflows."""
        path = f"/repos/{full_name}/actions/permissions/access"
        self._write(
            f"{full_name}: share workflows",
            lambda: self._send("PUT", path, {"access_level": level}),
        )

    def check_runs(self, full_name: str, ref: str, name: str, etag: str | None) -> Conditional:
        """Check runs called `name` on `ref`; with `etag`, a 304 costs nothing and says so."""
        path = f"/repos/{full_name}/commits/{quote(ref)}/check-runs"
        headers = {"If-None-Match": etag} if etag else None
        try:
            status, answer, text = self._req.requestJson(
                "GET", path, parameters={"check_name": name, "filter": "latest"}, headers=headers
            )
        except requests.exceptions.RequestException as exc:
            raise GatewayError(
                f"{full_name}: could not read check runs ({exc}); run again"
            ) from exc
        if status == 304:
            self.not_modified += 1
            return Conditional(False, etag, None)
        if status in (404, 409, 422):
            return Conditional(True, None, [])
        if status >= 400:
            raise GatewayError(f"{full_name}: reading check runs answered {status}; run again")
        runs = [check_run_from(c) for c in json_object(text).get("check_runs", [])]
        return Conditional(True, answer.get("etag"), runs)

    def create_check_run(self, full_name: str, spec: dict[str, Any]) -> int:
        """Create a check run from a GitHub `spec` (≤ 50 annotations); its id."""
        path = f"/repos/{full_name}/check-runs"
        return self._write(
            f"{full_name}: create check run {spec.get('name')}",
            lambda: int(self._send("POST", path, spec)["id"]),
        )

    def update_check_run(self, full_name: str, check_id: int, spec: dict[str, Any]) -> None:
        """Update a check run; the annotations in `spec` are added to those it has."""
        path = f"/repos/{full_name}/check-runs/{check_id}"
        self._write(
            f"{full_name}: update check run {check_id}", lambda: self._send("PATCH", path, spec)
        )

    def annotations(self, full_name: str, check_id: int) -> list[dict[str, Any]]:
        """Every annotation of check run `check_id`."""
        return list(self._paged(f"/repos/{full_name}/check-runs/{check_id}/annotations"))
