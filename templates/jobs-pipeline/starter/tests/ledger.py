"""Ledgerly, the accounting system Tally posts its imports to: a stand-in the grader runs.

`python ledger.py` serves on 127.0.0.1:$PORT (standard library only). Its public API is the
one in the brief:

- `POST /entries` with JSON `{"account", "reference", "lines", "total_cents"}` creates one
  ledger entry: 201 `{"entry_id": "ent_000001", ...}`. With an `Idempotency-Key` header a
  second call with the same key creates nothing and answers 200 with the first entry (as
  Stripe's API does); without one, every call is a new entry. 422 for a malformed body. Every
  call takes LATENCY_MS (a real ledger is not instant).
- `GET /health`: 200.

Behind `Authorization: Bearer $CLASSROOM_UPSTREAM_TOKEN` (the grader's checks and the public
tests; never the service under test), it can be scripted per account and read back:

- `POST /_script` `{"account": A, "fail": N, "status": 503, "slow": M, "delay_ms": D}`: the
  next N calls for A answer `status` (and create nothing); the next M calls for A create their
  entry at once but answer only after D ms (the answer that never came back).
- `GET /_calls?account=A`: every call for A as received (`at`: seconds since the epoch,
  `key`, `reference`, `status`), and the entries created for A.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LATENCY_MS = 100
FIELDS = {"account": str, "reference": str, "lines": int, "total_cents": int}


class Ledger:
    """The entries, the calls as received, and the scripted behaviour of each account."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, dict[str, Any]] = {}  # entry id -> entry
        self.by_key: dict[str, str] = {}  # idempotency key -> entry id
        self.calls: list[dict[str, Any]] = []
        self.scripts: dict[str, dict[str, int]] = {}

    def script(self, order: dict[str, Any]) -> None:
        with self.lock:
            self.scripts[str(order["account"])] = {
                "fail": int(order.get("fail", 0)),
                "status": int(order.get("status", 503)),
                "slow": int(order.get("slow", 0)),
                "delay_ms": int(order.get("delay_ms", 0)),
            }

    def post(self, body: dict[str, Any], key: str | None) -> tuple[int, dict[str, Any], float]:
        """The status and answer to one POST /entries, and how long to wait before answering."""
        with self.lock:
            script = self.scripts.get(str(body.get("account")), {})
            call = {"at": time.time(), "key": key, "reference": body.get("reference")}
            self.calls.append(call | {"account": body.get("account")})
            if script.get("fail", 0) > 0:
                script["fail"] -= 1
                call["status"] = script["status"]
                return script["status"], {"error": "the ledger is unavailable"}, LATENCY_MS
            delay = LATENCY_MS
            if script.get("slow", 0) > 0:
                script["slow"] -= 1
                delay = script["delay_ms"]
            if key is not None and key in self.by_key:
                call["status"] = 200
                return 200, self.entries[self.by_key[key]], delay
            entry_id = f"ent_{len(self.entries) + 1:06d}"
            entry = {"entry_id": entry_id, "key": key, **body}
            self.entries[entry_id] = entry
            if key is not None:
                self.by_key[key] = entry_id
            call["status"] = 201
            return 201, entry, delay

    def record(self, account: str) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": [c for c in self.calls if c["account"] == account],
                "entries": [e for e in self.entries.values() if e["account"] == account],
            }


def malformed(body: Any) -> str | None:
    """What is wrong with a POST /entries body, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    for name, kind in FIELDS.items():
        value = body.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"`{name}` must be a {kind.__name__}"
    if body["lines"] < 1:
        return "`lines` must be at least 1"
    return None


class Handler(BaseHTTPRequestHandler):
    ledger: Ledger
    token: str
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the grader keeps the output for when the ledger fails to start."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/health":
            self.answer(200, {"status": "ok"})
        elif url.path == "/_calls" and self.authorized():
            account = parse_qs(url.query).get("account", [""])[0]
            self.answer(200, self.ledger.record(account))
        else:
            self.answer(404, {"error": "no such endpoint"})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        except (ValueError, UnicodeDecodeError):
            body = None
        if url.path == "/_script" and self.authorized():
            self.ledger.script(body)
            self.answer(204, None)
        elif url.path == "/entries":
            problem = malformed(body)
            if problem is not None:
                self.answer(422, {"error": problem})
                return
            status, answer, delay_ms = self.ledger.post(body, self.headers.get("Idempotency-Key"))
            time.sleep(delay_ms / 1000)
            self.answer(status, answer)
        else:
            self.answer(404, {"error": "no such endpoint"})

    def authorized(self) -> bool:
        if self.token and self.headers.get("Authorization") == f"Bearer {self.token}":
            return True
        self.answer(403, {"error": "scripting the ledger is for the grader only"})
        return False

    def answer(self, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the caller gave up waiting (a timeout, or a worker killed mid-call)
            pass


def serve(port: int, token: str) -> ThreadingHTTPServer:
    """A new, empty ledger on 127.0.0.1:`port` (port 0: any free one), scripted with `token`;
    call serve_forever (in a thread of its own, say)."""
    handler = type("LedgerHandler", (Handler,), {"ledger": Ledger(), "token": token})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    serve(int(os.environ["PORT"]), os.environ["CLASSROOM_UPSTREAM_TOKEN"]).serve_forever()
