"""Overdue fines owed by readers."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader


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
