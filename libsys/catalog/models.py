"""Bibliographic records (MARC 21) and their copies (bản), with the acquisition register."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library, Store

# Item status codes, as the API shows them.
ITEM_STATUSES = (
    "available",
    "on_loan",
    "on_hold_shelf",
    "in_transit",
    "at_rotation_point",
    "lost",
    "damaged",
    "withdrawn",
    "in_repair",
)
# What each status is called on the staff pages (one wording for the whole interface).
ITEM_STATUS_LABELS = {
    "available": _l("Available"),
    "on_loan": _l("On loan"),
    "on_hold_shelf": _l("On the hold shelf"),
    "in_transit": _l("In transit"),
    "at_rotation_point": _l("At a rotation point"),
    "lost": _l("Lost"),
    "damaged": _l("Damaged"),
    "withdrawn": _l("Withdrawn"),
    "in_repair": _l("In repair"),
}
assert set(ITEM_STATUS_LABELS) == set(ITEM_STATUSES)
ACQUISITION_SOURCES = ("purchase", "gift", "legal_deposit", "exchange", "rotation")
# What a source is called on pages and registers; "withdrawal" names a batch of removals.
SOURCE_LABELS = {
    "purchase": _l("Purchase"),
    "gift": _l("Gift"),
    "legal_deposit": _l("Legal deposit"),
    "exchange": _l("Exchange"),
    "rotation": _l("Rotation"),
    "withdrawal": _l("Withdrawal"),
}
assert set(ACQUISITION_SOURCES) < set(SOURCE_LABELS)


class Record(db.Model):
    """A title (tên, đầu sách): the whole MARC record plus the columns the system needs."""

    __tablename__ = "record"
    __table_args__ = (
        Index("ix_record_control", "control_number", "control_source"),
        Index("ix_record_match_key", "match_key"),
        Index("ix_record_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # MARC-in-JSON of the record as received (NFC), the source of truth for export.
    marc: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    responsibility: Mapped[str | None] = mapped_column(Text)
    # Vietnamese collation key of the title (libsys.text.sort_key): ORDER BY gives a-ă-â order.
    title_sort: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[str | None] = mapped_column(Text)  # "; "-joined headings
    author_sort: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str | None] = mapped_column(String(300))
    place: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None]
    edition: Mapped[str | None] = mapped_column(String(200))
    isbn: Mapped[str | None] = mapped_column(String(13), index=True)  # first valid ISBN-13
    issn: Mapped[str | None] = mapped_column(String(9))
    language: Mapped[str | None] = mapped_column(String(3))
    material_type: Mapped[str] = mapped_column(String(20), default="book")
    ddc: Mapped[str | None] = mapped_column(String(40))
    subjects: Mapped[str | None] = mapped_column(Text)  # "; "-joined headings
    series: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str | None] = mapped_column(String(20))  # "children" or None
    control_number: Mapped[str | None] = mapped_column(String(100))
    control_source: Mapped[str | None] = mapped_column(String(100))
    # Normalised title + first author + year, for finding the same book from another source.
    match_key: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list["Item"]] = relationship(back_populates="record", order_by="Item.id")
    isbns: Mapped[list["RecordIsbn"]] = relationship(
        back_populates="record", cascade="all, delete-orphan"
    )

    @property
    def author_list(self) -> list[str]:
        """Authors as a list."""
        return [a for a in (self.authors or "").split("; ") if a]

    @property
    def subject_list(self) -> list[str]:
        """Subject headings as a list."""
        return [s for s in (self.subjects or "").split("; ") if s]


class RecordIsbn(db.Model):
    """Every valid ISBN-13 of a record, for matching incoming records."""

    __tablename__ = "record_isbn"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    isbn13: Mapped[str] = mapped_column(String(13), index=True)

    record: Mapped[Record] = relationship(back_populates="isbns")


# What an import matches on besides 001 + 003 and ISBNs (libsys.catalog.marc.importer).
IDENTIFIER_SCHEMES = ("lccn", "koha", "fingerprint")


class RecordIdentifier(db.Model):
    """An identifier an imported record carried: its LC control number (010), Koha's
    biblionumber (999 $c), or, for a record with no identifier at all, a fingerprint of its
    content, so that importing the same file again finds it."""

    __tablename__ = "record_identifier"
    __table_args__ = (Index("ix_record_identifier_value", "scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(20))  # one of IDENTIFIER_SCHEMES
    value: Mapped[str] = mapped_column(String(100))


class AcquisitionBatch(db.Model):
    """A line of the general register (sổ đăng ký tổng quát): one incoming batch or removal."""

    __tablename__ = "acquisition_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="incoming")  # incoming | removal
    received_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(20), default="purchase")
    reference: Mapped[str | None] = mapped_column(String(100))  # invoice or minutes number
    supplier: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship()
    items: Mapped[list["Item"]] = relationship(back_populates="batch")


class Item(db.Model):
    """A copy (bản) with its accession number (số ĐKCB), barcode and call number."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("library_id", "accession_number"),
        Index("ix_item_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    # Where the copy is now when not at home: in transit or at a rotation point.
    location_library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    accession_number: Mapped[str] = mapped_column(String(40))
    barcode: Mapped[str] = mapped_column(String(40), unique=True)
    call_number: Mapped[str | None] = mapped_column(String(100))
    # Item type for lending rules; defaults to the record's material type.
    item_type: Mapped[str] = mapped_column(String(20), default="book")
    price: Mapped[int | None]  # VND
    source: Mapped[str | None] = mapped_column(String(20))
    acquired_on: Mapped[date | None]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("acquisition_batch.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="available")
    notes: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    record: Mapped[Record] = relationship(back_populates="items")
    library: Mapped[Library] = relationship(foreign_keys=[library_id])
    location_library: Mapped[Library | None] = relationship(foreign_keys=[location_library_id])
    store: Mapped[Store | None] = relationship()
    batch: Mapped[AcquisitionBatch | None] = relationship(back_populates="items")


# Barcodes are matched without regard to case (a scanner or a hand may type small letters):
# upper(barcode) = upper(:typed) looks a copy up through this index.
Index("ix_item_barcode_upper", func.upper(Item.barcode))


def barcode_matches(value):
    """Where the copy's barcode is `value` (a string or a bind parameter) in any case; the
    lookup goes through ix_item_barcode_upper."""
    return func.upper(Item.barcode) == func.upper(value)
