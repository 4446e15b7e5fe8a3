"""Calendar months: one definition of "n months after a day", for a photo's age (``file.taken``:
taken within six months) and the card's dates (``cardface.dates``: valid until one month after
a birthday)."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (the 31st of a
    shorter month becomes its last day: 1/31 + 1 -> 2/28)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
