import pytest

from tests.conftest import booking


@pytest.fixture
def alice_with_7_bookings(client, alice):
    """Seven one-hour bookings on 2026-07-01, created out of order."""
    ids = {}
    for hour in [14, 9, 16, 10, 12, 15, 11]:
        body = booking(5, f"2026-07-01T{hour:02d}:00:00Z", f"2026-07-01T{hour + 1:02d}:00:00Z")
        response = client.post("/bookings", json=body, headers=alice.headers)
        assert response.status_code == 201
        ids[hour] = response.json()["id"]
    return alice, [ids[hour] for hour in sorted(ids)]


def test_pages_walk_every_booking_once_in_start_order(client, alice_with_7_bookings):
    alice, ids_by_start = alice_with_7_bookings
    seen, params = [], {"limit": 3}
    for _ in range(10):
        response = client.get(f"/users/{alice.id}/bookings", params=params, headers=alice.headers)
        assert response.status_code == 200
        page = response.json()
        seen.append([item["id"] for item in page["items"]])
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}
    assert seen == [ids_by_start[0:3], ids_by_start[3:6], ids_by_start[6:7]]


def test_window_keeps_the_bookings_that_overlap_it(client, alice_with_7_bookings):
    alice, ids_by_start = alice_with_7_bookings
    window = {"from": "2026-07-01T10:30:00Z", "to": "2026-07-01T14:00:00Z"}
    response = client.get(f"/users/{alice.id}/bookings", params=window, headers=alice.headers)
    assert response.status_code == 200
    # 10:00-11:00 overlaps the window's start; 14:00-15:00 only touches its end.
    assert [item["id"] for item in response.json()["items"]] == ids_by_start[1:4]


def test_another_users_list_is_403_but_admins_may(client, alice, bob, admin):
    body = booking(1, "2026-07-02T09:00:00Z", "2026-07-02T10:00:00Z")
    booking_id = client.post("/bookings", json=body, headers=alice.headers).json()["id"]
    assert client.get(f"/users/{alice.id}/bookings", headers=bob.headers).status_code == 403
    listed = client.get(f"/users/{alice.id}/bookings", headers=admin.headers)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [booking_id]
