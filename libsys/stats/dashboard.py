"""The statistics dashboard: the year so far against the plans' targets, month by month and
beside the same days of last year, for a library, a level of library or the whole network."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from libsys.errors import ValidationFailed
from libsys.stats.indicators import Indicator
from libsys.stats.periods import Period
from libsys.stats.scope import Scope
from libsys.stats.services import indicator_values

# The indicators drawn month by month, this year beside last year.
MAIN_CODES = ("visits", "loans", "document_uses", "new_cards", "active_readers", "acquired_copies")
# Figures that are a level at a moment or a ratio of two figures of the same days, not a
# total that grows through the year: their target is compared with the value directly.
LEVEL_CODES = frozenset(
    {
        "holdings_copies",
        "holdings_titles",
        "copies_per_inhabitant",
        "stock_not_used",
        "children_share",
        "visits_growth",
    }
)
# Pace (the figure against what the target asks by today): at least ON_TRACK is on track,
# at least BEHIND is behind, less is far behind.
ON_TRACK = 1.0
BEHIND = 0.8
FIRST_YEAR = 2000
STATUSES = ("on_track", "behind", "far_behind")


@dataclass
class Line:
    """One indicator on the dashboard."""

    indicator: Indicator
    value: float | int | None
    target_min: float | None
    target_max: float | None
    # The same days of last year.
    last_year: float | int | None
    # A total growing through the year (its target is compared pro rata), or a level.
    cumulative: bool
    # The value as a share of the target (1.0 = reached), None without a target or value.
    reached: float | None = None
    # on_track, behind or far_behind; None without a target or value.
    status: str | None = None
    # {"2026-03": value} this year and last year, for the main indicators.
    months: dict | None = None
    last_months: dict | None = None

    @property
    def code(self) -> str:
        """The indicator's code."""
        return self.indicator.code

    @property
    def has_target(self) -> bool:
        """Whether a plan sets a target for this indicator in the year."""
        return self.target_min is not None or self.target_max is not None


@dataclass
class Dashboard:
    """The dashboard of a year and scope: every indicator, and the months drawn."""

    year: int
    scope: Scope
    period: Period
    last_period: Period
    # Share of the year gone by at the period's end (1.0 for a past year).
    elapsed: float
    lines: list[Line]
    # Month numbers (1..12) the period covers.
    month_numbers: list[int]

    @property
    def targeted(self) -> list[Line]:
        """The indicators a plan sets a target for."""
        return [line for line in self.lines if line.has_target]

    @property
    def main(self) -> list[Line]:
        """The indicators drawn month by month."""
        return [line for line in self.lines if line.months is not None]

    def line(self, code: str) -> Line:
        """The line of one indicator."""
        return next(line for line in self.lines if line.code == code)


def year_so_far(year: int, today: date) -> Period:
    """1 January to today for this year, the whole year for a past one; a later year or one
    before FIRST_YEAR is refused (422, INVALID_YEAR)."""
    if not FIRST_YEAR <= year <= today.year:
        message = _l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=today.year)
        raise ValidationFailed(message, fields={"year": message}, code="INVALID_YEAR")
    end = today if year == today.year else date(year, 12, 31)
    return Period(date(year, 1, 1), end, f"{year}-01-01..{end.isoformat()}")


def year_elapsed(period: Period) -> float:
    """The share of the calendar year up to the period's end (both ends counted)."""
    days_in_year = (date(period.start.year, 12, 31) - date(period.start.year, 1, 1)).days + 1
    return ((period.end - date(period.start.year, 1, 1)).days + 1) / days_in_year


def judge(value, low, high, *, expected_share: float) -> tuple[float | None, str | None]:
    """(share of the target reached, status) of a value against a target (low, high).

    A target "at least" (low) is compared with low × expected_share, the part of it due by
    now (1.0 for a level); a target "at most" (high only) the other way round. The status is
    on_track from ON_TRACK of what is due, behind from BEHIND, far_behind below.
    """
    if value is None or (low is None and high is None):
        return None, None
    if low is not None:
        reached = value / low if low else None
        due = low * expected_share
        pace = value / due if due else (1.0 if value >= 0 else 0.0)
    else:
        reached = value / high if high else None
        allowed = high * expected_share
        pace = (allowed / value if value > 0 else 1.0) if allowed else (1.0 if value <= 0 else 0.0)
    if pace >= ON_TRACK:
        status = "on_track"
    elif pace >= BEHIND:
        status = "behind"
    else:
        status = "far_behind"
    return (round(reached, 4) if reached is not None else None), status


def _months(groups: dict | None, year: int, numbers: list[int]) -> dict | None:
    if groups is None:
        return None
    return {number: groups.get(f"{year:04d}-{number:02d}", 0) for number in numbers}


def dashboard(year: int, scope: Scope, today: date) -> Dashboard:
    """The dashboard of a year (so far) for a scope: two indicator_values calls, this year's
    and the same days last year's, each split by month (closed months read frozen)."""
    period = year_so_far(year, today)
    last_period = period.same_period_last_year()
    elapsed = year_elapsed(period)
    this_year = indicator_values(period, scope, breakdown="month")
    last_year = {item.indicator.code: item for item in indicator_values(
        last_period, scope, breakdown="month", codes=None
    )}  # fmt: skip
    numbers = [month for _year, month in period.months()]
    lines = []
    for item in this_year:
        code = item.indicator.code
        cumulative = code not in LEVEL_CODES
        before = last_year[code]
        reached, status = judge(
            item.value,
            item.target_min,
            item.target_max,
            expected_share=elapsed if cumulative else 1.0,
        )
        main = code in MAIN_CODES
        lines.append(
            Line(
                indicator=item.indicator,
                value=item.value,
                target_min=item.target_min,
                target_max=item.target_max,
                last_year=before.value,
                cumulative=cumulative,
                reached=reached,
                status=status,
                months=_months(item.breakdown, year, numbers) if main else None,
                last_months=_months(before.breakdown, year - 1, numbers) if main else None,
            )
        )
    return Dashboard(year, scope, period, last_period, elapsed, lines, numbers)
