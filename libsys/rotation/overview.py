"""Where every batch is: overdue batches, a point's batches, every point a copy visited."""

from datetime import date

from sqlalchemy import func, or_, select

from libsys.catalog.models import Item
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.access import visible_batches
from libsys.rotation.models import (
    OPEN_BATCH_STATES,
    RotationBatch,
    RotationBatchItem,
    RotationBatchStop,
)

# A batch is away from home in these states; past its planned return it is overdue.
AWAY_STATES = ("in_transit", "at_point", "returning")


def overdue_batches(today: date, user=None) -> list[RotationBatch]:
    """Batches still away after their planned return, the longest overdue first."""
    statement = visible_batches(user) if user is not None else select(RotationBatch)
    statement = statement.where(
        RotationBatch.state.in_(AWAY_STATES), RotationBatch.planned_return < today
    ).order_by(RotationBatch.planned_return, RotationBatch.id)
    return list(db.session.scalars(statement))


def batches_for(
    user, *, state: str | None = None, point: Library | None = None, library=None
) -> list:
    """Where every batch this account may see is now, newest first (filtered by state, by
    the point it is at or going to, or by its owning library)."""
    statement = visible_batches(user)
    if state:
        statement = statement.where(RotationBatch.state == state)
    if point is not None:
        statement = statement.where(RotationBatch.point_id == point.id)
    if library is not None:
        statement = statement.where(RotationBatch.library_id == library.id)
    return list(db.session.scalars(statement.order_by(RotationBatch.id.desc())))


def point_history(point: Library) -> list[RotationBatch]:
    """Every batch a point has received or is to receive, oldest first (with those that
    stopped there on their route and have moved on)."""
    stopped = select(RotationBatchStop.batch_id).where(RotationBatchStop.point_id == point.id)
    return list(
        db.session.scalars(
            select(RotationBatch)
            .where(
                or_(RotationBatch.point_id == point.id, RotationBatch.id.in_(stopped)),
                RotationBatch.state != "cancelled",
            )
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


def open_batch_counts(points) -> dict[int, int]:
    """How many open batches (draft to returning) each point has, by point id."""
    ids = [point.id for point in points]
    if not ids:
        return {}
    rows = db.session.execute(
        select(RotationBatch.point_id, func.count(RotationBatch.id))
        .where(RotationBatch.point_id.in_(ids), RotationBatch.state.in_(OPEN_BATCH_STATES))
        .group_by(RotationBatch.point_id)
    )
    return {point_id: count for point_id, count in rows}


def copy_visits(item: Item) -> list[dict]:
    """Every point a copy has visited, in order: one per batch, or one per stop of a batch
    that followed a route (each {"batch", "point", "arrived_on", "left_on", "outcome"})."""
    visits = []
    for line in copy_history(item):
        batch = line.batch
        stops = list(
            db.session.scalars(
                select(RotationBatchStop)
                .where(RotationBatchStop.batch_id == batch.id)
                .order_by(RotationBatchStop.id)
            )
        )
        places = [(s.point, s.arrived_on, s.left_on) for s in stops] or [
            (batch.point, batch.received_on, batch.return_started_on)
        ]
        last = len(places) - 1
        for number, (point, arrived, left) in enumerate(places):
            if number == last and arrived is None:
                arrived = batch.received_on
            if number == last and left is None:
                left = batch.return_started_on
            visits.append(
                {
                    "batch": batch.id,
                    "point": point.code,
                    "dispatched_on": batch.dispatched_on,
                    "arrived_on": arrived,
                    "left_on": left,
                    "closed_on": batch.closed_on,
                    "outcome": line.outcome if number == last else None,
                }
            )
    return visits


def whereabouts(batch: RotationBatch) -> dict:
    """Where a batch is now, for the overview: {"where", "place", "since"}, `where` one of
    home (being built or closed), to_point, at_point, to_home or cancelled; `place` the
    code of the library or point it is at or going to."""
    state = batch.state
    if state in ("draft", "packed", "closed"):
        since = batch.closed_on if state == "closed" else None
        return {"where": "home", "place": batch.library.code, "since": since}
    if state == "cancelled":
        return {"where": "cancelled", "place": batch.library.code, "since": None}
    if state == "in_transit":
        # On a route, it left its last point on that stop's departure; else it left home.
        left = db.session.scalar(
            select(RotationBatchStop.left_on)
            .where(RotationBatchStop.batch_id == batch.id, RotationBatchStop.left_on.is_not(None))
            .order_by(RotationBatchStop.id.desc())
            .limit(1)
        )
        return {"where": "to_point", "place": batch.point.code,
                "since": left or batch.dispatched_on}  # fmt: skip
    if state == "at_point":
        return {"where": "at_point", "place": batch.point.code, "since": batch.received_on}
    return {"where": "to_home", "place": batch.library.code, "since": batch.return_started_on}
