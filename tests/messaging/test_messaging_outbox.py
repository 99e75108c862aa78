"""The local outbox, on a real redis-server, encrypted with the real vault."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import redis

from bot.vault import Vault
from messaging import Outbox

CODE = "493817"
MOBILE = "+33612345678"
OTHER_MOBILE = "+33698765432"
EMAIL = "Jeanne.Dupont@Example.fr"


def make_outbox(client: redis.Redis, key: str = "outbox-test-key", **kwargs: object) -> Outbox:
    return Outbox(client, Vault(client, key, 3600), **kwargs)


def every_redis_value(client: redis.Redis) -> list[bytes]:
    """Every key and every value stored, whatever the type, as raw bytes."""
    raw = client  # the fixture's client does not decode
    values: list[bytes] = []
    for key in raw.scan_iter():
        values.append(key)
        kind = raw.type(key)
        if kind == b"string":
            values.append(raw.get(key))
        elif kind == b"list":
            values.extend(raw.lrange(key, 0, -1))
        elif kind == b"hash":
            for field, value in raw.hgetall(key).items():
                values.extend([field, value])
        elif kind in (b"set", b"zset"):
            values.extend(raw.smembers(key) if kind == b"set" else raw.zrange(key, 0, -1))
        else:
            values.append(raw.dump(key))
    return values


def test_add_returns_the_record_with_a_utc_timestamp(redis_client: redis.Redis) -> None:
    outbox = make_outbox(redis_client)

    record = outbox.add(MOBILE, f"Votre code : {CODE}")

    assert record["to"] == MOBILE
    assert record["body"] == f"Votre code : {CODE}"
    assert record["subject"] is None
    sent_at = datetime.fromisoformat(record["sent_at"])
    assert sent_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - sent_at) < timedelta(seconds=5)
    assert outbox.list() == [record]


def test_list_is_oldest_first_and_filters_by_recipient(redis_client: redis.Redis) -> None:
    outbox = make_outbox(redis_client)
    first = outbox.add(MOBILE, "premier")
    other = outbox.add(OTHER_MOBILE, "pour quelqu'un d'autre")
    mail = outbox.add(EMAIL, "courriel", subject="Votre code d'accès")
    second = outbox.add(MOBILE, "second")

    assert outbox.list() == [first, other, mail, second]
    assert outbox.list(MOBILE) == [first, second]
    assert outbox.list(OTHER_MOBILE) == [other]
    assert outbox.list("+33600000000") == []
    # Phone numbers match exactly; e-mail addresses whatever their case.
    assert outbox.list("33612345678") == []
    assert outbox.list("jeanne.dupont@example.fr") == [mail]
    assert mail["subject"] == "Votre code d'accès"


def test_nothing_is_readable_in_redis(redis_client: redis.Redis) -> None:
    outbox = make_outbox(redis_client)
    outbox.add(MOBILE, f"Votre code de connexion est {CODE}.")
    outbox.add(EMAIL, f"Code : {CODE}", subject="Votre code d'accès")

    stored = every_redis_value(redis_client)

    assert stored, "the outbox wrote nothing"
    for value in stored:
        assert CODE.encode() not in value
        assert MOBILE.encode() not in value
        assert b"Jeanne" not in value
        assert "accès".encode() not in value


def test_outbox_keeps_only_the_last_entries(redis_client: redis.Redis) -> None:
    outbox = make_outbox(redis_client, max_entries=3)
    for number in range(5):
        outbox.add(MOBILE, f"message {number}")

    assert [m["body"] for m in outbox.list()] == ["message 2", "message 3", "message 4"]
    assert redis_client.llen("outbox") == 3


def test_default_cap_is_one_thousand(redis_client: redis.Redis) -> None:
    outbox = make_outbox(redis_client)
    for number in range(1005):
        outbox.add(MOBILE, f"message {number}")

    messages = outbox.list()
    assert len(messages) == 1000
    assert messages[0]["body"] == "message 5"
    assert messages[-1]["body"] == "message 1004"


def test_messages_written_with_another_key_are_skipped(redis_client: redis.Redis) -> None:
    make_outbox(redis_client, key="old-key").add(MOBILE, "ancien")
    outbox = make_outbox(redis_client, key="new-key")
    recent = outbox.add(MOBILE, "récent")

    assert outbox.list(MOBILE) == [recent]


def test_works_with_a_decoding_redis_client(redis_url: str, redis_client: redis.Redis) -> None:
    decoding = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        outbox = make_outbox(decoding)
        record = outbox.add(MOBILE, "texte")

        assert outbox.list(MOBILE) == [record]
        assert make_outbox(redis_client).list(MOBILE) == [record]
    finally:
        decoding.close()


def test_clock_is_injectable_and_clear_empties(redis_client: redis.Redis) -> None:
    paris = timezone(timedelta(hours=2))
    outbox = make_outbox(redis_client, clock=lambda: datetime(2024, 5, 1, 14, 30, tzinfo=paris))

    record = outbox.add(MOBILE, "texte")
    assert record["sent_at"] == "2024-05-01T12:30:00+00:00"

    outbox.clear()
    assert outbox.list() == []
