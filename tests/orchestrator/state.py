"""What the sandbox holds for a class, read straight from its store (faults cannot touch it)."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.context import Sandbox
from sandbox.git.push_rules import is_protected
from sandbox.records import Collaborator, Invitation, Issue, Repo


@dataclass(frozen=True)
class RepoState:
    """The provisioning-relevant state of one learner repository."""

    private: bool
    branches: tuple[str, ...]
    commits_on_main: int
    main_protected: bool
    issues: tuple[str, ...]
    pulls: tuple[tuple[str, str, str], ...]
    people: tuple[tuple[str, str, str], ...]  # (login, "invited"/"member", permission)


def repo_state(sandbox: Sandbox, repo: Repo) -> RepoState:
    scope = repo.full_name.lower()
    bare = sandbox.bare(repo)
    heads = sorted(
        r.removeprefix("refs/heads/") for r in bare.refs() if r.startswith("refs/heads/")
    )
    records = sandbox.store.scan(Issue, scope)
    main = bare.resolve("refs/heads/main")
    people = [(i.invitee, "invited", i.permission) for i in sandbox.store.scan(Invitation, scope)]
    people += [(c.login, "member", c.permission) for c in sandbox.store.scan(Collaborator, scope)]
    return RepoState(
        private=repo.private,
        branches=tuple(heads),
        commits_on_main=int(bare.git("rev-list", "--count", main).strip()) if main else 0,
        main_protected=is_protected(sandbox, repo, "main"),
        issues=tuple(sorted(i.title for i in records if i.pull is None)),
        pulls=tuple(sorted((i.title, i.pull.head, i.pull.base) for i in records if i.pull)),
        people=tuple(sorted(people)),
    )


def class_state(sandbox: Sandbox, org: str) -> dict[str, RepoState]:
    """Every repository of `org` but the templates, by name."""
    return {
        r.name: repo_state(sandbox, r)
        for r in sandbox.store.scan(Repo)
        if r.owner.lower() == org.lower() and not r.is_template
    }


def provisioned(issues: tuple[str, ...], login: str, *, feedback: bool = False) -> RepoState:
    """The state a freshly provisioned learner repository must be in (`issues`: their titles;
    `feedback`: with the Feedback pull request, off by default)."""
    return RepoState(
        private=True,
        branches=("feedback", "main") if feedback else ("main",),
        commits_on_main=2 if feedback else 1,
        main_protected=True,
        issues=issues,
        pulls=(("Feedback", "main", "feedback"),) if feedback else (),
        people=((login, "invited", "push"),),
    )
