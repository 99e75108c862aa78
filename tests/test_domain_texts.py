"""The dialogue's words live in the domain's responses (bot/domain/*.yml).

What the assistant says costs money per SMS segment: every response stays short. Every response
the actions and bot/ name exists, the questions actions ask say which step they are, and each
message of a handoff says why. (Rendering each response with its values: tests/support/rendering.py,
used by the action tests.)
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
import yaml

from bot import responses
from bot.helpline import HELPLINE
from bot.settings import ROOT
from bot.sms_text import is_gsm7, segments, to_gsm7
from tests.support.rendering import render

#: Not sent in the dialogue: the one-time code's e-mail (its body is long on purpose).
NOT_SMS = {"utter_one_time_code_email"}
#: Questions actions ask (issues/REPLY_CONTRACT.md): the step the next message answers.
ACTION_QUESTIONS = {
    "utter_confirm_reading": "confirm_nir",
    "utter_confirm_reading_choice": "confirm_nir",
    "utter_confirm_reading_several": "confirm_nir",
    "utter_confirm_email": "new_contact",
    "utter_which_field": "nir",
    "utter_identifier_lowercase": "identifier",
}
#: Messages said in a turn that hands the conversation to the advisors.
HANDOFFS = {
    "utter_advisor_requested",
    "utter_identity_locked",
    "utter_identity_still_locked",
    "utter_cannot_activate_here",
    "utter_card_locked",
    "utter_no_mobile_on_file",
    "utter_mobile_not_theirs",
    "utter_otp_locked",
}


def with_helpline(text: str) -> str:
    """A response as sent: the helpline's variables filled in (rasa_addons/helpline_nlg.py)."""
    for name, value in HELPLINE.template_values().items():
        text = text.replace("{" + name + "}", value)
    return text


def domain_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        for name, variants in (
            (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        ).items():
            # the phone's variants are spoken, not sent: they cost no SMS segment
            texts += [
                (name, with_helpline(v["text"]))
                for v in variants
                if v.get("text") and not v.get("channel") and name not in NOT_SMS
            ]
    return texts


def named_in_code() -> set[str]:
    files = [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").glob("*.py")]
    code = "\n".join(path.read_text() for path in files)
    return set(re.findall(r"\"(utter_\w+)\"", code)) - {"utter_action"}


@pytest.mark.parametrize(("name", "text"), domain_texts())
def test_each_message_fits_in_two_gsm7_segments(name: str, text: str) -> None:
    sms = to_gsm7(text)
    assert is_gsm7(sms)
    assert "?" not in sms.replace(" ?", ""), f"{name}: a character had no GSM-7 equivalent"
    assert segments(sms) <= 2, f"{name} takes {segments(sms)} SMS segments"


def test_every_response_named_in_the_code_exists() -> None:
    names = named_in_code()
    assert len(names) > 100  # the regex finds them (a broken one would pass on nothing)
    assert sorted(names - set(responses.responses())) == []


def test_no_action_sends_raw_text_any_more() -> None:
    """A message built in the action's code (`utter_message(text=…)`) is a sentence outside the
    domain; the only one left repeats the bot's own last message ("répétez")."""
    raw = []
    for path in (ROOT / "actions").rglob("*.py"):
        for line in path.read_text().splitlines():
            if "utter_message(text=" in line or "utter_message(\n" in line:
                raw.append(path.name)
    assert raw == ["action_answer.py"]


@pytest.mark.parametrize(("name", "step"), sorted(ACTION_QUESTIONS.items()))
def test_questions_actions_ask_say_their_step(name: str, step: str) -> None:
    values = {
        "field": "nir",
        "asked": "nir",
        "label": "x",
        "reading": "r",
        "options": "o",
        "choices": "1 ou 2",
        "address": "a@b.fr",
        "spelled": "a",
        "suggestion": "s",
    }
    message = render({"response": name, **values}, {})
    assert message["custom"]["step"] == step
    assert message["custom"]["kind"] in ("yes_no", "choice")


@pytest.mark.parametrize("name", sorted(HANDOFFS))
def test_handoff_messages_say_why(name: str) -> None:
    message = render({"response": name}, {"handoff_reason": "locked"})
    assert message["custom"] == {"handoff": "locked"}


def test_rendering_fails_on_a_missing_value() -> None:
    with pytest.raises(AssertionError, match="not filled"):
        render({"response": "utter_otp_throttled"}, {})
    with pytest.raises(AssertionError, match="no response"):
        render({"response": "utter_nothing_like_this"}, {})


def test_rule_lists_render_from_the_domain() -> None:
    from bot.credentials import IDENTIFIER_RULES_FR, PASSWORD_RULES_FR

    assert IDENTIFIER_RULES_FR["too_short"] == "au moins 8 caractères"
    assert PASSWORD_RULES_FR["no_digit"] == "au moins un chiffre"
    assert responses.text("utter_attempts_left_many", count=2) == "Il vous reste 2 essais."


#: Owned elsewhere until issue 15's voice work removes them (helper "voice").
SENTENCES_ELSEWHERE = {"voice_prompts.py", "voice_text.py", "voice_readback.py", "spelled_code.py"}
FRENCH_WORDS = re.compile(r"\b(vous|votre|vos|est|pas|le|la|les|de|du|un|une|pour|ou)\b", re.I)


def python_sentences(path: Any) -> list[str]:
    """String constants of `path` that read like a French sentence of the dialogue: capital
    first, several words among them French ones, ending like a sentence (docstrings and
    log or error messages in English aside)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        text = " ".join(node.value.split())
        if id(node) in docstrings or len(text.split()) < 4:
            continue
        if text[0].isupper() and len(FRENCH_WORDS.findall(text)) >= 2 and text[-1] in ".?!:":
            found.append(f"{path.name}:{node.lineno}: {text[:60]}")
    return found


def test_no_dialogue_sentence_is_written_in_python() -> None:
    files = [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").glob("*.py")]
    found = [
        sentence
        for path in files
        if path.name not in SENTENCES_ELSEWHERE
        for sentence in python_sentences(path)
    ]
    assert found == []


def test_the_sentence_finder_finds_one(tmp_path: Any) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('X = "Votre code est trop court : il a 12 caractères."\n')
    assert python_sentences(sample) == [
        "sample.py:1: Votre code est trop court : il a 12 caractères."
    ]


def test_a_table_of_fragments_reads_like_a_dict() -> None:
    from bot.credentials import PASSWORD_RULES_FR

    assert list(PASSWORD_RULES_FR.values())[0] == "au moins 8 caractères"
    assert dict(PASSWORD_RULES_FR.items())["no_digit"] == "au moins un chiffre"
