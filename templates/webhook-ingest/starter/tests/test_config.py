import pytest

from app.config import ConfigError, Settings


def test_no_secret_means_no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        Settings.from_env()


@pytest.mark.parametrize("threads", ["-1", "four"])
def test_a_bad_number_of_workers_means_no_start(
    monkeypatch: pytest.MonkeyPatch, threads: str
) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "whsec_test")
    monkeypatch.setenv("WORKER_THREADS", threads)
    with pytest.raises(ConfigError, match="WORKER_THREADS"):
        Settings.from_env()
