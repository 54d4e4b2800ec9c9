"""Repositories, branches and file contents."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any
from urllib.parse import quote

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.records import Branch, RepoInfo, repo_from
from orchestrator.gateway.transport import GatewayError


class ReposAPI(GatewayCore):
    """Create, read and configure repositories, their branches and files."""

    def org_repos(self, org: str) -> dict[str, RepoInfo]:
        """Every repository of `org` the token sees, by lower-case name (one call per 100)."""
        found = self._paged(f"/orgs/{quote(org)}/repos", {"type": "all"})
        repos = (repo_from(data) for data in found)
        return {r.name.lower(): r for r in repos}

    def repo(self, full_name: str) -> RepoInfo | None:
        """The repository `full_name`, or None when it does not exist (or is hidden)."""
        data = self._find(f"/repos/{full_name}")
        return repo_from(data) if data else None

    def create_repo_named(
        self,
        full_name: str,
        *,
        private: bool,
        description: str,
        visibility: str | None = None,
    ) -> RepoInfo:
        """Create the empty repository `owner/name` (not a template) described as given."""
        owner, name = full_name.split("/", 1)
        return self.create_repo(
            owner, name, private=private, template=False, visibility=visibility,
            description=description,
        )  # fmt: skip

    def create_repo(
        self,
        org: str,
        name: str,
        *,
        private: bool,
        template: bool,
        visibility: str | None = None,
        description: str | None = None,
    ) -> RepoInfo:
        """Create an empty repository `org/name` (`visibility` "internal" needs an enterprise)."""
        body: dict[str, Any] = {
            "name": name,
            "private": private,
            "is_template": template,
            "auto_init": False,
        }
        if visibility is not None:
            body["visibility"] = visibility
        if description is not None:
            body["description"] = description
        return self._write(
            f"create {org}/{name}",
            lambda: repo_from(self._send("POST", f"/orgs/{quote(org)}/repos", body)),
            lambda: self.repo(f"{org}/{name}"),
        )

    def update_repo(self, full_name: str, **fields: Any) -> RepoInfo:
        """Change the repository's settings `fields` (replaying this is harmless)."""
        return self._write(
            f"update {full_name}",
            lambda: repo_from(self._send("PATCH", f"/repos/{full_name}", fields)),
        )

    def generate(self, template: str, org: str, name: str, *, private: bool) -> RepoInfo:
        """Create `org/name` from the template repository `template`."""
        body = {"owner": org, "name": name, "private": private, "include_all_branches": False}
        return self._write(
            f"create {org}/{name} from {template}",
            lambda: repo_from(self._send("POST", f"/repos/{template}/generate", body)),
            lambda: self.repo(f"{org}/{name}"),
        )

    def branches(self, full_name: str) -> dict[str, Branch]:
        """Every branch of the repository, by name."""
        return {
            b["name"]: Branch(b["name"], b["commit"]["sha"], bool(b.get("protected")))
            for b in self._paged(f"/repos/{full_name}/branches")
        }

    def branch_head(self, full_name: str, branch: str) -> str | None:
        """The commit `branch` points at now (None: no such branch, or an empty repository)."""
        data = self._find(f"/repos/{full_name}/branches/{quote(branch)}")
        return str(data["commit"]["sha"]) if data else None

    def wait_for_branch(self, full_name: str, branch: str, timeout: float = 120.0) -> str:
        """The tip of `branch` once it exists (a generated repo fills in asynchronously)."""
        deadline, delay = time.monotonic() + timeout, 0.25
        while True:
            data = self._find(f"/repos/{full_name}/branches/{quote(branch)}")
            if data:
                return str(data["commit"]["sha"])
            if time.monotonic() > deadline:
                raise GatewayError(
                    f"{full_name}: still empty after {timeout:.0f} s; GitHub is slow to copy "
                    "the template, run the command again later"
                )
            self._sleep(delay)
            delay = min(delay * 2, 5.0)

    def create_branch(self, full_name: str, branch: str, sha: str) -> str:
        """Create `branch` at commit `sha`; the sha it points at."""

        def probe() -> str | None:
            data = self._find(f"/repos/{full_name}/git/ref/heads/{quote(branch)}")
            return str(data["object"]["sha"]) if data else None

        body = {"ref": f"refs/heads/{branch}", "sha": sha}
        return self._write(
            f"{full_name}: create branch {branch}",
            lambda: str(self._send("POST", f"/repos/{full_name}/git/refs", body)["object"]["sha"]),
            probe,
        )

    def file_sha(self, full_name: str, path: str, ref: str) -> str | None:
        """The blob sha of `path` at `ref`, or None when there is no such file."""
        data = self._find(f"/repos/{full_name}/contents/{quote(path)}", {"ref": ref})
        return str(data["sha"]) if isinstance(data, dict) else None

    def file_text(self, full_name: str, path: str) -> tuple[str, str] | None:
        """The text of `path` on the default branch and its blob sha; None without the file."""
        data = self._find(f"/repos/{full_name}/contents/{quote(path)}")
        if not isinstance(data, dict) or data.get("type") != "file":
            return None
        return base64.b64decode(data["content"]).decode("utf-8"), str(data["sha"])

    def put_file(self, full_name: str, path: str, text: str, message: str, sha: str | None) -> str:
        """Write `path` on the default branch: create it (`sha` None) or replace the version
        at blob `sha`; the new blob's sha. A file that moved on meanwhile is a 409 (read it
        again); after an ambiguous failure, a look at the file says whether the write landed."""
        blob = blob_sha(text.encode())
        body = {"message": message, "content": base64.b64encode(text.encode()).decode()}
        if sha is not None:
            body["sha"] = sha
        put = f"/repos/{full_name}/contents/{quote(path)}"

        def probe() -> str | None:
            found = self.file_text(full_name, path)
            return blob if found is not None and found[1] == blob else None

        return self._write(
            f"{full_name}: write {path}",
            lambda: str(self._send("PUT", put, body)["content"]["sha"]),
            probe,
        )

    def add_file(self, full_name: str, path: str, text: str, message: str, branch: str) -> str:
        """Create `path` on `branch` (a new commit); its blob sha."""
        body = {
            "message": message,
            "content": base64.b64encode(text.encode()).decode(),
            "branch": branch,
        }
        put = f"/repos/{full_name}/contents/{quote(path)}"
        return self._write(
            f"{full_name}: add {path}",
            lambda: str(self._send("PUT", put, body)["content"]["sha"]),
            lambda: self.file_sha(full_name, path, branch),
        )

    def protect(self, full_name: str, branch: str) -> None:
        """Work reaches `branch` only through pull requests (admins may still push)."""
        body = {
            "required_status_checks": None,
            "enforce_admins": False,
            "required_pull_request_reviews": {"required_approving_review_count": 0},
            "restrictions": None,
            "allow_force_pushes": False,
            "allow_deletions": False,
        }
        path = f"/repos/{full_name}/branches/{quote(branch)}/protection"
        self._write(f"{full_name}: protect {branch}", lambda: self._send("PUT", path, body))


def blob_sha(data: bytes) -> str:
    """Git's id of a file with content `data` (what GitHub answers as its `sha`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
