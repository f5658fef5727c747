"""Lending policies, library calendars, loans and holds (đặt mượn)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item, Record
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.readers.models import Reader, ReaderCategory

LOAN_STATUSES = ("on_loan", "returned", "lost")
HOLD_STATUSES = ("waiting", "in_transit", "on_shelf", "fulfilled", "cancelled", "expired")
# Holds that still wait for a copy or for the reader.
ACTIVE_HOLD_STATUSES = ("waiting", "in_transit", "on_shelf")
_ACTIVE_HOLD_SQL = "status IN ('waiting', 'in_transit', 'on_shelf')"


class CirculationPolicy(db.Model):
    """A lending rule; each empty key means "any", the most specific matching row wins.

    Every value column may also be empty: the value then comes from the next less specific
    matching rule, and finally from the built-in defaults (libsys.circulation.policies).
    """

    __tablename__ = "circulation_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    reader_category_id: Mapped[int | None] = mapped_column(ForeignKey("reader_category.id"))
    item_type: Mapped[str | None] = mapped_column(String(20))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    loan_days: Mapped[int | None]
    max_loans: Mapped[int | None]
    max_loans_per_type: Mapped[int | None]
    renewals_allowed: Mapped[int | None]
    renewal_days: Mapped[int | None]
    holds_allowed: Mapped[int | None]
    hold_shelf_days: Mapped[int | None]
    fine_per_day: Mapped[int | None]  # VND; public libraries lend for free (0)
    grace_days: Mapped[int | None]
    fine_cap: Mapped[int | None]  # VND
    overdue_blocks: Mapped[bool | None]
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library | None] = relationship()
    reader_category: Mapped[ReaderCategory | None] = relationship()
    store: Mapped[Store | None] = relationship()


class ClosedWeekday(db.Model):
    """A day of the week a library is closed (0 = Monday ... 6 = Sunday)."""

    __tablename__ = "closed_weekday"
    __table_args__ = (Index("ux_closed_weekday", "library_id", "weekday", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    weekday: Mapped[int]

    library: Mapped[Library] = relationship()


class Holiday(db.Model):
    """Days a library (or, with no library, the whole network) is closed: Tết is a range."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[date]
    last_day: Mapped[date]

    library: Mapped[Library | None] = relationship()


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


class Hold(db.Model):
    """A hold (đặt mượn) on a title (any copy) or on one copy, queued by the time placed."""

    __tablename__ = "hold"
    __table_args__ = (
        Index("ix_hold_record_status", "record_id", "status"),
        Index("ix_hold_item_status", "item_id", "status"),
        Index("ix_hold_reader_status", "reader_id", "status"),
        # One active hold per reader and title, whatever two requests at once decide.
        Index(
            "ux_hold_active_reader_record",
            "reader_id",
            "record_id",
            unique=True,
            sqlite_where=text(_ACTIVE_HOLD_SQL),
            postgresql_where=text(_ACTIVE_HOLD_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("reader.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    # Set when placed for one copy (copy_level) or when a copy is trapped for the hold.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    copy_level: Mapped[bool] = mapped_column(default=False)
    pickup_library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    trapped_at: Mapped[datetime | None]
    shelf_expires_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    # When the reader was told the copy waits (the notices job sets it).
    notified_at: Mapped[datetime | None]

    reader: Mapped[Reader] = relationship()
    record: Mapped[Record] = relationship()
    item: Mapped[Item | None] = relationship()
    pickup_library: Mapped[Library] = relationship()

    @property
    def is_active(self) -> bool:
        """Still waiting for a copy or for the reader."""
        return self.status in ACTIVE_HOLD_STATUSES


class Fine(db.Model):
    """An overdue fine (tiền phạt quá hạn) owed by a reader until paid or waived.

    Kept apart from the loan, which forgets its reader after the return (privacy)."""

    __tablename__ = "fine"
    __table_args__ = (Index("ix_fine_reader_open", "reader_id", "settled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("reader.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))  # where it was charged
    amount: Mapped[int]  # VND
    overdue_days: Mapped[int]
    charged_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]  # paid or waived
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    waived: Mapped[bool] = mapped_column(default=False)
    waive_reason: Mapped[str | None] = mapped_column(Text)

    reader: Mapped[Reader] = relationship()
    item: Mapped[Item | None] = relationship()
    library: Mapped[Library] = relationship()
