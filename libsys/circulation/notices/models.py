"""The log of notices sent to readers (overdue letters and e-mails, hold calls)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from libsys.db import utcnow
from libsys.extensions import db


class NoticeLog(db.Model):
    """One notice sent (an overdue notice for a loan at a level, or a hold-available call)."""

    __tablename__ = "notice_log"
    __table_args__ = (UniqueConstraint("kind", "subject_key", name="uq_notice_log_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # "loan:<id>:<level>" or "hold:<id>": what was notified, once.
    subject_key: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(10))
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(index=True)
    hold_id: Mapped[int | None] = mapped_column(index=True)
    level: Mapped[int] = mapped_column(default=1)
    sent_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
