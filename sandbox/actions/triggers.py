"""Which workflows an event starts: the `on:` filters act ignores (types, branches, paths),
and the GITHUB_TOKEN permissions a workflow asks for. Pure functions of the workflow text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

PR_DEFAULT_TYPES = ("opened", "synchronize", "reopened")
SCOPES = (
    "actions",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
    "attestations",
    "models",
)
DEFAULT_PERMISSIONS = {"contents": "read", "metadata": "read", "packages": "read"}


class WorkflowError(ValueError):
    """A workflow file the sandbox cannot read (GitHub would not run it either)."""


@dataclass(frozen=True)
class Trigger:
    """One event as the filters see it."""

    event: str
    ref: str = ""
    base_ref: str = ""
    action: str = ""
    paths: tuple[str, ...] = ()
    dispatch_type: str = ""


@dataclass
class Workflow:
    """A parsed workflow file."""

    path: str
    name: str
    on: dict[str, Any]
    permissions: dict[str, str] = field(default_factory=dict)
    jobs: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    job_grants: dict[str, dict[str, str]] = field(default_factory=dict)
    job_names: dict[str, str] = field(default_factory=dict)
    concurrency: str | None = None  # the group, an expression act does not evaluate
    cancel_in_progress: bool = False


def parse_workflow(path: str, text: str) -> Workflow:
    """Read a workflow file's name, triggers and permissions."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise WorkflowError(f"{path}: {exc}") from exc
    if not isinstance(doc, dict):
        raise WorkflowError(f"{path}: not a mapping")
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    return Workflow(
        path=path,
        name=str(doc.get("name") or path),
        on=_normalise_on(on),
        permissions=token_permissions(doc),
        jobs=_job_names(doc.get("jobs")),
        job_ids=[str(k) for k in doc.get("jobs") or {}]
        if isinstance(doc.get("jobs"), dict)
        else [],
        job_grants=job_permissions(doc),
        job_names=raw_job_names(doc),
        **_concurrency(doc.get("concurrency")),
    )


def _concurrency(block: Any) -> dict[str, Any]:
    """The workflow-level `concurrency:` (a group, or {group, cancel-in-progress})."""
    if isinstance(block, str | int):
        return {"concurrency": str(block)}
    if isinstance(block, dict) and block.get("group") is not None:
        cancel = block.get("cancel-in-progress", False)
        return {
            "concurrency": str(block["group"]),
            "cancel_in_progress": cancel is True or str(cancel).strip().lower() == "true",
        }
    return {}


def _job_names(jobs: Any) -> list[str]:
    """Each job's display name (its `name:`, else its id), as act and GitHub show it."""
    if not isinstance(jobs, dict):
        return []
    return [
        str(job.get("name") or key) if isinstance(job, dict) else str(key)
        for key, job in jobs.items()
    ]


def _normalise_on(on: Any) -> dict[str, Any]:
    if isinstance(on, str):
        return {on: {}}
    if isinstance(on, list):
        return {str(event): {} for event in on}
    if isinstance(on, dict):
        return {str(k): (v or {}) for k, v in on.items()}
    return {}


def _grant(block: Any) -> dict[str, str]:
    if block == "write-all":
        return dict.fromkeys((*SCOPES, "metadata"), "write")
    if block == "read-all":
        return dict.fromkeys((*SCOPES, "metadata"), "read")
    if isinstance(block, dict):
        return {str(k): str(v) for k, v in block.items()} | {"metadata": "read"}
    return dict(DEFAULT_PERMISSIONS)


def _scopes(granted: dict[str, str]) -> dict[str, str]:
    return {k.replace("-", "_"): v for k, v in granted.items() if v in ("read", "write")}


def _top(doc: dict[str, Any]) -> dict[str, str]:
    return _grant(doc.get("permissions")) if "permissions" in doc else dict(DEFAULT_PERMISSIONS)


