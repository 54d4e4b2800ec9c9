"""Bare git repositories: the sandbox's git data, read and written with the real git."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from basis.procs import CommandFailed, run_raw

ZERO = "0" * 40
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "TMPDIR")


def git_env(**extra: str) -> dict[str, str]:
    """A git environment that reads no user or system config."""
    env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    env.update(extra)
    return env


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    author: Person
    author_date: str
    committer: Person
    committer_date: str
    message: str


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str
    size: int
    path: str


@dataclass(frozen=True)
class TreeEdit:
    """One entry of a tree to build: content, or an existing object, or neither (remove)."""

    path: str
    mode: str = "100644"
    type: str = "blob"
    sha: str | None = None
    content: str | None = None


@dataclass(frozen=True)
class FileChange:
    status: str
    path: str
    additions: int
    deletions: int
    blob: str


class BareRepo:
    """One bare repository on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> str:
        """Run a git command in this repository and return its stdout as text."""
        proc = run_raw(["git", *args], cwd=self.path, env=env or git_env(), stdin=stdin)
        return proc.stdout.decode()

    def init(self, default_branch: str) -> None:
        """Create the repository with the sandbox's push-rule hook."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        run_raw(
            ["git", "init", "--bare", "-q", "-b", default_branch, str(self.path)], env=git_env()
        )
        self.git("config", "http.receivepack", "true")
        hook = self.path / "hooks" / "pre-receive"
        source = resources.files("sandbox.git").joinpath("pre_receive.py").read_text()
        hook.write_text(f"#!{sys.executable}\n{source}")
        hook.chmod(0o755)

    def refs(self) -> dict[str, str]:
        """Every ref and the object it points at."""
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)")
        return dict(line.split(" ", 1) for line in out.splitlines())

    def resolve(self, rev: str) -> str | None:
        """The commit sha `rev` names, or None."""
        try:
            return self.git("rev-parse", "--verify", "-q", f"{rev}^{{commit}}").strip()
        except CommandFailed:
            return None

    def is_empty(self) -> bool:
        """True until the first push or commit."""
        return not self.refs()

    def commit(self, sha: str) -> CommitInfo:
        """The metadata of one commit."""
        fmt = "%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        parts = self.git("show", "-s", f"--format={fmt}", sha).split("\x00")
        return CommitInfo(
            sha=parts[0],
            tree=parts[1],
            parents=parts[2].split(),
            author=Person(parts[3], parts[4]),
            author_date=_z(parts[5]),
            committer=Person(parts[6], parts[7]),
            committer_date=_z(parts[8]),
            message=parts[9].rstrip("\n"),
        )

    def entry(self, sha: str, path: str) -> TreeEntry | None:
        """The tree entry at `path` in commit `sha` (None when absent)."""
        if not path:
            tree = self.git("rev-parse", f"{sha}^{{tree}}").strip()
            return TreeEntry("040000", "tree", tree, 0, "")
        entries = _parse_tree(self.git("ls-tree", "-l", "-z", sha, "--", path))
        return entries[0] if entries else None

    def list_dir(self, sha: str, path: str) -> list[TreeEntry]:
        """The entries directly inside folder `path` of commit `sha`."""
        spec = f"{sha}:{path}" if path else sha
        entries = _parse_tree(self.git("ls-tree", "-l", "-z", spec))
        prefix = f"{path}/" if path else ""
        return [TreeEntry(e.mode, e.type, e.sha, e.size, prefix + e.path) for e in entries]

    def blob(self, blob_sha: str) -> bytes:
        """The raw bytes of one blob."""
        return run_raw(["git", "cat-file", "blob", blob_sha], cwd=self.path, env=git_env()).stdout

    def read(self, sha: str, path: str) -> bytes | None:
        """The content of file `path` at commit `sha`, or None."""
        found = self.entry(sha, path)
        return self.blob(found.sha) if found and found.type == "blob" else None

    def write_commit(
        self,
        parent: str | None,
        files: dict[str, bytes | None],
        message: str,
        who: Person,
        base_tree: str | None = None,
    ) -> str:
        """A new commit on `parent` with `files` written (None deletes); returns its sha."""
        with tempfile.TemporaryDirectory() as tmp:
            env = git_env(GIT_INDEX_FILE=str(Path(tmp) / "index"))
            source = base_tree or parent
            if source:
                self.git("read-tree", source, env=env)
            for path, data in files.items():
                if data is None:
                    self.git("update-index", "--force-remove", "--", path, env=env)
                    continue
                blob = self.git("hash-object", "-w", "--stdin", stdin=data).strip()
                self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = self.git("write-tree", env=env).strip()
        parents = ["-p", parent] if parent else []
        return self.commit_tree(tree, parents, message, who)

    def commit_tree(
        self,
        tree: str,
        parents: list[str],
        message: str,
        who: Person,
        committer: Person | None = None,
        dates: tuple[str | None, str | None] = (None, None),
    ) -> str:
        """Write a commit object for `tree` (dates: author's and committer's, ISO 8601)."""
        by = committer or who
        env = git_env(
            GIT_AUTHOR_NAME=who.name,
            GIT_AUTHOR_EMAIL=who.email,
            GIT_COMMITTER_NAME=by.name,
            GIT_COMMITTER_EMAIL=by.email,
        )
        for key, value in zip(("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"), dates, strict=True):
            if value:
                env[key] = value
        return self.git("commit-tree", tree, *parents, "-m", message, env=env).strip()

    def build_tree(self, base_tree: str | None, entries: list[TreeEdit]) -> str:
        """A new tree: `base_tree` (or empty) with `entries` added, replaced or removed."""
        with tempfile.TemporaryDirectory() as tmp:
            env = git_env(GIT_INDEX_FILE=str(Path(tmp) / "index"))
            if base_tree:
                self.git("read-tree", base_tree, env=env)
            for edit in entries:
                self._apply_edit(edit, env)
            return self.git("write-tree", env=env).strip()

    def _apply_edit(self, edit: TreeEdit, env: dict[str, str]) -> None:
        if edit.sha is None and edit.content is None:
            self.git("rm", "--cached", "-r", "-q", "--ignore-unmatch", "--", edit.path, env=env)
            return
        if edit.type == "tree":
            self.git("read-tree", f"--prefix={edit.path}/", str(edit.sha), env=env)
            return
        sha = (
            edit.sha
            or self.git("hash-object", "-w", "--stdin", stdin=(edit.content or "").encode()).strip()
        )
        self.git("update-index", "--add", "--cacheinfo", f"{edit.mode},{sha},{edit.path}", env=env)

    def tree(self, sha: str, recursive: bool) -> list[TreeEntry]:
        """The entries of tree (or commit) `sha`, every level when `recursive`."""
        flags = ["-r", "-t"] if recursive else []
        return _parse_tree(self.git("ls-tree", "-l", "-z", *flags, sha))

    def object_type(self, sha: str) -> str | None:
        """`blob`, `tree`, `commit` … or None when the object does not exist."""
        try:
            return self.git("cat-file", "-t", sha).strip()
        except CommandFailed:
            return None

    def update_ref(self, ref: str, new: str, old: str | None = None) -> None:
        """Point `ref` at `new` (atomically checking `old` when given)."""
        self.git("update-ref", ref, new, *([old] if old else []))

    def delete_ref(self, ref: str) -> None:
        """Remove a ref."""
        self.git("update-ref", "-d", ref)

    def copy_snapshot(self, source: BareRepo, branch: str, who: Person) -> str:
        """One fresh commit on `branch` holding `source`'s default-branch content."""
        self.git("fetch", "-q", "--no-tags", str(source.path), "HEAD:refs/sandbox/template")
        tree = self.git("rev-parse", "refs/sandbox/template^{tree}").strip()
        self.delete_ref("refs/sandbox/template")
        sha = self.commit_tree(tree, [], "Initial commit", who)
        self.update_ref(f"refs/heads/{branch}", sha)
        return sha

    def merge(self, base: str, head: str, message: str, who: Person) -> str | None:
        """A merge commit of `head` into `base`; None when they conflict."""
        try:
            tree = self.git("merge-tree", "--write-tree", base, head).splitlines()[0]
        except CommandFailed:
            return None
        return self.commit_tree(tree, ["-p", base, "-p", head], message, who)

    def changes(self, base: str, head: str) -> list[FileChange]:
        """Files changed on `head` since it left `base` (three-dot diff)."""
        if base == ZERO:
            base = self.git("hash-object", "-t", "tree", os.devnull).strip()
            return self._diff(base, head)
        merge_base = self.git("merge-base", base, head).strip()
        return self._diff(merge_base, head)

    def _diff(self, old: str, new: str) -> list[FileChange]:
        raw = self.git("diff", "--raw", "--numstat", "-z", "--no-renames", old, new)
        return _parse_diff(raw)

    def is_ancestor(self, old: str, new: str) -> bool:
        """True when `new` fast-forwards `old`."""
        try:
            self.git("merge-base", "--is-ancestor", old, new)
        except CommandFailed:
            return False
        return True

    def count_commits(self, base: str, head: str) -> int:
        """Commits on `head` not on `base`."""
        return int(self.git("rev-list", "--count", f"{base}..{head}").strip() or 0)


