"""Bookings: create without overlaps, read, cancel, and list one user's bookings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import psycopg
from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from psycopg.errors import ForeignKeyViolation
from pydantic import AwareDatetime
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.deps import CurrentUser, DbSession
from app.models import NO_OVERLAP, Booking, User
from app.pagination import InvalidCursorError, decode_cursor, encode_cursor
from app.schemas import UNAUTHORIZED, BookingIn, BookingOut, BookingPage, documented

router = APIRouter(tags=["bookings"])

BookingId = Annotated[int, Path(ge=1)]
UserId = Annotated[int, Path(ge=1)]


NOT_FOUND = documented(404, "No such booking, or not yours")


def _out(booking: Booking) -> BookingOut:
    """The booking as the contract shows it: every time in UTC."""
    return BookingOut(
        id=booking.id,
        room_id=booking.room_id,
        user_id=booking.user_id,
        start=booking.start_at.astimezone(dt.UTC),
        end=booking.end_at.astimezone(dt.UTC),
        note=booking.note,
        created_at=booking.created_at.astimezone(dt.UTC),
    )


def _visible(db: Session, user: User, booking_id: int) -> Booking:
    """The live booking if this user may see it; 404 otherwise, so others' ids do not leak."""
    booking = db.get(Booking, booking_id)
    if booking is None or booking.cancelled_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    if booking.user_id != user.id and user.role != "admin":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    return booking


@router.post(
    "/bookings",
    status_code=status.HTTP_201_CREATED,
    operation_id="createBooking",
    responses={
        **UNAUTHORIZED,
        **documented(409, "The room is already booked for part of that time"),
    },
)
def create_booking(body: BookingIn, db: DbSession, user: CurrentUser) -> BookingOut:
    """Book a room; 409 when a live booking of the same room overlaps [start, end)."""
    booking = Booking(
        room_id=body.room_id,
        user_id=user.id,
        start_at=body.start,
        end_at=body.end,
        note=body.note,
        created_at=dt.datetime.now(dt.UTC),
    )
    db.add(booking)
    try:
        db.commit()
    except IntegrityError as error:
        # PostgreSQL's constraints decide, even for two requests at once: a check before the
        # insert would race (both see the slot free), and the room's key saves a lookup.
        db.rollback()
        if _violates(error, NO_OVERLAP):
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"Room {body.room_id} is already booked for part of that time",
            ) from None
        if isinstance(error.orig, ForeignKeyViolation):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "No such room") from None
        raise
    return _out(booking)


def _violates(error: IntegrityError, constraint: str) -> bool:
    """Whether PostgreSQL refused the statement because of `constraint`."""
    cause = error.orig
    return isinstance(cause, psycopg.Error) and cause.diag.constraint_name == constraint


@router.get(
    "/bookings/{booking_id}",
    operation_id="getBooking",
    responses={**UNAUTHORIZED, **NOT_FOUND},
)
def get_booking(booking_id: BookingId, db: DbSession, user: CurrentUser) -> BookingOut:
    """One booking, if it is yours (or you are an admin)."""
    return _out(_visible(db, user, booking_id))


@router.delete(
    "/bookings/{booking_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="cancelBooking",
    responses={**UNAUTHORIZED, **NOT_FOUND},
)
def cancel_booking(booking_id: BookingId, db: DbSession, user: CurrentUser) -> Response:
    """Cancel a booking: it disappears from reads and listings and frees its slot."""
    _visible(db, user, booking_id).cancelled_at = dt.datetime.now(dt.UTC)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _in_window(
    query: Select[Booking], start: dt.datetime | None, end: dt.datetime | None
) -> Select[Booking]:
    """Bookings that overlap [start, end); either bound may be open."""
    if start is not None and end is not None and start >= end:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "`from` must be before `to`")
    if start is not None:
        query = query.where(Booking.end_at > start)
    if end is not None:
        query = query.where(Booking.start_at < end)
    return query


def _after(query: Select[Booking], cursor: str) -> Select[Booking]:
    try:
        start, booking_id = decode_cursor(cursor)
    except InvalidCursorError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "Invalid cursor: pass the next_cursor of a previous page unchanged",
        ) from None
    later = or_(Booking.start_at > start, and_(Booking.start_at == start, Booking.id > booking_id))
    return query.where(later)


@router.get(
    "/users/{user_id}/bookings",
    operation_id="listUserBookings",
    responses={
        **UNAUTHORIZED,
        **documented(403, "Another user's bookings (admins only)"),
        **documented(404, "No such user"),
    },
)
def list_user_bookings(
    user_id: UserId,
    db: DbSession,
    user: CurrentUser,
    window_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    window_to: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> BookingPage:
    """A user's live bookings in start order, one page at a time, optionally in a window."""
    if user_id != user.id and user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "You can only list your own bookings")
    if db.get(User, user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "User not found")
    query = select(Booking).where(Booking.user_id == user_id, Booking.cancelled_at.is_(None))
    query = _in_window(query, window_from, window_to)
    if cursor is not None:
        query = _after(query, cursor)
    query = query.order_by(Booking.start_at, Booking.id).limit(limit + 1)
    bookings = list(db.scalars(query))
    page = bookings[:limit]
    more = len(bookings) > limit
    return BookingPage(
        items=[_out(booking) for booking in page],
        next_cursor=encode_cursor(page[-1].start_at, page[-1].id) if more else None,
    )
