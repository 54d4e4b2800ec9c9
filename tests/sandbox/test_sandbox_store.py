"""The SQLite store: ids from SQLite, duplicate keys refused cleanly, two writers at once."""

from __future__ import annotations

import pytest

from sandbox.records import Account, Comment
from sandbox.store import Conflict, Store


def test_duplicate_key_is_refused_and_leaves_nothing_behind(tmp_path):
    store = Store(tmp_path / "s.db")
    store.add(Account(login="ada"))
    with pytest.raises(Conflict):
        store.add(Account(login="ADA"))
    assert [a.login for a in store.scan(Account)] == ["ada"]


def test_failed_transaction_rolls_back_every_write(tmp_path):
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.add(Comment(repo="o/r", number=1, user="u", body="kept?"))
        raise RuntimeError
    assert store.scan(Comment) == []


def test_two_stores_on_one_file_never_share_an_id(tmp_path):
    first, second = Store(tmp_path / "s.db"), Store(tmp_path / "s.db")
    ids = [
        s.add(Comment(repo="o/r", number=1, user="u", body=str(i))).id
        for i, s in enumerate([first, second] * 10)
    ]
    assert len(set(ids)) == 20
    assert len(second.scan(Comment, "o/r")) == 20
