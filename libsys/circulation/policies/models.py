"""Lending rules (most specific row wins), closed weekdays and holidays of a library."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.readers.models import ReaderCategory


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
    # Renewing while overdue (Koha's OverduesBlockRenewing): allow, block (any overdue loan
    # stops every renewal) or block_item (only the overdue loan itself is not renewed).
    overdue_renewal: Mapped[str | None] = mapped_column(String(10))
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
