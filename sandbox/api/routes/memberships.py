"""Organization memberships: invite (PUT), read, accept (PATCH by the user), remove."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.shapes.accounts import organization, simple_user
from sandbox.api.shapes.stored import account_or_404
from sandbox.auth import Viewer, org_role
from sandbox.context import Sandbox
from sandbox.errors import forbidden, not_found
from sandbox.records import Account, Membership

router = APIRouter()


class Role(BaseModel):
    role: Literal["admin", "member"] = "member"


class Accept(BaseModel):
    state: Literal["active"]


def _org(sandbox: Sandbox, org: str) -> Account:
    account = account_or_404(sandbox, org)
    if account.type != "Organization":
        raise not_found()
    return account


def membership_body(sandbox: Sandbox, base: str, member: Membership) -> dict[str, Any]:
    """An `org-membership`."""
    org = _org(sandbox, member.org)
    return {
        "url": f"{base}/orgs/{org.login}/memberships/{member.login}",
        "state": member.state,
        "role": member.role,
        "organization_url": f"{base}/orgs/{org.login}",
        "organization": {k: v for k, v in organization(base, org, 0).items() if k in _SIMPLE},
        "user": simple_user(base, account_or_404(sandbox, member.login)),
    }


_SIMPLE = (
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


def _require_admin(sandbox: Sandbox, viewer: Viewer, org: Account) -> None:
    login = viewer.require_login()
    if viewer.is_workflow or org_role(sandbox, org.login, login) != "admin":
        raise forbidden("You must be an admin of the organization.")


@router.put("/orgs/{org}/memberships/{login}")
def set_membership(
    org: str, login: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    account = _org(sandbox, org)
    _require_admin(sandbox, viewer, account)
    user = account_or_404(sandbox, login)
    role = parse(body, Role, "Membership").role
    member = sandbox.store.find(Membership, account.login.lower(), user.login.lower())
    if member is None:
        member = sandbox.store.add(
            Membership(org=account.login, login=user.login, role=role, state="pending")
        )
    else:
        member.role = role
        sandbox.store.save(member)
    return respond(membership_body(sandbox, base, member))


@router.get("/orgs/{org}/memberships/{login}")
def get_membership(org: str, login: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    account = _org(sandbox, org)
    me = viewer.require_login()
    if me.lower() != login.lower() and org_role(sandbox, account.login, me) is None:
        raise not_found()
    member = sandbox.store.find(Membership, account.login.lower(), login.lower())
    if member is None:
        raise not_found()
    return respond(membership_body(sandbox, base, member))


@router.delete("/orgs/{org}/memberships/{login}")
def remove_membership(org: str, login: str, sandbox: SB, viewer: Who) -> Response:
    account = _org(sandbox, org)
    _require_admin(sandbox, viewer, account)
    member = sandbox.store.find(Membership, account.login.lower(), login.lower())
    if member is None:
        raise not_found()
    sandbox.store.delete(member)
    return respond(None, 204)


@router.get("/user/memberships/orgs")
def my_memberships(request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login().lower()
    mine = [m for m in sandbox.store.scan(Membership) if m.login.lower() == login]
    state = request.query_params.get("state")
    return page(
        request, [membership_body(sandbox, base, m) for m in mine if state in (None, m.state)]
    )


@router.get("/user/memberships/orgs/{org}")
def my_membership(org: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    member = sandbox.store.find(Membership, org.lower(), viewer.require_login().lower())
    if member is None:
        raise not_found()
    return respond(membership_body(sandbox, base, member))


@router.patch("/user/memberships/orgs/{org}")
def accept_membership(org: str, body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    parse(body, Accept, "Membership")
    member = sandbox.store.find(Membership, org.lower(), viewer.require_login().lower())
    if member is None or viewer.is_workflow:
        raise not_found()
    member.state = "active"
    sandbox.store.save(member)
    return respond(membership_body(sandbox, base, member))
