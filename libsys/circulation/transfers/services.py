"""Transfers of copies between the libraries of the network (chuyển tài liệu giữa thư viện).

A transfer is requested, sent (the copy is in transit), then received at the destination,
where the copy is available or goes to the hold shelf when a reader there waits for it.
It can be cancelled only before it is sent: a copy already on the road must arrive.

A copy the returns desk routes to another library (a reader's pickup library, its home) is
requested there and then: it waits on the sending library's list of copies to send and is
*sent* when the carrier takes it, not when the desk routes it. The copy itself is in
transit from the scan, its place the destination ("in transit to ...").
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from libsys.accounts.scope import require_library_scope, require_one_of_libraries
from libsys.catalog.models import ITEM_STATUS_LABELS, Item, Record
from libsys.catalog.states import ITEM_STATES, placed_at
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.states import HOLD_STATES
from libsys.circulation.lookups import find_copy
from libsys.circulation.policies.services import policy_for, shelf_expiry_for
from libsys.circulation.transfers.models import (
    OPEN_STATUSES,
    TRANSFER_STATUS_LABELS,
    TRANSFERABLE_ITEM_STATUSES,
    Transfer,
)
from libsys.core.clock import local_today
from libsys.core.states import StateMachine, Transition
from libsys.db import plain_rows, utcnow
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_event


def _refuse(state: str, trigger: str) -> Conflict:
    """The named refusal of a move the table does not allow."""
    if trigger == "cancel" and state == "in_transit":
        return Conflict(
            _l("This copy is already on its way: a transfer under way cannot be cancelled."),
            code="TRANSFER_UNDER_WAY",
        )
    return Conflict(
        _l("This transfer cannot be changed any more (it is %(status)s).",
           status=TRANSFER_STATUS_LABELS[state]),
        code="TRANSFER_STATE",
    )  # fmt: skip


TRANSFER_STATES = StateMachine(
    "transfer",
    [
        Transition("send", "requested", "in_transit", event="transfer_sent"),
        Transition("receive", "in_transit", "received", event="transfer_received"),
        Transition("cancel", "requested", "cancelled"),
        # A copy on the road that will not arrive (it went elsewhere, or was lost).
        Transition("close", "in_transit", "cancelled"),
    ],
    record=record_event,
    refuse=_refuse,
)


def library_by_code(code: str) -> Library:
    """The library with this code, or a field error."""
    library = db.session.scalar(select(Library).where(Library.code == (code or "").strip()))
    if library is None:
        raise ValidationFailed(fields={"to_library": _l("Choose a library.")})
    return library


def current_library_id(item: Item) -> int:
    """Where the copy is now: away at another library, else at home."""
    return item.location_library_id or item.library_id


# Built once: every return at the desk asks it.
_OPEN_TRANSFER_OF_ITEM = select(Transfer).where(
    Transfer.item_id == bindparam("item_id"), Transfer.status.in_(OPEN_STATUSES)
)


_ANY_OPEN_TRANSFER_OF_ITEM = select(Transfer.id).where(_OPEN_TRANSFER_OF_ITEM.whereclause)


def open_transfer(item: Item) -> Transfer | None:
    """The copy's transfer that is requested or on the road, if any."""
    if not plain_rows(_ANY_OPEN_TRANSFER_OF_ITEM, item_id=item.id):
        return None  # most returns: no transfer, and no ORM work
    return db.session.scalar(_OPEN_TRANSFER_OF_ITEM, {"item_id": item.id})


def request_transfer(
    item: Item,
    to_library: Library,
    *,
    reason: str | None = None,
    user_id: int | None = None,
    hold_id: int | None = None,
    from_library: Library | None = None,
    user=None,
) -> Transfer:
    """Ask for a copy to be sent to another library; it appears on the sender's pull list.

    `from_library`: where the copy waits to leave, when not where the copy stands (the
    returns desk routed it, and an in-transit copy's place is its destination). `user`, a
    library's account, asks only for a copy leaving or coming to its own library.
    """
    from_library_id = from_library.id if from_library is not None else current_library_id(item)
    require_one_of_libraries(user, from_library_id, to_library.id)
    user_id = user_id if user is None else user.id
    if to_library.id == from_library_id:
        raise ValidationFailed(
            fields={
                "to_library": _l("The copy is already at %(library)s.", library=to_library.name)
            }
        )
    if open_transfer(item) is not None:
        raise Conflict(
            _l("Copy %(barcode)s already has a transfer under way.", barcode=item.barcode),
            code="TRANSFER_EXISTS",
        )
    # A copy the returns desk routed elsewhere is already "in transit" but has no transfer yet.
    if item.status not in TRANSFERABLE_ITEM_STATUSES and item.status != "in_transit":
        raise Conflict(
            _l("Copy %(barcode)s cannot be sent now (status: %(status)s).",
               barcode=item.barcode, status=ITEM_STATUS_LABELS[item.status]),
            code="ITEM_NOT_TRANSFERABLE",
        )  # fmt: skip
    if hold_id is None and item.status == "in_transit":
        hold_id = _hold_in_transit_to(item, to_library.id)
    transfer = Transfer(
        item=item,
        from_library_id=from_library_id,
        to_library_id=to_library.id,
        reason=(reason or "").strip() or None,
        requested_by_id=user_id,
        hold_id=hold_id,
    )
    db.session.add(transfer)
    db.session.flush()
    return transfer


