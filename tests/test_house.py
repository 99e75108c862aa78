"""The house rules of scripts/check_house.py: each rule on small files, then the repository."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_house", ROOT / "scripts" / "check_house.py")
check_house = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_house)  # type: ignore[union-attr]
sys.path.remove(str(ROOT / "scripts"))  # put there by check_house; nothing else needs it

from house_french import looks_like_french_sentence  # noqa: E402


def found(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """The violations in a tree made of `files`, as `path:line:rule` strings."""
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [f"{v.path}:{v.line}:{v.rule}" for v in check_house.check(tmp_path)]


# --- size
def test_a_module_of_401_lines_is_too_long_and_400_is_not(tmp_path: Path) -> None:
    assert found(tmp_path, {"bot/ok.py": "x = 1\n" * 400}) == []
    assert found(tmp_path, {"tests/long.py": "x = 1\n" * 401}) == ["tests/long.py:1:size"]


def test_environments_and_data_are_not_ours(tmp_path: Path) -> None:
    long = "x = 1\n" * 401
    files = {f"{d}/m.py": long for d in (".venv/lib", "var", "models", "vendor", "venv")}
    assert found(tmp_path, files) == []


# --- Rasa's private parts
RASA_SUBCLASS = """
from rasa.core.tracker_store import RedisTrackerStore

class Store(RedisTrackerStore):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._secret = 1

    def save(self, tracker):
        self._secret += 1
        return self._own_helper(tracker)

    def _own_helper(self, tracker):
        return {body}
