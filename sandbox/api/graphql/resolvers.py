"""The sandbox's records as GraphQL objects: plain dicts, with a function for each field that
takes arguments or costs a look-up (graphql-core's default resolver calls it with the field's
arguments), so only what a query selects is computed."""

from __future__ import annotations

import base64
import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from sandbox.auth import Viewer, viewer_level
from sandbox.context import Sandbox
from sandbox.records import LEVELS, CheckRun, Collaborator, Issue, Protection, Repo

Node = dict[str, Any]
PERMISSIONS = {"pull": "READ", "triage": "TRIAGE", "push": "WRITE", "maintain": "MAINTAIN"}


@dataclass(frozen=True)
class Context:
    """What every resolver of one request needs: the sandbox, the caller, the base URL, and
    the rate limit after this query's cost (for `rateLimit`)."""

    sandbox: Sandbox
    viewer: Viewer
    base: str
    rate: Node


def typed_error(message: str, kind: str) -> GraphQLError:
    """An error as GitHub writes it: its `type` (NOT_FOUND, FORBIDDEN) beside the message."""
    return GraphQLError(message, extensions={"type": kind})


def root() -> Node:
    """The Query type's fields."""
    return {"repository": _repository, "rateLimit": _rate_limit}


def _ctx(info: GraphQLResolveInfo) -> Context:
    context: Context = info.context
    return context


def _rate_limit(info: GraphQLResolveInfo, dryRun: bool = False) -> Node:  # GraphQL's name
    del dryRun  # the cost is reported either way
    return _ctx(info).rate


def _repository(info: GraphQLResolveInfo, owner: str, name: str, **_: Any) -> Node:
    ctx = _ctx(info)
    repo = ctx.sandbox.repo(f"{owner}/{name}")
    if repo is None or LEVELS[viewer_level(ctx.sandbox, ctx.viewer, repo, "metadata")] < 1:
        raise typed_error(
            f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
        )
    return repository_node(ctx, repo)


def repository_node(ctx: Context, repo: Repo) -> Node:
    """A `Repository`."""
    full = repo.full_name
    return {
        "name": repo.name,
        "nameWithOwner": full,
        "databaseId": repo.id,
        "isPrivate": repo.private,
        "isArchived": repo.archived,
        "isTemplate": repo.is_template,
        "url": f"{ctx.base}/{full}",
        "visibility": "PRIVATE" if repo.private else "PUBLIC",
        "createdAt": repo.created_at,
        "defaultBranchRef": lambda _info: _default_ref(ctx, repo),
        "refs": lambda _info, refPrefix, **page: _refs(ctx, repo, refPrefix, page),
        "issues": lambda _info, **args: _issues(ctx, repo, args, pulls=False),
        "pullRequests": lambda _info, **args: _issues(ctx, repo, args, pulls=True),
        "collaborators": lambda _info, **args: _collaborators(ctx, repo, args),
    }


def _heads(ctx: Context, repo: Repo) -> dict[str, str]:
    refs = ctx.sandbox.bare(repo).refs()
    return {
        r.removeprefix("refs/heads/"): sha for r, sha in refs.items() if r.startswith("refs/heads/")
    }


def _default_ref(ctx: Context, repo: Repo) -> Node | None:
    sha = _heads(ctx, repo).get(repo.default_branch)
    return _ref(ctx, repo, repo.default_branch, sha) if sha else None


def _refs(ctx: Context, repo: Repo, prefix: str, page: dict[str, Any]) -> Node:
    if prefix != "refs/heads/":
        return connection([], page)
    heads = sorted(_heads(ctx, repo).items())
    return connection([_ref(ctx, repo, name, sha) for name, sha in heads], page)


def _ref(ctx: Context, repo: Repo, branch: str, sha: str) -> Node:
    return {
        "name": branch,
        "prefix": "refs/heads/",
        "target": lambda _info: commit_node(ctx, repo, sha),
        "branchProtectionRule": lambda _info: _protection(ctx, repo, branch),
    }


def _protection(ctx: Context, repo: Repo, branch: str) -> Node | None:
    for rule in ctx.sandbox.store.scan(Protection, repo.full_name.lower()):
        if fnmatch.fnmatchcase(branch, rule.branch):
            return {"pattern": rule.branch}
    return None


def commit_node(ctx: Context, repo: Repo, sha: str) -> Node:
    """A `Commit` (the only `GitObject` the sandbox hands out)."""
    return {
        "__typename": "Commit",
        "oid": sha,
        "committedDate": lambda _info: ctx.sandbox.bare(repo).commit(sha).committer_date,
        "checkSuites": lambda _info, **args: _suites(ctx, repo, sha, args),
    }


def _suites(ctx: Context, repo: Repo, sha: str, args: dict[str, Any]) -> Node:
    """One suite per commit holding every check run on it (the sandbox has one app)."""
    runs = [
        r for r in ctx.sandbox.store.scan(CheckRun, repo.full_name.lower()) if r.head_sha == sha
    ]
    wanted = (args.get("filterBy") or {}).get("checkName")
    if not runs or (wanted and all(r.name != wanted for r in runs)):
        return connection([], args)
    suite = {"databaseId": runs[0].id, "checkRuns": lambda _info, **a: _runs(runs, a)}
    return connection([suite], args)


