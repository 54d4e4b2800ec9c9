"""The workflow file act runs, rewritten so each job holds its own GITHUB_TOKEN (act hands one
token to a whole run) and a matrix job's processes can be told apart (for a lost runner).

Each job's `secrets.GITHUB_TOKEN` and `github.token` (inside `${{ }}` and in `if:`) become
`secrets.SANDBOX_JOB_TOKEN_<n>`, and so does the default of every input of the actions it uses
that defaults to `github.token` (checkout's `token`, for instance). Pure: text in, text out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
TOKEN = re.compile(
    r"\bsecrets\s*(?:\.\s*GITHUB_TOKEN\b|\[\s*'GITHUB_TOKEN'\s*\])"
    r"|\bgithub\s*(?:\.\s*token\b|\[\s*'token'\s*\])",
    re.IGNORECASE,
)
MATRIX_ENV = "SANDBOX_MATRIX"

TokenInputs = Callable[[str], list[str]]  # `uses:` value -> inputs defaulting to github.token


class _Loader(yaml.SafeLoader):
    """YAML as GitHub reads workflows: `on`, `yes`, `no` stay strings; dates stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in found
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def secret_name(index: int) -> str:
    """The secret that carries the token of the job at `index` (workflow order)."""
    return f"SANDBOX_JOB_TOKEN_{index}"


@dataclass(frozen=True)
class Rewritten:
    text: str
    jobs: dict[str, str]  # job id -> the secret holding its token (jobs that call a
    # reusable workflow are absent: their called jobs use the run's GITHUB_TOKEN)


def _swap(text: str, name: str, whole: bool) -> str:
    replacement = f"secrets.{name}"
    if whole:
        return TOKEN.sub(replacement, text)
    return EXPRESSION.sub(lambda m: TOKEN.sub(replacement, m[0]), text)


def _walk(value: Any, name: str, key: str = "") -> Any:
    if isinstance(value, str):
        return _swap(value, name, whole=key == "if")
    if isinstance(value, list):
        return [_walk(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, name, str(k)) for k, v in value.items()}
    return value


def _steps(steps: Any, name: str, token_inputs: TokenInputs) -> Any:
    if not isinstance(steps, list):
        return steps
    for step in steps:
        uses = step.get("uses") if isinstance(step, dict) else None
        if not isinstance(uses, str):
            continue
        given = step.get("with") if isinstance(step.get("with"), dict) else {}
        missing = {i: f"${{{{ secrets.{name} }}}}" for i in token_inputs(uses) if i not in given}
        if missing:
            step["with"] = {**given, **missing}
    return steps


def _job(job: dict[str, Any], name: str, token_inputs: TokenInputs) -> dict[str, Any]:
    job = _walk(job, name)
    job["steps"] = _steps(job.get("steps"), name, token_inputs)
    env = job.get("env")
    if "strategy" in job and (env is None or isinstance(env, dict)):
        job["env"] = {**(env or {}), MATRIX_ENV: "${{ toJSON(matrix) }}"}
    return job


def rewrite(text: str, token_inputs: TokenInputs) -> Rewritten:
    """`text` with a token secret per job; unchanged when it has no jobs mapping."""
    doc = yaml.load(text, Loader=_Loader)
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    if not isinstance(jobs, dict):
        return Rewritten(text, {})
    names: dict[str, str] = {}
    for index, (job_id, job) in enumerate(jobs.items()):
        if isinstance(job, dict) and "uses" not in job:
            names[str(job_id)] = secret_name(index)
            jobs[job_id] = _job(job, names[str(job_id)], token_inputs)
    dumped = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
    return Rewritten(dumped, names)


def token_inputs_of(action_yml: str) -> list[str]:
    """The inputs of an action that default to the workflow's token."""
    try:
        doc = yaml.load(action_yml, Loader=_Loader)
    except yaml.YAMLError:
        return []
    inputs = doc.get("inputs") if isinstance(doc, dict) else None
    if not isinstance(inputs, dict):
        return []
    return [
        str(name)
        for name, spec in inputs.items()
        if isinstance(spec, dict) and TOKEN.search(str(spec.get("default") or ""))
    ]
