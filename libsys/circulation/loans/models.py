"""Loans (lượt mượn) of copies to readers."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader

LOAN_STATUSES = ("on_loan", "returned", "lost")


class Loan(db.Model):
    """A loan (lượt mượn) of one copy; the reader is cleared after the return for privacy."""

    __tablename__ = "loan"
    __table_args__ = (
        # The database itself guarantees one open loan per copy: two desks scanning the
        # same copy at the same moment cannot both lend it.
        Index(
            "ux_loan_open_item",
            "item_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
        Index("ix_loan_reader_open", "reader_id", "returned_at"),
        Index("ix_loan_due_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    # Empty after the return unless the reader keeps a history (privacy).
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("reader.id"))
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="on_loan")
    checked_out_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date]
    returned_at: Mapped[datetime | None]
    returned_library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    renewals: Mapped[int] = mapped_column(default=0)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # Date of the last overdue notice sent (the notices job keeps it).
    last_notice_on: Mapped[date | None]
    notices_sent: Mapped[int] = mapped_column(default=0)

    item: Mapped[Item] = relationship()
    reader: Mapped[Reader | None] = relationship()
    library: Mapped[Library] = relationship(foreign_keys=[library_id])
    returned_library: Mapped[Library | None] = relationship(foreign_keys=[returned_library_id])

    @property
    def is_open(self) -> bool:
        """Still out (on loan or lost, not returned)."""
        return self.returned_at is None

    def overdue_days(self, today: date) -> int:
        """Days past the due date on a day (0 when not overdue)."""
        return max((today - self.due_date).days, 0)