def _hold_in_transit_to(item: Item, library_id: int) -> int | None:
    """The hold the returns desk trapped this copy for, when its reader collects at library_id."""
    return db.session.scalar(
        select(Hold.id).where(
            Hold.item_id == item.id,
            Hold.status == "in_transit",
            Hold.pickup_library_id == library_id,
        )
    )


def send_transfer(transfer: Transfer, *, user_id: int | None = None, user=None) -> Transfer:
    """The copy leaves: in transit to the destination (event transfer_sent); `user`, a
    library's account, sends only what leaves its own library."""
    require_library_scope(user, transfer.from_library_id)
    user_id = user_id if user is None else user.id
    _mark_sent(transfer, user_id=user_id)
    ITEM_STATES.trigger(transfer.item, "send", apply=placed_at(transfer.to_library_id))
    db.session.flush()
    return transfer


def _mark_sent(transfer: Transfer, *, user_id: int | None = None, **details) -> None:
    """The transfer is on its way (event transfer_sent); the copy's place is the caller's."""

    def sent(changed: Transfer) -> None:
        changed.sent_at = utcnow()
        changed.sent_by_id = user_id

    TRANSFER_STATES.trigger(
        transfer,
        "send",
        apply=sent,
        event={"library": transfer.from_library_id, "item": transfer.item, "user_id": user_id,
               "transfer_id": transfer.id, "to_library": transfer.to_library.code, **details},
    )  # fmt: skip
    db.session.flush()


def receive_transfer(transfer: Transfer, *, user_id: int | None = None) -> Transfer:
    """The copy arrives: available at the destination, or on its hold shelf when trapped."""
    TRANSFER_STATES.move_for(transfer.status, "receive")  # refused before the copy moves
    item = transfer.item
    here = None if transfer.to_library_id == item.library_id else transfer.to_library_id
    hold = _trapped_hold(item)
    if hold is not None and hold.pickup_library_id == transfer.to_library_id:
        # The returns desk already shelved it for the reader.
        ITEM_STATES.trigger(item, "shelve_for_hold", apply=placed_at(here))
    else:
        ITEM_STATES.trigger(item, "shelve", apply=placed_at(here))
        hold = _trap_for_hold(transfer)

    def received(changed: Transfer) -> None:
        changed.received_at = utcnow()
        changed.received_by_id = user_id

    TRANSFER_STATES.trigger(
        transfer,
        "receive",
        apply=received,
        event={"library": transfer.to_library_id, "item": item, "user_id": user_id,
               "transfer_id": transfer.id, "from_library": transfer.from_library.code,
               "hold_id": hold.id if hold is not None else None},
    )  # fmt: skip
    db.session.flush()
    return transfer


def _trap_for_hold(transfer: Transfer):
    """Put the arriving copy on the hold shelf when a reader waits for it at the destination."""
    item, library = transfer.item, transfer.to_library
    candidates = select(Hold).where(Hold.pickup_library_id == library.id)
    hold = db.session.get(Hold, transfer.hold_id) if transfer.hold_id else None
    if (
        hold is None
        or hold.pickup_library_id != library.id
        or hold.status
        not in (
            "waiting",
            "in_transit",
        )
    ):
        # The copy trapped at the returns desk for a reader here, else the queue's first.
        hold = db.session.scalar(
            candidates.where(Hold.item_id == item.id, Hold.status == "in_transit").limit(1)
        ) or db.session.scalar(
            candidates.where(
                Hold.status == "waiting",
                (Hold.item_id == item.id) | ((Hold.record_id == item.record_id) & ~Hold.copy_level),
            )
            .order_by(Hold.placed_at, Hold.id)
            .limit(1)
        )
    if hold is None:
        return None
    today = local_today()
    policy = policy_for(library, hold.reader.category_id, item)

    def shelve(changed) -> None:
        changed.item_id = item.id
        changed.trapped_at = changed.trapped_at or utcnow()
        changed.shelf_expires_on = shelf_expiry_for(policy, library, today)

    HOLD_STATES.trigger(hold, "shelve", apply=shelve)
    ITEM_STATES.trigger(item, "shelve_for_hold")
    return hold


