"""At the point: the keeper confirms receipt, then records what the point served.

What a point serves feeds the statistics as events: a simple loan to a local reader is a
`point_loan` naming the copy (never the reader: the name or local card typed stays on the
paper register), a periodic tally is one `point_tally` event with its counts.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.catalog.copies.services import get_item
from libsys.catalog.states import ITEM_STATES, placed_at
from libsys.core.clock import local_today
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.services import get_reader, readers_scope
from libsys.rotation.access import require_point_side
from libsys.rotation.batches import BATCH_STATES, lines_by_barcode, locked_batch, scanned_copy
from libsys.rotation.models import RotationBatch, RotationBatchItem
from libsys.stats.events import record_event

# A point serves readers while it holds the batch, and until it hands it back.
SERVING_STATES = ("at_point", "returning")
TALLY_COUNTS = ("visits", "uses", "children_visits", "children_uses")


def receive(user, batch_id: int, barcodes=None) -> RotationBatch:
    """The point confirms receipt: of every copy (`barcodes` None) or of those scanned, the
    others recorded as missing on arrival."""
    batch = locked_batch(user, batch_id)
    require_point_side(user, batch)
    BATCH_STATES.move_for(batch.state, "receive")
    scanned = None if barcodes is None else lines_by_barcode(batch, barcodes, "items")
    # "Everything came" cannot bring back a copy found missing at an earlier stage of a
    # route (routes.py): only scanning it does.
    came = {
        line.id: line.id in scanned if scanned is not None else line.received is not False
        for line in batch.lines
    }

    def arrive(arrived: RotationBatch) -> None:
        arrived.received_on = local_today()
        for line in arrived.lines:
            line.received = came[line.id]

    received = sum(came.values())
    BATCH_STATES.trigger(
        batch,
        "receive",
        apply=arrive,
        event={
            "library": batch.point_id,
            "quantity": received,
            "batch": batch.id,
            "received": received,
            "missing": len(batch.lines) - received,
        },
    )
    db.session.flush()
    return batch


def _require_serving(batch: RotationBatch) -> None:
    if batch.state not in SERVING_STATES:
        raise Conflict(
            _l("The point records use only while it holds the batch."), code="BATCH_NOT_AT_POINT"
        )


def record_tally(user, batch_id: int, data: dict) -> int:
    """A period's tally at the point (visits, uses, of which children, titles asked for):
    one `point_tally` event carrying the counts. Returns the event's id."""
    batch = locked_batch(user, batch_id)
    require_point_side(user, batch)
    _require_serving(batch)
    counts = {name: data.get(name) or 0 for name in TALLY_COUNTS}
    errors = {}
    if counts["children_visits"] > counts["visits"]:
        errors["children_visits"] = _l("Children's visits cannot exceed all visits.")
    if counts["children_uses"] > counts["uses"]:
        errors["children_uses"] = _l("Children's uses cannot exceed all uses.")
    if errors:
        raise ValidationFailed(fields=errors)
    return record_event(
        "point_tally",
        library=batch.point_id,
        quantity=counts["uses"],
        batch=batch.id,
        period=data["period"],
        requests=data.get("requests") or [],
        **counts,
    )


def record_point_loan(user, batch_id: int, barcode: str, *, children: bool = False) -> int:
    """A copy of the batch lent at the point to a local reader: one `point_loan` event.

    Who borrowed is not logged (privacy, as at the desk): the keeper's register keeps it.
    """
    batch = locked_batch(user, batch_id)
    require_point_side(user, batch)
    _require_serving(batch)
    item = scanned_copy(barcode)
    line = next((line for line in batch.lines if line.item_id == item.id), None)
    if line is None or line.received is False:
        raise Conflict(_l("This copy is not at the point."), code="NOT_AT_POINT")
    return record_event(
        "point_loan", library=batch.point_id, item=item, batch=batch.id, children=children
    )


# -- Loans at the point's desk (POST /api/v1/checkouts with the point as the library) --------


def serving_line(item, point_id: int | None = None) -> RotationBatchItem | None:
    """The copy's line in an open batch that its point is serving from (at_point or
    returning), at `point_id` when given; None when the copy is not out at a point."""
    statement = (
        select(RotationBatchItem)
        .join(RotationBatch)
        .where(
            RotationBatchItem.item_id == item.id,
            RotationBatchItem.active.is_(True),
            RotationBatch.state.in_(SERVING_STATES),
        )
    )
    if point_id is not None:
        statement = statement.where(RotationBatch.point_id == point_id)
    return db.session.scalar(statement)


def record_desk_point_loan(item, line: RotationBatchItem) -> int:
    """A copy of a batch lent through the desk at its point: the `point_loan` event the
    point's own loans write (no reader: the loan row knows them while it is open)."""
    return record_event(
        "point_loan", library=line.batch.point_id, item=item, batch=line.batch_id, via="desk"
    )


def return_to_batch(item) -> Library | None:
    """A copy lent at its point comes back: it is the batch's again (`at_rotation_point`,
    at the point), not on a shelf; returns the point, or None if it is in no batch."""
    line = serving_line(item)
    if line is None:
        return None
    point = line.batch.point
    ITEM_STATES.trigger(item, "return_to_point", apply=placed_at(point.id))
    return point


def keeper_at_desk(user, barcode: str, card_number: str | None = None) -> None:
    """A point keeper at the loans API lends and takes back only the copies at their point,
    to the readers registered there (the library's own desk staff are not limited)."""
    if not user.can("rotation.point") or user.can("circulation.desk"):
        return
    item = get_item(barcode)  # the desk's own look-up, which this check comes before
    if item.location_library_id is None or item.location_library_id != user.library_id:
        raise Conflict(_l("This copy is not at the point."), code="NOT_AT_POINT")
    if card_number is not None:
        get_reader(card_number, scope=readers_scope(user))
