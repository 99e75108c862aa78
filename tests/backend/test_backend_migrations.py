"""Alembic migrations: they make exactly the models' schema, and the backend upgrades on start."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, select
from sqlalchemy.engine import Engine

from backend.migrate import INITIAL_REVISION, VERSION_TABLE, schema_diff, upgrade_to_head
from backend.models import Base

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return create_engine(f"sqlite:///{tmp_path}/migrated.sqlite3", future=True)


def revision(engine: Engine) -> str:
    with engine.connect() as connection:
        table = Table(VERSION_TABLE, MetaData(), autoload_with=connection)
        return connection.execute(select(table.c.version_num)).scalar_one()


def test_migrations_make_exactly_the_models_schema(engine: Engine) -> None:
    upgrade_to_head(engine)
    assert schema_diff(engine) == []
    tables = set(inspect(engine).get_table_names()) - {VERSION_TABLE}
    assert tables == set(Base.metadata.tables)


def test_the_comparison_sees_a_difference(engine: Engine) -> None:
    """Proves the check above can fail: a table the models lack, and a missing one, are seen."""
    upgrade_to_head(engine)
    with engine.begin() as connection:
        Table("stray", MetaData(), Column("id", Integer, primary_key=True)).create(connection)
        Base.metadata.tables["throttles"].drop(connection)
    kinds = {(change[0], change[1].name) for change in schema_diff(engine)}
    assert ("add_table", "throttles") in kinds and ("remove_table", "stray") in kinds


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert revision(engine) == INITIAL_REVISION and schema_diff(engine) == []


def test_a_create_all_database_is_adopted_without_losing_rows(engine: Engine) -> None:
    """Databases made before migrations existed (create_all, no alembic_version) keep their data."""
    Base.metadata.create_all(engine)
    throttles = Base.metadata.tables["throttles"]
    row = {"scope": "login", "key_hash": "k" * 64, "failures": 2, "window_started_at": NOW}
    with engine.begin() as connection:
        connection.execute(throttles.insert(), row)
    upgrade_to_head(engine)
    assert revision(engine) == INITIAL_REVISION and schema_diff(engine) == []
    with engine.connect() as connection:
        assert connection.execute(select(throttles.c.failures)).scalar_one() == 2


def test_the_app_migrates_its_database_at_start(app: Any) -> None:
    engine = app.extensions["backend"].store.engine
    assert revision(engine) == INITIAL_REVISION
    assert schema_diff(engine) == []
