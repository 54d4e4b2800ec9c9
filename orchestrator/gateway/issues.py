"""Issues, pull requests and their comments."""

from __future__ import annotations

from typing import Any, Literal

from github import GithubException

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import CommentInfo, IssueInfo, Request, comment_from

CloseReason = Literal["completed", "not_planned"]


class IssuesAPI(GatewayCore):
    """Open issues and pull requests; list, post, edit and delete their comments."""

    def issues(self, full_name: str, label: str | None = None) -> list[IssueInfo]:
        """Every issue and pull request, open or closed (GitHub lists both together);
        with `label`, only those carrying it."""
        params = {"state": "all", **({"labels": label} if label else {})}
        return [_issue(i) for i in self._paged(f"/repos/{full_name}/issues", params)]

    def find_issue(self, full_name: str, title: str) -> IssueInfo | None:
        """The issue (not a pull request) titled exactly `title`, the oldest if several."""
        found = [i for i in self.issues(full_name) if not i.is_pull and i.title == title]
        return min(found, key=lambda i: i.number) if found else None

    def open_requests(self, full_name: str) -> list[Request]:
        """The open issues (no pull requests), oldest first, with author and text."""
        params = {"state": "open", "sort": "created", "direction": "asc"}
        found = [
            Request(
                number=int(i["number"]),
                author=str((i.get("user") or {}).get("login", "")),
                title=i.get("title") or "",
                body=i.get("body") or "",
                html_url=i.get("html_url") or "",
            )
            for i in self._paged(f"/repos/{full_name}/issues", params)
            if "pull_request" not in i
        ]
        return sorted(found, key=lambda r: r.number)

    def close_issue(self, full_name: str, number: int, reason: CloseReason) -> None:
        """Close issue `number` as `completed` or `not_planned` (replaying this is harmless)."""
        path = f"/repos/{full_name}/issues/{number}"
        body = {"state": "closed", "state_reason": reason}
        self._write(f"{full_name}#{number}: close", lambda: self._send("PATCH", path, body))

    def open_issue(
        self, full_name: str, title: str, body: str, labels: tuple[str, ...] = ()
    ) -> IssueInfo:
        """Open an issue (an ambiguous failure is resolved by looking for its title)."""

        def probe() -> IssueInfo | None:
            return next((i for i in self.issues(full_name) if i.title == title), None)

        def do() -> IssueInfo:
            spec = {"title": title, "body": body, **({"labels": list(labels)} if labels else {})}
            return _issue(self._send("POST", f"/repos/{full_name}/issues", spec))

        return self._write(f"{full_name}: open issue", do, probe)

    def issue(self, full_name: str, number: int) -> IssueInfo | None:
        """Issue (or pull request) `number`, or None when there is none."""
        data = self._find(f"/repos/{full_name}/issues/{number}")
        return _issue(data) if data else None

    def edit_issue_body(self, full_name: str, number: int, body: str) -> None:
        """Replace the text of issue `number` (replaying this is harmless)."""
        path = f"/repos/{full_name}/issues/{number}"
        self._write(
            f"{full_name}#{number}: edit", lambda: self._send("PATCH", path, {"body": body})
        )

    def set_issue_state(self, full_name: str, number: int, state: str) -> None:
        """Close (`closed`) or reopen (`open`) issue `number` (replaying this is harmless)."""
        path = f"/repos/{full_name}/issues/{number}"
        self._write(
            f"{full_name}#{number}: {state}", lambda: self._send("PATCH", path, {"state": state})
        )

    def open_pull(self, full_name: str, head: str, base: str, title: str, body: str) -> IssueInfo:
        """Open a pull request `head` → `base` (an ambiguous failure is resolved by listing)."""

        def probe() -> IssueInfo | None:
            params = {"state": "all", "head": f"{full_name.split('/')[0]}:{head}", "base": base}
            found = list(self._paged(f"/repos/{full_name}/pulls", params))
            return (
                IssueInfo(found[0]["number"], title, True, found[0]["html_url"]) if found else None
            )

        def do() -> IssueInfo:
            spec = {"head": head, "base": base, "title": title, "body": body}
            data = self._send("POST", f"/repos/{full_name}/pulls", spec)
            return IssueInfo(data["number"], title, True, data["html_url"])

        return self._write(f"{full_name}: open pull request {head} → {base}", do, probe)

    def pull_head(self, full_name: str, number: int) -> str | None:
        """The head commit of pull request `number` now (None: not a pull request)."""
        data = self._find(f"/repos/{full_name}/pulls/{number}")
        return str(data["head"]["sha"]) if data else None

    def comments(self, full_name: str, number: int) -> list[CommentInfo]:
        """Every comment on issue or pull request `number`, oldest first."""
        path = f"/repos/{full_name}/issues/{number}/comments"
        found = [comment_from(c) for c in self._paged(path)]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def create_comment(self, full_name: str, number: int, body: str) -> CommentInfo:
        """A new comment (a replayed POST may duplicate it: callers dedupe by re-listing)."""
        path = f"/repos/{full_name}/issues/{number}/comments"
        return self._write(
            f"{full_name}#{number}: comment",
            lambda: comment_from(self._send("POST", path, {"body": body})),
        )

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> None:
        """Replace the body of comment `comment_id` (replaying this is harmless)."""
        path = f"/repos/{full_name}/issues/comments/{comment_id}"
        self._write(
            f"{full_name}: edit comment {comment_id}",
            lambda: self._send("PATCH", path, {"body": body}),
        )

    def delete_comment(self, full_name: str, comment_id: int) -> None:
        """Delete a comment; one already gone (a racing run deleted it) is fine."""
        path = f"/repos/{full_name}/issues/comments/{comment_id}"

        def do() -> None:
            try:
                self._send("DELETE", path)
            except GithubException as exc:
                if exc.status != 404:
                    raise

        self._write(f"{full_name}: delete comment {comment_id}", do)


def _issue(data: dict[str, Any]) -> IssueInfo:
    return IssueInfo(
        number=data["number"],
        title=data["title"],
        is_pull="pull_request" in data,
        html_url=data["html_url"],
        state=data.get("state", "open"),
        labels=tuple(label["name"] for label in data.get("labels") or []),
        author=(data.get("user") or {}).get("login", ""),
        body=data.get("body") or "",
    )
