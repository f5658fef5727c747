"""Holdings (vốn tài liệu) at the end of a period, from the catalogue's copies.

A copy is held on a day when it was acquired on or before it (`acquired_on`, else the day it
was entered) and not withdrawn on or before it (`withdrawn_on`): the general register's
rule, so holdings at 31/12 of a past year are exact. A copy lost and not yet written off is
still held, as in the register. The store and class a copy is counted under are today's
(the catalogue keeps no history of a copy's moves between stores).
"""

from datetime import date

from sqlalchemy import distinct, func, or_, select

from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.stats.indicators.distinct import used_copies_statement
from libsys.stats.indicators.queries import UNKNOWN
from libsys.stats.models import USE_KINDS, Event
from libsys.stats.periods import Period
from libsys.stats.scope import Scope

HOLDINGS_BREAKDOWNS = ("library", "level", "store", "class")


def _held_on(day: date):
    acquired = func.coalesce(Item.acquired_on, func.date(Item.created_at))
    return (
        acquired <= day,
        or_(Item.withdrawn_on.is_(None), Item.withdrawn_on > day),
    )


def _holdings_select(value, scope: Scope, day: date):
    statement = select(value).select_from(Item).where(*_held_on(day))
    if scope.library_ids is not None:
        statement = statement.where(Item.library_id.in_(sorted(scope.library_ids)))
    return statement


def _class_column():
    return func.substr(Record.ddc, 1, 3)


def holdings(period: Period, scope: Scope, *, titles=False, breakdown=None):
    """Copies (or distinct titles) held at the end of the period: (total, {group: value})."""
    value = func.count(distinct(Item.record_id)) if titles else func.count(Item.id)
    day = period.end
    total = db.session.scalar(_holdings_select(value, scope, day))
    groups: dict[str, int] = {}
    if breakdown:
        column = {
            "library": Library.code,
            "level": Library.level,
            "store": Store.code,
            "class": _class_column(),
        }[breakdown]
        statement = _holdings_select(value, scope, day).add_columns(column).group_by(column)
        if breakdown in ("library", "level"):
            statement = statement.join(Library, Library.id == Item.library_id)
        elif breakdown == "store":
            statement = statement.outerjoin(Store, Store.id == Item.store_id)
        else:
            statement = statement.join(Record, Record.id == Item.record_id)
        for count, label in db.session.execute(statement):
            key = UNKNOWN if label in (None, "") else str(label)
            if breakdown == "class" and not key.isdigit():
                key = UNKNOWN
            groups[key] = groups.get(key, 0) + int(count)
    return int(total or 0), groups


def copies_used(period: Period, scope: Scope, figures=None) -> int:
    """Copies held at the end of the period that were lent or used at least once in it
    (with `figures`, the frozen months' copies used are read instead, stats.indicators.distinct)."""
    if figures is not None:
        held = _holdings_select(func.count(Item.id), scope, period.end)
        statement = used_copies_statement(figures, held)
        if statement is not None:
            return int(db.session.scalar(statement) or 0)
    # IN without DISTINCT: a semi-join each database plans by the sizes. With DISTINCT,
    # PostgreSQL at 20,000,000 events hashed a month's 201,000 copies first, and that hash
    # spilt to disk in 169,373 batches in 2 runs of 7 (164 and 271 s instead of 0.4 s).
    used = select(Event.item_id).where(
        Event.kind.in_(USE_KINDS),
        Event.day >= period.start,
        Event.day <= period.end,
        Event.item_id.is_not(None),
    )
    statement = _holdings_select(func.count(Item.id), scope, period.end).where(Item.id.in_(used))
    return int(db.session.scalar(statement) or 0)
