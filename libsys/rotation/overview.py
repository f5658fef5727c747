"""Where every batch is: overdue batches, a point's batches, every point a copy visited."""

from datetime import date

from sqlalchemy import select

from libsys.catalog.models import Item
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.access import visible_batches
from libsys.rotation.models import RotationBatch, RotationBatchItem

# A batch is away from home in these states; past its planned return it is overdue.
AWAY_STATES = ("in_transit", "at_point", "returning")


def overdue_batches(today: date, user=None) -> list[RotationBatch]:
    """Batches still away after their planned return, the longest overdue first."""
    statement = visible_batches(user) if user is not None else select(RotationBatch)
    statement = statement.where(
        RotationBatch.state.in_(AWAY_STATES), RotationBatch.planned_return < today
    ).order_by(RotationBatch.planned_return, RotationBatch.id)
    return list(db.session.scalars(statement))


def batches_for(user, *, state: str | None = None, point: Library | None = None) -> list:
    """The batches this account may see, newest first (filtered by state or point)."""
    statement = visible_batches(user)
    if state:
        statement = statement.where(RotationBatch.state == state)
    if point is not None:
        statement = statement.where(RotationBatch.point_id == point.id)
    return list(db.session.scalars(statement.order_by(RotationBatch.id.desc())))


def point_history(point: Library) -> list[RotationBatch]:
    """Every batch a point has received or is to receive, oldest first."""
    return list(
        db.session.scalars(
            select(RotationBatch)
            .where(RotationBatch.point_id == point.id, RotationBatch.state != "cancelled")
            .order_by(RotationBatch.id)
        )
    )


def copy_history(item: Item) -> list[RotationBatchItem]:
    """Every batch a copy has travelled in (so every point it has visited), oldest first."""
    return list(
        db.session.scalars(
            select(RotationBatchItem)
            .join(RotationBatch)
            .where(
                RotationBatchItem.item_id == item.id,
                RotationBatch.dispatched_on.is_not(None),
            )
            .order_by(RotationBatchItem.id)
        )
    )
