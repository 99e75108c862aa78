"""E-mail addresses as people type and dictate them (bot/dictated_email.py): issue 13's examples,
NeMo's French inverse-normalisation cases, email-validator's syntax cases a person can produce,
and what Twilio's fr-FR recogniser writes for a spelled address on the phone."""

from __future__ import annotations

import pytest

from bot.contact_details import ContactCheck, parse_email
from bot.dictated_email import EmailReading, read_email, spell_email


def certain(address: str) -> EmailReading:
    return EmailReading(address, True, None)


def to_confirm(address: str) -> EmailReading:
    return EmailReading(address, False, None)


# -- issue 13, "Why": every e-mail example, with its expected reading ---------------------------
ISSUE_13 = [
    # Was dupont@gmail.com (a different mailbox): no part dropped, and asked before use.
    ("jean dupont arobase gmail point com", to_confirm("jeandupont@gmail.com")),
    # A phone keyboard's space after the dot: was dupont@gmail.com.
    ("jean. dupont@gmail.com", to_confirm("jean.dupont@gmail.com")),
    # Spelled letter by letter: was t@gmail.com.
    ("j e a n point d u p o n t arobase gmail point com", to_confirm("jean.dupont@gmail.com")),
    # "g mail" was refused or kept as words.
    ("jean point dupont arobase g mail point com", to_confirm("jean.dupont@gmail.com")),
    ("marie arobase hot mail point fr", to_confirm("marie@hotmail.fr")),
    # Number words inside the address were refused or kept as words.
    (
        "paul point thomas quatre-vingt-neuf arobase gmail point com",
        to_confirm("paul.thomas89@gmail.com"),
    ),
    (
        "paul point thomas mille neuf cent quatre vingt neuf arobase orange point fr",
        to_confirm("paul.thomas1989@orange.fr"),
    ),
    ("camille un deux trois arobase free point fr", to_confirm("camille123@free.fr")),
]


@pytest.mark.parametrize(("text", "expected"), ISSUE_13)
def test_issue_13_examples(text: str, expected: EmailReading) -> None:
    assert read_email(text) == expected


def test_a_space_inside_the_address_never_drops_a_part() -> None:
    for text in (
        "jean dupont arobase gmail point com",
        "jean. dupont@gmail.com",
        "jean dupont@gmail.com",
    ):
        reading = read_email(text)
        assert reading.address != "dupont@gmail.com" and reading.certain is False


# -- what people write --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # typed, alone or in a sentence: taken as it is
        ("jean.dupont@gmail.com", certain("jean.dupont@gmail.com")),
        ("mon mail c'est Jean.Dupont@Exemple.fr", certain("Jean.Dupont@exemple.fr")),
        ("Merci. jean@gmail.com", certain("jean@gmail.com")),
        ("jean.dupont @ exemple.fr", certain("jean.dupont@exemple.fr")),
        ("jean@exemple.fr, je répète jean@exemple.fr", certain("jean@exemple.fr")),
        # a word before a typed address is kept, and asked about
        ("jean dupont@gmail.com", to_confirm("jeandupont@gmail.com")),
        ("merci de noter jean dupont@gmail.com", to_confirm("jeandupont@gmail.com")),
        # dictated: signs as words, "comme", letter names
        (
            "c'est jean tiret bas dupont arrobase exemple point fr merci",
            to_confirm("jean_dupont@exemple.fr"),
        ),
        ("jean underscore dupont arobase exemple point fr", to_confirm("jean_dupont@exemple.fr")),
        ("jean tiret du 8 dupont arobase exemple point fr", to_confirm("jean_dupont@exemple.fr")),
        ("marie tiret claire arobase exemple point com", to_confirm("marie-claire@exemple.com")),
        ("D comme Désiré u p o n t arobase free point fr", to_confirm("dupont@free.fr")),
        # a recogniser's commas between spelled letters
        ("d comme denis, u, p, o, n, t arobase free point fr", to_confirm("dupont@free.fr")),
        ("double v a t t arobase free point fr", to_confirm("watt@free.fr")),
        ("jean arobase la poste point net", to_confirm("jean@laposte.net")),
        (
            "mon adresse c'est jean point dupont arobase gmail point com",
            to_confirm("jean.dupont@gmail.com"),
        ),
        ("jean a commercial gmail point com", to_confirm("jean@gmail.com")),
    ],
)
def test_written_and_dictated_forms(text: str, expected: EmailReading) -> None:
    assert read_email(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        ("jean dupont arobase", "invalid"),
        ("jean arobase gmail", "no_ending"),  # asked again, not guessed
        ("jean@gmail", "no_ending"),
        ("un point c'est tout", "invalid"),
        ("a@exemple.fr ou b@exemple.fr", "ambiguous"),
        ("anne@exemple.fr et marianne@exemple.fr", "ambiguous"),
    ],
)
def test_refusals(text: str, error: str) -> None:
    assert read_email(text) == EmailReading(None, False, error)


