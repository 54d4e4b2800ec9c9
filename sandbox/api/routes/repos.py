"""Repositories: create, list, get, update, delete, generate from a template."""

from __future__ import annotations

import re
import shutil

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.routes.accounts import visible
from sandbox.api.shapes.stored import account_or_404, full_repo_body, repo_body
from sandbox.auth import org_role, require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, forbidden, not_found
from sandbox.git.writes import bot
from sandbox.records import Account, Repo, now
from sandbox.store import Conflict

router = APIRouter()
NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


class NewRepo(BaseModel):
    name: str
    description: str | None = None
    homepage: str | None = None
    private: bool = False
    visibility: str | None = None
    is_template: bool = False
    auto_init: bool = False
    has_issues: bool = True
    has_projects: bool = True
    has_wiki: bool = True


class RepoUpdate(BaseModel):
    name: str | None = None
    description: str | None = None
    homepage: str | None = None
    private: bool | None = None
    visibility: str | None = None
    is_template: bool | None = None
    archived: bool | None = None
    has_issues: bool | None = None
    has_projects: bool | None = None
    has_wiki: bool | None = None
    default_branch: str | None = None


class Generate(BaseModel):
    name: str
    owner: str | None = None
    description: str | None = None
    private: bool = False
    include_all_branches: bool = False


def create_repo(
    sandbox: Sandbox,
    owner: Account,
    spec: NewRepo,
    template: str | None = None,
    fork_of: str | None = None,
) -> Repo:
    """Store a repository record and initialise its bare git repository."""
    if not NAME.fullmatch(spec.name):
        raise ApiError(
            422,
            "Repository creation failed.",
            errors=[
                {
                    "resource": "Repository",
                    "code": "custom",
                    "field": "name",
                    "message": "name is not a valid repository name",
                }
            ],
        )
    private = spec.private or spec.visibility in ("private", "internal")
    repo = Repo(
        owner=owner.login,
        name=spec.name,
        private=private,
        description=spec.description,
        homepage=spec.homepage,
        is_template=spec.is_template,
        has_issues=spec.has_issues,
        has_projects=spec.has_projects,
        has_wiki=spec.has_wiki,
        template=template,
        fork_of=fork_of,
    )
    taken = ApiError(
        422,
        "Repository creation failed.",
        errors=[
            {
                "resource": "Repository",
                "code": "custom",
                "field": "name",
                "message": "name already exists on this account",
            }
        ],
    )
    if sandbox.repo(repo.full_name) is not None:
        raise taken
    bare = sandbox.bare(repo)
    # The git folder exists before the record does: a reader never finds a repository
    # without its git data. A folder left with no record (a deleted repository) is stale.
    shutil.rmtree(bare.path, ignore_errors=True)
    bare.init(repo.default_branch)
    try:
        sandbox.store.add(repo)
    except Conflict as exc:  # created meanwhile by someone else, whose git folder it now is
        raise taken from exc
    if spec.auto_init:
        sha = bare.write_commit(
            None, {"README.md": f"# {repo.name}\n".encode()}, "Initial commit", bot(owner.login)
        )
        bare.update_ref(f"refs/heads/{repo.default_branch}", sha)
        repo.pushed_at = now()
        sandbox.store.save(repo)
    return repo


