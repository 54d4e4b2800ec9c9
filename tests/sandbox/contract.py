"""Every JSON body the sandbox answers in a test is validated against GitHub's own schema
(githubkit-schemas' models, generated from GitHub's published OpenAPI description)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from githubkit_schemas.v2022_11_28 import models as m
from pydantic import TypeAdapter, ValidationError

# (method, route path) -> model of a success body ("list" wraps it in a list). Error bodies are
# checked against BasicError / ValidationError whatever the route.
CONTRACTS: dict[tuple[str, str], Any] = {
    ("GET", "/"): m.Root,
    ("GET", "/rate_limit"): m.RateLimitOverview,
    ("GET", "/user"): m.PrivateUser,
    ("GET", "/users/{login}"): m.PublicUser | m.OrganizationFull,
    ("GET", "/orgs/{org}"): m.OrganizationFull,
    ("GET", "/orgs/{org}/members"): list[m.SimpleUser],
    ("GET", "/user/orgs"): list[m.OrganizationSimple],
    ("POST", "/orgs/{org}/repos"): m.FullRepository,
    ("POST", "/user/repos"): m.FullRepository,
    ("GET", "/orgs/{org}/repos"): list[m.MinimalRepository],
    ("GET", "/users/{login}/repos"): list[m.MinimalRepository],
    ("GET", "/user/repos"): list[m.Repository],
    ("GET", "/repos/{owner}/{name}"): m.FullRepository,
    ("GET", "/repositories/{repo_id}"): m.FullRepository,
    ("PATCH", "/repos/{owner}/{name}"): m.FullRepository,
    ("DELETE", "/repos/{owner}/{name}"): None,
    ("POST", "/repos/{owner}/{name}/generate"): m.FullRepository,
}


# Routes that answer no JSON body on success (git, redirects, zips, 204-only checks).
NO_JSON = {
    ("GET", "/{owner}/{name}.git/{rest:path}"),
    ("POST", "/{owner}/{name}.git/{rest:path}"),
    ("GET", "/repos/{owner}/{name}/actions/runs/{run_id}/logs"),
    ("GET", "/repos/{owner}/{name}/actions/runs/{run_id}/logs/archive.zip"),
    ("GET", "/repos/{owner}/{name}/pulls/{number}/merge"),
    ("GET", "/repos/{owner}/{name}/actions/jobs/{job_id}/logs"),
    ("GET", "/repos/{owner}/{name}/actions/jobs/{job_id}/logs/text"),
    ("GET", "/repos/{owner}/{name}/collaborators/{login}"),
    ("DELETE", "/repos/{owner}/{name}/collaborators/{login}"),
    ("DELETE", "/repos/{owner}/{name}/invitations/{invitation_id}"),
    ("PATCH", "/user/repository_invitations/{invitation_id}"),
    ("DELETE", "/user/repository_invitations/{invitation_id}"),
}

# Routes whose answers are checked against GitHub's published GraphQL schema instead
# (tests/graphql_schema.py, tests/sandbox/test_sandbox_graphql.py).
GRAPHQL = {("POST", "/graphql")}


@dataclass
class Violation:
    method: str
    path: str
    status: int
    error: str


@dataclass
class ContractLog:
    """What the checker saw: bodies validated and violations found."""

    checked: int = 0
    violations: list[Violation] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def check(self, method: str, route: str | None, status: int, body: bytes) -> None:
        if route is None or not body or route.endswith("{rest:path}"):
            return
        self.seen.add((method, route))
        try:
            data = json.loads(body)
        except ValueError:
            self._fail(method, route, status, "body is not JSON")
            return
        model = _model_for(method, route, status)
        if model is _MISSING:
            self._fail(method, route, status, "no contract registered for this route")
            return
        if model is None:
            return
        try:
            _adapter(model).validate_python(data)
        except ValidationError as exc:
            self._fail(method, route, status, str(exc)[:3000])
        self.checked += 1

    def check_graphql(self, request: bytes, body: bytes) -> None:
        """A GraphQL answer against GitHub's published schema (tests/graphql_schema.py)."""
        from tests.graphql_schema import conforms

        self.seen.add(("POST", "/graphql"))
        try:
            sent = json.loads(request)
        except ValueError:
            sent = None
        answer = json.loads(body)
        if not isinstance(sent, dict) or not isinstance(sent.get("query"), str):
            # Not a GraphQL request at all: the answer can only be errors.
            errors = answer.get("errors") if isinstance(answer, dict) else None
            problems = [] if isinstance(errors, list) and errors else ["no errors for a non-query"]
        else:
            problems = conforms(sent["query"], sent.get("variables") or {}, answer)
        if problems:
            self._fail("POST", "/graphql", 200, "; ".join(problems)[:3000])
        self.checked += 1

    def _fail(self, method: str, route: str, status: int, error: str) -> None:
        self.violations.append(Violation(method, route, status, error))


