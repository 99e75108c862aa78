"""JSON-lines logs carrying the conversation id, for the services an operator greps and ships.

One line per record: {"ts", "level", "service", "logger", "message", "conversation_id", ...}.
The conversation id comes from a context variable bound where a turn starts (the webhook's
`Dialogue.handle`, the action server's request middleware), so every line of that turn carries
it without passing it around. Conversation ids are opaque HMACs, never a phone number.

The code never logs a secret on purpose; as a last line of defence the message is scrubbed of
what looks like one (runs of 6+ digits: NIR, one-time code, card serial, phone number; a
provisional code; a bearer or `token=` value).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
from typing import Any

from bot.provisional_code import find_code_spans

_conversation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "conversation_id", default=None
)

_SECRET_PATTERNS = (
    re.compile(r"(?<![\w])\+?\d(?:[ .]?\d){5,}"),  # NIR, serial, one-time code, phone number
    re.compile(r"(?i)((?:token|password|authorization|bearer)[=: ]+)\S+"),
)
_MASK = "[masked]"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
#: Texts seen to hold nothing to mask: the same messages and field values ("action answered",
#: an action's name) come back on every line, and scrubbing them is most of a line's cost. Only
#: texts written out unchanged anyway are kept; short ones, and a bounded number of them.
_KNOWN_CLEAN: set[str] = set()
_KNOWN_CLEAN_MAX = 1024
_KNOWN_CLEAN_LENGTH = 200


def bind_conversation(conversation_id: str | None) -> contextvars.Token:
    """Every log line of this context (thread or task) carries `conversation_id` from now on."""
    return _conversation.set(conversation_id)


def current_conversation() -> str | None:
    return _conversation.get()


def scrub(text: str) -> str:
    """`text` without anything that looks like a secret."""
    for start, end in reversed(find_code_spans(text)):
        text = text[:start] + _MASK + text[end:]
    text = _SECRET_PATTERNS[0].sub(_MASK, text)
    return _SECRET_PATTERNS[1].sub(lambda m: m.group(1) + _MASK, text)


def _scrubbed(text: str) -> str:
    """`scrub(text)`, remembered for the short texts that hold nothing to mask."""
    if text in _KNOWN_CLEAN:
        return text
    cleaned = scrub(text)
    if cleaned == text and len(text) <= _KNOWN_CLEAN_LENGTH:
        if len(_KNOWN_CLEAN) >= _KNOWN_CLEAN_MAX:
            _KNOWN_CLEAN.clear()
        _KNOWN_CLEAN.add(text)
    return cleaned


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `extra={...}` fields become keys (scrubbed when strings)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self._second: tuple[int, str] = (-1, "")  # the last second formatted, and its text

    def _timestamp(self, created: float, msecs: float) -> str:
        """ISO 8601 UTC to the millisecond; the seconds' part formatted once per second."""
        second = int(created)
        last = self._second
        if last[0] != second:
            last = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)))
            self._second = last
        return f"{last[1]}.{int(msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": self._timestamp(record.created, record.msecs),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": _scrubbed(record.getMessage()),
        }
        conversation_id = getattr(record, "conversation_id", None) or _conversation.get()
        if conversation_id:
            line["conversation_id"] = conversation_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and key != "conversation_id":
                line[key] = _scrubbed(value) if isinstance(value, str) else value
        if record.exc_info:
            # Exception texts may quote values: only the type and where it was raised.
            error = record.exc_info[1]
            line["error"] = type(error).__name__ if error else "exception"
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(service: str, level: int = logging.INFO) -> None:
    """JSON lines on stderr for `service` (LOG_FORMAT=text keeps the plain format).

    Neither format prints the caller's file and line, the thread or the process: logging is
    told not to look them up for every record (the Logging HOWTO's "Optimization").
    """
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("LOG_FORMAT", "json").lower() == "text":
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    else:
        handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level)