def _z(date: str) -> str:
    """git's ISO date with offset, as GitHub's UTC `Z` form (the sandbox commits in UTC)."""
    from datetime import UTC, datetime

    return datetime.fromisoformat(date).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_tree(out: str) -> list[TreeEntry]:
    entries = []
    for item in filter(None, out.split("\x00")):
        meta, path = item.split("\t", 1)
        mode, kind, sha, size = meta.split()
        entries.append(TreeEntry(mode, kind, sha, int(size) if size != "-" else 0, path))
    return entries


def _parse_diff(raw: str) -> list[FileChange]:
    """`git diff --raw --numstat -z`: the raw records, then the numstat records."""
    fields = raw.split("\x00")
    statuses: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(fields) and fields[i].startswith(":"):
        meta = fields[i].split()
        statuses[fields[i + 1]] = (meta[4], meta[3])
        i += 2
    changes = []
    while i + 1 < len(fields) and fields[i]:
        added, deleted, path = fields[i].split("\t", 2)
        status, blob = statuses.get(path, ("M", ZERO))
        changes.append(
            FileChange(
                _STATUS.get(status, "modified"),
                path,
                int(added) if added != "-" else 0,
                int(deleted) if deleted != "-" else 0,
                blob,
            )
        )
        i += 1
    return changes


_STATUS = {"A": "added", "D": "removed", "M": "modified", "T": "changed"}
