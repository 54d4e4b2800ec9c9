"""Parcelway's rate API, asked with a deadline and again when a failure may pass.

A rate is a GET: asking twice books nothing, so a 5xx, a timeout or a refused connection is
tried again (CARRIER_ATTEMPTS in all, 0.2 s then 0.4 s apart). A 4xx is Parcelway saying no:
never retried. Every call has CARRIER_TIMEOUT_SECONDS: a carrier that hangs costs a request
a few seconds at most, and the event loop nothing (the client is asynchronous).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx

FIRST_BACKOFF_SECONDS = 0.2
log = logging.getLogger("shipquote.carrier")


class CarrierRejected(Exception):
    """Parcelway refused the parcel (a 4xx): the message is its own."""


class CarrierUnavailable(Exception):
    """Every attempt failed in a way that may pass later."""


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no answer changes)
class Rate:
    price_cents: int
    rate_id: str


async def rate(
    http: httpx.AsyncClient, origin: str, destination: str, weight_g: int, attempts: int
) -> Rate:
    """Parcelway's rate for one parcel, tried up to `attempts` times."""
    params = {"from": origin, "to": destination, "weight_g": str(weight_g)}
    last = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            await asyncio.sleep(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 2))
        try:
            answer = await http.get("/rates", params=params)
        except httpx.TimeoutException:
            last = "no answer in time"
        except httpx.TransportError as exc:
            last = f"no connection ({type(exc).__name__})"
        else:
            if answer.status_code == 200:
                body = answer.json()
                return Rate(price_cents=int(body["price_cents"]), rate_id=str(body["rate_id"]))
            if answer.status_code < 500:
                raise CarrierRejected(str(answer.json().get("error", answer.text))[:200])
            last = f"status {answer.status_code}"
        log.warning(
            "carrier attempt failed",
            extra={"fields": {"attempt": attempt, "of": attempts, "reason": last}},
        )
    raise CarrierUnavailable(f"Parcelway failed {attempts} attempts (last: {last})")