_MISSING = object()


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    """Building a validator for GitHub's big models is slow: once per model per session."""
    return TypeAdapter(model)


def _model_for(method: str, route: str, status: int) -> Any:
    if status >= 400:
        return m.ValidationError if status == 422 else m.BasicError
    return CONTRACTS.get((method, route), _MISSING)


class ContractChecker:
    """An ASGI wrapper that validates each JSON response body against its route's model."""

    def __init__(self, app: Any, log: ContractLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []
        is_json = False
        sent: list[bytes] = []

        async def listen() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                sent.append(message.get("body", b""))
            return message

        async def capture(message: Any) -> None:
            nonlocal status, is_json
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = dict(message.get("headers", []))
                is_json = headers.get(b"content-type", b"").startswith(b"application/json")
            elif message["type"] == "http.response.body" and is_json:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, listen, capture)
        route = scope.get("route")
        if is_json and scope["path"] == "/graphql" and status == 200:
            self.log.check_graphql(b"".join(sent), b"".join(chunks))
        elif is_json:
            path = getattr(route, "path", None) if route is not None else None
            self.log.check(scope["method"], path or _unrouted(status), status, b"".join(chunks))


def _unrouted(status: int) -> str | None:
    return "<unrouted>" if status >= 400 else None


CONTRACTS.update(
    {
        ("GET", "/repos/{owner}/{name}/contents"): list[m.ContentDirectoryItems] | m.ContentFile,
        ("GET", "/repos/{owner}/{name}/contents/{path:path}"): (
            list[m.ContentDirectoryItems] | m.ContentFile
        ),
        ("PUT", "/repos/{owner}/{name}/contents/{path:path}"): m.FileCommit,
        ("DELETE", "/repos/{owner}/{name}/contents/{path:path}"): m.FileCommit,
        ("GET", "/repos/{owner}/{name}/branches"): list[m.ShortBranch],
        ("GET", "/repos/{owner}/{name}/branches/{branch:path}"): m.BranchWithProtection,
        ("GET", "/repos/{owner}/{name}/branches/{branch:path}/protection"): m.ProtectedBranch,
        ("PUT", "/repos/{owner}/{name}/branches/{branch:path}/protection"): m.ProtectedBranch,
        ("DELETE", "/repos/{owner}/{name}/branches/{branch:path}/protection"): None,
        ("GET", "/repos/{owner}/{name}/commits"): list[m.Commit],
        ("GET", "/repos/{owner}/{name}/commits/{ref:path}"): m.Commit,
        ("GET", "/repos/{owner}/{name}/git/commits/{sha}"): m.GitCommit,
        ("GET", "/repos/{owner}/{name}/git/ref/{ref:path}"): m.GitRef,
        ("GET", "/repos/{owner}/{name}/git/matching-refs/{ref:path}"): list[m.GitRef],
        ("POST", "/repos/{owner}/{name}/git/refs"): m.GitRef,
        ("PATCH", "/repos/{owner}/{name}/git/refs/{ref:path}"): m.GitRef,
        ("DELETE", "/repos/{owner}/{name}/git/refs/{ref:path}"): None,
        ("GET", "/repos/{owner}/{name}/rulesets"): list[m.RepositoryRuleset],
        ("POST", "/repos/{owner}/{name}/rulesets"): m.RepositoryRuleset,
        ("GET", "/repos/{owner}/{name}/rulesets/{ruleset_id}"): m.RepositoryRuleset,
        ("PUT", "/repos/{owner}/{name}/rulesets/{ruleset_id}"): m.RepositoryRuleset,
        ("DELETE", "/repos/{owner}/{name}/rulesets/{ruleset_id}"): None,
        ("GET", "/orgs/{org}/rulesets"): list[m.RepositoryRuleset],
        ("POST", "/orgs/{org}/rulesets"): m.RepositoryRuleset,
        ("GET", "/orgs/{org}/rulesets/{ruleset_id}"): m.RepositoryRuleset,
        ("PUT", "/orgs/{org}/rulesets/{ruleset_id}"): m.RepositoryRuleset,
        ("DELETE", "/orgs/{org}/rulesets/{ruleset_id}"): None,
    }
)

