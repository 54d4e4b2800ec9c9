"""Creating, reading and cancelling bookings: times, overlaps and ownership."""

from __future__ import annotations

import datetime as dt
import threading

import httpx

HOUR = dt.timedelta(hours=1)


def test_create_answers_201_with_the_booking_in_utc(api, alice, day, room, iso, utc):
    """POST /bookings answers 201 with the booking: id, room_id, user_id, note, and start/end/created_at in UTC."""
    start = day + 9 * HOUR
    response = api.post(alice, room, iso(start, 5), iso(start + HOUR, 5), note="Planning")
    assert response.status_code == 201, response.text
    booking = response.json()
    assert (booking["room_id"], booking["user_id"], booking["note"]) == (room, alice.id, "Planning")
    assert booking["start"].endswith(("Z", "+00:00")) and booking["end"].endswith(("Z", "+00:00"))
    assert (utc(booking["start"]), utc(booking["end"])) == (start, start + HOUR)
    assert abs(utc(booking["created_at"]) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)


def test_offsets_are_converted_not_dropped(api, alice, day, room, utc):
    """A time given as 11:00+02:00 is 09:00 UTC: store and return the instant, not the wall-clock time."""
    response = api.post(
        alice, room, f"{day:%Y-%m-%d}T11:00:00+02:00", f"{day:%Y-%m-%d}T12:30:00+02:00"
    )
    assert response.status_code == 201, response.text
    booking = api.http.get(f"/bookings/{response.json()['id']}", headers=alice.headers).json()
    assert utc(booking["start"]) == day + 9 * HOUR
    assert utc(booking["end"]) == day + 10.5 * HOUR


def test_naive_times_are_422(api, alice, day, room, iso):
    """A start or end without an offset (2030-01-01T09:00:00) is ambiguous: answer 422."""
    start = day + 9 * HOUR
    naive = f"{start:%Y-%m-%dT%H:%M:%S}"
    for body in [(naive, iso(start + HOUR)), (iso(start), f"{start + HOUR:%Y-%m-%dT%H:%M:%S}")]:
        assert api.post(alice, room, *body).status_code == 422, body


def test_end_not_after_start_is_422(api, alice, day, room, iso):
    """end equal to or before start is a 422."""
    start = day + 9 * HOUR
    for end in [start, start - HOUR]:
        assert api.post(alice, room, iso(start), iso(end)).status_code == 422, end


def test_a_booking_lasts_at_most_8_hours(api, alice, day, room, iso):
    """A booking may last 8 hours, not a minute more (422)."""
    start = day + 8 * HOUR
    too_long = start + 8 * HOUR + dt.timedelta(minutes=1)
    assert api.post(alice, room, iso(start), iso(too_long)).status_code == 422
    assert api.post(alice, room, iso(start), iso(start + 8 * HOUR)).status_code == 201


def test_unknown_room_and_bad_fields_are_422(api, alice, bob, day, iso):
    """An unknown room_id, a missing field, or an unknown field (user_id) is a 422, never a booking."""
    start = day + 9 * HOUR
    assert api.post(alice, 999_999, iso(start), iso(start + HOUR)).status_code == 422
    assert api.post(alice, 1, iso(start), iso(start + HOUR), user_id=bob.id).status_code == 422
    missing_end = api.http.post(
        "/bookings", json={"room_id": 1, "start": iso(start)}, headers=alice.headers
    )
    assert missing_end.status_code == 422
    assert api.post(alice, 1, iso(start), iso(start + HOUR), note="x" * 501).status_code == 422


def test_overlap_in_the_same_room_is_409(api, alice, bob, day, room, iso):
    """A booking that overlaps another one in the same room, even by a minute, answers 409."""
    start = day + 10 * HOUR
    api.book(alice, room, start, hours=2)
    minute = dt.timedelta(minutes=1)
    for begin, end in [
        (start - HOUR, start + minute),
        (start + HOUR, start + 3 * HOUR),
        (start + minute, start + HOUR),
    ]:
        response = api.post(bob, room, iso(begin), iso(end))
        assert response.status_code == 409, f"{begin:%H:%M}-{end:%H:%M}: {response.status_code}"
        assert response.json().get("detail")


