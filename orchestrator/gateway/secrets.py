"""Actions secrets of a repository: whether one is set, and storing the gateway's own token.

GitHub takes a secret only sealed to the repository's public key (libsodium's sealed box);
PyGithub's `Repository.create_secret` fetches that key and seals the value, so the token
travels encrypted and only inside this module. Nothing here returns or logs a secret's value.
"""

from __future__ import annotations

from urllib.parse import quote

from orchestrator.gateway.core import GatewayCore


class SecretsAPI(GatewayCore):
    """Repository secrets for Actions."""

    def secret_exists(self, full_name: str, name: str) -> bool:
        """Whether the repository has the Actions secret `name` (GitHub never shows values)."""
        return self._find(f"/repos/{full_name}/actions/secrets/{quote(name)}") is not None

    def store_token_secret(self, full_name: str, name: str) -> None:
        """Store the token this gateway authenticates with as the Actions secret `name`.

        A PUT that sets the same value again is harmless, so an ambiguous failure is retried.
        """
        repo = self._gh.get_repo(full_name)  # lazy: no request until the secret is written
        self._write(
            f"{full_name}: store the secret {name}",
            lambda: repo.create_secret(name, self._token, secret_type="actions"),
        )
