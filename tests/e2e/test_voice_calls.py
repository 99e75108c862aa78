"""Whole phone calls through signed `/twilio/voice` posts, with every real service running.

Each answer is a `Digits` or `SpeechResult` post to the `<Gather>`'s action URL, as Twilio
sends them; the TwiML is parsed to check what the caller hears and how the next answer is
gathered (French, keypad and speech, hints, read-backs in groups).
"""

from __future__ import annotations

import re

import pytest
import redis
import requests

from bot.spelled_code import SPELLING_WORDS, keypad_pairs
from tests.e2e.test_sms_activation import PASSWORD, login_works
from tests.support.people import person
from tests.support.redis_server import dump_redis
from tests.support.twilio_client import SmsPhone
from tests.support.voice_call import Caller, Turn, http_poster, link_from, local_url

pytestmark = pytest.mark.stack

WORD_DIGITS = {
    "zéro": "0",
    "un": "1",
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "six": "6",
    "sept": "7",
    "huit": "8",
    "neuf": "9",
}


def heard_digits(groups: list[str]) -> str:
    """What a listener writes down from a read-back: "huit cinq" → "85"."""
    return "".join(WORD_DIGITS[word] for group in groups for word in group.split())


def caller(stack, number: str) -> Caller:  # type: ignore[no-untyped-def]
    return Caller(http_poster(stack), stack.public_base_url, number)


def assert_listens(turn: Turn, stack, kind_hint: str) -> None:  # type: ignore[no-untyped-def]
    """French, keypad and speech, answered on this service, with hints for what is asked."""
    gather = turn.gather
    assert gather is not None, turn.xml
    assert gather.get("language") == "fr-FR"
    assert gather.get("input") == "dtmf speech"
    assert gather.get("action").startswith(stack.public_base_url + "/twilio/voice/gather?t=")
    assert kind_hint in (gather.get("hints") or "")
    assert gather.findall("Say"), "the question is said inside the gather (barge-in)"
    assert all(say.get("language") == "fr-FR" for say in gather.iter("Say"))
    assert turn.redirect.startswith(stack.public_base_url + "/twilio/voice/gather?silence=1&t=")


def identify_by_keypad(call: Caller, stack, someone: dict, code: str) -> Turn:  # type: ignore[no-untyped-def]
    turn = call.dial_in()
    assert "code provisoire" in turn.text
    assert_listens(turn, stack, "A comme Anatole")
    assert turn.gather.get("finishOnKey") == "#"

    turn = call.press(keypad_pairs(code) + "#")
    assert "Tapez 1 si c'est exact, 2 pour recommencer" in turn.text
    assert turn.gather.get("numDigits") == "1"
    spelled = " ".join(turn.read_back)
    first = f"{code[0]} comme" if code[0].isalpha() else WORD_DIGITS_REVERSED[code[0]]
    assert spelled.startswith(first)
    assert len(turn.read_back) == 3  # the three groups of four printed on the letter
    turn = call.press("1")
    assert "numéro de sécurité sociale" in turn.text
    assert_listens(turn, stack, "zéro")

    turn = call.press(someone["nir"] + "#")
    assert len(turn.read_back) == 7  # 1 85 05 78 006 084 36, as on the card
    assert heard_digits(turn.read_back) == someone["nir"]
    assert turn.root.find(".//Say/prosody").get("rate") == "slow"
    turn = call.press("1")
    assert "identité est vérifiée" in turn.text
    assert_listens(turn, stack, "avec photo")
    assert turn.gather.get("numDigits") == "1"
    return turn


def card_and_decision_by_keypad(call: Caller, someone: dict) -> Turn:
    turn = call.press("1")  # with photo
    assert "numéro de série" in turn.text
    turn = call.press(someone["card_serial"] + "#")
    assert heard_digits(turn.read_back) == someone["card_serial"]
    turn = call.press("1")
    assert "activer" in turn.text and "tapez 1" in turn.text.lower()
    turn = call.press("1")  # activate
    assert "Acceptez-vous" in turn.text
    turn = call.press("1")  # consent
    assert "coordonnées" in turn.text and "finit par" in turn.text
    assert someone["mobile"] not in turn.text
    return call.press("1")  # the contacts are right


def spoken_code(link_turn: Turn) -> str:
    """The code the call says aloud with the link (the page asks for it; the SMS lacks it)."""
    code = heard_digits(link_turn.read_back)
    assert len(code) == 6, link_turn.xml
    return code