def test_overlap_given_in_another_offset_is_409(api, alice, bob, day, room):
    """09:00Z-10:00Z and 11:30+02:00-12:30+02:00 overlap in absolute time: 409."""
    api.book(alice, room, day + 9 * HOUR)
    response = api.post(
        bob, room, f"{day:%Y-%m-%d}T11:30:00+02:00", f"{day:%Y-%m-%d}T12:30:00+02:00"
    )
    assert response.status_code == 409


def test_touching_bookings_do_not_overlap(api, alice, bob, day, room, iso):
    """[10:00, 11:00) and [11:00, 12:00) touch but do not overlap: both are 201."""
    api.book(alice, room, day + 10 * HOUR)
    assert api.post(bob, room, iso(day + 11 * HOUR), iso(day + 12 * HOUR)).status_code == 201
    assert api.post(bob, room, iso(day + 9 * HOUR, -3), iso(day + 10 * HOUR, -3)).status_code == 201


def test_the_same_time_in_another_room_is_fine(api, alice, bob, day, room, iso):
    """Overlaps only matter within one room: the same hour in another room is a 201."""
    api.book(alice, room, day + 10 * HOUR)
    other = room % 20 + 1
    assert api.post(bob, other, iso(day + 10 * HOUR), iso(day + 11 * HOUR)).status_code == 201


def test_concurrent_overlapping_creates_book_the_slot_once(alice, bob, day, room, iso, base_url):
    """20 simultaneous POSTs for one slot, 4 times: exactly one 201, the others 409 (a check before the insert is not enough: both requests see the slot free)."""

    def attempt(
        start: dt.datetime, n: int, barrier: threading.Barrier, statuses: list[int]
    ) -> None:
        who = (alice, bob)[n % 2]
        begin = start + n * dt.timedelta(minutes=1)
        body = {"room_id": room, "start": iso(begin), "end": iso(start + HOUR)}
        with httpx.Client(base_url=base_url, timeout=60.0) as http:
            barrier.wait(timeout=30)
            statuses.append(http.post("/bookings", json=body, headers=who.headers).status_code)

    for round_ in range(4):
        start, statuses = day + (9 + 2 * round_) * HOUR, []
        barrier = threading.Barrier(20)
        threads = [
            threading.Thread(target=attempt, args=(start, n, barrier, statuses)) for n in range(20)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert sorted(statuses) == [201] + [409] * 19, f"round {round_ + 1}: {sorted(statuses)}"


def test_only_the_owner_or_an_admin_reads_a_booking(api, alice, bob, admin, day, room):
    """GET /bookings/{id}: the owner and admins get 200; another user gets 404, as for a booking that does not exist."""
    booking = api.book(alice, room, day + 9 * HOUR)
    path = f"/bookings/{booking['id']}"
    assert api.http.get(path, headers=alice.headers).json() == booking
    assert api.http.get(path, headers=admin.headers).status_code == 200
    assert api.http.get(path, headers=bob.headers).status_code == 404
    assert api.http.get("/bookings/987654321", headers=alice.headers).status_code == 404


def test_cancel_frees_the_slot_and_a_second_cancel_is_404(api, alice, bob, day, room):
    """DELETE answers 204; the booking is then 404, a second DELETE is 404, and its slot can be booked again."""
    booking = api.book(alice, room, day + 9 * HOUR)
    path = f"/bookings/{booking['id']}"
    assert api.http.delete(path, headers=alice.headers).status_code == 204
    assert api.http.get(path, headers=alice.headers).status_code == 404
    assert api.http.delete(path, headers=alice.headers).status_code == 404
    assert api.post(bob, room, booking["start"], booking["end"]).status_code == 201


def test_another_user_cannot_cancel_my_booking(api, alice, bob, day, room):
    """DELETE of someone else's booking is a 404 and the booking survives (still blocks its slot)."""
    booking = api.book(alice, room, day + 9 * HOUR)
    assert api.http.delete(f"/bookings/{booking['id']}", headers=bob.headers).status_code == 404
    assert api.http.get(f"/bookings/{booking['id']}", headers=alice.headers).status_code == 200
    assert api.post(bob, room, booking["start"], booking["end"]).status_code == 409


def test_an_admin_may_cancel_any_booking(api, alice, admin, day, room):
    """An admin may cancel any user's booking (204)."""
    booking = api.book(alice, room, day + 9 * HOUR)
    assert api.http.delete(f"/bookings/{booking['id']}", headers=admin.headers).status_code == 204
    assert api.http.get(f"/bookings/{booking['id']}", headers=alice.headers).status_code == 404
