"""What exists for each seat of a provisioning run, read with as few calls as possible.

A class is read through GraphQL, 100 repositories per query (`plan.SEAT_SELECTION`): whether
each repository exists, its branches, the issues and the Feedback pull request, who
collaborates on it. Pending invitations are not in GitHub's GraphQL schema: a seat member who
is not a collaborator costs one REST read of the repository's invitations (none once the
learners have accepted). A repository GraphQL could not answer, a server without GraphQL, and
a run for a few seats (the front desk provisions one learner) read through REST instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestrator.gateway import Branch, GitHub, GraphQLUnavailable, IssueInfo, Membership, RepoInfo
from orchestrator.pacing import Calls
from orchestrator.plan import FEEDBACK_BRANCH, SEAT_SELECTION, SEAT_VARIABLES, Observed, Seat

FEW_SEATS = 3  # up to this many seats, reading each repository beats a batch


def observe(gh: GitHub, org: str, wanted: Sequence[Seat]) -> tuple[dict[str, Observed], Calls]:
    """What exists for each seat (by its repository's full name), and the reads it took."""
    before = gh.calls
    if len(wanted) <= FEW_SEATS:
        found = {seat.repo: _by_rest(gh, seat, gh.repo(seat.repo)) for seat in wanted}
        return found, gh.calls - before
    try:
        batch = gh.repositories(
            [s.repo for s in wanted],
            SEAT_SELECTION,
            extra=SEAT_VARIABLES,
            variables={"feedback": FEEDBACK_BRANCH},
        )
    except GraphQLUnavailable:
        existing = gh.org_repos(org)
        found = {s.repo: _by_rest(gh, s, existing.get(_name(s))) for s in wanted}
        return found, gh.calls - before
    found = {}
    for seat in wanted:
        if seat.repo in batch.failed:
            found[seat.repo] = _by_rest(gh, seat, gh.repo(seat.repo))
        else:
            found[seat.repo] = _from_graphql(gh, seat, batch.found.get(seat.repo))
    return found, gh.calls - before


def _name(seat: Seat) -> str:
    return seat.repo.split("/", 1)[1].lower()


def _by_rest(gh: GitHub, seat: Seat, repo: RepoInfo | None) -> Observed:
    if repo is None:
        return Observed()
    return Observed(
        repo=repo,
        branches=gh.branches(repo.full_name),
        issues=tuple(gh.issues(repo.full_name)),
        members={login: gh.membership(repo.full_name, login) for login in seat.members},
    )


def _from_graphql(gh: GitHub, seat: Seat, data: dict[str, Any] | None) -> Observed:
    if data is None:
        return Observed()
    seen = observed_from(data, seat.members)
    missing = [login for login, state in seen.members.items() if state == "none"]
    if not missing or seen.repo is None:
        return seen
    invited = gh.invitees(seen.repo.full_name)
    members = {
        login: "invited" if state == "none" and login.lower() in invited else state
        for login, state in seen.members.items()
    }
    return Observed(seen.repo, seen.branches, seen.issues, members)


def observed_from(data: dict[str, Any], members: Sequence[str]) -> Observed:
    """An `Observed` from one repository's answer to `SEAT_SELECTION` (pure; every member
    who is not a collaborator is `none` here: invitations are read apart)."""
    default = data.get("defaultBranchRef") or {}
    url = str(data["url"])
    repo = RepoInfo(
        full_name=str(data["nameWithOwner"]),
        private=bool(data["isPrivate"]),
        archived=bool(data["isArchived"]),
        is_template=bool(data["isTemplate"]),
        default_branch=str(default.get("name") or "main"),
        html_url=url,
        clone_url=f"{url}.git",
        visibility=str(data.get("visibility") or "").lower(),
    )
    branches = {
        str(ref["name"]): Branch(str(ref["name"]), str(ref["target"]["oid"]), False)
        for ref in (data.get("refs") or {}).get("nodes") or []
        if ref
    }
    if default:
        protected = default.get("branchProtectionRule") is not None
        branches[repo.default_branch] = Branch(
            repo.default_branch, str(default["target"]["oid"]), protected
        )
    return Observed(repo, branches, _issues(data), _members(data, members))


def _issues(data: dict[str, Any]) -> tuple[IssueInfo, ...]:
    issues = [
        IssueInfo(
            int(i["number"]),
            str(i["title"]),
            False,
            str(i["url"]),
            str(i["state"]).lower(),
            body=str(i.get("body") or ""),
        )
        for i in (data.get("issues") or {}).get("nodes") or []
        if i
    ]
    pulls = [
        IssueInfo(int(p["number"]), str(p["title"]), True, str(p["url"]))
        for p in (data.get("pullRequests") or {}).get("nodes") or []
        if p
    ]
    return tuple(issues + pulls)


def _members(data: dict[str, Any], members: Sequence[str]) -> dict[str, Membership]:
    people = (data.get("collaborators") or {}).get("nodes") or []
    logins = {str(p["login"]).lower() for p in people if p}
    return {login: "member" if login.lower() in logins else "none" for login in members}
