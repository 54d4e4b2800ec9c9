"""Git over smart HTTP through `git http-backend`, authenticated by token, push rules enforced."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from basis.procs import run_raw
from sandbox.api.deps import get_sandbox, get_viewer
from sandbox.auth import Viewer, viewer_level
from sandbox.context import PushEvent, Sandbox
from sandbox.errors import ApiError
from sandbox.git.push_rules import rules_for
from sandbox.git.repos import ZERO, git_env
from sandbox.records import LEVELS, Repo, now

router = APIRouter()
CHALLENGE = {"WWW-Authenticate": 'Basic realm="GitHub"'}


def _authorize(sandbox: Sandbox, viewer: Viewer, repo: Repo | None, push: bool) -> Repo:
    """The repository if the caller may fetch (or push); 401 asks git for credentials."""
    if repo is None:
        raise ApiError(404, "Repository not found.")
    level = viewer_level(sandbox, viewer, repo, "contents")
    need = "push" if push else "pull"
    if LEVELS[level] >= LEVELS[need] and not (push and repo.archived):
        return repo
    if viewer.login is None:
        raise ApiError(401, "Authentication required", headers=CHALLENGE)
    if LEVELS[level] < LEVELS["pull"]:
        raise ApiError(404, "Repository not found.")
    if push and repo.archived:
        raise ApiError(403, "This repository was archived so it is read-only.")
    raise ApiError(403, f"Permission to {repo.full_name}.git denied to {viewer.login}.")


def _cgi_env(
    sandbox: Sandbox, request: Request, path: str, extra: dict[str, str]
) -> dict[str, str]:
    env = git_env(
        GIT_PROJECT_ROOT=str(sandbox.config.git_root),
        GIT_HTTP_EXPORT_ALL="1",
        PATH_INFO=path,
        REQUEST_METHOD=request.method,
        QUERY_STRING=request.url.query,
        CONTENT_TYPE=request.headers.get("content-type", ""),
        REMOTE_ADDR=request.client.host if request.client else "127.0.0.1",
        **extra,
    )
    for header in ("content-encoding", "git-protocol"):
        if header in request.headers:
            env[f"HTTP_{header.upper().replace('-', '_')}"] = request.headers[header]
    return env


def _parse_cgi(output: bytes) -> Response:
    head, _, body = output.partition(b"\r\n\r\n")
    status = 200
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            headers[key] = value.strip()
    return Response(body, status_code=status, headers=headers)


def _backend(env: dict[str, str], body: bytes) -> Response:
    proc = run_raw(["git", "http-backend"], env=env, stdin=body, timeout=300, check=False)
    if not proc.stdout:
        raise ApiError(500, "git http-backend failed")
    return _parse_cgi(proc.stdout)


def _emit_pushes(
    sandbox: Sandbox, repo: Repo, viewer: Viewer, before: dict[str, str], after: dict[str, str]
) -> None:
    moved = [r for r in set(before) | set(after) if before.get(r) != after.get(r)]
    if not moved:
        return
    fresh = sandbox.repo(repo.full_name) or repo
    fresh.pushed_at = now()
    sandbox.store.save(fresh)
    for ref in sorted(moved):
        sandbox.pushed(
            PushEvent(
                repo=repo.full_name,
                ref=ref,
                before=before.get(ref, ZERO),
                after=after.get(ref, ZERO),
                pusher=viewer.login or "",
                by_workflow=viewer.is_workflow,
                via="git",
            )
        )


def _serve(
    sandbox: Sandbox,
    viewer: Viewer,
    request: Request,
    owner: str,
    name: str,
    rest: str,
    body: bytes,
) -> Response:
    service = request.query_params.get("service") or rest.rsplit("/", 1)[-1]
    push = service == "git-receive-pack"
    repo = _authorize(sandbox, viewer, sandbox.repo(f"{owner}/{name}"), push)
    path = f"/{repo.full_name.lower()}.git/{rest}"
    extra = {"REMOTE_USER": viewer.login or "anonymous"}
    if push:
        rules = rules_for(sandbox, repo, viewer.login or "", viewer.is_workflow)
        extra["SANDBOX_RULES"] = json.dumps(rules)
    env = _cgi_env(sandbox, request, path, extra)
    if not (push and request.method == "POST"):
        return _backend(env, body)
    bare = sandbox.bare(repo)
    before = bare.refs()
    response = _backend(env, body)
    _emit_pushes(sandbox, repo, viewer, before, bare.refs())
    return response


@router.api_route("/{owner}/{name}.git/{rest:path}", methods=["GET", "POST"])
async def git_http(owner: str, name: str, rest: str, request: Request) -> Response:
    sandbox = get_sandbox(request)
    try:
        viewer = get_viewer(request)
    except ApiError as exc:
        raise ApiError(401, exc.message, headers=CHALLENGE) from exc
    body = await request.body()
    return await run_in_threadpool(_serve, sandbox, viewer, request, owner, name, rest, body)
