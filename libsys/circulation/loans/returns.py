"""Returns (trả sách): a copy checked in, then placed on a hold shelf, sent on its way or
shelved; other parts follow each return through CHECKIN_HOOKS."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from libsys.catalog.copies.services import write_placement_now
from libsys.catalog.models import Item
from libsys.catalog.states import ITEM_STATES, placed_at
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.states import HOLD_STATES
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.states import LOAN_STATES, loan_event
from libsys.circulation.lookups import find_copy
from libsys.circulation.losses.services import declare_found
from libsys.circulation.policies.services import policy_for, shelf_expiry_for
from libsys.core.clock import local_today
from libsys.db import lock_row, plain_rows, update_now, utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.rotation.at_point import return_to_batch

_OPEN_LOAN_OF_ITEM = (
    select(Loan)
    .options(
        joinedload(Loan.reader).joinedload(Reader.category),
        joinedload(Loan.reader).joinedload(Reader.admin_unit),
    )
    .where(Loan.item_id == bindparam("item_id"), Loan.returned_at.is_(None))
)


# Holds a returned copy may be trapped for: already trapped for it, or any title-level one.
_HOLDS_A_COPY_MAY_FILL = (
    select(Hold)
    .where(
        Hold.status.in_(ACTIVE_HOLD_STATUSES),
        (Hold.item_id == bindparam("item_id"))
        | ((Hold.record_id == bindparam("record_id")) & ~Hold.copy_level),
    )
    .order_by(Hold.placed_at, Hold.id)
)


_ANY_HOLD_A_COPY_MAY_FILL = select(Hold.id).where(_HOLDS_A_COPY_MAY_FILL.whereclause).limit(1)


_OPEN_LOAN_OF_ITEM_LOCKED = _OPEN_LOAN_OF_ITEM.with_for_update(
    of=Loan, key_share=True
).execution_options(populate_existing=True)


def open_loan_for(item, *, lock: bool = False) -> Loan | None:
    """The copy's open loan (on loan or lost), if any; `lock` holds its row."""
    statement = _OPEN_LOAN_OF_ITEM_LOCKED if lock else _OPEN_LOAN_OF_ITEM
    return db.session.scalar(statement, {"item_id": item.id})


@dataclass
class CheckinResult:
    """What the returns screen shows after a scan."""

    item: Item
    loan: Loan | None = None
    reader: Reader | None = None  # who returned it (the loan itself may forget them)
    overdue_days: int = 0
    fine: int = 0  # VND charged for a late return (libsys.circulation.fines)
    hold: Hold | None = None  # the hold this copy now waits for (on the shelf or in transit)
    route_to: str | None = None  # library code the copy must travel to
    route_reason: str | None = None  # "hold", "home", "rotation" or what a hook says
    rotation_point: Library | None = None  # the point whose rotation batch holds this copy
    found: bool = False  # the copy was lost and turned up at this return
    status_before: str | None = None  # the copy's status when scanned
    notes: list = field(default_factory=list)

    def hold_slip(self) -> dict | None:
        """The data printed on the hold slip that goes in the copy."""
        if self.hold is None:
            return None
        hold = self.hold
        return {
            "hold_id": hold.id,
            "status": hold.status,
            "reader": hold.reader.full_name,
            "card_number": hold.reader.card_number,
            "title": self.item.record.title,
            "barcode": self.item.barcode,
            "call_number": self.item.call_number,
            "pickup_library": hold.pickup_library.code,
            "pickup_library_name": hold.pickup_library.name,
            "shelf_expires_on": hold.shelf_expires_on.isoformat()
            if hold.shelf_expires_on
            else None,
        }


# Other parts (transfers, rotation) may look at each checkin: callables(result, library).
CHECKIN_HOOKS: list = []


