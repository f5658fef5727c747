"""Freezing closed months: every additive figure of a month counted once from the event log
and stored in stat_month (stats.months), its distinct counts and the things they counted in
stat_month_distinct and stat_seen (stats.indicators.distinct), and what recomputing a frozen
month would change."""

import logging

from sqlalchemy import case, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from libsys.core.clock import local_today
from libsys.db import lock_row, utcnow
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, Library
from libsys.stats.indicators.distinct import (
    COPIES_USED,
    DISTINCT_SPECS,
    NETWORK_KEY,
    Distinct,
    StatDistinct,
    StatSeen,
    month_events,
    scope_key,
)
from libsys.stats.indicators.figures import Figures
from libsys.stats.indicators.queries import SNAPSHOT_COLUMNS, UNKNOWN
from libsys.stats.indicators.registry import INDICATORS
from libsys.stats.models import USE_KINDS, Event
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
from libsys.stats.scope import level_scope, library_scope, network_scope

log = logging.getLogger(__name__)
# Rows written per INSERT statement (well under SQLite's limit of bound values).
CHUNK = 1000


def _insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


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
    table = FrozenMonth.__table__
    claimed = db.session.execute(
        _insert()(table)
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


def analyse_frozen_tables() -> None:
    """On PostgreSQL, refresh the planner's statistics of the tables a freeze fills.

    A freeze writes millions of stat_seen rows at once; until autovacuum wakes (or where it
    is off) the planner takes the table for empty and reads a year's seen copies once per
    copy held: a dashboard over 20,000,000 events ran for more than 7 minutes instead of
    1-4 s (docs/benchmarks.md). ANALYZE takes seconds and runs inside the transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("ANALYZE stat_seen, stat_month, stat_month_distinct, stat_month_frozen")
        )


def freeze_closed_months(period: Period | None = None) -> list[tuple[int, int]]:
    """Freeze every closed month not frozen yet (within `period`, else since the first
    event); returns the months frozen now (not those another freeze took meanwhile)."""
    frozen = [
        (year, month)
        for year, month in _months_to_freeze(period)
        if _freeze(year, month) is not None
    ]
    if frozen:
        analyse_frozen_tables()
    return frozen


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
    if frozen or filled:
        analyse_frozen_tables()
        db.session.commit()
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


# Distinct counts -------------------------------------------------------------------------


def frozen_scopes() -> dict[str, frozenset | None]:
    """The scopes the dashboard, the API and the exports offer: key -> library ids."""
    scopes: dict[str, frozenset | None] = {NETWORK_KEY: None}
    for code in db.session.scalars(select(Library.code)):
        scope = library_scope(code)
        scopes[scope_key(scope)] = scope.library_ids
    levels = set(db.session.scalars(select(Library.level).distinct()))
    for level in LIBRARY_LEVELS:
        if level in levels:
            scope = level_scope(level)
            scopes[scope_key(scope)] = scope.library_ids
    return scopes


def _keys_by_library(scopes: dict) -> dict:
    keys: dict = {}
    for key, ids in scopes.items():
        for library_id in ids or ():
            keys.setdefault(library_id, []).append(key)
    return keys


def _month_sets(spec: Distinct, year: int, month: int, scopes: dict, breakdowns):
    """{scope key: members} and {(scope key, breakdown, group): members} of one month."""
    snapshot = [b for b in breakdowns if b in SNAPSHOT_COLUMNS]
    columns = [Event.library_id, spec.member, *(SNAPSHOT_COLUMNS[b] for b in snapshot)]
    rows = db.session.execute(
        month_events(select(*columns).distinct(), spec, month_period(year, month))
    )
    libraries = {
        library_id: (code, level)
        for library_id, code, level in db.session.execute(
            select(Library.id, Library.code, Library.level)
        )
    }
    keys_of = _keys_by_library(scopes)
    place = [b for b in ("library", "level") if b in breakdowns]
    totals: dict = {key: set() for key in scopes}
    groups: dict = {}
    for library_id, member, *values in rows:
        if member is None:
            continue
        member = str(member)
        labels = []
        for breakdown in place:
            found = libraries.get(library_id)
            label = found[0 if breakdown == "library" else 1] if found else None
            labels.append((breakdown, UNKNOWN if label in (None, "") else str(label)))
        for breakdown, value in zip(snapshot, values, strict=True):
            labels.append((breakdown, UNKNOWN if value in (None, "") else str(value)))
        for key in (NETWORK_KEY, *keys_of.get(library_id, ())):
            totals[key].add(member)
            for breakdown, label in labels:
                groups.setdefault((key, breakdown, label), set()).add(member)
    return totals, groups


def _used_copies(year: int, month: int) -> set[str]:
    span = month_period(year, month)
    rows = db.session.scalars(
        select(Event.item_id)
        .distinct()
        .where(
            Event.kind.in_(USE_KINDS),
            Event.day >= span.start,
            Event.day <= span.end,
            Event.item_id.is_not(None),
        )
    )
    return {str(item_id) for item_id in rows}


def _add_seen(year: int, month: int, code: str, members_by_key: dict) -> None:
    """Add what a month counted to the year's seen rows, keeping each one's first month."""
    table = StatSeen.__table__
    rows = [
        {"year": year, "indicator": code, "scope_key": key, "member": member, "first_month": month}
        for key, members in members_by_key.items()
        for member in members
    ]
    if not rows:
        return
    # One statement compiled once, its rows sent in batches (executemany; SQLAlchemy's
    # "insertmanyvalues" on PostgreSQL), not a new thousand-row VALUES compiled per chunk.
    statement = _insert()(table)
    earlier = case(
        (statement.excluded.first_month < table.c.first_month, statement.excluded.first_month),
        else_=table.c.first_month,
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["year", "indicator", "scope_key", "member"],
            set_={"first_month": earlier},
        ),
        rows,
    )


def _month_seen(year: int, month: int, scopes: dict, *, figures: bool):
    """Count one frozen month: its stat_month_distinct rows (when `figures`) and its seen
    rows."""
    rows = []
    for code, spec in DISTINCT_SPECS.items():
        breakdowns = [b for b in INDICATORS[code].breakdowns if b != "month"]
        totals, groups = _month_sets(spec, year, month, scopes, breakdowns)
        if figures:
            rows += [(code, key, "", "", len(members)) for key, members in totals.items()]
            rows += [
                (code, key, breakdown, label, len(members))
                for (key, breakdown, label), members in groups.items()
            ]
        _add_seen(year, month, code, totals)
    used = _used_copies(year, month)
    if figures:
        rows.append((COPIES_USED, NETWORK_KEY, "", "", len(used)))
    _add_seen(year, month, COPIES_USED, {NETWORK_KEY: used})
    if figures:
        db.session.execute(
            delete(StatDistinct).where(StatDistinct.year == year, StatDistinct.month == month)
        )
        mapped = [
            {"year": year, "month": month, "indicator": code, "scope_key": key,
             "breakdown": breakdown, "group_label": label, "value": value}
            for code, key, breakdown, label, value in rows
        ]  # fmt: skip
        for start in range(0, len(mapped), CHUNK):
            db.session.execute(StatDistinct.__table__.insert(), mapped[start : start + CHUNK])


def freeze_distinct(year: int, month: int, *, again: bool = False) -> None:
    """Freeze a month's distinct counts (called by _freeze, which holds the month).
    `again` rebuilds the year's seen rows from the log, since the month may have lost some."""
    scopes = frozen_scopes()
    if again:
        db.session.execute(delete(StatSeen).where(StatSeen.year == year))
        others = db.session.scalars(
            select(FrozenMonth.month).where(FrozenMonth.year == year, FrozenMonth.month != month)
        ).all()
        for other in sorted(others):
            _month_seen(year, other, scopes, figures=False)
    _month_seen(year, month, scopes, figures=True)
    db.session.flush()


def fill_distinct() -> list[tuple[int, int]]:
    """Freeze the distinct counts of frozen months that have none (months frozen before
    stat_month_distinct existed); each month committed on its own, under its frozen row's
    lock, so two workers fill it once."""
    done = set(db.session.execute(select(StatDistinct.year, StatDistinct.month).distinct()).all())
    missing = db.session.execute(
        # This year first: the dashboard opens on it.
        select(FrozenMonth.id, FrozenMonth.year, FrozenMonth.month).order_by(
            FrozenMonth.year.desc(), FrozenMonth.month
        )
    ).all()
    filled = []
    for row_id, year, month in missing:
        if (year, month) in done:
            continue
        try:
            lock_row(FrozenMonth, row_id)
            there = select(StatDistinct.id).where(
                StatDistinct.year == year, StatDistinct.month == month
            )
            if db.session.scalar(there.limit(1)) is None:
                freeze_distinct(year, month)
                filled.append((year, month))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return filled
