"""Per-app services (store, clock, hashers, messenger) and the per-request database session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session

from backend.config import BackendConfig
from backend.hashing import Hasher, Passwords
from backend.store import Store
from backend.timeutil import Clock, as_utc

EXTENSION_KEY = "backend"


@dataclass
class Backend:
    """Everything a route needs besides the request; stored in `app.extensions["backend"]`."""

    config: BackendConfig
    store: Store
    clock: Clock
    hasher: Hasher
    passwords: Passwords
    messenger_factory: Callable[[], Any]
    _messenger: Any | None = None
    _messenger_lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        return as_utc(self.clock())

    @property
    def messenger(self) -> Any:
        """Built on first use, so the backend starts (and is tested) without Redis."""
        if self._messenger is None:
            with self._messenger_lock:
                if self._messenger is None:
                    self._messenger = self.messenger_factory()
        return self._messenger


def backend() -> Backend:
    return current_app.extensions[EXTENSION_KEY]


def db() -> Session:
    """The request's session, opened on first use and closed (rolled back) at teardown."""
    if "db_session" not in g:
        g.db_session = backend().store.session()
    return g.db_session


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
