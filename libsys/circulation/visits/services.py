"""Counting visits (lượt bạn đọc): once a day per reader, or walk-ins by category."""

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.visits.models import Visit
from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.extensions import db
from libsys.stats.events import record_event

# Anonymous tallies are counted by these categories (walk-ins at the entrance).
TALLY_CATEGORIES = ("children", "adults")


def _find_visit(reader, library, day) -> Visit | None:
    return db.session.scalar(
        select(Visit).where(
            Visit.reader_id == reader.id, Visit.library_id == library.id, Visit.day == day
        )
    )


# The most walk-ins one tally may count at once.
MAX_VISITORS = 500


def record_visit(library, reader=None, *, count: int = 1, category: str | None = None) -> Visit:
    """Count a visit: a reader's card scanned (once a day) or an anonymous tally of `count`.

    A reader already counted today at this library is not counted again: the existing
    visit is returned. Anonymous tallies take a category, "children" or "adults".
    """
    today = local_today()
    if reader is not None:
        return ensure_visit(reader, library, day=today)
    if category not in TALLY_CATEGORIES:
        raise DeskRefusal(code="INVALID_CATEGORY")
    if count < 1 or count > MAX_VISITORS:
        raise DeskRefusal(code="INVALID_COUNT")
    visit = Visit(
        library_id=library.id,
        day=today,
        count=count,
        category=category,
        children=category == "children",
    )
    db.session.add(visit)
    record_event(
        "visit",
        library=library,
        quantity=count,
        day=today,
        reader_category=category,
        children=category == "children",
    )
    db.session.flush()
    return visit


def _visit_insert(dialect):
    """INSERT of a reader's visit that does nothing when the reader has one that day."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(Visit.__table__)
        .values(
            library_id=bindparam("library_id"),
            reader_id=bindparam("reader_id"),
            day=bindparam("day"),
            count=1,
            category=bindparam("category"),
            children=bindparam("children"),
            created_at=bindparam("created_at"),
        )
        .on_conflict_do_nothing(
            index_elements=["reader_id", "library_id", "day"],
            index_where=Visit.__table__.c.reader_id.is_not(None),
        )
        .returning(Visit.__table__.c.id)
    )


# Built once per dialect (the desk counts a visit at every checkout).
_VISIT_INSERTS = {name: _visit_insert(name) for name in ("sqlite", "postgresql")}


def count_visit(reader, library, *, day: date | None = None) -> bool:
    """Count the reader's visit today at this library unless it is counted already.

    One statement: the unique index on (reader, library, day) keeps one visit even when two
    desks scan the same card at once. Returns whether this call counted it (and appended the
    `visit` event).
    """
    today = day or local_today()
    # Only a visit added the ORM way must reach the table first; the caller's other pending
    # work goes to the database later, in one flush.
    if any(isinstance(obj, Visit) for obj in db.session.new):
        db.session.flush()
    connection = db.session.connection()
    counted = connection.execute(
        _VISIT_INSERTS[connection.dialect.name],
        {
            "library_id": library.id,
            "reader_id": reader.id,
            "day": today,
            "category": reader.category.code,
            "children": reader.category.is_children,
            "created_at": utcnow(),
        },
    ).first()
    if counted is None:
        return False
    record_event("visit", library=library, reader=reader, day=today)
    return True


def ensure_visit(reader, library, *, day: date | None = None) -> Visit:
    """The reader's visit today at this library, recorded now if there is none (never two)."""
    today = day or local_today()
    count_visit(reader, library, day=today)
    db.session.flush()
    return _find_visit(reader, library, today)


def visits_today(library, day: date | None = None) -> dict:
    """Today's visit counts at a library: readers, children and adults tallies, total."""
    today = day or local_today()
    rows = db.session.execute(
        select(Visit.reader_id.is_not(None), Visit.children, db.func.sum(Visit.count))
        .where(Visit.library_id == library.id, Visit.day == today)
        .group_by(Visit.reader_id.is_not(None), Visit.children)
    ).all()
    counts = {"readers": 0, "children": 0, "adults": 0, "total": 0}
    for is_reader, children, total in rows:
        total = int(total or 0)
        if is_reader:
            counts["readers"] += total
        counts["children" if children else "adults"] += total
        counts["total"] += total
    return counts
