"""Workflow runs: evaluate triggers, queue runs on a bounded worker pool, run them with act."""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path
from typing import Any

from sandbox.actions import payloads
from sandbox.actions.concurrency import Groups, Handle, group_of
from sandbox.actions.execute import ActSetup, RunRequest, act_binary, run_act
from sandbox.actions.jobchecks import close_job_checks, open_job_checks
from sandbox.actions.joblog import log_text, parse_jobs
from sandbox.actions.lostrunner import Hit, Target, keep_killing, kill_now, lost_notes
from sandbox.actions.schedule import Fired, Scheduler
from sandbox.actions.triggers import (
    Trigger,
    triggers,
)
from sandbox.actions.workflows import load_workflows
from sandbox.actions.workspace import install_standins, install_tools
from sandbox.api.shapes.pulls import pull_body
from sandbox.context import BOT, PushEvent, Sandbox
from sandbox.git.pullrefs import head_sha, is_fork_pull
from sandbox.git.repos import ZERO
from sandbox.git.writes import bot
from sandbox.records import Issue, Repo, Token, WorkflowRun, now

log = logging.getLogger("sandbox.actions")
MAX_QUEUED = 200


class Runner:
    """Listens for pushes and pull requests; runs matching workflows with act."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        config = sandbox.config
        self.base = f"http://{config.host}:{config.port}"
        self.home = config.data / "runner"
        self.setup = ActSetup(
            act=act_binary(),
            base=self.base,
            standins=install_standins(self.home / "standins"),
            logs=config.logs_dir,
            timeout=config.run_timeout,
            caches=self.home / "caches",
            tools=install_tools(self.home / "bin"),
            extra_env=dict(config.runner_env),
        )
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="act")
        self.futures: set[Future[None]] = set()
        self.groups = Groups()
        self.handles: set[Handle] = set()
        self.lock = threading.Lock()
        self.scheduler: Scheduler | None = None
        self.lost: dict[int, list[Hit]] = {}
        self._abandon_unfinished()
        sandbox.on_push.insert(0, self.on_push)  # before synchronize: push runs queue first
        sandbox.on_pull_request.append(self.on_pull_request)
        sandbox.on_issue.append(self.on_issue)

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

    def on_issue(self, full_name: str, action: str, number: int, actor: str) -> None:
        """Start the workflows an `issues` event triggers, on the default branch's tip (as on
        GitHub: the workflow files of the default branch decide, whoever wrote the issue)."""
        repo = self.sandbox.repo(full_name)
        issue = self.sandbox.store.find(Issue, full_name.lower(), str(number))
        if repo is None or issue is None or issue.pull is not None or actor == BOT:
            return
        ref = f"refs/heads/{repo.default_branch}"
        tip = self.sandbox.bare(repo).resolve(ref)
        if tip is None:  # an empty repository has no workflow to run
            return
        payload = payloads.issues(self.sandbox, self.base, repo, issue, action, actor)
        trigger = Trigger("issues", ref=ref, action=action)
        for workflow, text in load_workflows(self.sandbox.bare(repo), tip):
            if triggers(workflow, trigger):
                self.submit(
                    RunRequest(
                        repo.full_name,
                        workflow,
                        text,
                        "issues",
                        payload,
                        tip,
                        ref,
                        repo.default_branch,
                        actor,
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
                    job_names=request.workflow.job_names,
                )
            )
        with self.lock:
            self.futures = {f for f in self.futures if not f.done()}
            if len(self.futures) >= MAX_QUEUED:
                self._finish(run, "cancelled", "the sandbox's run queue is full\n")
                return run
            handle = Handle(group_of(request), request.workflow.cancel_in_progress, run.id)
            self.handles = {h for h in self.handles if not h.done.is_set()} | {handle}
            self.groups.queue(handle)
            self.futures.add(self.pool.submit(self._execute, run.id, request, handle))
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

    def tick(self, until: datetime) -> list[Fired]:
        """Start the scheduled runs due up to `until` (the clock was moved there)."""
        return self.scheduler.advance(until) if self.scheduler else []

    def shutdown(self) -> None:
        """Stop: queued runs never start, running ones are cancelled (their act killed)."""
        if self.scheduler is not None:
            self.scheduler.stop()
        with self.lock:
            for handle in self.handles:
                handle.cancel.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for run in self.sandbox.store.scan(WorkflowRun):  # queued ones the pool dropped
            if run.status == "queued":
                self._finish(run, "cancelled", "the sandbox stopped before this run started\n")

    def log_path(self, run_id: int) -> Path:
        return self.sandbox.config.logs_dir / f"{run_id}.log"

    def kill(self, run_id: int, job: str, matrix: dict[str, Any] | None) -> list[str]:
        """Kill one running job's processes as a lost runner would; the jobs it hit."""
        run = self.sandbox.store.get(WorkflowRun, run_id)
        with self.lock:
            handle = next((h for h in self.handles if h.run_id == run_id), None)
        if run is None or handle is None or handle.done.is_set():
            return []
        target = Target(self.setup.instance, run_id, job, matrix, run.job_names)
        hits = kill_now(target)
        if hits:
            self.lost.setdefault(run_id, []).extend(hits)
            threading.Thread(target=keep_killing, args=(target, handle.done), daemon=True).start()
        return sorted(h.name for h in hits)

    def _finish(self, run: WorkflowRun, conclusion: str, output: str, jsonl: str = "") -> None:
        self.sandbox.config.logs_dir.mkdir(parents=True, exist_ok=True)
        if jsonl:
            self.log_path(run.id).with_suffix(".jsonl").write_text(jsonl)
        self.log_path(run.id).write_text(output)
        run.status, run.conclusion, run.updated_at = "completed", conclusion, now()
        self.sandbox.store.save(run)

    def _execute(self, run_id: int, request: RunRequest, handle: Handle) -> None:
        run = self.sandbox.store.get(WorkflowRun, run_id)
        if run is None:
            return
        if not self.groups.start(handle):
            handle.done.set()
            self._finish(
                run,
                "cancelled",
                f"Canceling since a higher priority waiting request for '{handle.group}' exists\n",
            )
            return
        try:
            self._run(run, request, handle)
        finally:
            self.groups.finish(handle)

    def _run(self, run: WorkflowRun, request: RunRequest, handle: Handle) -> None:
        run.status, run.run_started_at, run.updated_at = "in_progress", now(), now()
        self.sandbox.store.save(run)
        minted: list[Token] = []

        def mint(permissions: dict[str, str]) -> str:
            minted.append(self.sandbox.workflow_token(request.repo, permissions))
            return minted[-1].token

        checks = open_job_checks(self.sandbox, run, request.workflow)
        jsonl = ""
        try:
            conclusion, jsonl = run_act(self.sandbox, self.setup, run, request, mint, handle.cancel)
        except Exception as exc:  # a broken run must end recorded, never hang the queue
            log.exception("run %s crashed", run.id)
            conclusion = "failure"
            jsonl = json.dumps({"msg": f"the sandbox could not run this workflow: {exc!r}"})
        finally:
            handle.done.set()
            for token in minted:
                self._revoke(token)
        jsonl += lost_notes(run.id, self.lost.pop(run.id, []))
        jobs = parse_jobs(jsonl, run.job_names)
        close_job_checks(self.sandbox, checks, conclusion, jobs)
        self._finish(run, conclusion, log_text(jsonl), jsonl)
        self.setup.live_log(run.id).unlink(missing_ok=True)  # the whole log replaces it

    def _revoke(self, token: Token) -> None:
        token.revoked = True
        self.sandbox.store.save(token)
