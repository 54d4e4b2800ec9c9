"""actions/upload-artifact, for the sandbox: copy files into the run's artifact folder.

Paths are kept relative to the least common ancestor of the search roots (a folder given as
a path is its own root; a glob's root is the part before its first wildcard), as the real
action does."""

import glob
import os
import shutil
import sys
from pathlib import Path


def matched(patterns: list[str]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        for hit in glob.glob(pattern, recursive=True):  # noqa: PTH207 -- patterns may be absolute
            path = Path(hit)
            files.extend(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    return sorted({p.resolve() for p in files})


def search_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    wild = next((i for i, part in enumerate(parts) if set(part) & set("*?[")), len(parts))
    root = Path(*parts[:wild]).resolve() if wild else Path.cwd()
    return root if root.is_dir() else root.parent


def main() -> int:
    env = os.environ
    patterns = [p.strip() for p in env["INPUT_PATH"].splitlines() if p.strip()]
    files = matched(patterns)
    name = env.get("INPUT_NAME") or "artifact"
    if not files:
        print(
            f"::{'error' if env.get('INPUT_IF_NO_FILES_FOUND') == 'error' else 'warning'}"
            f"::No files were found with the provided path: {', '.join(patterns)}"
        )
        return 1 if env.get("INPUT_IF_NO_FILES_FOUND") == "error" else 0
    target = Path(env["SANDBOX_ARTIFACTS"], name)
    if target.exists():
        if env.get("INPUT_OVERWRITE") != "true":
            print(f"::error::an artifact named {name} exists already in this run")
            return 1
        shutil.rmtree(target)
    root = Path(os.path.commonpath([str(search_root(p)) for p in patterns]))
    for file in files:
        dest = target / file.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, dest)
    print(f"Artifact {name} kept: {len(files)} file(s)")
    return 0


sys.exit(main())
