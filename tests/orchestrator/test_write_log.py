"""The record of a token's writes between runs (orchestrator/write_log.py)."""

from __future__ import annotations

from pathlib import Path

from orchestrator.write_log import WRITES_FILE, keep, recall


def test_writes_under_an_hour_old_are_kept_per_login(tmp_path: Path) -> None:
    keep(tmp_path, "ada", [100.0, 3000.0, 3500.0], now=3800.0)
    keep(tmp_path, "bo", [3700.0], now=3800.0)
    assert recall(tmp_path, "ada", now=3800.0) == [3000.0, 3500.0]  # 100 is over an hour old
    assert recall(tmp_path, "ada", now=6700.0) == [3500.0]
    assert recall(tmp_path, "bo", now=3800.0) == [3700.0]
    assert recall(tmp_path, "cy", now=3800.0) == []


def test_a_missing_or_broken_record_is_empty(tmp_path: Path) -> None:
    assert recall(tmp_path, "ada", now=0.0) == []
    (tmp_path / WRITES_FILE).parent.mkdir()
    (tmp_path / WRITES_FILE).write_text("{not json")
    assert recall(tmp_path, "ada", now=0.0) == []
    keep(tmp_path, "ada", [1.0], now=2.0)  # a broken record is replaced, not an error
    assert recall(tmp_path, "ada", now=2.0) == [1.0]
