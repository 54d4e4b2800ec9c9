"""Read-only HTML pages at the `html_url`s the API hands out, so an instructor can look at
a dry run in a browser: a repository, an issue or pull request with its comments rendered
as Markdown, a workflow run's log. The browser asks for the token (Basic auth password)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from sandbox.api.deps import get_base, get_sandbox
from sandbox.auth import require_repo, viewer_for
from sandbox.context import Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.records import CheckRun, Comment, Issue, Repo, WorkflowRun

router = APIRouter()
CHALLENGE = {"WWW-Authenticate": 'Basic realm="sandbox: any user name, your token"'}


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("sandbox.api", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html.j2"]),
    )


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")  # raw HTML stays text


def render_markdown(text: str) -> Markup:
    """A comment's Markdown as HTML; raw HTML in it is escaped, never passed through."""
    return Markup(_markdown().render(text))


def _page(
    template: str, request: Request, title: str, crumbs: list[tuple[str, str]], **values: Any
) -> Response:
    html = (
        _templates()
        .get_template(template)
        .render(base=get_base(request), title=title, crumbs=crumbs, **values)
    )
    return HTMLResponse(html)


def _visible_repo(request: Request, owner: str, name: str) -> tuple[Sandbox, Repo]:
    sandbox = get_sandbox(request)
    try:
        viewer = viewer_for(sandbox, request.headers.get("authorization"))
        repo = require_repo(sandbox, viewer, owner, name)
    except ApiError as exc:
        if exc.status in (401, 404) and _anonymous(sandbox, request):
            raise ApiError(
                401, "Sign in with your token as the password", headers=CHALLENGE
            ) from exc
        raise
    return sandbox, repo


def _anonymous(sandbox: Sandbox, request: Request) -> bool:
    try:
        return viewer_for(sandbox, request.headers.get("authorization")).login is None
    except ApiError:
        return True


def _crumbs(request: Request, repo: Repo) -> list[tuple[str, str]]:
    return [(repo.full_name, f"{get_base(request)}/{repo.full_name}")]


@router.get("/{owner}/{name}", include_in_schema=False)
def repo_page(owner: str, name: str, request: Request) -> Response:
    sandbox, repo = _visible_repo(request, owner, name)
    scope = repo.full_name.lower()
    branches = sorted(
        r.removeprefix("refs/heads/")
        for r in sandbox.bare(repo).refs()
        if r.startswith("refs/heads/")
    )
    return _page(
        "repo.html.j2",
        request,
        repo.full_name,
        _crumbs(request, repo),
        repo=repo,
        issues=list(reversed(sandbox.store.scan(Issue, scope))),
        runs=list(reversed(sandbox.store.scan(WorkflowRun, scope))),
        branches=branches,
    )


@router.get("/{owner}/{name}/pull/{number}", include_in_schema=False)
@router.get("/{owner}/{name}/issues/{number}", include_in_schema=False)
def issue_page(owner: str, name: str, number: int, request: Request) -> Response:
    sandbox, repo = _visible_repo(request, owner, name)
    scope = repo.full_name.lower()
    issue = sandbox.store.find(Issue, scope, str(number))
    if issue is None:
        raise not_found()
    entries = [
        {
            "user": issue.user,
            "created_at": issue.created_at,
            "edited": False,
            "html": render_markdown(issue.body or ""),
        }
    ]
    entries += [
        {
            "user": c.user,
            "created_at": c.created_at,
            "edited": c.updated_at != c.created_at,
            "html": render_markdown(c.body),
        }
        for c in sandbox.store.scan(Comment, scope)
        if c.number == number
    ]
    sha = issue.pull.head_sha if issue.pull else ""
    checks = [c for c in sandbox.store.scan(CheckRun, scope) if sha and c.head_sha == sha]
    return _page(
        "issue.html.j2",
        request,
        issue.title,
        _crumbs(request, repo),
        issue=issue,
        entries=entries,
        checks=checks,
        sha=sha,
    )


@router.get("/{owner}/{name}/actions/runs/{run_id}", include_in_schema=False)
def run_page(owner: str, name: str, run_id: int, request: Request) -> Response:
    sandbox, repo = _visible_repo(request, owner, name)
    run = sandbox.store.get(WorkflowRun, run_id)
    if run is None or run.repo.lower() != repo.full_name.lower():
        raise not_found()
    path = sandbox.config.logs_dir / f"{run.id}.log"
    log = path.read_text(errors="replace") if path.exists() else "(no log yet)"
    return _page("run.html.j2", request, run.name, _crumbs(request, repo), run=run, log=log)
