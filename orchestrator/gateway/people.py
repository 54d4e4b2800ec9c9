"""People: the token's own identity, users, collaborators and invitations."""

from __future__ import annotations

from urllib.parse import quote

import requests
from github import GithubException

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import Membership
from orchestrator.gateway.transport import AuthError, GatewayError, json_object, missing_scopes

ACTIONS_BOT = "github-actions[bot]"
TOKEN_URL = "https://github.com/settings/tokens/new?scopes=repo,workflow"


class PeopleAPI(GatewayCore):
    """Who the token is, whether users exist, and who may work on a repository."""

    def whoami(self, needed: set[str] | None = None) -> str:
        """The token's login; an AuthError naming the missing scopes when it lacks some."""
        login = str(self._get("/user")["login"])
        missing = missing_scopes(self._gh.oauth_scopes, needed or set())
        if missing:
            raise AuthError(
                f"the token lacks the scope(s) {', '.join(sorted(missing))}; "
                f"create one at {TOKEN_URL} and set GITHUB_TOKEN"
            )
        return login

    def identity(self) -> str:
        """Who the token writes as: its login, or `github-actions[bot]` for a workflow token."""
        try:
            return str(self._req.requestJsonAndCheck("GET", "/user")[1]["login"])
        except GithubException as exc:
            if exc.status == 403:  # an installation token (GITHUB_TOKEN) may not read /user
                return ACTIONS_BOT
            raise self._fatal(exc, "GET /user") from exc

    def user_exists(self, login: str) -> bool:
        """Whether GitHub has a user called `login`."""
        return self._find(f"/users/{quote(login)}") is not None

    def membership(self, full_name: str, login: str) -> Membership:
        """Whether `login` collaborates on the repo, has a pending invitation, or neither."""
        if self._is_collaborator(full_name, login):
            return "member"
        invited = any(
            str(inv["invitee"]["login"]).lower() == login.lower() and not inv.get("expired")
            for inv in self._paged(f"/repos/{full_name}/invitations")
        )
        return "invited" if invited else "none"

    def invitees(self, full_name: str) -> set[str]:
        """Who has a pending (unexpired) invitation to the repository, lower-cased."""
        return {
            str(inv["invitee"]["login"]).lower()
            for inv in self._paged(f"/repos/{full_name}/invitations")
            if not inv.get("expired")
        }

    def _is_collaborator(self, full_name: str, login: str) -> bool:
        try:
            status, _, _ = self._req.requestJson(
                "GET", f"/repos/{full_name}/collaborators/{quote(login)}"
            )
        except requests.exceptions.RequestException as exc:
            raise GatewayError(f"{full_name}: could not read collaborators ({exc})") from exc
        if status >= 500:
            raise GatewayError(f"{full_name}: could not read collaborators ({status}); run again")
        return status == 204

    def invite(self, full_name: str, login: str, permission: str = "push") -> Membership:
        """Add `login` (an invitation, unless already a member); replaying this is harmless."""
        path = f"/repos/{full_name}/collaborators/{quote(login)}"

        def do() -> Membership:
            status, headers, text = self._req.requestJson(
                "PUT", path, input={"permission": permission}
            )
            if status >= 400:
                raise GithubException(status, json_object(text), headers)
            return "invited" if status == 201 else "member"

        return self._write(f"{full_name}: add {login}", do)

    def permission(self, full_name: str, login: str) -> str:
        """The permission `login` has on the repository (`none` when not a collaborator)."""
        data = self._find(f"/repos/{full_name}/collaborators/{quote(login)}/permission")
        return str(data["permission"]) if data else "none"
