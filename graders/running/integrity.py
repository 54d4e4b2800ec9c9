"""Official grading's integrity step: put the template's protected files back, say what differed.

A learner can change anything in their own repository, including the public tests, the
pytest configuration, the lint and type configuration and the load profile. The official
grade is computed on a copy in which every protected path of the assignment is exactly what
the template (`DIR/starter`) holds, and in which no `conftest.py` the template lacks remains
(pytest would load one from any folder above a test). What differed is reported, so the
learner and the instructor both see it; nothing the learner changed there counts.

The workflow lines `classroom publish` pins (those ending in `# pinned`) are compared with
their commit ids blanked, so a published repository does not look tampered with.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from graders.model.report import Tampering
from graders.running.workspace import IGNORED

PINNED_LINE = re.compile(rb"^(.*)\b[0-9a-f]{40}\b(.*# pinned\s*)$", re.MULTILINE)
CONFTEST = "conftest.py"


def tampering(submission: Path, template: Path, protected: Sequence[str]) -> list[Tampering]:
    """Every protected file the submission changed, removed or added, and every stray conftest."""
    found = []
    for rel in sorted(_protected_files(submission, template, protected)):
        theirs, ours = submission / rel, template / rel
        if not _present(ours):
            found.append(Tampering(path=rel, change="added"))
        elif _linked(submission, rel):  # never read through a learner's link
            found.append(Tampering(path=rel, change="changed"))
        elif not _present(theirs):
            found.append(Tampering(path=rel, change="removed"))
        elif _normalised(theirs) != _normalised(ours):
            found.append(Tampering(path=rel, change="changed"))
    strays = stray_conftests(submission, template, protected)
    found += [Tampering(path=rel, change="added") for rel in strays]
    return sorted(found, key=lambda t: t.path)


def restore(copy: Path, template: Path, protected: Sequence[str]) -> None:
    """Make every protected path of `copy` the template's, and remove stray conftest files."""
    for rel in stray_conftests(copy, template, protected):
        (copy / rel).unlink()
    for rel in protected:
        target, original = copy / rel, template / rel
        _unlink_links_on_the_way(copy, rel)  # else the restore would write where a link points
        _remove(target)
        if original.is_dir():
            shutil.copytree(original, target, ignore=IGNORED, symlinks=False)
        elif original.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(original, target)


def stray_conftests(submission: Path, template: Path, protected: Sequence[str]) -> list[str]:
    """`conftest.py` files outside the protected paths that the template does not have."""
    return sorted(
        rel
        for rel in _files(submission)
        if Path(rel).name == CONFTEST
        and not _under(rel, protected)
        and not (template / rel).is_file()
    )


def _protected_files(submission: Path, template: Path, protected: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for rel in protected:
        for root in (submission, template):
            path = root / rel
            if _linked(root, rel) or path.is_file():
                found.add(rel)
            elif path.is_dir():
                found |= {f"{rel}/{inner}" for inner in _files(path)}
    return found


def _files(folder: Path) -> Iterator[str]:
    """Files under `folder` as posix paths relative to it, skipping caches; never follows links."""
    for dirpath, dirnames, filenames in os.walk(folder):
        skipped = IGNORED(dirpath, [*dirnames, *filenames])
        links = {d for d in dirnames if (Path(dirpath) / d).is_symlink()}  # listed, not entered
        dirnames[:] = sorted(set(dirnames) - skipped - links)
        for name in sorted((set(filenames) | links) - skipped):
            yield (Path(dirpath) / name).relative_to(folder).as_posix()


def _under(rel: str, protected: Sequence[str]) -> bool:
    return any(rel == p or rel.startswith(f"{p.rstrip('/')}/") for p in protected)


def _linked(root: Path, rel: str) -> bool:
    """Is `rel`, or a folder on the way to it, a symbolic link inside `root`?"""
    path = root
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def _unlink_links_on_the_way(root: Path, rel: str) -> None:
    """Remove (the links themselves, never their targets) every link on the way to `rel`."""
    path = root
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            path.unlink()
            return


def _present(path: Path) -> bool:
    return path.is_symlink() or path.exists()


def _normalised(path: Path) -> bytes:
    return PINNED_LINE.sub(rb"\1" + b"0" * 40 + rb"\2", path.read_bytes())


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
