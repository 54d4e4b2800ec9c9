"""Branches, git refs and commits, branch protection and rulesets."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.shapes import git as shapes
from sandbox.api.shapes import rules as rule_shapes
from sandbox.auth import require_repo
from sandbox.errors import ApiError, not_found
from sandbox.git.push_rules import is_protected
from sandbox.git.writes import move_branch
from sandbox.records import Protection, Ruleset, now

router = APIRouter()


class NewRef(BaseModel):
    ref: str
    sha: str


class RefUpdate(BaseModel):
    sha: str
    force: bool = False


class RulesetSpec(BaseModel):
    name: str
    target: Literal["branch", "tag", "push"] = "branch"
    enforcement: Literal["disabled", "active", "evaluate"]
    conditions: dict[str, Any] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)
    bypass_actors: list[dict[str, Any]] = Field(default_factory=list)


@router.get("/repos/{owner}/{name}/branches")
def list_branches(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    heads = {
        r.removeprefix("refs/heads/"): sha
        for r, sha in sandbox.bare(repo).refs().items()
        if r.startswith("refs/heads/")
    }
    return page(
        request,
        [
            shapes.short_branch(base, repo.full_name, b, sha, is_protected(sandbox, repo, b))
            for b, sha in sorted(heads.items())
        ],
    )


@router.get("/repos/{owner}/{name}/branches/{branch:path}/protection")
def get_protection(
    owner: str, name: str, branch: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    record = sandbox.store.find(Protection, repo.full_name.lower(), branch)
    if record is None:
        raise ApiError(404, "Branch not protected")
    return respond(rule_shapes.protection(base, repo.full_name, record))


@router.put("/repos/{owner}/{name}/branches/{branch:path}/protection")
def put_protection(
    owner: str, name: str, branch: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    for required in (
        "required_status_checks",
        "enforce_admins",
        "required_pull_request_reviews",
        "restrictions",
    ):
        if required not in body:
            raise ApiError(
                422,
                "Invalid request.",
                errors=[{"resource": "Protection", "field": required, "code": "missing_field"}],
            )
    if sandbox.bare(repo).resolve(f"refs/heads/{branch}") is None:
        raise ApiError(404, "Branch not found")
    record = sandbox.store.find(Protection, repo.full_name.lower(), branch)
    if record is None:
        record = sandbox.store.add(Protection(repo=repo.full_name, branch=branch, settings=body))
    else:
        record.settings = body
        sandbox.store.save(record)
    return respond(rule_shapes.protection(base, repo.full_name, record))


@router.delete("/repos/{owner}/{name}/branches/{branch:path}/protection")
def delete_protection(owner: str, name: str, branch: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    record = sandbox.store.find(Protection, repo.full_name.lower(), branch)
    if record is None:
        raise ApiError(404, "Branch not protected")
    sandbox.store.delete(record)
    return respond(None, 204)


@router.get("/repos/{owner}/{name}/branches/{branch:path}")
def get_branch(
    owner: str, name: str, branch: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    bare = sandbox.bare(repo)
    sha = bare.resolve(f"refs/heads/{branch}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    record = sandbox.store.find(Protection, repo.full_name.lower(), branch)
    protection = record.settings if record else None
    if protection is None and is_protected(sandbox, repo, branch):
        protection = {}
    return respond(shapes.branch(base, repo.full_name, branch, bare.commit(sha), protection))


@router.get("/repos/{owner}/{name}/commits")
def list_commits(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    bare = sandbox.bare(repo)
    if bare.is_empty():
        raise ApiError(409, "Git Repository is empty.")
    start = request.query_params.get("sha") or repo.default_branch
    if bare.resolve(start) is None:
        raise not_found()
    shas = bare.git("rev-list", "--max-count=1000", start).split()
    return page(request, shas, lambda s: shapes.commit(base, repo.full_name, bare.commit(s)))


@router.get("/repos/{owner}/{name}/commits/{ref:path}")
def get_commit(owner: str, name: str, ref: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    sha = sandbox.bare(repo).resolve(ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return respond(shapes.commit(base, repo.full_name, sandbox.bare(repo).commit(sha)))


@router.get("/repos/{owner}/{name}/git/commits/{sha}")
def get_git_commit(
    owner: str, name: str, sha: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    found = sandbox.bare(repo).resolve(sha)
    if found is None:
        raise not_found()
    return respond(shapes.git_commit(base, repo.full_name, sandbox.bare(repo).commit(found)))


@router.get("/repos/{owner}/{name}/git/ref/{ref:path}")
def get_ref(owner: str, name: str, ref: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    sha = sandbox.bare(repo).refs().get(f"refs/{ref}")
    if sha is None:
        raise not_found()
    return respond(shapes.git_ref(base, repo.full_name, f"refs/{ref}", sha))


@router.get("/repos/{owner}/{name}/git/matching-refs/{ref:path}")
def matching_refs(
    owner: str, name: str, ref: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    refs = sorted(sandbox.bare(repo).refs().items())
    return page(
        request,
        [
            shapes.git_ref(base, repo.full_name, r, sha)
            for r, sha in refs
            if r.startswith(f"refs/{ref}") and not r.startswith("refs/sandbox/")
        ],
    )


@router.post("/repos/{owner}/{name}/git/refs")
def create_ref(owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, NewRef, "Reference")
    bare = sandbox.bare(repo)
    if not spec.ref.startswith("refs/") or spec.ref.count("/") < 2:
        raise ApiError(422, "Reference name is not valid")
    if spec.ref in bare.refs():
        raise ApiError(422, "Reference already exists")
    if bare.resolve(spec.sha) is None:
        raise ApiError(422, "Object does not exist")
    if spec.ref.startswith("refs/heads/"):
        move_branch(sandbox, viewer, repo, spec.ref.removeprefix("refs/heads/"), None, spec.sha)
    else:
        bare.update_ref(spec.ref, spec.sha)
    return respond(shapes.git_ref(base, repo.full_name, spec.ref, spec.sha), 201)


@router.patch("/repos/{owner}/{name}/git/refs/{ref:path}")
def update_ref(
    owner: str, name: str, ref: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, RefUpdate, "Reference")
    bare = sandbox.bare(repo)
    old = bare.refs().get(f"refs/{ref}")
    if old is None:
        raise ApiError(422, "Reference does not exist")
    if bare.resolve(spec.sha) is None:
        raise ApiError(422, "Object does not exist")
    if not spec.force and not bare.is_ancestor(old, spec.sha):
        raise ApiError(422, "Update is not a fast forward")
    if ref.startswith("heads/"):
        move_branch(sandbox, viewer, repo, ref.removeprefix("heads/"), old, spec.sha)
    else:
        bare.update_ref(f"refs/{ref}", spec.sha)
    return respond(shapes.git_ref(base, repo.full_name, f"refs/{ref}", spec.sha))


@router.delete("/repos/{owner}/{name}/git/refs/{ref:path}")
def delete_ref(owner: str, name: str, ref: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    bare = sandbox.bare(repo)
    old = bare.refs().get(f"refs/{ref}")
    if old is None:
        raise ApiError(422, "Reference does not exist")
    if ref.startswith("heads/"):
        move_branch(sandbox, viewer, repo, ref.removeprefix("heads/"), old, "0" * 40)
    else:
        bare.delete_ref(f"refs/{ref}")
    return respond(None, 204)


@router.get("/repos/{owner}/{name}/rulesets")
def list_rulesets(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    found = sandbox.store.scan(Ruleset, repo.full_name.lower())
    return page(request, [rule_shapes.ruleset(base, repo.full_name, r) for r in found])


@router.post("/repos/{owner}/{name}/rulesets")
def create_ruleset(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    spec = parse(body, RulesetSpec, "Ruleset")
    record = sandbox.store.add(Ruleset(repo=repo.full_name, **spec.model_dump()))
    return respond(rule_shapes.ruleset(base, repo.full_name, record), 201)


def _ruleset(sandbox: SB, full_name: str, ruleset_id: int) -> Ruleset:
    record = sandbox.store.get(Ruleset, ruleset_id)
    if record is None or record.repo.lower() != full_name.lower():
        raise not_found()
    return record


@router.get("/repos/{owner}/{name}/rulesets/{ruleset_id}")
def get_ruleset(
    owner: str, name: str, ruleset_id: int, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    return respond(
        rule_shapes.ruleset(base, repo.full_name, _ruleset(sandbox, repo.full_name, ruleset_id))
    )


@router.put("/repos/{owner}/{name}/rulesets/{ruleset_id}")
def update_ruleset(
    owner: str, name: str, ruleset_id: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    record = _ruleset(sandbox, repo.full_name, ruleset_id)
    merged = {**record.model_dump(include=set(RulesetSpec.model_fields)), **body}
    spec = parse(merged, RulesetSpec, "Ruleset")
    updated = record.model_copy(update={**spec.model_dump(), "updated_at": now()})
    sandbox.store.save(updated)
    return respond(rule_shapes.ruleset(base, repo.full_name, updated))


@router.delete("/repos/{owner}/{name}/rulesets/{ruleset_id}")
def delete_ruleset(owner: str, name: str, ruleset_id: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    sandbox.store.delete(_ruleset(sandbox, repo.full_name, ruleset_id))
    return respond(None, 204)
