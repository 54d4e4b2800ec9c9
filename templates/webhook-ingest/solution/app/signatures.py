"""Paystream's webhook signatures: `Paystream-Signature: t=<unix time>,v1=<hex>[,v1=<hex>]`.

`v1` is the HMAC-SHA256, keyed with the endpoint's signing secret, of `<t>.` followed by the
request body exactly as it arrived (its bytes, not the JSON re-encoded). While Paystream
rotates a secret it sends one `v1` per secret. A delivery is genuine when one `v1` matches and
`t` is within the tolerance of now: an old delivery replayed later is refused.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Paystream-Signature"


class SignatureError(Exception):
    """The delivery is not Paystream's, or not recent enough; the message says which."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex `v1` signature of `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def parse(header: str) -> tuple[int, list[str]]:
    """The timestamp and the `v1` signatures of a header; SignatureError if malformed."""
    timestamps, signatures = [], []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            signatures.append(value)
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise SignatureError(f"malformed {HEADER} header: expected t=<unix time>,v1=<hex>")
    return int(timestamps[0]), signatures


def verify(secret: str, header: str | None, body: bytes, now: float, tolerance: int) -> None:
    """Return if `body` was signed with `secret` within `tolerance` seconds of `now`."""
    if not header:
        raise SignatureError(f"no {HEADER} header")
    timestamp, signatures = parse(header)
    if abs(now - timestamp) > tolerance:
        raise SignatureError(f"signed at {timestamp}, outside the {tolerance} s tolerance")
    expected = sign(secret, timestamp, body)
    # compare_digest takes as long whatever the first differing character: no timing oracle.
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise SignatureError("no signature matches the body")
