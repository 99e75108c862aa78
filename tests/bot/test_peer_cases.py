"""Other projects' own test cases, run against our readers (issue 13).

Each block names its source file. Where this project reads differently on purpose, the case
says so and asserts our reading: a lone "un" is a digit here (people dictate digits, and
"c'est un 06…" is handled by the field); in a text that hyphenates numbers, a space between
two number words is a boundary ("quatre-vingt cinq" is 80 5); a sequence keeps its zeros.
"""

from __future__ import annotations

import pytest

from bot.nir import NirCheck, check_nir, format_nir_groups
from bot.number_readings import likeliest, number_spans, readings


def first_reading(text: str) -> tuple[str, ...]:
    return tuple(group for span in number_spans(text) for group in likeliest(span).groups)


def all_readings(text: str) -> set[tuple[str, ...]]:
    (span,) = number_spans(text)
    return {reading.groups for reading in readings(span)}


# -- allo-media/text2num, tests/test_text_to_num_fr.py (French text2num / alpha2digit) --------
TEXT2NUM_SAME = [
    ("quinze", ("15",)),
    ("nonante-huit", ("98",)),
    ("soixante-dix-huit", ("78",)),
    ("septante-huit", ("78",)),
    ("quatre-vingt-huit", ("88",)),
    ("octante-huit", ("88",)),
    ("huitante-huit", ("88",)),
    ("huitante-et-un", ("81",)),
    ("quatre-vingts", ("80",)),
    ("mil neuf cent vingt", ("1920",)),
    ("dix-neuf cent soixante-treize", ("1973",)),
    ("Mille deux cent soixante-six", ("1266",)),
    ("Nonante-cinq", ("95",)),
    ("Vingt et un, trente et un.", ("21", "31")),
    ("Quatre, vingt, quinze, quatre-vingts.", ("4", "20", "15", "80")),
    ("zéro neuf soixante zéro six douze vingt et un", ("0", "9", "60", "0", "6", "12", "21")),
    ("cinquante soixante trente et onze", ("50", "60", "30", "11")),
    ("une suite de chiffres : un, deux, trois", ("1", "2", "3")),
]


@pytest.mark.parametrize(("text", "groups"), TEXT2NUM_SAME)
def test_text2num_cases(text: str, groups: tuple[str, ...]) -> None:
    assert first_reading(text) == groups


def test_text2num_relaxed_and_strict_are_both_kept() -> None:
    # alpha2digit gives "1 2 3 4 20 15", relaxed=True "1 2 3 95": here both are readings.
    found = all_readings("un deux trois quatre vingt quinze")
    assert ("1", "2", "3", "4", "20", "15") in found
    assert ("1", "2", "3", "95") in found


@pytest.mark.parametrize(
    ("text", "text2num", "ours"),
    [
        # hyphens show how the person groups: a space after "quatre-vingt" is a boundary
        ("quatre-vingt cinq", ("85",), ("80", "5")),
        ("quatre-vingt un", ("81",), ("80", "1")),
        ("quatre-vingt dix-huit", ("98",), ("80", "18")),
        # a sequence of digits keeps its zeros (text2num: text2num("zéro huit") == 8)
        ("zéro huit", ("8",), ("0", "8")),
        # numbers above 9999 are not read as one number (no field needs one)
        ("treize mille zéro quatre-vingt-dix", ("13000", "090"), ("13", "1000", "0", "90")),
    ],
)
def test_text2num_differences_on_purpose(
    text: str, text2num: tuple[str, ...], ours: tuple[str, ...]
) -> None:
    assert first_reading(text) == ours != text2num


def test_text2num_article_differs_on_purpose() -> None:
    # text2num leaves "un" as an article in "un article ou un nom"; a lone "un" is a digit here.
    assert first_reading("un article ou un nom") == ("1", "1")


