"""The backend's logs: structlog events rendered as JSON lines (LOG_FORMAT=text: a console).

Modules log events with keys (`log.info("identity_check.refused", attempts_left=2)`) through
`get_logger`, which wraps the standard logger of the module: records go through `logging`, so
pytest's caplog sees them, and `configure_logging` (called by `python -m backend`) renders them,
and those of Werkzeug, SQLAlchemy and Alembic, as one JSON object per line:
{"event", "level", "logger", "service": "backend", "timestamp", …keys}.

Secrets never reach a line: the code logs masks (`nir_masked`) and counts, an exception is
logged by its type only (`error`), never its text, which can quote a value (a NIR, a code, a
password); and every string is scrubbed of what looks like a secret as a last defence.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import structlog
from structlog.stdlib import ProcessorFormatter
from structlog.typing import EventDict, Processor

from bot.jsonlog import scrub

SERVICE = "backend"


def exception_type_only(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """`exc_info` becomes `error: <type name>`: the exception's text and locals are dropped."""
    exc_info = event.pop("exc_info", None)
    if exc_info:
        error = exc_info[1] if isinstance(exc_info, tuple) else sys.exc_info()[1]
        event.setdefault("error", type(error).__name__ if error else "exception")
    event.pop("stack_info", None)
    return event


def scrub_strings(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """The last line of defence: runs of digits, provisional codes, tokens become [masked]."""
    return {
        key: scrub(value) if isinstance(value, str) and not key.startswith("_") else value
        for key, value in event.items()
    }


def add_service(_logger: Any, _method: str, event: EventDict) -> EventDict:
    event.setdefault("service", SERVICE)
    return event


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structlog logger on top of `logging.getLogger(name)`, whatever structlog's global
    configuration is (the Rasa processes configure theirs)."""
    return structlog.wrap_logger(
        logging.getLogger(name),
        processors=[ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.stdlib.BoundLogger,
    )


def formatter(renderer: Processor | None = None) -> ProcessorFormatter:
    """Renders structlog events and plain `logging` records alike; JSON unless told otherwise."""
    return ProcessorFormatter(
        foreign_pre_chain=[],
        processors=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,  # reads the record: before the meta keys go
            ProcessorFormatter.remove_processors_meta,
            add_service,
            exception_type_only,
            scrub_strings,
            structlog.processors.TimeStamper(fmt="iso", utc=True),  # after: its digits are no NIR
            renderer or structlog.processors.JSONRenderer(ensure_ascii=False, default=str),
        ],
    )


def configure_logging(level: int = logging.INFO) -> None:
    """One handler on the root logger, on stderr: JSON lines, or a console when LOG_FORMAT=text."""
    text = os.environ.get("LOG_FORMAT", "json").lower() == "text"
    renderer = structlog.dev.ConsoleRenderer(colors=False) if text else None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(renderer))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
