"""FastAPI dependencies: database sessions, the settings and the authenticated user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import User
from app.security import InvalidTokenError, user_id_from_token

# FastAPI would answer 401 itself too; we want our own message and header.
_bearer = HTTPBearer(auto_error=False)  # pragma: no mutate


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with request.app.state.sessions() as session:
        yield session


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def current_user(
    db: Annotated[Session, Depends(get_db)],
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user the bearer token names."""
    if credentials is None:
        raise _unauthorized("Not authenticated: send 'Authorization: Bearer <token>'")
    try:
        user_id = user_id_from_token(credentials.credentials, settings.jwt_secret)
    except InvalidTokenError:
        raise _unauthorized("Invalid or expired token") from None
    user = db.get(User, user_id)
    if user is None:
        raise _unauthorized("Invalid or expired token")
    return user


DbSession = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[User, Depends(current_user)]
AppSettings = Annotated[Settings, Depends(get_settings)]
