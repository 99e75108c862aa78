"""JSON log lines: one object per line, the conversation id of the turn, nothing secret."""

from __future__ import annotations

import io
import json
import logging
import threading
import time

import pytest

from bot.jsonlog import JsonFormatter, bind_conversation, scrub
from tests.support.people import make_nir, spaced


@pytest.fixture()
def capture():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("webhook"))
    logger = logging.getLogger("tests.jsonlog")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    bind_conversation(None)


def test_a_line_is_json_with_the_bound_conversation(capture) -> None:  # type: ignore[no-untyped-def]
    logger, lines = capture
    bind_conversation("c0123456789abcdef0123456")
    logger.info("turn answered", extra={"channel": "sms", "duration_ms": 12.5})
    (line,) = lines()
    assert line["service"] == "webhook" and line["level"] == "info"
    assert line["message"] == "turn answered"
    assert line["conversation_id"] == "c0123456789abcdef0123456"
    assert (line["channel"], line["duration_ms"]) == ("sms", 12.5)
    assert line["ts"].endswith("Z")


def test_each_thread_keeps_its_own_conversation(capture) -> None:  # type: ignore[no-untyped-def]
    logger, lines = capture
    bind_conversation("cmain")

    def other() -> None:
        bind_conversation("cother")
        logger.info("from the other thread")

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    logger.info("from the main thread")
    assert [line["conversation_id"] for line in lines()] == ["cother", "cmain"]


def test_no_line_without_a_conversation_claims_one(capture) -> None:  # type: ignore[no-untyped-def]
    logger, lines = capture
    bind_conversation(None)
    logger.info("startup")
    assert "conversation_id" not in lines()[0]


def test_secrets_that_slip_into_a_message_are_masked(capture) -> None:  # type: ignore[no-untyped-def]
    logger, lines = capture
    nir = make_nir()
    logger.warning(
        "got %s and %s, code ABCD EFGH JK23, otp 482913, from +33612345678, token=s3cr3t",
        nir,
        spaced(nir),
    )
    logger.info("identity", extra={"detail": f"nir {nir}"})
    text = json.dumps(lines())
    for secret in (nir, spaced(nir), "ABCD EFGH JK23", "482913", "+33612345678", "s3cr3t"):
        assert secret not in text


def test_ordinary_words_and_numbers_stay() -> None:
    text = "rasa answered 503 on POST /conversations/c12/tracker after 20 s (step card_serial)"
    assert scrub(text) == text


def test_an_exception_is_named_not_quoted(capture) -> None:  # type: ignore[no-untyped-def]
    logger, lines = capture
    nir = make_nir()
    try:
        raise ValueError(f"bad NIR {nir}")
    except ValueError:
        logger.exception("failed")
    (line,) = lines()
    assert line["error"] == "ValueError"
    assert nir not in json.dumps(line)


def test_a_secret_is_masked_every_time_it_comes_back(capture) -> None:  # type: ignore[no-untyped-def]
    """Texts found clean are remembered; one that needed masking is masked again each time."""
    logger, lines = capture
    nir = make_nir()
    for _ in range(3):
        logger.info("action answered", extra={"action": "action_next_step", "detail": nir})
        logger.info(f"nir {nir}")
    text = json.dumps(lines())
    assert nir not in text
    assert [line["message"] for line in lines()][:2] == ["action answered", "nir [masked]"]
    assert all(line.get("action", "action_next_step") == "action_next_step" for line in lines())


@pytest.mark.parametrize(
    "created", [0.0, 1_764_748_800.0005, 1_764_748_800.999, 1_764_748_801.25, 1_764_748_799.5]
)
def test_the_timestamp_is_iso_utc_to_the_millisecond(created: float) -> None:
    formatter = JsonFormatter("actions")
    for at in (created, created + 0.0001, created):  # the same second formatted again
        record = logging.makeLogRecord({"msg": "x"})
        record.created, record.msecs = at, (at - int(at)) * 1000
        expected = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + (
            f".{int(record.msecs):03d}Z"
        )
        assert json.loads(formatter.format(record))["ts"] == expected
