"""Users and organizations: /user, /users/{login}, /orgs/{org}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sandbox.api.deps import SB, Base, Who, page, respond
from sandbox.api.shapes import accounts as shapes
from sandbox.api.shapes.stored import account_or_404
from sandbox.auth import org_role, viewer_level
from sandbox.errors import not_found
from sandbox.records import Membership, Repo

router = APIRouter()


def _public_repos(sandbox: SB, login: str) -> int:
    return sum(
        1 for r in sandbox.store.scan(Repo) if r.owner.lower() == login.lower() and not r.private
    )


@router.get("/user")
def get_me(sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login()
    account = account_or_404(sandbox, login)
    owned = sum(1 for r in sandbox.store.scan(Repo) if r.owner.lower() == login.lower())
    return respond(shapes.private_user(base, account, owned))


@router.get("/users/{login}")
def get_user(login: str, sandbox: SB, base: Base) -> Response:
    account = account_or_404(sandbox, login)
    if account.type == "Organization":
        return respond(shapes.organization(base, account, _public_repos(sandbox, login)))
    return respond(shapes.public_user(base, account, _public_repos(sandbox, login)))


@router.get("/orgs/{org}")
def get_org(org: str, sandbox: SB, base: Base) -> Response:
    account = account_or_404(sandbox, org)
    if account.type != "Organization":
        raise not_found()
    return respond(shapes.organization(base, account, _public_repos(sandbox, org)))


@router.get("/orgs/{org}/members")
def list_members(org: str, request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    account = account_or_404(sandbox, org)
    if viewer.login is None or org_role(sandbox, account.login, viewer.login) is None:
        return page(request, [])
    members = [
        m for m in sandbox.store.scan(Membership, account.login.lower()) if m.state == "active"
    ]
    role = request.query_params.get("role", "all")
    bodies: list[dict[str, Any]] = [
        shapes.simple_user(base, account_or_404(sandbox, m.login))
        for m in members
        if role == "all" or m.role == role
    ]
    return page(request, bodies)


@router.get("/user/orgs")
def list_my_orgs(request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login()
    orgs = [
        shapes.organization(base, account_or_404(sandbox, m.org), 0)
        for m in sandbox.store.scan(Membership)
        if m.login.lower() == login.lower() and m.state == "active"
    ]
    return page(request, [_org_simple(o) for o in orgs])


def _org_simple(body: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "login",
        "id",
        "node_id",
        "url",
        "repos_url",
        "events_url",
        "hooks_url",
        "issues_url",
        "members_url",
        "public_members_url",
        "avatar_url",
        "description",
    )
    return {k: body[k] for k in keys}


def visible(sandbox: SB, viewer: Who, repo: Repo) -> bool:
    """True when the caller may see `repo`."""
    return viewer_level(sandbox, viewer, repo, "metadata") != "none"
