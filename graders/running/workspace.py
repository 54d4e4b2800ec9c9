"""Where a grading run works: private copies of the submission, the env cache, the interpreter."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from graders.running.containment import detect

IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "grade-out",
)


class UnsafeCache(Exception):
    """The environment cache is a folder someone else could write: refusing to use it."""


def cache_root() -> Path:
    """The environment cache: the grader's own, written by nobody else."""
    configured = os.environ.get("CLASSROOM_CACHE_DIR")
    root = (
        Path(configured)
        if configured
        else (Path(tempfile.gettempdir()) / f"backend-classroom-cache-{os.geteuid()}")
    )
    root.mkdir(parents=True, exist_ok=True, mode=0o755)
    _check_owned(root)
    return root


def _check_owned(folder: Path) -> None:
    """A cache in a shared place (/tmp) could have been made first by someone else."""
    info = folder.lstat()
    if folder.is_symlink() or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise UnsafeCache(
            f"{folder}: the environment cache must be a folder of the grader's own user that "
            "nobody else can write; remove it or set CLASSROOM_CACHE_DIR to another folder"
        )


def private_copy(submission: Path, parent: Path, name: str, owner: int | None) -> Path:
    """A copy of the submission that one stage may write to, owned by the grading's uid."""
    target = parent / name
    shutil.copytree(submission, target, ignore=IGNORED, symlinks=True)
    give_to(target, owner)
    return target


def scratch_dir(parent: Path, name: str, owner: int | None) -> Path:
    """An empty folder the grading's uid can write (a service's data, a test's junit file)."""
    target = parent / name
    target.mkdir(parents=True)
    give_to(target, owner)
    return target


def give_to(path: Path, uid: int | None) -> None:
    """Hand `path` (recursively) to the unprivileged uid the untrusted code runs as."""
    if uid is None:
        return
    os.chown(path, uid, uid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(path):
        for entry in (*dirnames, *filenames):
            os.chown(Path(dirpath) / entry, uid, uid, follow_symlinks=False)


def make_traversable(path: Path) -> None:
    """Let the sandbox uid reach `path` where no private view binds it in (partial containment).

    With a private filesystem the run's folders stay 0700: the view binds each stage's own
    folders in, and no other grading's uid can even list them."""
    if not detect().private_filesystem:
        path.chmod(path.stat().st_mode | stat.S_IXOTH | stat.S_IROTH)


def sandbox_can_run(executable: Path) -> bool:
    """True when every folder up to `executable` lets 'other' through and the file is readable."""
    real = executable.resolve()
    if not real.exists():
        return False
    if not detect().own_uid:
        return True
    for folder in real.parents:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(real.stat().st_mode & stat.S_IROTH and real.stat().st_mode & stat.S_IXOTH)


def submission_interpreter() -> Path:
    """The Python that builds submission environments: one the sandbox uid can execute."""
    configured = os.environ.get("CLASSROOM_PYTHON")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(sys.executable)]
    candidates += [Path(p) for p in ("/usr/bin/python3", "/usr/local/bin/python3")]
    for candidate in candidates:
        if sandbox_can_run(candidate):
            return candidate
    raise FileNotFoundError("no Python interpreter the sandbox user can run; set CLASSROOM_PYTHON")
