"""The backend's JSON logs (structlog): keys, not sentences; exception types, never their text."""

from __future__ import annotations

import json
import logging

from backend import logs


def render(record_logger: str, emit: object) -> dict:
    """Formats the one record `emit()` produces on `record_logger` as `python -m backend` does."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    target = logging.getLogger(record_logger)
    handler, level = Keep(), target.level
    target.addHandler(handler)
    target.setLevel(logging.DEBUG)
    try:
        emit()  # type: ignore[operator]
    finally:
        target.removeHandler(handler)
        target.setLevel(level)
    assert len(records) == 1
    return json.loads(logs.formatter().format(records[0]))


def test_an_event_is_one_json_object_with_its_keys() -> None:
    log = logs.get_logger("backend.tests")
    line = render("backend.tests", lambda: log.info("login.refused", attempts_left=2))
    assert line["event"] == "login.refused" and line["attempts_left"] == 2
    assert line["level"] == "info" and line["logger"] == "backend.tests"
    assert line["service"] == "backend" and line["timestamp"].endswith("Z")


def test_an_exception_is_logged_by_its_type_only() -> None:
    """A plain `logging` record (Werkzeug, SQLAlchemy) with exc_info: the text is dropped."""
    plain = logging.getLogger("backend.tests.plain")

    def fail() -> None:
        try:
            raise ValueError("NIR 185057800600123 refused")
        except ValueError:
            plain.exception("request failed")

    line = render("backend.tests.plain", fail)
    assert line["error"] == "ValueError" and line["event"] == "request failed"
    assert "185057800600123" not in json.dumps(line) and "Traceback" not in json.dumps(line)


def test_strings_that_look_like_secrets_are_masked() -> None:
    log = logs.get_logger("backend.tests")
    line = render("backend.tests", lambda: log.info("oops", note="code ABCD-EFGH-JK23, 0612345678"))
    assert "0612345678" not in line["note"] and "[masked]" in line["note"]
