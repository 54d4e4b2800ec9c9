"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated shopper logs in once as one of the seeded customers, then behaves like the
shop front: mostly opening "My orders" (25 orders with their lines) and the catalogue,
opening an order now and then, and sometimes checking out. Requests are grouped by `name`,
so `/orders/123` counts as `GET /orders/{id}`.
"""

from __future__ import annotations

import itertools
import os
import random

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_CUSTOMERS = 200
SEEDED_PRODUCTS = 400
_next_customer = itertools.count()


class Shopper(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        email = f"customer{next(_next_customer) % SEEDED_CUSTOMERS + 1:03d}@example.com"
        response = self.client.post(
            "/auth/login", json={"email": email, "password": PASSWORD}, name="/auth/login"
        )
        self.client.auth_header = f"Bearer {response.json()['token']}"
        self.order_ids: list[int] = []

    @task(5)
    def my_orders(self) -> None:
        offset = random.choice([0, 0, 0, 25])
        with self.client.get(
            f"/orders?limit=25&offset={offset}", name="/orders", catch_response=True
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
                return
            ids = [o["id"] for o in resp.json().get("orders", []) if isinstance(o.get("id"), int)]
            self.order_ids = (ids + self.order_ids)[:100]

    @task(2)
    def open_order(self) -> None:
        if self.order_ids:
            self.client.get(f"/orders/{random.choice(self.order_ids)}", name="/orders/{id}")

    @task(2)
    def browse_products(self) -> None:
        offset = random.randrange(0, SEEDED_PRODUCTS, 50)
        self.client.get(f"/products?limit=50&offset={offset}", name="/products")

    @task(1)
    def checkout(self) -> None:
        lines = [
            {"product_id": random.randint(1, SEEDED_PRODUCTS), "qty": random.randint(1, 3)}
            for _ in range(random.randint(1, 3))
        ]
        self.client.post("/orders", json={"lines": lines}, name="/orders")