def test_parse_email_keeps_its_contract() -> None:
    """bot/contact_details.parse_email delegates: the value is the reading, certain or not."""
    assert parse_email("jean dupont arobase gmail point com") == ContactCheck(
        "jeandupont@gmail.com", None
    )
    assert parse_email("jean@gmail") == ContactCheck(None, "invalid")


# -- Twilio's fr-FR speech recogniser (the phone's spelled fallback) ----------------------------
@pytest.mark.parametrize(
    ("speech", "expected"),
    [
        ("jean.dupont@gmail.com", certain("jean.dupont@gmail.com")),
        ("Jean point Dupont arobase gmail.com", to_confirm("Jean.Dupont@gmail.com")),
        ("J E A N point D U P O N T arobase gmail point com", to_confirm("jean.dupont@gmail.com")),
        ("jean point dupont 85 arobase orange point fr", to_confirm("jean.dupont85@orange.fr")),
        ("jean dupont @ gmail.com", to_confirm("jeandupont@gmail.com")),
        ("jean . dupont @ gmail . com", to_confirm("jean.dupont@gmail.com")),
    ],
)
def test_speech_recogniser_output(speech: str, expected: EmailReading) -> None:
    assert read_email(speech) == expected


# -- spelled back -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "spoken"),
    [
        ("jean.dupont@gmail.com", "j e a n point d u p o n t arobase gmail point com"),
        ("jean_dupont85@orange.fr", "j e a n tiret bas d u p o n t 8 5 arobase orange point fr"),
        ("marie-claire@abc.edu", "m a r i e tiret c l a i r e arobase a b c point e d u"),
    ],
)
def test_spelled_back(address: str, spoken: str) -> None:
    assert spell_email(address) == spoken


# -- NVIDIA/NeMo-text-processing ----------------------------------------------------------------
# Source: NVIDIA/NeMo, tests/nemo_text_processing/fr/data_inverse_text_normalization/
# test_cases_electronic.txt (French inverse text normalisation, e-mail addresses), every line.
# Same addresses here; the project adds that a dictated address is confirmed before use.
NEMO_FR_ELECTRONIC = [
    ("a point b c arobase g mail point com", "a.bc@gmail.com"),
    ("a point b c at g mail point com", "a.bc@gmail.com"),
    ("c d f at a b c point e d u", "cdf@abc.edu"),
    ("a b c at g mail point a b c", "abc@gmail.abc"),
    ("a b c arobase g mail point a b c", "abc@gmail.abc"),
    ("a b c at a b c point com", "abc@abc.com"),
    ("a s d f un deux trois at a b c point com", "asdf123@abc.com"),
    ("a un b deux arobase a b c point com", "a1b2@abc.com"),
    ("a b trois point s d d point trois at g mail point com", "ab3.sdd.3@gmail.com"),
    ("a b trois point s d d point trois arobase g mail point com", "ab3.sdd.3@gmail.com"),
]