def _runs(runs: list[CheckRun], args: dict[str, Any]) -> Node:
    spec = args.get("filterBy") or {}
    found = [r for r in runs if spec.get("checkName") in (None, r.name)]
    if spec.get("checkType", "LATEST") == "LATEST":
        latest: dict[str, CheckRun] = {}
        for run in found:
            if run.name not in latest or run.id > latest[run.name].id:
                latest[run.name] = run
        found = sorted(latest.values(), key=lambda r: r.id)
    statuses = set(spec.get("statuses") or ()) | ({spec["status"]} if spec.get("status") else set())
    conclusions = set(spec.get("conclusions") or ())
    found = [
        r
        for r in found
        if (not statuses or r.status.upper() in statuses)
        and (not conclusions or (r.conclusion or "").upper() in conclusions)
    ]
    return connection([check_run_node(r) for r in found], args)


def check_run_node(run: CheckRun) -> Node:
    """A `CheckRun`."""
    output = run.output or {}
    return {
        "databaseId": run.id,
        "name": run.name,
        "status": run.status.upper(),
        "conclusion": run.conclusion.upper() if run.conclusion else None,
        "completedAt": run.completed_at,
        "title": output.get("title"),
        "summary": output.get("summary"),
        "text": output.get("text"),
    }


def _issues(ctx: Context, repo: Repo, args: dict[str, Any], *, pulls: bool) -> Node:
    spec = args.get("filterBy") or {}
    states = set(args.get("states") or spec.get("states") or ())
    labels = set(args.get("labels") or spec.get("labels") or ())
    author = (spec.get("createdBy") or "").lower()
    found = []
    for issue in ctx.sandbox.store.scan(Issue, repo.full_name.lower()):
        if (issue.pull is not None) != pulls:
            continue
        if states and _state(issue) not in states:
            continue
        if author and issue.user.lower() != author:
            continue
        if labels and not labels <= set(issue.labels):
            continue
        if pulls and not _pull_matches(issue, args):
            continue
        found.append(issue)
    found = _ordered(found, args.get("orderBy"))
    return connection([_issue_node(ctx, repo, i) for i in found], args)


def _state(issue: Issue) -> str:
    if issue.pull is not None and issue.pull.merged:
        return "MERGED"
    return issue.state.upper()


def _pull_matches(issue: Issue, args: dict[str, Any]) -> bool:
    assert issue.pull is not None
    return args.get("baseRefName") in (None, issue.pull.base) and args.get("headRefName") in (
        None,
        issue.pull.head,
    )


def _ordered(issues: list[Issue], order: dict[str, str] | None) -> list[Issue]:
    if not order:
        return issues
    key: Callable[[Issue], Any] = {
        "CREATED_AT": lambda i: (i.created_at, i.number),
        "UPDATED_AT": lambda i: (i.updated_at, i.number),
        "COMMENTS": lambda i: (i.comments, i.number),
    }[order["field"]]
    return sorted(issues, key=key, reverse=order["direction"] == "DESC")


def _issue_node(ctx: Context, repo: Repo, issue: Issue) -> Node:
    kind = "pull" if issue.pull is not None else "issues"
    node: Node = {
        "number": issue.number,
        "title": issue.title,
        "body": issue.body or "",
        "state": _state(issue),
        "url": f"{ctx.base}/{repo.full_name}/{kind}/{issue.number}",
        "createdAt": issue.created_at,
        "author": actor_node(issue.user),
    }
    if issue.pull is not None:
        node |= {"headRefName": issue.pull.head, "baseRefName": issue.pull.base}
    return node


def actor_node(login: str) -> Node:
    """A `User`, or a `Bot` (whose GraphQL login has no `[bot]`)."""
    if login.endswith("[bot]"):
        return {"__typename": "Bot", "login": login.removesuffix("[bot]")}
    return {"__typename": "User", "login": login}


def _collaborators(ctx: Context, repo: Repo, args: dict[str, Any]) -> Node:
    if LEVELS[viewer_level(ctx.sandbox, ctx.viewer, repo, "metadata")] < LEVELS["push"]:
        raise typed_error("Must have push access to view repository collaborators.", "FORBIDDEN")
    people = ctx.sandbox.store.scan(Collaborator, repo.full_name.lower())
    wanted = (args.get("login") or "").lower()
    people = [p for p in people if not wanted or p.login.lower() == wanted]
    edges = [
        {"node": {"login": p.login}, "permission": PERMISSIONS.get(p.permission, "ADMIN")}
        for p in people
    ]
    page = connection(edges, args)
    page["nodes"] = [edge["node"] for edge in page["nodes"]]
    page["edges"] = [e for e in edges if e["node"] in page["nodes"]]
    return page


def connection(items: Sequence[Any], args: dict[str, Any]) -> Node:
    """One page of `items` as a connection (`first`/`after`, or `last`/`before`)."""
    start, end = 0, len(items)
    if args.get("after"):
        start = min(end, _offset(args["after"]) + 1)
    if args.get("before"):
        end = max(start, _offset(args["before"]))
    if args.get("first") is not None:
        end = min(end, start + int(args["first"]))
    elif args.get("last") is not None:
        start = max(start, end - int(args["last"]))
    chosen = list(items[start:end])
    return {
        "nodes": chosen,
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if chosen else None,
            "endCursor": _cursor(end - 1) if chosen else None,
        },
    }


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError) as exc:
        raise GraphQLError(f"`{cursor}` does not appear to be a valid cursor.") from exc
