"""Alembic's environment: runs on the connection `backend.migrate` hands over (online only)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from backend.models import Base, UtcDateTime

config = context.config


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Revisions name plain `sa.DateTime()`: UTC handling is the models' business, not the DDL's."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime()"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:  # the plain `alembic` command line: a connection of its own
    with create_engine(config.get_main_option("sqlalchemy.url"), future=True).begin() as own:
        run_on(own)
