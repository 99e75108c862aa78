"""Each mode of a call, alone: what an answer or a silence means, with no service running.

The handlers get plain data (what was heard, the call's state, the question's data from the
dialogue's reply, the step) and return what the call does next (`modes.Next`)."""

from __future__ import annotations

import pytest

from bot.spelled_code import keypad_pairs
from webhook import texts
from webhook.reply import Question
from webhook.voice import modes
from webhook.voice.modes import Do, Heard
from webhook.voice.state import CallState, Mode

NIR = "185057800608491"
NIR_Q = Question("nir", "nir", "digits", (15,), {}, ("zéro", "un"), "Tapez les 15 chiffres.")
CODE_Q = Question(
    "provisional_code",
    "provisional_code",
    "letters",
    (12,),
    {"9": "je n'ai pas de code"},
    ("A comme Anatole",),
    "Dites votre code lentement.",
)
YES_NO_Q = Question("consent", "consent", "yes_no", (), {}, ("oui",), "Tapez 1 pour oui.")
CHOICE_Q = Question("card_type", "card_type", "choice", (), {}, ("avec photo",), "Tapez 1 ou 2.")


def answer(state: CallState, keys: str = "", text: str = "", question=None, step: str = ""):  # type: ignore[no-untyped-def]
    question = question or NIR_Q
    return modes.on_answer(Heard(keys, text), state, question, step or question.step)


def lines(next_: modes.Next) -> str:
    assert next_.reply is not None
    return " ".join(line.spoken() for line in next_.reply.lines)


# --- every mode but the resume check -------------------------------------------------------
@pytest.mark.parametrize("mode", [m for m in Mode if m is not Mode.RESUME_CHECK])
def test_advisor_repeat_and_pause_work_in_every_mode(mode: Mode) -> None:
    assert answer(CallState(mode=mode), keys="0").do is Do.ADVISOR
    assert answer(CallState(mode=mode), text="Parler à un conseiller").do is Do.ADVISOR
    repeat = answer(CallState(mode=mode), keys="*")
    assert repeat.do is Do.AGAIN and lines(repeat) == texts.REPEAT
    assert answer(CallState(mode=mode), text="Répétez").do is Do.AGAIN
    state = CallState(mode=mode, silences=2)
    pause = answer(state, text="Attendez, je cherche ma carte")
    assert pause.do is Do.SAY and state.mode is Mode.WAIT and state.silences == 0
    assert pause.reply is not None and pause.reply.listen.kind == "wait"


# --- ASK -----------------------------------------------------------------------------------
def test_ask_reads_back_a_nir_keyed_with_its_hash() -> None:
    next_ = answer(CallState(), keys=NIR + "#")
    assert next_.do is Do.READ_BACK and next_.back is not None
    assert next_.back.value == NIR and len(next_.back.groups) == 7


def test_ask_reads_back_a_code_keyed_as_pairs_or_spelled() -> None:
    keyed = answer(CallState(), keys=keypad_pairs("ABCDEFGHJK23") + "#", question=CODE_Q)
    assert keyed.do is Do.READ_BACK and keyed.back.value == "ABCDEFGHJK23"
    assert keyed.back.what == "code" and len(keyed.back.groups) == 3
    spoken = answer(
        CallState(),
        text="A comme Anatole, bé, cé, dé, E, F, G, H, J, K, deux, trois",
        question=CODE_Q,
    )
    assert spoken.do is Do.READ_BACK and spoken.back.value == "ABCDEFGHJK23"


def test_ask_says_how_to_key_a_code_when_the_pairs_are_wrong() -> None:
    next_ = answer(CallState(), keys="2500#", question=CODE_Q)
    assert next_.do is Do.SAY and texts.KEYS_NOT_UNDERSTOOD in lines(next_)
    assert next_.remember and next_.reply.listen.kind == "letters"


def test_ask_maps_whole_key_entries_to_the_words_of_the_question_keypad() -> None:
    next_ = answer(CallState(), keys="9#", question=CODE_Q)
    assert (next_.do, next_.text) == (Do.DIALOGUE, "je n'ai pas de code")


@pytest.mark.parametrize(
    ("question", "keys", "sent"),
    [(YES_NO_Q, "1", "oui"), (YES_NO_Q, "2", "non"), (CHOICE_Q, "2", "2"), (NIR_Q, "12#", "12")],
)
def test_ask_sends_keys_as_the_question_kind_reads_them(
    question: Question, keys: str, sent: str
) -> None:
    next_ = answer(CallState(), keys=keys, question=question)
    assert (next_.do, next_.text) == (Do.DIALOGUE, sent)


