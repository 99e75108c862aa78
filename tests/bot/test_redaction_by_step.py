"""Redaction by step, not by shape (issue 14, point 2): the slips people make stay out of Rasa
and the transcript, and what is not a slip stays readable (bot/redaction.py, bot/slips.py)."""

from __future__ import annotations

import pytest

from bot.redaction import RedactionContext, redact
from bot.slips import is_ordinary, is_password_shaped, read_as_numbers
from bot.vault import REF_PATTERN, Vault, find_refs

CONVERSATION = "conv-slips"
NIR = "185057800608491"
CODE = "ABCDEFGHJK23"
PASSWORD = "Soleil#Vert2026"
NEAR_CREDENTIALS = RedactionContext(near_credentials=True)
OTP_OUTSTANDING = RedactionContext(otp_outstanding=True)


def secrets_of(text: str) -> list[str]:
    """The pieces of `text` a test treats as secret (4+ characters of letters and digits)."""
    return [word for word in text.replace("-", " ").split() if len(word) >= 4]


# (message, step the message answers, what must not be seen of it, kind of the whole vault)
SLIPS = [
    ("mon code est ABCD EFGH JK2 voilà", "provisional_code", ["ABCD", "EFGH", "JK2"], "code"),
    ("voici : abcd-efgh-jk2, merci", "provisional_code", ["abcd", "efgh", "jk2"], "code"),
    (
        "A comme Anatole, B comme Berthe, C, D, E, F, G, H, J, K, deux",  # one letter missing
        "provisional_code",
        ["Anatole", "Berthe", "C, D, E, F"],
        "code",
    ),
    ("a bé cé dé e effe gé ache ji ka deux", "provisional_code", ["effe gé ache"], "code"),
    ("1 85 05 78 0", "nir", ["1 85 05 78 0", "18505780"], "nir"),
    ("c'est le 493 02", "otp_code", ["493 02", "49302"], "otp"),
    ("quatre neuf trois zéro deux", "otp_code", ["quatre neuf trois"], "otp"),
    ("mon identifiant Jean.Dupont 85", "identifier", ["Jean.Dupont", "jean.dupont"], "pwd"),
]


@pytest.mark.parametrize(("text", "step", "hidden", "kind"), SLIPS)
def test_a_slip_at_a_secret_step_is_vaulted_whole(
    vault: Vault, text: str, step: str, hidden: list[str], kind: str
) -> None:
    redacted = redact(text, step, vault, CONVERSATION)
    assert REF_PATTERN.fullmatch(redacted.text), redacted.text
    assert redacted.refs == {kind: [redacted.text]}
    assert vault.get(redacted.text, CONVERSATION) == text.strip()
    assert redacted.display == f"[message masqué, {len(text.strip())} caractères]"
    for piece in hidden:
        assert piece not in redacted.text and piece not in redacted.display


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("je ne l'ai pas reçu", "provisional_code"),
        ("où est le code ?", "provisional_code"),
        ("je n'ai pas de code", "provisional_code"),
        ("JE N'AI PAS REÇU MON CODE", "provisional_code"),
        ("je veux un CONSEILLER", "provisional_code"),
        ("1", "provisional_code"),
        ("je ne le trouve pas", "nir"),
        ("c'est quoi un numéro de sécurité sociale ?", "nir"),
        ("je n'ai rien reçu", "otp_code"),
        ("RENVOYER", "otp_code"),
        ("renvoyer le code svp", "otp_code"),
        ("c'est quoi un identifiant ?", "identifier"),
        ("je ne sais pas quoi mettre", "identifier"),
        ("jean.dupont85", "identifier"),
        ("Jean.Dupont", "identifier"),  # capitals only: the validator offers "jean.dupont"
        ("aide", "identifier"),
    ],
)
def test_ordinary_messages_at_a_secret_step_stay_readable(
    vault: Vault, text: str, step: str
) -> None:
    redacted = redact(text, step, vault, CONVERSATION)
    assert redacted.refs == {}
    assert redacted.text == text


