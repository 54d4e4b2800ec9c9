"""Paystream's webhook signatures: `Paystream-Signature: t=<unix time>,v1=<hex>[,v1=<hex>]`.

From Paystream's docs: `v1` is the HMAC-SHA256, keyed with the endpoint's signing secret, of
`<t>.` followed by the request body exactly as it arrived. While Paystream rotates a secret it
sends one `v1` per secret. Reject deliveries whose `t` is more than five minutes from now.
"""

from __future__ import annotations

HEADER = "Paystream-Signature"
