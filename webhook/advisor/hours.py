"""The helpline's opening hours (Monday to Friday, 8:30 to 17:00, Paris time) and the clock.

The clock is injectable (`create_app(test_config={"ADVISOR_CLOCK": ...})`) so that tests can
be out of hours, or let a session expire, without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

#: Returns the current time, timezone-aware.
Clock = Callable[[], datetime]

PARIS = ZoneInfo("Europe/Paris")
OPENS = time(8, 30)
CLOSES = time(17, 0)
WORKING_DAYS = range(0, 5)  # Monday to Friday
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

CLOSED_NOTICE = (
    "Nos conseillers sont absents : votre demande est gardée, l'un d'eux vous répondra ici "
    "{when}. Vous préférez qu'il vous appelle ? Écrivez-le ici."
)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class HelplineHours:
    """When advisors are there. Public holidays are not known (they count as working days)."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock

    def _paris_now(self) -> datetime:
        return self.clock().astimezone(PARIS)

    def is_open(self) -> bool:
        now = self._paris_now()
        return now.weekday() in WORKING_DAYS and OPENS <= now.time() < CLOSES

    def next_opening(self) -> datetime:
        """The next time advisors arrive (now, if they are there), in Paris time."""
        now = self._paris_now()
        day = now.date()
        if now.time() >= OPENS:
            day += timedelta(days=1)
        while day.weekday() not in WORKING_DAYS:
            day += timedelta(days=1)
        return datetime.combine(day, OPENS, tzinfo=PARIS)

    def closed_notice(self) -> str | None:
        """What a person asking for an advisor is told out of hours; None when advisors are in."""
        if self.is_open():
            return None
        return CLOSED_NOTICE.format(when=self._when(self.next_opening().date()))

    def _when(self, day: date) -> str:
        today = self._paris_now().date()
        if day == today:
            return "aujourd'hui dès 8h30"
        if day == today + timedelta(days=1):
            return "demain dès 8h30"
        return f"{WEEKDAYS_FR[day.weekday()]} dès 8h30"
