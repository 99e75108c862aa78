"""Drives N simulated people at once through complete activations; one result per level."""

from __future__ import annotations

import itertools
import random
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bench.conversation import SmsChannel, Target, TurnResult, run_turn, sms_activation
from bench.voice import VoiceChannel, voice_activation

#: channel name → (one person's line, the script of a complete activation on it)
CHANNELS = {"sms": (SmsChannel, sms_activation), "voice": (VoiceChannel, voice_activation)}

_people = itertools.count(1)


@dataclass
class ConversationResult:
    turns: list[TurnResult] = field(default_factory=list)
    completed: bool = False
    error: str = ""
    detail: str = ""

    @property
    def segments(self) -> int:
        return sum(t.segments for t in self.turns)


@dataclass
class LevelResult:
    concurrency: int
    seconds: float
    conversations: list[ConversationResult]
    channel: str = "sms"

    @property
    def turns(self) -> list[TurnResult]:
        return [t for c in self.conversations for t in c.turns]


def synthetic_person(n: int, with_photo: bool | None = None) -> dict[str, str]:
    """A valid, never real, insured person (the same recipe as tests/support/people.py);
    cards with and without a photo alternate unless `with_photo` is given."""
    from stdnum.fr import nir as stdnum_nir

    # Commune and order number run from 001 to 999: the backend refuses 000 (an invalid NIR).
    commune, order = 1 + secrets.randbelow(999), 1 + secrets.randbelow(999)
    body = f"185057{secrets.randbelow(10)}{commune:03d}{order:03d}"
    with_photo = n % 2 == 0 if with_photo is None else with_photo
    return {
        "nir": body + stdnum_nir.calc_check_digits(body),
        "birth_date": "1985-05-12",
        "first_name": "Camille",
        "last_name": "Martin",
        "card_type": "with_photo" if with_photo else "without_photo",
        "card_serial": f"{secrets.randbelow(10**11):011d}"
        if with_photo
        else f"{secrets.randbelow(10**9):09d}",
        "email": f"bench{n}.{secrets.token_hex(3)}@example.org",
        "mobile": f"+3361{secrets.randbelow(10**7):07d}",
    }


FIRST = ("camille", "jean", "marie", "louis", "alice", "paul", "lea", "hugo", "emma", "jules")
LAST = ("martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy")
_taken: set[str] = set()
_taken_lock = threading.Lock()


def unique_identifier() -> str:
    """An identifier such as people choose ("jean.dubois85"), never twice in one run."""
    with _taken_lock:
        while True:
            first, last = secrets.choice(FIRST), secrets.choice(LAST)
            candidate = f"{first}.{last}{1940 + secrets.randbelow(70)}{secrets.choice('abcdefgh')}"
            if candidate not in _taken:
                _taken.add(candidate)
                return candidate


def seed(
    target: Target, count: int, with_photo: bool | None = None
) -> list[tuple[dict[str, str], str]]:
    """Creates `count` insured people through the admin API; returns them with their codes."""
    headers = {"Authorization": f"Bearer {target.admin_token}"}
    people = []
    with requests.Session() as session:
        while len(people) < count:
            person = synthetic_person(next(_people), with_photo)
            response = session.post(
                f"{target.backend_url}/admin/insured", json=person, headers=headers, timeout=30
            )
            if response.status_code == 409:
                continue  # the same random NIR twice: draw another
            response.raise_for_status()
            people.append((person, response.json()["provisional_code"]))
    return people


def activated(target: Target, person: dict[str, str], identifier: str) -> bool:
    response = requests.get(
        f"{target.backend_url}/admin/insured/{person['nir']}",
        headers={"Authorization": f"Bearer {target.admin_token}"},
        timeout=30,
    )
    body = response.json() if response.status_code == 200 else {}
    return body.get("status") == "activated" and body.get("identifier") == identifier


def converse(
    target: Target,
    person: dict[str, str],
    code: str,
    start: threading.Barrier | None,
    think: float = 0.0,
    channel: str = "sms",
) -> ConversationResult:
    """One person's complete activation; stops at the first failed turn.

    `think` seconds pass between a reply and the next message (reading and typing an SMS).
    """
    identifier = unique_identifier()
    line_class, script = CHANNELS[channel]
    line = line_class(target, person["mobile"])
    result = ConversationResult()
    if start is not None:
        start.wait()  # the first wave starts together: `concurrency` conversations at once
    if think:
        # People do not all write at the same second: first messages spread over one think
        # time, then every conversation stays open (`concurrency` at once) until it is done.
        time.sleep(random.uniform(0, think))
    for index, turn in enumerate(script(person, code, identifier)):
        if index and think:
            time.sleep(random.uniform(0.5 * think, 1.5 * think))
        outcome, reply = run_turn(line, turn)
        if turn.timed:
            result.turns.append(outcome)
        if not outcome.ok:
            result.error = outcome.error
            result.detail = (
                f"turn {index + 1} ({turn.text!r}, synthetic): expected {turn.expect!r}, "
                f"got {reply[:160]!r}"
            )
            return result
    result.completed = activated(target, person, identifier)
    if not result.completed:
        result.error = "not_activated"
    return result


def run_level(
    target: Target, concurrency: int, conversations: int, think: float = 0.0, channel: str = "sms"
) -> LevelResult:
    """`conversations` activations, `concurrency` at a time (all start together)."""
    # The voice script is the keypad path of tests/e2e/test_voice_calls.py: cards with a photo.
    people = seed(target, conversations, True if channel == "voice" else None)
    start = threading.Barrier(min(concurrency, conversations))
    started = time.perf_counter()

    def one(index: int) -> ConversationResult:
        person, code = people[index]
        barrier = start if index < start.parties else None
        return converse(target, person, code, barrier, think, channel)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(len(people))))
    return LevelResult(concurrency, time.perf_counter() - started, results, channel)