def checkin(item_barcode: str, *, library, user=None) -> CheckinResult:
    """Take a copy back; trap it for the next hold or route it home when it belongs elsewhere."""
    # The copy's row, then its loan's, stay locked until the commit: of twenty scans of one
    # copy at once, the first closes the loan and the others find it closed.
    item = find_copy(item_barcode, lock=True)
    today = local_today()
    result = CheckinResult(item=item, status_before=item.status)
    loan = open_loan_for(item, lock=True)
    # Read before writing: the holds this copy may fill do not depend on closing the loan.
    candidates = _holds_a_copy_may_fill(item)
    if loan is not None:
        reader = loan.reader
        result.loan = loan
        result.reader = reader
        result.overdue_days = loan.overdue_days(today)

        def apply(changed: Loan) -> None:
            values = {"status": LOAN_STATES.move_for("on_loan", "checkin").dest,
                      "returned_at": utcnow(), "returned_library_id": library.id}  # fmt: skip
            # Privacy: who read what is forgotten unless the reader asked to keep a history
            # (the event below still takes its snapshot from `reader`).
            forget = reader is not None and not reader.keep_history
            if forget:
                values["reader_id"] = None
            # One UPDATE now instead of a flush later (the desk's hot path).
            update_now(changed, **values)
            if forget:
                set_committed_value(changed, "reader", None)

        LOAN_STATES.trigger(
            loan,
            "checkin",
            apply=apply,
            event=loan_event(loan, library=library, user=user, reader=reader,
                             overdue_days=result.overdue_days),
        )  # fmt: skip
    elif item.status == "lost":
        # A lost copy turned up at the returns desk: found (its lost loan is settled).
        declare_found(item, library=library, user=user, via="returns")
        result.found = True
    point = None
    if loan is not None and item.location_library_id is not None:
        # Lent at its rotation point (the copy stayed located there): back in its batch.
        point = return_to_batch(item)
    if point is not None:
        result.rotation_point, result.route_reason = point, "rotation"
    else:
        place_copy(item, library, today, result, candidates)
    write_placement_now(item)
    for hook in CHECKIN_HOOKS:
        hook(result, library)
    db.session.flush()
    return result


def _holds_a_copy_may_fill(item) -> list[Hold]:
    """Active holds this copy is trapped for or could fill, in queue order."""
    params = {"item_id": item.id, "record_id": item.record_id}
    if not plain_rows(_ANY_HOLD_A_COPY_MAY_FILL, **params):
        return []  # most returns: no hold, and no ORM work
    return db.session.scalars(_HOLDS_A_COPY_MAY_FILL, params).all()


def place_copy(item, library, today: date, result: CheckinResult, candidates=None) -> None:
    """Decide where a copy goes after a scan: a hold shelf, in transit, or back on the shelf.

    `candidates` are the copy's `_holds_a_copy_may_fill` when the caller read them already.
    """
    if item.status == "at_rotation_point":
        # Out in a rotation batch: it stays the batch's until the batch comes home, so no
        # hold traps it and it is not put back on a shelf here.
        result.rotation_point = item.location_library
        result.route_reason = "rotation"
        return
    if candidates is None:
        candidates = _holds_a_copy_may_fill(item)
    hold = _hold_to_trap(item, candidates)
    if hold is not None:
        _trap(hold, item, library, today)
        result.hold = hold
        if hold.status == "in_transit":
            result.route_to = hold.pickup_library.code
            result.route_reason = "hold"
        return
    if item.library_id != library.id:
        # In transit means on the way to its destination: the copy's place is where it goes
        # (until it leaves, it waits on this library's list of copies to send).
        ITEM_STATES.trigger(item, "send", apply=placed_at(item.library_id))
        result.route_to = item.library.code
        result.route_reason = "home"
        return
    # A damaged, in-repair or withdrawn copy scanned here keeps its status.
    if ITEM_STATES.can(item.status, "shelve"):
        ITEM_STATES.trigger(item, "shelve")
    item.location_library_id = None


def _hold_to_trap(item, candidates) -> Hold | None:
    """The hold this copy goes to: the one it is set aside for, else the first waiting.

    Each is locked (after the copy, the lock order) and looked at again: a loan filling
    it at the same moment, or another copy trapped for it, passes it by.
    """
    trapped = [h for h in candidates if h.item_id == item.id and h.status != "waiting"]
    waiting = [h for h in candidates if h.status == "waiting"]
    for hold in trapped + waiting:
        was = hold.status
        if lock_row(Hold, hold.id) is None or hold.status != was:
            continue
        return hold
    return None


def _trap(hold: Hold, item, library, today: date) -> None:
    """Put a copy aside for a hold: on this library's shelf, or in transit to the pickup."""
    hold.item_id = item.id
    hold.trapped_at = hold.trapped_at or utcnow()
    if hold.pickup_library_id == library.id:
        if hold.status != "on_shelf":
            policy = policy_for(library, hold.reader.category_id, item)
            expires = shelf_expiry_for(policy, library, today)

            def shelve(changed: Hold) -> None:
                changed.shelf_expires_on = expires

            HOLD_STATES.trigger(hold, "shelve", apply=shelve)
        away = None if item.library_id == library.id else library.id
        ITEM_STATES.trigger(item, "shelve_for_hold", apply=placed_at(away))
    else:
        HOLD_STATES.trigger(hold, "send")
        ITEM_STATES.trigger(item, "send", apply=placed_at(hold.pickup_library_id))
