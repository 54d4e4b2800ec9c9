"""Logging in, and who the token belongs to."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.deps import AppSettings, CurrentUser, DbSession
from app.models import User
from app.schemas import UNAUTHORIZED, LoginIn, TokenOut, UserOut, documented
from app.security import create_access_token, hash_password, verify_password

router = APIRouter(tags=["auth"])

# Verifying against a real hash when the user does not exist keeps login time flat,
# so response times do not tell an attacker which usernames exist.
_DUMMY_HASH = hash_password("not-a-real-password")


@router.post(
    "/auth/login",
    operation_id="login",
    responses=documented(401, "Wrong username or password"),
)
def login(body: LoginIn, db: DbSession, settings: AppSettings) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = db.scalar(select(User).where(User.username == body.username))
    password_hash = user.password_hash if user else _DUMMY_HASH
    if not verify_password(password_hash, body.password) or user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = create_access_token(user.id, settings.jwt_secret, settings.token_minutes)
    return TokenOut(access_token=token, expires_in=settings.token_minutes * 60)


@router.get("/users/me", operation_id="getCurrentUser", responses=UNAUTHORIZED)
def me(user: CurrentUser) -> UserOut:
    """The user the token belongs to."""
    return UserOut.model_validate(user)
