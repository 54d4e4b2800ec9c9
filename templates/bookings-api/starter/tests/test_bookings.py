from tests.conftest import booking


def test_create_and_read_a_booking(client, alice):
    body = booking(1, "2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z", note="Sprint review")
    created = client.post("/bookings", json=body, headers=alice.headers)
    assert created.status_code == 201
    read = client.get(f"/bookings/{created.json()['id']}", headers=alice.headers)
    assert read.status_code == 200
    assert read.json() == created.json()
    assert read.json()["room_id"] == 1
    assert read.json()["user_id"] == alice.id
    assert read.json()["note"] == "Sprint review"


def test_times_with_an_offset_come_back_in_utc(client, alice):
    body = booking(1, "2026-06-01T11:30:00+02:00", "2026-06-01T12:15:00+02:00")
    created = client.post("/bookings", json=body, headers=alice.headers).json()
    assert created["start"] == "2026-06-01T09:30:00Z"
    assert created["end"] == "2026-06-01T10:15:00Z"


def test_naive_times_are_422(client, alice):
    body = booking(1, "2026-06-01T09:00:00", "2026-06-01T10:00:00")
    assert client.post("/bookings", json=body, headers=alice.headers).status_code == 422


def test_end_must_be_after_start(client, alice):
    for end in ["2026-06-01T09:00:00Z", "2026-06-01T08:00:00Z"]:
        body = booking(1, "2026-06-01T09:00:00Z", end)
        assert client.post("/bookings", json=body, headers=alice.headers).status_code == 422


def test_overlapping_booking_is_409(client, alice, bob):
    first = booking(2, "2026-06-01T09:00:00Z", "2026-06-01T11:00:00Z")
    assert client.post("/bookings", json=first, headers=alice.headers).status_code == 201
    clash = booking(2, "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z")
    assert client.post("/bookings", json=clash, headers=bob.headers).status_code == 409


def test_touching_bookings_do_not_overlap(client, alice):
    for start, end in [("10:00", "11:00"), ("11:00", "12:00"), ("09:00", "10:00")]:
        body = booking(3, f"2026-06-01T{start}:00Z", f"2026-06-01T{end}:00Z")
        assert client.post("/bookings", json=body, headers=alice.headers).status_code == 201


def test_other_users_booking_is_404(client, alice, bob):
    body = booking(1, "2026-06-02T09:00:00Z", "2026-06-02T10:00:00Z")
    booking_id = client.post("/bookings", json=body, headers=alice.headers).json()["id"]
    assert client.get(f"/bookings/{booking_id}", headers=bob.headers).status_code == 404
    assert client.delete(f"/bookings/{booking_id}", headers=bob.headers).status_code == 404
    assert client.get(f"/bookings/{booking_id}", headers=alice.headers).status_code == 200


def test_cancelled_booking_frees_its_slot(client, alice, bob):
    body = booking(4, "2026-06-03T09:00:00Z", "2026-06-03T10:00:00Z")
    booking_id = client.post("/bookings", json=body, headers=alice.headers).json()["id"]
    assert client.delete(f"/bookings/{booking_id}", headers=alice.headers).status_code == 204
    assert client.get(f"/bookings/{booking_id}", headers=alice.headers).status_code == 404
    assert client.delete(f"/bookings/{booking_id}", headers=alice.headers).status_code == 404
    assert client.post("/bookings", json=body, headers=bob.headers).status_code == 201
