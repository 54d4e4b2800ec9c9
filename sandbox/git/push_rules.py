"""Push rules from branch protection and rulesets, in the shape the pre-receive hook reads."""

from __future__ import annotations

import fnmatch
from typing import Any

from sandbox.auth import person_level
from sandbox.context import Sandbox
from sandbox.errors import ApiError
from sandbox.git.pre_receive import violation
from sandbox.git.repos import ZERO, BareRepo
from sandbox.records import Protection, Repo, Ruleset

Rule = dict[str, Any]


def _from_protection(p: Protection) -> Rule:
    s = p.settings
    return {
        "pattern": p.branch,
        "require_pr": s.get("required_pull_request_reviews") is not None,
        "allow_force": bool(_enabled(s.get("allow_force_pushes"))),
        "allow_delete": bool(_enabled(s.get("allow_deletions"))),
        "admins_bypass": not _enabled(s.get("enforce_admins")),
    }


def _enabled(value: Any) -> bool:
    return bool(value.get("enabled")) if isinstance(value, dict) else bool(value)


def _patterns(ruleset: Ruleset, default_branch: str) -> list[str]:
    include = ruleset.conditions.get("ref_name", {}).get("include", ["~DEFAULT_BRANCH"])
    names = {"~DEFAULT_BRANCH": default_branch, "~ALL": "*"}
    return [names.get(i, str(i).removeprefix("refs/heads/")) for i in include]


def _from_ruleset(ruleset: Ruleset, default_branch: str) -> list[Rule]:
    kinds = {r.get("type") for r in ruleset.rules}
    return [
        {
            "pattern": pattern,
            "require_pr": bool(kinds & {"pull_request", "update"}),
            "allow_force": "non_fast_forward" not in kinds,
            "allow_delete": "deletion" not in kinds,
            "admins_bypass": bool(ruleset.bypass_actors),
        }
        for pattern in _patterns(ruleset, default_branch)
    ]


def org_scope(org: str) -> str:
    """Where an organization's rulesets are kept (beside repositories' own)."""
    return f"org:{org.lower()}"


def covers(ruleset: Ruleset, repo: Repo) -> bool:
    """Whether an organization ruleset's `repository_name` condition takes in `repo`."""
    names = ruleset.conditions.get("repository_name") or {}
    include = names.get("include") or []
    exclude = names.get("exclude") or []

    def hit(patterns: list[str]) -> bool:
        return any(p == "~ALL" or fnmatch.fnmatch(repo.name.lower(), p.lower()) for p in patterns)

    return hit(include) and not hit(exclude)


def rulesets_on(sandbox: Sandbox, repo: Repo) -> list[Ruleset]:
    """The active branch rulesets on `repo`: its own, and its organization's that cover it."""
    own = sandbox.store.scan(Ruleset, repo.full_name.lower())
    org = [r for r in sandbox.store.scan(Ruleset, org_scope(repo.owner)) if covers(r, repo)]
    return [r for r in own + org if r.enforcement == "active" and r.target == "branch"]


def all_rules(sandbox: Sandbox, repo: Repo) -> list[Rule]:
    """Every push rule on `repo`, whoever pushes."""
    scope = repo.full_name.lower()
    rules = [_from_protection(p) for p in sandbox.store.scan(Protection, scope)]
    for ruleset in rulesets_on(sandbox, repo):
        rules.extend(_from_ruleset(ruleset, repo.default_branch))
    return rules


def rules_for(sandbox: Sandbox, repo: Repo, login: str, is_workflow: bool) -> list[Rule]:
    """The rules that bind `login` (admins bypass those that allow it)."""
    admin = not is_workflow and person_level(sandbox, login, repo) == "admin"
    return [r for r in all_rules(sandbox, repo) if not (admin and r["admins_bypass"])]


def is_protected(sandbox: Sandbox, repo: Repo, branch: str) -> bool:
    """True when any rule covers `branch`."""
    return any(fnmatch.fnmatchcase(branch, r["pattern"]) for r in all_rules(sandbox, repo))


def check_api_update(
    rules: list[Rule], bare: BareRepo, branch: str, old: str | None, new: str, via_pr: bool = False
) -> None:
    """Refuse an API write (contents, refs) that a push with the same effect would break."""
    for rule in rules:
        if not fnmatch.fnmatchcase(branch, rule["pattern"]):
            continue
        effective = {**rule, "require_pr": rule["require_pr"] and not via_pr}
        reason = violation(effective, old or ZERO, new, cwd=str(bare.path))
        if reason:
            raise ApiError(409, f"Repository rule violations found\n\n{reason}")


def required_contexts(sandbox: Sandbox, repo: Repo, branch: str) -> list[str]:
    """Status-check contexts that must pass before a pull request merges into `branch`."""
    scope = repo.full_name.lower()
    contexts: list[str] = []
    for p in sandbox.store.scan(Protection, scope):
        checks = p.settings.get("required_status_checks") or {}
        if fnmatch.fnmatchcase(branch, p.branch):
            contexts += [str(c) for c in checks.get("contexts") or []]
            contexts += [str(c["context"]) for c in checks.get("checks") or []]
    for ruleset in rulesets_on(sandbox, repo):
        if not any(
            fnmatch.fnmatchcase(branch, pattern)
            for pattern in _patterns(ruleset, repo.default_branch)
        ):
            continue
        for rule in ruleset.rules:
            if rule.get("type") == "required_status_checks":
                params = rule.get("parameters") or {}
                contexts += [str(c["context"]) for c in params.get("required_status_checks", [])]
    return sorted(set(contexts))
