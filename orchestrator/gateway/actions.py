"""GitHub Actions: dispatch a workflow, follow its runs and jobs, fetch their artifacts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import requests
from github import GithubException

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import (
    ArtifactInfo,
    JobInfo,
    RunInfo,
    artifact_from,
    job_from,
    run_from,
)
from orchestrator.gateway.transport import GatewayError, next_link

ARTIFACT_CHUNK = 1 << 16


class ActionsAPI(GatewayCore):
    """Workflow dispatches, runs, jobs and artifacts."""

    def dispatch_workflow(
        self,
        full_name: str,
        workflow: str,
        ref: str,
        inputs: dict[str, Any],
        started: Callable[[], RunInfo | None] | None = None,
    ) -> None:
        """Start `workflow` (its file name) on `ref` with `inputs`.

        GitHub answers 204 without the run; `started` (a look for the new run) tells after an
        ambiguous failure whether the dispatch happened, so it is not sent twice."""
        path = f"/repos/{full_name}/actions/workflows/{quote(workflow)}/dispatches"
        body = {"ref": ref, "inputs": inputs}

        def do() -> bool:
            self._send("POST", path, body)
            return True

        def probe() -> bool | None:
            return True if started is not None and started() is not None else None

        self._write(f"{full_name}: dispatch {workflow}", do, probe)

    def workflow_runs(
        self, full_name: str, workflow: str, *, event: str | None = None, actor: str | None = None
    ) -> list[RunInfo]:
        """The newest runs of `workflow` (one page, newest first), filtered as asked."""
        params: dict[str, Any] = {"per_page": 50}
        params |= ({"event": event} if event else {}) | ({"actor": actor} if actor else {})
        data = self._get(f"/repos/{full_name}/actions/workflows/{quote(workflow)}/runs", params)
        return [run_from(run) for run in data.get("workflow_runs", [])]

    def workflow_run(self, full_name: str, run_id: int) -> RunInfo:
        """Run `run_id` as it is now."""
        return run_from(self._get(f"/repos/{full_name}/actions/runs/{run_id}"))

    def run_jobs(self, full_name: str, run_id: int) -> list[JobInfo]:
        """Every job of run `run_id` (each matrix instance apart), in GitHub's order."""
        path = f"/repos/{full_name}/actions/runs/{run_id}/jobs"
        return [job_from(job) for job in self._listed(path, "jobs")]

    def run_artifacts(self, full_name: str, run_id: int) -> list[ArtifactInfo]:
        """Every artifact run `run_id` has uploaded so far."""
        path = f"/repos/{full_name}/actions/runs/{run_id}/artifacts"
        return [artifact_from(a) for a in self._listed(path, "artifacts")]

    def download_artifact(self, full_name: str, artifact_id: int) -> bytes:
        """The zip archive of artifact `artifact_id` (GitHub redirects to its storage)."""
        path = f"/repos/{full_name}/actions/artifacts/{artifact_id}/zip"
        try:
            _, _, chunks = self._req.getStream(path, chunk_size=ARTIFACT_CHUNK)
            return b"".join(chunks)
        except (GithubException, requests.exceptions.RequestException) as exc:
            raise GatewayError(
                f"{full_name}: could not download artifact {artifact_id} ({exc}); it may have "
                "expired: the run's page on GitHub still shows its summary"
            ) from exc

    def _listed(self, path: str, key: str) -> Iterator[Any]:
        """Pages of a list GitHub wraps in an object (`{"total_count": …, key: [...]}`)."""
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100}
        while url:
            try:
                headers, data = self._req.requestJsonAndCheck("GET", url, parameters=query)
            except GithubException as exc:
                raise self._fatal(exc, f"GET {path}") from exc
            except requests.exceptions.RequestException as exc:
                raise GatewayError(f"GET {path}: GitHub kept failing ({exc}); run again") from exc
            yield from data.get(key, [])
            url, query = next_link(headers.get("link", "")), None
