"""Dates on the card: the Japanese era (和暦) and the card expiry rules.

Eras (first day in the Gregorian calendar):
明治 1868-10-23 (Meiji dates before the 1873 calendar reform are not supported: no living
holder needs them), 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.
The first year of an era is written 元年.

Expiry (番号法施行令 / J-LIS): today's card is valid until the holder's 10th birthday after
the issue date, or the 5th when the holder is under 18 on the issue date. The task force's
next card is valid until one month after that birthday. A 29 February birthday falls on
28 February in common years (the age changes at the end of the day before the birthday,
年齢計算ニ関スル法律). The birthday counted is the first one strictly after the issue date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from photo.months import add_months  # the one definition, shared with file.taken

ERAS: tuple[tuple[str, str, date], ...] = (
    # name, romanized initial, first day
    ("令和", "R", date(2019, 5, 1)),
    ("平成", "H", date(1989, 1, 8)),
    ("昭和", "S", date(1926, 12, 25)),
    ("大正", "T", date(1912, 7, 30)),
    ("明治", "M", date(1868, 10, 23)),
)
EARLIEST = ERAS[-1][2]
ADULT_AGE = 18
YEARS_VALID_ADULT = 10
YEARS_VALID_MINOR = 5


@dataclass(frozen=True)
class EraDate:
    """A date in the Japanese era: ``era`` (令和...), ``year`` in the era, month, day."""

    era: str
    year: int
    month: int
    day: int

    def __str__(self) -> str:
        y = "元" if self.year == 1 else str(self.year)
        return f"{self.era}{y}年{self.month}月{self.day}日"


def to_era(d: date) -> EraDate:
    """The Japanese era date of ``d``; ValueError before 明治 1868-10-23."""
    for name, _initial, start in ERAS:
        if d >= start:
            return EraDate(name, d.year - start.year + 1, d.month, d.day)
    raise ValueError(f"{d.isoformat()} is before the Meiji era (1868-10-23)")


def format_era(d: date) -> str:
    """``date(1990, 4, 1)`` -> ``平成2年4月1日``; 元年 for the first year."""
    return str(to_era(d))


def format_western(d: date, style: str = "ja") -> str:
    """Western-calendar date for the card: ``1990年4月1日`` (ja), ``1 APR 1990`` (en) or ISO."""
    if style == "ja":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "en":
        return f"{d.day} {calendar.month_abbr[d.month].upper()} {d.year}"
    if style == "iso":
        return d.isoformat()
    raise ValueError(f"unknown date style {style!r}")


def birthday_in(born: date, year: int) -> date:
    """The holder's birthday in ``year`` (29 February -> 28 February in common years)."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, born.month, born.day)


def age_on(born: date, on: date) -> int:
    """Age in full years on ``on``."""
    years = on.year - born.year
    return years - 1 if on < birthday_in(born, on.year) else years


def nth_birthday_after(born: date, after: date, n: int) -> date:
    """The ``n``-th birthday strictly after ``after``."""
    first_year = after.year if birthday_in(born, after.year) > after else after.year + 1
    return birthday_in(born, first_year + n - 1)


def years_valid(born: date, issued: date) -> int:
    """10 for holders 18 or older on the issue date, else 5."""
    return YEARS_VALID_ADULT if age_on(born, issued) >= ADULT_AGE else YEARS_VALID_MINOR


def expiry_current(born: date, issued: date) -> date:
    """Today's rule: the 10th birthday after issue (5th if under 18 at issue)."""
    return nth_birthday_after(born, issued, years_valid(born, issued))


def expiry_next(born: date, issued: date) -> date:
    """The next card's rule: one month after the birthday of today's rule."""
    return add_months(expiry_current(born, issued), 1)