def choose_on_page(  # type: ignore[no-untyped-def]
    stack, twilio_api, mobile: str, identifier: str, spoken: str
) -> requests.Response:
    url = link_from(twilio_api.messages_to(mobile)[-1]["body"])
    assert spoken not in twilio_api.messages_to(mobile)[-1]["body"]
    page = requests.get(local_url(stack, url), timeout=30)
    assert page.status_code == 200 and "Confirmer le mot de passe" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    choice = {"identifier": identifier, "password": PASSWORD, "password_confirmation": PASSWORD}
    return requests.post(local_url(stack, url), data={**choice, "spoken_code": spoken}, timeout=60)


def test_activation_by_keypad(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    identify_by_keypad(call, stack, someone, code)
    turn = card_and_decision_by_keypad(call, someone)
    assert "SMS" in turn.text and "lien" in turn.text
    assert "mot de passe" in turn.text.lower()
    assert turn.gather is not None and "passe" not in (turn.gather.get("hints") or "")

    spoken = spoken_code(turn)
    turn = call.press("1")  # "c'est fait", too early
    assert "pas encore reçu" in turn.text
    response = choose_on_page(stack, twilio_api, someone["mobile"], "camille.keypad85", spoken)
    assert response.status_code == 200 and "activé" in response.text
    turn = call.press("1")
    assert "activé" in turn.text and turn.hangup

    status = backend.insured(someone["nir"])
    assert status["status"] == "activated" and status["identifier"] == "camille.keypad85"
    assert login_works(stack, twilio_api, "camille.keypad85", PASSWORD, someone["mobile"])
    client = redis.Redis.from_url(stack.redis_url)
    try:
        dump = dump_redis(client)
    finally:
        client.close()
    for secret in (PASSWORD, someone["nir"], code):
        assert secret.encode() not in dump, "a secret of the call sits in clear in Redis"


def spoken_nir(nir: str) -> str:
    """How people say it: "un, quatre-vingt-cinq, zéro cinq, soixante-dix-huit, …"."""
    tens = {"85": "quatre-vingt-cinq", "05": "zéro cinq", "78": "soixante-dix-huit"}
    head = [WORD_DIGITS_REVERSED[nir[0]], tens[nir[1:3]], tens[nir[3:5]], tens[nir[5:7]]]
    tail = [
        " ".join(WORD_DIGITS_REVERSED[d] for d in group)
        for group in (nir[7:10], nir[10:13], nir[13:])
    ]
    return ", ".join(head + tail)


WORD_DIGITS_REVERSED = {digit: word for word, digit in WORD_DIGITS.items()}


def spelled_code(code: str) -> str:
    """ "A comme Anatole, bé, deux…": radio words, letter names and digit words, mixed."""
    names = {"B": "bé", "C": "cé", "D": "dé", "P": "pé", "T": "té", "V": "vé"}
    out = []
    for index, char in enumerate(code):
        if char.isdigit():
            out.append(WORD_DIGITS_REVERSED[char])
        elif char in names and index % 2:
            out.append(names[char])
        else:
            out.append(f"{char} comme {SPELLING_WORDS[char]}")
    return ", ".join(out)


def test_activation_by_speech_then_finished_by_sms(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    call.dial_in()
    turn = call.say(spelled_code(code))
    assert len(turn.read_back) == 3 and "exact" in turn.text
    turn = call.say("oui c'est exact")
    assert "sécurité sociale" in turn.text
    turn = call.say(spoken_nir(someone["nir"]))
    assert heard_digits(turn.read_back) == someone["nir"]
    turn = call.say("oui")
    assert "identité est vérifiée" in turn.text
    turn = call.say("sans photo")
    assert "numéro de série" in turn.text
    turn = call.say(" ".join(WORD_DIGITS_REVERSED[d] for d in someone["card_serial"]))
    assert heard_digits(turn.read_back) == someone["card_serial"]
    turn = call.say("oui")
    turn = call.say("je veux activer")
    assert "Acceptez-vous" in turn.text
    turn = call.say("oui j'accepte")
    assert "coordonnées" in turn.text
    turn = call.say("oui")
    assert "lien" in turn.text

    # The person answers the SMS instead: the same conversation goes on by SMS.
    phone = SmsPhone(stack, someone["mobile"])
    assert "mot de passe" in phone.send("camille.speech85").lower()
    phone.send(PASSWORD)
    assert "activé" in phone.send(PASSWORD)
    assert backend.insured(someone["nir"])["status"] == "activated"
    turn = call.say("c'est fait")
    assert "activé" in turn.text and turn.hangup


def test_silence_escalates_to_an_advisor_offer(stack) -> None:  # type: ignore[no-untyped-def]
    call = caller(stack, "+33612990001")
    first = call.dial_in()
    turn = call.stay_silent()
    assert "rien entendu" in turn.text and "code provisoire" in turn.text
    assert_listens(turn, stack, "A comme Anatole")
    turn = call.stay_silent()
    assert "toujours rien entendu" in turn.text
    assert "taper" in turn.text and turn.text != first.text  # the simpler, keypad form
    turn = call.stay_silent()
    assert "conseiller" in turn.text and "tapez 0" in turn.text
    assert turn.gather is not None
    turn = call.stay_silent()
    assert turn.hangup and "rappelez" in turn.text


def test_pause_repeat_and_a_misheard_number(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    asked = call.dial_in()
    turn = call.say("attendez je cherche ma carte")
    assert "Je vous attends" in turn.text and turn.gather.get("timeout") == "20"
    turn = call.stay_silent()
    assert "toujours là" in turn.text and "rien entendu" not in turn.text
    turn = call.say("c'est bon")
    assert asked.lines[-1] in turn.lines  # the question again
    turn = call.say("répéter")
    assert asked.lines[-1] in turn.lines
    call.press(keypad_pairs(code) + "#")
    turn = call.press("1")
    wrong = someone["nir"][:14]
    turn = call.press(wrong + "#")  # 14 digits: no read-back, the dialogue says why
    assert not turn.read_back and "trop court" in turn.text
    turn = call.press(someone["nir"] + "#")
    turn = call.press("2")  # "recommencer"
    assert "recommençons" in turn.text and "sécurité sociale" in turn.text


def resume_code(twilio_api, mobile: str) -> str:  # type: ignore[no-untyped-def]
    body = twilio_api.messages_to(mobile)[-1]["body"]
    assert "reprendre votre appel" in body, body
    return re.search(r"\b(\d{3}) (\d{3})\b", body).expand(r"\1\2")


def test_a_dropped_call_is_resumed_after_a_check(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")  # born in May 1985 (NIR 1 85 05 …)
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    identify_by_keypad(call, stack, someone, code)
    turn = call.press("1")
    assert "numéro de série" in turn.text
    call.status("completed")  # the line drops

    again = caller(stack, someone["mobile"])
    turn = again.dial_in()
    assert "appel précédent" in turn.text and "code à 6 chiffres par SMS" in turn.text
    texted = resume_code(twilio_api, someone["mobile"])
    # The month and year of birth (in the NIR's mask advisors see) are not enough any more.
    turn = again.say("mai mille neuf cent quatre-vingt-cinq")
    assert "Reprenons" not in turn.text and "6 chiffres" in turn.text
    turn = again.press("051985#" if texted != "051985" else "051986#")
    assert "pas le bon code" in turn.text and "Reprenons" not in turn.text
    turn = again.press(texted + "#")
    assert "Reprenons" in turn.text and "numéro de série" in turn.text
    turn = again.press(someone["card_serial"] + "#")
    assert heard_digits(turn.read_back) == someone["card_serial"]
    turn = again.press("1")
    assert "activer" in turn.text

    # Someone else calling from another number starts from the beginning.
    other = caller(stack, "+33612990002")
    assert "code provisoire" in other.dial_in().text


def test_voice_routes_refuse_unsigned_posts(stack) -> None:  # type: ignore[no-untyped-def]
    for path in ("/twilio/voice", "/twilio/voice/gather", "/twilio/voice/status"):
        response = requests.post(
            stack.webhook_url + path,
            data={"CallSid": "CA" + "0" * 32, "From": "+33612345678"},
            headers={"X-Twilio-Signature": "bad"},
            timeout=10,
        )
        assert response.status_code == 403


def test_an_expired_or_used_link_is_refused(stack) -> None:  # type: ignore[no-untyped-def]
    response = requests.get(stack.webhook_url + "/voice/credentials/not-a-token", timeout=10)
    assert response.status_code == 410 and "plus valable" in response.text
    assert re.search(r"<input", response.text) is None
