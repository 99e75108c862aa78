"""Whether advisors are there now, and what a person asking for one out of hours is told.

The helpline's hours and public holidays are defined once, in bot/helpline.py; the clock is
injectable (`create_app(test_config={"ADVISOR_CLOCK": ...})`) so that tests can be out of
hours, or let a session expire, without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from bot.helpline import HELPLINE, WEEKDAYS_FR, Helpline, clock_text
from webhook import texts

#: Returns the current time, timezone-aware.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class HelplineHours:
    """The helpline's hours seen from the webhook's clock."""

    def __init__(self, clock: Clock = utc_now, helpline: Helpline = HELPLINE) -> None:
        self.clock = clock
        self.helpline = helpline

    def is_open(self) -> bool:
        return self.helpline.is_open(self.clock())

    def next_opening(self) -> datetime:
        """The next time advisors arrive (today's opening if not yet passed), local time."""
        return self.helpline.next_opening(self.clock())

    def closed_notice(self) -> str | None:
        """What a person asking for an advisor is told out of hours; None when advisors are in."""
        if self.is_open():
            return None
        return texts.ADVISORS_AWAY.format(when=self.when(self.next_opening().date()))

    def when(self, day: date) -> str:
        """ "aujourd'hui dès 8h30", "demain dès 8h30", "mardi dès 8h30"."""
        today = self.clock().astimezone(self.helpline.zone).date()
        opens = clock_text(self.helpline.opens)
        if day == today:
            return texts.ADVISORS_BACK_TODAY.format(opens=opens)
        if day == today + timedelta(days=1):
            return texts.ADVISORS_BACK_TOMORROW.format(opens=opens)
        return texts.ADVISORS_BACK_ON.format(weekday=WEEKDAYS_FR[day.weekday()], opens=opens)
