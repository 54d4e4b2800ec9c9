"""Alembic's entry point: migrate the database named by sqlalchemy.url or DATABASE_URL."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context

from app import models
from app.config import DEFAULT_DATABASE_URL
from app.db import make_engine

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# Autogenerate (`alembic revision --autogenerate`, `alembic check`) compares against these.
target_metadata = models.Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