def job_permissions(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each job's GITHUB_TOKEN grant: its own `permissions:`, else the workflow's (jobs that
    call a reusable workflow are left out: see `token_permissions`)."""
    jobs = doc.get("jobs") or {}
    grants = {}
    for job_id, job in jobs.items() if isinstance(jobs, dict) else []:
        if isinstance(job, dict) and "uses" not in job:
            own = _grant(job["permissions"]) if "permissions" in job else _top(doc)
            grants[str(job_id)] = _scopes(own)
    return grants


def token_permissions(doc: dict[str, Any]) -> dict[str, str]:
    """The grant of the run-wide token act hands to reusable workflows' jobs (and to actions
    that read `github.token` themselves): the widest grant of the jobs that call a reusable
    workflow, which those jobs cap as on GitHub; metadata only when no job calls one."""
    granted = {"metadata": "read"}
    jobs = doc.get("jobs") or {}
    for job in jobs.values() if isinstance(jobs, dict) else []:
        if isinstance(job, dict) and "uses" in job:
            own = _grant(job["permissions"]) if "permissions" in job else _top(doc)
            for scope, level in own.items():
                if _rank(level) > _rank(granted.get(scope, "none")):
                    granted[scope] = level
    return _scopes(granted)


def raw_job_names(doc: dict[str, Any]) -> dict[str, str]:
    """job id -> its `name:` as written (only jobs that have one)."""
    jobs = doc.get("jobs") or {}
    return {
        str(job_id): str(job["name"])
        for job_id, job in (jobs.items() if isinstance(jobs, dict) else [])
        if isinstance(job, dict) and job.get("name") is not None
    }


def _rank(level: str) -> int:
    return {"none": 0, "read": 1, "write": 2}.get(level, 0)


def read_only(permissions: dict[str, str]) -> dict[str, str]:
    """The same grant with every write turned into read (fork pull requests, as on GitHub)."""
    return {k: "read" for k in permissions}


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """GitHub's filter globs: `*` stays inside one path segment, `**` crosses them."""
    out = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        out += {"*": "[^/]*", "?": "[^/]", "+": "+"}.get(char, re.escape(char))
        i += 1
    return re.compile(out + r"\Z")


def _match_any(patterns: list[str], value: str) -> bool:
    """GitHub's include/exclude list: later `!pattern` entries exclude again."""
    matched = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        if _glob(pattern[1:] if negate else pattern).match(value):
            matched = not negate
    return matched


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _filter_ok(spec: dict[str, Any], key: str, value: str) -> bool:
    if key in spec:
        return _match_any(_list(spec[key]), value)
    if f"{key}-ignore" in spec:
        return not _match_any(_list(spec[f"{key}-ignore"]), value)
    return True


def _paths_ok(spec: dict[str, Any], paths: tuple[str, ...]) -> bool:
    if "paths" in spec:
        return any(_match_any(_list(spec["paths"]), p) for p in paths)
    if "paths-ignore" in spec:
        return any(not _match_any(_list(spec["paths-ignore"]), p) for p in paths)
    return True


def _push_ok(spec: dict[str, Any], trigger: Trigger) -> bool:
    if trigger.ref.startswith("refs/tags/"):
        if (
            not ({"tags", "tags-ignore"} & spec.keys())
            and {"branches", "branches-ignore"} & spec.keys()
        ):
            return False
        return _filter_ok(spec, "tags", trigger.ref.removeprefix("refs/tags/"))
    if (
        not ({"branches", "branches-ignore"} & spec.keys())
        and {"tags", "tags-ignore"} & spec.keys()
    ):
        return False
    branch = trigger.ref.removeprefix("refs/heads/")
    return _filter_ok(spec, "branches", branch) and _paths_ok(spec, trigger.paths)


def triggers(workflow: Workflow, trigger: Trigger) -> bool:
    """True when `trigger` starts `workflow` under its `on:` filters."""
    if trigger.event not in workflow.on:
        return False
    spec = workflow.on[trigger.event]
    if not isinstance(spec, dict):
        spec = {}
    if trigger.event == "push":
        return _push_ok(spec, trigger)
    if trigger.event in ("pull_request", "pull_request_target"):
        types = _list(spec.get("types")) or list(PR_DEFAULT_TYPES)
        return (
            trigger.action in types
            and _filter_ok(spec, "branches", trigger.base_ref)
            and _paths_ok(spec, trigger.paths)
        )
    if trigger.event == "repository_dispatch":
        types = _list(spec.get("types"))
        return not types or trigger.dispatch_type in types
    types = _list(spec.get("types"))  # issues, issue_comment …: every activity type by default
    return not types or trigger.action in types
