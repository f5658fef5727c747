"""At the point: the keeper confirms receipt, then records what the point served.

What a point serves feeds the statistics as events: a simple loan to a local reader is a
`point_loan` naming the copy (never the reader: the name or local card typed stays on the
paper register), a periodic tally is one `point_tally` event with its counts.
"""

from flask_babel import lazy_gettext as _l

from libsys.catalog.copies.services import get_item
from libsys.core.clock import local_today
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.rotation.access import require_point_side
from libsys.rotation.batches import BATCH_STATES, lines_by_barcode, locked_batch
from libsys.rotation.models import RotationBatch
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
    item = get_item(barcode)
    line = next((line for line in batch.lines if line.item_id == item.id), None)
    if line is None or line.received is False:
        raise Conflict(_l("This copy is not at the point."), code="NOT_AT_POINT")
    return record_event(
        "point_loan", library=batch.point_id, item=item, batch=batch.id, children=children
    )
