"""Which files of a submission are compared, read as text from a folder or a tar.

Only the learner's own source counts: Python modules, minus tests (a `tests/` or `test/`
folder, `test_*.py`, `*_test.py`, `conftest.py`), lock files, hidden folders (`.github`,
`.venv`), vendored packages and caches. A tar made by `git archive` is read member by member
in memory: nothing is extracted, no link is followed, no learner file is ever imported or run.
Oversized and undecodable files are left out and named in the submission's notes.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from basis.errors import UserError

EXTENSIONS = (".py",)
LANGUAGE = "python"  # the lexer copydetect (through Pygments) reads them with
SKIPPED_FOLDERS = {"tests", "test", "__pycache__", "venv", "site-packages", "node_modules"}
LOCK_FILES = {"poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock"}
MAX_FILE_BYTES = 256 * 1024  # a learner's module is far smaller; bigger is generated or data
MAX_SUBMISSION_BYTES = 4 * 1024 * 1024

Kind = Literal["learner", "archive"]
ReadBytes = Callable[[], bytes]


@dataclass(frozen=True)
class Submission:
    """One submission's compared files (path, text), sorted by path."""

    label: str
    kind: Kind
    files: tuple[tuple[str, str], ...]
    commit: str = ""
    notes: tuple[str, ...] = field(default=())


def compared(path: str) -> bool:
    """Whether the file at `path` (relative, with '/') is the learner's own source."""
    parts = PurePosixPath(path).parts
    name = parts[-1].lower() if parts else ""
    if not name.endswith(EXTENSIONS) or name in LOCK_FILES or name.endswith(".lock"):
        return False
    if any(p.startswith(".") or p.lower() in SKIPPED_FOLDERS for p in parts[:-1]):
        return False
    is_test = name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
    return not is_test


def from_folder(folder: Path, label: str, kind: Kind, commit: str = "") -> Submission:
    """The compared files under `folder`; symbolic links are never followed."""
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder; pass a folder of submissions")
    found = []
    for top, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in names:
            path = Path(top) / name
            relative = path.relative_to(folder).as_posix()
            if compared(relative) and path.is_file() and not path.is_symlink():
                found.append((relative, path.stat().st_size, path))
    return _submission(label, kind, commit, ((r, s, p.read_bytes) for r, s, p in found))


def from_tar(tar: Path, label: str, kind: Kind, commit: str = "") -> Submission:
    """The compared files of a tar (as `git archive` writes), read in memory."""
    try:
        with tarfile.open(tar) as archive:
            members = [m for m in archive.getmembers() if m.isreg() and compared(_clean(m.name))]
            readers = ((_clean(m.name), m.size, _reader(archive, m)) for m in members)
            return _submission(label, kind, commit or tar_commit(archive), readers)
    except (OSError, tarfile.TarError) as exc:
        raise UserError(f"{tar}: not a readable tar ({exc}); fetch it again or remove it") from exc


def tar_commit(archive: tarfile.TarFile) -> str:
    """The commit `git archive` recorded in the tar's global header ('' if none)."""
    return str(archive.pax_headers.get("comment", ""))


def commit_of(tar: Path) -> str:
    """The commit a tar written by `git archive` holds ('' if it is unreadable or says none)."""
    try:
        with tarfile.open(tar) as archive:
            return tar_commit(archive)
    except (OSError, tarfile.TarError):
        return ""


def _clean(name: str) -> str:
    return PurePosixPath(name.lstrip("/")).as_posix()


def _reader(archive: tarfile.TarFile, member: tarfile.TarInfo) -> ReadBytes:
    def read() -> bytes:
        handle = archive.extractfile(member)
        return handle.read() if handle else b""

    return read


def _submission(
    label: str, kind: Kind, commit: str, files: Iterator[tuple[str, int, ReadBytes]]
) -> Submission:
    kept, notes, total = [], [], 0
    for relative, size, read in sorted(files, key=lambda item: item[0]):
        if size > MAX_FILE_BYTES or total + size > MAX_SUBMISSION_BYTES:
            notes.append(f"{relative}: left out, {size} bytes (larger than a module by hand)")
            continue
        try:
            text = read().decode("utf-8")
        except UnicodeDecodeError:
            notes.append(f"{relative}: left out, not UTF-8 text")
            continue
        kept.append((relative, text))
        total += size
    return Submission(label, kind, tuple(kept), commit, tuple(notes))


def archives(folder: Path) -> list[Submission]:
    """Every earlier submission under `folder`: each subfolder, and each `*.tar`."""
    if not folder.is_dir():
        raise UserError(
            f"--against {folder}: no such folder; pass a folder holding one folder (or one "
            "`git archive` tar) per earlier submission"
        )
    found = []
    for entry in sorted(folder.iterdir()):
        label = f"{folder.name}/{entry.stem if entry.suffix == '.tar' else entry.name}"
        if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith("."):
            found.append(from_folder(entry, label, "archive"))
        elif entry.is_file() and entry.suffix == ".tar":
            found.append(from_tar(entry, label, "archive"))
    if not found:
        raise UserError(f"--against {folder}: holds no submission (no subfolder, no .tar)")
    return found
