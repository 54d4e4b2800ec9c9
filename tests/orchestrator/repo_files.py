"""What a token can read of a repository through git, and what learners must never read.

`private_blobs` is computed here on its own, not with the product's allow-list or check, so
a bug there cannot hide a leak from the tests that use it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PRIVATE = ("hidden_tests", "solution", "bugs")
TRUSTED = ("assignment.toml", "ruff.toml", "mypy.ini", "locustfile.py")
CACHES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def blob_id(data: bytes) -> str:
    """Git's content hash of a file (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _files(folder: Path) -> list[Path]:
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not CACHES.intersection(p.relative_to(folder).parts)
    ]


def private_blobs(templates: Path = TEMPLATES) -> dict[str, Path]:
    """Blob id → file for every hidden test and bug, and every solution file learners lack.

    A solution file with the very content of a starter file (a public test, a config, a
    module the ticket leaves alone) is public already; every other one, and every non-empty
    hidden test, is private.
    """
    folders = [f for f in sorted(templates.iterdir()) if (f / "assignment.toml").is_file()]
    public = {
        blob_id(p.read_bytes())
        for folder in folders
        for p in [*_files(folder / "starter"), *(folder / n for n in TRUSTED)]
        if p.is_file()
    }
    private: dict[str, Path] = {}
    for folder in folders:
        for kind in PRIVATE:
            for path in _files(folder / kind):
                data = path.read_bytes()
                if data.strip() and (kind != "solution" or blob_id(data) not in public):
                    private[blob_id(data)] = path
    return private


def git(
    *args: str,
    cwd: Path,
    token: str | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(_auth(token) if token else {}),
           **(env or {})}  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout if done.returncode == 0 else ""


def mirror(url: str, token: str, dest: Path) -> Path | None:
    """A mirror clone (every ref, all history) of `url` as `token` sees it; None if refused."""
    assert not dest.exists(), f"{dest} exists: a clone there would fail for the wrong reason"
    dest.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["git", "clone", "-q", "--mirror", url, str(dest)],
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **_auth(token)},
        capture_output=True,
        timeout=120,
    )
    return dest if done.returncode == 0 else None


def _auth(token: str) -> dict[str, str]:
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
    }


def every_blob(repo: Path) -> dict[str, set[str]]:
    """Blob id → the paths it was stored under, over every ref and all history."""
    listed = git("rev-list", "--objects", "--all", cwd=repo).splitlines()
    kinds = git(
        "cat-file", "--batch-check=%(objectname) %(objecttype)", "--batch-all-objects", cwd=repo
    ).splitlines()
    blobs = {line.split()[0] for line in kinds if line.endswith(" blob")}
    found: dict[str, set[str]] = {}
    for line in listed:
        sha, _, path = line.partition(" ")
        if sha in blobs:
            found.setdefault(sha, set()).add(path)
    return found


def head_files(repo: Path, ref: str = "HEAD") -> dict[str, bytes]:
    """Path → content of every file at `ref` of a (bare) clone."""
    names = git("ls-tree", "-r", "-z", "--name-only", ref, cwd=repo).split("\0")
    return {
        name: subprocess.run(
            ["git", "show", f"{ref}:{name}"], cwd=repo, capture_output=True, check=True, timeout=60
        ).stdout
        for name in names
        if name
    }
