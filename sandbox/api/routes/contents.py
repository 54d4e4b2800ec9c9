"""Repository contents: read a file or folder, create or update a file, delete one."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, parse, respond
from sandbox.api.shapes import git as shapes
from sandbox.auth import require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, invalid, not_found
from sandbox.git.repos import Person
from sandbox.git.writes import bot, move_branch
from sandbox.records import Repo

router = APIRouter()


class Identity(BaseModel):
    name: str
    email: str


class FileWrite(BaseModel):
    message: str
    content: str = ""
    sha: str | None = None
    branch: str | None = None
    committer: Identity | None = None
    author: Identity | None = None


def resolve_ref(sandbox: Sandbox, repo: Repo, ref: str | None) -> tuple[str, str]:
    """(ref name, commit sha) for `ref` or the default branch; 404 when it names nothing."""
    bare = sandbox.bare(repo)
    if bare.is_empty():
        raise ApiError(404, "This repository is empty.")
    name = ref or repo.default_branch
    sha = bare.resolve(name)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {name}")
    return name, sha


@router.get("/repos/{owner}/{name}/contents")
@router.get("/repos/{owner}/{name}/contents/{path:path}")
def get_contents(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base, path: str = ""
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    ref, sha = resolve_ref(sandbox, repo, request.query_params.get("ref"))
    bare = sandbox.bare(repo)
    path = path.strip("/")
    entry = bare.entry(sha, path)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        items = [
            shapes.content_item(base, repo.full_name, e, ref) for e in bare.list_dir(sha, path)
        ]
        return respond(items)
    return respond(shapes.content_file(base, repo.full_name, entry, ref, bare.blob(entry.sha)))


def _decode(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise invalid("content", resource="Contents") from exc


def _who(spec: FileWrite, login: str) -> Person:
    person = spec.author or spec.committer
    return Person(person.name, person.email) if person else bot(login)


def _write(
    sandbox: Sandbox, viewer: Who, repo: Repo, path: str, spec: FileWrite, data: bytes | None
) -> tuple[int, dict[str, Any]]:
    login = viewer.require_login()
    bare = sandbox.bare(repo)
    branch = spec.branch or repo.default_branch
    old = bare.resolve(f"refs/heads/{branch}")
    if old is None and not bare.is_empty():
        raise ApiError(422, f"Branch {branch} not found")
    existing = bare.entry(old, path) if old else None
    if existing and spec.sha is None:
        raise ApiError(422, '"sha" wasn\'t supplied.')
    if existing and spec.sha != existing.sha:
        raise ApiError(409, f"{path} does not match {spec.sha}")
    if data is None and existing is None:
        raise not_found()
    new = bare.write_commit(old, {path: data}, spec.message, _who(spec, login))
    move_branch(sandbox, viewer, repo, branch, old, new)
    return (200 if existing else 201), {"new": new, "branch": branch}


@router.put("/repos/{owner}/{name}/contents/{path:path}")
def put_file(
    owner: str, name: str, path: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, FileWrite, "Contents")
    path = path.strip("/")
    status, done = _write(sandbox, viewer, repo, path, spec, _decode(spec.content))
    bare = sandbox.bare(repo)
    entry = bare.entry(done["new"], path)
    assert entry is not None  # just written
    content = shapes.content_item(base, repo.full_name, entry, done["branch"])
    commit = shapes.git_commit(base, repo.full_name, bare.commit(done["new"]))
    return respond({"content": content, "commit": commit}, status)


@router.delete("/repos/{owner}/{name}/contents/{path:path}")
def delete_file(
    owner: str, name: str, path: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, FileWrite, "Contents")
    _, done = _write(sandbox, viewer, repo, path.strip("/"), spec, None)
    commit = shapes.git_commit(base, repo.full_name, sandbox.bare(repo).commit(done["new"]))
    return respond({"content": None, "commit": commit})
