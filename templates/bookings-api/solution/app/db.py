"""The engine and sessions, on PostgreSQL through psycopg 3 (SQLAlchemy's default driver)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Base class of every ORM model."""


def make_engine(url: str) -> Engine:
    """An engine for the PostgreSQL database at `url`, with a pool for the request threads."""
    # Checking a connection before use survives a database restart; no request can tell.
    return create_engine(url, pool_size=10, pool_pre_ping=True)  # pragma: no mutate


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    # Not expiring saves a reload after commit; a reload would return the same values.
    return sessionmaker(bind=engine, expire_on_commit=False)  # pragma: no mutate
