"""Parcelway, the carrier whose rates Shipquote sells: a stand-in the grader runs.

`python carrier.py` serves on 127.0.0.1:$PORT (standard library only). Its public API is the
one in the brief:

- `GET /rates?from=DE&to=FR&weight_g=1200`: 200 `{"price_cents": 1290, "rate_id": "r_..."}`,
  the same price for the same parcel every time; 400 `{"error": ...}` for a country that is
  not two capital letters or a weight outside 1-30,000 g. Every call takes LATENCY_MS.
- `GET /health`: 200.

Behind `Authorization: Bearer $CLASSROOM_UPSTREAM_TOKEN` (the grader's checks and the public
tests; never the service under test), it can be scripted per parcel weight and read back:

- `POST /_script` `{"weight_g": W, "fail": N, "status": 503, "slow": M, "delay_ms": D}`: the
  next N calls for weight W answer `status`; the next M calls for W answer after D ms.
- `GET /_calls?weight_g=W`: every call for W as received (`at`: seconds since the epoch);
  without `weight_g`, every call.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LATENCY_MS = 100
COUNTRY = re.compile(r"^[A-Z]{2}$")


def price_cents(origin: str, destination: str, weight_g: int) -> int:
    """Parcelway's tariff: a base by distance band, and 45 cents per started 500 g."""
    base = 490 if origin == destination else 890
    return base + 45 * ((weight_g + 499) // 500)


class Carrier:
    """The calls as received, and the scripted behaviour of each parcel weight."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[dict[str, Any]] = []
        self.scripts: dict[int, dict[str, int]] = {}
        self.rates = 0

    def script(self, order: dict[str, Any]) -> None:
        with self.lock:
            self.scripts[int(order["weight_g"])] = {
                "fail": int(order.get("fail", 0)),
                "status": int(order.get("status", 503)),
                "slow": int(order.get("slow", 0)),
                "delay_ms": int(order.get("delay_ms", 0)),
            }

    def rate(self, query: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        """The status and answer to one GET /rates, and how long to wait before answering."""
        origin, destination = query.get("from", ""), query.get("to", "")
        try:
            weight = int(query.get("weight_g", ""))
        except ValueError:
            weight = 0
        with self.lock:
            call: dict[str, Any] = {"at": time.time(), "weight_g": weight}
            self.calls.append(call)
            script = self.scripts.get(weight, {})
            delay = LATENCY_MS
            if script.get("slow", 0) > 0:
                script["slow"] -= 1
                delay = script["delay_ms"]
            if script.get("fail", 0) > 0:
                script["fail"] -= 1
                call["status"] = script["status"]
                return script["status"], {"error": "Parcelway is unavailable"}, delay
            if not (COUNTRY.match(origin) and COUNTRY.match(destination)):
                call["status"] = 400
                return 400, {"error": "from and to must be ISO country codes (DE)"}, delay
            if not 1 <= weight <= 30_000:
                call["status"] = 400
                return 400, {"error": "weight_g must be between 1 and 30000"}, delay
            self.rates += 1
            call["status"] = 200
            answer = {"price_cents": price_cents(origin, destination, weight),
                      "rate_id": f"r_{self.rates:06d}"}  # fmt: skip
            return 200, answer, delay

    def record(self, weight: int | None) -> dict[str, Any]:
        with self.lock:
            return {"calls": [c for c in self.calls if weight in (None, c["weight_g"])]}


class Handler(BaseHTTPRequestHandler):
    carrier: Carrier
    token: str
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the grader keeps the output for when the carrier fails to start."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/health":
            self.answer(200, {"status": "ok"})
        elif url.path == "/rates":
            status, answer, delay_ms = self.carrier.rate(query)
            time.sleep(delay_ms / 1000)
            self.answer(status, answer)
        elif url.path == "/_calls" and self.authorized():
            weight = query.get("weight_g")
            self.answer(200, self.carrier.record(None if weight is None else int(weight)))
        else:
            self.answer(404, {"error": "no such endpoint"})

    def do_POST(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        except (ValueError, UnicodeDecodeError):
            body = None
        if urlsplit(self.path).path == "/_script" and self.authorized():
            self.carrier.script(body)
            self.answer(204, None)
        else:
            self.answer(404, {"error": "no such endpoint"})

    def authorized(self) -> bool:
        if self.token and self.headers.get("Authorization") == f"Bearer {self.token}":
            return True
        self.answer(403, {"error": "scripting the carrier is for the grader only"})
        return False

    def answer(self, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the caller gave up waiting (its timeout)
            pass


def serve(port: int, token: str) -> ThreadingHTTPServer:
    """A new carrier on 127.0.0.1:`port` (port 0: any free one), scripted with `token`;
    call serve_forever (in a thread of its own, say)."""
    handler = type("CarrierHandler", (Handler,), {"carrier": Carrier(), "token": token})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    serve(int(os.environ["PORT"]), os.environ["CLASSROOM_UPSTREAM_TOKEN"]).serve_forever()
