"""The bench's synthetic insured people are all accepted by the backend: a random commune or
order number of 000 (about 2 draws in 1,000 with the old recipe) made the admin API answer 422
and stopped a whole A/B run."""

from __future__ import annotations

from bench.load import synthetic_person
from bot.nir import nir_is_valid


def test_every_synthetic_nir_is_valid() -> None:
    invalid = [
        p["nir"] for p in (synthetic_person(n) for n in range(5000)) if not nir_is_valid(p["nir"])
    ]
    assert invalid == []
