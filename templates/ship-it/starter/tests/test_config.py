"""Configuration: a wrong setting stops the service at startup, naming the setting."""

from collections.abc import Callable

import pytest

from tests.conftest import Service


def refused(service: Service) -> str:
    """What a service that must refuse to start printed (it must exit, and not with 0, before
    it ever answers)."""
    code = service.exit_code_unless_live()
    assert code not in (None, 0), "it should exit at once with a non-zero code, never serve"
    return "\n".join(service.lines)


def test_no_carrier_means_no_start(start: Callable[..., Service]) -> None:
    assert "CARRIER_URL" in refused(start(CARRIER_URL=None))


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "60"])
def test_a_carrier_timeout_out_of_range_means_no_start(
    start: Callable[..., Service], timeout: str
) -> None:
    assert "CARRIER_TIMEOUT_SECONDS" in refused(start(CARRIER_TIMEOUT_SECONDS=timeout))


def test_an_unknown_log_level_means_no_start(start: Callable[..., Service]) -> None:
    assert "LOG_LEVEL" in refused(start(LOG_LEVEL="LOUD"))
