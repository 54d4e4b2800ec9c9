"""The load profile the grader runs against your service (after `python -m app.migrate`).

Each simulated user is a shop's checkout: asking Shipquote for a parcel's shipping price, and
reading quotes back (the order page shows the one the customer chose). Requests are grouped
by `name`, so `/quotes/17` counts as `GET /quotes/{id}`. Parcelway (the grader's) takes 100 ms
a call.

Every answer is checked as the checkout would read it: a quote is a 201 with Parcelway's
price for that parcel, a stored quote is the one created. A fast answer that is wrong counts
as a failed request, and failed requests count against the goals.
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, between, task

COUNTRIES = ("DE", "FR", "NL", "BE", "AT", "PL", "IT", "ES")


def price_cents(origin: str, destination: str, weight_g: int) -> int:
    """Parcelway's published tariff (the brief's)."""
    base = 490 if origin == destination else 890
    return base + 45 * ((weight_g + 499) // 500)


class Checkout(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        self.quotes: list[dict[str, Any]] = []

    @task(1)
    def quote(self) -> None:
        origin, destination = random.choice(COUNTRIES), random.choice(COUNTRIES)
        weight = random.randint(100, 30_000)
        with self.client.post(
            "/quotes",
            json={"from": origin, "to": destination, "weight_g": weight},
            name="/quotes",
            catch_response=True,
        ) as resp:
            body: Any = resp.json() if resp.status_code == 201 else None
            if not isinstance(body, dict) or body.get("price_cents") != price_cents(
                origin, destination, weight
            ):
                resp.failure(f"status {resp.status_code}: not Parcelway's price")
                return
            self.quotes.append(body)

    @task(2)
    def read_quote(self) -> None:
        if not self.quotes:
            return
        quote = random.choice(self.quotes)
        with self.client.get(
            f"/quotes/{quote['id']}", name="/quotes/{id}", catch_response=True
        ) as resp:
            if resp.status_code != 200 or resp.json() != quote:
                resp.failure(f"status {resp.status_code}: not the quote created")
