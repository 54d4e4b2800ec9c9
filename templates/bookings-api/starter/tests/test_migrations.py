from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.db import Base
from app.migrate import downgrade, upgrade


def _tables(url):
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_head_creates_the_schema(database_url):
    upgrade(database_url)
    assert {"users", "rooms", "bookings", "alembic_version"} <= _tables(database_url)


def test_downgrade_to_base_and_back_to_head(database_url):
    upgrade(database_url)
    downgrade(database_url, "base")
    assert _tables(database_url) <= {"alembic_version"}
    upgrade(database_url)
    assert {"users", "rooms", "bookings"} <= _tables(database_url)


def test_migrated_schema_matches_the_models(database_url):
    """What `alembic check` does: the migrations build exactly the tables the models describe."""
    upgrade(database_url)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
