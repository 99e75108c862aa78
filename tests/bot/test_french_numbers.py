"""French numbers as people type and say them (bot/french_numbers.py)."""

from __future__ import annotations

import pytest

from bot.french_numbers import (
    digits_only,
    find_number_runs,
    normalize_text,
    normalize_with_offsets,
    spoken_to_digits,
)

SPOKEN_NIR = (
    "un quatre-vingt-cinq zéro cinq soixante-dix-huit zéro zéro six zéro "
    "quatre-vingt-quatre trente-six"
)

# (what the person typed or said, the digits it stands for): written and spoken forms.
NUMBER_FORMS = [
    # single numbers, spoken
    ("zéro", "0"),
    ("zero", "0"),
    ("ZÉRO", "0"),
    ("un", "1"),
    ("deux", "2"),
    ("trois", "3"),
    ("quatre", "4"),
    ("cinq", "5"),
    ("six", "6"),
    ("sept", "7"),
    ("huit", "8"),
    ("neuf", "9"),
    ("dix", "10"),
    ("onze", "11"),
    ("douze", "12"),
    ("treize", "13"),
    ("quatorze", "14"),
    ("quinze", "15"),
    ("seize", "16"),
    ("dix-sept", "17"),
    ("dix sept", "17"),
    ("dix-huit", "18"),
    ("dix-neuf", "19"),
    ("vingt", "20"),
    ("vingt et un", "21"),
    ("vingt-et-un", "21"),
    ("vingt et une", "21"),
    ("vingt-deux", "22"),
    ("vingt trois", "23"),
    ("trente", "30"),
    ("trente-six", "36"),
    ("trente et un", "31"),
    ("quarante-deux", "42"),
    ("cinquante", "50"),
    ("cinquante-cinq", "55"),
    ("soixante", "60"),
    ("soixante et onze", "71"),
    ("soixante-et-onze", "71"),
    ("soixante-dix", "70"),
    ("soixante dix", "70"),
    ("soixante-dix-huit", "78"),
    ("soixante dix huit", "78"),
    ("soixante-quinze", "75"),
    ("quatre-vingts", "80"),
    ("quatre vingts", "80"),
    ("quatre-vingt", "80"),
    ("quatre-vingt-un", "81"),
    ("quatre-vingt-cinq", "85"),
    ("quatre vingt cinq", "85"),
    ("Quatre-Vingt-Cinq", "85"),
    ("QUATRE VINGT CINQ", "85"),
    ("quatre-vingt-dix", "90"),
    ("quatre-vingt-onze", "91"),
    ("quatre-vingt-dix-neuf", "99"),
    ("quatre vingt dix neuf", "99"),
    ("septante-sept", "77"),
    ("huitante", "80"),
    ("nonante-neuf", "99"),
    ("cent", "100"),
    ("cent un", "101"),
    ("cent deux", "102"),
    ("deux cents", "200"),
    ("trois cent quatre-vingt", "380"),
    ("mille", "1000"),
    ("mille un", "1001"),
    ("deux mille vingt-quatre", "2024"),
    ("mille neuf cent quatre-vingt-cinq", "1985"),
    ("mil neuf cent quatre-vingt-cinq", "1985"),
    ("dix-neuf cent quatre-vingt-cinq", "1985"),
    ("dix neuf cent quatre vingt cinq", "1985"),
    # zeros, doubles, triples
    ("zéro zéro", "00"),
    ("zero zero", "00"),
    ("zéro-zéro", "00"),
    ("zéro, zéro", "00"),
    ("double zéro", "00"),
    ("double zero", "00"),
    ("deux zéros", "00"),
    ("deux zeros", "00"),
    ("triple zéro", "000"),
    ("trois zéros", "000"),
    ("double zéro six", "006"),
    ("deux zéros six", "006"),
    ("double cinq", "55"),
    ("triple sept", "777"),
    ("zéro zéro un", "001"),
    ("zéro six", "06"),
    ("zero six", "06"),
    ("zéro six zéro zéro", "0600"),
    # sequences of small numbers stay a sequence
    ("un deux trois", "123"),
    ("un, deux, trois", "123"),
    ("un quatre-vingt-cinq", "185"),
    ("neuf neuf neuf", "999"),
    ("onze douze", "1112"),
    ("cent cent", "100100"),
    ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678"),
    ("zéro sept, douze, trente quatre, cinquante six, soixante dix huit", "0712345678"),
    # typed forms
    ("0612345678", "0612345678"),
    ("06 12 34 56 78", "0612345678"),
    ("06.12.34.56.78", "0612345678"),
    ("06-12-34-56-78", "0612345678"),
    ("06 12 34 56 78 ", "0612345678"),
    ("+33 6 12 34 56 78", "33612345678"),
    ("1 85 05 78 006 084 36", "185057800608436"),
    ("1.85.05.78.006.084-36", "185057800608436"),
    ("185057800608436", "185057800608436"),
    ("0102457612 4", "01024576124"),
    ("12345678", "12345678"),
    ("n° 42", "42"),
    # mixed words and digits
    ("1 85 zero cinq 78", "1850578"),
    ("1 85 zéro cinq 78", "1850578"),
    ("un 85 zéro cinq", "18505"),
    ("cinq 6", "56"),
    ("5 six", "56"),
    ("1 zéro 5", "105"),
    ("zéro 6 12 trente-quatre", "061234"),
    # in a sentence, SMS style
    ("mon num c 06 12 34 56 78 merci", "0612345678"),
    ("c zero six douze trente quatre", "061234"),
    ("le code c'est 123 456", "123456"),
    ("Mon numéro : un, quatre-vingt-cinq, zéro cinq.", "18505"),
    ("slt je suis né en mille neuf cent quatre vingt cinq", "1985"),
    ("j'ai une carte", ""),
    ("premier", ""),
    ("bonjour", ""),
    ("", ""),
    # Unicode and full-width digits, odd spaces
    ("０６１２３４５６７８", "0612345678"),
    ("０６ １２ ３４", "061234"),
    ("٠٦١٢", "0612"),
    ("۰۶۱۲", "0612"),
    ("०६१२", "0612"),
    ("06\u00a012\u202f34", "061234"),
    ("06\u200b12", "0612"),
    ("zéro", "0"),  # "é" written as e + combining acute accent
    ("1\u20052", "12"),
    # the NIR, spoken in full
    (SPOKEN_NIR, "185057800608436"),
    (SPOKEN_NIR.replace("é", "e").replace("-", " "), "185057800608436"),
    (SPOKEN_NIR.upper(), "185057800608436"),
    (
        "un, quatre-vingt-cinq, zéro cinq, soixante-dix-huit, double zéro six, "
        "zéro quatre-vingt-quatre, trente-six",
        "185057800608436",
    ),
    (
        "deux quatre-vingt-quinze dix quatre-vingt-dix-neuf cent vingt-six cent onze "
        "quatre-vingt-treize",
        "295109912611193",
    ),
]