@pytest.mark.parametrize(
    "text",
    [
        "1/85/05/78/006/084/91",
        "1_85_05_78_006_084_91",
        "1 85 O5 78 OO6 O84 91",
        "1 85 o5 78 oo6 o84 91",
        "mon numéro : 1/85/O5/78/OO6/O84/91 merci",
    ],
)
@pytest.mark.parametrize("step", [None, "nir", "card_type", "decision"])
def test_slashes_underscores_and_o_for_zero_are_read_as_numbers(
    vault: Vault, text: str, step: str | None
) -> None:
    redacted = redact(text, step, vault, CONVERSATION)
    assert redacted.refs.keys() == {"nir"}
    assert [vault.get(ref, CONVERSATION) for ref in redacted.refs["nir"]] == [NIR]
    assert "1 85 05 ** *** *** 91" in redacted.display
    outside_refs = REF_PATTERN.sub("", redacted.text)
    for piece in ("78", "006", "OO6", "084", "O84"):
        assert piece not in redacted.display and piece not in outside_refs


def test_read_as_numbers_keeps_the_length_and_the_words() -> None:
    for text in ("1/85/O5", "BONJOUR 2O26", "ABCD EFGH JK2O", "le 03/03/1985", "Oo", "O"):
        assert len(read_as_numbers(text)) == len(text)
    assert read_as_numbers("1/85/O5_OO6") == "1 85 05 006"
    assert read_as_numbers("BONJOUR") == "BONJOUR"
    assert read_as_numbers("ABCD EFGH JK2O") == "ABCD EFGH JK2O"  # the O touches a letter
    assert read_as_numbers("Oo") == "Oo"


@pytest.mark.parametrize(
    ("token", "shaped"),
    [
        (PASSWORD, True),
        ("Tr0ub4dor&3", True),
        ("soleil#vert2026", True),
        ("Jean.Dupont85", True),
        ("Soleil2026!", True),
        ("Jean.Dupont", False),
        ("+33612345678", False),
        ("jean.dupont85", False),
        ("Bonjour!", False),
        ("06.12.34.56.78", False),
        ("aujourd'hui", False),
        ("jean@example.fr", False),
        ("Court#1", False),
        ("03/03/1985", False),
    ],
)
def test_password_shape(token: str, shaped: bool) -> None:
    assert is_password_shaped(token) is shaped


@pytest.mark.parametrize("step", ["done", "handoff", "decision", None])
def test_a_password_near_the_credentials_is_masked_at_any_step(
    vault: Vault, step: str | None
) -> None:
    redacted = redact(
        f"mon mot de passe est {PASSWORD} c'est bon ?", step, vault, CONVERSATION, NEAR_CREDENTIALS
    )
    assert redacted.display == "mon mot de passe est [mot de passe masqué] c'est bon ?"
    assert [vault.get(ref, CONVERSATION) for ref in redacted.refs["pwd"]] == [PASSWORD]
    assert PASSWORD not in redacted.text


def test_far_from_the_credentials_a_capitalised_word_is_left_alone(vault: Vault) -> None:
    assert redact(f"mon mot de passe est {PASSWORD}", "decision", vault, CONVERSATION).refs == {}


@pytest.mark.parametrize("step", ["decision", "contact_confirmed", "handoff", "card_serial"])
def test_six_digits_while_a_one_time_code_is_outstanding(vault: Vault, step: str) -> None:
    redacted = redact("voici le code 493 027", step, vault, CONVERSATION, OTP_OUTSTANDING)
    assert redacted.display == "voici le code [code à usage unique masqué]"
    assert [vault.get(ref, CONVERSATION) for ref in redacted.refs["otp"]] == ["493027"]
    without = redact("voici le code 493 027", step, vault, CONVERSATION)
    assert without.refs == {}  # no code outstanding: six digits are not a secret


