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

This module reads them (stats.indicators.figures and holdings ask it first); freezing
writes them. The copies used (the share of stock not used) keep their set the same way,
network-wide.
A scope frozen in none of a period's months (an ad hoc set of libraries, a library added
later, a month frozen before this table existed and not filled yet) is counted from the log
as before, so every figure stays what the event log gives.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Index, String, UniqueConstraint, cast, func, select
from sqlalchemy.orm import Mapped, mapped_column

from libsys.catalog.models import Item
from libsys.extensions import db
from libsys.stats.indicators.base import merge_groups
from libsys.stats.models import READER_KEY_KINDS, USE_KINDS, Event
from libsys.stats.months import frozen_months, month_period, split_period
from libsys.stats.periods import Period
from libsys.stats.scope import Scope

NETWORK_KEY = "*"
# The set behind the share of stock not used (holdings.copies_used), network-wide.
COPIES_USED = "copies_used"


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


# What each distinct indicator counts: the same kinds, member and conditions as its own
# computation (registry).
DISTINCT_SPECS = {
    "active_readers": Distinct(
        READER_KEY_KINDS, Event.reader_key, (Event.reader_key.is_not(None),)
    ),
    "acquired_titles": Distinct(("item_acquired",), Event.record_id),
    "periodical_titles": Distinct(
        ("periodical_received",), Event.details["periodical_id"].as_integer()
    ),
    "rotation_batches": Distinct(("batch_dispatched",), Event.details["batch"].as_integer()),
}
DISTINCT_CODES = tuple(DISTINCT_SPECS)


def scope_key(scope: Scope) -> str:
    """A short stable name for a scope's set of libraries ("*" for the network)."""
    if scope.library_ids is None:
        return NETWORK_KEY
    text = ",".join(str(library_id) for library_id in sorted(scope.library_ids))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def month_events(statement, spec: Distinct, span: Period):
    return statement.where(
        Event.kind.in_(spec.kinds), Event.day >= span.start, Event.day <= span.end, *spec.where
    )


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
        members = month_events(
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
    code, period = indicator.code, figures.period
    key = scope_key(figures.scope)
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
        total = _year_total(figures, code, DISTINCT_SPECS[code], key, prefix)
    else:
        total = indicator.compute(figures.counted_live(period), None)[0]
    groups: dict = {}
    if breakdown == "month":
        for year, month in covered:
            groups = merge_groups(groups, _month_figure(code, key, year, month, "month")[1])
        for span in _spans_without(period, covered):
            part = indicator.compute(figures.counted_live(span), "month")[1]
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