def test_the_table_is_large_enough() -> None:
    assert len(NUMBER_FORMS) >= 100


@pytest.mark.parametrize(("text", "digits"), NUMBER_FORMS)
def test_digits_only(text: str, digits: str) -> None:
    assert digits_only(text) == digits


# Exact output: the groups the person made are kept.
GROUPED_FORMS = [
    (SPOKEN_NIR, "1 85 05 78 006 084 36"),
    (
        "un quatre vingt cinq zero cinq soixante dix huit zero zero six zero quatre vingt "
        "quatre trente six",
        "1 85 05 78 006 084 36",
    ),
    ("un quatre-vingt-cinq", "1 85"),
    ("vingt trois", "23"),
    ("quatre-vingts", "80"),
    ("soixante et onze", "71"),
    ("mille neuf cent quatre-vingt-cinq", "1985"),
    ("1 85 zero cinq 78", "1 85 05 78"),
    ("double zéro six", "006"),
    ("deux zéros", "00"),
    ("triple zéro", "000"),
    ("double cinq six", "55 6"),
    ("un deux trois", "1 2 3"),
    ("Mon numéro : un, quatre-vingt-cinq, zéro cinq.", "Mon numéro : 1 85 05."),
    ("1.85.05.78.006.084-36", "1.85.05.78.006.084-36"),
    ("né le 03/03/1985", "né le 03/03/1985"),
    ("j'ai une carte sans photo", "j'ai une carte sans photo"),
    ("la première", "la première"),
    ("double vé", "double vé"),
    ("et puis", "et puis"),
    ("vingt et", "20 et"),
    ("  trop   d'espaces  ", "trop d'espaces"),
]