def test_ask_sends_what_was_said_when_it_needs_no_read_back() -> None:
    next_ = answer(CallState(), text="je ne sais pas où il est", question=NIR_Q)
    assert (next_.do, next_.text) == (Do.DIALOGUE, "je ne sais pas où il est")


def test_ask_offers_the_link_at_the_credential_steps_whatever_is_said() -> None:
    question = Question("identifier", "identifier", "free")
    assert answer(CallState(), text="jean.dupont85", question=question).do is Do.OFFER_LINK


def test_ask_takes_a_lone_hash_as_a_silence() -> None:
    state = CallState()
    next_ = answer(state, keys="#")
    assert next_.do is Do.AGAIN and state.silences == 1


def test_silences_climb_a_ladder_then_the_call_says_goodbye() -> None:
    state = CallState()
    first = modes.on_silence(state, NIR_Q, "nir")
    assert first.do is Do.AGAIN and lines(first) == texts.NOT_HEARD
    second = modes.on_silence(state, NIR_Q, "nir")
    assert second.do is Do.SAY and lines(second) == f"{texts.STILL_NOT_HEARD} {NIR_Q.simpler}"
    assert second.reply.listen.kind == "digits" and "zéro" in second.reply.listen.hints
    assert "conseiller" in second.reply.listen.hints  # the control words are always expected
    third = modes.on_silence(state, NIR_Q, "nir")
    assert lines(third).startswith(texts.ADVISOR_OFFER)
    last = modes.on_silence(state, NIR_Q, "nir")
    assert last.reply.hangup and lines(last) == texts.GOODBYE_SILENT
    assert answer(state, keys="1").do is not None and state.silences == 0  # an answer resets


# --- CONFIRM -------------------------------------------------------------------------------
@pytest.mark.parametrize(("keys", "text"), [("1", ""), ("", "Oui, c'est exact.")])
def test_confirm_sends_the_value_on_yes(keys: str, text: str) -> None:
    state = CallState(mode=Mode.CONFIRM, pending_ref="ref")
    assert answer(state, keys=keys, text=text).do is Do.SEND_PENDING
    assert state.mode is Mode.ASK


@pytest.mark.parametrize(("keys", "text"), [("2", ""), ("", "non, recommencer")])
def test_confirm_asks_again_on_no(keys: str, text: str) -> None:
    state = CallState(mode=Mode.CONFIRM)
    next_ = answer(state, keys=keys, text=text)
    assert (next_.do, next_.intro, state.mode) == (Do.REASK, texts.CONFIRM_AGAIN, Mode.ASK)


def test_confirm_says_it_did_not_understand_anything_else_and_stays() -> None:
    state = CallState(mode=Mode.CONFIRM)
    next_ = answer(state, text="peut-être")
    assert next_.do is Do.AGAIN and lines(next_) == texts.NOT_UNDERSTOOD
    assert state.mode is Mode.CONFIRM


def test_confirm_silence_asks_for_the_key_again() -> None:
    state = CallState(mode=Mode.CONFIRM, silences=1)
    next_ = modes.on_silence(state, NIR_Q, "nir")
    assert texts.CONFIRM_OUTRO in lines(next_) and next_.reply.listen.kind == "confirm"


# --- WAIT ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("keys", "text"), [("1", ""), ("", "c'est bon"), ("", "Je suis prête")])
def test_wait_ends_when_the_person_is_ready(keys: str, text: str) -> None:
    state = CallState(mode=Mode.WAIT)
    next_ = answer(state, keys=keys, text=text)
    assert (next_.do, lines(next_), state.mode) == (Do.AGAIN, texts.LISTENING, Mode.ASK)


def test_wait_takes_an_answer_as_the_answer_to_the_question() -> None:
    state = CallState(mode=Mode.WAIT)
    next_ = answer(state, keys=NIR + "#")
    assert next_.do is Do.READ_BACK and state.mode is Mode.ASK


