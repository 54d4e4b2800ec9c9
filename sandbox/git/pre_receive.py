"""The pre-receive hook every sandbox repository runs: enforce protected-branch push rules.

The server hands the rules for this repository and this pusher in SANDBOX_RULES (JSON list of
{"pattern", "require_pr", "allow_force", "allow_delete"}) and SANDBOX_BYPASS ("1" for admins).
"""

import fnmatch
import json
import os
import subprocess
import sys

ZERO = "0" * 40


def violation(rule: dict[str, object], old: str, new: str, cwd: str | None = None) -> str | None:
    """Why this update breaks `rule`, or None."""
    if new == ZERO:
        return None if rule.get("allow_delete") else "Cannot delete this protected branch."
    if rule.get("require_pr"):
        return "Changes must be made through a pull request."
    if old != ZERO and not rule.get("allow_force"):
        ancestor = subprocess.run(
            ["git", "merge-base", "--is-ancestor", old, new], check=False, timeout=30, cwd=cwd
        )
        if ancestor.returncode != 0:
            return "Cannot force-push to this branch."
    return None


def main() -> int:
    rules = json.loads(os.environ.get("SANDBOX_RULES", "[]"))
    if os.environ.get("SANDBOX_BYPASS") == "1":
        return 0
    failed = False
    for line in sys.stdin.read().splitlines():
        old, new, ref = line.split()
        if not ref.startswith("refs/heads/"):
            continue
        branch = ref.removeprefix("refs/heads/")
        for rule in rules:
            if fnmatch.fnmatchcase(branch, str(rule["pattern"])):
                reason = violation(rule, old, new)
                if reason:
                    print(f"error: GH006: Protected branch update failed for {ref}.")
                    print(f"error: {reason}")
                    failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
