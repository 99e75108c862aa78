"""Synthetic insured people for tests: valid NIRs (stdnum computes the key), never real ones."""

from __future__ import annotations

import itertools
import secrets

from stdnum.fr import nir as stdnum_nir

_serial = itertools.count(1)


def make_nir(sex: str = "1", year: int = 85, month: int = 5, department: str = "78") -> str:
    # commune and order number run from 001 to 999: the backend refuses 000 (an invalid NIR)
    commune, order = 1 + secrets.randbelow(999), 1 + secrets.randbelow(999)
    body = f"{sex}{year:02d}{month:02d}{department}{commune:03d}{order:03d}"
    return body + stdnum_nir.calc_check_digits(body)


def spaced(nir: str) -> str:
    """As printed on the carte Vitale: 1 85 05 78 006 084 36."""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"


def person(card_type: str = "with_photo", **overrides: str) -> dict[str, str]:
    n = next(_serial)
    serial = (
        f"{secrets.randbelow(10**10):010d}{n % 10}"
        if card_type == "with_photo"
        else f"{secrets.randbelow(10**9):09d}"
    )
    base = {
        "nir": make_nir(),
        "birth_date": "1985-05-12",
        "first_name": "Camille",
        "last_name": "Martin",
        "card_type": card_type,
        "card_serial": serial,
        "email": f"camille.martin{n}.{secrets.token_hex(3)}@example.org",
        "mobile": f"+3361{secrets.randbelow(10**7):07d}",
    }
    base.update(overrides)
    return base
