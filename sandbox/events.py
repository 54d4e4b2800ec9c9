"""What a push means beyond the ref: open pull requests on that branch are synchronized."""

from __future__ import annotations

from sandbox.context import PushEvent, Sandbox
from sandbox.gitrepo import ZERO
from sandbox.records import Issue


def sync_pulls(sandbox: Sandbox, event: PushEvent) -> None:
    """Move `refs/pull/N/head` of open pull requests whose head branch moved; emit synchronize."""
    if not event.ref.startswith("refs/heads/") or event.after == ZERO:
        return
    branch = event.ref.removeprefix("refs/heads/")
    for issue in sandbox.store.scan(Issue, event.repo.lower()):
        if issue.pull and issue.state == "open" and issue.pull.head == branch:
            issue.pull.head_sha = event.after
            sandbox.store.save(issue)
            sandbox.bare(event.repo).update_ref(f"refs/pull/{issue.number}/head", event.after)
            sandbox.pull_request_event(event.repo, "synchronize", issue.number, event.pusher)


def wire(sandbox: Sandbox) -> None:
    """Attach the built-in push listeners (once per sandbox)."""
    if not sandbox.wired:
        sandbox.wired = True
        sandbox.on_push.insert(0, lambda event: sync_pulls(sandbox, event))
