"""Files a run needs on disk: the commit's source, the stand-in actions, reusable workflows."""

from __future__ import annotations

import re
import shutil
import sys
from importlib import resources
from pathlib import Path

from basis.procs import run_raw
from sandbox.git.repos import BareRepo, git_env

# The remote actions a run gets local stand-ins for (owner/name: the stand-in's folder).
STANDINS = {
    "actions/checkout": "checkout",
    "actions/setup-python": "setup-python",
    "actions/upload-artifact": "upload-artifact",
    "actions/download-artifact": "download-artifact",
    "astral-sh/setup-uv": "setup-uv",
}
USES = re.compile(r"uses:\s*['\"]?([\w.-]+)/([\w.-]+)(/[^@\s'\"]*)?@([\w./-]+)")


def install_standins(target: Path) -> Path:
    """Copy the stand-in actions under `target`, told where this Python, its pip and uv live."""
    source = resources.files("sandbox.actions").joinpath("standins")
    for name in STANDINS.values():
        folder = target / name
        folder.mkdir(parents=True, exist_ok=True)
        for item in source.joinpath(name).iterdir():
            (folder / item.name).write_bytes(item.read_bytes())
    setup = target / "setup-python"
    (setup / "base_python").write_text(getattr(sys, "_base_executable", sys.executable))
    import pip  # the stand-in links this pip into each run's venv instead of installing one

    (setup / "pip_dir").write_text(str(Path(pip.__file__).parent))
    uv = Path(sys.executable).parent / "uv"
    (target / "setup-uv" / "uv_path").write_text(str(uv if uv.exists() else shutil.which("uv")))
    # setup-uv's activate-environment makes the same venv as setup-python (act runs each
    # action from a copy of its own folder, so the script travels with it).
    for name in ("base_python", "pip_dir", "setup.sh"):
        (target / "setup-uv" / ("venv.sh" if name == "setup.sh" else name)).write_bytes(
            (setup / name).read_bytes()
        )
    return target


def install_tools(target: Path) -> Path:
    """A bin folder for runs: `python` as on GitHub's runner images (the system python3)."""
    target.mkdir(parents=True, exist_ok=True)
    system = Path("/usr/bin/python3")
    python = target / "python"
    if not python.exists():
        python.symlink_to(system if system.exists() else Path(sys.executable).resolve())
    return target


def export_commit(bare: BareRepo, sha: str, dest: Path) -> Path:
    """A working copy of `sha` (a real git checkout: act reads the sha and ref from it)."""
    run_raw(
        ["git", "clone", "-q", "--shared", "--no-checkout", str(bare.path), str(dest)],
        env=git_env(),
    )
    run_raw(["git", "checkout", "-q", "--detach", sha], cwd=dest, env=git_env())
    return dest


def uses_of(text: str) -> list[tuple[str, str, str]]:
    """(owner/repo, subpath, ref) for every remote `uses:` in a workflow."""
    return [(f"{m[1]}/{m[2]}", m[3] or "", m[4]) for m in USES.finditer(text)]


def clear(path: Path) -> None:
    """Remove a run's scratch folder."""
    shutil.rmtree(path, ignore_errors=True)
