"""The instructor's token as a repository secret: set once, kept, replaced only on request.

`classroom course push` (the course repository's official workflow) and `classroom join
publish` (the front desk's workflow) both store the token they run with as `CLASSROOM_TOKEN`;
the gateway seals it (`store_token_secret`), this module only decides whether to.
"""

from __future__ import annotations

from enum import Enum


class SecretStep(Enum):
    """What happens to the repository secret holding the token."""

    SET = "set"
    KEPT = "kept"
    REPLACED = "replaced"


def plan_secret(exists: bool, *, rotate: bool) -> SecretStep:
    """Set the secret when missing; replace it only when asked to rotate."""
    if not exists:
        return SecretStep.SET
    return SecretStep.REPLACED if rotate else SecretStep.KEPT


def secret_line(step: SecretStep, name: str, repo: str, *, dry_run: bool) -> str:
    """One line saying what happened (or would happen) to the secret `name` of `repo`."""
    if step is SecretStep.KEPT:
        return f"secret {name}: already set, kept (--rotate-token stores the current token)"
    done = {SecretStep.SET: "set", SecretStep.REPLACED: "replaced"}[step]
    verb = f"would be {done}" if dry_run else done
    return f"secret {name}: {verb} to this command's token, sealed to {repo}'s public key"
