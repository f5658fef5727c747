"""Distinct counts of closed months, frozen so a year is not re-read from the event log.

Active readers, titles acquired, periodical titles and rotation batches count distinct
things (pseudonyms, records...), so a period's figure is not the sum of its months'. When a
month is frozen (stats.freezing) two things are kept for each scope the interface offers (the
network, every library with its rotation points, every level of library):

- stat_month_distinct: the month's exact figure and its groups for every breakdown the
  indicator allows, so a closed month (the monthly export) is read, not counted;
- stat_seen: the things counted in the frozen months of a year, each with the first frozen
  month it appeared in, so the distinct count of January to a frozen month is the number of
  rows seen by then, and the days after (the open month) add only what was not seen yet.

The copies used (the share of stock not used) keep their set the same way, network-wide.
A scope frozen in none of a period's months (an ad hoc set of libraries, a library added
later, a month frozen before this table existed and not filled yet) is counted from the log
as before, so every figure stays what the event log gives.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Index,
    String,
    UniqueConstraint,
    case,
    cast,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from libsys.db import lock_row
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, Library
from libsys.stats.indicators.queries import SNAPSHOT_COLUMNS, UNKNOWN
from libsys.stats.models import Event
from libsys.stats.months import FrozenMonth, month_period, split_period
from libsys.stats.periods import Period
from libsys.stats.scope import Scope, level_scope, library_scope

NETWORK_KEY = "*"
# The set behind the share of stock not used (holdings.USE_KINDS), network-wide.
COPIES_USED = "copies_used"
USE_KINDS = ("checkout", "renewal", "inhouse_use", "point_loan")
# Rows written per INSERT statement (well under SQLite's limit of bound values).
CHUNK = 1000


class StatDistinct(db.Model):
    """A frozen month's distinct count for one scope: the total (breakdown "") or a group."""

    __tablename__ = "stat_month_distinct"
    __table_args__ = (
        Index("ix_stat_month_distinct_lookup", "indicator", "scope_key", "year", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    scope_key: Mapped[str] = mapped_column(String(20))
    breakdown: Mapped[str] = mapped_column(String(30), default="")
    group_label: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[int]


class StatSeen(db.Model):
    """One thing counted (a pseudonym, a record, a copy...) in a scope's frozen months of a
    year, and the first of those months it appeared in."""

    __tablename__ = "stat_seen"
    __table_args__ = (
        UniqueConstraint("year", "indicator", "scope_key", "member"),
        Index("ix_stat_seen_first_month", "year", "indicator", "scope_key", "first_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    scope_key: Mapped[str] = mapped_column(String(20))
    member: Mapped[str] = mapped_column(String(40))
    first_month: Mapped[int]


@dataclass(frozen=True)
class Distinct:
    """What a distinct indicator counts: the kinds, the thing counted, extra conditions."""

    kinds: tuple[str, ...]
    member: ColumnElement
    where: tuple = ()


def _specs() -> dict[str, Distinct]:
    # The same kinds, member and conditions as the indicators' own computation (registry).
    from libsys.stats.indicators.registry import READER_KEY_KINDS

    return {
        "active_readers": Distinct(
            READER_KEY_KINDS, Event.reader_key, (Event.reader_key.is_not(None),)
        ),
        "acquired_titles": Distinct(("item_acquired",), Event.record_id),
        "periodical_titles": Distinct(
            ("periodical_received",), Event.details["periodical_id"].as_integer()
        ),
        "rotation_batches": Distinct(("batch_dispatched",), Event.details["batch"].as_integer()),
    }


DISTINCT_CODES = ("active_readers", "acquired_titles", "periodical_titles", "rotation_batches")


def scope_key(scope: Scope) -> str:
    """A short stable name for a scope's set of libraries ("*" for the network)."""
    if scope.library_ids is None:
        return NETWORK_KEY
    text = ",".join(str(library_id) for library_id in sorted(scope.library_ids))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


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


def _month_filter(statement, spec: Distinct, span: Period):
    return statement.where(
        Event.kind.in_(spec.kinds), Event.day >= span.start, Event.day <= span.end, *spec.where
    )


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
        _month_filter(select(*columns).distinct(), spec, month_period(year, month))
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


def _insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


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
    from libsys.stats.indicators.registry import INDICATORS

    rows = []
    for code, spec in _specs().items():
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
    """Freeze a month's distinct counts (called by freezing._freeze, which holds the month).
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


# Reading --------------------------------------------------------------------------------


def _stored_months(figures, code: str, key: str) -> set[tuple[int, int]]:
    """The months whose distinct counts for this indicator and scope are frozen."""
    cache_key = ("distinct_months", code, key)
    if cache_key not in figures.cache:
        years = sorted({year for year, _month in figures.period.months()})
        figures.cache[cache_key] = set(
            db.session.execute(
                select(StatDistinct.year, StatDistinct.month).where(
                    StatDistinct.indicator == code,
                    StatDistinct.scope_key == key,
                    StatDistinct.breakdown == "",
                    StatDistinct.year.in_(years),
                )
            ).all()
        )
    return figures.cache[cache_key]


def _covered(figures, code: str, key: str) -> list[tuple[int, int]]:
    """The period's whole months that are frozen with their distinct counts."""
    from libsys.stats.months import frozen_months

    if "frozen_months" not in figures.cache:
        figures.cache["frozen_months"] = frozen_months()
    whole, _live = split_period(figures.period, figures.cache["frozen_months"])
    stored = _stored_months(figures, code, key)
    return [month for month in whole if month in stored]


def _month_figure(code: str, key: str, year: int, month: int, breakdown):
    rows = db.session.execute(
        select(StatDistinct.breakdown, StatDistinct.group_label, StatDistinct.value).where(
            StatDistinct.indicator == code,
            StatDistinct.scope_key == key,
            StatDistinct.year == year,
            StatDistinct.month == month,
            StatDistinct.breakdown.in_({"", breakdown or ""}),
        )
    ).all()
    total = next(value for stored, label, value in rows if stored == "" and label == "")
    if breakdown == "month":
        return total, ({f"{year:04d}-{month:02d}": total} if total else {})
    groups = {label: value for stored, label, value in rows if breakdown and stored == breakdown}
    return total, groups


def _spans_without(period: Period, covered: list) -> list[Period]:
    """The period's days outside the covered months, as merged ranges."""
    spans: list[Period] = []
    for year, month in period.months():
        if (year, month) in covered:
            continue
        whole = month_period(year, month)
        start, end = max(period.start, whole.start), min(period.end, whole.end)
        if spans and (start - spans[-1].end).days == 1:
            spans[-1] = Period(spans[-1].start, end, "")
        else:
            spans.append(Period(start, end, ""))
    return spans


def _prefix(period: Period, covered: list) -> int:
    """The last month m such that January to m of the period's year are all covered (0:
    none), when the period starts on 1 January."""
    if period.start != date(period.start.year, 1, 1):
        return 0
    last = 0
    while (period.start.year, last + 1) in covered:
        last += 1
    return last


def _seen(code: str, key: str, year: int, month: int):
    """The members a scope's frozen months of a year counted by `month` (a subquery)."""
    return select(StatSeen.member).where(
        StatSeen.year == year,
        StatSeen.indicator == code,
        StatSeen.scope_key == key,
        StatSeen.first_month <= month,
    )


def _year_total(figures, code: str, spec: Distinct, key: str, prefix: int) -> int:
    """January to the prefix month from the seen rows, plus what the later days add."""
    period, scope = figures.period, figures.scope
    year = period.start.year
    total = db.session.scalar(
        select(func.count()).select_from(_seen(code, key, year, prefix).subquery())
    )
    after = month_period(year, prefix).end.toordinal() + 1
    if after <= period.end.toordinal():
        # The open days' distinct members first, then those not seen: a set anti-join on
        # stat_seen's unique index, not a lookup per event.
        members = _month_filter(
            select(cast(spec.member, String).label("member")).distinct(),
            spec,
            Period(date.fromordinal(after), period.end, ""),
        ).where(spec.member.is_not(None))
        if scope.library_ids is not None:
            members = members.where(Event.library_id.in_(sorted(scope.library_ids)))
        members = members.subquery()
        seen = _seen(code, key, year, prefix).where(StatSeen.member == members.c.member)
        statement = select(func.count()).select_from(members).where(~seen.exists())
        total += db.session.scalar(statement) or 0
    return int(total or 0)


def distinct_figure(figures, indicator, breakdown):
    """A distinct indicator over a period, reading its frozen months where it can; None when
    it must be counted from the log alone."""
    from libsys.stats.indicators.base import merge_groups
    from libsys.stats.indicators.figures import Figures

    code, scope, period = indicator.code, figures.scope, figures.period
    key = scope_key(scope)
    covered = _covered(figures, code, key)
    if not covered:
        return None
    months = period.months()
    if len(months) == 1 and covered == months:
        return _month_figure(code, key, *months[0], breakdown)
    if breakdown not in (None, "month") or period.year is None:
        return None
    prefix = _prefix(period, covered)
    if prefix:
        total = _year_total(figures, code, _specs()[code], key, prefix)
    else:
        total = indicator.compute(Figures(period, scope, live=True), None)[0]
    groups: dict = {}
    if breakdown == "month":
        for year, month in covered:
            groups = merge_groups(groups, _month_figure(code, key, year, month, "month")[1])
        for span in _spans_without(period, covered):
            part = indicator.compute(Figures(span, scope, live=True), "month")[1]
            groups = merge_groups(groups, part)
    return total, groups


def used_copies_statement(figures, held_select):
    """The copies used in the period among `held_select`'s (holdings' count of copies held
    at its end), reading the year's seen copies up to the last frozen month; None when the
    period is not from 1 January or no month of it is frozen."""
    period = figures.period
    if figures.live or figures.per_library or period.year is None:
        return None
    prefix = _prefix(period, _covered(figures, COPIES_USED, NETWORK_KEY))
    if not prefix:
        return None
    from libsys.catalog.models import Item

    year = period.start.year
    # EXISTS alone (no OR beside it) is a semi-join each database plans by the sizes: a
    # lookup per copy on stat_seen's unique index or a hash of the seen copies; the copies
    # used only in the open days are added by a second count (an anti-join), not by an OR
    # that would make it a lookup per copy whatever the sizes.
    seen = (
        _seen(COPIES_USED, NETWORK_KEY, year, prefix)
        .where(StatSeen.member == cast(Item.id, String))
        .exists()
    )
    after = date.fromordinal(month_period(year, prefix).end.toordinal() + 1)
    if after > period.end:
        return held_select.where(seen)
    later = select(Event.item_id).where(
        Event.kind.in_(USE_KINDS),
        Event.day >= after,
        Event.day <= period.end,
        Event.item_id.is_not(None),
    )
    only_later = held_select.where(Item.id.in_(later), ~seen)
    return select(held_select.where(seen).scalar_subquery() + only_later.scalar_subquery())
