"""Holds (đặt mượn) on a title or a copy."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item, Record
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader

HOLD_STATUSES = ("waiting", "in_transit", "on_shelf", "fulfilled", "cancelled", "expired")


# Holds that still wait for a copy or for the reader.
ACTIVE_HOLD_STATUSES = ("waiting", "in_transit", "on_shelf")


_ACTIVE_HOLD_SQL = "status IN ('waiting', 'in_transit', 'on_shelf')"


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
