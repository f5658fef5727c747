"""Closed months frozen as snapshots (stat_month): what the dashboard and the exports read.

A month once closed is counted once, per library and per group of each breakdown, for every
additive indicator (sums over events), and kept: a report sent stays what it was. A period
reads its closed, frozen months from here and counts the rest (the current month, a month
not frozen yet, the ends of a range of days) from the event log. Recomputing a frozen month
shows what would change (an event appended late, a correction) before anyone re-freezes it.
"""

from calendar import monthrange
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.periods import Period
from libsys.stats.scope import network_scope

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


def _stored_breakdowns(indicator) -> list[str | None]:
    return [None, *(b for b in indicator.breakdowns if b not in PLACE_BREAKDOWNS)]


def compute_month(year: int, month: int) -> dict[tuple, float]:
    """Every additive figure of a month from the event log, keyed (indicator, library id,
    breakdown, group), as freezing would store it."""
    from libsys.stats.indicators import INDICATORS, Figures

    figures = Figures(month_period(year, month), network_scope(), per_library=True, live=True)
    rows: dict[tuple, float] = {}
    for code, indicator in INDICATORS.items():
        if not indicator.additive:
            continue
        for breakdown in _stored_breakdowns(indicator):
            _total, groups = figures.get(code, breakdown)
            for (library_id, label), value in groups.items():
                if value:
                    rows[(code, library_id, breakdown or "", label)] = value
    return rows


def frozen_months() -> set[tuple[int, int]]:
    """The (year, month) pairs frozen so far."""
    return {tuple(row) for row in db.session.execute(select(FrozenMonth.year, FrozenMonth.month))}


def freeze_month(year: int, month: int, *, again: bool = False) -> int:
    """Freeze a closed month's figures (`again` replaces a frozen month's); returns the rows
    stored, or 0 when it was frozen already or is not closed."""
    if not is_closed(year, month):
        return 0
    done = (year, month) in frozen_months()
    if done and not again:
        return 0
    rows = compute_month(year, month)
    db.session.execute(delete(StatMonth).where(StatMonth.year == year, StatMonth.month == month))
    db.session.add_all(
        StatMonth(year=year, month=month, indicator=code, library_id=library_id,
                  breakdown=breakdown, group_label=label, value=value)
        for (code, library_id, breakdown, label), value in rows.items()
    )  # fmt: skip
    if done:
        db.session.execute(
            FrozenMonth.__table__.update()
            .where(FrozenMonth.year == year, FrozenMonth.month == month)
            .values(frozen_at=utcnow())
        )
    else:
        db.session.add(FrozenMonth(year=year, month=month))
    db.session.flush()
    return len(rows)


def freeze_closed_months(period: Period | None = None) -> list[tuple[int, int]]:
    """Freeze every closed month not frozen yet (within `period`, else since the first
    event); returns the months frozen now."""
    from libsys.stats.models import Event

    if period is None:
        first = db.session.scalar(select(func.min(Event.day)))
        if first is None:
            return []
        period = Period(first, local_today(), "")
    done = frozen_months()
    frozen = []
    for year, month in period.months():
        if (year, month) not in done and is_closed(year, month):
            freeze_month(year, month)
            frozen.append((year, month))
    return frozen


def _number(value):
    """A stored figure as it was counted: whole numbers stay whole."""
    return int(value) if float(value).is_integer() else value


def month_changes(year: int, month: int) -> list[dict]:
    """What recomputing a frozen month would change: each figure whose frozen value differs
    from the event log's today (indicator, library, breakdown, group, frozen, now)."""
    stored = {
        (row.indicator, row.library_id, row.breakdown, row.group_label): _number(row.value)
        for row in db.session.scalars(
            select(StatMonth).where(StatMonth.year == year, StatMonth.month == month)
        )
    }
    fresh = compute_month(year, month)
    codes = {row.id: row.code for row in db.session.execute(select(Library.id, Library.code))}
    changes = []
    for key in sorted(set(stored) | set(fresh), key=str):
        before, now = stored.get(key, 0), fresh.get(key, 0)
        if before != now:
            code, library_id, breakdown, label = key
            changes.append({
                "indicator": code, "library": codes.get(library_id), "breakdown": breakdown,
                "group": label, "frozen": before, "now": now,
            })  # fmt: skip
    return changes


def _ranges(period: Period, frozen: set) -> tuple[list[tuple[int, int]], list[Period]]:
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


def _frozen_part(code: str, months, scope, breakdown: str | None) -> tuple[float, dict]:
    """The sum of the frozen rows for a scope: (total, {group: value})."""
    if not months:
        return 0, {}
    wanted = StatMonth.__table__.c
    month_keys = [year * 100 + month for year, month in months]
    conditions = [StatMonth.indicator == code, (wanted.year * 100 + wanted.month).in_(month_keys)]
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
        value = _number(value)
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


def combined_figure(figures, indicator, breakdown):
    """An additive indicator over a period: its frozen months plus the rest counted live."""
    from libsys.stats.indicators import Figures
    from libsys.stats.indicators.base import merge_groups

    if figures.per_library:
        return indicator.compute(figures, breakdown)
    whole, live = _ranges(figures.period, frozen_months())
    total, groups = _frozen_part(indicator.code, whole, figures.scope, breakdown)
    for span in live:
        part_total, part_groups = Figures(span, figures.scope, live=True).get(
            indicator.code, breakdown
        )
        total += part_total
        groups = merge_groups(groups, part_groups)
    return total, groups
