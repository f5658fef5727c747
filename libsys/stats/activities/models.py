"""An activity a library held, with the people who came (and the children among them)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

# trưng bày, giới thiệu sách, cuộc thi, ngày sách (21/4), tập huấn, other.
ACTIVITY_KINDS = ("exhibition", "book_talk", "contest", "reading_day", "training", "other")


class Activity(db.Model):
    """One activity on one day at one library: the indicators count them and their people."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_library_day", "library_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    participants: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(String(1000))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship()
