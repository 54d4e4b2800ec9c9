"""Git data in GitHub's shape: contents, commits, branches, refs."""

from __future__ import annotations

import base64
import zlib
from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.git.repos import CommitInfo, FileChange, TreeEntry

UNSIGNED = {
    "verified": False,
    "reason": "unsigned",
    "payload": None,
    "signature": None,
    "verified_at": None,
}


def _api(base: str, full_name: str) -> str:
    return f"{base}/repos/{full_name}"


def content_item(base: str, full_name: str, entry: TreeEntry, ref: str) -> dict[str, Any]:
    """One entry of a directory listing (`content-directory` item)."""
    api = _api(base, full_name)
    kind = {"tree": "dir", "blob": "file", "commit": "submodule"}.get(entry.type, "file")
    url = f"{api}/contents/{entry.path}?ref={ref}"
    git_url = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{entry.sha}"
    html = f"{base}/{full_name}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{entry.path}"
    raw = f"{base}/{full_name}/raw/{ref}/{entry.path}" if kind == "file" else None
    return {
        "type": kind,
        "size": entry.size,
        "name": entry.path.rsplit("/", 1)[-1],
        "path": entry.path,
        "sha": entry.sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": raw,
        "_links": {"self": url, "git": git_url, "html": html},
    }


def content_file(
    base: str, full_name: str, entry: TreeEntry, ref: str, data: bytes
) -> dict[str, Any]:
    """A file with its base64 content (`content-file`)."""
    body = content_item(base, full_name, entry, ref)
    body.update(encoding="base64", content=base64.encodebytes(data).decode(), size=len(data))
    return body


def git_commit(base: str, full_name: str, info: CommitInfo) -> dict[str, Any]:
    """A `git-commit` (the commit object itself)."""
    api = _api(base, full_name)
    return {
        "sha": info.sha,
        "node_id": node_id("C", int(info.sha[:7], 16)),
        "url": f"{api}/git/commits/{info.sha}",
        "html_url": f"{base}/{full_name}/commit/{info.sha}",
        "author": {"name": info.author.name, "email": info.author.email, "date": info.author_date},
        "committer": {
            "name": info.committer.name,
            "email": info.committer.email,
            "date": info.committer_date,
        },
        "message": info.message,
        "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
        "parents": [
            {
                "sha": p,
                "url": f"{api}/git/commits/{p}",
                "html_url": f"{base}/{full_name}/commit/{p}",
            }
            for p in info.parents
        ],
        "verification": UNSIGNED,
    }


def commit(base: str, full_name: str, info: CommitInfo) -> dict[str, Any]:
    """A REST `commit` (GET /repos/{o}/{r}/commits/{ref})."""
    api = _api(base, full_name)
    inner = git_commit(base, full_name, info)
    inner.update(comment_count=0)
    for key in ("sha", "node_id", "html_url", "parents"):
        inner.pop(key)
    return {
        "url": f"{api}/commits/{info.sha}",
        "sha": info.sha,
        "node_id": node_id("C", int(info.sha[:7], 16)),
        "html_url": f"{base}/{full_name}/commit/{info.sha}",
        "comments_url": f"{api}/commits/{info.sha}/comments",
        "commit": inner,
        "author": None,
        "committer": None,
        "parents": [
            {"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{base}/{full_name}/commit/{p}"}
            for p in info.parents
        ],
    }


def short_branch(base: str, full_name: str, name: str, sha: str, protected: bool) -> dict[str, Any]:
    """A `short-branch` (branch listings)."""
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{_api(base, full_name)}/commits/{sha}"},
        "protected": protected,
        "protection_url": f"{_api(base, full_name)}/branches/{name}/protection",
    }


def branch(
    base: str, full_name: str, name: str, info: CommitInfo, protection: dict[str, Any] | None
) -> dict[str, Any]:
    """A `branch-with-protection` (GET one branch)."""
    api = _api(base, full_name)
    return {
        "name": name,
        "commit": commit(base, full_name, info),
        "_links": {"html": f"{base}/{full_name}/tree/{name}", "self": f"{api}/branches/{name}"},
        "protected": protection is not None,
        "protection": {
            "enabled": protection is not None,
            "required_status_checks": {
                "enforcement_level": "off",
                "contexts": [],
                "checks": [],
            },
        },
        "protection_url": f"{api}/branches/{name}/protection",
    }


def git_ref(base: str, full_name: str, ref: str, sha: str) -> dict[str, Any]:
    """A `git-ref`."""
    api = _api(base, full_name)
    return {
        "ref": ref,
        "node_id": node_id("REF", zlib.crc32(ref.encode())),
        "url": f"{api}/git/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{api}/git/commits/{sha}"},
    }


def diff_entry(base: str, full_name: str, change: FileChange, ref: str) -> dict[str, Any]:
    """A `diff-entry` (pull request files, compare)."""
    return {
        "sha": change.blob,
        "filename": change.path,
        "status": change.status,
        "additions": change.additions,
        "deletions": change.deletions,
        "changes": change.additions + change.deletions,
        "blob_url": f"{base}/{full_name}/blob/{ref}/{change.path}",
        "raw_url": f"{base}/{full_name}/raw/{ref}/{change.path}",
        "contents_url": f"{base}/repos/{full_name}/contents/{change.path}?ref={ref}",
    }
