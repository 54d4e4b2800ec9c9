"""Forks: POST /repos/{owner}/{repo}/forks and GET …/forks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.routes.accounts import visible
from sandbox.api.routes.repos import NewRepo, create_repo
from sandbox.api.shapes.stored import account_or_404, full_repo_body, repo_body
from sandbox.auth import org_role, require_repo
from sandbox.errors import forbidden
from sandbox.records import Repo, now

router = APIRouter()


class ForkSpec(BaseModel):
    organization: str | None = None
    name: str | None = None
    default_branch_only: bool = False


@router.post("/repos/{owner}/{name}/forks")
def create_fork(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    source = require_repo(sandbox, viewer, owner, name, area="contents")
    login = viewer.require_login()
    if viewer.is_workflow:
        raise forbidden("Resource not accessible by integration")
    spec = parse(body, ForkSpec, "Fork")
    target = account_or_404(sandbox, spec.organization or login)
    if spec.organization and org_role(sandbox, target.login, login) is None:
        raise forbidden("You do not have permission to create repositories in this organization.")
    existing = sandbox.repo(f"{target.login}/{spec.name or source.name}")
    if existing and existing.fork_of and existing.fork_of.lower() == source.full_name.lower():
        return respond(full_repo_body(sandbox, base, viewer, existing), 202)
    new = NewRepo(
        name=spec.name or source.name, description=source.description, private=source.private
    )
    fork = create_repo(sandbox, target, new, fork_of=source.full_name)
    heads = f"refs/heads/{source.default_branch}" if spec.default_branch_only else "refs/heads/*"
    bare = sandbox.bare(fork)
    bare.git("fetch", "-q", "--no-tags", str(sandbox.bare(source).path), f"+{heads}:{heads}")
    bare.git("symbolic-ref", "HEAD", f"refs/heads/{source.default_branch}")
    fork.default_branch, fork.pushed_at = source.default_branch, now()
    sandbox.store.save(fork)
    return respond(full_repo_body(sandbox, base, viewer, fork), 202)


@router.get("/repos/{owner}/{name}/forks")
def list_forks(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    source = require_repo(sandbox, viewer, owner, name)
    forks = [
        r
        for r in sandbox.store.scan(Repo)
        if r.fork_of
        and r.fork_of.lower() == source.full_name.lower()
        and visible(sandbox, viewer, r)
    ]
    return page(request, [repo_body(sandbox, base, viewer, r) for r in forks])
