"""TwiML of the phone face, parsed: French gathers with keypad and speech, barge-in, read-backs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from webhook.voice.reply import Listen, VoiceReply, to_twiml

BASE = "https://assistant.example.test"


def parse(reply: VoiceReply) -> ET.Element:
    root = ET.fromstring(to_twiml(reply, BASE, "Polly.Lea-Neural"))
    assert root.tag == "Response"
    return root


def test_a_question_is_said_inside_a_french_gather_then_silence_is_redirected() -> None:
    root = parse(VoiceReply(listen=Listen("digits", "zéro, un")).say("Quel est votre numéro ?"))
    gather = root.find("Gather")
    assert gather.get("language") == "fr-FR" and gather.get("input") == "dtmf speech"
    assert gather.get("action") == BASE + "/twilio/voice/gather"
    assert gather.get("hints") == "zéro, un" and gather.get("finishOnKey") == "#"
    say = gather.find("Say")
    assert say.text == "Quel est votre numéro ?" and say.get("voice") == "Polly.Lea-Neural"
    assert [child.tag for child in root] == ["Gather", "Redirect"]
    assert root.find("Redirect").text == BASE + "/twilio/voice/gather?silence=1"


def test_a_read_back_is_slow_with_pauses_between_groups() -> None:
    reply = VoiceReply(listen=Listen("confirm")).say("J'ai noté :")
    reply.read_back(["un", "huit cinq"]).say("Tapez 1 si c'est exact, 2 pour recommencer.")
    gather = parse(reply).find("Gather")
    assert gather.get("numDigits") == "1"
    prosody = gather.find("Say/prosody")
    assert prosody.get("rate") == "slow" and prosody.find("break") is not None
    assert [t for t in prosody.itertext()] == ["un", "huit cinq"]


def test_a_transfer_dials_the_advisor_number() -> None:
    root = parse(VoiceReply(dial="+33123456789").say("Je vous mets en relation."))
    dial = root.find("Dial")
    assert dial.find("Number").text == "+33123456789"
    assert dial.get("action") == BASE + "/twilio/voice/dialed"


def test_a_reply_survives_storage_as_json() -> None:
    reply = VoiceReply(listen=Listen("menu", "un")).say("a").read_back(["b"])
    assert VoiceReply.from_json(reply.to_json()) == reply