@pytest.mark.parametrize(
    ("text", "display", "password"),
    [
        (
            f"identifiant jean.dupont85 mot de passe {PASSWORD}",
            "identifiant jean.dupont85 mot de passe [mot de passe masqué]",
            PASSWORD,
        ),
        (
            "identifiant jean mot de passe : soleil vert",
            "identifiant jean mot de passe : [mot de passe masqué]",
            "soleil vert",
        ),
        (
            "Identifiant: jean.dupont85, MDP = soleil",
            "Identifiant: jean.dupont85, MDP = [mot de passe masqué]",
            "soleil",
        ),
    ],
)
def test_at_the_identifier_step_what_follows_mot_de_passe_is_masked(
    vault: Vault, text: str, display: str, password: str
) -> None:
    """The identifier stays readable for the validator (helper "email"'s `find_identifier`
    takes it from the sentence and says the password was not kept)."""
    redacted = redact(text, "identifier", vault, CONVERSATION)
    assert redacted.display == display
    assert [vault.get(ref, CONVERSATION) for ref in redacted.refs["pwd"]] == [password]
    assert password not in redacted.text


@pytest.mark.parametrize("text", ["jean.dupont@exemple.fr", "le mot de passe ?", "jeandupont!"])
def test_at_the_identifier_step_what_is_no_password_stays(vault: Vault, text: str) -> None:
    assert redact(text, "identifier", vault, CONVERSATION).refs == {}


def test_six_digits_inside_an_address_are_no_code(vault: Vault) -> None:
    text = "mon mail jean123456@exemple.fr"
    assert redact(text, "new_contact", vault, CONVERSATION, OTP_OUTSTANDING).refs == {}


@pytest.mark.parametrize("text", [PASSWORD, "Jean.Dupont85", f"  {PASSWORD}!  "])
def test_a_password_alone_at_the_identifier_step(vault: Vault, text: str) -> None:
    redacted = redact(text, "identifier", vault, CONVERSATION)
    assert REF_PATTERN.fullmatch(redacted.text)
    assert redacted.display == "[mot de passe masqué]"
    assert vault.get(redacted.text, CONVERSATION) == text.strip()


@pytest.mark.parametrize("text", ["06 12 34 56 78", "né le 12/05/85"])
def test_a_mobile_number_or_a_date_is_not_a_one_time_code(vault: Vault, text: str) -> None:
    redacted = redact(text, "decision", vault, CONVERSATION, OTP_OUTSTANDING)
    assert redacted.refs == {}


def test_a_valid_value_in_a_sentence_keeps_the_sentence(vault: Vault) -> None:
    redacted = redact(
        f"mon code est {CODE} et j'ai 2 questions", "provisional_code", vault, CONVERSATION
    )
    assert redacted.display == "mon code est [code provisoire masqué] et j'ai 2 questions"
    assert find_refs(redacted.text) == redacted.refs["code"]


@pytest.mark.parametrize(
    ("text", "step", "ordinary"),
    [
        ("bonjour", "provisional_code", True),
        ("A comme Anatole", "provisional_code", False),
        ("bé gé ache", "provisional_code", False),
        ("de ce que je vois", "provisional_code", True),
        ("il y a une erreur de code", "provisional_code", True),
        ("mon code jkm", "provisional_code", False),
        ("zéro six", "nir", False),
        ("zéro six", "provisional_code", True),
        ("mot de passe soleil", "identifier", False),
        ("le mot de passe ?", "identifier", True),
        ("pas de #", None, False),
        ("ok", "nir", True),
    ],
)
def test_what_an_ordinary_message_is(text: str, step: str | None, ordinary: bool) -> None:
    assert is_ordinary(text, step) is ordinary


@pytest.mark.parametrize("step", ["password", "password_confirmation"])
def test_the_password_steps_still_take_the_whole_message(vault: Vault, step: str) -> None:
    redacted = redact("mon mot de passe Soleil Vert", step, vault, CONVERSATION)
    assert redacted.display == "[mot de passe masqué]"
    assert redacted.refs.keys() == {"pwd"}
