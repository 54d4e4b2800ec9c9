"""actions/download-artifact, for the sandbox: copy artifacts of this run into the workspace."""

import fnmatch
import os
import shutil
import sys
from pathlib import Path


def main() -> int:
    env = os.environ
    store = Path(env["SANDBOX_ARTIFACTS"])
    dest = Path(env["GITHUB_WORKSPACE"], env.get("INPUT_PATH") or ".")
    name = env.get("INPUT_NAME", "")
    if name:
        if not (store / name).is_dir():
            print(f"::error::Artifact not found for name: {name}")
            return 1
        shutil.copytree(store / name, dest, dirs_exist_ok=True)
    else:
        pattern = env.get("INPUT_PATTERN") or "*"
        merge = env.get("INPUT_MERGE_MULTIPLE") == "true"
        names = sorted(p.name for p in store.iterdir()) if store.is_dir() else []
        for artifact in (n for n in names if fnmatch.fnmatchcase(n, pattern)):
            shutil.copytree(
                store / artifact, dest if merge else dest / artifact, dirs_exist_ok=True
            )
    with Path(env["GITHUB_OUTPUT"]).open("a") as out:
        out.write(f"download-path={dest.resolve()}\n")
    print(f"Artifacts copied to {dest}")
    return 0


sys.exit(main())