@pytest.mark.parametrize(("spoken", "written"), NEMO_FR_ELECTRONIC)
def test_nemo_french_electronic_cases(spoken: str, written: str) -> None:
    assert read_email(spoken) == to_confirm(written)


# -- JoshData/python-email-validator ------------------------------------------------------------
# Source: JoshData/python-email-validator, tests/test_syntax.py (test_email_valid,
# test_email_valid_intl_local_part, test_email_invalid_syntax and the pyIsEmail table): the
# cases a person can type or dictate. Quoted local parts, domain literals and control
# characters are left out: a phone keyboard or a recogniser does not produce them.
EMAIL_VALIDATOR_VALID = [
    ("Abc@example.tld", "Abc@example.tld"),
    ("Abc.123@test-example.com", "Abc.123@test-example.com"),
    (
        "user+mailbox/department=shipping@example.tld",
        "user+mailbox/department=shipping@example.tld",
    ),
    ("ñoñó@example.tld", "ñoñó@example.tld"),
    ("test@iana.org", "test@iana.org"),
    ("test@nominet.org.uk", "test@nominet.org.uk"),
    ("a@iana.org", "a@iana.org"),
    ("test.test@iana.org", "test.test@iana.org"),
    ("123@iana.org", "123@iana.org"),
    ("test@123.com", "test@123.com"),
    ("test@mason-dixon.com", "test@mason-dixon.com"),
    ("xn--test@iana.org", "xn--test@iana.org"),
]
# Refused here too, saying what is missing when it is the ending after the "@".
EMAIL_VALIDATOR_NO_ENDING = ["my@localhost", "white space@test", "me@trailingdash-"]
EMAIL_VALIDATOR_INVALID = [
    "my@.leadingdot.com",
    "my@twodots..com",
    "me@-leadingdash",
    "my@baddash.-.com",
    "my@baddash.-a.com",
    "my@baddash.b-.com",
    ".leadingdot@domain.com",
    "twodots..here@domain.com",
    "trailingdot.@domain.email",
    "@example.com",
    "test",
    "@",
    "test@",
    "@iana.org",
    ".test@iana.org",
    "test.@iana.org",
    "test..iana.org",
    "test_exa-mple.com",
    "test@-iana.org",
    "test@iana-.com",
    "test@.iana.org",
    "test@iana..com",
    '"test"@iana.org',
]


@pytest.mark.parametrize(("typed", "normalized"), EMAIL_VALIDATOR_VALID)
def test_email_validator_valid_cases(typed: str, normalized: str) -> None:
    assert read_email(typed) == certain(normalized)


@pytest.mark.parametrize("typed", EMAIL_VALIDATOR_INVALID)
def test_email_validator_invalid_cases(typed: str) -> None:
    assert read_email(typed) == EmailReading(None, False, "invalid")


@pytest.mark.parametrize("typed", EMAIL_VALIDATOR_NO_ENDING)
def test_email_validator_invalid_cases_missing_their_ending(typed: str) -> None:
    assert read_email(typed) == EmailReading(None, False, "no_ending")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Invalid for email-validator, read here on purpose: a sentence's final period,
        ("my@trailingdot.com.", certain("my@trailingdot.com")),
        # spaces a phone keyboard or a recogniser puts around signs (confirmed before use),
        (" test @iana.org", certain("test@iana.org")),
        ("test . test@iana.org", to_confirm("test.test@iana.org")),
        ("test@ iana .com", to_confirm("test@iana.com")),
        ("white space@test.fr", to_confirm("whitespace@test.fr")),
        # brackets read as the sentence's, not as RFC 5322 comments,
        ("(comment)test@iana.org", certain("test@iana.org")),
        # and a sign left at the end, dropped but asked about.
        ("test@iana.org-", to_confirm("test@iana.org")),
    ],
)
def test_where_the_project_differs_from_email_validator_on_purpose(
    typed: str, expected: EmailReading
) -> None:
    assert read_email(typed) == expected
