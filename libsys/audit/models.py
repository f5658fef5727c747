"""The audit log (nhật ký thay đổi): one row per staff change of a row, with its values."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from libsys.db import utcnow
from libsys.extensions import db

AUDIT_ACTIONS = ("create", "update", "delete")


class AuditEntry(db.Model):
    """Who changed which row when, and each changed column's value before and after.

    Written in the same transaction as the change (a rolled-back request leaves none).
    `record_id` and `reader_id` name the title or the reader the row belongs to, so the
    admin can find every change of a record's copies or of a reader; `library_id` the
    library, so a library's administrator reads her library's entries only. No foreign keys: an
    entry outlives the row it tells of.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_table_row", "table_name", "row_id"),
        Index("ix_audit_entry_occurred_at", "occurred_at"),
        Index("ix_audit_entry_user", "user_id", "occurred_at"),
        Index("ix_audit_entry_record", "record_id"),
        Index("ix_audit_entry_reader", "reader_id"),
        Index("ix_audit_entry_library", "library_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # The account's user name, or "cli:<system user>" for a command, "system" otherwise.
    user_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int | None]
    label: Mapped[str] = mapped_column(String(300), default="")
    record_id: Mapped[int | None]
    reader_id: Mapped[int | None]
    # The library the changed row belongs to (a copy's, a reader's home library...); empty
    # for what belongs to the network (records, categories, units): network admins' only.
    library_id: Mapped[int | None]
    # {column: [before, after]}; secrets are masked, never written.
    changes: Mapped[dict | None] = mapped_column(JSON)
