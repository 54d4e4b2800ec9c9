"""Organization rulesets: branch rules applied to every repository whose name matches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.routes.branches import RulesetSpec
from sandbox.api.shapes import rules as rule_shapes
from sandbox.auth import Viewer, org_role
from sandbox.context import Sandbox
from sandbox.errors import forbidden, not_found
from sandbox.git.push_rules import org_scope
from sandbox.records import Account, Ruleset, now

router = APIRouter()


def _admin_of(sandbox: Sandbox, viewer: Viewer, org: str) -> Account:
    account = sandbox.account(org)
    if account is None or account.type != "Organization":
        raise not_found()
    login = viewer.require_login()
    if viewer.is_workflow or org_role(sandbox, account.login, login) != "admin":
        raise forbidden("You must be an admin of the organization.")
    return account


def _ruleset(sandbox: Sandbox, org: Account, ruleset_id: int) -> Ruleset:
    record = sandbox.store.get(Ruleset, ruleset_id)
    if record is None or record.scope() != org_scope(org.login):
        raise not_found()
    return record


@router.get("/orgs/{org}/rulesets")
def list_org_rulesets(org: str, request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    account = _admin_of(sandbox, viewer, org)
    found = sandbox.store.scan(Ruleset, org_scope(account.login))
    return page(request, [rule_shapes.org_ruleset(base, account.login, r) for r in found])


@router.post("/orgs/{org}/rulesets")
def create_org_ruleset(org: str, body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    account = _admin_of(sandbox, viewer, org)
    spec = parse(body, RulesetSpec, "Ruleset")
    record = sandbox.store.add(Ruleset(repo=org_scope(account.login), **spec.model_dump()))
    return respond(rule_shapes.org_ruleset(base, account.login, record), 201)


@router.get("/orgs/{org}/rulesets/{ruleset_id}")
def get_org_ruleset(org: str, ruleset_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    account = _admin_of(sandbox, viewer, org)
    record = _ruleset(sandbox, account, ruleset_id)
    return respond(rule_shapes.org_ruleset(base, account.login, record))


@router.put("/orgs/{org}/rulesets/{ruleset_id}")
def update_org_ruleset(
    org: str, ruleset_id: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    account = _admin_of(sandbox, viewer, org)
    record = _ruleset(sandbox, account, ruleset_id)
    merged = {**record.model_dump(include=set(RulesetSpec.model_fields)), **body}
    spec = parse(merged, RulesetSpec, "Ruleset")
    updated = record.model_copy(update={**spec.model_dump(), "updated_at": now()})
    sandbox.store.save(updated)
    return respond(rule_shapes.org_ruleset(base, account.login, updated))


@router.delete("/orgs/{org}/rulesets/{ruleset_id}")
def delete_org_ruleset(org: str, ruleset_id: int, sandbox: SB, viewer: Who) -> Response:
    account = _admin_of(sandbox, viewer, org)
    sandbox.store.delete(_ruleset(sandbox, account, ruleset_id))
    return respond(None, 204)
