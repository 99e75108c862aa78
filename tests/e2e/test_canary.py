"""Canary: whole SMS conversations with known secrets, then every Redis key and value, every
log and every file the stack keeps (append-only file, database) is searched for them.

The secrets (NIR, provisional code, a partial code typed by mistake, password, one-time login
code) are searched in every form: compact, spaced like a carte Vitale or a printed code, dotted,
dashed, lower and upper case (tests/support/canary.py). Zero hits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from tests.e2e.test_sms_activation import PASSWORD, login_works
from tests.support.canary import files_under, find_secrets, secret_forms
from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number
from webhook.texts import ERASE_CONFIRM as CONFIRM

pytestmark = pytest.mark.stack

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture
def client(stack):  # type: ignore[no-untyped-def]
    connection = redis.Redis.from_url(stack.redis_url)
    yield connection
    connection.close()


def test_no_secret_in_clear_anywhere_after_whole_conversations(  # type: ignore[no-untyped-def]
    stack, backend, twilio_api, client
) -> None:
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    nir = someone["nir"]
    phone = SmsPhone(stack, someone["mobile"])
    partial = f"{code[:4]} {code[4:8]}"

    phone.send("Bonjour")
    assert "court" in phone.send(partial)  # a partial code: explained, kept out of Rasa
    phone.send(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    assert "vérifiée" in phone.send(spaced(nir).translate(FULL_WIDTH))
    phone.send("avec photo")
    phone.send(someone["card_serial"])
    phone.send("activer")
    phone.send("oui")
    phone.send("oui")
    phone.send("canari.martin85")
    phone.send(PASSWORD)
    phone.send(PASSWORD)
    assert "activé" in phone.received[-1]
    before = len(twilio_api.messages_to(someone["mobile"]))
    assert login_works(stack, twilio_api, "canari.martin85", PASSWORD, someone["mobile"])
    otp_sms = twilio_api.messages_to(someone["mobile"])[before]["body"]
    otp = next(word for word in otp_sms.replace(".", " ").split() if word.isdigit())

    # A second person gives code and NIR, then has the conversation erased.
    other = person("without_photo")
    other_code = backend.create_insured(**other)["provisional_code"]
    other_phone = SmsPhone(stack, next_number())
    other_phone.send(f"code {other_code} nir {other['nir']}")
    assert other_phone.send("supprimer mes données").startswith(CONFIRM[:30])
    assert "supprimées" in other_phone.send("oui")

    secrets = [nir, code, partial, PASSWORD, otp, other["nir"], other_code]
    var_dir = Path(stack.env["VAR_DIR"])
    hits = find_secrets(secrets, client, files_under(var_dir))
    assert hits == [], hits
    for key in client.scan_iter("tracker:*"):
        chunks = client.lrange(key, 0, -1)
        assert chunks and all(c.startswith(b"enc2:") for c in chunks), "a tracker in clear"


def test_the_scan_finds_a_planted_secret(stack, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The canary can fail: a NIR planted in a hash field and a log line, in another form."""
    nir = person()["nir"]
    client.hset("canary:planted", "field", spaced(nir).lower())
    log = tmp_path / "planted.log"
    log.write_text(f"INFO something {nir[:5]}.{nir[5:]}\n{spaced(nir).replace(' ', '.')}\n")
    try:
        hits = find_secrets([nir], client, [log])
    finally:
        client.delete("canary:planted")
    assert any("redis" in hit for hit in hits) and any("planted.log" in hit for hit in hits)
    assert spaced(nir).encode() in secret_forms(nir)
