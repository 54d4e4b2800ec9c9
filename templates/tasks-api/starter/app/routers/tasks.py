"""Tasks: create, list, read, update, delete."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select

from app.deps import CurrentUser, DbSession
from app.models import Task, User
from app.schemas import OwnerOut, TaskCreate, TaskOut, TaskPage, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])


def _owner_summary(db, owner_id):
    owner = db.scalar(select(User).where(User.id == owner_id))
    return OwnerOut(id=owner.id, username=owner.username)


def _to_out(db, task: Task) -> TaskOut:
    return TaskOut(
        id=task.id,
        title=task.title,
        description=task.description,
        status=task.status,
        due_date=task.due_date,
        owner=_owner_summary(db, task.owner_id),
        created_at=task.created_at,
        updated_at=task.updated_at,
    )


def _get(db: DbSession, task_id: int) -> Task:
    task = db.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")
    return task


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(body: TaskCreate, db: DbSession, user: CurrentUser) -> TaskOut:
    """Create a task owned by the caller."""
    now = dt.datetime.now(dt.UTC)
    task = Task(owner_id=user.id, created_at=now, updated_at=now, **body.model_dump())
    db.add(task)
    db.commit()
    return _to_out(db, task)


@router.get("")
def list_tasks(db: DbSession, user: CurrentUser, status: str | None = None) -> TaskPage:
    """The caller's tasks (all tasks for admins).

    TODO(PLAT-212): paginate. This returns everything, which was fine at 50 tasks.
    """
    query = select(Task).order_by(Task.created_at.desc())
    if user.role != "admin":
        query = query.where(Task.owner_id == user.id)
    tasks = db.scalars(query).all()
    if status:
        tasks = [task for task in tasks if task.status == status]
    return TaskPage(items=[_to_out(db, task) for task in tasks], next_cursor=None)


@router.get("/{task_id}")
def get_task(task_id: int, db: DbSession, user: CurrentUser) -> TaskOut:
    """One task."""
    return _to_out(db, _get(db, task_id))


@router.patch("/{task_id}")
def update_task(task_id: int, body: TaskUpdate, db: DbSession, user: CurrentUser) -> TaskOut:
    """Change the fields sent."""
    task = _get(db, task_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(task, field, value)
    task.updated_at = dt.datetime.now(dt.UTC)
    db.commit()
    return _to_out(db, task)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(task_id: int, db: DbSession, user: CurrentUser) -> Response:
    """Delete a task."""
    db.delete(_get(db, task_id))
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
