"""Freezing closed months: every additive figure of a month counted once from the event log
and stored in stat_month (stats.months), and what recomputing a frozen month would change."""

import logging

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from libsys.core.clock import local_today
from libsys.db import lock_row, utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.distinct import fill_distinct, freeze_distinct
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

log = logging.getLogger(__name__)


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


def _claim(year: int, month: int) -> bool:
    """Write the month's stat_month_frozen row unless there is one: True when this
    transaction wrote it, so freezes the month. One guarded INSERT: of two freezes at once,
    the second waits for the first's commit (PostgreSQL: the unique index; SQLite: the write
    lock) and then does nothing, instead of failing on the unique index."""
    insert = (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    table = FrozenMonth.__table__
    claimed = db.session.execute(
        insert(table)
        .values(year=year, month=month, frozen_at=utcnow())
        .on_conflict_do_nothing(index_elements=["year", "month"])
        .returning(table.c.id)
    ).first()
    return claimed is not None


def _freeze(year: int, month: int, *, again: bool = False) -> int | None:
    """Freeze a closed month; the rows stored, or None when it was not frozen now."""
    if not is_closed(year, month):
        return None
    if not _claim(year, month):
        if not again:
            return None
        # Two freezes again of one month take turns on its row.
        row_id = db.session.scalar(
            select(FrozenMonth.id).where(FrozenMonth.year == year, FrozenMonth.month == month)
        )
        lock_row(FrozenMonth, row_id).frozen_at = utcnow()
    rows = compute_month(year, month)
    db.session.execute(delete(StatMonth).where(StatMonth.year == year, StatMonth.month == month))
    db.session.add_all(
        StatMonth(year=year, month=month, indicator=code, library_id=library_id,
                  breakdown=breakdown, group_label=label, value=value)
        for (code, library_id, breakdown, label), value in rows.items()
    )  # fmt: skip
    db.session.flush()
    freeze_distinct(year, month, again=again)
    return len(rows)


def freeze_month(year: int, month: int, *, again: bool = False) -> int:
    """Freeze a closed month's figures (`again` replaces a frozen month's); returns the rows
    stored, or 0 when it was frozen already (by this or another process) or is not closed."""
    return _freeze(year, month, again=again) or 0


def _months_to_freeze(period: Period | None) -> list[tuple[int, int]]:
    if period is None:
        first = db.session.scalar(select(func.min(Event.day)))
        if first is None:
            return []
        period = Period(first, local_today(), "")
    done = frozen_months()
    return [
        (year, month)
        for year, month in period.months()
        if (year, month) not in done and is_closed(year, month)
    ]


def freeze_closed_months(period: Period | None = None) -> list[tuple[int, int]]:
    """Freeze every closed month not frozen yet (within `period`, else since the first
    event); returns the months frozen now (not those another freeze took meanwhile)."""
    return [
        (year, month)
        for year, month in _months_to_freeze(period)
        if _freeze(year, month) is not None
    ]


def freeze_closed_months_job() -> list[tuple[int, int]]:
    """The daily job (core.jobs PERIODIC): every closed month not frozen yet, each committed
    on its own, so nobody has to remember `libsys stats freeze`; a worker stopped halfway
    keeps the months it froze, and two workers at once freeze each month once."""
    frozen = []
    for year, month in _months_to_freeze(None):
        try:
            if _freeze(year, month) is not None:
                frozen.append((year, month))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    # Months frozen before their distinct counts were kept get them now.
    filled = fill_distinct()
    if filled:
        log.info("froze the distinct counts of %s", ", ".join(f"{y}-{m:02d}" for y, m in filled))
    if frozen:
        log.info("froze closed months %s", ", ".join(f"{y}-{m:02d}" for y, m in frozen))
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
