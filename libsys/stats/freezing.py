"""Freezing closed months: every additive figure of a month counted once from the event log
and stored in stat_month (stats.months), and what recomputing a frozen month would change."""

from sqlalchemy import delete, func, select

from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.indicators.figures import Figures
from libsys.stats.indicators.registry import INDICATORS
from libsys.stats.models import Event
from libsys.stats.months import (
    PLACE_BREAKDOWNS,
    FrozenMonth,
    StatMonth,
    frozen_months,
    is_closed,
    month_period,
    stored_number,
)
from libsys.stats.periods import Period
from libsys.stats.scope import network_scope


def _stored_breakdowns(indicator) -> list[str | None]:
    return [None, *(b for b in indicator.breakdowns if b not in PLACE_BREAKDOWNS)]


def compute_month(year: int, month: int) -> dict[tuple, float]:
    """Every additive figure of a month from the event log, keyed (indicator, library id,
    breakdown, group), as freezing would store it."""
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


def month_changes(year: int, month: int) -> list[dict]:
    """What recomputing a frozen month would change: each figure whose frozen value differs
    from the event log's today (indicator, library, breakdown, group, frozen, now)."""
    stored = {
        (row.indicator, row.library_id, row.breakdown, row.group_label): stored_number(row.value)
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
