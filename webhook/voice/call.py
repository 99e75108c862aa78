"""A phone call with the assistant: the same dialogue as SMS, with what a voice needs around it.

The dialogue (Rasa, through `Dialogue.handle`) is not forked: each answer the person gives is
sent to it as text, and its replies are said, rewritten for the phone. Around it, this module
does what only a call needs:
- numbers (code, NIR, card serial) are read back slowly and confirmed ("tapez 1 si c'est exact,
  2 pour recommencer") *before* the dialogue sees them;
- the code is read when spelled ("A comme Anatole", "bé", "deux") or typed as key pairs;
- menus and yes/no questions answer to a key or a word;
- silence gets the question again, then a simpler one, then an advisor offer, then a goodbye;
- "répéter", "attendez" / "un instant" (a pause while the card is fetched) and "conseiller"
  (or 0) work at any time; an advisor is reached by transferring the call;
- passwords are never said: at that step an SMS brings a one-time link to a web page;
- a call that drops is resumed from the same number, after a code texted to it (`resume.py`);
  a second call while one from the number is live gets a conversation of its own (`calls.py`).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

import phonenumbers

from bot.french_numbers import strip_accents
from bot.one_time_codes import OneTimeCodeError
from bot.provisional_code import check_code
from bot.sms_text import to_gsm7
from bot.spelled_code import keypad_code, spell_code_groups
from bot.voice_prompts import (
    CREDENTIAL_STEPS,
    EMAIL_HINTS,
    FREE,
    PROMPTS,
    hints_for,
    prompt_for,
)
from bot.voice_readback import ReadBack, read_back_for
from bot.voice_text import digits_spoken, phone_wording
from messaging import MessagingError
from webhook.rasa_client import RasaUnavailable
from webhook.services import Services
from webhook.voice.calls import CallRegistry
from webhook.voice.links import PAGE_PATH, CredentialLinks
from webhook.voice.reply import Listen, VoiceReply
from webhook.voice.resume import ResumeCodes
from webhook.voice.state import CallState, CallStates

logger = logging.getLogger(__name__)

# -- what the call says that the dialogue does not --------------------------------------------
WELCOME = (
    "Bonjour, je suis l'assistant Mon espace santé. Je vais vous guider pour activer votre "
    "espace, ou vous y opposer. Gardez près de vous votre code provisoire et votre carte "
    "Vitale. À tout moment, dites « répéter », « attendez » si vous avez besoin d'un instant, "
    "ou « conseiller » ; vous pouvez aussi taper 0 pour un conseiller."
)
#: Replies of the dialogue replaced on the phone, by response name.
VOICE_RESPONSES = {
    "utter_welcome": WELCOME,
    "utter_wait": "Prenez votre temps, je reste en ligne.",
}
CONFIRM_OUTRO = "Tapez 1 si c'est exact, 2 pour recommencer."
CONFIRM_HINTS = "oui, non, c'est exact, c'est ça, recommencer, répéter"
NOT_HEARD = "Je n'ai rien entendu."
STILL_NOT_HEARD = "Je n'ai toujours rien entendu."
ADVISOR_OFFER = (
    "Si vous le souhaitez, un conseiller peut vous aider : tapez 0 ou dites « conseiller ». "
    "Sinon, je vous repose la question."
)
GOODBYE_SILENT = (
    "Je ne vous entends pas. Vos réponses sont gardées : rappelez ce numéro quand vous voulez, "
    "nous reprendrons là où vous en étiez. Au revoir."
)
GOODBYE = "Merci de votre appel. Au revoir."
WAIT = "Je vous attends, prenez votre temps. Quand vous êtes prêt, tapez 1 ou dites « c'est bon »."
STILL_WAITING = "Je suis toujours là. Quand vous êtes prêt, tapez 1 ou dites « c'est bon »."
MAX_WAIT_ROUNDS = 9  # 20 seconds each: three minutes to find a card
LISTENING = "Je vous écoute."
REPEAT = "Je répète."
TRANSFER = (
    "Je vous mets en relation avec un conseiller. Il verra ce que vous m'avez déjà donné. "
    "Restez en ligne."
)
TRANSFER_FAILED = (
    "Aucun conseiller n'a pu répondre. Votre demande reste enregistrée : un conseiller vous "
    "rappellera du lundi au vendredi, de 8 h 30 à 17 h. Reprenons ensemble."
)
NO_TRANSFER = (
    "Aucun conseiller n'est joignable par téléphone pour le moment. Votre demande est "
    "enregistrée : un conseiller vous rappellera du lundi au vendredi, de 8 h 30 à 17 h. "
    "En attendant, vous pouvez continuer avec moi."
)
KEYS_NOT_UNDERSTOOD = (
    "Je n'ai pas compris les touches tapées. Pour chaque lettre, tapez la touche qui la porte "
    "puis sa place sur cette touche ; pour un chiffre, le chiffre puis zéro. Par exemple, A : "
    "2 puis 1. Terminez par dièse. Vous pouvez aussi dire le code."
)
LINK_SMS = (
    "Mon espace santé : pour choisir votre identifiant et votre mot de passe, ouvrez ce lien "
    "(valable 15 minutes, une seule fois) : {url}\nVous pouvez aussi continuer par SMS : "
    "répondez à ce message avec l'identifiant que vous choisissez."
)
LINK_SENT = (
    "Il reste à choisir votre identifiant et votre mot de passe. Pour votre sécurité, on ne "
    "les dit pas au téléphone. Je viens de vous envoyer un SMS avec un lien, valable 15 "
    "minutes : ouvrez-le, et choisissez-les sur la page. Vous pouvez aussi répondre à ce SMS "
    "pour continuer par écrit."
)
LINK_CODE = "La page vous demandera ce code, qui n'est pas dans le SMS ; notez-le :"
LINK_MENU = (
    "Je vous dirai dès que votre espace sera activé. Quand c'est fait, tapez 1 ou dites « "
    "c'est fait ». Pour réentendre le code, tapez étoile ; pour recevoir un nouveau SMS, "
    "tapez 2. Vous pouvez aussi raccrocher : votre espace sera activé dès que vous aurez "
    "choisi sur la page."
)
LINK_NOT_YET = "Je n'ai pas encore reçu votre choix. Ouvrez le lien du SMS pour le faire."
LINK_WAITING = "Je reste en ligne pendant que vous choisissez sur la page."
LINK_FAILED = (
    "Le SMS n'a pas pu être envoyé. Tapez 2 pour réessayer, ou 0 pour parler à un conseiller."
)
LINK_LOCKED = (
    "Trop de liens ont été demandés pour le moment. Un conseiller peut vous aider à finir : "
    "tapez 0 ou dites « conseiller ». Vous pouvez aussi rappeler dans un quart d'heure."
)
NO_MOBILE = (
    "Il reste à choisir votre identifiant et votre mot de passe, qui ne se disent pas au "
    "téléphone. Je dois vous envoyer un lien par SMS, mais le numéro de cet appel n'est pas un "
    "mobile. Un conseiller peut vous aider à finir : tapez 0 ou dites « conseiller ». Vous "
    "pouvez aussi rappeler depuis votre téléphone mobile : vos réponses sont gardées."
)
EMAIL_SMS = (
    "Mon espace santé : répondez à ce SMS en écrivant votre nouvelle adresse e-mail. Un code "
    "de vérification vous sera envoyé à cette adresse."
)
EMAIL_SENT = (
    "Une adresse e-mail se dicte mal au téléphone. Je viens de vous envoyer un SMS : "
    "répondez-y en écrivant votre nouvelle adresse e-mail."
)
EMAIL_MENU = (
    "Quand c'est fait, tapez 1 ou dites « c'est fait ». Pour recevoir le SMS à nouveau, tapez 2. "
    "Vous pouvez aussi raccrocher et continuer par SMS."
)
EMAIL_NOT_YET = "Je n'ai pas encore reçu votre adresse. Répondez au SMS en l'écrivant."
EMAIL_WAITING = "Je reste en ligne pendant que vous répondez au SMS."
EMAIL_RECEIVED = "Merci, j'ai bien reçu votre nouvelle adresse e-mail."
EMAIL_NO_MOBILE = (
    "Une adresse e-mail se dicte mal au téléphone, et je ne peux pas envoyer de SMS à ce "
    "numéro. Un conseiller peut la noter avec vous : tapez 0 ou dites « conseiller ». Vous "
    "pouvez aussi l'épeler maintenant, par exemple : « jean point dupont arobase exemple point "
    "F R »."
)
RESUME_CHECK = (
    "Bonjour, je suis l'assistant Mon espace santé. Vous aviez commencé votre démarche lors "
    "d'un appel précédent. Pour reprendre là où vous en étiez, je viens de vous envoyer un "
    "code à 6 chiffres par SMS : tapez-le, puis dièse, ou dites-le. Pour tout recommencer, "
    "dites « recommencer »."
)
RESUME_ASK = (
    "Tapez le code à 6 chiffres reçu par SMS, puis dièse, ou dites-le. Pour recevoir un "
    "nouveau code, dites « renvoyer »."
)
RESUME_WRONG = "Ce n'est pas le bon code."
RESUME_RESENT = "Je vous ai envoyé un nouveau code par SMS."
RESUME_FAILED = "Je n'ai pas pu vérifier. Pour votre sécurité, nous reprenons depuis le début."
RESUME_NO_SMS = (
    "Vous aviez commencé votre démarche lors d'un appel précédent. Pour la reprendre, je dois "
    "envoyer un code par SMS au numéro de l'appel, ce qui n'est pas possible maintenant. Pour "
    "votre sécurité, nous reprenons depuis le début."
)
RESUME_HINTS = "renvoyer, recommencer, zéro, un, deux, trois, quatre, cinq, six, sept, huit, neuf"
RESUMED = "Merci. Reprenons là où vous en étiez."
RESUMED_PLAIN = "Bonjour, je suis l'assistant Mon espace santé. Reprenons là où vous en étiez."
MAX_RESUME_TRIES = 5  # answers that are not a 6-digit code; wrong codes: the code's own limit

_REPEAT_WORDS = {"repeter", "repete", "repetez", "pouvez vous repeter", "vous pouvez repeter"}
_WAIT_WORDS = {
    "attendez",
    "attends",
    "un instant",
    "attendez un instant",
    "un moment",
    "une minute",
    "une seconde",
    "patientez",
    "je cherche ma carte",
    "je vais chercher ma carte",
    "attendez je cherche",
}
_WAIT_STARTS = ("attendez", "attends", "un instant", "un moment", "une minute", "une seconde")
_ADVISOR_WORDS = {"conseiller", "un conseiller", "parler a un conseiller", "une personne"}
_RESTART_WORDS = {"recommencer", "tout recommencer", "je veux recommencer"}
_READY_WORDS = {"c'est bon", "cest bon", "je suis pret", "je suis prete", "pret", "prete", "ok"}
_YES = {"oui", "c'est exact", "exact", "c'est ca", "oui c'est ca", "oui c'est exact", "correct"}
_NO = {"non", "c'est faux", "faux", "non c'est faux", "recommencer", "non recommencer"}
_DONE_WORDS = {"c'est fait", "cest fait", "fait", "termine", "j'ai fini", "c'est termine"}
_RESEND_WORDS = {"renvoyer", "renvoyez", "renvoyez le sms", "je n'ai pas recu", "pas recu"}


def plain_words(text: str) -> str:
    """Lower case, no accents or punctuation: what control words are compared on."""
    words = "".join(c if c.isalnum() or c == "'" else " " for c in strip_accents(text or ""))
    return " ".join(words.replace("’", "'").split())


def is_wait(words: str) -> bool:
    """ "Attendez", "un instant", "attendez je cherche ma carte"…: the person needs a moment."""
    return words in _WAIT_WORDS or words.startswith(_WAIT_STARTS)


def is_mobile(address: str) -> bool:
    try:
        number = phonenumbers.parse(address, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


class VoiceCall:
    """One person's call; every method returns what the call does next."""

    def __init__(
        self,
        services: Services,
        states: CallStates,
        calls: CallRegistry,
        links: CredentialLinks,
        resume: ResumeCodes,
        voice_responses: Callable[[], dict[str, str]],
        advisors_open: Callable[[], bool],
    ) -> None:
        self.s = services
        self.states = states
        self.calls = calls
        self.links = links
        self.resume = resume
        self.voice_responses = voice_responses  # dialogue text -> response name
        self.advisors_open = advisors_open

    # -- entry points: `call_sid` is Twilio's CallSid (the simulator sends none) -------------
    def start(self, address: str, call_sid: str = "") -> VoiceReply:
        """A new call: resume a dropped one from this number, or greet and ask the first question."""
        call_sid = call_sid or "SIM" + secrets.token_hex(8)
        conversation_id, previous = self.calls.bind(address, call_sid)
        state = CallState(call_sid=call_sid, conversation_id=conversation_id)
        return self._settle(state, self._start(conversation_id, state, previous, address))

    def answer(
        self, address: str, digits: str = "", speech: str = "", call_sid: str = ""
    ) -> VoiceReply:
        """The person pressed keys and/or spoke (Twilio's `Digits` / `SpeechResult`)."""
        state = self._state(address, call_sid)
        if state is None:  # a call this service never answered: greet it
            return self.start(address, call_sid)
        return self._settle(state, self._answer(state.conversation_id, state, digits, speech))

    def silence(self, address: str, call_sid: str = "") -> VoiceReply:
        """The gather ended without a key or a word."""
        state = self._state(address, call_sid)
        if state is None:
            return self.start(address, call_sid)
        return self._settle(state, self._silence(state.conversation_id, state))

    def dialed(self, address: str, status: str, call_sid: str = "") -> VoiceReply:
        """The transfer to an advisor ended (Twilio's `DialCallStatus`)."""
        state = self._state(address, call_sid)
        if state is None:
            return self.start(address, call_sid)
        if status == "completed":
            return self._settle(state, VoiceReply(hangup=True).say(GOODBYE))
        reply = self._again(state, VoiceReply().say(TRANSFER_FAILED), state.conversation_id)
        return self._settle(state, reply)

    def ended(self, address: str, call_sid: str = "") -> None:
        """The call is over (status callback, or the simulator's "Raccrocher")."""
        state = self._state(address, call_sid)
        if state is not None:
            self.calls.release(state)

    def _state(self, address: str, call_sid: str) -> CallState | None:
        return self.states.load(call_sid or self.calls.latest_call(address))

    def _settle(self, state: CallState, reply: VoiceReply) -> VoiceReply:
        """The call stays live while it goes on; a reply that hangs up ends it."""
        if reply.hangup:
            self.calls.release(state)
        else:
            self.calls.touch(state, transfer=reply.dial is not None)
        return reply

    def _start(
        self, conversation_id: str, state: CallState, previous: CallState | None, address: str
    ) -> VoiceReply:
        record = self.s.conversations.get(conversation_id) or {}
        if previous is not None:
            self._drop_pending(conversation_id, previous)
            state.last = previous.last
        resumable = previous is not None and previous.resumable()
        if not resumable or record.get("step") in ("", "done", None):
            return self._turn(conversation_id, state, "Bonjour")
        if not self._identity_given(conversation_id):  # nothing personal to protect yet
            reply = VoiceReply().say(RESUMED_PLAIN)
            return self._remember(conversation_id, state, self._again(state, reply))
        if not (is_mobile(address) and self.resume.send(conversation_id, address)):
            return self._restart(conversation_id, state, RESUME_NO_SMS)
        state.mode = "resume_check"
        self.states.save(conversation_id, state)  # `last` stays the question to resume with
        return VoiceReply(listen=Listen("digits", RESUME_HINTS)).say(RESUME_CHECK)

    def _answer(
        self, conversation_id: str, state: CallState, digits: str, speech: str
    ) -> VoiceReply:
        state.silences = 0
        keys = (digits or "").strip()
        text = (speech or "").strip()
        words = plain_words(text)

        if state.mode == "resume_check":
            return self._resume_check(conversation_id, state, keys, text, words)
        if keys == "0" or words in _ADVISOR_WORDS:
            return self._to_advisor(conversation_id, state)
        if keys == "*" or words in _REPEAT_WORDS:
            return self._repeat(conversation_id, state)
        if is_wait(words):
            state.mode, state.wait_rounds = "wait", 0
            self.states.save(conversation_id, state)
            return VoiceReply(listen=Listen("wait", "c'est bon, je suis prêt")).say(WAIT)
        if state.mode == "wait":
            state.mode = ""
            if keys == "1" or words in _READY_WORDS or not (keys or text):
                return self._again(state, VoiceReply().say(LISTENING), conversation_id)
        if state.mode == "confirm":
            return self._confirm(conversation_id, state, keys, words)
        if state.mode == "link":
            return self._link_choice(conversation_id, state, keys, words)
        if state.mode == "email_sms":
            return self._email_choice(conversation_id, state, keys, words)
        return self._answer_step(conversation_id, state, keys, text)

    def _silence(self, conversation_id: str, state: CallState) -> VoiceReply:
        if state.mode in ("wait", "link", "email_sms") and state.wait_rounds < MAX_WAIT_ROUNDS:
            state.wait_rounds += 1
            if state.mode == "link" and self._step(conversation_id) == "done":
                return self._finished(conversation_id, state)
            if state.mode == "email_sms" and self._step(conversation_id) != "new_contact":
                return self._email_received(conversation_id, state)
            self.states.save(conversation_id, state)
            if state.mode == "wait":
                return VoiceReply(listen=Listen("wait", "c'est bon")).say(STILL_WAITING)
            if state.mode == "email_sms":
                return VoiceReply(listen=Listen("menu", "c'est fait")).say(
                    EMAIL_WAITING, EMAIL_MENU
                )
            return VoiceReply(listen=Listen("menu", "c'est fait")).say(LINK_WAITING, LINK_MENU)
        state.silences += 1
        step = self._step(conversation_id)
        if state.silences == 1:
            return self._again(state, VoiceReply().say(NOT_HEARD), conversation_id)
        if state.silences >= 4:
            self.states.save(conversation_id, state)
            return VoiceReply(hangup=True).say(GOODBYE_SILENT)
        reply = VoiceReply().say(STILL_NOT_HEARD if state.silences == 2 else ADVISOR_OFFER)
        if state.mode == "confirm":
            reply.say(CONFIRM_OUTRO).listen = Listen("confirm", CONFIRM_HINTS)
        elif state.mode == "link":
            reply.say(LINK_MENU).listen = Listen("menu", "c'est fait")
        elif state.mode == "email_sms":
            reply.say(EMAIL_MENU).listen = Listen("menu", "c'est fait")
        elif state.mode == "resume_check":
            reply.say(RESUME_ASK).listen = Listen("digits", RESUME_HINTS)
        else:
            prompt = prompt_for(step)
            reply.say(prompt.simpler).listen = Listen(prompt.kind, hints_for(step))
        self.states.save(conversation_id, state)
        return reply

    # -- the dialogue --------------------------------------------------------------------------
    def _turn(self, conversation_id: str, state: CallState, text: str) -> VoiceReply:
        """Sends `text` to the dialogue and says its replies; asks the next question the phone way."""
        before = self._step(conversation_id)
        was_waiting = self._waiting(conversation_id)
        replies = self.s.dialogue.handle(conversation_id, text, "voice")
        if not was_waiting and self._waiting(conversation_id):
            # "Je voudrais parler à quelqu'un", or the dialogue gave up (identity locked, card
            # refused): the conversation joined the advisors' queue; put the call through.
            transfer = self._transfer(conversation_id, state)
            if transfer is not None:
                return transfer
        return self._after_turn(conversation_id, state, replies, before)

    def _after_turn(
        self, conversation_id: str, state: CallState, replies: list[str], before: str
    ) -> VoiceReply:
        record = self.s.conversations.get(conversation_id) or {}
        step = record.get("step") or ""
        names = self.voice_responses()
        said: list[str] = []
        for text in replies:
            name = names.get(text.strip(), "")
            asked_below = step in PROMPTS and PROMPTS[step].question
            if name.startswith("utter_ask_") and (asked_below or step in CREDENTIAL_STEPS):
                continue  # the question is asked below, the phone way (or by the link page)
            said.append(VOICE_RESPONSES.get(name) or phone_wording(text))
        if step in CREDENTIAL_STEPS:
            return self._offer_link(conversation_id, state, said)
        if step == "new_contact" and self._slot(conversation_id, "contact_change") == "email":
            return self._offer_email_by_sms(conversation_id, state, said)
        reply = VoiceReply().say(*said)
        if step == "done":
            state.mode = ""
            self.states.save(conversation_id, state)
            reply.hangup = True
            return reply.say(GOODBYE)
        prompt = prompt_for(step)
        retry = step == before and step in PROMPTS
        question = prompt.simpler if retry else prompt.question
        if question:
            reply.say(question)
        elif not said:
            reply.say(LISTENING if prompt is FREE else prompt.simpler)
        reply.listen = Listen(prompt.kind, hints_for(step))
        state.mode = ""
        return self._remember(conversation_id, state, reply)

    def _answer_step(
        self, conversation_id: str, state: CallState, keys: str, text: str
    ) -> VoiceReply:
        step = self._step(conversation_id)
        if step in CREDENTIAL_STEPS:
            return self._offer_link(conversation_id, state, [])
        keys = keys.rstrip("#")  # the key that ends an entry is not part of the answer
        if not keys and not text:
            return self.silence_like(conversation_id, state)
        prompt = prompt_for(step)
        if keys and prompt.words_for_keys(keys):
            keys, text = "", prompt.words_for_keys(keys) or ""
        kind = prompt.kind
        if kind == "code":
            if keys:
                typed = keypad_code(keys)
                if typed.value is None:
                    reply = VoiceReply(listen=Listen("code", hints_for(step)))
                    return self._remember(conversation_id, state, reply.say(KEYS_NOT_UNDERSTOOD))
                text = typed.value
            check = check_code(text)
            if check.value:
                groups = spell_code_groups(check.value)
                back = ReadBack(check.value, groups, "code", "J'ai noté le code :")
                return self._read_back(conversation_id, state, back)
        elif kind == "digits":
            back = read_back_for(step, keys or text)
            if back is not None:
                return self._read_back(conversation_id, state, back)
            text = re.sub(r"\D", "", keys) if keys else text
        elif kind == "menu" and keys:
            text = keys[:1]
        elif kind == "yes_no" and keys:
            text = {"1": "oui", "2": "non"}.get(keys[:1], keys)
        elif keys:
            text = keys
        return self._turn(conversation_id, state, text)

    def silence_like(self, conversation_id: str, state: CallState) -> VoiceReply:
        """Only # was pressed, or the recogniser heard nothing it could write down."""
        return self._silence(conversation_id, state)

    # -- read back and confirm ----------------------------------------------------------------
    def _read_back(self, conversation_id: str, state: CallState, back: ReadBack) -> VoiceReply:
        """Says `back` slowly and waits for "1" (exact); the value waits in the vault."""
        self._drop_pending(conversation_id, state)
        state.pending_ref = self.s.vault.put(back.vault_kind, back.value, conversation_id)
        state.mode = "confirm"
        reply = VoiceReply(listen=Listen("confirm", CONFIRM_HINTS)).say(back.heard)
        reply.read_back(back.groups).say(CONFIRM_OUTRO)
        return self._remember(conversation_id, state, reply)

    def _confirm(self, conversation_id: str, state: CallState, keys: str, words: str) -> VoiceReply:
        if keys[:1] == "1" or words in _YES:
            value = (
                self.s.vault.get(state.pending_ref, conversation_id) if state.pending_ref else None
            )
            self._drop_pending(conversation_id, state)
            state.mode = ""
            if value is None:  # the vault entry expired meanwhile: ask again
                return self._ask(conversation_id, state, retry=False)
            return self._turn(conversation_id, state, value)
        if keys[:1] == "2" or words in _NO:
            self._drop_pending(conversation_id, state)
            state.mode = ""
            return self._ask(conversation_id, state, retry=False, intro="D'accord, recommençons.")
        reply = VoiceReply.from_json(state.last) if state.last else VoiceReply()
        reply.prepend("Je n'ai pas compris votre réponse.")
        self.states.save(conversation_id, state)
        return reply

    def _ask(
        self, conversation_id: str, state: CallState, retry: bool, intro: str = ""
    ) -> VoiceReply:
        step = self._step(conversation_id)
        prompt = prompt_for(step)
        reply = VoiceReply(listen=Listen(prompt.kind, hints_for(step))).say(intro)
        reply.say((prompt.simpler if retry else prompt.question) or prompt.simpler)
        return self._remember(conversation_id, state, reply)

    def _drop_pending(self, conversation_id: str, state: CallState) -> None:
        if state.pending_ref:
            self.s.vault.delete(state.pending_ref)
            state.pending_ref = ""

    # -- repeat, pause ------------------------------------------------------------------------
    def _repeat(self, conversation_id: str, state: CallState) -> VoiceReply:
        return self._again(state, VoiceReply().say(REPEAT), conversation_id)

    def _again(
        self, state: CallState, reply: VoiceReply, conversation_id: str | None = None
    ) -> VoiceReply:
        """`reply`'s lines, then the last question asked (or the current step's)."""
        if state.last:
            last = VoiceReply.from_json(state.last)
            reply.lines += last.lines
            reply.listen = last.listen
        else:
            step = self._step(conversation_id) if conversation_id else ""
            prompt = prompt_for(step)
            reply.say(prompt.question or prompt.simpler).listen = Listen(
                prompt.kind, hints_for(step)
            )
        if conversation_id:
            self.states.save(conversation_id, state)
        return reply

    def _remember(self, conversation_id: str, state: CallState, reply: VoiceReply) -> VoiceReply:
        """Saves the state with `reply` as the question to repeat."""
        if reply.listen is not None:
            state.last = reply.to_json()
        self.states.save(conversation_id, state)
        return reply

    # -- advisor -------------------------------------------------------------------------------
    def _to_advisor(self, conversation_id: str, state: CallState) -> VoiceReply:
        """The dialogue records the request (the advisor console lists the conversation, with
        what was collected); the call is transferred when a number is set and advisors work."""
        self._drop_pending(conversation_id, state)
        state.mode = ""
        before = self._step(conversation_id)
        self.s.dialogue.handle(conversation_id, "conseiller", "voice")
        transfer = self._transfer(conversation_id, state)
        if transfer is not None:
            return transfer
        reply = self._after_turn(conversation_id, state, [], before)
        reply.prepend(NO_TRANSFER)
        return self._remember(conversation_id, state, reply)

    def _transfer(self, conversation_id: str, state: CallState) -> VoiceReply | None:
        """The `<Dial>` to an advisor, when a number is set and advisors are at work."""
        number = self.s.settings.advisor_transfer_number
        if not (number and self.advisors_open()):
            return None
        self.s.conversations.update(conversation_id, transferred="1")
        self.states.save(conversation_id, state)
        return VoiceReply(dial=number).say(TRANSFER)

    def _waiting(self, conversation_id: str) -> bool:
        return (self.s.conversations.get(conversation_id) or {}).get("state") == "waiting"

    # -- identifier and password: a link by SMS -----------------------------------------------
    def _offer_link(self, conversation_id: str, state: CallState, said: list[str]) -> VoiceReply:
        address = self.s.conversations.address(conversation_id) or ""
        reply = VoiceReply(listen=Listen("menu", "c'est fait, renvoyer")).say(*said)
        if not is_mobile(address):
            state.mode = ""
            return self._remember(conversation_id, state, reply.say(NO_MOBILE))
        state.mode, state.wait_rounds = "link", 0
        try:
            spoken = self._send_link(conversation_id, address, state)
        except OneTimeCodeError:
            spoken = None
            reply.say(LINK_LOCKED)
        if spoken:
            spoken_groups = [digits_spoken(spoken[:3]), digits_spoken(spoken[3:])]
            reply.say(LINK_SENT, LINK_CODE).read_back(spoken_groups).say(LINK_MENU)
        elif spoken is not None:
            reply.say(LINK_FAILED)
        return self._remember(conversation_id, state, reply)

    def _send_link(self, conversation_id: str, address: str, state: CallState) -> str:
        """Texts a new link; returns the code to say aloud ("" when the SMS failed)."""
        link = self.links.issue(conversation_id)
        url = self.s.settings.public_base_url + PAGE_PATH + link.token
        sent = self._send_sms(conversation_id, address, LINK_SMS.format(url=url), state)
        return link.spoken_code if sent else ""

    def _send_sms(self, conversation_id: str, address: str, body: str, state: CallState) -> bool:
        try:
            self.s.messenger.send_sms(address, to_gsm7(body))
        except MessagingError as error:
            logger.warning("SMS of the call %s not sent: %s", conversation_id, error)
            return False
        # An answer to that SMS continues this conversation while the call waits for it.
        self.calls.await_sms(address, state)
        return True

    def _link_choice(
        self, conversation_id: str, state: CallState, keys: str, words: str
    ) -> VoiceReply:
        if self._step(conversation_id) == "done":
            return self._finished(conversation_id, state)
        if keys[:1] == "2" or words in _RESEND_WORDS:
            return self._offer_link(conversation_id, state, [])
        reply = VoiceReply(listen=Listen("menu", "c'est fait, renvoyer"))
        if keys[:1] == "1" or words in _DONE_WORDS:
            reply.say(LINK_NOT_YET)
        return self._remember(conversation_id, state, reply.say(LINK_MENU))

    def _finished(self, conversation_id: str, state: CallState) -> VoiceReply:
        """The account was created on the link page: say so, with the dialogue's own words."""
        state.mode = ""
        self.states.save(conversation_id, state)
        last = [
            e["text"]
            for e in self.s.conversations.transcript(conversation_id)[-3:]
            if e.get("from") == "bot"
        ]
        reply = VoiceReply(hangup=True)
        reply.say(*(phone_wording(t) for t in last[-1:]))
        return reply.say(GOODBYE)

    # -- a new e-mail address: by SMS, since one cannot be dictated reliably ---------------
    def _offer_email_by_sms(
        self, conversation_id: str, state: CallState, said: list[str]
    ) -> VoiceReply:
        address = self.s.conversations.address(conversation_id) or ""
        reply = VoiceReply().say(*said)
        if not is_mobile(address):  # no SMS to a landline: dictate it, or an advisor
            state.mode = ""
            reply.say(EMAIL_NO_MOBILE).listen = Listen("free", ", ".join(EMAIL_HINTS))
            return self._remember(conversation_id, state, reply)
        state.mode, state.wait_rounds = "email_sms", 0
        reply.listen = Listen("menu", "c'est fait, renvoyer")
        if self._send_sms(conversation_id, address, EMAIL_SMS, state):
            reply.say(EMAIL_SENT, EMAIL_MENU)
        else:
            reply.say(LINK_FAILED)
        return self._remember(conversation_id, state, reply)

    def _email_choice(
        self, conversation_id: str, state: CallState, keys: str, words: str
    ) -> VoiceReply:
        if self._step(conversation_id) != "new_contact":
            return self._email_received(conversation_id, state)
        if keys[:1] == "2" or words in _RESEND_WORDS:
            return self._offer_email_by_sms(conversation_id, state, [])
        reply = VoiceReply(listen=Listen("menu", "c'est fait, renvoyer"))
        if keys[:1] == "1" or words in _DONE_WORDS:
            reply.say(EMAIL_NOT_YET)
        return self._remember(conversation_id, state, reply.say(EMAIL_MENU))

    def _email_received(self, conversation_id: str, state: CallState) -> VoiceReply:
        """The address came by SMS and the dialogue moved on (the code sent there): go on."""
        state.mode = ""
        return self._ask(conversation_id, state, retry=True, intro=EMAIL_RECEIVED)

    # -- resuming a dropped call ---------------------------------------------------------------
    def _resume_check(
        self, conversation_id: str, state: CallState, keys: str, text: str, words: str
    ) -> VoiceReply:
        """The caller gives the code just texted to the number (see `resume.py`)."""
        if words in _RESTART_WORDS:
            return self._restart(conversation_id, state, "")
        reply = VoiceReply(listen=Listen("digits", RESUME_HINTS))
        if words in _RESEND_WORDS or keys.rstrip("#") == "9":
            address = self.s.conversations.address(conversation_id) or ""
            if not self.resume.send(conversation_id, address):
                return self._restart(conversation_id, state, RESUME_FAILED)
            return reply.say(RESUME_RESENT, RESUME_ASK)
        result = self.resume.check(conversation_id, keys, text)
        if result.ok:
            state.mode, state.resume_tries = "", 0
            return self._again(state, VoiceReply().say(RESUMED), conversation_id)
        if result.outcome not in ("wrong", "malformed"):  # locked, expired: no second chance
            return self._restart(conversation_id, state, RESUME_FAILED)
        if result.outcome == "malformed":
            state.resume_tries += 1
            if state.resume_tries >= MAX_RESUME_TRIES:
                return self._restart(conversation_id, state, RESUME_FAILED)
        self.states.save(conversation_id, state)
        return reply.say(RESUME_WRONG if result.outcome == "wrong" else "", RESUME_ASK)

    def _restart(self, conversation_id: str, state: CallState, intro: str) -> VoiceReply:
        state.mode, state.resume_tries = "", 0
        state.last = None
        reply = self._turn(conversation_id, state, "recommencer")
        return reply.prepend(intro)

    def _identity_given(self, conversation_id: str) -> bool:
        """True once the NIR was given (its display mask is kept); when the tracker cannot be
        read, True too: a resume is checked rather than trusted."""
        try:
            return bool(self.s.rasa.tracker_slots(conversation_id).get("nir_masked"))
        except RasaUnavailable:
            return True

    # -- helpers -------------------------------------------------------------------------------
    def _slot(self, conversation_id: str, name: str) -> str:
        try:
            return str(self.s.rasa.tracker_slots(conversation_id).get(name) or "")
        except RasaUnavailable:
            return ""

    def _step(self, conversation_id: str | None) -> str:
        if not conversation_id:
            return ""
        return (self.s.conversations.get(conversation_id) or {}).get("step") or ""


def responses_by_text(domain: dict[str, Any]) -> dict[str, str]:
    """Dialogue reply text → response name, from the model's domain (texts without variables)."""
    out: dict[str, str] = {}
    for name, variants in (domain.get("responses") or {}).items():
        for variant in variants or []:
            text = (variant or {}).get("text")
            if text and "{" not in text:
                out.setdefault(text.strip(), name)
    return out