def test_wait_gives_rounds_of_silence_then_the_ladder() -> None:
    state = CallState(mode=Mode.WAIT)
    for _ in range(modes.MAX_WAIT_ROUNDS):
        next_ = modes.on_silence(state, NIR_Q, "nir")
        assert lines(next_) == texts.STILL_WAITING and state.silences == 0
    after = modes.on_silence(state, NIR_Q, "nir")
    assert after.do is Do.AGAIN and state.mode is Mode.ASK and state.silences == 1


# --- LINK ----------------------------------------------------------------------------------
def test_link_finishes_once_the_account_is_made() -> None:
    assert answer(CallState(mode=Mode.LINK), keys="1", step="done").do is Do.FINISHED
    assert modes.on_silence(CallState(mode=Mode.LINK), None, "done").do is Do.FINISHED


def test_link_says_not_yet_resends_and_waits() -> None:
    early = answer(CallState(mode=Mode.LINK), text="c'est fait", step="identifier")
    assert early.do is Do.SAY and lines(early).startswith(texts.LINK_NOT_YET)
    assert answer(CallState(mode=Mode.LINK), keys="2", step="identifier").do is Do.OFFER_LINK
    assert (
        answer(CallState(mode=Mode.LINK), text="Renvoyez le SMS", step="password").do
        is Do.OFFER_LINK
    )
    state = CallState(mode=Mode.LINK)
    waiting = modes.on_silence(state, None, "identifier")
    assert lines(waiting) == f"{texts.LINK_WAITING} {texts.LINK_MENU}" and state.wait_rounds == 1


# --- EMAIL_SMS -----------------------------------------------------------------------------
def test_email_sms_goes_on_with_the_dialogue_once_the_address_came() -> None:
    state = CallState(mode=Mode.EMAIL_SMS)
    next_ = answer(state, keys="1", step="otp_code")
    assert (next_.do, next_.intro, state.mode) == (Do.DIALOGUE, texts.EMAIL_RECEIVED, Mode.ASK)
    assert next_.text == "répéter"  # the dialogue asks its question again, the phone way
    silent = modes.on_silence(CallState(mode=Mode.EMAIL_SMS), None, "otp_code")
    assert silent.do is Do.DIALOGUE


def test_email_sms_says_not_yet_resends_and_waits() -> None:
    early = answer(CallState(mode=Mode.EMAIL_SMS), keys="1", step="new_contact")
    assert lines(early).startswith(texts.EMAIL_NOT_YET)
    assert answer(CallState(mode=Mode.EMAIL_SMS), keys="2", step="new_contact").do is Do.OFFER_EMAIL
    state = CallState(mode=Mode.EMAIL_SMS)
    assert texts.EMAIL_WAITING in lines(modes.on_silence(state, None, "new_contact"))


# --- RESUME_CHECK --------------------------------------------------------------------------
def test_resume_check_takes_no_control_word_but_restart_and_resend() -> None:
    state = CallState(mode=Mode.RESUME_CHECK)
    assert answer(state, keys="0").do is Do.CHECK_RESUME  # 0 is a digit of the code here
    assert answer(state, text="recommencer").do is Do.RESTART
    assert answer(state, text="renvoyer").do is Do.RESEND_RESUME
    assert answer(state, keys="9#").do is Do.RESEND_RESUME
    check = answer(state, keys="481072#")
    assert (check.do, check.text) == (Do.CHECK_RESUME, "481072")


def test_after_the_resume_check() -> None:
    state = CallState(mode=Mode.RESUME_CHECK)
    assert modes.after_resume_check(state, "wrong").reply.lines[0].text == texts.RESUME_WRONG
    for _ in range(modes.MAX_RESUME_TRIES - 1):
        assert modes.after_resume_check(state, "malformed").do is Do.SAY
    assert modes.after_resume_check(state, "malformed").do is Do.RESTART
    assert modes.after_resume_check(CallState(mode=Mode.RESUME_CHECK), "locked").do is Do.RESTART
    state = CallState(mode=Mode.RESUME_CHECK, resume_tries=2)
    ok = modes.after_resume_check(state, "ok")
    assert (ok.do, state.mode, state.resume_tries) == (Do.AGAIN, Mode.ASK, 0)


def test_resume_check_silence_asks_for_the_code() -> None:
    state = CallState(mode=Mode.RESUME_CHECK, silences=1)
    assert texts.RESUME_ASK in lines(modes.on_silence(state, None, "card_type"))


def test_every_mode_has_a_handler() -> None:
    assert set(modes.HANDLERS) == set(Mode)
