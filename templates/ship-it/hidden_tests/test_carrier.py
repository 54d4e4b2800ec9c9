import itertools
import threading
import time
from typing import Any

import httpx


def test_a_carrier_that_fails_twice_is_asked_a_third_time(shipquote: Any) -> None:
    """A 5xx from Parcelway may pass: a rate is a GET, so ask again (3 attempts in all)."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=2, status=503)
    assert shipquote.http.post("/quotes", json=shipquote.parcel(weight)).status_code == 201
    assert len(shipquote.calls(weight)) == 3


def test_retries_wait_a_little_longer_each_time(shipquote: Any) -> None:
    """Wait 0.2 s before the 2nd attempt and 0.4 s before the 3rd (Parcelway's own clock): not at once, not for long."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=2, status=502)
    assert shipquote.http.post("/quotes", json=shipquote.parcel(weight)).status_code == 201
    times = [call["at"] for call in shipquote.calls(weight)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == 2
    assert 0.15 <= gaps[0] <= 1.5 and 0.35 <= gaps[1] <= 1.5, gaps


def test_a_carrier_that_says_no_is_422_at_once(shipquote: Any) -> None:
    """A 4xx from Parcelway will not change: 422 with its reason, after one call."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=1, status=400)
    assert shipquote.http.post("/quotes", json=shipquote.parcel(weight)).status_code == 422
    assert len(shipquote.calls(weight)) == 1


def test_a_carrier_that_hangs_is_a_prompt_503(shipquote: Any) -> None:
    """Every call has a 1 s deadline: a Parcelway that never answers is a 503 (with Retry-After) within about 4 s, after 3 attempts."""
    weight = shipquote.weight()
    shipquote.script(weight, slow=3, delay_ms=5000)
    started = time.monotonic()
    answer = shipquote.http.post("/quotes", json=shipquote.parcel(weight))
    assert answer.status_code == 503
    assert time.monotonic() - started < 5.0
    assert len(shipquote.calls(weight)) == 3


def test_a_carrier_that_is_down_is_503_with_retry_after(shipquote: Any) -> None:
    """After the last attempt fails, answer 503 with a Retry-After header (seconds), never a 500."""
    weight = shipquote.weight()
    shipquote.script(weight, fail=10, status=503)
    answer = shipquote.http.post("/quotes", json=shipquote.parcel(weight))
    assert answer.status_code == 503
    assert answer.headers.get("retry-after", "").isdigit()
    assert len(shipquote.calls(weight)) == 3


def test_a_slow_carrier_holds_up_no_other_request(shipquote: Any) -> None:
    """While one request waits for Parcelway, the same instance answers others at once: no blocking call on the event loop."""
    quote = shipquote.http.post("/quotes", json=shipquote.parcel(shipquote.weight())).json()
    weight = shipquote.weight()
    shipquote.script(weight, slow=1, delay_ms=900)
    url = str(shipquote.http.base_url)
    waiting = threading.Thread(
        target=lambda: httpx.post(f"{url}/quotes", json=shipquote.parcel(weight), timeout=15)
    )
    waiting.start()
    assert shipquote.wait_for_call(weight)
    started = time.monotonic()
    assert shipquote.http.get(f"/quotes/{quote['id']}").status_code == 200
    assert shipquote.http.get("/livez").status_code == 200
    assert time.monotonic() - started < 0.5
    waiting.join()
