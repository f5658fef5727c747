"""Visits (lượt bạn đọc) and in-library uses of copies (lượt sử dụng tại chỗ)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.stats.events import local_today, record_event

# Anonymous tallies are counted by these categories (walk-ins at the entrance).
TALLY_CATEGORIES = ("children", "adults")


class Visit(db.Model):
    """Visit (lượt bạn đọc): one person coming to read or borrow, once per day and library.

    A row is either one reader's visit (reader_id set, count 1) or an anonymous tally of
    `count` walk-ins of a category (children or adults).
    """

    __tablename__ = "visit"
    __table_args__ = (
        Index(
            "ux_visit_reader_day",
            "reader_id",
            "library_id",
            "day",
            unique=True,
            sqlite_where=text("reader_id IS NOT NULL"),
            postgresql_where=text("reader_id IS NOT NULL"),
        ),
        Index("ix_visit_library_day", "library_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("reader.id"))
    day: Mapped[date]
    count: Mapped[int] = mapped_column(default=1)
    category: Mapped[str | None] = mapped_column(String(30))
    children: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship()
    reader: Mapped[Reader | None] = relationship()


class InHouseUse(db.Model):
    """A copy used in the library without a loan (left on a reading-room table)."""

    __tablename__ = "inhouse_use"
    __table_args__ = (Index("ix_inhouse_use_library_day", "library_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _find_visit(reader, library, day) -> Visit | None:
    return db.session.scalar(
        select(Visit).where(
            Visit.reader_id == reader.id, Visit.library_id == library.id, Visit.day == day
        )
    )


def record_visit(library, reader=None, *, count: int = 1, category: str | None = None) -> Visit:
    """Count a visit: a reader's card scanned (once a day) or an anonymous tally of `count`.

    A reader already counted today at this library is not counted again: the existing
    visit is returned. Anonymous tallies take a category, "children" or "adults".
    """
    from libsys.circulation.errors import DeskRefusal

    today = local_today()
    if reader is not None:
        return ensure_visit(reader, library, day=today)
    if category not in TALLY_CATEGORIES:
        raise DeskRefusal(code="INVALID_CATEGORY")
    if count < 1 or count > 500:
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


def ensure_visit(reader, library, *, day: date | None = None) -> Visit:
    """The reader's visit today at this library, recorded now if there is none (never two)."""
    today = day or local_today()
    visit = _find_visit(reader, library, today)
    if visit is not None:
        return visit
    visit = Visit(
        library_id=library.id,
        reader_id=reader.id,
        day=today,
        count=1,
        category=reader.category.code,
        children=reader.category.is_children,
    )
    try:
        # Two desks may scan the same card at once: the unique index keeps one visit.
        with db.session.begin_nested():
            db.session.add(visit)
            db.session.flush()
    except IntegrityError:
        return _find_visit(reader, library, today)
    record_event("visit", library=library, reader=reader, day=today)
    db.session.flush()
    return visit


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
