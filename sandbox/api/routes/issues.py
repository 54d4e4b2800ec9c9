"""Issues, issue comments and labels."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sandbox.api.deps import SB, AnyBody, Base, Body, Who, page, parse, respond
from sandbox.api.shapes import issues as shapes
from sandbox.api.shapes.stored import comment_body, issue_body, label_record
from sandbox.auth import Viewer, require_area_write, require_repo, viewer_level
from sandbox.context import Sandbox
from sandbox.errors import ApiError, forbidden, not_found
from sandbox.records import LEVELS, Comment, Issue, Label, Repo, now

router = APIRouter()


class NewIssue(BaseModel):
    title: str
    body: str | None = None
    labels: list[str] = []
    assignees: list[str] = []
    assignee: str | None = None


class IssueUpdate(BaseModel):
    title: str | None = None
    body: str | None = None
    state: str | None = None
    state_reason: str | None = None
    labels: list[str] | None = None
    assignees: list[str] | None = None


class CommentText(BaseModel):
    body: str


class LabelSpec(BaseModel):
    name: str
    color: str = "ededed"
    description: str | None = None


class LabelNames(BaseModel):
    labels: list[str]


def take_number(sandbox: Sandbox, repo: Repo) -> int:
    """The next issue/PR number of `repo` (shared by issues and pull requests)."""
    with sandbox.store.transaction():
        fresh = sandbox.repo(repo.full_name) or repo
        number = fresh.next_number
        fresh.next_number += 1
        sandbox.store.save(fresh)
    return number


def get_issue(sandbox: Sandbox, repo: Repo, number: int) -> Issue:
    """Issue (or pull request) `number` of `repo`; 404 otherwise."""
    found = sandbox.store.find(Issue, repo.full_name.lower(), str(number))
    if found is None:
        raise not_found()
    return found


def _may_edit(sandbox: Sandbox, viewer: Viewer, repo: Repo, author: str, area: str) -> None:
    if viewer.is_workflow:
        require_area_write(sandbox, viewer, repo.owner, repo.name, area)
        return
    level = viewer_level(sandbox, viewer, repo, area)
    if author.lower() != (viewer.login or "").lower() and LEVELS[level] < LEVELS["triage"]:
        raise forbidden("Must have push access to edit this.")


def _comment_area(sandbox: Sandbox, viewer: Viewer, repo: Repo, comment: Comment) -> str:
    """A comment on a pull request may be edited with `pull_requests: write`, as created."""
    on_pull = get_issue(sandbox, repo, comment.number).pull is not None
    return "pull_requests" if on_pull and _has_write(viewer, "pull_requests") else "issues"


@router.post("/repos/{owner}/{name}/issues")
def create_issue(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_area_write(sandbox, viewer, owner, name, "issues")
    spec = parse(body, NewIssue, "Issue")
    assignees = spec.assignees or ([spec.assignee] if spec.assignee else [])
    issue = Issue(
        repo=repo.full_name,
        number=take_number(sandbox, repo),
        title=spec.title,
        body=spec.body,
        user=viewer.require_login(),
        labels=spec.labels,
        assignees=assignees,
    )
    sandbox.store.add(issue)
    if not viewer.is_workflow:  # GITHUB_TOKEN's events start no workflow run, as on GitHub
        sandbox.issue_event(repo.full_name, "opened", issue.number, issue.user)
    return respond(issue_body(sandbox, base, repo, issue), 201)


@router.get("/repos/{owner}/{name}/issues")
def list_issues(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    state = request.query_params.get("state", "open")
    wanted = {n.lower() for n in request.query_params.get("labels", "").split(",") if n}
    found = [
        i
        for i in reversed(sandbox.store.scan(Issue, repo.full_name.lower()))
        if state in ("all", i.state) and wanted <= {n.lower() for n in i.labels}
    ]
    return page(request, found, lambda i: issue_body(sandbox, base, repo, i))


@router.get("/repos/{owner}/{name}/issues/comments/{comment_id}")
def get_comment(
    owner: str, name: str, comment_id: int, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    return respond(comment_body(sandbox, base, repo, _comment(sandbox, repo, comment_id)))


def _comment(sandbox: Sandbox, repo: Repo, comment_id: int) -> Comment:
    found = sandbox.store.get(Comment, comment_id)
    if found is None or found.repo.lower() != repo.full_name.lower():
        raise not_found()
    return found


@router.patch("/repos/{owner}/{name}/issues/comments/{comment_id}")
def update_comment(
    owner: str, name: str, comment_id: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    found = _comment(sandbox, repo, comment_id)
    _may_edit(sandbox, viewer, repo, found.user, _comment_area(sandbox, viewer, repo, found))
    found.body = parse(body, CommentText, "IssueComment").body
    found.updated_at = now()
    sandbox.store.save(found)
    return respond(comment_body(sandbox, base, repo, found))


@router.delete("/repos/{owner}/{name}/issues/comments/{comment_id}")
def delete_comment(owner: str, name: str, comment_id: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    found = _comment(sandbox, repo, comment_id)
    _may_edit(sandbox, viewer, repo, found.user, _comment_area(sandbox, viewer, repo, found))
    with sandbox.store.transaction():
        sandbox.store.delete(found)
        issue = get_issue(sandbox, repo, found.number)
        issue.comments = max(0, issue.comments - 1)
        sandbox.store.save(issue)
    return respond(None, 204)


@router.get("/repos/{owner}/{name}/issues/comments")
def list_repo_comments(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    found = sandbox.store.scan(Comment, repo.full_name.lower())
    return page(request, found, lambda c: comment_body(sandbox, base, repo, c))


@router.get("/repos/{owner}/{name}/issues/{number}")
def read_issue(
    owner: str, name: str, number: int, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    return respond(issue_body(sandbox, base, repo, get_issue(sandbox, repo, number)))


def apply_issue_update(issue: Issue, change: IssueUpdate) -> str | None:
    """Apply `change`; return "closed"/"reopened" when the state flipped."""
    flipped = None
    if change.state and change.state not in ("open", "closed"):
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "state", "code": "invalid"}],
        )
    if change.state and change.state != issue.state:
        flipped = "closed" if change.state == "closed" else "reopened"
        issue.state = "closed" if change.state == "closed" else "open"
        issue.closed_at = now() if issue.state == "closed" else None
        issue.state_reason = change.state_reason or (
            "completed" if flipped == "closed" else "reopened"
        )
    for field in ("title", "body", "labels", "assignees"):
        value = getattr(change, field)
        if value is not None:
            setattr(issue, field, value)
    issue.updated_at = now()
    return flipped


@router.patch("/repos/{owner}/{name}/issues/{number}")
def update_issue(
    owner: str, name: str, number: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    issue = get_issue(sandbox, repo, number)
    _may_edit(sandbox, viewer, repo, issue.user, "issues")
    flipped = apply_issue_update(issue, parse(body, IssueUpdate, "Issue"))
    sandbox.store.save(issue)
    if issue.pull and flipped:
        sandbox.pull_request_event(repo.full_name, flipped, number, viewer.login or "")
    elif flipped and not viewer.is_workflow:
        sandbox.issue_event(repo.full_name, flipped, number, viewer.login or "")
    return respond(issue_body(sandbox, base, repo, issue))


@router.post("/repos/{owner}/{name}/issues/{number}/comments")
def create_comment(
    owner: str, name: str, number: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    issue = get_issue(sandbox, repo, number)
    area = "pull_requests" if issue.pull and _has_write(viewer, "pull_requests") else "issues"
    require_area_write(sandbox, viewer, owner, name, area)
    text = parse(body, CommentText, "IssueComment").body
    with sandbox.store.transaction():
        comment = sandbox.store.add(
            Comment(repo=repo.full_name, number=number, user=viewer.require_login(), body=text)
        )
        issue = get_issue(sandbox, repo, number)
        issue.comments += 1
        sandbox.store.save(issue)
    return respond(comment_body(sandbox, base, repo, comment), 201)


def _has_write(viewer: Viewer, area: str) -> bool:
    return viewer.token is not None and viewer.token.permissions.get(area) == "write"


@router.get("/repos/{owner}/{name}/issues/{number}/comments")
def list_comments(
    owner: str, name: str, number: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    get_issue(sandbox, repo, number)
    found = [c for c in sandbox.store.scan(Comment, repo.full_name.lower()) if c.number == number]
    return page(request, found, lambda c: comment_body(sandbox, base, repo, c))


@router.get("/repos/{owner}/{name}/issues/{number}/labels")
def issue_labels(
    owner: str, name: str, number: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    issue = get_issue(sandbox, repo, number)
    return page(request, [shapes.label(base, label_record(sandbox, repo, n)) for n in issue.labels])


def _set_labels(
    sandbox: Sandbox,
    viewer: Viewer,
    repo: Repo,
    number: int,
    names: list[str],
    base: str,
    replace: bool,
) -> Response:
    _may_edit(sandbox, viewer, repo, "", "issues")
    issue = get_issue(sandbox, repo, number)
    kept = [] if replace else issue.labels
    issue.labels = kept + [n for n in names if n.lower() not in {k.lower() for k in kept}]
    issue.updated_at = now()
    sandbox.store.save(issue)
    return respond([shapes.label(base, label_record(sandbox, repo, n)) for n in issue.labels])


def _label_names(body: AnyBody) -> list[str]:
    raw = body.get("labels", []) if isinstance(body, dict) else body
    if not isinstance(raw, list):
        raise ApiError(400, "Problems parsing JSON")
    names = [x["name"] if isinstance(x, dict) else x for x in raw]
    return parse({"labels": names}, LabelNames, "Label").labels


@router.post("/repos/{owner}/{name}/issues/{number}/labels")
def add_labels(
    owner: str, name: str, number: int, body: AnyBody, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    return _set_labels(sandbox, viewer, repo, number, _label_names(body), base, replace=False)


@router.put("/repos/{owner}/{name}/issues/{number}/labels")
def replace_labels(
    owner: str, name: str, number: int, body: AnyBody, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    return _set_labels(sandbox, viewer, repo, number, _label_names(body), base, replace=True)


@router.delete("/repos/{owner}/{name}/issues/{number}/labels/{label}")
def remove_label(
    owner: str, name: str, number: int, label: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    _may_edit(sandbox, viewer, repo, "", "issues")
    issue = get_issue(sandbox, repo, number)
    if label.lower() not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.lower() != label.lower()]
    sandbox.store.save(issue)
    return respond([shapes.label(base, label_record(sandbox, repo, n)) for n in issue.labels])


@router.get("/repos/{owner}/{name}/labels")
def list_labels(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    found = sandbox.store.scan(Label, repo.full_name.lower())
    return page(request, [shapes.label(base, x) for x in found])


@router.post("/repos/{owner}/{name}/labels")
def create_label(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "issues")
    spec = parse(body, LabelSpec, "Label")
    if sandbox.store.find(Label, repo.full_name.lower(), spec.name.lower()):
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    record = sandbox.store.add(
        Label(
            repo=repo.full_name,
            name=spec.name,
            color=spec.color.lstrip("#"),
            description=spec.description,
        )
    )
    return respond(shapes.label(base, record), 201)


@router.get("/repos/{owner}/{name}/labels/{label}")
def get_label(owner: str, name: str, label: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="issues")
    found = sandbox.store.find(Label, repo.full_name.lower(), label.lower())
    if found is None:
        raise not_found()
    return respond(shapes.label(base, found))


@router.patch("/repos/{owner}/{name}/labels/{label}")
def update_label(
    owner: str, name: str, label: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "issues")
    found = sandbox.store.find(Label, repo.full_name.lower(), label.lower())
    if found is None:
        raise not_found()
    if "new_name" in body:
        raise ApiError(422, "Renaming a label is not emulated by the sandbox.")
    found.color = str(body.get("color", found.color)).lstrip("#")
    found.description = body.get("description", found.description)
    sandbox.store.save(found)
    return respond(shapes.label(base, found))


@router.delete("/repos/{owner}/{name}/labels/{label}")
def delete_label(owner: str, name: str, label: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "issues")
    found = sandbox.store.find(Label, repo.full_name.lower(), label.lower())
    if found is None:
        raise not_found()
    sandbox.store.delete(found)
    return respond(None, 204)
