"""Parcelway has bad days: a deadline on every call, and another try when it may help."""

import threading
import time

import httpx

from tests.conftest import Carrier, Service, parcel


def test_a_carrier_that_fails_twice_is_asked_a_third_time(
    service: Service, carrier: Carrier
) -> None:
    carrier.script(2001, fail=2, status=503)
    assert service.http.post("/quotes", json=parcel(2001)).status_code == 201
    assert len(carrier.calls(2001)) == 3


def test_a_carrier_that_says_no_is_422_at_once(service: Service, carrier: Carrier) -> None:
    carrier.script(2002, fail=1, status=400)
    assert service.http.post("/quotes", json=parcel(2002)).status_code == 422
    assert len(carrier.calls(2002)) == 1


def test_a_carrier_that_hangs_is_503_within_the_deadlines(
    service: Service, carrier: Carrier
) -> None:
    carrier.script(2003, slow=3, delay_ms=3000)
    started = time.monotonic()
    answer = service.http.post("/quotes", json=parcel(2003))
    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    assert time.monotonic() - started < 3 * 0.5 + 0.6 + 1.0  # three 0.5 s calls, the waits
    assert len(carrier.calls(2003)) == 3


def test_a_slow_carrier_holds_up_no_other_request(service: Service, carrier: Carrier) -> None:
    carrier.script(2004, slow=1, delay_ms=400)
    slow = threading.Thread(target=lambda: httpx.post(f"{service.url}/quotes", json=parcel(2004)))
    slow.start()
    time.sleep(0.1)
    started = time.monotonic()
    assert service.http.get("/livez").status_code == 200
    assert time.monotonic() - started < 0.2
    slow.join()