CONTRACTS.update(
    {
        ("PUT", "/repos/{owner}/{name}/collaborators/{login}"): m.RepositoryInvitation,
        ("GET", "/repos/{owner}/{name}/collaborators"): list[m.Collaborator],
        ("GET", "/repos/{owner}/{name}/collaborators/{login}/permission"): (
            m.RepositoryCollaboratorPermission
        ),
        ("GET", "/repos/{owner}/{name}/invitations"): list[m.RepositoryInvitation],
        ("GET", "/user/repository_invitations"): list[m.RepositoryInvitation],
    }
)

CONTRACTS.update(
    {
        ("POST", "/repos/{owner}/{name}/issues"): m.Issue,
        ("GET", "/repos/{owner}/{name}/issues"): list[m.Issue],
        ("GET", "/repos/{owner}/{name}/issues/{number}"): m.Issue,
        ("PATCH", "/repos/{owner}/{name}/issues/{number}"): m.Issue,
        ("GET", "/repos/{owner}/{name}/issues/comments"): list[m.IssueComment],
        ("GET", "/repos/{owner}/{name}/issues/comments/{comment_id}"): m.IssueComment,
        ("PATCH", "/repos/{owner}/{name}/issues/comments/{comment_id}"): m.IssueComment,
        ("DELETE", "/repos/{owner}/{name}/issues/comments/{comment_id}"): None,
        ("POST", "/repos/{owner}/{name}/issues/{number}/comments"): m.IssueComment,
        ("GET", "/repos/{owner}/{name}/issues/{number}/comments"): list[m.IssueComment],
        ("GET", "/repos/{owner}/{name}/issues/{number}/labels"): list[m.Label],
        ("POST", "/repos/{owner}/{name}/issues/{number}/labels"): list[m.Label],
        ("PUT", "/repos/{owner}/{name}/issues/{number}/labels"): list[m.Label],
        ("DELETE", "/repos/{owner}/{name}/issues/{number}/labels/{label}"): list[m.Label],
        ("GET", "/repos/{owner}/{name}/labels"): list[m.Label],
        ("POST", "/repos/{owner}/{name}/labels"): m.Label,
        ("GET", "/repos/{owner}/{name}/labels/{label}"): m.Label,
        ("PATCH", "/repos/{owner}/{name}/labels/{label}"): m.Label,
        ("DELETE", "/repos/{owner}/{name}/labels/{label}"): None,
        ("POST", "/repos/{owner}/{name}/pulls"): m.PullRequest,
        ("GET", "/repos/{owner}/{name}/pulls"): list[m.PullRequestSimple],
        ("GET", "/repos/{owner}/{name}/pulls/{number}"): m.PullRequest,
        ("PATCH", "/repos/{owner}/{name}/pulls/{number}"): m.PullRequest,
        ("GET", "/repos/{owner}/{name}/pulls/{number}/files"): list[m.DiffEntry],
        ("GET", "/repos/{owner}/{name}/pulls/{number}/commits"): list[m.Commit],
        ("PUT", "/repos/{owner}/{name}/pulls/{number}/merge"): m.PullRequestMergeResult,
    }
)

CONTRACTS.update(
    {
        ("POST", "/repos/{owner}/{name}/check-runs"): m.CheckRun,
        ("PATCH", "/repos/{owner}/{name}/check-runs/{check_id}"): m.CheckRun,
        ("GET", "/repos/{owner}/{name}/check-runs/{check_id}"): m.CheckRun,
        ("GET", "/repos/{owner}/{name}/check-runs/{check_id}/annotations"): list[m.CheckAnnotation],
        ("GET", "/repos/{owner}/{name}/commits/{ref:path}/check-runs"): (
            m.ReposOwnerRepoCommitsRefCheckRunsGetResponse200
        ),
        ("POST", "/repos/{owner}/{name}/statuses/{sha}"): m.Status,
        ("GET", "/repos/{owner}/{name}/commits/{ref:path}/statuses"): list[m.Status],
        ("GET", "/repos/{owner}/{name}/statuses/{ref}"): list[m.Status],
        ("GET", "/repos/{owner}/{name}/commits/{ref:path}/status"): m.CombinedCommitStatus,
    }
)