@router.post("/orgs/{org}/repos")
def create_org_repo(org: str, body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login()
    owner = account_or_404(sandbox, org)
    if viewer.is_workflow or org_role(sandbox, owner.login, login) is None:
        raise forbidden(
            "You need admin access to the organization before adding a repository to it."
        )
    repo = create_repo(sandbox, owner, parse(body, NewRepo, "Repository"))
    return respond(full_repo_body(sandbox, base, viewer, repo), 201)


@router.post("/user/repos")
def create_user_repo(body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    login = viewer.require_login()
    if viewer.is_workflow:
        raise forbidden("Resource not accessible by integration")
    repo = create_repo(sandbox, account_or_404(sandbox, login), parse(body, NewRepo, "Repository"))
    return respond(full_repo_body(sandbox, base, viewer, repo), 201)


def _listing(request: Request, sandbox: SB, viewer: Who, base: Base, repos: list[Repo]) -> Response:
    shown = [r for r in repos if visible(sandbox, viewer, r)]
    return page(request, shown, lambda r: repo_body(sandbox, base, viewer, r))


@router.get("/orgs/{org}/repos")
def list_org_repos(org: str, request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    owner = account_or_404(sandbox, org)
    repos = [r for r in sandbox.store.scan(Repo) if r.owner.lower() == owner.login.lower()]
    return _listing(request, sandbox, viewer, base, repos)


@router.get("/users/{login}/repos")
def list_user_repos(login: str, request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    owner = account_or_404(sandbox, login)
    repos = [
        r
        for r in sandbox.store.scan(Repo)
        if r.owner.lower() == owner.login.lower() and not r.private
    ]
    return _listing(request, sandbox, viewer, base, repos)


@router.get("/user/repos")
def list_my_repos(request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    viewer.require_login()
    return _listing(request, sandbox, viewer, base, sandbox.store.scan(Repo))


@router.get("/repos/{owner}/{name}")
def get_repo(owner: str, name: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name)
    return respond(full_repo_body(sandbox, base, viewer, repo))


@router.get("/repositories/{repo_id}")
def get_repo_by_id(repo_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    found = sandbox.store.get(Repo, repo_id)
    if found is None:
        raise not_found()
    repo = require_repo(sandbox, viewer, found.owner, found.name)
    return respond(full_repo_body(sandbox, base, viewer, repo))


@router.patch("/repos/{owner}/{name}")
def update_repo(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    change = parse(body, RepoUpdate, "Repository")
    if change.name is not None and change.name != repo.name:
        raise ApiError(422, "Renaming a repository is not emulated by the sandbox.")
    fields = change.model_dump(exclude_none=True, exclude={"name", "visibility"})
    if change.visibility is not None:
        fields["private"] = change.visibility != "public"
    updated = repo.model_copy(update={**fields, "updated_at": now()})
    sandbox.store.save(updated)
    return respond(full_repo_body(sandbox, base, viewer, updated))


@router.delete("/repos/{owner}/{name}")
def delete_repo(owner: str, name: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    sandbox.store.delete(repo)
    sandbox.store.delete_scope(repo.full_name.lower())
    shutil.rmtree(sandbox.bare(repo).path, ignore_errors=True)
    return respond(None, 204)


@router.post("/repos/{owner}/{name}/generate")
def generate(owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base) -> Response:
    template = require_repo(sandbox, viewer, owner, name)
    login = viewer.require_login()
    if not template.is_template:
        raise ApiError(422, f"{template.full_name} is not a template repository")
    spec = parse(body, Generate, "Repository")
    target = account_or_404(sandbox, spec.owner or login)
    if target.login.lower() != login.lower() and org_role(sandbox, target.login, login) is None:
        raise forbidden("You do not have permission to create repositories in this organization.")
    new = NewRepo(name=spec.name, description=spec.description, private=spec.private)
    repo = create_repo(sandbox, target, new, template=template.full_name)
    source = sandbox.bare(template)
    if not source.is_empty():
        repo.default_branch = template.default_branch
        sandbox.bare(repo).git("symbolic-ref", "HEAD", f"refs/heads/{repo.default_branch}")
        sandbox.bare(repo).copy_snapshot(source, repo.default_branch, bot(login))
        repo.pushed_at = now()
        sandbox.store.save(repo)
    return respond(full_repo_body(sandbox, base, viewer, repo), 201)


class Topics(BaseModel):
    names: list[str]


@router.get("/repos/{owner}/{name}/topics")
def get_topics(owner: str, name: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name)
    return respond({"names": repo.topics})


@router.put("/repos/{owner}/{name}/topics")
def replace_topics(owner: str, name: str, body: Body, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    names = [n.lower() for n in parse(body, Topics, "Topic").names]
    if any(not TOPIC.fullmatch(n) for n in names):
        raise ApiError(
            422,
            "Topics must start with a lowercase letter or number, consist of "
            "50 characters or less, and can include hyphens.",
        )
    repo.topics = sorted(set(names))
    sandbox.store.save(repo)
    return respond({"names": repo.topics})