def follow_copy_on_checkin(result, library) -> None:
    """Checkin hook: the copy's transfer follows the returns desk.

    A copy on its way here is received (`_receive_here`); then a copy the desk sends to
    another library travels under a transfer, and one it keeps or sends elsewhere closes
    the old one (`_follow_the_desk`). One lookup of the copy's open transfer serves both.
    """
    transfer = open_transfer(result.item)
    if transfer is not None and transfer.status == "requested" and _arrived(transfer, library):
        # Routed at returns and scanned at its destination: it left, though nobody marked it.
        _mark_sent(transfer)
    if transfer is not None and _receive_here(transfer, result, library):
        transfer = None
    _follow_the_desk(transfer, result, library)


def _arrived(transfer: Transfer, library) -> bool:
    """A transfer still on its sender's list, whose copy is scanned at its destination."""
    return transfer.to_library_id == library.id and transfer.from_library_id != library.id


def _receive_here(transfer: Transfer, result, library) -> bool:
    """Receive a copy on its way to this library; True when the transfer is closed.

    The desk placed the copy already. When the trip was for a hold that has ended, or the
    desk sends the copy on to another reader's library, the transfer is only closed and the
    desk's placement stands (home, or the next hold). Otherwise the transfer's own
    placement applies (available at this library, or trapped for a hold here).
    """
    if transfer.status != "in_transit" or transfer.to_library_id != library.id:
        return False
    hold = result.hold
    sent_on = hold is not None and hold.pickup_library_id != library.id
    if sent_on or _trip_hold_ended(transfer):

        def received(changed: Transfer) -> None:
            changed.received_at = utcnow()

        TRANSFER_STATES.trigger(
            transfer,
            "receive",
            apply=received,
            event={"library": library, "item": result.item, "transfer_id": transfer.id,
                   "from_library": transfer.from_library.code},
        )  # fmt: skip
        return True
    receive_transfer(transfer)
    result.route_to = None
    result.route_reason = None
    result.hold = _trapped_hold(result.item) or result.hold
    result.notes.append("transfer_received")
    return True


def _trip_hold_ended(transfer: Transfer) -> bool:
    """The transfer carried a copy to a reader's pickup library and that hold is over."""
    if transfer.hold_id is None:
        return False
    hold = db.session.get(Hold, transfer.hold_id)
    return hold is None or hold.status not in ACTIVE_HOLD_STATUSES


def close_transfer(transfer: Transfer) -> None:
    """Close an open transfer whose copy will not arrive (it went elsewhere, or was lost):
    one still requested is cancelled; one on the road is closed as it stands."""
    if transfer.status == "requested":
        cancel_transfer(transfer)
        return
    TRANSFER_STATES.trigger(transfer, "close", apply=_cancelled_now)
    db.session.flush()


def _cancelled_now(transfer: Transfer) -> None:
    transfer.cancelled_at = utcnow()


def _follow_the_desk(transfer: Transfer | None, result, library) -> None:
    """Make the copy's open transfer (if any) follow where the desk sends it.

    A copy the returns desk sends to another library (its home, a hold's pickup) travels
    under a transfer sent now, so the destination sees it coming and receives it. A copy
    on the road that the desk keeps here, or sends somewhere else, closes the old one.
    A transfer still only requested is left to the pull list unless the copy must travel.
    """
    item = result.item
    hold = result.hold if result.route_reason == "hold" else None
    destination = None  # the copy stays here (or with its rotation batch)
    if result.route_reason in ("home", "hold") and result.route_to:
        destination = hold.pickup_library if hold is not None else item.library
    if transfer is not None:
        if (
            destination is None
            and transfer.status == "requested"
            and result.status_before != "in_transit"
        ):
            return  # still on the pull list here (a copy the desk routed is kept here now)
        if destination is not None and transfer.to_library_id == destination.id:
            # Already on its way there, or on this library's list to send: it stays so.
            if hold is not None:
                transfer.hold_id = hold.id
            return
        close_transfer(transfer)
    if destination is None:
        return
    # The desk routed the copy (in transit to the destination): it waits on this library's
    # list of copies to send until the carrier takes it (send_transfer).
    request_transfer(
        item,
        destination,
        hold_id=hold.id if hold is not None else None,
        from_library=library,
    )


