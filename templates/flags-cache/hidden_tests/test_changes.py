"""Changes: seen on the very next request, by every process; refused when not allowed."""

from typing import Any

USERS = [f"user-{n}" for n in range(20)]


def test_a_kill_switch_takes_effect_on_the_next_request(flagpole: Any) -> None:
    """A flag turned off is off on the very next request, on both instances: delete (or rewrite) the cache entry once the change is committed."""
    flagpole.set("qa-12", enabled=True, rollout_percent=100, rules=[])
    assert all(flagpole.enabled("qa-12", u) for u in USERS)  # cached by both instances
    flagpole.set("qa-12", enabled=False)
    assert not any(flagpole.enabled("qa-12", u) for u in USERS)


def test_a_page_load_sees_a_change_at_once(flagpole: Any) -> None:
    """GET /evaluate shows a change on the very next request too: the cached list of every flag must be refreshed with the flag."""
    flagpole.set("qa-13", enabled=True, rollout_percent=100, rules=[])
    assert all(flagpole.page(u)["qa-13"] for u in USERS)
    flagpole.set("qa-13", enabled=False)
    assert not any(flagpole.page(u)["qa-13"] for u in USERS)


def test_a_new_rule_takes_effect_at_once(flagpole: Any) -> None:
    """A rule added to a flag applies from the next request on, on both instances."""
    flagpole.set("qa-14", enabled=True, rollout_percent=100, rules=[])
    assert all(flagpole.enabled("qa-14", u, plan="free") for u in USERS)
    flagpole.set("qa-14", rules=[{"attribute": "plan", "one_of": ["free"], "serve": False}])
    assert not any(flagpole.enabled("qa-14", u, plan="free") for u in USERS)


def test_a_flags_definition_shows_the_change(flagpole: Any) -> None:
    """GET /flags/{key} shows a change at once, with a version one higher than before."""
    before = flagpole.flag("qa-15").json()
    changed = flagpole.set("qa-15", description="checked by QA", rollout_percent=15)
    assert changed["version"] == before["version"] + 1
    for _ in range(6):
        seen = flagpole.flag("qa-15").json()
        assert (seen["version"], seen["rollout_percent"]) == (changed["version"], 15)


def test_a_change_without_the_token_is_401_and_changes_nothing(flagpole: Any) -> None:
    """Changing a flag without the admin token (or with another) is a 401 and changes nothing."""
    before = flagpole.flag("qa-16").json()
    for headers in (
        {},
        {"Authorization": "Bearer guess"},
        {"Authorization": flagpole.admin["Authorization"] + "x"},
    ):
        response = flagpole.http.patch("/flags/qa-16", json={"enabled": True}, headers=headers)
        assert response.status_code == 401
    assert flagpole.flag("qa-16").json() == before


def test_an_invalid_change_is_422_and_changes_nothing(flagpole: Any) -> None:
    """A rollout outside 0-100, a rule on an unknown attribute or an empty rule is a 422, and nothing changes."""
    before = flagpole.flag("qa-17").json()
    for change in (
        {"rollout_percent": 150},
        {"rollout_percent": -1},
        {"rules": [{"attribute": "email", "one_of": ["a@b.c"], "serve": True}]},
        {"rules": [{"attribute": "plan", "one_of": [], "serve": True}]},
    ):
        response = flagpole.http.patch("/flags/qa-17", json=change, headers=flagpole.admin)
        assert response.status_code == 422, change
    assert flagpole.flag("qa-17").json() == before


def test_a_change_to_an_unknown_flag_is_404(flagpole: Any) -> None:
    """Changing a flag that does not exist is a 404 (flags are created by migrations, not by PATCH)."""
    response = flagpole.http.patch(
        "/flags/no-such-flag-here", json={"enabled": True}, headers=flagpole.admin
    )
    assert response.status_code == 404
