"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated shopper logs in once as one of the seeded customers, then behaves like the
shop front: mostly opening "My orders" (25 orders with their lines) and the catalogue,
opening an order now and then, and sometimes checking out. Requests are grouped by `name`,
so `/orders/123` counts as `GET /orders/{id}`.

Every answer is checked as the shop front would read it: the right status, a body of the
right shape, only the shopper's own orders, and the order it has just placed (an item that
ran out is a 409 `out_of_stock`, a normal answer). A fast answer that is wrong counts as a
failed request, and failed requests count against the goals. Each simulated shopper sends
its own browser's User-Agent.
"""

from __future__ import annotations

import itertools
import os
import random
from typing import Any

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_CUSTOMERS = 200
SEEDED_PRODUCTS = 400
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0 Mobile Safari/537.36",
)
_next_customer = itertools.count()


def problem_with_order(order: Any, customer_id: int) -> str | None:
    """Why `order` is not one of the customer's orders as the API promises it (None: it is)."""
    if not isinstance(order, dict) or not isinstance(order.get("id"), int):
        return "an order without an integer id"
    if order.get("customer_id") != customer_id:
        return f"order {order['id']} belongs to another customer"
    lines = order.get("lines")
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        return f"order {order['id']}: no lines"
    if not isinstance(order.get("total_cents"), int):
        return f"order {order['id']}: no total"
    return None


class Shopper(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def __init__(self, environment: Any) -> None:
        self.default_headers = {"User-Agent": random.choice(USER_AGENTS)}
        super().__init__(environment)

    def on_start(self) -> None:
        email = f"customer{next(_next_customer) % SEEDED_CUSTOMERS + 1:03d}@example.com"
        self.order_ids: list[int] = []
        self.customer_id = -1
        with self.client.post(
            "/auth/login",
            json={"email": email, "password": PASSWORD},
            name="/auth/login",
            catch_response=True,
        ) as resp:
            body: Any = resp.json() if resp.status_code == 200 else {}
            customer = body.get("customer") if isinstance(body, dict) else None
            if not isinstance(body.get("token"), str) or not isinstance(customer, dict):
                resp.failure(f"status {resp.status_code}: no token and customer")
                return
            self.client.auth_header = f"Bearer {body['token']}"
            self.customer_id = customer.get("id", -1)

    @task(5)
    def my_orders(self) -> None:
        offset = random.choice([0, 0, 0, 25])
        with self.client.get(
            f"/orders?limit=25&offset={offset}", name="/orders", catch_response=True
        ) as resp:
            body: Any = resp.json() if resp.status_code == 200 else None
            orders = body.get("orders") if isinstance(body, dict) else None
            if not isinstance(orders, list) or len(orders) > 25:
                resp.failure(f"status {resp.status_code}: not a page of at most 25 orders")
                return
            problems = [p for p in (problem_with_order(o, self.customer_id) for o in orders) if p]
            if problems:
                resp.failure(problems[0])
                return
            self.order_ids = ([o["id"] for o in orders] + self.order_ids)[:100]

    @task(2)
    def open_order(self) -> None:
        if not self.order_ids:
            return
        order_id = random.choice(self.order_ids)
        with self.client.get(
            f"/orders/{order_id}", name="/orders/{id}", catch_response=True
        ) as resp:
            order: Any = resp.json() if resp.status_code == 200 else None
            problem = problem_with_order(order, self.customer_id)
            if problem or order["id"] != order_id:
                resp.failure(problem or f"asked for order {order_id}, got {order['id']}")

    @task(2)
    def browse_products(self) -> None:
        offset = random.randrange(0, SEEDED_PRODUCTS, 50)
        with self.client.get(
            f"/products?limit=50&offset={offset}", name="/products", catch_response=True
        ) as resp:
            body: Any = resp.json() if resp.status_code == 200 else None
            products = body.get("products") if isinstance(body, dict) else None
            if not isinstance(products, list) or not 0 < len(products) <= 50:
                resp.failure(f"status {resp.status_code}: not a page of products")
            elif not all(isinstance(p, dict) and isinstance(p.get("stock"), int) for p in products):
                resp.failure("a product without its stock")

    @task(1)
    def checkout(self) -> None:
        wanted: dict[int, int] = {}
        for _ in range(random.randint(1, 3)):
            wanted[random.randint(1, SEEDED_PRODUCTS)] = random.randint(1, 3)
        lines = [{"product_id": pid, "qty": qty} for pid, qty in wanted.items()]
        with self.client.post(
            "/orders", json={"lines": lines}, name="/orders", catch_response=True
        ) as resp:
            if resp.status_code == 409:
                error = (resp.json() or {}).get("error") or {}
                if error.get("code") == "out_of_stock":
                    resp.success()  # it ran out: the shop front shows that, it is not an error
                else:
                    resp.failure(f"409 {error.get('code')!r}")
                return
            order: Any = resp.json() if resp.status_code == 201 else None
            problem = problem_with_order(order, self.customer_id)
            if not problem:
                ordered = {line.get("product_id"): line.get("qty") for line in order["lines"]}
                problem = None if ordered == wanted else "not the order just placed"
            if problem:
                resp.failure(f"status {resp.status_code}: {problem}")
            else:
                self.order_ids.insert(0, order["id"])