# -- arthurdejong/python-stdnum, stdnum/fr/nir.py (doctests) ----------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 95 10 99 126 111 93", NirCheck("295109912611193", None)),
        ("295109912611199", NirCheck(None, "bad_key")),  # stdnum: InvalidChecksum
        ("253072B07300470", NirCheck("253072B07300470", None)),
        ("253072A07300443", NirCheck("253072A07300443", None)),
        ("253072C07300443", NirCheck(None, "bad_format")),  # stdnum: InvalidFormat
        ("6546546546546703", NirCheck(None, "too_long")),  # stdnum: InvalidLength
    ],
)
def test_stdnum_nir_doctests(text: str, expected: NirCheck) -> None:
    assert check_nir(text) == expected


def test_stdnum_nir_format_doctest() -> None:
    assert format_nir_groups("295109912611193") == "2 95 10 99 126 111 93"


# -- NVIDIA/NeMo, tests/nemo_text_processing/fr/data_inverse_text_normalization/
#    test_cases_cardinal.txt (the cases up to 9999: no field reads a longer single number) ---
NEMO_CARDINALS = """cent~100
dix-huit~18
vingt et un~21
vingt-et-un~21
trente et un~31
trente-et-un~31
quarante-trois~43
cinquante et un~51
cinquante-et-un~51
soixante et un~61
soixante-et-un~61
soixante-dix~70
soixante-douze~72
quatre-vingts~80
quatre-vingt-dix-huit~98
cent deux~102
cent-deux~102
cent vingt~120
cent-vingt~120
deux-cents~200
deux cent neuf~209
deux-cent-neuf~209
cent onze~111
cent-onze~111
mille~1000
mille vingt~1020
mille-vingt~1020
deux cent cinquante-quatre~254
deux-cent-cinquante-quatre~254
soixante~60
dix~10
onze~11
douze~12
treize~13
quatorze~14
quinze~15
seize~16
dix-sept~17
vingt~20
trente~30
quarante~40
cinquante~50
septante~70
huitante~80
quatre-vingt-dix~90
mille treize~1013
mille-treize~1013
mille un~1001
mille-un~1001
mille cent~1100
mille-cent~1100
onze cents~1100
onze-cents~1100
mille vingt-six~1026
mille-vingt-six~1026
mille cent vingt-six~1126
mille-cent-vingt-six~1126
onze cent vingt-six~1126
onze-cent-vingt-six~1126"""


@pytest.mark.parametrize(
    ("text", "digits"), [line.split("~") for line in NEMO_CARDINALS.splitlines()]
)
def test_nemo_cardinals(text: str, digits: str) -> None:
    assert first_reading(text) == (digits,)


@pytest.mark.parametrize(
    ("text", "nemo", "ours"),
    [
        # NeMo keeps a lone "un", "deux", "zéro" as words; here they are digits.
        ("un", "un", ("1",)),
        ("deux", "deux", ("2",)),
        ("zéro", "zéro", ("0",)),
        # NeMo reads "quarante trois" as 40 and a word; here 43 first (40 3 is kept too).
        ("quarante trois", "40 trois", ("43",)),
        # NeMo refuses "deux cent" without its -s; here it is read, as a lenient spelling.
        ("deux cent", "deux 100", ("200",)),
    ],
)
def test_nemo_cardinal_differences_on_purpose(text: str, nemo: str, ours: tuple[str, ...]) -> None:
    assert first_reading(text) == ours


# -- NVIDIA/NeMo-text-processing, tests/nemo_text_processing/fr/data_inverse_text_normalization/
#    test_cases_telephone.txt ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("zéro deux douze trente-deux trente trente", "0212323030"),
        ("double neuf douze trente-deux trente trente", "9912323030"),
    ],
)
def test_nemo_telephone(text: str, digits: str) -> None:
    assert "".join(first_reading(text)) == digits


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        # NeMo adds the leading zero of a French number; here no digit is invented.
        ("deux douze trente-deux trente trente", "212323030"),
        # NeMo reads "une" as the digit 1; here "une" alone is an article (it ends the run).
        ("zéro deux une deux trois deux trois zéro trois zéro", "02"),
    ],
)
def test_nemo_telephone_differences_on_purpose(text: str, ours: str) -> None:
    assert "".join(likeliest(number_spans(text)[0]).groups) == ours
