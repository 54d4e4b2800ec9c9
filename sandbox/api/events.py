"""What a push means beyond the ref: open pull requests whose head moved are synchronized,
in the same repository or in the repository a fork came from."""

from __future__ import annotations

from sandbox.api import activity
from sandbox.context import PushEvent, Sandbox
from sandbox.git.pullrefs import import_head
from sandbox.git.repos import ZERO
from sandbox.records import Issue


def sync_pulls(sandbox: Sandbox, event: PushEvent) -> None:
    """Move `refs/pull/N/head` of open pull requests whose head branch moved; emit synchronize."""
    if not event.ref.startswith("refs/heads/") or event.after == ZERO:
        return
    branch = event.ref.removeprefix("refs/heads/")
    pushed = sandbox.repo(event.repo)
    if pushed is None:
        return
    for target_name in filter(None, {pushed.full_name, pushed.fork_of}):
        target = sandbox.repo(target_name)
        for issue in sandbox.store.scan(Issue, target_name.lower()) if target else []:
            pull = issue.pull
            if not (
                pull
                and issue.state == "open"
                and pull.head == branch
                and pull.head_repo.lower() == pushed.full_name.lower()
            ):
                continue
            assert target is not None
            ref = f"refs/pull/{issue.number}/head"
            pull.head_sha = (
                import_head(sandbox, target, pushed.full_name, branch, ref) or pull.head_sha
            )
            sandbox.store.save(issue)
            sandbox.pull_request_event(target.full_name, "synchronize", issue.number, event.pusher)


def wire(sandbox: Sandbox) -> None:
    """Attach the built-in push listeners (once per sandbox). They run after the runner's,
    so a push's own runs are queued before the pull_request synchronize runs it causes."""
    if not sandbox.wired:
        sandbox.wired = True
        sandbox.on_push.insert(0, lambda event: activity.record(sandbox, event))
        sandbox.on_push.append(lambda event: sync_pulls(sandbox, event))
