"""Visits (lượt bạn đọc) and in-library uses (lượt sử dụng tại chỗ)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader


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
