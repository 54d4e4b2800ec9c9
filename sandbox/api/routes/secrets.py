"""Actions secrets of repositories and organizations (values sealed to the sandbox's key)."""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.api.deps import SB, Body, Who, parse, respond
from sandbox.api.secrets import decrypt, public_key
from sandbox.api.shapes.stored import account_or_404
from sandbox.auth import Viewer, org_role, require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, forbidden, not_found
from sandbox.records import Secret, now

router = APIRouter()
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SecretValue(BaseModel):
    encrypted_value: str
    key_id: str
    visibility: Literal["all", "private", "selected"] = "all"
    selected_repository_ids: list[int] = Field(default_factory=list)


def _name(name: str) -> str:
    if not NAME.fullmatch(name) or name.upper().startswith("GITHUB_"):
        raise ApiError(
            422, "Secret names may hold letters, digits and _, and must not start with GITHUB_."
        )
    return name.upper()


def _body(secret: Secret, org: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": secret.name,
        "created_at": secret.created_at,
        "updated_at": secret.updated_at,
    }
    if org:
        body["visibility"] = secret.visibility
    return body


def _put(sandbox: Sandbox, scope: str, name: str, body: dict[str, Any]) -> Response:
    spec = parse(body, SecretValue, "Secret")
    value = decrypt(sandbox, spec.encrypted_value, spec.key_id)
    found = sandbox.store.find(Secret, scope.lower(), _name(name))
    if found:
        found.value, found.visibility, found.updated_at = value, spec.visibility, now()
        found.selected_repository_ids = spec.selected_repository_ids
        sandbox.store.save(found)
        return respond(None, 204)
    sandbox.store.add(
        Secret(
            owner_scope=scope,
            name=_name(name),
            value=value,
            visibility=spec.visibility,
            selected_repository_ids=spec.selected_repository_ids,
        )
    )
    return respond({}, 201)


def _org_admin(sandbox: Sandbox, viewer: Viewer, org: str) -> str:
    account = account_or_404(sandbox, org)
    login = viewer.require_login()
    if viewer.is_workflow or org_role(sandbox, account.login, login) != "admin":
        raise forbidden("Must have admin rights to the organization.")
    return f"org:{account.login}"


def _repo_admin(sandbox: Sandbox, viewer: Viewer, owner: str, name: str) -> str:
    return require_repo(sandbox, viewer, owner, name, "admin", "secrets").full_name


@router.get("/repos/{owner}/{name}/actions/secrets/public-key")
def repo_public_key(owner: str, name: str, sandbox: SB, viewer: Who) -> Response:
    _repo_admin(sandbox, viewer, owner, name)
    return respond(public_key(sandbox))


@router.get("/repos/{owner}/{name}/actions/secrets")
def list_repo_secrets(owner: str, name: str, sandbox: SB, viewer: Who) -> Response:
    scope = _repo_admin(sandbox, viewer, owner, name)
    found = [_body(s, org=False) for s in sandbox.store.scan(Secret, scope.lower())]
    return respond({"total_count": len(found), "secrets": found})


@router.get("/repos/{owner}/{name}/actions/secrets/{secret}")
def get_repo_secret(owner: str, name: str, secret: str, sandbox: SB, viewer: Who) -> Response:
    scope = _repo_admin(sandbox, viewer, owner, name)
    found = sandbox.store.find(Secret, scope.lower(), secret.upper())
    if found is None:
        raise not_found()
    return respond(_body(found, org=False))


@router.put("/repos/{owner}/{name}/actions/secrets/{secret}")
def put_repo_secret(
    owner: str, name: str, secret: str, body: Body, sandbox: SB, viewer: Who
) -> Response:
    return _put(sandbox, _repo_admin(sandbox, viewer, owner, name), secret, body)


@router.delete("/repos/{owner}/{name}/actions/secrets/{secret}")
def delete_repo_secret(owner: str, name: str, secret: str, sandbox: SB, viewer: Who) -> Response:
    scope = _repo_admin(sandbox, viewer, owner, name)
    found = sandbox.store.find(Secret, scope.lower(), secret.upper())
    if found is None:
        raise not_found()
    sandbox.store.delete(found)
    return respond(None, 204)


@router.get("/orgs/{org}/actions/secrets/public-key")
def org_public_key(org: str, sandbox: SB, viewer: Who) -> Response:
    _org_admin(sandbox, viewer, org)
    return respond(public_key(sandbox))


@router.get("/orgs/{org}/actions/secrets")
def list_org_secrets(org: str, sandbox: SB, viewer: Who) -> Response:
    scope = _org_admin(sandbox, viewer, org)
    found = [_body(s, org=True) for s in sandbox.store.scan(Secret, scope.lower())]
    return respond({"total_count": len(found), "secrets": found})


@router.put("/orgs/{org}/actions/secrets/{secret}")
def put_org_secret(org: str, secret: str, body: Body, sandbox: SB, viewer: Who) -> Response:
    return _put(sandbox, _org_admin(sandbox, viewer, org), secret, body)


@router.delete("/orgs/{org}/actions/secrets/{secret}")
def delete_org_secret(org: str, secret: str, sandbox: SB, viewer: Who) -> Response:
    scope = _org_admin(sandbox, viewer, org)
    found = sandbox.store.find(Secret, scope.lower(), secret.upper())
    if found is None:
        raise not_found()
    sandbox.store.delete(found)
    return respond(None, 204)
