"""Engine and sessions: one `Store` per app, created by the factory (no engine at import time).

The schema comes from the Alembic migrations (backend/migrate.py), upgraded to head on start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, literal, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from backend.migrate import upgrade_to_head


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; SQLite gets thread sharing, a busy timeout and foreign keys."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    """The database of one app: engine, session factory, schema migration and health probe."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.schema_ready = False

    def session(self) -> Session:
        return self._sessions()

    def ensure_schema(self) -> bool:
        """Migrates to head; False (not raised) when the database does not answer yet."""
        if self.schema_ready:
            return True
        try:
            upgrade_to_head(self.engine)
        except SQLAlchemyError:
            return False
        self.schema_ready = True
        return True

    def ping(self) -> bool:
        """True when the database answers a trivial SELECT 1."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(select(literal(1))).scalar_one() == 1
        except SQLAlchemyError:
            return False
