"""Actions secrets: sealed-box encryption as GitHub does it, and which secrets a run gets."""

from __future__ import annotations

import base64
import hashlib

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from sandbox.context import Sandbox
from sandbox.errors import ApiError
from sandbox.records import KeyPair, Repo, Secret
from sandbox.store import Conflict


def _keypair(sandbox: Sandbox) -> PrivateKey:
    found = sandbox.store.find(KeyPair, "", "actions")
    if found is None:
        fresh = KeyPair(private_key=base64.b64encode(bytes(PrivateKey.generate())).decode())
        try:
            found = sandbox.store.add(fresh)
        except Conflict:
            found = sandbox.store.find(KeyPair, "", "actions") or fresh
    return PrivateKey(base64.b64decode(found.private_key))


def public_key(sandbox: Sandbox) -> dict[str, str]:
    """GitHub's `actions-public-key`: clients seal secret values to it."""
    key = bytes(_keypair(sandbox).public_key)
    return {"key_id": hashlib.sha256(key).hexdigest()[:20], "key": base64.b64encode(key).decode()}


def decrypt(sandbox: Sandbox, encrypted_value: str, key_id: str) -> str:
    """Open a sealed secret; 422 for a wrong key id or a value that does not open."""
    if key_id != public_key(sandbox)["key_id"]:
        raise ApiError(422, "Bad key_id: fetch the public key again and re-encrypt.")
    try:
        sealed = base64.b64decode(encrypted_value)
        return SealedBox(_keypair(sandbox)).decrypt(sealed).decode()
    except (CryptoError, ValueError) as exc:
        raise ApiError(422, "encrypted_value could not be decrypted with the public key.") from exc


def run_secrets(sandbox: Sandbox, repo: Repo) -> dict[str, str]:
    """The secrets a workflow run of `repo` sees: its org's that reach it, then its own."""
    values: dict[str, str] = {}
    for secret in sandbox.store.scan(Secret, f"org:{repo.owner}".lower()):
        reaches = (
            secret.visibility == "all"
            or (secret.visibility == "private" and repo.private)
            or (secret.visibility == "selected" and repo.id in secret.selected_repository_ids)
        )
        if reaches:
            values[secret.name] = secret.value
    for secret in sandbox.store.scan(Secret, repo.full_name.lower()):
        values[secret.name] = secret.value
    return values
