"""Who is calling and what they may do, decided as GitHub decides it."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sandbox.context import Sandbox
from sandbox.errors import ApiError, forbidden, not_found
from sandbox.records import LEVELS, Collaborator, Membership, Repo, Token

WRITE_LEVEL = {"read": "pull", "write": "push", "none": "none"}
STRICT_READS = frozenset({"contents"})


@dataclass(frozen=True)
class Viewer:
    """The caller: anonymous (login None), a person, or a workflow run's token."""

    login: str | None
    token: Token | None = None

    @property
    def is_workflow(self) -> bool:
        return self.token is not None and self.token.repo is not None

    def require_login(self) -> str:
        """The caller's login; 401 for anonymous callers."""
        if self.login is None:
            raise ApiError(401, "Requires authentication")
        return self.login


def token_from_header(header: str | None) -> str | None:
    """The token in `Authorization: token X`, `Bearer X` or Basic `user:X`."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme in ("token", "bearer"):
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        user, _, password = decoded.partition(":")
        return password or user
    return ""


def viewer_for(sandbox: Sandbox, header: str | None) -> Viewer:
    """Resolve the Authorization header; 401 "Bad credentials" for an unknown token."""
    value = token_from_header(header)
    if value is None:
        return Viewer(login=None)
    token = sandbox.store.find(Token, "", value) if value else None
    if token is None or token.revoked:
        raise ApiError(401, "Bad credentials")
    return Viewer(login=token.login, token=token)


def org_role(sandbox: Sandbox, org: str, login: str) -> str | None:
    """`admin`, `member` or None (a pending invitation is no membership yet)."""
    member = sandbox.store.find(Membership, org.lower(), login.lower())
    return member.role if member and member.state == "active" else None


def person_level(sandbox: Sandbox, login: str, repo: Repo) -> str:
    """A person's permission on `repo`: none, pull, triage, push, maintain or admin."""
    if login.lower() == repo.owner.lower():
        return "admin"
    levels = ["pull"] if not repo.private else ["none"]
    role = org_role(sandbox, repo.owner, login)
    if role == "admin":
        return "admin"
    if role == "member":
        levels.append("pull")
    collab = sandbox.store.find(Collaborator, repo.full_name.lower(), login.lower())
    if collab:
        levels.append(collab.permission)
    return max(levels, key=LEVELS.__getitem__)


def viewer_level(sandbox: Sandbox, viewer: Viewer, repo: Repo, area: str) -> str:
    """The caller's permission on `repo` for one permission area (contents, issues …)."""
    public = "pull" if not repo.private else "none"
    if viewer.login is None or viewer.token is None:
        return public
    if viewer.token.repo is None:
        return person_level(sandbox, viewer.login, repo)
    if viewer.token.repo.lower() != repo.full_name.lower():
        return public
    granted = viewer.token.permissions.get(area, "none")
    level = WRITE_LEVEL.get(granted, "none")
    # Contents (files, commits, git fetch) need `contents: read`, as on GitHub; reads of other
    # areas stay open to every token of the repository (a simplification: GitHub asks for
    # that area's read there too).
    floor = public if area in STRICT_READS else "pull"
    return max(level, floor, key=LEVELS.__getitem__)


def require_repo(
    sandbox: Sandbox,
    viewer: Viewer,
    owner: str,
    name: str,
    level: str = "pull",
    area: str = "metadata",
) -> Repo:
    """The repository if the caller may act at `level`; 404 if it may not see it, else 403."""
    repo = sandbox.repo(f"{owner}/{name}")
    if repo is None:
        raise not_found()
    have = viewer_level(sandbox, viewer, repo, area)
    if LEVELS[have] < LEVELS["pull"]:
        if viewer.is_workflow and viewer_level(sandbox, viewer, repo, "metadata") != "none":
            raise forbidden("Resource not accessible by integration")
        raise not_found()
    if LEVELS[have] < LEVELS[level]:
        if viewer.login is None:
            raise ApiError(401, "Requires authentication")
        if viewer.is_workflow:
            raise forbidden("Resource not accessible by integration")
        raise forbidden(_need(level))
    if repo.archived and LEVELS[level] >= LEVELS["triage"] and area != "administration":
        raise forbidden("Repository was archived so is read-only.")
    return repo


def _need(level: str) -> str:
    if level == "admin":
        return "Must have admin rights to Repository."
    return "Resource not accessible by personal access token"


def require_area_write(sandbox: Sandbox, viewer: Viewer, owner: str, name: str, area: str) -> Repo:
    """A write anyone who can read may make (open an issue, comment); a workflow token needs
    `area: write`, as GitHub's GITHUB_TOKEN does."""
    repo = require_repo(sandbox, viewer, owner, name, "pull", area)
    viewer.require_login()
    token = viewer.token
    if token is not None and token.repo is not None and token.permissions.get(area) != "write":
        raise forbidden("Resource not accessible by integration")
    if repo.archived:
        raise forbidden("Repository was archived so is read-only.")
    return repo


def association(sandbox: Sandbox, login: str, repo: Repo) -> str:
    """GitHub's `author_association` of `login` with `repo`."""
    if login.lower() == repo.owner.lower():
        return "OWNER"
    if org_role(sandbox, repo.owner, login):
        return "MEMBER"
    if sandbox.store.find(Collaborator, repo.full_name.lower(), login.lower()):
        return "COLLABORATOR"
    return "NONE"
