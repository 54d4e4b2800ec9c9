"""Collaborators and invitations: invite, list, accept, decline, remove."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.shapes import repos as shapes
from sandbox.api.shapes.stored import account_or_404, repo_body
from sandbox.auth import org_role, person_level, require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.records import Collaborator, Invitation, Membership, Permission, Repo

router = APIRouter()
PERMISSIONS: dict[str, Permission] = {
    "pull": "pull",
    "read": "pull",
    "triage": "triage",
    "push": "push",
    "write": "push",
    "maintain": "maintain",
    "admin": "admin",
}


class Invite(BaseModel):
    permission: str = "push"


def _permission(value: str) -> Permission:
    found = PERMISSIONS.get(value)
    if found is None:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Repository", "field": "permission", "code": "invalid"}],
        )
    return found


def invitation_body(sandbox: Sandbox, base: str, viewer: Who, inv: Invitation) -> dict[str, Any]:
    repo = sandbox.repo(inv.repo)
    if repo is None:
        raise not_found()
    return shapes.invitation(
        base,
        inv,
        repo_body(sandbox, base, viewer, repo),
        account_or_404(sandbox, inv.invitee),
        account_or_404(sandbox, inv.inviter),
    )


@router.put("/repos/{owner}/{name}/collaborators/{login}")
def invite(
    owner: str, name: str, login: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    user = account_or_404(sandbox, login)
    permission = _permission(parse(body, Invite, "Repository").permission)
    scope = repo.full_name.lower()
    existing = sandbox.store.find(Collaborator, scope, user.login.lower())
    if existing or person_level(sandbox, user.login, repo) == "admin":
        if existing and existing.permission != permission:
            existing.permission = permission
            sandbox.store.save(existing)
        return respond(None, 204)
    if org_role(sandbox, repo.owner, user.login):  # org members are added, not invited
        sandbox.store.add(
            Collaborator(repo=repo.full_name, login=user.login, permission=permission)
        )
        return respond(None, 204)
    for pending in sandbox.store.scan(Invitation, scope):
        if pending.invitee.lower() == user.login.lower():
            pending.permission = permission
            sandbox.store.save(pending)
            return respond(invitation_body(sandbox, base, viewer, pending), 201)
    inv = Invitation(
        repo=repo.full_name,
        invitee=user.login,
        inviter=viewer.require_login(),
        permission=permission,
    )
    sandbox.store.add(inv)
    return respond(invitation_body(sandbox, base, viewer, inv), 201)


def _direct(sandbox: Sandbox, repo: Repo) -> list[tuple[str, str]]:
    people = [
        (c.login, c.permission) for c in sandbox.store.scan(Collaborator, repo.full_name.lower())
    ]
    admins = [
        (m.login, "admin")
        for m in sandbox.store.scan(Membership, repo.owner.lower())
        if m.role == "admin"
    ]
    owner = account_or_404(sandbox, repo.owner)
    mine = [(owner.login, "admin")] if owner.type == "User" else []
    return mine + admins + people


@router.get("/repos/{owner}/{name}/collaborators")
def list_collaborators(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push")
    bodies = [
        shapes.collaborator(base, account_or_404(sandbox, login), level)
        for login, level in _direct(sandbox, repo)
    ]
    return page(request, bodies)


@router.get("/repos/{owner}/{name}/collaborators/{login}")
def is_collaborator(owner: str, name: str, login: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push")
    if any(who.lower() == login.lower() for who, _ in _direct(sandbox, repo)):
        return respond(None, 204)
    raise not_found()


@router.get("/repos/{owner}/{name}/collaborators/{login}/permission")
def permission_of(
    owner: str, name: str, login: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name)
    user = account_or_404(sandbox, login)
    level = person_level(sandbox, user.login, repo)
    named = {"pull": "read", "push": "write", "triage": "read", "maintain": "write"}
    return respond(
        {
            "permission": named.get(level, level),
            "role_name": {"pull": "read", "push": "write"}.get(level, level),
            "user": shapes.collaborator(base, user, level),
        }
    )


@router.delete("/repos/{owner}/{name}/collaborators/{login}")
def remove_collaborator(owner: str, name: str, login: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    found = sandbox.store.find(Collaborator, repo.full_name.lower(), login.lower())
    if found:
        sandbox.store.delete(found)
    return respond(None, 204)


@router.get("/repos/{owner}/{name}/invitations")
def list_repo_invitations(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    found = sandbox.store.scan(Invitation, repo.full_name.lower())
    return page(request, [invitation_body(sandbox, base, viewer, i) for i in found])


@router.delete("/repos/{owner}/{name}/invitations/{invitation_id}")
def cancel_invitation(
    owner: str, name: str, invitation_id: int, sandbox: SB, viewer: Who
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    inv = sandbox.store.get(Invitation, invitation_id)
    if inv is None or inv.repo.lower() != repo.full_name.lower():
        raise not_found()
    sandbox.store.delete(inv)
    return respond(None, 204)


@router.get("/user/repository_invitations")
def my_invitations(request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login().lower()
    found = [i for i in sandbox.store.scan(Invitation) if i.invitee.lower() == login]
    return page(request, [invitation_body(sandbox, base, viewer, i) for i in found])


def _mine(sandbox: Sandbox, viewer: Who, invitation_id: int) -> Invitation:
    login = viewer.require_login()
    inv = sandbox.store.get(Invitation, invitation_id)
    if inv is None or inv.invitee.lower() != login.lower() or viewer.is_workflow:
        raise not_found()
    return inv


@router.patch("/user/repository_invitations/{invitation_id}")
def accept(invitation_id: int, sandbox: SB, viewer: Who) -> Response:
    inv = _mine(sandbox, viewer, invitation_id)
    with sandbox.store.transaction():
        sandbox.store.delete(inv)
        found = sandbox.store.find(Collaborator, inv.repo.lower(), inv.invitee.lower())
        if found is None:
            sandbox.store.add(
                Collaborator(repo=inv.repo, login=inv.invitee, permission=inv.permission)
            )
    return respond(None, 204)


@router.delete("/user/repository_invitations/{invitation_id}")
def decline(invitation_id: int, sandbox: SB, viewer: Who) -> Response:
    sandbox.store.delete(_mine(sandbox, viewer, invitation_id))
    return respond(None, 204)