def _trapped_hold(item: Item):
    return db.session.scalar(
        select(Hold).where(Hold.item_id == item.id, Hold.status == "on_shelf").limit(1)
    )


def routed_at_returns(transfer: Transfer) -> bool:
    """A transfer still to send whose copy the returns desk routed (it is in transit)."""
    return transfer.status == "requested" and transfer.item.status == "in_transit"


def cancel_by_hand(transfer: Transfer, *, user=None) -> Transfer:
    """Cancel a transfer from the transfers page: not one the returns desk routed, whose
    copy must travel (for a reader's hold, or home); `user`, a library's account, only a
    transfer from or to its own library."""
    require_one_of_libraries(user, transfer.from_library_id, transfer.to_library_id)
    if routed_at_returns(transfer):
        raise Conflict(
            _l("Copy %(barcode)s was routed at returns and must travel: mark it sent when the "
               "carrier takes it.", barcode=transfer.item.barcode),
            code="TRANSFER_ROUTED",
        )  # fmt: skip
    return cancel_transfer(transfer)


def cancel_transfer(transfer: Transfer) -> Transfer:
    """Cancel a transfer that has not left yet; one on the road cannot be cancelled."""
    TRANSFER_STATES.trigger(transfer, "cancel", apply=_cancelled_now)
    db.session.flush()
    return transfer


def receive_by_barcode(
    barcode: str, library_id: int | None, *, user_id=None, user=None
) -> Transfer:
    """Receive the copy scanned at a library: its transfer on the road to that library
    (`user`, a library's account, receives at its own library only)."""
    if user is not None and user.library_id is not None:
        require_library_scope(user, library_id)
        user_id = user.id
    item = find_copy(barcode)
    transfer = open_transfer(item)
    if transfer is None or (library_id is not None and transfer.to_library_id != library_id):
        raise Conflict(
            _l("Copy %(barcode)s is not on its way to this library.", barcode=item.barcode),
            code="NO_TRANSFER",
        )
    if (
        transfer.status == "requested"
        and routed_at_returns(transfer)
        and _arrived(
            transfer, db.session.get(Library, library_id) if library_id else transfer.to_library
        )
    ):
        _mark_sent(transfer, user_id=user_id)  # it left, though nobody marked it
    if transfer.status == "requested":
        raise Conflict(
            _l("Copy %(barcode)s was never marked as sent: the sender must send it first.",
               barcode=item.barcode),
            code="TRANSFER_NOT_SENT",
        )  # fmt: skip
    return receive_transfer(transfer, user_id=user_id)


# The lists show each copy's shelf place, barcode and title, and both libraries.
_TRANSFER_LIST = select(Transfer).options(
    joinedload(Transfer.item).joinedload(Item.store),
    joinedload(Transfer.item).joinedload(Item.record).load_only(Record.title),
    joinedload(Transfer.from_library),
    joinedload(Transfer.to_library),
)


def pull_list(library_id: int | None) -> list[Transfer]:
    """Transfers waiting to leave a library (what to take off the shelves and send today)."""
    query = _TRANSFER_LIST.where(Transfer.status == "requested")
    if library_id is not None:
        query = query.where(Transfer.from_library_id == library_id)
    return list(db.session.scalars(query.order_by(Transfer.requested_at, Transfer.id)))


def incoming(library_id: int | None) -> list[Transfer]:
    """Transfers on the road to a library."""
    query = _TRANSFER_LIST.where(Transfer.status == "in_transit")
    if library_id is not None:
        query = query.where(Transfer.to_library_id == library_id)
    return list(db.session.scalars(query.order_by(Transfer.sent_at, Transfer.id)))


def transfer_history(item: Item) -> list[Transfer]:
    """Every transfer of a copy, newest first."""
    return list(
        db.session.scalars(
            select(Transfer)
            .where(Transfer.item_id == item.id)
            .order_by(Transfer.requested_at.desc(), Transfer.id.desc())
        )
    )


def get_transfer(transfer_id: int) -> Transfer:
    """A transfer by id, or NotFound."""
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound(code="UNKNOWN_TRANSFER")
    return transfer