@pytest.mark.parametrize(("text", "expected"), GROUPED_FORMS)
def test_spoken_to_digits_keeps_groups(text: str, expected: str) -> None:
    assert spoken_to_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３", "123"),
        ("ＡＢＣ", "ABC"),
        ("a\u00a0b", "a b"),
        ("a\u202fb", "a b"),
        ("a\tb\n\nc", "a b c"),
        ("a\u200bb", "ab"),
        ("\ufeffbonjour", "bonjour"),
        ("a\x00b\x07c", "abc"),
        ("zéro", "zéro"),
        ("café", "café"),
        ("٣", "3"),
        ("  espaces  ", "espaces"),
        ("…", "..."),
        ("", ""),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_composes_accents() -> None:
    assert normalize_text("ze\u0301ro") == "zéro"


def test_offsets_point_back_to_the_original() -> None:
    text = "１\u200b２ ze\u0301ro"
    normalized, starts, ends = normalize_with_offsets(text)
    assert normalized == "12 zéro"
    assert len(starts) == len(ends) == len(normalized)
    assert text[starts[0] : ends[0]] == "１"
    assert text[starts[1] : ends[1]] == "２"
    assert text[starts[4] : ends[4]] == "e\u0301"


def test_runs_keep_original_spans() -> None:
    text = "Mon NIR… ｃ’est : 1 85 05 78 006 084 36, né le 03/03/1985 à 10:30"
    runs = find_number_runs(text)
    assert [run.digits for run in runs] == ["185057800608436"]
    run = runs[0]
    assert text[run.start : run.end] == "1 85 05 78 006 084 36"
    assert [group.digits for group in run.groups] == ["1", "85", "05", "78", "006", "084", "36"]


def test_runs_group_spoken_numbers_as_said() -> None:
    text = f"c'est {SPOKEN_NIR} voilà"
    (run,) = find_number_runs(text)
    assert text[run.start : run.end] == SPOKEN_NIR
    assert run.digits == "185057800608436"
    spans = [text[group.start : group.end] for group in run.groups]
    assert spans[:2] == ["un", "quatre-vingt-cinq"]
    assert "quatre-vingt-quatre" in spans


def test_runs_are_cut_by_words_and_slashes() -> None:
    runs = find_number_runs("06 12 34 56 78 ou bien 07 00 00 00 00 le 03/03/1985")
    assert [run.digits for run in runs] == ["0612345678", "0700000000"]


def test_corsica_letters_only_when_asked() -> None:
    text = "2 53 07 2A 073 004 43"
    assert find_number_runs(text)[0].digits == "253072"  # the "A" ends the run
    assert find_number_runs(text, corsica=True)[0].digits == "253072A07300443"
    spoken = "deux cinquante-trois zéro sept deux B zéro soixante-treize"
    assert find_number_runs(spoken, corsica=True)[0].digits == "253072B073"


def test_a_lone_letter_a_is_not_corsica() -> None:
    assert find_number_runs("j'en ai 3 a la maison", corsica=True)[0].digits == "3"
