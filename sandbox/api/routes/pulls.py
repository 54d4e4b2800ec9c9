"""Pull requests: create, list, get, update, files, commits, merge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.routes.issues import IssueUpdate, apply_issue_update, get_issue, take_number
from sandbox.api.shapes import git as git_shapes
from sandbox.api.shapes.pulls import pull_body
from sandbox.auth import Viewer, require_area_write, require_repo, viewer_level
from sandbox.context import Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.git.pullrefs import head_sha, import_head, incoming_ref
from sandbox.git.push_rules import required_contexts
from sandbox.git.writes import bot, move_branch
from sandbox.records import CheckRun, Issue, PullInfo, Repo, Status, now

router = APIRouter()


class NewPull(BaseModel):
    head: str
    base: str
    title: str | None = None
    body: str | None = None
    issue: int | None = None
    draft: bool = False


class Merge(BaseModel):
    commit_title: str | None = None
    commit_message: str | None = None
    sha: str | None = None
    merge_method: str = "merge"


def get_pull(sandbox: Sandbox, repo: Repo, number: int) -> Issue:
    """Pull request `number`; 404 for issues and unknown numbers."""
    issue = get_issue(sandbox, repo, number)
    if issue.pull is None:
        raise not_found()
    return issue


def _invalid(field: str, message: str | None = None) -> ApiError:
    error: dict[str, str] = {"resource": "PullRequest", "field": field, "code": "invalid"}
    if message:
        error.update(code="custom", message=message)
    return ApiError(422, "Validation Failed", errors=[error])


def head_repo_of(sandbox: Sandbox, viewer: Viewer, spec: str, repo: Repo) -> tuple[str, str]:
    """(repository, branch) of a `head` ("branch" or "owner:branch", a fork's owner)."""
    owner, sep, branch = spec.partition(":")
    if not sep or owner.lower() == repo.owner.lower():
        return repo.full_name, branch if sep else spec
    fork = next(
        (
            r
            for r in sandbox.store.scan(Repo)
            if r.owner.lower() == owner.lower()
            and (r.fork_of or "").lower() == repo.full_name.lower()
        ),
        None,
    )
    if fork is None or viewer_level(sandbox, viewer, fork, "contents") == "none":
        raise _invalid("head")
    return fork.full_name, branch


def _check_new(sandbox: Sandbox, repo: Repo, head_repo: str, head: str, base_ref: str) -> str:
    """Validate a new pull request; return its head sha, imported into `repo` if a fork's."""
    bare = sandbox.bare(repo)
    scratch = incoming_ref()
    head_tip = import_head(sandbox, repo, head_repo, head, scratch)
    if head_tip is None:
        raise _invalid("head")
    base_tip = bare.resolve(f"refs/heads/{base_ref}")
    if base_tip is None:
        bare.delete_ref(scratch)
        raise _invalid("base")
    if bare.count_commits(base_tip, head_tip) == 0:
        bare.delete_ref(scratch)
        raise _invalid("head", f"No commits between {base_ref} and {head}")
    for other in sandbox.store.scan(Issue, repo.full_name.lower()):
        pull = other.pull
        if (
            pull
            and other.state == "open"
            and (pull.head_repo, pull.head, pull.base) == (head_repo, head, base_ref)
        ):
            bare.delete_ref(scratch)
            label = f"{head_repo.split('/')[0]}:{head}"
            raise _invalid("head", f"A pull request already exists for {label}.")
    bare.delete_ref(scratch)  # the objects stay; refs/pull/N/head will name them
    return head_tip


@router.post("/repos/{owner}/{name}/pulls")
def create_pull(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_area_write(sandbox, viewer, owner, name, "pull_requests")
    spec = parse(body, NewPull, "PullRequest")
    head_repo, head = head_repo_of(sandbox, viewer, spec.head, repo)
    tip = _check_new(sandbox, repo, head_repo, head, spec.base)
    info = PullInfo(head=head, base=spec.base, head_repo=head_repo, head_sha=tip, draft=spec.draft)
    if spec.issue is not None:
        issue = get_issue(sandbox, repo, spec.issue)
        issue.pull = info
        sandbox.store.save(issue)
    else:
        if not spec.title:
            raise ApiError(
                422,
                "Validation Failed",
                errors=[{"resource": "PullRequest", "field": "title", "code": "missing_field"}],
            )
        issue = Issue(
            repo=repo.full_name,
            number=take_number(sandbox, repo),
            title=spec.title,
            body=spec.body,
            user=viewer.require_login(),
            pull=info,
        )
        sandbox.store.add(issue)
    sandbox.bare(repo).update_ref(f"refs/pull/{issue.number}/head", tip)
    sandbox.pull_request_event(repo.full_name, "opened", issue.number, viewer.login or "")
    return respond(pull_body(sandbox, base, viewer, repo, issue), 201)


@router.get("/repos/{owner}/{name}/pulls")
def list_pulls(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="pull_requests")
    state = request.query_params.get("state", "open")
    head = request.query_params.get("head")
    base_ref = request.query_params.get("base")
    found = [
        i
        for i in reversed(sandbox.store.scan(Issue, repo.full_name.lower()))
        if i.pull
        and state in ("all", i.state)
        and (
            head is None
            or head_repo_of(sandbox, viewer, head, repo) == (i.pull.head_repo, i.pull.head)
        )
        and (base_ref is None or base_ref == i.pull.base)
    ]
    return page(request, found, lambda i: pull_body(sandbox, base, viewer, repo, i, simple=True))


@router.get("/repos/{owner}/{name}/pulls/{number}")
def read_pull(owner: str, name: str, number: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="pull_requests")
    return respond(pull_body(sandbox, base, viewer, repo, get_pull(sandbox, repo, number)))


@router.patch("/repos/{owner}/{name}/pulls/{number}")
def update_pull(
    owner: str, name: str, number: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_area_write(sandbox, viewer, owner, name, "pull_requests")
    issue = get_pull(sandbox, repo, number)
    assert issue.pull is not None
    if issue.pull.merged and body.get("state") == "open":
        raise ApiError(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": "Cannot reopen a merged pull request",
                }
            ],
        )
    if "base" in body:
        issue.pull.base = str(body.pop("base"))
    flipped = apply_issue_update(issue, parse(body, IssueUpdate, "PullRequest"))
    sandbox.store.save(issue)
    if flipped:
        sandbox.pull_request_event(repo.full_name, flipped, number, viewer.login or "")
    return respond(pull_body(sandbox, base, viewer, repo, issue))


@router.get("/repos/{owner}/{name}/pulls/{number}/files")
def pull_files(
    owner: str, name: str, number: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="pull_requests")
    issue = get_pull(sandbox, repo, number)
    assert issue.pull is not None
    bare = sandbox.bare(repo)
    head = head_sha(sandbox, repo, issue.pull)
    target = bare.resolve(f"refs/heads/{issue.pull.base}") or head
    files = [
        git_shapes.diff_entry(base, repo.full_name, c, head) for c in bare.changes(target, head)
    ]
    return page(request, files)


@router.get("/repos/{owner}/{name}/pulls/{number}/commits")
def pull_commits(
    owner: str, name: str, number: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="pull_requests")
    issue = get_pull(sandbox, repo, number)
    assert issue.pull is not None
    bare = sandbox.bare(repo)
    head = head_sha(sandbox, repo, issue.pull)
    target = bare.resolve(f"refs/heads/{issue.pull.base}") or head
    shas = bare.git("rev-list", "--reverse", f"{target}..{head}").split()
    return page(request, shas, lambda s: git_shapes.commit(base, repo.full_name, bare.commit(s)))


@router.get("/repos/{owner}/{name}/pulls/{number}/merge")
def is_merged(owner: str, name: str, number: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="pull_requests")
    issue = get_pull(sandbox, repo, number)
    if issue.pull and issue.pull.merged:
        return respond(None, 204)
    raise not_found()


def _passed(sandbox: Sandbox, repo: Repo, sha: str) -> set[str]:
    scope = repo.full_name.lower()
    latest: dict[str, str] = {}
    for status in sandbox.store.scan(Status, scope):
        if status.sha == sha:
            latest[status.context] = status.state
    for check in sandbox.store.scan(CheckRun, scope):
        if check.head_sha == sha:
            latest[check.name] = check.conclusion or "pending"
    return {name for name, state in latest.items() if state in ("success", "neutral", "skipped")}


def _require_checks(sandbox: Sandbox, repo: Repo, branch: str, head: str) -> None:
    """405 until every required status check has passed on the head commit, as on GitHub."""
    missing = [
        c for c in required_contexts(sandbox, repo, branch) if c not in _passed(sandbox, repo, head)
    ]
    if missing:
        raise ApiError(405, f'Required status check "{missing[0]}" is expected.')


@router.put("/repos/{owner}/{name}/pulls/{number}/merge")
def merge(owner: str, name: str, number: int, body: Body, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    issue = get_pull(sandbox, repo, number)
    spec = parse(body, Merge, "PullRequest")
    info = issue.pull
    assert info is not None
    if issue.state != "open" or info.merged:
        raise ApiError(405, "Pull Request is not mergeable")
    bare = sandbox.bare(repo)
    head = head_sha(sandbox, repo, info)
    if spec.sha and spec.sha != head:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    target = bare.resolve(f"refs/heads/{info.base}")
    if target is None:
        raise ApiError(405, "Base branch was deleted")
    _require_checks(sandbox, repo, info.base, head)
    title = spec.commit_title or f"Merge pull request #{number} from {repo.owner}/{info.head}"
    message = f"{title}\n\n{spec.commit_message}" if spec.commit_message else title
    merged = bare.merge(target, head, message, bot(viewer.require_login()))
    if merged is None:
        raise ApiError(405, "Pull Request is not mergeable")
    if spec.merge_method in ("squash", "rebase"):
        tree = bare.commit(merged).tree
        merged = bare.commit_tree(tree, ["-p", target], message, bot(viewer.login or ""))
    move_branch(sandbox, viewer, repo, info.base, target, merged, via_pr=True)
    info.merged, info.merged_at, info.merged_by = True, now(), viewer.login
    info.merge_commit_sha, info.head_sha = merged, head
    issue.state, issue.closed_at, issue.updated_at = "closed", now(), now()
    sandbox.store.save(issue)
    sandbox.pull_request_event(repo.full_name, "closed", number, viewer.login or "")
    return respond({"sha": merged, "merged": True, "message": "Pull Request successfully merged"})
