"""SIGTERM: the requests in flight are answered, then the process exits 0."""

import signal
import threading
import time

import httpx

from tests.conftest import Carrier, Service, parcel


def test_sigterm_finishes_the_request_in_flight(service: Service, carrier: Carrier) -> None:
    carrier.script(3001, slow=1, delay_ms=400)
    answers: list[httpx.Response] = []
    asking = threading.Thread(
        target=lambda: answers.append(httpx.post(f"{service.url}/quotes", json=parcel(3001)))
    )
    asking.start()
    while not carrier.calls(3001):
        time.sleep(0.02)
    service.process.send_signal(signal.SIGTERM)
    asking.join(timeout=10)
    assert [answer.status_code for answer in answers] == [201]
    assert service.exit_code() == 0
