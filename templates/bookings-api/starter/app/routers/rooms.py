"""The rooms that can be booked."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from app.deps import CurrentUser, DbSession
from app.models import Room
from app.schemas import UNAUTHORIZED, RoomOut

router = APIRouter(tags=["rooms"])


@router.get("/rooms", operation_id="listRooms", responses=UNAUTHORIZED)
def list_rooms(db: DbSession, _user: CurrentUser) -> list[RoomOut]:
    """Every bookable room, by id."""
    return [RoomOut.model_validate(room) for room in db.scalars(select(Room).order_by(Room.id))]
