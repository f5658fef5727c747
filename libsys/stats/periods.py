"""Reporting periods: a month `2026-10`, a half-year `2026-H1`, a year `2026`, or a range
`2026-01-01..2026-03-31`; one parser, which refuses every other shape."""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from libsys.errors import ValidationFailed

PERIOD_MESSAGE = _l(
    "Write the period as 2026-10 (a month), 2026-H1 (a half-year), 2026 (a year) "
    "or 2026-01-01..2026-03-31 (a range of days)."
)
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A span of local days, both ends included, with the text it was written as."""

    start: date
    end: date
    label: str

    @property
    def year(self) -> int | None:
        """The calendar year the period lies in, or None when it spans two."""
        return self.start.year if self.start.year == self.end.year else None

    def same_period_last_year(self) -> "Period":
        """The same days one year earlier (29 February becomes the 28th)."""
        return Period(_year_before(self.start), _year_before(self.end), f"{self.label}-1y")

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches, in order."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _refuse():
    raise ValidationFailed(PERIOD_MESSAGE, fields={"period": PERIOD_MESSAGE}, code="INVALID_PERIOD")


def parse_period(text: str | None) -> Period:
    """The period written as text, or a 422 (INVALID_PERIOD) saying the four shapes."""
    value = (text or "").strip()
    try:
        if match := _YEAR.match(value):
            year = int(match[1])
            return Period(date(year, 1, 1), date(year, 12, 31), value)
        if match := _MONTH.match(value):
            year, month = int(match[1]), int(match[2])
            last = monthrange(year, month)[1]
            return Period(date(year, month, 1), date(year, month, last), value)
        if match := _HALF.match(value):
            year, half = int(match[1]), int(match[2])
            if half == 1:
                return Period(date(year, 1, 1), date(year, 6, 30), f"{year}-H1")
            return Period(date(year, 7, 1), date(year, 12, 31), f"{year}-H2")
        if match := _RANGE.match(value):
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            if start <= end:
                return Period(start, end, value)
    except ValueError:
        pass
    _refuse()
