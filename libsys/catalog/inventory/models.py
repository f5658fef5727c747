"""Inventory's tables: a stocktake (kiểm kê), its scans, and the copies a withdrawal removed."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import AcquisitionBatch, Item
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library, Store


class Stocktake(db.Model):
    """A stocktake (kiểm kê) of one library, one store of it or all its stores."""

    __tablename__ = "stocktake"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    library: Mapped[Library] = relationship()
    store: Mapped[Store | None] = relationship()
    scans: Mapped[list["StocktakeScan"]] = relationship(
        back_populates="stocktake", order_by="StocktakeScan.id", cascade="all, delete-orphan"
    )


class StocktakeScan(db.Model):
    """One barcode read during a stocktake; the same barcode twice counts once."""

    __tablename__ = "stocktake_scan"
    __table_args__ = (UniqueConstraint("stocktake_id", "barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(
        ForeignKey("stocktake.id", ondelete="CASCADE"), index=True
    )
    barcode: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    stocktake: Mapped[Stocktake] = relationship(back_populates="scans")
    item: Mapped[Item | None] = relationship()


class WithdrawnCopy(db.Model):
    """A copy on a removal line of the general register, with its value when withdrawn."""

    __tablename__ = "withdrawn_copy"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("acquisition_batch.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    price: Mapped[int | None]  # VND, the copy's price at withdrawal
    stocktake_id: Mapped[int | None] = mapped_column(ForeignKey("stocktake.id"))

    batch: Mapped[AcquisitionBatch] = relationship()
    item: Mapped[Item] = relationship()
    stocktake: Mapped[Stocktake | None] = relationship()
