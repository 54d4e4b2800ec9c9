"""Git data: blobs, trees and commits (publishing many files in one commit), and compare."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.api.deps import SB, Base, Body, Who, parse, respond
from sandbox.api.shapes import git as shapes
from sandbox.api.shapes.accounts import node_id
from sandbox.auth import require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.git.repos import Person, TreeEdit
from sandbox.records import Repo

router = APIRouter()
SHA = re.compile(r"[0-9a-f]{40}")


class NewBlob(BaseModel):
    content: str
    encoding: Literal["utf-8", "base64"] = "utf-8"


class TreeItem(BaseModel):
    path: str
    mode: Literal["100644", "100755", "040000", "160000", "120000"] = "100644"
    type: Literal["blob", "tree", "commit"] = "blob"
    sha: str | None = None
    content: str | None = None


class NewTree(BaseModel):
    tree: list[TreeItem]
    base_tree: str | None = None


class Signature(BaseModel):
    name: str
    email: str
    date: str | None = None


class NewCommit(BaseModel):
    message: str
    tree: str
    parents: list[str] = Field(default_factory=list)
    author: Signature | None = None
    committer: Signature | None = None


def _require(sandbox: Sandbox, repo: Repo, sha: str, kind: str) -> None:
    """422 unless `sha` names an existing object of this kind, as GitHub answers."""
    if not SHA.fullmatch(sha) or sandbox.bare(repo).object_type(sha) != kind:
        raise ApiError(422, f"{kind.capitalize()} {sha} does not exist")


@router.post("/repos/{owner}/{name}/git/blobs")
def create_blob(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, NewBlob, "Blob")
    try:
        data = (
            base64.b64decode(spec.content) if spec.encoding == "base64" else spec.content.encode()
        )
    except (binascii.Error, ValueError) as exc:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Blob", "field": "content", "code": "invalid"}],
        ) from exc
    sha = sandbox.bare(repo).git("hash-object", "-w", "--stdin", stdin=data).strip()
    return respond({"url": f"{base}/repos/{repo.full_name}/git/blobs/{sha}", "sha": sha}, 201)


@router.get("/repos/{owner}/{name}/git/blobs/{sha}")
def get_blob(owner: str, name: str, sha: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    if not SHA.fullmatch(sha) or sandbox.bare(repo).object_type(sha) != "blob":
        raise not_found()
    data = sandbox.bare(repo).blob(sha)
    return respond(
        {
            "content": base64.encodebytes(data).decode(),
            "encoding": "base64",
            "url": f"{base}/repos/{repo.full_name}/git/blobs/{sha}",
            "sha": sha,
            "size": len(data),
            "node_id": node_id("B", int(sha[:7], 16)),
        }
    )


def _tree_body(
    sandbox: Sandbox, base: str, repo: Repo, sha: str, recursive: bool
) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}/git"
    items = []
    for e in sandbox.bare(repo).tree(sha, recursive):
        item: dict[str, Any] = {
            "path": e.path,
            "mode": e.mode,
            "type": e.type,
            "sha": e.sha,
            "url": f"{api}/{'trees' if e.type == 'tree' else 'blobs'}/{e.sha}",
        }
        if e.type == "blob":
            item["size"] = e.size
        items.append(item)
    return {"sha": sha, "url": f"{api}/trees/{sha}", "tree": items, "truncated": False}


@router.post("/repos/{owner}/{name}/git/trees")
def create_tree(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, NewTree, "Tree")
    bare = sandbox.bare(repo)
    if spec.base_tree:
        _require(sandbox, repo, spec.base_tree, "tree")
    explicit_null = [i.get("sha", "") is None for i in body.get("tree", [])]
    edits = []
    for item, removes in zip(spec.tree, explicit_null, strict=True):
        if item.sha is not None:
            _require(sandbox, repo, item.sha, item.type)
        elif item.content is None and not removes:
            raise ApiError(
                422,
                "Validation Failed",
                errors=[{"resource": "Tree", "field": "tree.sha", "code": "missing_field"}],
            )
        edits.append(TreeEdit(item.path, item.mode, item.type, item.sha, item.content))
    sha = bare.build_tree(spec.base_tree, edits)
    return respond(_tree_body(sandbox, base, repo, sha, recursive=False), 201)


@router.get("/repos/{owner}/{name}/git/trees/{sha}")
def get_tree(
    owner: str, name: str, sha: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    found = sandbox.bare(repo).resolve(sha)
    tree = sandbox.bare(repo).git("rev-parse", f"{found}^{{tree}}").strip() if found else sha
    if sandbox.bare(repo).object_type(tree) != "tree":
        raise not_found()
    recursive = request.query_params.get("recursive") not in (None, "", "0", "false")
    return respond(_tree_body(sandbox, base, repo, tree, recursive))


@router.post("/repos/{owner}/{name}/git/commits")
def create_commit(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, NewCommit, "Commit")
    _require(sandbox, repo, spec.tree, "tree")
    for parent in spec.parents:
        _require(sandbox, repo, parent, "commit")
    login = viewer.require_login()
    author = spec.author or Signature(name=login, email=f"{login}@users.noreply.sandbox")
    committer = spec.committer or author
    bare = sandbox.bare(repo)
    sha = bare.commit_tree(
        spec.tree,
        [arg for p in spec.parents for arg in ("-p", p)],
        spec.message,
        Person(author.name, author.email),
        Person(committer.name, committer.email),
        (author.date, committer.date),
    )
    return respond(shapes.git_commit(base, repo.full_name, bare.commit(sha)), 201)


@router.get("/repos/{owner}/{name}/compare/{basehead:path}")
def compare(owner: str, name: str, basehead: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="contents")
    left, sep, right = basehead.partition("...")
    bare = sandbox.bare(repo)
    start, end = bare.resolve(left), bare.resolve(right)
    if not sep or start is None or end is None:
        raise not_found()
    merge_base = bare.git("merge-base", start, end).strip()
    ahead, behind = bare.count_commits(merge_base, end), bare.count_commits(merge_base, start)
    status = (
        "identical"
        if start == end
        else "ahead"
        if not behind
        else "behind"
        if not ahead
        else "diverged"
    )
    shas = bare.git("rev-list", "--reverse", f"{merge_base}..{end}").split()
    html = f"{base}/{repo.full_name}/compare/{basehead}"
    files = [
        {
            "sha": c.blob,
            "filename": c.path,
            "status": c.status,
            "additions": c.additions,
            "deletions": c.deletions,
            "changes": c.additions + c.deletions,
            "blob_url": f"{base}/{repo.full_name}/blob/{end}/{c.path}",
            "raw_url": f"{base}/{repo.full_name}/raw/{end}/{c.path}",
            "contents_url": f"{base}/repos/{repo.full_name}/contents/{c.path}?ref={end}",
        }
        for c in bare.changes(start, end)
    ]
    return respond(
        {
            "url": f"{base}/repos/{repo.full_name}/compare/{basehead}",
            "html_url": html,
            "permalink_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": shapes.commit(base, repo.full_name, bare.commit(start)),
            "merge_base_commit": shapes.commit(base, repo.full_name, bare.commit(merge_base)),
            "status": status,
            "ahead_by": ahead,
            "behind_by": behind,
            "total_commits": len(shas),
            "commits": [shapes.commit(base, repo.full_name, bare.commit(s)) for s in shas],
            "files": files,
        }
    )
