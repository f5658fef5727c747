"""Holds (đặt mượn): placed, filled, cancelled and expired, with the hold shelf and the
queue; a copy a closed hold frees goes to the next reader or back to its shelf."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from libsys.catalog.models import Item, Record
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.states import HOLD_STATES
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.returns import CHECKIN_HOOKS, CheckinResult, place_copy
from libsys.circulation.loans.rules import reader_refusals
from libsys.circulation.policies.services import policy_for
from libsys.core.clock import local_today
from libsys.db import lock_row, utcnow
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader


def reader_holds(reader) -> list[Hold]:
    """The reader's active holds (waiting, in transit, on the shelf), oldest first."""
    return list(
        db.session.scalars(
            select(Hold)
            .options(joinedload(Hold.record), joinedload(Hold.pickup_library))
            .where(Hold.reader_id == reader.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
            .order_by(Hold.placed_at, Hold.id)
        )
    )


# Holds a copy is set aside for come before the queue: on the shelf, then on the road.
_SERVED_FIRST = case({"on_shelf": 0, "in_transit": 1}, value=Hold.status, else_=2)


def hold_queue(record) -> list[Hold]:
    """A title's active holds: those a copy is set aside for (on the hold shelf, then in
    transit) first, then the queue in order (first placed first), with reader, pickup
    library and copy loaded (the staff queue)."""
    record_id = getattr(record, "id", record)
    return list(
        db.session.scalars(
            select(Hold)
            .options(
                joinedload(Hold.reader),
                joinedload(Hold.pickup_library),
                joinedload(Hold.item),
            )
            .where(Hold.record_id == record_id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
            .order_by(_SERVED_FIRST, Hold.placed_at, Hold.id)
        )
    )


def queue_position(hold: Hold) -> int | None:
    """1 for the first waiting hold on its title; None once the hold is not waiting."""
    if hold.status != "waiting":
        return None
    ahead = db.session.scalar(
        select(func.count(Hold.id)).where(
            Hold.record_id == hold.record_id,
            Hold.status == "waiting",
            (Hold.placed_at < hold.placed_at)
            | ((Hold.placed_at == hold.placed_at) & (Hold.id < hold.id)),
        )
    )
    return ahead + 1


def place_hold(reader, *, record=None, item=None, pickup_library, user=None) -> Hold:
    """Queue a reader for a title (any copy) or one copy, to collect at a pickup library."""
    if record is None and item is None:
        raise ValidationFailed(fields={"record": _l("Give a title or a copy.")})
    if pickup_library.is_point:
        raise ValidationFailed(
            fields={"pickup_library": _l("Holds are collected at a library, not a rotation point.")}
        )
    if item is not None:
        record = item.record
    today = local_today()
    # The reader's row stays locked until the commit: holds placed at once take turns, so
    # the limit and "one hold per title" count the holds placed a moment before.
    lock_row(Reader, reader.id)
    policy = policy_for(pickup_library, reader.category_id, item)
    codes = [c for c in reader_refusals(reader, today) if c != "GUARDIAN_REQUIRED"]
    if codes:
        raise DeskRefusal(code=codes[0])
    if policy.holds_allowed <= 0:
        raise DeskRefusal(code="HOLDS_NOT_ALLOWED")
    active = db.session.scalars(
        select(Hold).where(Hold.reader_id == reader.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
    ).all()
    if any(h.record_id == record.id for h in active):
        raise DeskRefusal(code="ALREADY_HELD")
    if len(active) >= policy.holds_allowed:
        raise DeskRefusal(code="LIMIT_REACHED")
    on_loan_to_reader = db.session.scalar(
        select(Loan.id)
        .join(Item, Item.id == Loan.item_id)
        .where(Loan.reader_id == reader.id, Loan.returned_at.is_(None), Item.record_id == record.id)
        .limit(1)
    )
    if on_loan_to_reader is not None:
        raise DeskRefusal(code="ALREADY_ON_LOAN")
    hold = Hold(
        reader_id=reader.id,
        record_id=record.id,
        item_id=item.id if item is not None else None,
        copy_level=item is not None,
        pickup_library_id=pickup_library.id,
        status=HOLD_STATES.move_for("new", "place").dest,
        placed_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(hold)
            db.session.flush()
    except IntegrityError:
        # The unique index on a reader's active hold per title: another request placed it.
        raise DeskRefusal(code="ALREADY_HELD") from None
    HOLD_STATES.trigger(
        hold,
        "place",
        state="new",
        event={"library": pickup_library, "reader": reader, "item": item,
               "user_id": getattr(user, "id", None), "hold_id": hold.id, "record_id": record.id},
    )  # fmt: skip
    db.session.flush()
    return hold


def release_copy(hold: Hold, item, status: str) -> None:
    """A copy set aside for a hold that has just closed (it was `status`) goes to the next
    hold or back to its shelf; the hold, closed first, is out of the queue already.

    A copy on the road to the pickup library goes where it goes and is placed on arrival.
    """
    if item is None or status != "on_shelf":
        return
    if item.status not in ("on_hold_shelf", "in_transit"):
        return
    here = db.session.get(Library, hold.pickup_library_id)
    db.session.flush()
    result = CheckinResult(item=item)
    place_copy(item, here, local_today(), result)
    for hook in CHECKIN_HOOKS:  # e.g. a transfer when it must travel home
        hook(result, here)


def cancel_hold(hold: Hold, *, user=None, library=None) -> Hold:
    """Cancel a hold; a copy waiting for it goes to the next reader or back to the shelf."""
    # Lock the copy set aside (if any) before the hold, in the order a return locks them,
    # then decide on the hold as it is now: ten cancels at once cancel it once.
    if hold.item_id is not None:
        lock_row(Item, hold.item_id)
    if lock_row(Hold, hold.id) is None or hold.status not in ACTIVE_HOLD_STATUSES:
        raise DeskRefusal(code="HOLD_CLOSED")
    was = hold.status
    HOLD_STATES.trigger(
        hold,
        "cancel",
        apply=_closed_now,
        event={"library": library or hold.pickup_library, "reader": hold.reader,
               "item": hold.item, "user_id": getattr(user, "id", None), "hold_id": hold.id},
    )  # fmt: skip
    release_copy(hold, hold.item, was)
    db.session.flush()
    return hold


def _closed_now(hold: Hold) -> None:
    hold.closed_at = utcnow()


def expire_holds(today: date | None = None) -> int:
    """Close holds left on the shelf past their last day; returns how many expired."""
    today = today or local_today()
    expired = db.session.scalars(
        select(Hold).where(Hold.status == "on_shelf", Hold.shelf_expires_on < today)
    ).all()
    count = 0
    for hold in expired:
        if hold.item_id is not None:
            lock_row(Item, hold.item_id)
        if lock_row(Hold, hold.id) is None or hold.status != "on_shelf":
            continue  # collected or cancelled meanwhile
        count += 1
        HOLD_STATES.trigger(
            hold,
            "expire",
            apply=_closed_now,
            event={"library": hold.pickup_library, "reader": hold.reader, "item": hold.item,
                   "day": today, "hold_id": hold.id},
        )  # fmt: skip
        release_copy(hold, hold.item, "on_shelf")
    db.session.flush()
    return count


def holds_on_shelf(library) -> list[Hold]:
    """Holds waiting on a library's hold shelf, the oldest expiry first (printable list).

    `library` None: every library's shelf (a network account's list).
    """
    query = (
        select(Hold)
        .options(
            joinedload(Hold.reader),
            joinedload(Hold.item),
            joinedload(Hold.record),
            joinedload(Hold.pickup_library),
        )
        .where(Hold.status == "on_shelf")
        .order_by(Hold.shelf_expires_on, Hold.id)
    )
    if library is not None:
        query = query.where(Hold.pickup_library_id == getattr(library, "id", library))
    return list(db.session.scalars(query))


def get_hold(hold_id: int) -> Hold:
    """A hold by id, or NOT_FOUND."""
    hold = db.session.get(Hold, hold_id)
    if hold is None:
        raise NotFound()
    return hold


def find_record(record_id) -> Record | None:
    """A title by id."""
    try:
        return db.session.get(Record, int(record_id))
    except (TypeError, ValueError):
        return None
