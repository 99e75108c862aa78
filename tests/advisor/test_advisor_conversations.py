"""The queue, one conversation, taking over, writing to the person and handing back."""

from __future__ import annotations

from flask import Flask

from bot.redaction import redact
from bot.sms_text import to_gsm7
from tests.advisor.conftest import AdvisorAccount, FakeClock, open_conversation, outbox_to

SUMMARY = {"id", "channel", "state", "step", "masked_from", "updated_at", "advisor"}


def test_the_queue_lists_waiting_conversations_oldest_first(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    first = open_conversation(app, "+33611111111")
    second = open_conversation(app, "+33622222222")
    with_bot = open_conversation(app, "+33633333333", state="bot")
    store = app.extensions["mes"].conversations
    store.append(first, "person", "Vous êtes là ?")  # a newer message does not lose its place
    store.update(first, step="nir")

    listing = console_for(marie).get("/conversations").get_json()
    assert [c["id"] for c in listing] == [first, second]
    assert with_bot not in [c["id"] for c in listing]
    item = listing[0]
    assert set(item) == SUMMARY
    assert item["channel"] == "sms" and item["state"] == "waiting" and item["step"] == "nir"
    assert item["masked_from"] == "** ** ** *1 11"
    assert "+336" not in str(listing) and "0611" not in str(listing)


def test_an_advisor_cannot_see_what_is_not_theirs(
    app: Flask, marie: AdvisorAccount, paul: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    taken = open_conversation(app, "+33611111111")
    waiting = open_conversation(app, "+33622222222")
    with_bot = open_conversation(app, "+33633333333", state="bot")
    as_marie, as_paul = console_for(marie), console_for(paul)
    assert as_marie.post(f"/conversations/{taken}/takeover").status_code == 200

    assert [c["id"] for c in as_paul.get("/conversations").get_json()] == [waiting]
    mine = as_marie.get("/conversations").get_json()
    assert [(c["id"], c["state"], c["advisor"]) for c in mine] == [
        (waiting, "waiting", None),
        (taken, "advisor", "marie"),
    ]
    for conversation_id in (taken, with_bot, "c0123456789abcdef0123456", "not-an-id"):
        assert as_paul.get(f"/conversations/{conversation_id}").status_code == 404
        for action in ("takeover", "release"):
            assert as_paul.post(f"/conversations/{conversation_id}/{action}").status_code == 404
        response = as_paul.post(f"/conversations/{conversation_id}/messages", {"text": "Bonjour"})
        assert response.status_code == 404
        assert response.get_json() == {"error": "not_found", "message": "Conversation introuvable."}
    assert outbox_to(app, "+33611111111") == ["Un conseiller, Marie, prend le relais."]


def test_a_supervisor_sees_every_conversation(
    app: Flask, marie: AdvisorAccount, sophie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    taken = open_conversation(app, "+33611111111")
    waiting = open_conversation(app, "+33622222222")
    with_bot = open_conversation(app, "+33633333333", state="bot")
    console_for(marie).post(f"/conversations/{taken}/takeover")
    as_sophie = console_for(sophie)
    ids = [c["id"] for c in as_sophie.get("/conversations").get_json()]
    assert ids[0] == waiting and set(ids) == {taken, waiting, with_bot}
    assert as_sophie.get(f"/conversations/{taken}").status_code == 200
    assert as_sophie.get(f"/conversations/{with_bot}").status_code == 200
    # She sees marie's conversation but cannot take it from her.
    refused = as_sophie.post(f"/conversations/{taken}/takeover")
    assert refused.status_code == 409 and refused.get_json()["error"] == "taken"


def test_a_conversation_shows_its_transcript_masked(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    services = app.extensions["mes"]
    conversation_id = open_conversation(app, "+33611111111")
    said = redact("mon numéro c'est 1 85 05 78 006 084 36", "nir", services.vault, conversation_id)
    services.conversations.append(conversation_id, "person", said.display)

    response = console_for(marie).get(f"/conversations/{conversation_id}")
    assert response.status_code == 200
    detail = response.get_json()
    assert SUMMARY | {"transcript", "collected"} <= set(detail)
    assert detail["id"] == conversation_id and detail["state"] == "waiting"
    texts = [(m["from"], m["text"]) for m in detail["transcript"]]
    assert texts[:3] == [
        ("person", "Bonjour"),
        ("bot", "Quel est votre code provisoire ?"),
        ("person", "je veux parler à un conseiller"),
    ]
    assert "1 85 05 ** *** *** 36" in texts[3][1]
    assert "006" not in response.get_data(as_text=True)
    assert detail["collected"] is None  # Rasa does not answer in these tests


def test_taking_over_silences_the_bot_and_tells_the_person(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    services = app.extensions["mes"]
    conversation_id = open_conversation(app, "+33611111111")
    client = console_for(marie)
    response = client.post(f"/conversations/{conversation_id}/takeover")
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "advisor" and body["advisor"] == "marie" and body["notified"] is True
    assert outbox_to(app, "+33611111111") == ["Un conseiller, Marie, prend le relais."]
    # Twice (a double click) changes nothing and tells the person once.
    assert client.post(f"/conversations/{conversation_id}/takeover").status_code == 200
    assert len(outbox_to(app, "+33611111111")) == 1

    # The person's next messages reach the transcript, not the bot (Rasa is not even called).
    assert services.dialogue.handle(conversation_id, "Bonjour, vous êtes là ?", "sms") == []
    transcript = client.get(f"/conversations/{conversation_id}").get_json()["transcript"]
    assert transcript[-2:] == [
        {
            "from": "advisor",
            "text": "Un conseiller, Marie, prend le relais.",
            "at": transcript[-2]["at"],
        },
        {"from": "person", "text": "Bonjour, vous êtes là ?", "at": transcript[-1]["at"]},
    ]


def test_the_advisors_messages_reach_the_person_by_sms(
    app: Flask, marie: AdvisorAccount, paul: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    client = console_for(marie)
    path = f"/conversations/{conversation_id}/messages"
    before = client.post(path, {"text": "Bonjour"})
    assert before.status_code == 409 and before.get_json()["error"] == "not_yours"
    client.post(f"/conversations/{conversation_id}/takeover")

    for text in ("", "   ", "x" * 1001):
        refused = client.post(path, {"text": text})
        assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_text"
    assert client.post(path, {"no": "text"}).status_code == 400
    assert client.post(path, {"text": "x" * 1000}).status_code == 200

    text = "Bonjour, je regarde votre dossier : avez-vous reçu le courrier ?"
    assert client.post(path, {"text": text}).get_json() == {"status": "sent"}
    assert outbox_to(app, "+33611111111")[-1] == to_gsm7(text)  # "reçu" → "recu": 1 SMS, not 2
    transcript = client.get(f"/conversations/{conversation_id}").get_json()["transcript"]
    assert (transcript[-1]["from"], transcript[-1]["text"]) == ("advisor", text)


def test_nothing_is_sent_to_a_person_who_opted_out(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    client = console_for(marie)
    client.post(f"/conversations/{conversation_id}/takeover")
    app.extensions["mes"].conversations.set_opted_out("+33611111111", True)
    refused = client.post(f"/conversations/{conversation_id}/messages", {"text": "Bonjour"})
    assert refused.status_code == 409 and refused.get_json()["error"] == "opted_out"
    assert outbox_to(app, "+33611111111") == ["Un conseiller, Marie, prend le relais."]


def test_handing_back_keeps_the_conversation_while_rasa_is_down(
    app: Flask, marie: AdvisorAccount, paul: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    as_marie = console_for(marie)
    not_taken = as_marie.post(f"/conversations/{conversation_id}/release")
    assert not_taken.status_code == 409
    as_marie.post(f"/conversations/{conversation_id}/takeover")
    assert console_for(paul).post(f"/conversations/{conversation_id}/release").status_code == 404

    response = as_marie.post(f"/conversations/{conversation_id}/release")
    assert response.status_code == 503
    assert response.get_json()["error"] == "assistant_unavailable"
    assert "gardez la main" in response.get_json()["message"]
    record = app.extensions["mes"].conversations.get(conversation_id)
    assert record["state"] == "advisor" and record["advisor"] == "marie"
    assert outbox_to(app, "+33611111111") == ["Un conseiller, Marie, prend le relais."]


def test_a_closed_conversation_cannot_be_taken(
    app: Flask, sophie: AdvisorAccount, console_for, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111", state="closed")
    response = console_for(sophie).post(f"/conversations/{conversation_id}/takeover")
    assert response.status_code == 409 and response.get_json()["error"] == "closed"


def test_a_supervisor_may_hand_back_another_advisors_conversation(
    app: Flask, marie: AdvisorAccount, paul: AdvisorAccount, sophie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    """Marie went home with a conversation: her supervisor gives it back to the assistant (here
    Rasa is down, so the refusal is the assistant's, not a permission one)."""
    conversation_id = open_conversation(app, "+33611111111")
    console_for(marie).post(f"/conversations/{conversation_id}/takeover")
    assert console_for(sophie).post(f"/conversations/{conversation_id}/release").status_code == 503
    assert console_for(paul).post(f"/conversations/{conversation_id}/release").status_code == 404
