"""GET /users/{id}/bookings: who may list, windows and pages."""

from __future__ import annotations

import datetime as dt

import pytest

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def alices_day(api, alice, day, room):
    """Alice's seven one-hour bookings on one day, created out of start order; ids by start."""
    ids = {
        hour: api.book(alice, room, day + hour * HOUR)["id"] for hour in [14, 9, 16, 10, 12, 15, 11]
    }
    return [ids[hour] for hour in sorted(ids)]


def _ids(response):
    assert response.status_code == 200, f"{response.status_code} {response.text}"
    return [item["id"] for item in response.json()["items"]]


def test_listing_another_users_bookings_is_403(api, alice, bob):
    """A user listing someone else's bookings gets 403 (the contract says 403 here, not 404)."""
    assert api.list(bob, alice.id).status_code == 403


def test_an_admin_may_list_anyones_bookings_and_unknown_users_are_404(
    api, admin, alice, alices_day, day, iso
):
    """An admin may list any user's bookings; a user id that does not exist is a 404 for an admin."""
    window = {"from": iso(day), "to": iso(day + 24 * HOUR)}
    assert _ids(api.list(admin, alice.id, **window)) == alices_day
    assert api.list(admin, 987654321).status_code == 404


def test_the_window_keeps_bookings_that_overlap_it(api, alice, alices_day, day, iso):
    """`from`/`to` keep bookings overlapping [from, to): one ending at `from` or starting at `to` is left out."""
    window = {"from": iso(day + 10.5 * HOUR), "to": iso(day + 14 * HOUR)}
    assert _ids(api.list(alice, alice.id, **window)) == alices_day[1:4]
    window = {"from": iso(day + 11 * HOUR, 3), "to": iso(day + 12 * HOUR, -4)}
    assert _ids(api.list(alice, alice.id, **window)) == alices_day[2:3]


def test_an_open_ended_window(api, alice, alices_day, day, iso, utc):
    """`from` alone or `to` alone is a window open on the other side."""
    later = _ids(api.list(alice, alice.id, **{"from": iso(day + 15 * HOUR), "limit": 100}))
    assert later[:2] == alices_day[5:7]
    earlier = api.list(alice, alice.id, to=iso(day + 10 * HOUR), limit=100)
    assert earlier.status_code == 200
    items = earlier.json()["items"]
    assert items, "`to` alone must list the bookings that start before it"
    assert all(utc(item["start"]) < day + 10 * HOUR for item in items)


def test_pages_walk_the_window_in_start_order_exactly_once(api, alice, alices_day, day, iso):
    """Following next_cursor returns every booking once in start order, and the last page's next_cursor is null."""
    params = {"from": iso(day), "to": iso(day + 24 * HOUR), "limit": 2}
    pages = []
    for _ in range(10):
        body = api.list(alice, alice.id, **params).json()
        pages.append([item["id"] for item in body["items"]])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert pages == [alices_day[0:2], alices_day[2:4], alices_day[4:6], alices_day[6:7]]


def test_default_page_is_20(api, alice, day, room, iso):
    """Without `limit`, a page holds 20 bookings and a next_cursor when there are more."""
    for hour in range(22):
        api.book(alice, room, day + hour * HOUR)
    body = api.list(alice, alice.id, **{"from": iso(day), "to": iso(day + 24 * HOUR)}).json()
    assert len(body["items"]) == 20
    assert body["next_cursor"]


def test_same_start_bookings_are_paged_by_id(api, alice, day, room, iso):
    """Bookings that start at the same instant (in different rooms) are ordered by id and none is lost between pages."""
    ids = [api.book(alice, (room + n) % 20 + 1, day + 9 * HOUR)["id"] for n in range(3)]
    params = {"from": iso(day), "to": iso(day + 24 * HOUR), "limit": 1}
    seen = []
    for _ in range(5):
        body = api.list(alice, alice.id, **params).json()
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == sorted(ids)


def test_cancelled_bookings_are_not_listed(api, alice, alices_day, day, iso):
    """A cancelled booking disappears from the listing."""
    assert api.http.delete(f"/bookings/{alices_day[0]}", headers=alice.headers).status_code == 204
    window = {"from": iso(day), "to": iso(day + 24 * HOUR)}
    assert _ids(api.list(alice, alice.id, **window)) == alices_day[1:]


def test_bad_windows_are_422(api, alice, day, iso):
    """`from` not before `to`, a naive `from`, or a date that is not a date-time is a 422."""
    bad = [
        {"from": iso(day + HOUR), "to": iso(day)},
        {"from": iso(day), "to": iso(day)},
        {"from": f"{day:%Y-%m-%dT%H:%M:%S}"},
        {"to": "tomorrow"},
    ]
    for params in bad:
        assert api.list(alice, alice.id, **params).status_code == 422, params


def test_limit_must_be_from_1_to_100(api, alice):
    """`limit` must be an integer from 1 to 100: 0, 101 or 'ten' is a 422; 100 works."""
    for limit in ["0", "101", "ten"]:
        assert api.list(alice, alice.id, limit=limit).status_code == 422, limit
    assert api.list(alice, alice.id, limit=100).status_code == 200


def test_garbage_cursor_is_422(api, alice):
    """A cursor the API never issued is a 422 (or 400), not a 500."""
    for cursor in ["garbage", "eyJpZCI6ICJ4In0", "W10", "-1"]:
        assert api.list(alice, alice.id, cursor=cursor).status_code in {400, 422}, cursor


def test_the_seed_gives_users_bookings_into_march_2026(api, alice):
    """`python -m app.seed` spreads each seeded user's bookings from 5 January into March 2026 (the load test lists them)."""
    for month in ["01", "02"]:
        window = {
            "from": f"2026-{month}-05T00:00:00Z",
            "to": f"2026-{month}-28T00:00:00Z",
            "limit": 100,
        }
        items = api.list(alice, alice.id, **window).json()["items"]
        assert items, f"user039 has no bookings from 2026-{month}-05 to 2026-{month}-28"
    assert all(item["user_id"] == alice.id for item in items)
