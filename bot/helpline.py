"""The helpline's facts, defined once: its number, its opening hours, its public holidays.

Whatever tells a person about the helpline takes them from here: the domain's responses through
template variables (`{helpline_number}`, `{helpline_hours}`...: rasa_addons/helpline_nlg.py),
the webhook's lines (webhook/texts.py) and the advisors' clock (webhook/advisor/hours.py).
They are the national helpline's, the same for every deployment, hence not environment
settings: a change is a change here, reviewed with the texts whose length it moves
(tests/test_domain_texts.py measures them filled in). `Settings.helpline` hands them on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: France's public holidays on a fixed date (Code du travail, L3133-1): (month, day).
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
#: The ones that follow Easter Sunday: Easter Monday, Ascension, Whit Monday (days after).
EASTER_HOLIDAYS = (1, 39, 50)


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    fixed = {date(year, month, day) for month, day in FIXED_HOLIDAYS}
    return frozenset(fixed | {easter + timedelta(days=n) for n in EASTER_HOLIDAYS})


def clock_text(moment: time) -> str:
    """8:30 -> "8h30", 17:00 -> "17h" (as the helpline writes its hours)."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


@dataclass(frozen=True)
class Helpline:
    number: str = "34 22"
    opens: time = time(8, 30)
    closes: time = time(17, 0)
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday to Friday, public holidays off
    timezone: str = "Europe/Paris"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in public_holidays(day.year)

    def is_open(self, moment: datetime) -> bool:
        """Are advisors there at this (timezone-aware) moment?"""
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        """When advisors next arrive after `moment` (its day's opening if not yet passed)."""
        local = moment.astimezone(self.zone)
        day = local.date() + timedelta(days=1 if local.time() >= self.opens else 0)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=self.zone)

    # --- how the texts say it
    def days_text(self, short: bool = False) -> str:
        """ "du lundi au vendredi" ("lun-ven" when short) for consecutive days."""
        days = sorted(self.working_days)
        names = [WEEKDAYS_FR[d] for d in days]
        consecutive = len(days) > 2 and days == list(range(days[0], days[-1] + 1))
        if short:
            return f"{names[0][:3]}-{names[-1][:3]}" if consecutive else ", ".join(names)
        if consecutive:
            return f"du {names[0]} au {names[-1]}"
        return " et ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]

    @property
    def hours_text(self) -> str:
        """ "du lundi au vendredi de 8h30 à 17h, sauf jours fériés"."""
        return (
            f"{self.days_text()} de {clock_text(self.opens)} à {clock_text(self.closes)}, "
            "sauf jours fériés"
        )

    @property
    def hours_short(self) -> str:
        """ "lun-ven 8h30-17h", for an SMS line that must stay short."""
        return f"{self.days_text(short=True)} {clock_text(self.opens)}-{clock_text(self.closes)}"

    def template_values(self) -> dict[str, str]:
        """The variables every response of the domain may use."""
        return {
            "helpline_number": self.number,
            "helpline_hours": self.hours_text,
            "helpline_hours_short": self.hours_short,
            "helpline_opens": clock_text(self.opens),
        }


#: The helpline, as it is.
HELPLINE = Helpline()
