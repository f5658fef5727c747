"""A transfer of a copy from one library of the network to another."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

TRANSFER_STATUSES = ("requested", "in_transit", "received", "cancelled")


TRANSFER_STATUS_LABELS = {
    "requested": _l("requested"),
    "in_transit": _l("on its way"),
    "received": _l("received"),
    "cancelled": _l("closed"),
}


OPEN_STATUSES = ("requested", "in_transit")


# Copies that may be asked for: on a shelf, or waiting for repair somewhere else.
TRANSFERABLE_ITEM_STATUSES = ("available", "damaged", "in_repair")


class Transfer(db.Model):
    """One copy moved from one library to another, with who did what and when."""

    __tablename__ = "transfer"
    __table_args__ = (
        # At most one open transfer per copy, enforced by the database.
        Index(
            "uq_transfer_open_item",
            "item_id",
            unique=True,
            sqlite_where=db.text("status IN ('requested', 'in_transit')"),
            postgresql_where=db.text("status IN ('requested', 'in_transit')"),
        ),
        Index("ix_transfer_from_status", "from_library_id", "status"),
        Index("ix_transfer_to_status", "to_library_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    from_library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    to_library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    reason: Mapped[str | None] = mapped_column(Text)
    # The hold the copy travels for, when it goes to a reader's pickup library.
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("hold.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancelled_at: Mapped[datetime | None]

    item: Mapped[Item] = relationship()
    from_library: Mapped[Library] = relationship(foreign_keys=[from_library_id])
    to_library: Mapped[Library] = relationship(foreign_keys=[to_library_id])

    @property
    def is_open(self) -> bool:
        """Requested or on the road."""
        return self.status in OPEN_STATUSES
