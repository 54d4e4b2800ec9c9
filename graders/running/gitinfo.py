"""The commit a submission folder is at, read with real git."""

from __future__ import annotations

from pathlib import Path

from basis.procs import Limits
from graders.running.process import clean_env, run_cmd


def head_commit(folder: Path) -> str | None:
    """HEAD's full sha, or None when `folder` is not a git work tree."""
    if not (folder / ".git").exists():
        return None
    outcome = run_cmd(
        [
            "git",
            "-c",
            f"safe.directory={folder.resolve()}",
            "-C",
            str(folder),
            "rev-parse",
            "--verify",
            "HEAD",
        ],
        cwd=folder,
        env=clean_env(),
        limits=Limits(timeout_seconds=20),
        merge_stderr=False,
    )
    sha = outcome.output.strip()
    return sha if outcome.ok and len(sha) == 40 else None
