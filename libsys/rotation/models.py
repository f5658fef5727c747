"""Rotation batches (đợt luân chuyển) and the copies they carry to a point and back."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.catalog.models import Item
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

BATCH_STATES = ("draft", "packed", "in_transit", "at_point", "returning", "closed", "cancelled")
# A batch in one of these still holds its copies: a copy may be in one open batch only.
OPEN_BATCH_STATES = ("draft", "packed", "in_transit", "at_point", "returning")
# Documents that come first (Circular 33/2018, Article 6): a batch is tagged with them.
PRIORITY_GROUPS = ("children", "ethnic_minorities", "disabilities", "local_development")
# What became of a copy at the close of its batch.
LINE_OUTCOMES = ("returned", "damaged", "missing")


class RotationBatch(db.Model):
    """A batch of copies lent by a library to a rotation point (or a school or commune
    library) for a few months, with its handover minutes at both ends."""

    __tablename__ = "rotation_batch"
    __table_args__ = (
        Index("ix_rotation_batch_point_state", "point_id", "state"),
        Index("ix_rotation_batch_library_state", "library_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    priority_groups: Mapped[list | None] = mapped_column(JSON)
    planned_dispatch: Mapped[date | None]
    planned_return: Mapped[date]
    # A stay longer than ROTATION_MAX_MONTHS needs a manager's approval, named here.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    dispatched_on: Mapped[date | None]
    received_on: Mapped[date | None]
    return_started_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship(foreign_keys=[library_id])
    point: Mapped[Library] = relationship(foreign_keys=[point_id])
    lines: Mapped[list["RotationBatchItem"]] = relationship(
        back_populates="batch", order_by="RotationBatchItem.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Still holding its copies (not closed, not cancelled)."""
        return self.state in OPEN_BATCH_STATES

    @property
    def reference(self) -> str:
        """The batch's number on its minutes: "LC-<library>-<id>"."""
        return f"LC-{self.library.code}-{self.id}"


class RotationBatchItem(db.Model):
    """One copy in a batch: whether the point received it, and what came back."""

    __tablename__ = "rotation_batch_item"
    __table_args__ = (
        # The database itself keeps a copy in one open batch at a time: two officers
        # scanning the same copy into two batches at once cannot both succeed.
        Index(
            "ux_rotation_batch_item_open",
            "item_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        Index("ix_rotation_batch_item_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("rotation_batch.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    # True while the batch is open; the partial unique index below reads it.
    active: Mapped[bool] = mapped_column(default=True)
    # None until the point confirms receipt; False: missing when the batch arrived.
    received: Mapped[bool | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    batch: Mapped[RotationBatch] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class RotationRoute(db.Model):
    """A route (lộ trình luân chuyển) of a library's batches: points in order, each stage
    with its number of days; a cyclical route starts again at its first stage."""

    __tablename__ = "rotation_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    name: Mapped[str] = mapped_column(String(200))
    cyclical: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship()
    stages: Mapped[list["RotationRouteStage"]] = relationship(
        back_populates="route",
        order_by="RotationRouteStage.position",
        cascade="all, delete-orphan",
    )


class RotationRouteStage(db.Model):
    """One stage of a route: a point, and how many days a batch stays there."""

    __tablename__ = "rotation_route_stage"
    # One point per position of a route.
    __table_args__ = (UniqueConstraint("route_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("rotation_route.id"))
    # 1, 2, 3 ... in the order a batch visits the points.
    position: Mapped[int]
    point_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    days: Mapped[int]

    route: Mapped[RotationRoute] = relationship(back_populates="stages")
    point: Mapped[Library] = relationship()


class RotationBatchStop(db.Model):
    """One point a batch following a route visits (its stages, in order): which stage, when
    it arrived and when it left. The batch's point is the point of its last stop."""

    __tablename__ = "rotation_batch_stop"
    __table_args__ = (Index("ix_rotation_batch_stop_batch", "batch_id"),
                      Index("ix_rotation_batch_stop_point", "point_id"))  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("rotation_batch.id"))
    route_id: Mapped[int] = mapped_column(ForeignKey("rotation_route.id"))
    position: Mapped[int]
    point_id: Mapped[int] = mapped_column(ForeignKey("library.id"))
    days: Mapped[int]
    arrived_on: Mapped[date | None]
    left_on: Mapped[date | None]

    batch: Mapped[RotationBatch] = relationship()
    route: Mapped[RotationRoute] = relationship()
    point: Mapped[Library] = relationship()
