"""actions/checkout, for the sandbox: fetch one ref or commit from the sandbox's git server."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit


def git(*args: str, cwd: Path) -> None:
    print("[command]git " + " ".join(a if "://" not in a else "<url>" for a in args), flush=True)
    subprocess.run(["git", *args], cwd=cwd, check=True, timeout=300)


def main() -> int:
    env = os.environ
    repo = env["INPUT_REPOSITORY"]
    own = repo.lower() == env["GITHUB_REPOSITORY"].lower()
    ref = env.get("INPUT_REF") or (env["GITHUB_SHA"] if own else "HEAD")
    dest = Path(env["GITHUB_WORKSPACE"], env.get("INPUT_PATH", ""))
    dest.mkdir(parents=True, exist_ok=True)
    server = urlsplit(env["GITHUB_SERVER_URL"])
    token = env.get("INPUT_TOKEN", "")
    url = f"{server.scheme}://x-access-token:{token}@{server.netloc}/{repo}.git"
    depth = env.get("INPUT_FETCH_DEPTH", "1")
    git("init", "-q", ".", cwd=dest)
    git("config", "user.name", "github-actions[bot]", cwd=dest)
    git("config", "user.email", "github-actions[bot]@users.noreply.sandbox", cwd=dest)
    git("remote", "add", "origin", url, cwd=dest)
    fetch = ["fetch", "-q", "--no-tags", "origin", ref]
    git(*(fetch if depth == "0" else [*fetch[:2], f"--depth={depth}", *fetch[2:]]), cwd=dest)
    git("checkout", "-q", "--detach", "FETCH_HEAD", cwd=dest)
    if env.get("INPUT_PERSIST_CREDENTIALS", "true") != "true":
        git("remote", "set-url", "origin", url.replace(f"x-access-token:{token}@", ""), cwd=dest)
    print(f"Checked out {repo}@{ref} into {dest}")
    return 0


sys.exit(main())
