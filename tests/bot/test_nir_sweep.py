"""Sweep: 2,000 generated valid NIRs said in their printed groups, three spellings (issue 13).

Both sexes, every month (01-12 and INSEE's special ranges 20, 30-42, 50-99), departments
01-95 with 2A/2B (Corsica), 97x (overseas) and 99 (born abroad), orders 001-999. Said with
standard French number words (tests/support/french_speller.py):
- hyphens (1990 spelling) and commas between groups: every one read as exactly that NIR;
- no hyphen or comma: read, or asked back with the right NIR among what is proposed; never a
  wrong NIR taken. The seed is fixed, so a failure is reproducible.
"""

from __future__ import annotations

import random

import pytest
from stdnum.fr import nir as stdnum_nir

from bot.nir import PRINTED_CUTS, check_nir
from tests.support.french_speller import say_groups

COUNT = 2000
MONTHS = [f"{m:02d}" for m in [*range(1, 13), 20, *range(30, 43), *range(50, 100)]]


def generate(rng: random.Random) -> str:
    sex = rng.choice("12")
    year = f"{rng.randrange(100):02d}"
    month = rng.choice(MONTHS)
    draw = rng.random()
    if draw < 0.1:
        department, commune = rng.choice(["2A", "2B"]), f"{rng.randrange(1, 400):03d}"
    elif draw < 0.2:
        department, commune = "97", f"{rng.randrange(1, 7)}{rng.randrange(1, 100):02d}"
    elif draw < 0.3:
        department, commune = "99", f"{rng.randrange(1, 999):03d}"
    else:
        department = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"
        commune = f"{rng.randrange(1, 999):03d}"
    order = f"{rng.randrange(1, 1000):03d}"
    body = sex + year + month + department + commune + order
    return body + stdnum_nir.calc_check_digits(body + "00")


def printed_groups(nir: str) -> list[str]:
    cuts = (0, *PRINTED_CUTS)
    return [nir[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


NIRS = [generate(random.Random(f"nir-sweep-{index}")) for index in range(COUNT)]


def test_the_sample_covers_what_it_claims() -> None:
    assert len(set(NIRS)) == COUNT and all(stdnum_nir.is_valid(nir) for nir in NIRS)
    assert {nir[0] for nir in NIRS} == {"1", "2"}
    assert {nir[3:5] for nir in NIRS} == set(MONTHS)
    departments = {nir[5:7] for nir in NIRS}
    assert {"2A", "2B", "97", "99"} <= departments
    orders = {int(nir[10:13]) for nir in NIRS}
    assert min(orders) < 20 and max(orders) > 980


@pytest.mark.parametrize(("spelling", "separator"), [("hyphens", " "), ("traditional", ", ")])
def test_with_hyphens_or_commas_every_nir_is_read_exactly(spelling: str, separator: str) -> None:
    wrong = []
    for nir in NIRS:
        said = say_groups(printed_groups(nir), spelling, separator)
        check = check_nir(said)
        if check.value != nir:
            wrong.append((said, nir, check))
    assert wrong == [], wrong[:3]


def test_without_punctuation_never_a_wrong_nir() -> None:
    asked = 0
    for nir in NIRS:
        said = say_groups(printed_groups(nir), "plain")
        check = check_nir(said)
        if check.value is not None:
            assert check.value == nir, said
        else:
            assert check.error == "unsure", (said, check)
            assert nir in check.proposals, (said, check)
            asked += 1
    assert asked < COUNT // 100  # measured: 5 of 2,000 asked back