"""


def test_our_own_private_attributes_in_a_rasa_subclass_are_ours(tmp_path: Path) -> None:
    text = RASA_SUBCLASS.format(body="self._secret")
    assert found(tmp_path, {"rasa_addons/store.py": text}) == []


@pytest.mark.parametrize(
    "body", ["self._merge_trackers(tracker, tracker)", "super()._retrieve('x')"]
)
def test_rasa_private_reached_through_self_or_super_is_flagged(tmp_path: Path, body: str) -> None:
    text = RASA_SUBCLASS.format(body=body)
    assert found(tmp_path, {"rasa_addons/store.py": text}) == [
        "rasa_addons/store.py:14:rasa-private"
    ]


def test_overriding_a_rasa_private_method_is_flagged_through_our_own_base(tmp_path: Path) -> None:
    base = "from rasa.core.tracker_store import RedisTrackerStore\n\nclass Base(RedisTrackerStore):\n    pass\n"
    child = "from rasa_addons.base import Base\n\nclass Child(Base):\n    def _retrieve(self, key):\n        return None\n"
    files = {
        "rasa_addons/__init__.py": "",
        "rasa_addons/base.py": base,
        "rasa_addons/child.py": child,
    }
    assert found(tmp_path, files) == ["rasa_addons/child.py:4:rasa-private"]


def test_an_instance_of_our_rasa_subclass_is_rasas_for_its_private_parts(tmp_path: Path) -> None:
    base = RASA_SUBCLASS.format(body="None")
    user = (
        "from rasa_addons.store import Store\n\n"
        "def use(tracker):\n"
        "    store = Store()\n"
        "    store._secret\n"
        "    return store._merge_trackers(tracker, tracker)\n"
    )
    files = {"rasa_addons/__init__.py": "", "rasa_addons/store.py": base, "tests/t.py": user}
    assert found(tmp_path, files) == ["tests/t.py:6:rasa-private"]


def test_private_imports_and_attributes_of_rasa_names_are_flagged(tmp_path: Path) -> None:
    text = (
        "from rasa.core.actions import action as rasa_action\n"
        "from rasa_sdk.executor import _private_thing\n"
        "from rasa.shared.core.trackers import DialogueStateTracker\n\n"
        "def f(tracker: DialogueStateTracker, other) -> None:\n"
        "    rasa_action.RemoteAction._validate_action_result\n"
        "    tracker._paused\n"
        "    other._paused\n"
        "    getattr(tracker, '_latest')\n"
    )
    assert found(tmp_path, {"bot/m.py": text}) == [
        "bot/m.py:2:rasa-private",
        "bot/m.py:6:rasa-private",
        "bot/m.py:7:rasa-private",
        "bot/m.py:9:rasa-private",
    ]


def test_patching_rasa_is_flagged_and_the_compat_package_may(tmp_path: Path) -> None:
    text = (
        "from rasa_sdk.executor import ActionExecutor\n\n"
        "def patch(run):\n"
        "    ActionExecutor.run = run\n"
        "    ActionExecutor._helper = run\n"
    )
    assert found(tmp_path, {"rasa_addons/patch.py": text, "rasa_addons/compat/nlu.py": text}) == [
        "rasa_addons/patch.py:4:rasa-patch",
        "rasa_addons/patch.py:5:rasa-patch",
        "rasa_addons/patch.py:5:rasa-private",
    ]


def test_private_names_of_other_libraries_are_not_rasa(tmp_path: Path) -> None:
    text = "import json\nfrom collections import OrderedDict\n\ndef f(d: OrderedDict):\n    d._private\n    json._default_encoder\n"
    assert found(tmp_path, {"bot/m.py": text}) == []


# --- French sentences
@pytest.mark.parametrize(
    "text",
    [
        "Je répète.",
        "Votre code a expiré. Écrivez RENVOYER.",
        "Requête refusée : rechargez la page.",
        " puis tapez la touche dièse.",  # a piece of a sentence
        "Votre code est {x}",
        "Je n'ai pas compris votre réponse.",
    ],
)
def test_french_sentences_are_recognised(text: str) -> None:
    assert looks_like_french_sentence(text)


@pytest.mark.parametrize(
    "text",
    [
        "janvier",
        "numéro de sécurité sociale",  # a speech hint
        "je ne sais pas",  # a control word
        "ce n'est pas mon numéro",
        "[mot de passe masqué]",
        "Backend did not answer: %s.",
        "(?:le |la |num[eé]ro )?(\\d)",
        "Mon espace santé <ne-pas-repondre@example.invalid>",
        "OK.",
    ],
)
def test_data_and_english_are_not_sentences(text: str) -> None:
    assert not looks_like_french_sentence(text)


def test_sentences_are_flagged_in_the_dialogue_code_only(tmp_path: Path) -> None:
    module = (
        '"""Docstring : ceci est une phrase en français, pas un texte montré."""\n'
        "HINTS = ['numéro de sécurité sociale', 'je ne sais pas']\n"
        "def f(code):\n"
        "    'Une chaîne seule est un commentaire, pas un texte.'\n"
        "    return f'Votre code est {code}. Merci !'\n"
    )
    files = {
        f"{folder}/m.py": module
        for folder in ("actions", "bot", "webhook", "rasa_addons", "messaging", "backend", "tests")
    }
    files["webhook/texts.py"] = module
    assert found(tmp_path, files) == [
        f"{folder}/m.py:5:french"
        for folder in ("actions", "bot", "messaging", "rasa_addons", "webhook")
    ]


# --- the helpline's facts
def test_the_helplines_number_and_hours_typed_outside_bot_helpline_are_flagged(
    tmp_path: Path,
) -> None:
    files = {
        "bot/domain/core.yml": (
            "responses:\n"
            "  utter_hours:\n"
            '    - text: "Le 34 22 répond de 8h30 à 17h00."\n'
            '    - text: "Le {helpline_number} répond {helpline_hours}."\n'
            "# le 3422, 8 h 30 - 17 h: a comment\n"
        ),
        "webhook/sms.py": (
            '"""Docstring: the 34 22 is open from 8:30 to 17:00."""\n'
            "FAULT = 'Appelez le 3422 (lun-ven 8 h 30 - 17 h).'\n"
            "NOT_THE_HELPLINE = ['17 minutes', '34 223 personnes', '18h30', '+33 4 22 00']\n"
        ),
        "bot/helpline.py": "NUMBER = '34 22'\nOPENS = '8h30'\n",
        "tests/test_sms.py": "assert '34 22' in reply\n",
    }
    assert found(tmp_path, files) == [
        "bot/domain/core.yml:3:helpline",
        "bot/domain/core.yml:3:helpline",
        "bot/domain/core.yml:3:helpline",
        "webhook/sms.py:2:french",
        "webhook/sms.py:2:helpline",
        "webhook/sms.py:2:helpline",
        "webhook/sms.py:2:helpline",
    ]


# --- the repository
def test_the_repository_keeps_the_house_rules() -> None:
    violations = check_house.check(ROOT)
    assert not violations, "\n".join(map(str, violations))
