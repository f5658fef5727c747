"""Counting over the event log: one GROUP BY per figure, on the (kind, day) index.

Every figure reads the event's own snapshot columns (the reader's category, age group...,
the copy's store and class as they were), never today's readers or copies, so a month
already reported keeps its numbers.
"""

from sqlalchemy import case, distinct, extract, func, or_, select

from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.models import Event
from libsys.stats.periods import Period
from libsys.stats.scope import Scope

UNKNOWN = "unknown"
# Breakdown -> the event column it groups by (library, level and month are built below).
SNAPSHOT_COLUMNS = {
    "reader_category": Event.reader_category,
    "age_group": Event.reader_age_group,
    "gender": Event.reader_gender,
    "ethnicity": Event.reader_ethnicity,
    "commune": Event.reader_admin_unit,
    "store": Event.item_store,
    "class": Event.item_class,
}
BREAKDOWNS = ("library", "level", "month", *SNAPSHOT_COLUMNS)


def detail_number(*path: str):
    """An integer inside the event's details JSON (a tally's visits, a close's counts)."""
    key = path[0] if len(path) == 1 else path
    return func.coalesce(Event.details[key].as_integer(), 0)


def children_flag():
    """A child's event: the reader's snapshot says so, or a walk-in tally of children."""
    return or_(Event.reader_children.is_(True), Event.reader_category == "children")


MEASURES = {
    "quantity": lambda: func.coalesce(func.sum(Event.quantity), 0),
    "events": lambda: func.count(Event.id),
    "readers": lambda: func.count(distinct(Event.reader_key)),
    "titles": lambda: func.count(distinct(Event.record_id)),
    "copies": lambda: func.count(distinct(Event.item_id)),
}


def _filtered(statement, kinds, period: Period, scope: Scope, where):
    statement = statement.where(Event.day >= period.start, Event.day <= period.end, *where)
    if kinds is not None:
        statement = statement.where(Event.kind.in_(kinds))
    if scope.library_ids is not None:
        statement = statement.where(Event.library_id.in_(sorted(scope.library_ids)))
    return statement


def _group_columns(breakdown: str):
    """The columns a breakdown groups by, and whether it needs the library joined."""
    if breakdown == "library":
        return [Library.code], True
    if breakdown == "level":
        return [Library.level], True
    if breakdown == "month":
        return [extract("year", Event.day), extract("month", Event.day)], False
    return [SNAPSHOT_COLUMNS[breakdown]], False


def _label(breakdown: str | None, row) -> str:
    if breakdown is None:
        return ""
    if breakdown == "month":
        return f"{int(row[0]):04d}-{int(row[1]):02d}"
    return UNKNOWN if row[0] is None or row[0] == "" else str(row[0])


def event_figure(
    kinds,
    period: Period,
    scope: Scope,
    *,
    measure="quantity",
    aggregate=None,
    where=(),
    breakdown: str | None = None,
    per_library: bool = False,
):
    """A figure over the events of `kinds` in the period and scope: (total, {group: value}).

    `measure` names one of MEASURES or is a SQL expression summed per group (a number in the
    details); `aggregate`, when given, is the whole aggregate (a distinct count in the
    details). `kinds` None counts every kind. The groups are empty when no breakdown is
    asked; `per_library` keys them (library id, group) for the monthly snapshots.
    """
    if aggregate is not None:
        value = aggregate
    elif isinstance(measure, str):
        value = MEASURES[measure]()
    else:
        value = func.coalesce(func.sum(measure), 0)
    total = db.session.scalar(_filtered(select(value), kinds, period, scope, where))
    groups: dict = {}
    if not breakdown and not per_library:
        return int(total or 0), groups
    columns, join_library = _group_columns(breakdown) if breakdown else ([], False)
    if per_library:
        columns = [Event.library_id, *columns]
    statement = select(*columns, value)
    if join_library:
        statement = statement.select_from(Event).outerjoin(Library, Library.id == Event.library_id)
    statement = _filtered(statement, kinds, period, scope, where).group_by(*columns)
    for row in db.session.execute(statement):
        label = (row[0], _label(breakdown, row[1:])) if per_library else _label(breakdown, row)
        if row[-1]:  # a group of nothing (a sum of zeros) is left out, as frozen months do
            groups[label] = groups.get(label, 0) + int(row[-1])
    return int(total or 0), groups


def at_points():
    """Events at a rotation point (the library the event names is a point)."""
    return Event.library_id.in_(select(Library.id).where(Library.level == "point"))


def children_visits():
    """Visits by children: the readers' snapshots and the walk-in tallies of children."""
    return case((children_flag(), Event.quantity), else_=0)