CONTRACTS.update(
    {
        ("GET", "/repos/{owner}/{name}/actions/runs"): m.ReposOwnerRepoActionsRunsGetResponse200,
        ("GET", "/repos/{owner}/{name}/actions/runs/{run_id}"): m.WorkflowRun,
        ("GET", "/repos/{owner}/{name}/actions/workflows"): (
            m.ReposOwnerRepoActionsWorkflowsGetResponse200
        ),
        ("GET", "/repos/{owner}/{name}/actions/workflows/{workflow}"): m.Workflow,
        ("GET", "/repos/{owner}/{name}/actions/workflows/{workflow}/runs"): (
            m.ReposOwnerRepoActionsWorkflowsWorkflowIdRunsGetResponse200
        ),
        ("POST", "/repos/{owner}/{name}/actions/workflows/{workflow}/dispatches"): None,
        ("POST", "/repos/{owner}/{name}/dispatches"): None,
        ("GET", "/repos/{owner}/{name}/actions/permissions/access"): (
            m.ActionsWorkflowAccessToRepository
        ),
        ("PUT", "/repos/{owner}/{name}/actions/permissions/access"): None,
    }
)

CONTRACTS.update(
    {
        ("POST", "/repos/{owner}/{name}/forks"): m.FullRepository,
        ("GET", "/repos/{owner}/{name}/forks"): list[m.MinimalRepository],
    }
)

CONTRACTS.update(
    {
        ("POST", "/repos/{owner}/{name}/git/blobs"): m.ShortBlob,
        ("GET", "/repos/{owner}/{name}/git/blobs/{sha}"): m.Blob,
        ("POST", "/repos/{owner}/{name}/git/trees"): m.GitTree,
        ("GET", "/repos/{owner}/{name}/git/trees/{sha}"): m.GitTree,
        ("POST", "/repos/{owner}/{name}/git/commits"): m.GitCommit,
        ("GET", "/repos/{owner}/{name}/compare/{basehead:path}"): m.CommitComparison,
    }
)

CONTRACTS.update(
    {
        ("GET", "/repos/{owner}/{name}/actions/secrets/public-key"): m.ActionsPublicKey,
        ("GET", "/repos/{owner}/{name}/actions/secrets"): (
            m.ReposOwnerRepoActionsSecretsGetResponse200
        ),
        ("GET", "/repos/{owner}/{name}/actions/secrets/{secret}"): m.ActionsSecret,
        ("PUT", "/repos/{owner}/{name}/actions/secrets/{secret}"): m.EmptyObject,
        ("DELETE", "/repos/{owner}/{name}/actions/secrets/{secret}"): None,
        ("GET", "/orgs/{org}/actions/secrets/public-key"): m.ActionsPublicKey,
        ("GET", "/orgs/{org}/actions/secrets"): m.OrgsOrgActionsSecretsGetResponse200,
        ("PUT", "/orgs/{org}/actions/secrets/{secret}"): m.EmptyObject,
        ("DELETE", "/orgs/{org}/actions/secrets/{secret}"): None,
    }
)

CONTRACTS.update(
    {
        ("PUT", "/orgs/{org}/memberships/{login}"): m.OrgMembership,
        ("GET", "/orgs/{org}/memberships/{login}"): m.OrgMembership,
        ("DELETE", "/orgs/{org}/memberships/{login}"): None,
        ("GET", "/user/memberships/orgs"): list[m.OrgMembership],
        ("GET", "/user/memberships/orgs/{org}"): m.OrgMembership,
        ("PATCH", "/user/memberships/orgs/{org}"): m.OrgMembership,
        ("GET", "/repos/{owner}/{name}/topics"): m.Topic,
        ("PUT", "/repos/{owner}/{name}/topics"): m.Topic,
    }
)

CONTRACTS.update(
    {
        ("GET", "/repos/{owner}/{name}/actions/runs/{run_id}/jobs"): (
            m.ReposOwnerRepoActionsRunsRunIdJobsGetResponse200
        ),
        ("GET", "/repos/{owner}/{name}/actions/jobs/{job_id}"): m.Job,
    }
)

CONTRACTS.update(
    {
        ("GET", "/repos/{owner}/{name}/activity"): list[m.Activity],
        ("GET", "/repos/{owner}/{name}/actions/runs/{run_id}/artifacts"): (
            m.ReposOwnerRepoActionsRunsRunIdArtifactsGetResponse200
        ),
        ("GET", "/repos/{owner}/{name}/actions/artifacts/{artifact_id}"): m.Artifact,
        # Sandbox-only admin routes: no GitHub schema to hold them to.
        ("GET", "/_sandbox/clock"): None,
        ("POST", "/_sandbox/clock"): None,
        ("POST", "/_sandbox/runs/{run_id}/kill"): None,
    }
)
NO_JSON.add(("GET", "/repos/{owner}/{name}/actions/artifacts/{artifact_id}/zip"))
