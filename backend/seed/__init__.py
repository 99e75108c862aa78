"""Five synthetic people for local use: `python -m backend.seed` or `flask --app backend seed`.

The app registers `seed_command`; `backend/seed/__main__.py` builds an app and seeds it, so
imports run one way (app → seed, seed.__main__ → app) and never in a circle.

Goes straight to the database through the same code as `POST /admin/insured` (validation and
registration), not over HTTP. Idempotent: a person already there is not duplicated; a pending
one gets a fresh provisional code (codes are stored hashed, so the only way to show one is to
issue it). NIRs and codes are printed on stdout, never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from stdnum.fr import nir as stdnum_nir

from backend import schemas
from backend.context import EXTENSION_KEY, Backend
from backend.people import (
    PENDING,
    find_by_nir_hash,
    issue_provisional_code,
    parse_new_insured,
    refresh_status,
    register_insured,
)
from backend.texts import format_provisional_code
from backend.timeutil import iso
from bot.card import check_serial


def nir_with_key(first_13: str) -> str:
    """Appends the 2-digit key (stdnum handles Corsica's 2A/2B)."""
    return first_13 + stdnum_nir.calc_check_digits(first_13)


def photo_card_serial(first_10: str) -> str:
    """A with-photo serial: 10 digits plus whichever key digit the card rules accept."""
    for digit in "0123456789":
        if check_serial(first_10 + digit, "with_photo").value:
            return first_10 + digit
    raise ValueError("no key digit makes this serial valid")


def seed_people() -> list[dict[str, Any]]:
    """Bodies exactly as `POST /admin/insured` takes them. Synthetic: no real person."""
    return [
        {
            "nir": nir_with_key("2850375056123"),
            "birth_date": "1985-03-12",
            "first_name": "Marie",
            "last_name": "Martin",
            "card_type": "with_photo",
            "card_serial": photo_card_serial("0102457612"),
            "email": "marie.martin@example.org",
            "mobile": "+33612345601",
        },
        {
            "nir": nir_with_key("15211" + "2A" + "004045"),
            "birth_date": "1952-11-04",
            "first_name": "Jean",
            "last_name": "Santoni",
            "card_type": "without_photo",
            "card_serial": "12345678",
            "email": "jean.santoni@example.org",
            "mobile": "+33612345602",
        },
        {
            "nir": nir_with_key("2900769123456"),
            "birth_date": "1990-07-21",
            "first_name": "Fatima",
            "last_name": "Benali",
            "card_type": "with_photo",
            "card_serial": photo_card_serial("0203040506"),
            "email": "fatima.benali@example.org",
            "mobile": "+33612345603",
        },
        {
            "nir": nir_with_key("1010159350012"),
            "birth_date": "2001-01-30",
            "first_name": "Lucas",
            "last_name": "Bernard",
            "card_type": "without_photo",
            "card_serial": "9876543210123",
            "email": "lucas.bernard@example.org",
            "mobile": "+33612345604",
        },
        {
            "nir": nir_with_key("2380933063007"),
            "birth_date": "1938-09-02",
            "first_name": "Odette",
            "last_name": "Lefèvre",
            "card_type": "without_photo",
            "card_serial": "5566778899",
            "email": "odette.lefevre@example.org",
            "mobile": "+33612345605",
        },
    ]


@dataclass(frozen=True)
class SeedResult:
    nir: str
    name: str
    body: dict[str, Any]
    created: bool
    status: str
    provisional_code: str | None
    code_expires_at: str | None


def seed(app: Flask) -> list[SeedResult]:
    """Registers the people who are missing and re-issues codes for the pending ones."""
    services: Backend = app.extensions[EXTENSION_KEY]
    results = []
    with services.store.session() as session:
        for body in seed_people():
            now = services.now()
            new = parse_new_insured(schemas.NewInsured.parse_obj(body), now.date())
            person = find_by_nir_hash(session, services.hasher.nir(new.nir))
            created = person is None
            code: str | None = None
            if person is None:
                person, code = register_insured(session, services.hasher, new, now)
            else:
                refresh_status(person, now)
                if person.status == PENDING:
                    code = issue_provisional_code(person, services.hasher, now)
            session.commit()
            results.append(
                SeedResult(
                    nir=new.nir,
                    name=f"{new.first_name} {new.last_name}",
                    body=body,
                    created=created,
                    status=person.status,
                    provisional_code=code,
                    code_expires_at=iso(person.code_expires_at) if code else None,
                )
            )
    return results


def print_results(results: list[SeedResult], echo: Callable[[str], Any] = click.echo) -> None:
    for result in results:
        body = result.body
        echo(
            f"{result.name:<16} NIR {stdnum_nir.format(result.nir)}  born {body['birth_date']}  "
            f"{body['card_type']} {body['card_serial']}  {body['mobile']}  {body['email']}"
        )
        action = "created" if result.created else "already there"
        if result.provisional_code:
            code = format_provisional_code(result.provisional_code)
            echo(f"{'':<16} {action}, {result.status}: code {code} until {result.code_expires_at}")
        else:
            echo(f"{'':<16} {action}, {result.status}: no new code")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the five synthetic people and print their NIRs and provisional codes."""
    print_results(seed(current_app))
