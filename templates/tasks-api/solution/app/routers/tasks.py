"""Tasks: create (idempotent), list (keyset pagination, filters), read, update, delete."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app import idempotency
from app.deps import CurrentUser, DbSession
from app.models import Task, User
from app.pagination import InvalidCursorError, decode_cursor, encode_cursor
from app.schemas import TaskCreate, TaskOut, TaskPage, TaskStatus, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])

TaskId = Annotated[int, Path(ge=1)]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
]


def _visible_tasks(user: User) -> Select[Task]:
    query = select(Task).options(joinedload(Task.owner))
    return query if user.role == "admin" else query.where(Task.owner_id == user.id)


def _get_visible(db: Session, user: User, task_id: int) -> Task:
    """The task if this user may see it; 404 otherwise, so ids of others' tasks don't leak."""
    task = db.scalar(_visible_tasks(user).where(Task.id == task_id))
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")
    return task


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TaskOut)
def create_task(
    body: TaskCreate, db: DbSession, user: CurrentUser, key: IdempotencyKey = None
) -> TaskOut | JSONResponse:
    """Create a task; a retry with the same `Idempotency-Key` returns the first result."""
    request_hash = idempotency.fingerprint(body.model_dump(mode="json"))
    if key is not None and (record := idempotency.find(db, user.id, key)) is not None:
        return idempotency.replay(record, request_hash)
    now = dt.datetime.now(dt.UTC)
    task = Task(owner=user, created_at=now, updated_at=now, **body.model_dump())
    db.add(task)
    db.flush()
    out = TaskOut.model_validate(task)
    if key is not None:
        idempotency.remember(db, user.id, key, request_hash, out.model_dump(mode="json"))
    try:
        db.commit()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as it did.
        db.rollback()
        record = idempotency.find(db, user.id, key) if key is not None else None
        if record is None:
            raise
        return idempotency.replay(record, request_hash)
    return out


def _filtered(
    query: Select[Task],
    task_status: TaskStatus | None,
    due_from: dt.date | None,
    due_to: dt.date | None,
) -> Select[Task]:
    if due_from and due_to and due_from > due_to:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "due_from must not be after due_to"
        )
    if task_status is not None:
        query = query.where(Task.status == task_status)
    if due_from is not None:
        query = query.where(Task.due_date >= due_from)
    if due_to is not None:
        query = query.where(Task.due_date <= due_to)
    return query


@router.get("")
def list_tasks(
    db: DbSession,
    user: CurrentUser,
    task_status: Annotated[TaskStatus | None, Query(alias="status")] = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> TaskPage:
    """Your tasks (all tasks for admins), newest first, one page at a time."""
    query = _filtered(_visible_tasks(user), task_status, due_from, due_to)
    if cursor is not None:
        try:
            query = query.where(Task.id < decode_cursor(cursor))
        except InvalidCursorError:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "Invalid cursor: pass the next_cursor of a previous page unchanged",
            ) from None
    tasks = list(db.scalars(query.order_by(Task.id.desc()).limit(limit + 1)))
    page, more = tasks[:limit], len(tasks) > limit
    return TaskPage(
        items=[TaskOut.model_validate(task) for task in page],
        next_cursor=encode_cursor(page[-1].id) if more else None,
    )


@router.get("/{task_id}")
def get_task(task_id: TaskId, db: DbSession, user: CurrentUser) -> TaskOut:
    """One task, if it is yours (or you are an admin)."""
    return TaskOut.model_validate(_get_visible(db, user, task_id))


@router.patch("/{task_id}")
def update_task(task_id: TaskId, body: TaskUpdate, db: DbSession, user: CurrentUser) -> TaskOut:
    """Change the fields sent; the others stay as they are."""
    task = _get_visible(db, user, task_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(task, field, value)
    task.updated_at = dt.datetime.now(dt.UTC)
    db.commit()
    return TaskOut.model_validate(task)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(task_id: TaskId, db: DbSession, user: CurrentUser) -> None:
    """Delete a task for good."""
    db.delete(_get_visible(db, user, task_id))
    db.commit()
