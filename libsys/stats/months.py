"""Closed months frozen as snapshots (stat_month): what the dashboard and the exports read.

A month once closed is counted once, per library and per group of each breakdown, for every
additive indicator (sums over events), and kept: a report sent stays what it was. A period
reads its closed, frozen months from here and counts the rest (the current month, a month
not frozen yet, the ends of a range of days) from the event log. Recomputing a frozen month
shows what would change (an event appended late, a correction) before anyone re-freezes it.
"""

from calendar import monthrange
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.periods import Period

# Breakdowns read from the per-library rows themselves (stored under breakdown "").
PLACE_BREAKDOWNS = (None, "library", "level", "month")


class FrozenMonth(db.Model):
    """A month whose figures are frozen in stat_month, and when."""

    __tablename__ = "stat_month_frozen"
    __table_args__ = (UniqueConstraint("year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatMonth(db.Model):
    """One frozen figure: a month, an indicator, a library, a breakdown's group."""

    __tablename__ = "stat_month"
    __table_args__ = (Index("ix_stat_month_year_month_indicator", "year", "month", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    # The event's library (None for events naming none).
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    # "" with group "": the library's total; else the breakdown and its group.
    breakdown: Mapped[str] = mapped_column(String(30), default="")
    group_label: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[float] = mapped_column(Float)


def month_period(year: int, month: int) -> Period:
    """The whole of one month."""
    return Period(
        date(year, month, 1), date(year, month, monthrange(year, month)[1]), f"{year}-{month:02d}"
    )


def is_closed(year: int, month: int) -> bool:
    """A month is closed once today is past its last day."""
    return month_period(year, month).end < local_today()


def frozen_months() -> set[tuple[int, int]]:
    """The (year, month) pairs frozen so far."""
    return {tuple(row) for row in db.session.execute(select(FrozenMonth.year, FrozenMonth.month))}


def stored_number(value):
    """A stored figure as it was counted: whole numbers stay whole."""
    return int(value) if float(value).is_integer() else value


def split_period(period: Period, frozen: set) -> tuple[list[tuple[int, int]], list[Period]]:
    """The period's frozen whole months, and the day ranges to count live (merged)."""
    whole, live = [], []
    for year, month in period.months():
        span = month_period(year, month)
        start, end = max(period.start, span.start), min(period.end, span.end)
        if (start, end) == (span.start, span.end) and (year, month) in frozen:
            whole.append((year, month))
        elif live and (start - live[-1].end).days == 1:
            live[-1] = Period(live[-1].start, end, "")
        else:
            live.append(Period(start, end, ""))
    return whole, live


def frozen_part(code: str, months, scope, breakdown: str | None) -> tuple[float, dict]:
    """The sum of the frozen rows for a scope: (total, {group: value})."""
    if not months:
        return 0, {}
    # year IN and month IN reach the (year, month, indicator) index on both databases, where
    # an expression over the two columns reads the whole table; a range across two years
    # also names its exact months.
    years = sorted({year for year, _month in months})
    numbers = sorted({month for _year, month in months})
    conditions = [
        StatMonth.indicator == code,
        StatMonth.year.in_(years),
        StatMonth.month.in_(numbers),
    ]
    if len(months) < len(years) * len(numbers):
        wanted = StatMonth.__table__.c
        keys = [year * 100 + month for year, month in months]
        conditions.append((wanted.year * 100 + wanted.month).in_(keys))
    if scope.library_ids is not None:
        conditions.append(StatMonth.library_id.in_(sorted(scope.library_ids)))
    stored = breakdown if breakdown not in PLACE_BREAKDOWNS else ""
    rows = db.session.execute(
        select(StatMonth.year, StatMonth.month, StatMonth.library_id, StatMonth.breakdown,
               StatMonth.group_label, func.sum(StatMonth.value))
        .where(*conditions, StatMonth.breakdown.in_({"", stored}))
        .group_by(StatMonth.year, StatMonth.month, StatMonth.library_id, StatMonth.breakdown,
                  StatMonth.group_label)
    ).all()  # fmt: skip
    libraries = {}
    if breakdown in ("library", "level"):
        libraries = {
            library.id: (library.code if breakdown == "library" else library.level)
            for library in db.session.scalars(select(Library))
        }
    total, groups = 0, {}
    for year, month, library_id, row_breakdown, label, value in rows:
        value = stored_number(value)
        if row_breakdown == "":
            total += value
            if breakdown == "month":
                label = f"{year:04d}-{month:02d}"
            elif breakdown in ("library", "level"):
                label = libraries.get(library_id) or "unknown"
            else:
                continue
        groups[label] = groups.get(label, 0) + value
    return total, groups
