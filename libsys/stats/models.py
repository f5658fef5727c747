"""The event log: every desk, catalogue and rotation action appends one row.

Each row carries a snapshot of what reports group by (the reader's category, age group,
gender, ethnicity and commune; the copy's library, store, material type and class) as it
was at that moment, so every figure can be recomputed later from this table alone.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from libsys.db import utcnow
from libsys.extensions import db

# Known kinds; a new capability adds its own here.
EVENT_KINDS = (
    "checkout",
    "checkin",
    "renewal",
    "override",
    "visit",
    "inhouse_use",
    "hold_placed",
    "hold_filled",
    "hold_cancelled",
    "hold_expired",
    "item_lost",
    "item_damaged",
    "item_found",
    "fine_charged",
    "fine_paid",
    "fine_waived",
    "transfer_sent",
    "transfer_received",
    "reader_registered",
    "card_renewed",
    "reader_blocked",
    "reader_unblocked",
    "item_acquired",
    "item_withdrawn",
    "record_created",
    "record_updated",
    "periodical_received",
    "periodical_subscribed",
    "batch_dispatched",
    "batch_returned",
    "point_loan",
    "point_visit",
    "point_tally",
    "batch_received",
    "batch_closed",
    "batch_moved_on",
    "batch_recalled",
    # An exhibition, book talk, contest, reading day or training (stats.activities).
    "activity",
    # A renewal or hold made online (OPAC or API): the reader's pseudonym, no copy, no title.
    "online_activity",
)

# Events that carry a reader's pseudonym: a reader named by one was active that day.
READER_KEY_KINDS = ("visit", "reader_registered", "card_renewed", "online_activity")
# Events that use a copy: a copy named by one was used that day (the share of stock not used).
USE_KINDS = ("checkout", "renewal", "inhouse_use", "point_loan")
_READER_KEY_ROWS = text("kind IN ({})".format(", ".join(f"'{kind}'" for kind in READER_KEY_KINDS)))


class Event(db.Model):
    """One action, with the attributes reports group by as they were at that moment."""

    __tablename__ = "event"
    # Every figure filters by kind and day: the library (a scope), the pseudonym (active
    # readers) and the copy (stock used) follow in the index, so those counts read the index
    # alone, not millions of rows (scripts/bench/stats.py, docs/benchmarks.md).
    __table_args__ = (
        Index("ix_event_kind_day_library", "kind", "day", "library_id"),
        Index("ix_event_kind_day_reader", "kind", "day", "reader_key"),
        Index("ix_event_kind_day_item", "kind", "day", "item_id"),
        Index("ix_event_library_day", "library_id", "day"),
        # The learners active at a set of schools (students reached): the index alone,
        # only the rows that carry a pseudonym.
        Index(
            "ix_event_reader_library_day",
            "library_id",
            "day",
            "reader_category",
            "reader_key",
            postgresql_where=_READER_KEY_ROWS,
            sqlite_where=_READER_KEY_ROWS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Local (Vietnam) calendar day, so monthly counts need no time-zone arithmetic.
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(30))
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    # Pseudonymous reader key, on events naming no copy or title (visits, cards): counts
    # distinct readers without keeping who read what.
    reader_key: Mapped[str | None] = mapped_column(String(32))
    reader_category: Mapped[str | None] = mapped_column(String(30))
    reader_age_group: Mapped[str | None] = mapped_column(String(10))
    reader_gender: Mapped[str | None] = mapped_column(String(10))
    reader_ethnicity: Mapped[str | None] = mapped_column(String(2))
    reader_admin_unit: Mapped[str | None] = mapped_column(String(20))
    reader_children: Mapped[bool | None]
    item_id: Mapped[int | None] = mapped_column(index=True)
    record_id: Mapped[int | None]
    item_library: Mapped[str | None] = mapped_column(String(20))
    item_store: Mapped[str | None] = mapped_column(String(20))
    item_material_type: Mapped[str | None] = mapped_column(String(20))
    item_class: Mapped[str | None] = mapped_column(String(10))
    loan_id: Mapped[int | None]
    details: Mapped[dict | None] = mapped_column(JSON)
